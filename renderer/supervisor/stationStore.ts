import {
  stationEvents,
  type AuditEntry,
  type LaneTile,
  type QueuedIntervention,
  type Report,
  type ReportRequest,
  type StationAssistant,
  type StationCommandResult,
  type StationOverview,
  type StationSignInResult,
  type SupervisorService,
  type TimelineEntry,
} from '../../shared/supervisor/stationService';
import type { RemoteAction } from '../../shared/supervisor/remoteActions';
import { BridgeStore } from '../bridge/bridgeStore';
import type { LaneConnection } from '../bridge/laneConnection';

/** The timeline of the lane whose detail view is open: loaded once, then grown by pushed entries. */
export interface OpenTimeline {
  readonly laneId: string;
  /** Oldest first, as the hub keeps them. */
  readonly entries: readonly TimelineEntry[];
  readonly loaded: boolean;
}

export interface StationSnapshot {
  /** Every lane's tile, by lane id. */
  readonly lanes: readonly LaneTile[];
  /** Open interventions, longest waiting first. */
  readonly queue: readonly QueuedIntervention[];
  /** Signed in on this connection (the hub forgets a session when the connection drops). */
  readonly assistant: StationAssistant | null;
  readonly shifts: readonly number[];
  /** Some overview has arrived (from this connection or an earlier one). */
  readonly loaded: boolean;
  /** The current connection has delivered its overview; false while (re)connecting. */
  readonly connected: boolean;
  /** Hub clock minus this device's clock: waiting times are measured on the hub's clock. */
  readonly clockOffsetMs: number;
  readonly timeline: OpenTimeline | null;
}

export interface StationStoreOptions {
  /** This device's clock (tests pass a fake). */
  readonly now?: () => number;
}

/** How long to wait before asking again when `getOverview` fails on an open connection. */
const overviewRetryMs = 1_000;
/** As many entries as the hub keeps per lane: an open detail view never grows without bound. */
const maxTimelineEntries = 200;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// Pushed payloads come from the hub over the network: anything malformed is dropped, never shown.
function isTile(value: unknown): value is LaneTile {
  return isObject(value) && typeof value.laneId === 'string' && typeof value.online === 'boolean' && (value.status === null || isObject(value.status));
}
function isQueuedIntervention(value: unknown): value is QueuedIntervention {
  return isObject(value) && typeof value.id === 'string' && typeof value.laneId === 'string' && typeof value.kind === 'string' && typeof value.raisedAt === 'number';
}
function isTimelineEntry(value: unknown): value is TimelineEntry {
  return isObject(value) && typeof value.at === 'number' && typeof value.kind === 'string' && typeof value.detail === 'string';
}
function isAssistant(value: unknown): value is StationAssistant {
  return isObject(value) && typeof value.id === 'string' && typeof value.name === 'string' && (value.role === 'assistant' || value.role === 'supervisor');
}
function isOverview(value: unknown): value is StationOverview {
  return (
    isObject(value) &&
    Array.isArray(value.lanes) &&
    Array.isArray(value.queue) &&
    typeof value.hubTime === 'number' &&
    (value.assistant === null || isAssistant(value.assistant))
  );
}

const byLaneId = (a: LaneTile, b: LaneTile) => a.laneId.localeCompare(b.laneId, 'en', { numeric: true });

/**
 * The station screen's copy of the hub: the overview fetched on every (re)connect, then
 * patched by pushed events (see BridgeStore, which the kiosk's LaneStore shares).
 *
 * Pushes need no version check: they and call results share one ordered socket, so a push
 * that arrives before the overview answer was sent before it, and the overview already has it.
 */
export class StationStore extends BridgeStore<SupervisorService, StationSnapshot> {
  readonly #now: () => number;

  constructor(connection: LaneConnection, options: StationStoreOptions = {}) {
    super(connection, { lanes: [], queue: [], assistant: null, shifts: [], loaded: false, connected: false, clockOffsetMs: 0, timeline: null }, overviewRetryMs);
    this.#now = options.now ?? Date.now;
  }

  /** Now on the hub's clock, as far as this device can tell. */
  readonly hubNow = (): number => this.#now() + this.getSnapshot().clockOffsetMs;

  /** Signs in on this connection. A call that cannot reach the hub is `unavailable`, like a lane without its directory. */
  readonly signIn = async (args: { assistantId: string; pin: string } | { badge: string; pin: string }): Promise<StationSignInResult> => {
    const service = this.#service();
    if (!service) return { ok: false, problem: 'unavailable' };
    try {
      const result = await service.signIn(args);
      if (result.ok) this.set({ ...this.getSnapshot(), assistant: result.assistant });
      return result;
    } catch (error) {
      console.warn('lanewise station: sign-in failed', error);
      return { ok: false, problem: 'unavailable' };
    }
  };

  readonly signOut = async (): Promise<void> => {
    this.set({ ...this.getSnapshot(), assistant: null, timeline: null });
    try {
      await this.#service()?.signOut({});
    } catch (error) {
      // Nothing to undo: a dropped connection ends the hub's session anyway.
      console.warn('lanewise station: sign-out not delivered', error);
    }
  };

  /**
   * Sends a command to a lane as the signed-in assistant. A call that never got an answer
   * (the hub out of reach) is reported as `timeout`: the hub lets an unsent command expire.
   */
  readonly sendCommand = async (args: { laneId: string; action: RemoteAction; saleId: string | null; reason?: string | undefined }): Promise<StationCommandResult> => {
    const service = this.#service();
    if (!service) return { outcome: 'timeout', reason: 'notConnected' };
    try {
      const result = await service.sendCommand(args);
      if (result.outcome === 'signedOut') this.set({ ...this.getSnapshot(), assistant: null });
      return result;
    } catch (error) {
      console.warn(`lanewise station: ${args.action.kind} for ${args.laneId} not answered`, error);
      return { outcome: 'timeout', reason: 'notConnected' };
    }
  };

  /** Opens a lane's timeline: fetched now and after every reconnect, grown by pushes meanwhile. */
  readonly openTimeline = (laneId: string): void => {
    if (this.getSnapshot().timeline?.laneId === laneId) return;
    this.set({ ...this.getSnapshot(), timeline: { laneId, entries: [], loaded: false } });
    this.#loadTimeline(laneId);
  };

  readonly closeTimeline = (laneId: string): void => {
    if (this.getSnapshot().timeline?.laneId === laneId) this.set({ ...this.getSnapshot(), timeline: null });
  };

  readonly audit = (args: { limit?: number; laneId?: string; before?: number }): Promise<{ entries: readonly AuditEntry[] }> => this.#call((service) => service.audit(args));
  readonly exportAuditCsv = (args: { from: number; to: number }): Promise<{ filename: string; csv: string }> => this.#call((service) => service.exportAuditCsv(args));
  readonly report = (request: ReportRequest): Promise<Report> => this.#call((service) => service.report(request));
  readonly exportReportCsv = (request: ReportRequest): Promise<{ filename: string; csv: string }> => this.#call((service) => service.exportReportCsv(request));

  #service(): SupervisorService | null {
    return this.connection.isOpen ? this.service : null;
  }

  #call<T>(call: (service: SupervisorService) => Promise<T>): Promise<T> {
    const service = this.#service();
    return service ? call(service) : Promise.reject(new Error('not connected to the hub'));
  }

  protected async load(service: SupervisorService, isCurrent: () => boolean): Promise<void> {
    const askedAt = this.#now();
    const overview: unknown = await service.getOverview({});
    if (!isCurrent() || !isOverview(overview)) return;
    // The answer left the hub somewhere between asking and hearing back: take the middle.
    const answeredAt = this.#now();
    const clockOffsetMs = overview.hubTime - Math.round((askedAt + answeredAt) / 2);
    this.set({
      ...this.getSnapshot(),
      lanes: overview.lanes.filter(isTile).sort(byLaneId),
      queue: overview.queue.filter(isQueuedIntervention),
      assistant: overview.assistant,
      shifts: Array.isArray(overview.shifts) ? overview.shifts.filter((hour) => typeof hour === 'number') : [],
      loaded: true,
      connected: this.connection.isOpen,
      clockOffsetMs,
    });
    const open = this.getSnapshot().timeline;
    if (open) this.#loadTimeline(open.laneId);
  }

  #loadTimeline(laneId: string): void {
    const service = this.#service();
    if (!service) return;
    service.laneDetail({ laneId }).then(
      ({ tile, timeline }) => {
        if (this.getSnapshot().timeline?.laneId !== laneId) return;
        const entries = Array.isArray(timeline) ? timeline.filter(isTimelineEntry).slice(-maxTimelineEntries) : [];
        this.set({ ...this.getSnapshot(), lanes: isTile(tile) ? this.#withTile(tile) : this.getSnapshot().lanes, timeline: { laneId, entries, loaded: true } });
      },
      (error: unknown) => console.warn(`lanewise station: no detail for lane ${laneId}`, error),
    );
  }

  protected onPush(name: string, payload: unknown): void {
    switch (name) {
      case stationEvents.lane:
        if (isTile(payload)) this.set({ ...this.getSnapshot(), lanes: this.#withTile(payload) });
        return;
      case stationEvents.queue:
        if (Array.isArray(payload)) this.set({ ...this.getSnapshot(), queue: payload.filter(isQueuedIntervention) });
        return;
      case stationEvents.timeline: {
        const open = this.getSnapshot().timeline;
        if (!open || !isObject(payload) || payload.laneId !== open.laneId || !isTimelineEntry(payload.entry)) return;
        this.set({ ...this.getSnapshot(), timeline: { ...open, entries: [...open.entries, payload.entry].slice(-maxTimelineEntries) } });
        return;
      }
      case stationEvents.session:
        if (payload === null || isAssistant(payload)) this.set({ ...this.getSnapshot(), assistant: payload, timeline: payload ? this.getSnapshot().timeline : null });
        return;
    }
  }

  #withTile(tile: LaneTile): readonly LaneTile[] {
    const others = this.getSnapshot().lanes.filter((lane) => lane.laneId !== tile.laneId);
    return [...others, tile].sort(byLaneId);
  }
}
