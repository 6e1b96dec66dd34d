import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../../shared/log';
import { CatalogStore } from '../catalog/catalogStore';
import { catalogEntitiesOf } from '../store/catalogEntitiesOf';
import { openStoreBackend } from '../store/openStoreBackend';
import { storeProcess, type StoreProcess } from './keptProcess';

/** The demo's store server: the master catalogue the lanes sync from, and where their sales go. */
export interface DemoStoreServer {
  readonly url: string;
  readonly dataDir: string;
  readonly process: StoreProcess;
  /** Each lane's token, as `lanewise store add-lane` would print it. */
  readonly tokens: ReadonlyMap<string, string>;
}

/**
 * Seeds the store server from the demo catalogue the first time (so store and lanes start
 * from the same prices), gives every lane a token — a new one each start, since the server
 * keeps only hashes — and starts the server in its own process.
 */
export async function startDemoStoreServer(options: { dataDir: string; demoCatalog: string; laneIds: readonly string[]; port: number; log: Logger }): Promise<DemoStoreServer> {
  const storeDir = join(options.dataDir, 'store');
  const tokens = new Map<string, string>();
  const backend = await openStoreBackend(storeDir);
  try {
    if ((await backend.catalogVersion()) === 0) {
      const catalog = CatalogStore.open(options.demoCatalog, { readonly: true });
      try {
        await backend.applyCatalogChanges([...catalogEntitiesOf(catalog)], { source: 'the demo catalogue' });
      } finally {
        catalog.close();
      }
    }
    for (const laneId of options.laneIds) tokens.set(laneId, (await backend.lanes.add(laneId, { rotate: true })).token);
  } finally {
    await backend.close();
  }
  const process = storeProcess(['--data-dir', storeDir, '--host', '127.0.0.1', '--port', String(options.port)], options.log);
  const ready = await process.start();
  return { url: ready.url, dataDir: storeDir, process, tokens };
}

/**
 * A lane's own copy of the catalogue: in a store each terminal keeps its own and syncs it from
 * the store server. The demo starts each copy from the demo catalogue (as a terminal installed
 * from an image would) and the lane's first sync brings it to the server's version.
 */
export async function ensureLaneCatalog(demoCatalog: string, laneCatalog: string): Promise<void> {
  if (existsSync(laneCatalog)) return;
  mkdirSync(dirname(laneCatalog), { recursive: true });
  const source = new Database(demoCatalog, { readonly: true });
  try {
    await source.backup(laneCatalog);
  } finally {
    source.close();
  }
}
