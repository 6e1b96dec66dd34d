import { existsSync, renameSync, rmSync } from 'node:fs';
import { getRestrictedTemplate, restrictedLookupGtin } from '../../shared/barcode';
import { CatalogStore } from './catalogStore';
import { demoSettings, writeDemoCatalog } from './demoCatalog';
import { demoCoupons, demoPromotions } from './demoPromotions';

/** Packaged goods generated for the demo store, on top of produce, deli and showcase items. */
export const demoGeneratedItemCount = 6000;

/** The restricted-circulation prefix the demo deli's label printer uses for price-embedded labels. */
export const demoDeliPrefix = '20';

export function demoVariableMeasureGtin(itemReference: string): string {
  const template = getRestrictedTemplate(demoSettings.restrictedTemplate ?? '');
  if (!template) throw new Error('demo store needs a restricted-circulation template');
  return restrictedLookupGtin(template, demoDeliPrefix, itemReference);
}

function writeDemoPromotions(store: CatalogStore): void {
  store.writePromotions(demoPromotions);
  store.writeCoupons(demoCoupons);
}

/**
 * Creates the demo catalogue at `path` unless one is there. Built in a side file and renamed
 * into place, so an interrupted build never leaves a half catalogue behind. A catalogue built
 * before promotions existed gets the demo promotions and coupons added.
 */
export function ensureDemoCatalog(path: string, count = demoGeneratedItemCount): { created: boolean; items: number } {
  if (existsSync(path)) {
    const store = CatalogStore.open(path);
    try {
      const items = store.count();
      if (items > 0) {
        if (store.promotions().length === 0) writeDemoPromotions(store);
        return { created: false, items };
      }
    } finally {
      store.close();
    }
  }
  const building = `${path}.building`;
  rmSync(building, { force: true });
  const store = CatalogStore.open(building);
  let items: number;
  try {
    items = writeDemoCatalog(store, { count, variableMeasureGtin: demoVariableMeasureGtin });
    writeDemoPromotions(store);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    store.close();
  }
  for (const suffix of ['-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  renameSync(building, path);
  return { created: true, items };
}
