import type { Pool } from 'pg';
import { laneIdPattern } from '../../supervisor/laneRegistry';
import { laneTokenHash, laneTokenMatches, newLaneToken } from '../laneTokens';
import type { StoreLaneRegistry } from '../storeBackend';

interface LaneRow {
  lane_id: string;
  token_hash: string;
  disabled: boolean;
  added_at: number;
  last_seen_at: number | null;
}

/** The chain's provisioned lanes in PostgreSQL (`lanes`), shared by every store server on the database. */
export class PostgresLaneRegistry implements StoreLaneRegistry {
  readonly #pool: Pool;
  readonly #now: () => number;

  constructor(pool: Pool, now: () => number = Date.now) {
    this.#pool = pool;
    this.#now = now;
  }

  /** A new lane, or with `rotate` a new token for an existing one (the old token stops working, and the lane is enabled again). */
  async add(laneId: string, options: { rotate?: boolean } = {}): Promise<{ token: string }> {
    if (!laneIdPattern.test(laneId)) throw new Error(`${laneId} is not a lane id (letters, digits, - or _, at most 16)`);
    const token = newLaneToken();
    const hash = laneTokenHash(token);
    // One statement each way, so two servers adding the same lane at once cannot both win.
    const { rowCount } = options.rotate
      ? await this.#pool.query(
          `INSERT INTO lanes (lane_id, token_hash, added_at) VALUES ($1, $2, $3)
           ON CONFLICT (lane_id) DO UPDATE SET token_hash = excluded.token_hash, disabled = false`,
          [laneId, hash, this.#now()],
        )
      : await this.#pool.query('INSERT INTO lanes (lane_id, token_hash, added_at) VALUES ($1, $2, $3) ON CONFLICT (lane_id) DO NOTHING', [laneId, hash, this.#now()]);
    if (rowCount === 0) throw new Error(`lane ${laneId} already exists; rotate to give it a new token`);
    return { token };
  }

  async authenticate(laneId: string, token: string): Promise<'ok' | 'unknown' | 'disabled'> {
    const { rows } = await this.#pool.query<Pick<LaneRow, 'token_hash' | 'disabled'>>('SELECT token_hash, disabled FROM lanes WHERE lane_id = $1', [laneId]);
    const row = rows[0];
    // A disabled lane is told so only with its right token: a wrong token never learns that a lane exists.
    if (!laneTokenMatches(token, row?.token_hash)) return 'unknown';
    return row?.disabled ? 'disabled' : 'ok';
  }

  async list(): Promise<{ laneId: string; disabled: boolean; addedAt: number; lastSeenAt: number | null }[]> {
    const { rows } = await this.#pool.query<Omit<LaneRow, 'token_hash'>>('SELECT lane_id, disabled, added_at, last_seen_at FROM lanes ORDER BY lane_id');
    return rows.map((row) => ({ laneId: row.lane_id, disabled: row.disabled, addedAt: row.added_at, lastSeenAt: row.last_seen_at }));
  }

  async setDisabled(laneId: string, disabled: boolean): Promise<boolean> {
    const { rowCount } = await this.#pool.query('UPDATE lanes SET disabled = $1 WHERE lane_id = $2', [disabled, laneId]);
    return (rowCount ?? 0) > 0;
  }

  /** Forgets the lane and its token; its sales stay. */
  async remove(laneId: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM lanes WHERE lane_id = $1', [laneId]);
    return (rowCount ?? 0) > 0;
  }

  async touch(laneId: string, at: number): Promise<void> {
    // Never backwards: requests of one lane may finish out of order, on different servers.
    await this.#pool.query('UPDATE lanes SET last_seen_at = greatest(coalesce(last_seen_at, 0), $1) WHERE lane_id = $2', [at, laneId]);
  }
}
