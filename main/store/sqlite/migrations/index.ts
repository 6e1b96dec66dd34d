import type { Migration } from '../../../db/database';
import { migration0001Store } from './0001_store';

export const storeMigrations: readonly Migration[] = [migration0001Store];
