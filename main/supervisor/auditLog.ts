import type { Statement } from 'better-sqlite3';
import type { AuditEntry } from '../../shared/supervisor/stationService';
import type { Db } from '../db/database';

/** An audit row to write. `detail` is plain data (stored as JSON); `laneRef` only for entries a lane reported. */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'detail'> & {
  readonly detail?: Readonly<Record<string, unknown>> | null | undefined;
  readonly laneRef?: string | undefined;
};

interface AuditRow {
  id: number;
  at: number;
  assistant_id: string | null;
  assistant_name: string | null;
  role: AuditEntry['role'];
  lane_id: string | null;
  sale_id: string | null;
  action: string;
  reason: string | null;
  via: AuditEntry['via'];
  outcome: string;
  detail: string | null;
}

const columns = 'id, at, assistant_id, assistant_name, role, lane_id, sale_id, action, reason, via, outcome, detail';

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    assistantId: row.assistant_id,
    assistantName: row.assistant_name,
    role: row.role,
    laneId: row.lane_id,
    saleId: row.sale_id,
    action: row.action,
    reason: row.reason,
    via: row.via,
    outcome: row.outcome,
    detail: row.detail,
  };
}

/** The longest page the station may ask for at once. */
export const maxAuditPage = 1000;

/** The audit trail in the hub database: written by the hub, read by the station and the CLI. */
export class AuditLog {
  readonly #insert: Statement;
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
    // A lane's resend of an entry the hub already holds (same lane, same ref) is a no-op. Not OR IGNORE,
    // which would also swallow a CHECK failure (a bug) without a word.
    this.#insert = db.prepare(
      `INSERT INTO audit (at, assistant_id, assistant_name, role, lane_id, sale_id, action, reason, via, outcome, detail, lane_ref)
       VALUES (@at, @assistantId, @assistantName, @role, @laneId, @saleId, @action, @reason, @via, @outcome, @detail, @laneRef)
       ON CONFLICT DO NOTHING`,
    );
  }

  /**
   * The entry as stored, or undefined when the lane had already reported it. On disk before it
   * returns: an audit row outlives a power cut even though the hub's other writes may not.
   */
  record(entry: NewAuditEntry): AuditEntry | undefined {
    // SQLite refuses to change the safety level inside a transaction; a caller's transaction decides then.
    if (this.#db.inTransaction) return this.#write(entry);
    const previous = this.#db.pragma('synchronous', { simple: true }) as number;
    this.#db.pragma('synchronous = FULL');
    try {
      return this.#write(entry);
    } finally {
      this.#db.pragma(`synchronous = ${previous}`);
    }
  }

  #write(entry: NewAuditEntry): AuditEntry | undefined {
    const detail = entry.detail ? JSON.stringify(entry.detail) : null;
    const result = this.#insert.run({
      at: entry.at,
      assistantId: entry.assistantId,
      assistantName: entry.assistantName,
      role: entry.role,
      laneId: entry.laneId,
      saleId: entry.saleId,
      action: entry.action,
      reason: entry.reason,
      via: entry.via,
      outcome: entry.outcome,
      detail,
      laneRef: entry.laneRef ?? null,
    });
    if (result.changes === 0) return undefined;
    const { laneRef: _laneRef, ...stored } = entry;
    return { ...stored, id: Number(result.lastInsertRowid), detail };
  }

  /** Newest first; `before` (epoch ms, exclusive) pages back through older entries. */
  list(query: { readonly limit?: number | undefined; readonly laneId?: string | undefined; readonly before?: number | undefined } = {}): AuditEntry[] {
    const limit = Math.min(Math.max(1, query.limit ?? 100), maxAuditPage);
    const rows = this.#db
      .prepare(
        `SELECT ${columns} FROM audit
         WHERE (@laneId IS NULL OR lane_id = @laneId) AND (@before IS NULL OR at < @before)
         ORDER BY at DESC, id DESC LIMIT @limit`,
      )
      .all({ laneId: query.laneId ?? null, before: query.before ?? null, limit }) as AuditRow[];
    return rows.map(toEntry);
  }

  /** Oldest first, `from` inclusive, `to` exclusive (for CSV export). */
  between(from: number, to: number): AuditEntry[] {
    const rows = this.#db.prepare(`SELECT ${columns} FROM audit WHERE at >= ? AND at < ? ORDER BY at, id`).all(from, to) as AuditRow[];
    return rows.map(toEntry);
  }
}
