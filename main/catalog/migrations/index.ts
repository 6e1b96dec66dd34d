import type { Migration } from '../../db/database';
import { migration0001Items } from './0001_items';
import { migration0002Promotions } from './0002_promotions';
import { migration0003Assistants } from './0003_assistants';
import { migration0004CatalogSync } from './0004_catalog_sync';

export const catalogMigrations: readonly Migration[] = [migration0001Items, migration0002Promotions, migration0003Assistants, migration0004CatalogSync];
