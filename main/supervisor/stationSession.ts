import { Emitter, type Event } from '../../shared/event';
import type { Logger } from '../../shared/log';
import type { StationAssistant, SupervisorService } from '../../shared/supervisor/stationService';
import type { AssistantDirectory } from '../assistants/assistantDirectory';
import type { Db } from '../db/database';
import { auditCsv, reportCsv, reportFilename } from './csvExport';
import type { SupervisorHub } from './hub';
import { localDate, systemTimeZone } from './localTime';
import { buildReport } from './reports';

export interface StationSessionOptions {
  readonly hub: SupervisorHub;
  /** The hub's own directory: its lockout counts are the station's, apart from every lane's. */
  readonly directory: AssistantDirectory;
  /** The hub database (reports read it). */
  readonly db: Db;
  readonly shifts: readonly number[];
  readonly timeZone?: string;
  /** Signed out after this long without a call. */
  readonly idleMs: number;
  readonly log: Logger;
  readonly now?: () => number;
}

/** One station connection's service and who is signed in on it. */
export interface StationSession {
  readonly service: SupervisorService;
  /** The signed-in assistant changed (sign-in, sign-out, idle sign-out). */
  readonly onSession: Event<StationAssistant | null>;
  readonly assistant: StationAssistant | null;
  dispose(): void;
}

export const defaultStationIdleMs = 15 * 60_000;

/** Thrown to the bridge (answered as a `failed` call) when a method needs a signed-in assistant. */
const signedOut = () => new Error('signedOut');

/**
 * The supervisor service for one station connection. Each connection has its own session, so a
 * phone and the desk screen sign in separately, and a command always carries the assistant signed
 * in on this connection, never one the page names. Sign-ins, sign-outs and failures are audited;
 * a PIN is never logged or stored.
 */
export function createStationSession(options: StationSessionOptions): StationSession {
  const { hub, directory, db, shifts, idleMs, log } = options;
  const now = options.now ?? Date.now;
  const timeZone = options.timeZone ?? systemTimeZone();
  const sessions = new Emitter<StationAssistant | null>();
  let assistant: StationAssistant | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const audit = (entry: { assistantId: string | null; who?: StationAssistant; action: string; outcome: string; reason?: string; detail?: Record<string, unknown> }) =>
    hub.audit.record({
      at: now(),
      assistantId: entry.who?.id ?? entry.assistantId,
      assistantName: entry.who?.name ?? null,
      role: entry.who?.role ?? null,
      laneId: null,
      saleId: null,
      action: entry.action,
      reason: entry.reason ?? null,
      via: 'supervisor',
      outcome: entry.outcome,
      detail: entry.detail ?? null,
    });

  const setAssistant = (next: StationAssistant | null) => {
    assistant = next;
    clearTimeout(idleTimer);
    idleTimer = undefined;
    if (next) touch();
    sessions.fire(next);
  };

  function touch(): void {
    if (!assistant) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (!assistant) return;
      const who = assistant;
      setAssistant(null);
      log.info({ assistantId: who.id }, 'station signed out after inactivity');
      // A timer has nobody to throw to: the sign-out stands even if the audit write fails.
      try {
        audit({ assistantId: who.id, who, action: 'signOut', outcome: 'done', reason: 'idle' });
      } catch (error) {
        log.error({ assistantId: who.id, error: String(error) }, 'could not audit an idle sign-out');
      }
    }, idleMs);
    idleTimer.unref?.();
  }

  /** The signed-in assistant, or throws `signedOut`; counts as activity. */
  const signedIn = (): StationAssistant => {
    if (!assistant) throw signedOut();
    touch();
    return assistant;
  };

  const service: SupervisorService = {
    async getOverview() {
      touch();
      return { lanes: hub.tiles(), queue: hub.queue(), assistant, hubTime: now(), shifts };
    },

    async signIn(args) {
      const method = 'badge' in args ? 'badge' : 'pin';
      const assistantId = 'badge' in args ? directory.idForBadge(args.badge) : args.assistantId;
      if (assistantId === undefined) {
        audit({ assistantId: null, action: 'signInFailed', outcome: 'failed', reason: 'unknown', detail: { method } });
        log.warn({ method }, 'station sign-in with an unknown badge');
        return { ok: false, problem: 'unknown' };
      }
      const result = await directory.signIn(assistantId, args.pin);
      if (!result.ok) {
        const lockedOut = result.error === 'lockedOut';
        audit({ assistantId, action: 'signInFailed', outcome: lockedOut ? 'lockedOut' : 'failed', reason: result.error, detail: { method } });
        log.warn({ assistantId, problem: result.error, method }, 'station sign-in refused');
        return result.retryAfterMs === undefined ? { ok: false, problem: result.error } : { ok: false, problem: result.error, retryAfterMs: result.retryAfterMs };
      }
      const who: StationAssistant = { id: result.value.id, name: result.value.name, role: result.value.role };
      audit({ assistantId: who.id, who, action: 'signIn', outcome: 'done', detail: { method } });
      log.info({ assistantId: who.id, role: who.role, method }, 'station sign-in');
      setAssistant(who);
      return { ok: true, assistant: who };
    },

    async signOut() {
      if (assistant) {
        audit({ assistantId: assistant.id, who: assistant, action: 'signOut', outcome: 'done' });
        setAssistant(null);
      }
      return { signedOut: true };
    },

    async sendCommand(args) {
      if (!assistant) return { outcome: 'signedOut' };
      const who = signedIn();
      return hub.sendCommand(who, args.laneId, args.action, args.reason, args.saleId);
    },

    async laneDetail(args) {
      signedIn();
      if (!hub.knowsLane(args.laneId)) throw new Error(`no lane ${args.laneId}`);
      return { tile: hub.tile(args.laneId), timeline: hub.timeline(args.laneId) };
    },

    async audit(args) {
      signedIn();
      return { entries: hub.audit.list(args) };
    },

    async exportAuditCsv(args) {
      signedIn();
      const first = localDate(args.from, timeZone);
      const last = localDate(args.to - 1, timeZone);
      return { filename: first === last ? `lanewise-audit-${first}.csv` : `lanewise-audit-${first}_${last}.csv`, csv: auditCsv(hub.audit.between(args.from, args.to)) };
    },

    async report(args) {
      signedIn();
      return buildReport(db, args, { shifts, timeZone });
    },

    async exportReportCsv(args) {
      signedIn();
      return { filename: reportFilename(args), csv: reportCsv(buildReport(db, args, { shifts, timeZone })) };
    },
  };

  return {
    service,
    onSession: sessions.event,
    get assistant() {
      return assistant;
    },
    dispose() {
      clearTimeout(idleTimer);
      idleTimer = undefined;
      sessions.dispose();
    },
  };
}
