import type { Db } from '../../db/database';
import { laneIdPattern } from '../../supervisor/laneRegistry';
import type { StoreLaneRegistry } from '../storeBackend';
import { laneTokenHash, laneTokenMatches, newLaneToken } from '../laneTokens';

interface LaneRow {
  lane_id: string;
  token_hash: string;
  disabled: 0 | 1;
  added_at: number;
  last_seen_at: number | null;
}

/** The store's provisioned lanes in its SQLite file (`lanes`); the store server reads it on every request. */
export class SqliteLaneRegistry implements StoreLaneRegistry {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  /** A new lane, or with `rotate` a new token for an existing one (the old token stops working, and the lane is enabled again). */
  async add(laneId: string, options: { rotate?: boolean } = {}): Promise<{ token: string }> {
    if (!laneIdPattern.test(laneId)) throw new Error(`${laneId} is not a lane id (letters, digits, - or _, at most 16)`);
    const token = newLaneToken();
    const hash = laneTokenHash(token);
    this.#db.transaction(() => {
      const exists = this.#db.prepare('SELECT 1 FROM lanes WHERE lane_id = ?').get(laneId) !== undefined;
      if (exists && !options.rotate) throw new Error(`lane ${laneId} already exists; rotate to give it a new token`);
      if (exists) this.#db.prepare('UPDATE lanes SET token_hash = ?, disabled = 0 WHERE lane_id = ?').run(hash, laneId);
      else this.#db.prepare('INSERT INTO lanes (lane_id, token_hash, added_at) VALUES (?, ?, ?)').run(laneId, hash, this.#now());
    }).immediate();
    return { token };
  }

  async authenticate(laneId: string, token: string): Promise<'ok' | 'unknown' | 'disabled'> {
    const row = this.#db.prepare('SELECT token_hash, disabled FROM lanes WHERE lane_id = ?').get(laneId) as Pick<LaneRow, 'token_hash' | 'disabled'> | undefined;
    // A disabled lane is told so only with its right token: a wrong token never learns that a lane exists.
    if (!laneTokenMatches(token, row?.token_hash)) return 'unknown';
    return row?.disabled === 1 ? 'disabled' : 'ok';
  }

  async list(): Promise<{ laneId: string; disabled: boolean; addedAt: number; lastSeenAt: number | null }[]> {
    const rows = this.#db.prepare('SELECT lane_id, disabled, added_at, last_seen_at FROM lanes ORDER BY lane_id').all() as Omit<LaneRow, 'token_hash'>[];
    return rows.map((row) => ({ laneId: row.lane_id, disabled: row.disabled === 1, addedAt: row.added_at, lastSeenAt: row.last_seen_at }));
  }

  async setDisabled(laneId: string, disabled: boolean): Promise<boolean> {
    return this.#db.prepare('UPDATE lanes SET disabled = ? WHERE lane_id = ?').run(disabled ? 1 : 0, laneId).changes > 0;
  }

  /** Forgets the lane and its token; its sales stay. */
  async remove(laneId: string): Promise<boolean> {
    return this.#db.prepare('DELETE FROM lanes WHERE lane_id = ?').run(laneId).changes > 0;
  }

  async touch(laneId: string, at: number): Promise<void> {
    // Never backwards: requests of one lane may finish out of order.
    this.#db.prepare('UPDATE lanes SET last_seen_at = max(coalesce(last_seen_at, 0), ?) WHERE lane_id = ?').run(at, laneId);
  }
}
