import type { Statement } from 'better-sqlite3';
import type { AssistantRef } from '../../shared/checkout/sale';
import { Emitter, type Event } from '../../shared/event';
import type { Logger } from '../../shared/log';
import type { InterventionKind, LaneStatus } from '../../shared/supervisor/laneStatus';
import type { CommandOutcome, HubToLane, LaneAuditEntry, LaneToHub, SaleSummary } from '../../shared/supervisor/protocol';
import { mayPerform, type RemoteAction } from '../../shared/supervisor/remoteActions';
import type { LaneTile, QueuedIntervention, StationCommandResult, TimelineEntry } from '../../shared/supervisor/stationService';
import type { Db } from '../db/database';
import { AuditLog } from './auditLog';
import { decodeLaneSecret, signCommand } from './commandAuth';
import type { LaneRegistry } from './laneRegistry';

/** How the hub talks to one connected lane (the server wraps its socket in this). */
export type LaneSend = (message: HubToLane) => void;

/** What an authenticated lane may send after its hello. */
export type LaneReport = Exclude<LaneToHub, { type: 'hello' }>;

export interface SupervisorHubOptions {
  readonly db: Db;
  readonly registry: LaneRegistry;
  readonly log: Logger;
  readonly now?: () => number;
  /** A lane gone this long is queued as `offline` (a blip while its link reconnects is not). */
  readonly offlineGraceMs?: number;
  /** How long `sendCommand` waits for the lane's answer. */
  readonly commandTimeoutMs?: number;
}

export const defaultOfflineGraceMs = 5000;
export const defaultCommandTimeoutMs = 5000;
/** Timeline entries kept per lane: about a busy half hour, enough for "what happened here?". */
export const timelineLength = 200;

/** Stable while the intervention stays open: `<laneId>:<kind>[:<lineId>]`. */
export function queueId(laneId: string, kind: InterventionKind, lineId?: number | null): string {
  return lineId === undefined || lineId === null ? `${laneId}:${kind}` : `${laneId}:${kind}:${lineId}`;
}

interface OpenIntervention {
  readonly rowId: number;
  queued: QueuedIntervention;
}

interface LaneState {
  readonly laneId: string;
  /** Set while the lane is connected and authenticated. */
  send: LaneSend | undefined;
  lastSeenAt: number | null;
  status: LaneStatus | null;
  stateSinceHub: number | null;
  /** After a (re)connect the lane may have restarted its view versions: its next status is taken whatever its version. */
  acceptAnyVersion: boolean;
  readonly open: Map<string, OpenIntervention>;
  readonly timeline: TimelineEntry[];
  offlineTimer: ReturnType<typeof setTimeout> | undefined;
}

type CommandAnswer = { readonly outcome: CommandOutcome; readonly reason?: string | undefined } | 'timeout';

interface PendingCommand {
  readonly laneId: string;
  readonly timer: ReturnType<typeof setTimeout>;
  settle(answer: CommandAnswer): void;
}

interface OpenRow {
  id: number;
  lane_id: string;
  kind: InterventionKind;
  line_id: number | null;
  sale_id: string | null;
  raised_at: number;
}

function sameText(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The supervisor hub's logic, without sockets (hubServer.ts connects those): what each lane last
 * said, which interventions wait for an assistant, each lane's timeline, and commands to lanes
 * with their answers. Everything an assistant does through it is audited.
 *
 * Times are the hub's clock, so the station's "waiting for 2 min" does not depend on how well
 * each lane's clock is set.
 */
export class SupervisorHub {
  readonly audit: AuditLog;
  readonly #db: Db;
  readonly #registry: LaneRegistry;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #offlineGraceMs: number;
  readonly #commandTimeoutMs: number;
  readonly #lanes = new Map<string, LaneState>();
  readonly #pending = new Map<string, PendingCommand>();
  readonly #insertIntervention: Statement<[string, string, number | null, string | null, number]>;
  readonly #clearIntervention: Statement<[number, number]>;
  readonly #insertSale: Statement;
  #queue: readonly QueuedIntervention[] = [];
  /** After close(), sockets still closing may report; the database may be gone, so nothing is done. */
  #closed = false;

  readonly #onLaneTile = new Emitter<LaneTile>();
  readonly #onQueue = new Emitter<readonly QueuedIntervention[]>();
  readonly #onTimeline = new Emitter<{ readonly laneId: string; readonly entry: TimelineEntry }>();
  /** A lane's tile changed (status, online or offline). */
  readonly onLaneTile: Event<LaneTile> = this.#onLaneTile.event;
  /** The queue changed; the whole queue, longest waiting first. */
  readonly onQueue: Event<readonly QueuedIntervention[]> = this.#onQueue.event;
  readonly onTimeline: Event<{ readonly laneId: string; readonly entry: TimelineEntry }> = this.#onTimeline.event;

  constructor(options: SupervisorHubOptions) {
    this.#db = options.db;
    this.#registry = options.registry;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
    this.#offlineGraceMs = options.offlineGraceMs ?? defaultOfflineGraceMs;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? defaultCommandTimeoutMs;
    this.audit = new AuditLog(this.#db);
    this.#insertIntervention = this.#db.prepare('INSERT INTO interventions (lane_id, kind, line_id, sale_id, raised_at) VALUES (?, ?, ?, ?, ?)');
    this.#clearIntervention = this.#db.prepare('UPDATE interventions SET cleared_at = ? WHERE id = ? AND cleared_at IS NULL');
    this.#insertSale = this.#db.prepare(
      // Lanes resend recent sales after every reconnect: kept once (and a CHECK failure still throws, unlike OR IGNORE).
      `INSERT INTO sales (sale_id, lane_id, number, status, started_at, closed_at, item_count, total_minor, currency)
       VALUES (@saleId, @laneId, @number, @status, @startedAt, @closedAt, @itemCount, @totalMinor, @currency)
       ON CONFLICT DO NOTHING`,
    );
    this.#restoreOpenInterventions();
  }

  // ── Lanes ────────────────────────────────────────────────────────────────

  /** An authenticated lane connected (or its new connection replaced the old one). */
  laneConnected(laneId: string, send: LaneSend): void {
    if (this.#closed) return;
    const lane = this.#lane(laneId);
    const wasOnline = lane.send !== undefined;
    lane.send = send;
    lane.acceptAnyVersion = true;
    clearTimeout(lane.offlineTimer);
    lane.offlineTimer = undefined;
    const now = this.#now();
    if (!wasOnline) this.#addTimeline(lane, { at: now, kind: 'online', detail: '' });
    const offline = lane.open.get(queueId(laneId, 'offline'));
    if (offline) {
      this.#db.transaction(() => this.#clear(lane, queueId(laneId, 'offline'), offline, now))();
      this.#queueChanged();
    }
    this.#onLaneTile.fire(this.tile(laneId));
  }

  /** The lane's current connection ended; after the grace period it is queued as offline. */
  laneDisconnected(laneId: string): void {
    if (this.#closed) return;
    const lane = this.#lanes.get(laneId);
    if (!lane?.send) return;
    lane.send = undefined;
    this.#addTimeline(lane, { at: this.#now(), kind: 'offline', detail: '' });
    clearTimeout(lane.offlineTimer);
    lane.offlineTimer = setTimeout(() => {
      lane.offlineTimer = undefined;
      if (lane.send || this.#closed) return;
      // Nobody up the stack to catch for a timer: a failure here is logged, not allowed to end the hub.
      try {
        const now = this.#now();
        this.#db.transaction(() => this.#raise(lane, { kind: 'offline' }, lane.status?.sale?.id ?? null, now))();
        this.#queueChanged();
      } catch (error) {
        this.#log.error({ laneId, error: String(error) }, 'could not queue an offline lane');
      }
    }, this.#offlineGraceMs);
    // The hub's process must be free to exit when only this timer is left (tests, a stopping hub).
    lane.offlineTimer.unref?.();
    this.#onLaneTile.fire(this.tile(laneId));
  }

  /** A message from a connected, authenticated lane, already validated against the protocol's schemas. */
  laneMessage(laneId: string, message: LaneReport): void {
    if (this.#closed) return;
    const lane = this.#lanes.get(laneId);
    if (!lane?.send) {
      this.#log.warn({ laneId, type: message.type }, 'message from a lane that is not connected; dropped');
      return;
    }
    const now = this.#now();
    switch (message.type) {
      case 'status':
        this.#status(lane, message.status, now);
        break;
      case 'commandResult':
        this.#commandResult(laneId, message);
        break;
      case 'sale':
        this.#sale(lane, message.sale, now);
        break;
      case 'audit':
        this.#laneAudit(lane, message.entry, now);
        break;
    }
  }

  // ── What the station reads ───────────────────────────────────────────────

  /** Every provisioned (enabled) lane, connected or not, and any other lane that is connected; by id. */
  tiles(): LaneTile[] {
    const ids = new Set(
      this.#registry
        .listLanes()
        .filter((lane) => !lane.disabled)
        .map((lane) => lane.laneId),
    );
    for (const lane of this.#lanes.values()) if (lane.send) ids.add(lane.laneId);
    return [...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((laneId) => this.tile(laneId));
  }

  tile(laneId: string): LaneTile {
    const lane = this.#lanes.get(laneId);
    return {
      laneId,
      online: lane?.send !== undefined,
      lastSeenAt: lane?.lastSeenAt ?? null,
      status: lane?.status ?? null,
      stateSinceHub: lane?.stateSinceHub ?? null,
    };
  }

  /** Known to the hub: provisioned, or seen since it started. */
  knowsLane(laneId: string): boolean {
    return this.#lanes.has(laneId) || this.#registry.lookup(laneId) !== undefined;
  }

  /** Every open intervention, longest waiting first. */
  queue(): readonly QueuedIntervention[] {
    return this.#queue;
  }

  /** The lane's timeline, oldest first. */
  timeline(laneId: string): TimelineEntry[] {
    return [...(this.#lanes.get(laneId)?.timeline ?? [])];
  }

  // ── Commands ─────────────────────────────────────────────────────────────

  /**
   * Sends `action` to a lane on behalf of `by` (the assistant signed in at the station) and waits
   * for the lane's answer. Every outcome, including the hub's own refusals, is audited.
   */
  async sendCommand(by: AssistantRef, laneId: string, action: RemoteAction, reason?: string, saleId?: string | null): Promise<StationCommandResult> {
    const at = this.#now();
    const { result, commandId } = await this.#deliver(by, laneId, action, reason, saleId, at);
    if (this.#closed) return result;
    this.audit.record({
      at,
      assistantId: by.id,
      assistantName: by.name,
      role: by.role,
      laneId,
      saleId: saleId ?? null,
      action: action.kind,
      reason: reason ?? null,
      via: 'supervisor',
      outcome: result.outcome,
      detail: { action, laneReason: result.reason ?? null, commandId: commandId ?? null },
    });
    const lane = this.#lanes.get(laneId);
    if (lane) {
      const detail = `${action.kind}: ${result.outcome}${result.reason ? ` (${result.reason})` : ''}`;
      this.#addTimeline(lane, { at: this.#now(), kind: 'command', detail, by: by.name });
    }
    if (result.outcome !== 'done') this.#log.info({ laneId, action: action.kind, by: by.id, outcome: result.outcome, reason: result.reason }, 'station command not done');
    return result;
  }

  async #deliver(
    by: AssistantRef,
    laneId: string,
    action: RemoteAction,
    reason: string | undefined,
    saleId: string | null | undefined,
    now: number,
  ): Promise<{ result: StationCommandResult; commandId?: string }> {
    // The lane checks this too; refusing here keeps a forbidden command off the wire altogether.
    if (!mayPerform(by.role, action.kind)) return { result: { outcome: 'forbidden' } };
    const lane = this.#lanes.get(laneId);
    const secret = this.#registry.secretFor(laneId);
    const send = lane?.send;
    if (!send || secret === undefined || this.#closed) return { result: { outcome: 'offline' } };
    // Only what the lane's schema accepts: the assistant reference without any extra fields.
    const command = signCommand(decodeLaneSecret(secret), { laneId, by: { id: by.id, name: by.name, role: by.role }, action, reason, saleId }, now);
    const id = command.body.id;
    const answer = new Promise<CommandAnswer>((settle) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        settle('timeout');
      }, this.#commandTimeoutMs);
      this.#pending.set(id, { laneId, timer, settle });
    });
    try {
      send({ type: 'command', payload: command.payload, mac: command.mac });
    } catch (error) {
      this.#log.warn({ laneId, error: String(error) }, 'command could not be sent');
      const pending = this.#pending.get(id);
      clearTimeout(pending?.timer);
      this.#pending.delete(id);
      return { result: { outcome: 'offline' }, commandId: id };
    }
    const settled = await answer;
    if (settled === 'timeout') return { result: { outcome: 'timeout' }, commandId: id };
    return { result: settled.reason === undefined ? { outcome: settled.outcome } : { outcome: settled.outcome, reason: settled.reason }, commandId: id };
  }

  /** Stops timers; commands still waiting end as `timeout`. */
  close(): void {
    this.#closed = true;
    for (const lane of this.#lanes.values()) {
      clearTimeout(lane.offlineTimer);
      lane.offlineTimer = undefined;
    }
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.settle('timeout');
    }
    this.#pending.clear();
    this.#onLaneTile.dispose();
    this.#onQueue.dispose();
    this.#onTimeline.dispose();
  }

  // ── Lane reports ─────────────────────────────────────────────────────────

  #status(lane: LaneState, status: LaneStatus, now: number): void {
    if (status.laneId !== lane.laneId) {
      this.#log.warn({ laneId: lane.laneId, claimed: status.laneId }, 'status names another lane; dropped');
      return;
    }
    const previous = lane.status;
    // Statuses can overtake each other only across connections; within one, an older version is stale.
    if (!lane.acceptAnyVersion && previous && status.version < previous.version) return;
    lane.acceptAnyVersion = false;
    if (!previous || previous.state !== status.state || previous.stateSince !== status.stateSince) {
      // The lane's time in state, measured on its own clock alone, placed on the hub's clock: free of skew.
      lane.stateSinceHub = now - Math.max(0, status.sentAt - status.stateSince);
      if (previous?.state !== status.state) this.#addTimeline(lane, { at: now, kind: 'state', detail: status.state });
    }
    lane.status = status;
    lane.lastSeenAt = now;
    this.#onLaneTile.fire(this.tile(lane.laneId));
    if (this.#diffInterventions(lane, status, now)) this.#queueChanged();
  }

  /** True when the queue changed. */
  #diffInterventions(lane: LaneState, status: LaneStatus, now: number): boolean {
    const seen = new Set<string>();
    let changed = false;
    const raise: LaneStatus['interventions'][number][] = [];
    for (const intervention of status.interventions) {
      // Only the hub can tell that a lane is offline.
      if (intervention.kind === 'offline') continue;
      const id = queueId(lane.laneId, intervention.kind, intervention.lineId);
      if (seen.has(id)) continue;
      seen.add(id);
      const open = lane.open.get(id);
      if (!open) {
        raise.push(intervention);
      } else if (open.queued.detail !== intervention.detail || !sameText(open.queued.itemName, intervention.itemName)) {
        open.queued = { ...open.queued, detail: intervention.detail, itemName: intervention.itemName };
        changed = true;
      }
    }
    const clear = [...lane.open].filter(([id, open]) => open.queued.kind !== 'offline' && !seen.has(id));
    if (raise.length === 0 && clear.length === 0) return changed;
    this.#db.transaction(() => {
      for (const [id, open] of clear) this.#clear(lane, id, open, now);
      for (const intervention of raise) this.#raise(lane, intervention, status.sale?.id ?? null, now);
    })();
    return true;
  }

  #raise(lane: LaneState, intervention: LaneStatus['interventions'][number], saleId: string | null, now: number): void {
    const id = queueId(lane.laneId, intervention.kind, intervention.lineId);
    if (lane.open.has(id)) return;
    const row = this.#insertIntervention.run(lane.laneId, intervention.kind, intervention.lineId ?? null, saleId, now);
    const queued: QueuedIntervention = {
      id,
      laneId: lane.laneId,
      kind: intervention.kind,
      raisedAt: now,
      saleId,
      ...(intervention.lineId !== undefined ? { lineId: intervention.lineId } : {}),
      ...(intervention.itemName !== undefined ? { itemName: intervention.itemName } : {}),
      ...(intervention.detail !== undefined ? { detail: intervention.detail } : {}),
    };
    lane.open.set(id, { rowId: Number(row.lastInsertRowid), queued });
    this.#addTimeline(lane, { at: now, kind: 'intervention', detail: intervention.kind });
  }

  #clear(lane: LaneState, id: string, open: OpenIntervention, now: number): void {
    this.#clearIntervention.run(Math.max(now, open.queued.raisedAt), open.rowId);
    lane.open.delete(id);
    this.#addTimeline(lane, { at: now, kind: 'cleared', detail: open.queued.kind });
  }

  #commandResult(laneId: string, message: Extract<LaneReport, { type: 'commandResult' }>): void {
    const pending = this.#pending.get(message.id);
    // A lane answers only for its own commands; a late answer after the timeout is just logged.
    if (!pending || pending.laneId !== laneId) {
      this.#log.info({ laneId, commandId: message.id, outcome: message.outcome }, 'answer to no command waiting; ignored');
      return;
    }
    clearTimeout(pending.timer);
    this.#pending.delete(message.id);
    pending.settle({ outcome: message.outcome, reason: message.reason });
  }

  #sale(lane: LaneState, sale: SaleSummary, now: number): void {
    const inserted = this.#insertSale.run({ ...sale, startedAt: Math.round(sale.startedAt), closedAt: Math.round(sale.closedAt), laneId: lane.laneId }).changes > 0;
    if (inserted) this.#addTimeline(lane, { at: now, kind: 'sale', detail: `${sale.status} #${sale.number}` });
  }

  #laneAudit(lane: LaneState, entry: LaneAuditEntry, now: number): void {
    const stored = this.audit.record({
      at: Math.round(entry.at),
      assistantId: entry.by?.id ?? entry.assistantId ?? null,
      assistantName: entry.by?.name ?? null,
      role: entry.by?.role ?? null,
      // The lane that authenticated, whatever the entry might claim.
      laneId: lane.laneId,
      saleId: entry.saleId ?? null,
      action: entry.action,
      reason: entry.reason ?? null,
      via: entry.via,
      outcome: entry.outcome,
      detail: entry.detail ?? null,
      laneRef: entry.ref,
    });
    if (stored) this.#addTimeline(lane, { at: now, kind: 'audit', detail: `${entry.action}: ${entry.outcome}`, by: entry.by?.name });
  }

  // ── Helpers ──────────────────────────────────────────────────────────────

  #lane(laneId: string): LaneState {
    let lane = this.#lanes.get(laneId);
    if (!lane) {
      lane = { laneId, send: undefined, lastSeenAt: null, status: null, stateSinceHub: null, acceptAnyVersion: true, open: new Map(), timeline: [], offlineTimer: undefined };
      this.#lanes.set(laneId, lane);
    }
    return lane;
  }

  #addTimeline(lane: LaneState, entry: TimelineEntry): void {
    const stored = entry.by === undefined ? { at: entry.at, kind: entry.kind, detail: entry.detail } : entry;
    lane.timeline.push(stored);
    if (lane.timeline.length > timelineLength) lane.timeline.shift();
    this.#onTimeline.fire({ laneId: lane.laneId, entry: stored });
  }

  #queueChanged(): void {
    const queue: QueuedIntervention[] = [];
    for (const lane of this.#lanes.values()) for (const open of lane.open.values()) queue.push(open.queued);
    queue.sort((a, b) => a.raisedAt - b.raisedAt || a.id.localeCompare(b.id));
    this.#queue = queue;
    this.#onQueue.fire(queue);
  }

  /**
   * Interventions open when the hub last stopped carry on (their waiting time too); the lane's next
   * status clears those that ended meanwhile. Those of lanes no longer provisioned are closed.
   */
  #restoreOpenInterventions(): void {
    const rows = this.#db.prepare('SELECT id, lane_id, kind, line_id, sale_id, raised_at FROM interventions WHERE cleared_at IS NULL ORDER BY raised_at, id').all() as OpenRow[];
    const now = this.#now();
    this.#db.transaction(() => {
      for (const row of rows) {
        const registered = this.#registry.lookup(row.lane_id);
        if (!registered || registered.disabled) {
          this.#clearIntervention.run(Math.max(now, row.raised_at), row.id);
          continue;
        }
        const lane = this.#lane(row.lane_id);
        const id = queueId(row.lane_id, row.kind, row.line_id);
        if (lane.open.has(id)) {
          this.#clearIntervention.run(Math.max(now, row.raised_at), row.id);
          continue;
        }
        lane.open.set(id, {
          rowId: row.id,
          queued: { id, laneId: row.lane_id, kind: row.kind, raisedAt: row.raised_at, saleId: row.sale_id, ...(row.line_id !== null ? { lineId: row.line_id } : {}) },
        });
      }
    })();
    if (rows.length > 0) this.#queueChanged();
  }
}
