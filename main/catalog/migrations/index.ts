import type { Migration } from '../../db/database';
import { migration0001Items } from './0001_items';

export const catalogMigrations: readonly Migration[] = [migration0001Items];
