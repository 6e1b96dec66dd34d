import { join } from 'node:path';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { Journal } from '../../../main/lane/journal';
import { LaneRuntime } from '../../../main/lane/runtime';
import { restrictedTemplates } from '../../../shared/barcode';
import { createFakeDevices, type FakeDevices } from '../../main/helpers/fakeDevices';
import { FuzzLogger, scratchDir } from '../messageTarget';
import { FuzzDirectory, writeFuzzStaff } from './staff';

/**
 * A real lane for the message fuzzers: LaneRuntime on fake devices, a small demo catalogue with
 * the fuzzed store's staff, and a journal. The journal is in memory — the same code and SQL as
 * on disk, without a file to sync on every event — because the fuzzers look for handling bugs,
 * not for what the disk costs; the rig is restarted often enough to keep it small.
 */
export interface FuzzLane {
  readonly runtime: LaneRuntime;
  readonly journal: Journal;
  readonly catalog: CatalogStore;
  readonly devices: FakeDevices;
  readonly log: FuzzLogger;
  /** Barcodes of the catalogue as they would be keyed in: weighed, age-restricted and plain items. */
  readonly keyedCodes: readonly string[];
  /** GTIN-14s of some items, as the lookup screen names them. */
  readonly gtins: readonly string[];
  close(): Promise<void>;
}

export async function startFuzzLane(laneId = 'L01'): Promise<FuzzLane> {
  const dir = scratchDir('lane');
  const catalogPath = join(dir.path, 'catalog.sqlite');
  ensureDemoCatalog(catalogPath, 50);
  const catalog = CatalogStore.open(catalogPath);
  writeFuzzStaff(catalog.db);
  const rows = catalog.db.prepare('SELECT gtin, sold_by AS soldBy, age_limit AS ageLimit FROM items ORDER BY gtin').all() as { gtin: number | string; soldBy: string; ageLimit: number | null }[];
  const gtin14 = (row: (typeof rows)[number]) => String(row.gtin).padStart(14, '0');
  const chosen = [...rows.filter((row) => row.soldBy === 'weight').slice(0, 3), ...rows.filter((row) => row.ageLimit !== null).slice(0, 2), ...rows.slice(0, 6)].map(gtin14);
  const keyedCodes = [...chosen.map((gtin) => gtin.replace(/^0+/u, '').padStart(13, '0')), '12345670', '00000000000000', '99999999999999'];

  const journal = Journal.open(':memory:');
  const devices = createFakeDevices();
  const log = new FuzzLogger();
  const runtime = new LaneRuntime({
    lane: {
      laneId,
      storeName: 'Fuzz Store',
      currency: 'EUR',
      defaultLanguage: 'en',
      shopperKeyedEntry: true,
      containers: [{ id: 'bag', name: { en: 'Bag' }, tareGrams: 5 }],
    },
    restrictedTemplate: restrictedTemplates.sweden,
    catalog,
    journal,
    devices,
    log,
    assistants: new FuzzDirectory(catalog.db),
  });
  await runtime.start();
  return {
    runtime,
    journal,
    catalog,
    devices,
    log,
    keyedCodes,
    gtins: chosen,
    async close() {
      await runtime.stop();
      journal.close();
      catalog.close();
      dir.remove();
    },
  };
}
