import Database from 'better-sqlite3';
import { catalogEntityKinds, type CatalogEntityKind } from '../../../shared/store/catalogEntities';
import type { VersionedEntity } from '../../../shared/store/syncProtocol';
import type { CatalogSnapshot } from '../storeBackend';

export interface SnapshotOptions {
  /** Entities read per query; the rest of the catalogue stays on disk. */
  readonly pageSize: number;
  /** A view nobody reads from for this long is released (a consumer that vanished without telling). */
  readonly idleMs: number;
  readonly onRelease: (snapshot: SqliteSnapshot) => void;
}

interface EntityRow {
  key: string;
  version: number;
  value: string;
}

/**
 * One consistent view of the catalogue, read page by page: a read transaction on its own
 * read-only connection, which WAL keeps stable while the server's connection goes on writing.
 * The view ends when the entities have all been read, when the consumer stops early (`return()`),
 * when it has sat unread for `idleMs`, or when the backend closes, whichever comes first.
 */
export class SqliteSnapshot implements CatalogSnapshot {
  readonly version: number;
  readonly count: number;
  readonly #db: Database.Database;
  readonly #options: SnapshotOptions;
  #timer: NodeJS.Timeout | undefined;
  #released = false;
  #completed = false;
  #handedOut = false;
  #kindIndex = 0;
  #afterKey = '';
  #page: EntityRow[] = [];
  #pageKind: CatalogEntityKind = 'settings';
  #position = 0;

  constructor(path: string, options: SnapshotOptions) {
    this.#options = options;
    this.#db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      this.#db.pragma('busy_timeout = 2000');
      this.#db.exec('BEGIN');
      // The first read fixes the view; everything after sees the catalogue as it was here.
      this.version = (this.#db.prepare('SELECT version FROM catalog_state WHERE id = 1').pluck().get() as number | undefined) ?? 0;
      this.count = this.#db.prepare('SELECT count(*) FROM catalog_entities WHERE value IS NOT NULL').pluck().get() as number;
    } catch (error) {
      this.#db.close();
      throw error;
    }
    this.#armTimer();
  }

  get released(): boolean {
    return this.#released;
  }

  entities(): AsyncIterable<VersionedEntity> {
    if (this.#handedOut) throw new Error('a snapshot’s entities are read once');
    this.#handedOut = true;
    const iterator: AsyncIterator<VersionedEntity> = {
      next: async () => this.#next(),
      return: async () => {
        this.release();
        return { done: true, value: undefined };
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }

  /** Ends the read view (idempotent). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    clearTimeout(this.#timer);
    try {
      if (this.#db.inTransaction) this.#db.exec('COMMIT');
    } finally {
      this.#db.close();
      this.#options.onRelease(this);
    }
  }

  #next(): IteratorResult<VersionedEntity> {
    if (this.#completed) return { done: true, value: undefined };
    if (this.#released) throw new Error('the catalogue snapshot was released before it was read to the end (left unread too long, or the store closed)');
    this.#armTimer();
    while (this.#position >= this.#page.length) {
      const kind = catalogEntityKinds[this.#kindIndex];
      if (kind === undefined) {
        this.#completed = true;
        this.release();
        return { done: true, value: undefined };
      }
      this.#page = this.#readPage(kind);
      this.#pageKind = kind;
      this.#position = 0;
      if (this.#page.length < this.#options.pageSize) {
        this.#kindIndex++;
        this.#afterKey = '';
      } else {
        this.#afterKey = this.#page[this.#page.length - 1]!.key;
      }
    }
    const row = this.#page[this.#position++]!;
    return { done: false, value: { version: row.version, kind: this.#pageKind, key: row.key, value: JSON.parse(row.value) as unknown } };
  }

  #readPage(kind: CatalogEntityKind): EntityRow[] {
    return this.#db
      .prepare('SELECT key, version, value FROM catalog_entities WHERE kind = ? AND key > ? AND value IS NOT NULL ORDER BY key LIMIT ?')
      .all(kind, this.#afterKey, this.#options.pageSize) as EntityRow[];
  }

  #armTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.release(), this.#options.idleMs);
    this.#timer.unref();
  }
}
