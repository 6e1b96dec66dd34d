import type { Pool, PoolClient } from 'pg';
import { catalogEntityKinds, type CatalogEntityKind } from '../../../shared/store/catalogEntities';
import type { VersionedEntity } from '../../../shared/store/syncProtocol';
import type { CatalogSnapshot } from '../storeBackend';

export interface PostgresSnapshotOptions {
  /** Entities fetched per round trip; the rest stay on the server. */
  readonly pageSize: number;
  /** A view nobody reads from for this long is released (a consumer that vanished without telling). */
  readonly idleMs: number;
  readonly onRelease: (snapshot: PostgresSnapshot) => void;
  readonly onError: (error: unknown) => void;
}

interface EntityRow {
  key: string;
  version: number;
  value: string;
}

/**
 * One consistent view of the catalogue, read page by page: a REPEATABLE READ, read-only
 * transaction on a client of its own, with a server-side cursor per kind (kinds in the order a
 * lane applies them, keys in byte order, the same as SQLite). The view ends when the entities
 * have all been read, when the consumer stops early (`return()`), when it has sat unread for
 * `idleMs`, or when the backend closes, whichever comes first.
 */
export class PostgresSnapshot implements CatalogSnapshot {
  readonly version: number;
  readonly count: number;
  readonly #client: PoolClient;
  readonly #options: PostgresSnapshotOptions;
  #timer: NodeJS.Timeout | undefined;
  #releasing: Promise<void> | undefined;
  #completed = false;
  #handedOut = false;
  #kindIndex = 0;
  #cursorOpen = false;
  #page: EntityRow[] = [];
  #pageKind: CatalogEntityKind = 'settings';
  #position = 0;
  /** Reads run one at a time on the one client, even if a consumer calls next() twice without waiting. */
  #queue: Promise<unknown> = Promise.resolve();

  static async open(pool: Pool, options: PostgresSnapshotOptions): Promise<PostgresSnapshot> {
    // It is written into FETCH, which takes no parameters.
    if (!Number.isSafeInteger(options.pageSize) || options.pageSize < 1) throw new RangeError(`a snapshot page holds a whole number of entities from 1; got ${options.pageSize}`);
    const client = await pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The first query fixes the view; everything after sees the catalogue as it was here.
      const { rows } = await client.query<{ version: number; count: number }>(
        'SELECT (SELECT version FROM catalog_state WHERE id = 1) AS version, (SELECT count(*) FROM catalog_entities WHERE value IS NOT NULL) AS count',
      );
      return new PostgresSnapshot(client, rows[0]?.version ?? 0, rows[0]?.count ?? 0, options);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }

  private constructor(client: PoolClient, version: number, count: number, options: PostgresSnapshotOptions) {
    this.#client = client;
    this.version = version;
    this.count = count;
    this.#options = options;
    this.#armTimer();
  }

  get released(): boolean {
    return this.#releasing !== undefined;
  }

  entities(): AsyncIterable<VersionedEntity> {
    if (this.#handedOut) throw new Error('a snapshot’s entities are read once');
    this.#handedOut = true;
    const iterator: AsyncIterator<VersionedEntity> = {
      next: () => this.#serially(() => this.#next()),
      return: async () => {
        await this.release();
        return { done: true, value: undefined };
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }

  /** Ends the read view and gives the client back (idempotent). */
  release(): Promise<void> {
    this.#releasing ??= this.#serially(async () => {
      clearTimeout(this.#timer);
      try {
        await this.#client.query('ROLLBACK');
        this.#client.release();
      } catch (error) {
        // The connection is in an unknown state: close it rather than hand it to the next snapshot.
        this.#client.release(error instanceof Error ? error : true);
        this.#options.onError(error);
      } finally {
        this.#options.onRelease(this);
      }
    });
    return this.#releasing;
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work, work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #next(): Promise<IteratorResult<VersionedEntity>> {
    if (this.#completed) return { done: true, value: undefined };
    if (this.#releasing) throw new Error('the catalogue snapshot was released before it was read to the end (left unread too long, or the store closed)');
    this.#armTimer();
    try {
      while (this.#position >= this.#page.length) {
        const kind = catalogEntityKinds[this.#kindIndex];
        if (kind === undefined) {
          this.#completed = true;
          void this.release();
          return { done: true, value: undefined };
        }
        await this.#readPage(kind);
      }
    } catch (error) {
      void this.release();
      throw error;
    }
    const row = this.#page[this.#position++]!;
    return { done: false, value: { version: row.version, kind: this.#pageKind, key: row.key, value: JSON.parse(row.value) as unknown } };
  }

  /** The next page of `kind`; moves on to the next kind when this one is exhausted. */
  async #readPage(kind: CatalogEntityKind): Promise<void> {
    // Kinds are our own constants (letters only), so naming one in the statement is safe.
    const cursor = `snapshot_${kind}`;
    if (!this.#cursorOpen) {
      await this.#client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT key, version, value FROM catalog_entities WHERE kind = '${kind}' AND value IS NOT NULL ORDER BY key`);
      this.#cursorOpen = true;
    }
    const { rows } = await this.#client.query<EntityRow>(`FETCH FORWARD ${this.#options.pageSize} FROM ${cursor}`);
    this.#page = rows;
    this.#pageKind = kind;
    this.#position = 0;
    if (rows.length < this.#options.pageSize) {
      await this.#client.query(`CLOSE ${cursor}`);
      this.#cursorOpen = false;
      this.#kindIndex++;
    }
  }

  #armTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.release(), this.#options.idleMs);
    this.#timer.unref();
  }
}
