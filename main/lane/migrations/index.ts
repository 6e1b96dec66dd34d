import type { Migration } from '../../db/database';
import { migration0001Journal } from './0001_journal';

export const journalMigrations: readonly Migration[] = [migration0001Journal];
