import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { catalogMigrations } from '../../catalog/migrations';
import { openDatabase, type Db } from '../../db/database';
import { applyCatalogImage } from './catalogImage';
import { CatalogUpdateError, CatalogWriter } from './catalogWriter';
import type { ApplyWorkerData, FromApplyWorker, ToApplyWorker } from './workerProtocol';

/**
 * The catalogue sync's worker thread: its own connection to the lane's catalogue, so the long
 * writes of an update never hold up the lane's event loop, and (WAL) the lane keeps reading
 * the old catalogue until this thread commits.
 */

/** While a snapshot is written: enough cache for a million items' B-tree pages (allocated only as used). */
const snapshotCacheKiB = 256 * 1024;
const idleCacheKiB = 8 * 1024;
const imageCacheKiB = 16 * 1024;

const port = parentPort;
if (!port) throw new Error('applyWorker runs as a worker thread');
const { catalogPath } = workerData as ApplyWorkerData;

function send(message: FromApplyWorker): void {
  port!.postMessage(message);
}

function refusal(id: number, error: unknown): FromApplyWorker {
  if (error instanceof CatalogUpdateError) return { type: 'refused', id, problem: error.problem, message: error.message };
  return { type: 'refused', id, problem: 'rejectedByCatalog', message: error instanceof Error ? error.message : String(error) };
}

let db: Db;
try {
  db = openDatabase(catalogPath, catalogMigrations, { synchronous: 'NORMAL' });
  db.pragma(`cache_size = -${idleCacheKiB}`);
  // Sorting for the index rebuild stays in memory rather than in temp files.
  db.pragma('temp_store = MEMORY');
  // Read the catalogue through the page cache of the OS, as the lane's own connection does.
  db.pragma('mmap_size = 1073741824');
  // A commit would otherwise fold the WAL into the file itself before the update counts as
  // applied; the worker does that right after answering instead (see checkpointSoon).
  db.pragma('wal_autocheckpoint = 0');
} catch (error) {
  send({ type: 'fatal', message: `cannot open the catalogue ${catalogPath}: ${error instanceof Error ? error.message : String(error)}` });
  process.exit(1);
}
const writer = new CatalogWriter(db);
/** The snapshot being written: its id and when it began; a refused one is forgotten, its later lines ignored. */
let snapshot: { id: number; startedAt: number } | undefined;

function endSnapshotMemory(): void {
  db.pragma(`cache_size = -${idleCacheKiB}`);
  db.pragma('shrink_memory');
}

/** Once the update is visible: the WAL is folded back while nothing waits for it. */
function checkpointSoon(): void {
  setImmediate(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Tried again after the next update.
    }
  });
}

/** After a snapshot the WAL holds the whole catalogue: fold it into the file now, not on some later scan's time. */
function checkpoint(): void {
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // A reader in the way: SQLite checkpoints again on later commits.
  }
}

port.on('message', (message: ToApplyWorker) => {
  switch (message.type) {
    case 'delta': {
      const startedAt = performance.now();
      try {
        const applied = writer.applyDelta(message.delta, message.meta);
        send({ type: 'applied', id: message.id, applied, durationMs: performance.now() - startedAt });
        checkpointSoon();
      } catch (error) {
        send(refusal(message.id, error));
      }
      return;
    }
    case 'image': {
      if (snapshot) writer.abortSnapshot();
      snapshot = undefined;
      const startedAt = performance.now();
      try {
        // A small cache on purpose: pages go to the WAL as they are copied, so the lane's thread
        // can flush them a little at a time (CatalogApplier) instead of all at the commit.
        db.pragma(`cache_size = -${imageCacheKiB}`);
        const applied = applyCatalogImage(db, message.path, { version: message.version }, message.meta);
        const durationMs = performance.now() - startedAt;
        send({ type: 'applied', id: message.id, applied, durationMs });
        endSnapshotMemory();
        // The WAL holds the whole catalogue now: fold it into the file once the lane has its answer.
        setImmediate(checkpoint);
      } catch (error) {
        endSnapshotMemory();
        send(refusal(message.id, error));
      }
      return;
    }
    case 'snapshotBegin':
      if (snapshot) writer.abortSnapshot();
      snapshot = undefined;
      try {
        db.pragma(`cache_size = -${snapshotCacheKiB}`);
        writer.beginSnapshot(message.meta);
        snapshot = { id: message.id, startedAt: performance.now() };
      } catch (error) {
        endSnapshotMemory();
        send(refusal(message.id, error));
      }
      return;
    case 'snapshotLines':
      if (snapshot?.id !== message.id) return;
      try {
        writer.addSnapshotLines(message.text.split('\n'));
        send({ type: 'ack', id: message.id });
      } catch (error) {
        snapshot = undefined;
        endSnapshotMemory();
        send(refusal(message.id, error));
      }
      return;
    case 'snapshotEnd': {
      if (snapshot?.id !== message.id) return;
      const { startedAt } = snapshot;
      snapshot = undefined;
      try {
        const applied = writer.finishSnapshot();
        const durationMs = performance.now() - startedAt;
        endSnapshotMemory();
        checkpoint();
        send({ type: 'applied', id: message.id, applied, durationMs });
      } catch (error) {
        endSnapshotMemory();
        send(refusal(message.id, error));
      }
      return;
    }
    case 'snapshotAbort':
      if (snapshot?.id !== message.id) return;
      snapshot = undefined;
      writer.abortSnapshot();
      endSnapshotMemory();
      send({ type: 'refused', id: message.id, problem: 'aborted', message: 'the snapshot was abandoned part way; the catalogue is as it was' });
      return;
    case 'close':
      if (snapshot) writer.abortSnapshot();
      db.close();
      port.close();
      return;
  }
});

send({ type: 'ready', version: writer.version() });
