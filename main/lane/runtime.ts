import { createActor, fromPromise, type Actor, type AnyEventObject, type InspectionEvent } from 'xstate';
import { decodeBarcode, type RestrictedTemplate } from '../../shared/barcode';
import type { LaneService } from '../../shared/bridge/laneService';
import { stateToPath, type LaneView, type ScanTrace } from '../../shared/bridge/laneView';
import { assistantCommandEvent, type CheckoutEvent, type HelpRequest, type SignInProblem, type UiEvent } from '../../shared/checkout/events';
import type { AssistantRef } from '../../shared/checkout/sale';
import { classifyStoreCode } from '../../shared/barcode/storeCodes';
import { checkoutMachine, isRestorableSnapshot, type LaneInfo, type PrintResult } from '../../shared/checkout/machine';
import { itemCount, priceScan, type ScanOutcome } from '../../shared/checkout/sale';
import { isActive, type Promotion } from '../../shared/checkout/promotions';
import { priceSale, saleTotal } from '../../shared/checkout/pricing';
import { baggingExpectation } from '../../shared/checkout/bagging';
import { laneLightFor, type LaneLightIndication } from '../../shared/checkout/laneLight';
import { Emitter, type Disposable } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { buildReceiptDocument, buildSuspendSlip } from '../../shared/receipt/buildReceipt';
import type { CommandBody, CommandOutcome, CommandRejection, LaneAuditEntry, SaleSummary } from '../../shared/supervisor/protocol';
import { mayPerform } from '../../shared/supervisor/remoteActions';
import type { CatalogStore } from '../catalog/catalogStore';
import * as catalogSearch from '../catalog/search';
import type { CommittedEntry, Journal } from './journal';
import { DiscardedInputBatcher } from './discardedInput';
import { auditEntryOfAction, auditEntryOfSecurityEvent, mergeAuditEntries } from './laneAudit';
import { saleSummaryOf } from './saleSummary';
import type { SecurityEvent } from './securityEvents';
import { installedDevices, type DeviceGarbage, type LaneDevices, type ScanInput } from './ports';
import { epochNow } from '../../devices/timedFrames';
import { LogLimiter } from '../../devices/logLimiter';
import type { DeviceRole } from '../../shared/devices';

/** Enough of the recent past for an assistant to see what led to the call. */
const recentEventsKept = 12;

export interface LaneRuntimeOptions {
  readonly lane: Omit<LaneInfo, 'epoch'>;
  readonly restrictedTemplate: RestrictedTemplate | null;
  readonly catalog: CatalogStore;
  readonly journal: Journal;
  readonly devices: LaneDevices;
  readonly log: Logger;
  /** The store's assistants, for sign-in at the lane; without it nobody can sign in here. */
  readonly assistants?: AssistantVerifier | undefined;
  /** An assistant who does nothing at the lane for this long is signed out (default 2 minutes). */
  readonly assistantIdleMs?: number | undefined;
}

/** Checks who an assistant is (the store's directory; see main/assistants). Never throws for a wrong PIN. */
export interface AssistantVerifier {
  signIn(id: string, pin: string): Promise<{ ok: true; value: AssistantRef } | { ok: false; error: SignInProblem; retryAfterMs?: number | undefined }>;
  /** The assistant number a staff badge belongs to. */
  idForBadge(badge: string): string | undefined;
}

/**
 * What became of a command from the supervisor station: `reason` says why it was rejected
 * (a `CommandRejection`) or why not now (`staleSale`: the station was looking at a sale that has ended).
 */
export interface RemoteCommandResult {
  readonly outcome: CommandOutcome;
  readonly reason?: CommandRejection | string | undefined;
}

/** Something only the kiosk shell (Electron main) can do, asked for by an assistant at the lane. */
export interface ShellRequest {
  readonly kind: 'leaveKiosk';
  readonly by: AssistantRef;
}

/** What a recent event says in brackets: a scan's outcome, and the device a device event is about (`scanner: 37 unreadable`, `printer: fault`). */
function recentEventDetail(event: CheckoutEvent): string | undefined {
  switch (event.type) {
    case 'device.inputDiscarded':
      return `${event.role}: ${event.count} unreadable`;
    case 'device.statusChanged':
      return `${event.role}: ${event.status.kind}`;
    default:
      return (event as { outcome?: { kind?: string } }).outcome?.kind;
  }
}

/** Long enough to serve a shopper, short enough that a walked-off assistant does not leave the lane unlocked. */
export const defaultAssistantIdleMs = 120_000;

type CheckoutActor = Actor<typeof checkoutMachine>;

/** Epoch milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export const preciseNow = epochNow;

/**
 * One lane, composed: devices → events → the checkout statechart → journal → screens.
 *
 * The order on every change is fixed: the statechart processes an event, the journal
 * commits the event and the new snapshot (synchronous=FULL), and only then is the view
 * published to screens. A power cut at any point loses nothing a shopper has seen.
 */
export class LaneRuntime {
  readonly #options: LaneRuntimeOptions;
  readonly #log: Logger;
  readonly #onView = new Emitter<LaneView>();
  readonly onView = this.#onView.event;
  readonly #onAuditEntry = new Emitter<LaneAuditEntry>();
  /**
   * Each line this lane adds to the audit trail: assistant actions taken at the lane (committed),
   * failed sign-ins, refused commands and role refusals. Actions taken from the station are
   * audited by the hub, so they are not here.
   */
  readonly onAuditEntry = this.#onAuditEntry.event;
  readonly #onSaleClosed = new Emitter<SaleSummary>();
  /** Each sale that closed here (completed, cancelled, abandoned or suspended), once it is committed. */
  readonly onSaleClosed = this.#onSaleClosed.event;
  readonly #onShellRequest = new Emitter<ShellRequest>();
  /**
   * What the kiosk shell hosting this lane (Electron) must do, once the assistant action asking
   * for it is committed: leave kiosk mode. Without a listener (a lane in a browser) the action is refused.
   */
  readonly onShellRequest = this.#onShellRequest.event;
  readonly #subscriptions: Disposable[] = [];
  #actor: CheckoutActor | undefined;
  #view: LaneView | undefined;
  /** The event being processed, captured by the inspector for the journal. */
  #currentEvent: AnyEventObject | undefined;
  #pendingTrace: Omit<ScanTrace, 'committedAt' | 'publishedAt'> | undefined;
  #traceSeq = 0;
  #lastOutboxedSaleId: string | undefined;
  #restored = false;
  #lastSnapshot: unknown;
  #lastState = '';
  #laneLight: LaneLightIndication | undefined;
  readonly #recentEvents: string[] = [];
  #stateSince = 0;
  #lastAuditSeq = 0;
  #promotions: { readonly revision: string; readonly all: Promotion[] } | undefined;
  #assistantIdleTimer: NodeJS.Timeout | undefined;
  readonly #discarded = new DiscardedInputBatcher((role, count, reason) => this.#send({ type: 'device.inputDiscarded', role, count, reason, at: Date.now() }));
  /** One per device: a flooded line logs its first unusable frame and then a summary every few seconds. */
  readonly #garbageLogs = new Map<DeviceRole, LogLimiter>();

  constructor(options: LaneRuntimeOptions) {
    this.#options = options;
    this.#log = options.log;
  }

  /** The lane as a bridge service for screens. */
  readonly service: LaneService = {
    getView: async () => this.view,
    sendEvent: async ({ event }) => ({ accepted: await this.#screenEvent(event) }),
    searchItems: async ({ text }) => ({ items: await catalogSearch.searchItems(this.#options.catalog, { text, language: this.view.context.language }) }),
    // No per-lane sales counts are kept yet: the grid shows its default order (fruit, vegetables, bread, by name).
    mostUsedItems: async () => ({ items: await catalogSearch.mostUsedItems(this.#options.catalog, { usage: new Map(), language: this.view.context.language }) }),
  };

  /**
   * A shopper's action from a screen. Most go to the statechart as they are; a chosen item
   * is priced here from the catalogue (a screen never says what anything costs), and a help
   * call gets the lane's context attached.
   */
  async #screenEvent(event: UiEvent): Promise<boolean> {
    const actor = this.#requireActor();
    let translated: CheckoutEvent = event;
    if (event.type === 'ui.assistantSignIn') {
      // Checked here: the PIN never reaches the statechart, the journal or the log.
      translated = await this.#signIn(event.assistantId, event.pin);
    } else if (event.type === 'ui.assistantSignOut') {
      translated = { type: 'assistant.signedOut', reason: 'signOut' };
    } else if (event.type === 'ui.assistantCommand') {
      const assistant = this.view.context.assistant;
      if (!assistant) {
        this.#log.warn({ command: event.command.kind, state: this.view.state }, 'assistant command without a signed-in assistant refused');
        return false;
      }
      const { since: _since, ...by } = assistant;
      if (!mayPerform(by.role, event.command.kind)) {
        // The same rule as for commands from the station: the screen hides these, so this is someone trying.
        this.#log.warn({ assistantId: by.id, role: by.role, command: event.command.kind, state: this.view.state }, 'assistant command beyond the assistant’s role refused');
        this.recordSecurityEvent({ kind: 'roleRefused', by, action: event.command.kind, saleId: this.view.context.sale?.id ?? null });
        return false;
      }
      if (event.command.kind === 'leaveKiosk' && !this.#onShellRequest.hasListeners) {
        this.#log.warn({ assistantId: by.id, state: this.view.state }, 'leave kiosk mode refused: no kiosk shell hosts this lane');
        return false;
      }
      translated = assistantCommandEvent(event.command, { by, via: 'lane' });
      this.#restartAssistantIdleTimer();
    } else if (event.type === 'ui.enterBarcode') {
      const keyedBy = this.view.context.assistant ?? (this.#options.lane.shopperKeyedEntry ? 'shopper' : undefined);
      if (!keyedBy) {
        this.#log.warn({ state: this.view.state }, 'keyed barcode refused: only an assistant may key in barcodes at this lane');
        return false;
      }
      const by = keyedBy === 'shopper' ? keyedBy : { id: keyedBy.id, name: keyedBy.name, role: keyedBy.role };
      translated = { type: 'scanner.scanned', code: event.code, outcome: this.#resolveScan(event.code), keyedBy: by };
    } else if (event.type === 'ui.chooseItem' && this.view.state === 'scanning.lookup') {
      translated = { type: 'lookup.chosen', code: event.gtin, outcome: this.#priceChosenItem(event.gtin) };
    } else if (event.type === 'ui.callHelp') {
      translated = { type: 'help.requested', request: this.#helpRequest() };
      this.#log.warn({ help: translated.request }, 'shopper called for help');
    }
    const accepted = actor.getSnapshot().can(translated);
    if (!accepted) this.#log.info({ event: event.type, state: this.view.state }, 'screen event ignored in this state');
    // Sent even when ignored: the journal records what the shopper did, accepted or not.
    actor.send(translated);
    return accepted;
  }

  #priceChosenItem(gtin: string): ScanOutcome {
    let item;
    try {
      item = this.#options.catalog.lookup(gtin);
    } catch (error) {
      this.#log.error({ gtin, error: String(error) }, 'catalogue lookup failed');
    }
    return this.#withLaneKnowledge(priceScan({ scannedCode: gtin, lookupGtin: gtin }, item));
  }

  async #signIn(assistantId: string, pin: string): Promise<CheckoutEvent> {
    const directory = this.#options.assistants;
    if (!directory) return { type: 'assistant.signInFailed', assistantId, problem: 'unavailable' };
    let result;
    try {
      result = await directory.signIn(assistantId, pin);
    } catch (error) {
      this.#log.error({ assistantId, error: String(error) }, 'assistant sign-in failed to run');
      return { type: 'assistant.signInFailed', assistantId, problem: 'unavailable' };
    }
    if (!result.ok) {
      this.#log.warn({ assistantId, problem: result.error }, 'assistant sign-in refused');
      // `unavailable` is the lane's own trouble (no directory), not someone trying a PIN.
      if (result.error !== 'unavailable') this.recordSecurityEvent({ kind: 'signInFailed', assistantId, problem: result.error });
      return { type: 'assistant.signInFailed', assistantId, problem: result.error, retryAfterMs: result.retryAfterMs };
    }
    this.#log.info({ assistantId, role: result.value.role }, 'assistant signed in');
    this.#restartAssistantIdleTimer();
    return { type: 'assistant.signedIn', assistant: { id: result.value.id, name: result.value.name, role: result.value.role } };
  }

  /** Signs a quiet assistant out, so a lane is never left with staff powers for the next shopper. */
  #restartAssistantIdleTimer(): void {
    clearTimeout(this.#assistantIdleTimer);
    this.#assistantIdleTimer = setTimeout(() => {
      if (this.#view?.context.assistant) this.#send({ type: 'assistant.signedOut', reason: 'timeout' });
    }, this.#options.assistantIdleMs ?? defaultAssistantIdleMs);
    this.#assistantIdleTimer.unref?.();
  }

  /** The catalogue's offers on an item, active now; read once per catalogue change. */
  #offersFor(gtin: string): Promotion[] {
    const revision = this.#options.catalog.revision();
    if (this.#promotions?.revision !== revision) {
      let all: Promotion[] = [];
      try {
        all = this.#options.catalog.promotions();
      } catch (error) {
        // Offers are a bonus: without them the lane still sells at catalogue prices.
        this.#log.error({ error: String(error) }, 'promotions could not be read; selling at catalogue prices');
      }
      this.#promotions = { revision, all };
    }
    const now = Date.now();
    return this.#promotions.all.filter((promotion) => promotion.gtins.includes(gtin) && isActive(promotion, now));
  }

  #withOffers(outcome: ScanOutcome): ScanOutcome {
    if (outcome.kind !== 'item' && outcome.kind !== 'needsWeighing') return outcome;
    const gtin = outcome.kind === 'item' ? outcome.line.gtin : outcome.gtin;
    const promotions = this.#offersFor(gtin);
    return promotions.length > 0 ? { ...outcome, promotions } : outcome;
  }

  /** A priced scan completed with what the lane knows besides the price: the item's offers and its learned weight. */
  #withLaneKnowledge(outcome: ScanOutcome): ScanOutcome {
    return this.#withBaggingExpectation(this.#withOffers(outcome));
  }

  /** What the bagging area should gain for this item, from what the lane has learned it weighs. */
  #withBaggingExpectation(outcome: ScanOutcome): ScanOutcome {
    if (outcome.kind !== 'item' || !this.#options.devices.baggingScale) return outcome;
    let profile;
    try {
      profile = this.#options.journal.weightProfile(outcome.line.gtin);
    } catch (error) {
      this.#log.error({ gtin: outcome.line.gtin, error: String(error) }, 'learned weight could not be read; treating the item as new');
    }
    return { ...outcome, bagging: baggingExpectation(profile) };
  }

  /** What an assistant walking over needs: where the shopper is, the basket, device trouble, what just happened. */
  #helpRequest(): HelpRequest {
    const { state, context, itemCount, totalMinor } = this.view;
    const deviceProblems = Object.entries(context.devices).flatMap(([role, status]) => {
      if (!status || status.kind === 'ready') return [];
      return [`${role}: ${status.kind === 'fault' ? status.faults.join(', ') : status.kind}`];
    });
    return { at: Date.now(), state, itemCount, totalMinor, deviceProblems, recentEvents: [...this.#recentEvents] };
  }

  get view(): LaneView {
    if (!this.#view) throw new Error('lane runtime not started');
    return this.#view;
  }

  /** When the lane entered its current state (epoch ms, lane clock): how long a shopper has been waiting in it. */
  get stateSince(): number {
    return this.#stateSince;
  }

  /** The lane's last events, newest last (a copy), as a help call carries them. */
  get recentEvents(): string[] {
    return [...this.#recentEvents];
  }

  /**
   * A command from the supervisor station, already authenticated by the supervisor link. The
   * role rule is checked again here (as for an assistant at the lane); then the statechart decides.
   */
  remoteCommand(body: CommandBody): RemoteCommandResult {
    const actor = this.#requireActor();
    const { action } = body;
    const by: AssistantRef = { id: body.by.id, name: body.by.name, role: body.by.role };
    if (!mayPerform(by.role, action.kind)) return { outcome: 'rejected', reason: 'forbidden' };
    if (body.saleId !== undefined && body.saleId !== null && body.saleId !== this.view.context.sale?.id) return { outcome: 'notNow', reason: 'staleSale' };
    const event: CheckoutEvent =
      action.kind === 'sendMessage'
        ? { type: 'supervisor.message', message: { key: action.message, from: by.name, at: Date.now() } }
        : assistantCommandEvent(action, { by, via: 'supervisor' });
    if (!actor.getSnapshot().can(event)) return { outcome: 'notNow' };
    actor.send(event);
    return { outcome: 'done' };
  }

  /** Journals something the lane refused and puts it on the audit feed. Never throws. */
  recordSecurityEvent(event: SecurityEvent): void {
    const at = Date.now();
    let seq: number;
    try {
      seq = this.#options.journal.recordSecurityEvent(event, at);
    } catch (error) {
      this.#log.error({ error: String(error), kind: event.kind }, 'security event could not be journaled');
      return;
    }
    this.#fireAudit(auditEntryOfSecurityEvent({ seq, at, event }, this.#options.journal.epoch));
  }

  /** The newest `limit` lines of this lane's audit feed, oldest first (resent to the hub after a reconnect). */
  recentAuditEntries(limit = 500): LaneAuditEntry[] {
    const { journal } = this.#options;
    const actions = journal.recentAssistantActions({ limit, via: 'lane' }).map((row) => auditEntryOfAction(row, journal.epoch));
    const refusals = journal.recentSecurityEvents(limit).map((row) => auditEntryOfSecurityEvent(row, journal.epoch));
    return mergeAuditEntries([...actions, ...refusals], limit);
  }

  /** The newest `limit` closed sales, oldest first (resent to the hub after a reconnect). */
  recentSales(limit = 200): SaleSummary[] {
    return this.#options.journal.recentClosedSales(limit).map((row) => saleSummaryOf(row, this.#options.lane.currency));
  }

  #fireShellRequest(request: ShellRequest): void {
    try {
      this.#onShellRequest.fire(request);
    } catch (error) {
      this.#log.error({ error: String(error), request: request.kind }, 'a shell request listener failed');
    }
  }

  #fireAudit(entry: LaneAuditEntry): void {
    try {
      this.#onAuditEntry.fire(entry);
    } catch (error) {
      this.#log.error({ error: String(error) }, 'an audit listener failed');
    }
  }

  get lane(): LaneInfo {
    return { ...this.#options.lane, epoch: this.#options.journal.epoch };
  }

  /** True when this start resumed a saved state (e.g. after a crash or power cut). */
  get restored(): boolean {
    return this.#restored;
  }

  async start(): Promise<void> {
    const { journal, devices } = this.#options;
    const lane = this.lane;
    const machine = this.#provideActors();
    const inspect = (event: InspectionEvent) => {
      if (event.type === '@xstate.event' && this.#actor && event.actorRef === this.#actor) this.#currentEvent = event.event;
    };

    const saved = journal.loadState();
    let actor: CheckoutActor | undefined;
    if (saved) {
      try {
        const snapshot = saved.snapshot;
        if (!isRestorableSnapshot(snapshot)) throw new Error(`saved snapshot (state ${saved.state}) does not have the shape this version expects`);
        // Configuration may have changed since the snapshot was taken (store name, language); the lane follows it.
        const patched = { ...snapshot, context: { ...snapshot.context, lane } };
        actor = createActor(machine, { snapshot: patched as never, input: { lane }, inspect });
        // XState does not throw on a snapshot it cannot restore (e.g. a state this version does not have):
        // it returns an actor in error status, which would leave the lane dead with no view.
        const restoredSnapshot = actor.getSnapshot();
        if (restoredSnapshot.status !== 'active') throw restoredSnapshot.error ?? new Error(`saved snapshot has status ${restoredSnapshot.status}`);
        this.#restored = true;
        this.#lastOutboxedSaleId = snapshot.context.closedSale?.id;
        this.#log.info({ state: saved.state, eventSeq: saved.eventSeq }, 'lane state restored from journal');
      } catch (error) {
        journal.quarantine(saved.snapshot, String(error));
        this.#log.error({ error: String(error), state: saved.state }, 'saved lane state could not be restored; kept in quarantined_state for an assistant');
        actor = undefined;
      }
    }
    actor ??= createActor(machine, { input: { lane, lastSaleNumber: journal.lastUsedSaleNumber() }, inspect });
    this.#actor = actor;
    actor.subscribe({
      next: () => this.#onSnapshot(),
      error: (error) => this.#log.error({ error: String(error) }, 'checkout statechart error'),
    });
    this.#lastAuditSeq = actor.getSnapshot().context.lastAssistantAction?.seq ?? 0;
    actor.start();
    if (this.#restored) actor.send({ type: 'lane.restored' });
    // A restart never keeps staff powers: whoever was signed in signs in again.
    if (actor.getSnapshot().context.assistant) actor.send({ type: 'assistant.signedOut', reason: 'timeout' });

    this.#wireDevices(devices);
    await Promise.all(
      installedDevices(devices).map(([role, device]) =>
        device.start().catch((error: unknown) => this.#log.error({ device: role, error: String(error) }, 'device failed to start')),
      ),
    );
  }

  async stop(): Promise<void> {
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
    this.#discarded.dispose();
    for (const log of this.#garbageLogs.values()) log.flush();
    clearTimeout(this.#assistantIdleTimer);
    const { devices } = this.#options;
    await Promise.all(installedDevices(devices).map(([, device]) => device.stop().catch(() => undefined)));
    this.#actor?.stop();
    this.#onView.dispose();
    this.#onAuditEntry.dispose();
    this.#onSaleClosed.dispose();
    this.#onShellRequest.dispose();
  }

  #requireActor(): CheckoutActor {
    if (!this.#actor) throw new Error('lane runtime not started');
    return this.#actor;
  }

  #send(event: CheckoutEvent): void {
    this.#requireActor().send(event);
  }

  /** Gives the statechart its I/O: the payment terminal and the receipt printer. */
  #provideActors() {
    const { devices, log } = this.#options;
    return checkoutMachine.provide({
      actors: {
        authorizePayment: fromPromise(async ({ input, signal }) => {
          log.info({ reference: input.reference, amountMinor: input.amountMinor }, 'payment requested');
          const outcome = await devices.paymentTerminal.authorize(input, signal);
          log.info({ reference: input.reference, outcome: outcome.kind }, 'payment outcome');
          return outcome;
        }),
        cancelPayment: fromPromise(async ({ input }) => {
          log.info({ reference: input.reference, by: input.by }, 'payment cancel requested');
          const outcome = await devices.paymentTerminal.cancel(input.reference, input.by);
          log.info({ reference: input.reference, outcome: outcome.kind }, 'payment outcome after cancel');
          return outcome;
        }),
        printReceipt: fromPromise(async ({ input }): Promise<PrintResult> => {
          // A suspended sale prints its slip; anything else its receipt.
          const document = input.sale.status === 'suspended' ? buildSuspendSlip(input.sale, input.lane) : buildReceiptDocument(input.sale, input.lane, { reprint: input.copy === true });
          const result = await devices.printer.print(document);
          if (result.ok) return { ok: true };
          log.warn({ saleId: input.sale.id, reason: result.error.reason, detail: result.error.detail, stage: result.error.stage }, 'receipt not printed');
          return { ok: false, reason: result.error.reason };
        }),
      },
    });
  }

  #wireDevices(devices: LaneDevices): void {
    for (const [role, device] of installedDevices(devices)) {
      this.#send({ type: 'device.statusChanged', role, status: device.status });
      this.#subscriptions.push(
        device.onStatus((status) => {
          this.#log.info({ device: role, status }, 'device status');
          this.#send({ type: 'device.statusChanged', role, status });
        }),
      );
    }
    this.#subscriptions.push(
      devices.scanner.onScan((scan) => this.#onScan(scan)),
      devices.paymentTerminal.onPrompt(({ reference, prompt }) => this.#send({ type: 'paymentTerminal.prompt', reference, prompt })),
      devices.scanner.onGarbage((garbage) => this.#onGarbage('scanner', garbage)),
    );
    if (devices.printer.onGarbage) this.#subscriptions.push(devices.printer.onGarbage((garbage) => this.#onGarbage('printer', garbage)));
    if (devices.paymentTerminal.onGarbage) this.#subscriptions.push(devices.paymentTerminal.onGarbage((garbage) => this.#onGarbage('paymentTerminal', garbage)));
    for (const role of ['scale', 'baggingScale'] as const) {
      const scale = devices[role];
      if (scale?.onGarbage) this.#subscriptions.push(scale.onGarbage((garbage) => this.#onGarbage(role, garbage)));
      if (!scale?.onReadFailure) continue;
      this.#subscriptions.push(
        scale.onReadFailure((failure) => {
          // Timeouts show as the scale's status; a reply that did not parse is discarded input.
          if (failure.kind === 'badReply') this.#discarded.report(role, failure.detail);
        }),
      );
    }
    if (devices.scale) this.#subscriptions.push(devices.scale.onReading((reading) => this.#send({ type: 'scale.reading', reading })));
    if (devices.baggingScale) this.#subscriptions.push(devices.baggingScale.onSettled((weight) => this.#send({ type: 'baggingScale.settled', grams: weight.grams })));
    this.#showLaneLight();
  }

  /** Unusable bytes from a device: batched into the checkout (the assistant sees a noisy device), logged at a rate the log can take. */
  #onGarbage(role: DeviceRole, { reason, byteCount }: DeviceGarbage): void {
    let log = this.#garbageLogs.get(role);
    if (!log) {
      log = new LogLimiter(this.#log);
      this.#garbageLogs.set(role, log);
    }
    log.report({ device: role, reason, byteCount }, `unreadable bytes from ${role} discarded`);
    this.#discarded.report(role, reason);
  }

  /** The tower light follows the checkout state; the driver is told only when the indication changes. */
  #showLaneLight(): void {
    const light = this.#options.devices.laneLight;
    if (!light || !this.#view) return;
    const indication = laneLightFor(this.#view.state, this.#view.context);
    if (indication === this.#laneLight) return;
    this.#laneLight = indication;
    try {
      light.show(indication);
    } catch (error) {
      this.#log.error({ error: String(error) }, 'lane light failed');
    }
  }

  #onScan(scan: ScanInput): void {
    const storeCode = classifyStoreCode(scan.data);
    if (storeCode) {
      this.#onStoreCode(storeCode);
      return;
    }
    const outcome = this.#resolveScan(scan.data);
    this.#pendingTrace = { id: ++this.#traceSeq, firstByteAt: scan.firstByteAt, receivedAt: scan.receivedAt, decodedAt: preciseNow() };
    this.#send({ type: 'scanner.scanned', code: scan.data, outcome });
    // The scanner beeped "good read" on its own; a code the lane cannot sell gets the error tone too, so the shopper looks up.
    if (outcome.kind === 'unknownItem' || outcome.kind === 'rejected') {
      this.#options.devices.scanner.beepNotOnFile?.().catch((error: unknown) => this.#log.debug({ error: String(error) }, 'not-on-file beep failed'));
    }
  }

  /** A store's own barcode: a staff badge, a loyalty card, a coupon, a suspended-sale slip. */
  #onStoreCode(code: NonNullable<ReturnType<typeof classifyStoreCode>>): void {
    if (code.kind === 'assistantBadge') {
      const assistantId = this.#options.assistants?.idForBadge(code.value);
      if (assistantId === undefined) {
        // Never log the badge itself: it is half of a credential.
        this.#log.warn({}, 'unknown staff badge scanned');
        this.recordSecurityEvent({ kind: 'signInFailed', assistantId: '', problem: 'unknown', badge: true });
        this.#send({ type: 'assistant.signInFailed', assistantId: '', problem: 'unknown' });
        return;
      }
      this.#send({ type: 'assistant.badgeScanned', assistantId });
      return;
    }
    if (code.kind === 'coupon') {
      let coupon;
      try {
        coupon = this.#options.catalog.coupon(code.value);
      } catch (error) {
        this.#log.error({ error: String(error) }, 'coupon lookup failed');
      }
      if (!coupon) this.#log.info({ code: code.value }, 'coupon not known to the catalogue');
      this.#send({ type: 'coupon.scanned', code: code.value, coupon });
      return;
    }
    if (code.kind === 'loyaltyCard') {
      this.#send({ type: 'loyalty.scanned', card: code.value });
      return;
    }
    // A suspended sale's slip: found here and not yet resumed, or a clear "cannot be used".
    let suspended;
    try {
      suspended = this.#options.journal.suspendedSale(code.value);
    } catch (error) {
      this.#log.error({ saleId: code.value, error: String(error) }, 'suspended sale lookup failed');
    }
    if (!suspended) {
      this.#log.info({ saleId: code.value }, 'suspended-sale slip not known here or already resumed');
      this.#send({ type: 'suspended.notFound', saleId: code.value });
      return;
    }
    this.#send({ type: 'suspended.found', sale: suspended });
  }

  /** Barcode → catalogue → priced outcome. Never throws: a broken scan is an outcome. */
  #resolveScan(code: string): ScanOutcome {
    const { catalog, restrictedTemplate, lane, log } = this.#options;
    const decoded = decodeBarcode(code, { currency: lane.currency, restrictedTemplate });
    if (!decoded.ok) {
      log.warn({ code, reason: decoded.error.reason, detail: decoded.error.detail, symbology: decoded.error.symbology }, 'barcode rejected');
      return { kind: 'rejected', reason: decoded.error.reason };
    }
    const barcode = decoded.value;
    let item;
    try {
      item = catalog.lookup(barcode.lookupGtin);
    } catch (error) {
      log.error({ code, gtin: barcode.lookupGtin, error: String(error) }, 'catalogue lookup failed');
    }
    const outcome = priceScan({ scannedCode: code, lookupGtin: barcode.lookupGtin, priceMinor: barcode.priceMinor, weightGrams: barcode.weightGrams }, item);
    if (outcome.kind === 'unknownItem') log.info({ code, gtin: barcode.lookupGtin }, 'item not in catalogue');
    return this.#withLaneKnowledge(outcome);
  }

  /** Commit, then publish. Runs synchronously inside every statechart step. */
  #onSnapshot(): void {
    const actor = this.#requireActor();
    const snapshot = actor.getSnapshot();
    const context = snapshot.context;
    const state = stateToPath(snapshot.value);
    const event = this.#currentEvent ?? { type: 'xstate.init' };
    this.#currentEvent = undefined;
    this.#rememberEvent(event);
    // An event the current state ignores leaves the very same snapshot: it is journaled (what
    // happened at the lane) but there is nothing new to save or show.
    const unchanged = snapshot === this.#lastSnapshot;
    this.#lastSnapshot = snapshot;
    const closedSale = context.closedSale && context.closedSale.id !== this.#lastOutboxedSaleId ? context.closedSale : undefined;
    const assistantAction = context.lastAssistantAction && context.lastAssistantAction.seq > this.#lastAuditSeq ? context.lastAssistantAction : undefined;
    // The slip's sale joined this basket: marked resumed in the same commit, so it resumes once.
    const resumedId = !unchanged && event.type === 'suspended.found' ? (event as { sale?: { id?: string } }).sale?.id : undefined;
    const resumed = resumedId && context.sale?.resumedFrom?.includes(resumedId) ? { suspendedSaleId: resumedId, bySaleId: context.sale.id } : undefined;

    const at = Date.now();
    let committed: CommittedEntry;
    try {
      committed = this.#options.journal.commitEntry({
        at,
        event,
        saleId: context.sale?.id ?? context.closedSale?.id ?? null,
        state,
        snapshot: unchanged ? undefined : actor.getPersistedSnapshot(),
        closedSale,
        resumed,
        assistantAction: assistantAction && { at: assistantAction.at, by: assistantAction.by, via: assistantAction.via, action: assistantAction.action, saleId: assistantAction.saleId, detail: assistantAction.detail },
      });
    } catch (error) {
      // Not on disk means not shown: the screen keeps the last committed view.
      this.#log.error({ error: String(error), event: event.type, state }, 'journal commit failed; change not published');
      return;
    }
    const seq = committed.eventSeq;
    if (assistantAction) {
      this.#lastAuditSeq = assistantAction.seq;
      this.#log.info({ assistantId: assistantAction.by.id, action: assistantAction.action, via: assistantAction.via, saleId: assistantAction.saleId, detail: assistantAction.detail }, 'assistant action');
      if (assistantAction.via === 'lane' && committed.assistantActionSeq !== undefined) {
        const { seq: _numbered, ...action } = assistantAction;
        this.#fireAudit(auditEntryOfAction({ ...action, seq: committed.assistantActionSeq, eventSeq: seq }, this.#options.journal.epoch));
      }
    }
    if (assistantAction?.action === 'leaveKiosk' && assistantAction.via === 'lane') this.#fireShellRequest({ kind: 'leaveKiosk', by: assistantAction.by });
    if (closedSale) {
      this.#lastOutboxedSaleId = closedSale.id;
      this.#log.info({ saleId: closedSale.id, number: closedSale.number, status: closedSale.status, totalMinor: saleTotal(closedSale) }, 'sale closed');
      this.#announceClosedSale(closedSale.id);
    }
    if (unchanged) return;
    if (state !== this.#view?.state) this.#stateSince = this.#enteredAt(state, at);
    const committedAt = preciseNow();

    const trace = this.#pendingTrace && event.type === 'scanner.scanned' ? this.#pendingTrace : undefined;
    if (trace) this.#pendingTrace = undefined;
    const lines = context.sale?.lines ?? [];
    const price = context.sale ? priceSale(context.sale) : undefined;
    this.#view = {
      // The journal's sequence number: it keeps rising across restarts, so a screen never mistakes a new view for a stale one.
      version: seq,
      state,
      context,
      totalMinor: price?.totalMinor ?? 0,
      subtotalMinor: price?.subtotalMinor ?? 0,
      savingsMinor: price?.savingsMinor ?? 0,
      discounts: price?.discounts ?? [],
      itemCount: itemCount(lines),
      trace: trace ? { ...trace, committedAt, publishedAt: preciseNow() } : undefined,
    };
    try {
      this.#onView.fire(this.#view);
    } catch (error) {
      // A screen transport's bug must not stop the lane: the change is committed either way.
      this.#log.error({ error: String(error) }, 'a view listener failed');
    }
    this.#showLaneLight();
    this.#maybeCheckpoint(state);
  }

  /** From the journal as it stands (the sale's row and how it ended), so a live sale and a resent one read the same. */
  #announceClosedSale(saleId: string): void {
    let summary: SaleSummary | undefined;
    try {
      const row = this.#options.journal.closedSale(saleId);
      summary = row && saleSummaryOf(row, this.#options.lane.currency);
    } catch (error) {
      this.#log.error({ saleId, error: String(error) }, 'closed sale could not be read back for the supervisor');
    }
    if (!summary) return;
    try {
      this.#onSaleClosed.fire(summary);
    } catch (error) {
      this.#log.error({ error: String(error) }, 'a closed-sale listener failed');
    }
  }

  /** Now, except for the first view after a restore: the lane may have been waiting in that state since before the restart. */
  #enteredAt(state: string, now: number): number {
    if (this.#view || !this.#restored) return now;
    try {
      return this.#options.journal.stateEnteredAt(state) ?? now;
    } catch (error) {
      this.#log.warn({ error: String(error) }, 'when the restored state was entered could not be read');
      return now;
    }
  }

  /** A short memory of what happened at the lane, for a help call; noise (scale readings) left out. */
  #rememberEvent(event: AnyEventObject): void {
    if (event.type === 'scale.reading' || event.type === 'xstate.init') return;
    const detail = recentEventDetail(event as CheckoutEvent);
    this.#recentEvents.push(`${new Date().toISOString().slice(11, 19)} ${event.type}${detail ? ` (${detail})` : ''}`);
    if (this.#recentEvents.length > recentEventsKept) this.#recentEvents.shift();
  }

  /** Between sales nobody is waiting for the screen: a good moment to tidy the journal. */
  #maybeCheckpoint(state: string): void {
    const becameIdle = state === 'idle' && this.#lastState !== 'idle';
    this.#lastState = state;
    if (!becameIdle && !this.#options.journal.checkpointOverdue) return;
    // After the view is out: the screen updates first, the tidying follows.
    setImmediate(() => {
      try {
        this.#options.journal.checkpoint();
      } catch (error) {
        this.#log.warn({ error: String(error) }, 'journal checkpoint failed; will try again later');
      }
    });
  }
}
