import { syncProtocolVersion, type SnapshotHeader, type SnapshotTrailer } from '../../shared/store/syncProtocol';
import { CatalogChecksum } from './checksum';
import type { CatalogSnapshot } from './storeBackend';

/** How far a snapshot's lines have got, for the logs of whoever consumes them. */
export interface SnapshotProgress {
  /** Entities yielded so far. */
  sent: number;
}

/**
 * A snapshot as the protocol's NDJSON lines (shared/store/syncProtocol.ts), without newlines:
 * the header, every entity, the trailer with the checksum over what was actually yielded. Read
 * only as fast as it is consumed; stopping early ends the backend's read view.
 */
export async function* snapshotLines(view: CatalogSnapshot, progress: SnapshotProgress = { sent: 0 }): AsyncGenerator<string, void, undefined> {
  const checksum = new CatalogChecksum();
  const header: SnapshotHeader = { kind: 'snapshot', protocol: syncProtocolVersion, version: view.version, count: view.count };
  yield JSON.stringify(header);
  for await (const entity of view.entities()) {
    checksum.add(entity);
    progress.sent = checksum.count;
    yield JSON.stringify(entity);
  }
  // A count that differs from the header is sent as it is: the lane refuses the snapshot.
  const trailer: SnapshotTrailer = { kind: 'end', checksum: checksum.digest() };
  yield JSON.stringify(trailer);
}
