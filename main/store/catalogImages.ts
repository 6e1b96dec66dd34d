import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../../shared/log';
import { maxDeltaChanges } from '../../shared/store/syncProtocol';
import { applyCatalogUpdate } from '../lane/catalogSync/catalogApplier';
import { snapshotLines } from './snapshotLines';
import type { StoreBackend } from './storeBackend';

/**
 * The store server's catalogue images (shared/store/syncProtocol.ts): a snapshot built into a
 * lane catalogue file by the lane's own sync writer (every entity checked against its schema,
 * the lane's tables and CHECKs), so a lane that needs everything copies tables instead of
 * writing entities one by one. Built on demand in a worker thread, once per catalogue version
 * at most, and shared by every lane that asks; a cache: emptied at start, rebuilt when needed.
 */

export interface CatalogImage {
  readonly path: string;
  /** The catalogue version it holds. */
  readonly version: number;
  /** SHA-256 hex of the file. */
  readonly sha256: string;
  readonly bytes: number;
  /** The lane catalogue schema (its migration number) it was built with. */
  readonly schema: number;
}

export interface CatalogImagesOptions {
  readonly backend: StoreBackend;
  /** Images are kept here; files this class did not name are left alone. */
  readonly dir: string;
  readonly log: Logger;
  /** How long a lane's request waits for a build before it is told to ask again (10 s by default). */
  readonly maxWaitMs?: number;
}

const imageFile = /^catalog-v\d+\.sqlite$|^building-[0-9a-f]+\.sqlite(-wal|-shm|-journal)?$/u;
const defaultMaxWaitMs = 10_000;
/** What a lane told to wait is asked to wait, in seconds. */
const retryAfterSeconds = 10;

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

export class CatalogImages {
  readonly #backend: StoreBackend;
  readonly #dir: string;
  readonly #log: Logger;
  readonly #maxWaitMs: number;
  #latest: CatalogImage | undefined;
  #building: Promise<CatalogImage | undefined> | undefined;
  #closed = false;

  private constructor(options: CatalogImagesOptions) {
    this.#backend = options.backend;
    this.#dir = options.dir;
    this.#log = options.log.child({ component: 'catalogImages' });
    this.#maxWaitMs = options.maxWaitMs ?? defaultMaxWaitMs;
  }

  /** Makes the folder and clears images an earlier run left (they may be of another schema). */
  static async open(options: CatalogImagesOptions): Promise<CatalogImages> {
    await mkdir(options.dir, { recursive: true });
    for (const name of await readdir(options.dir)) if (imageFile.test(name)) await rm(join(options.dir, name), { force: true });
    return new CatalogImages(options);
  }

  /**
   * The image a lane should take now: one of the current version; or the latest built, when the
   * changes since it still fit in one delta (a newer one is being built meanwhile); or, after
   * waiting for a build, how long to wait before asking again.
   */
  async current(): Promise<CatalogImage | { readonly retryAfterSeconds: number }> {
    const version = await this.#backend.catalogVersion();
    const latest = this.#latest;
    if (latest?.version === version) return latest;
    const building = this.#build();
    if (latest && (await this.#backend.changesSince(latest.version, { maxChanges: maxDeltaChanges })).kind === 'delta') return latest;
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([building, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.#maxWaitMs)))]);
    clearTimeout(timer);
    return waited ?? { retryAfterSeconds };
  }

  /** Waits for a build under way; images on disk stay for the next start to clear. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#building;
  }

  /** The build under way, or a new one of the catalogue as it is now. Never rejects (a failure is logged; the next request tries again). */
  #build(): Promise<CatalogImage | undefined> {
    this.#building ??= this.#buildNow()
      .catch((error: unknown) => {
        this.#log.error({ error: error instanceof Error ? error.message : String(error) }, 'catalogue image build failed; lanes take the NDJSON snapshot meanwhile');
        return undefined;
      })
      .finally(() => {
        this.#building = undefined;
      });
    return this.#building;
  }

  async #buildNow(): Promise<CatalogImage | undefined> {
    if (this.#closed) return undefined;
    const startedAt = performance.now();
    const view = await this.#backend.snapshot();
    const building = join(this.#dir, `building-${randomBytes(6).toString('hex')}.sqlite`);
    try {
      const outcome = await applyCatalogUpdate(building, { kind: 'snapshot', lines: snapshotLines(view) }, { source: 'store image' });
      if (!outcome.ok) throw new Error(`the lane's writer refused the store's own snapshot (${outcome.problem}): ${outcome.message}`);
      // One self-contained file: a rollback journal, so no -wal file has to travel with it.
      const db = new Database(building);
      let schema: number;
      try {
        db.pragma('journal_mode = DELETE');
        schema = db.pragma('user_version', { simple: true }) as number;
      } finally {
        db.close();
      }
      const path = join(this.#dir, `catalog-v${view.version}.sqlite`);
      const sha256 = await sha256Of(building);
      const { size } = await stat(building);
      await rename(building, path);
      const image: CatalogImage = { path, version: view.version, sha256, bytes: size, schema };
      const previous = this.#latest;
      this.#latest = image;
      // A lane still downloading the previous image keeps its open file (POSIX); elsewhere the delete waits for the next start.
      if (previous && previous.path !== path) await rm(previous.path, { force: true }).catch(() => undefined);
      this.#log.info({ version: image.version, entities: view.count, bytes: size, ms: Math.round(performance.now() - startedAt) }, 'catalogue image built');
      return image;
    } finally {
      for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${building}${suffix}`, { force: true });
    }
  }
}
