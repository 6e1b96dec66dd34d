import type { Statement } from 'better-sqlite3';
import { err, ok, type Result } from '../../shared/result';
import type { Db } from '../db/database';
import { newLaneSecret } from './commandAuth';

/** The same rule as a lane's configured id (main/config/laneConfig.ts). */
export const laneIdPattern = /^[A-Za-z0-9_-]{1,16}$/;

export interface RegisteredLane {
  readonly laneId: string;
  readonly createdAt: number;
  readonly disabled: boolean;
}

export interface LaneRecord extends RegisteredLane {
  readonly secret: string;
}

export type AddLaneProblem = 'invalidLaneId' | 'exists';

interface LaneRow {
  lane_id: string;
  secret: string;
  created_at: number;
  disabled: 0 | 1;
}

/**
 * The lanes store IT has provisioned, with their secrets (hub database, `lanes`). The hub reads it
 * at every lane hello and command, so `lanewise supervisor add-lane` in another process takes
 * effect without restarting the hub.
 */
export class LaneRegistry {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #byId: Statement<[string], LaneRow>;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#byId = db.prepare('SELECT lane_id, secret, created_at, disabled FROM lanes WHERE lane_id = ?');
  }

  /**
   * A new lane and its secret. An existing lane is refused unless `rotate`, which gives it a new
   * secret (the old one stops working at once) and enables it again.
   */
  addLane(laneId: string, options: { readonly rotate?: boolean } = {}): Result<string, AddLaneProblem> {
    if (!laneIdPattern.test(laneId)) return err('invalidLaneId');
    const secret = newLaneSecret();
    const existing = this.#byId.get(laneId);
    if (existing && !options.rotate) return err('exists');
    if (existing) this.#db.prepare('UPDATE lanes SET secret = ?, disabled = 0 WHERE lane_id = ?').run(secret, laneId);
    else this.#db.prepare('INSERT INTO lanes (lane_id, secret, created_at) VALUES (?, ?, ?)').run(laneId, secret, this.#now());
    return ok(secret);
  }

  /** Every provisioned lane, by id; no secrets. */
  listLanes(): RegisteredLane[] {
    const rows = this.#db.prepare('SELECT lane_id, created_at, disabled FROM lanes ORDER BY lane_id').all() as Omit<LaneRow, 'secret'>[];
    return rows.map((row) => ({ laneId: row.lane_id, createdAt: row.created_at, disabled: row.disabled === 1 }));
  }

  /** Disabled lanes are refused at hello; false when there is no such lane. */
  disableLane(laneId: string, disabled = true): boolean {
    return this.#db.prepare('UPDATE lanes SET disabled = ? WHERE lane_id = ?').run(disabled ? 1 : 0, laneId).changes > 0;
  }

  /** Forgets the lane and its secret (its audit rows stay); false when there is no such lane. */
  removeLane(laneId: string): boolean {
    return this.#db.prepare('DELETE FROM lanes WHERE lane_id = ?').run(laneId).changes > 0;
  }

  /** The lane's secret while it may connect; undefined for unknown and disabled lanes. */
  secretFor(laneId: string): string | undefined {
    const row = this.#byId.get(laneId);
    return row && row.disabled === 0 ? row.secret : undefined;
  }

  /** Everything about one lane, disabled or not (the handshake tells the two apart). */
  lookup(laneId: string): LaneRecord | undefined {
    const row = this.#byId.get(laneId);
    return row ? { laneId: row.lane_id, secret: row.secret, createdAt: row.created_at, disabled: row.disabled === 1 } : undefined;
  }
}
