import type { DeviceFault, DeviceStatus } from '../../shared/devices';
import { Emitter, type Event } from '../../shared/event';
import type { Logger } from '../../shared/log';
import type { ReceiptDocument } from '../../shared/receipt';
import { err, ok, type Result } from '../../shared/result';
import { DeviceConnection } from '../deviceConnection';
import { errorMessage, fireSafely, sameDeviceStatus } from '../deviceEvents';
import { LogLimiter } from '../logLimiter';
import type { BackoffOptions } from '../serial/reconnect';
import type { SerialTransport } from '../serial/transport';
import {
  encodeAsbEnable,
  encodeRealtimeStatusRequest,
  mergeStatusReplies,
  parseRealtimeStatusReply,
  PrinterReplyReader,
  RealtimeStatusQuery,
  type PrinterStatus,
  type StatusReplyFields,
} from './codec';
import { encodeReceipt } from './encoder';
import { splitAtCommandBoundaries } from './escposSyntax';

export type PrintFailureReason = DeviceFault | 'lineLost' | 'busy';

export interface PrintFailure {
  readonly reason: PrintFailureReason;
  /** English, for the log and store IT. */
  readonly detail: string;
  /**
   * `before`: nothing was sent, the printer is as it was. `during`/`after`: the
   * receipt may be incomplete on paper; the caller may print the same document
   * again once the printer is ready.
   */
  readonly stage: 'before' | 'during' | 'after';
}

export interface EscPosPrinterServiceOptions {
  /** Font A characters per line: 42 for 80 mm, 32 for 58 mm. */
  readonly columns: number;
  /** How long to wait for each `DLE EOT` reply. Default 500 ms. */
  readonly statusTimeoutMs?: number;
  /**
   * Status poll while idle, so paper out / cover open and a printer that stopped answering show
   * without printing. Default 2000 ms; 0 disables polling altogether. Used until the printer is
   * seen sending Automatic Status Back.
   */
  readonly pollIntervalMs?: number;
  /**
   * Enable Automatic Status Back (`GS a`: online/offline, error and roll paper bits) after every
   * (re)connect, so paper near end/end, cover open, cutter errors and offline show the moment
   * they happen. Default true. Polling stays on as the fallback: a printer may ignore `GS a`,
   * and one that is power-cycled on a live line forgets it.
   */
  readonly automaticStatusBack?: boolean;
  /**
   * Poll while the printer is sending Automatic Status Back: it reports every change itself, so
   * this poll only checks that it still answers — one `DLE EOT 1` byte each way. Default 2000 ms.
   */
  readonly asbPollIntervalMs?: number;
  /** Job bytes per write; status is checked between chunks. Default 256. */
  readonly chunkBytes?: number;
  /** A write that does not drain within this is given up (printer holding flow control). Default 10 s. */
  readonly writeTimeoutMs?: number;
  readonly reconnect?: BackoffOptions;
}

/**
 * 500 ms: a printer answers `DLE EOT` within a few ms even mid-job (real-time
 * command, processed on reception); 500 ms absorbs a busy USB-serial adapter
 * and still lets the lane tell the shopper quickly.
 */
const defaultStatusTimeoutMs = 500;
/** Two seconds: a printer that stops answering shows at the station within a sale's moment, for a byte or three each way. */
const defaultPollIntervalMs = 2_000;
/**
 * With ASB working, the poll only has to notice a printer that hung or stopped sending it
 * (power-cycled, which resets `GS a`): it then does not answer, goes notResponding, and ASB is
 * enabled again when it answers. Two seconds, as a hung printer must not wait for the next receipt.
 */
const defaultAsbPollIntervalMs = 2_000;
/** A printer that does not answer is asked this often, so it is back on the lane as soon as it answers again. */
const notRespondingPollMs = 500;
/**
 * A status round that an ASB block contradicted is asked again, at most this many times: the
 * printer changed meanwhile, and the replies from before the change are stale.
 */
const maxRoundsPerRefresh = 3;
/** `GS a n` with bits 1-3: online/offline, error, roll paper sensor (the drawer is not the printer's business here). */
const asbSelection = { onlineOffline: true, error: true, rollPaperSensor: true } as const;
/** 256 bytes ≈ 270 ms at 9600 baud: a paper end or a vanished line is noticed within a fraction of a second. */
const defaultChunkBytes = 256;
const defaultWriteTimeoutMs = 10_000;

/** Which fault a print failure reports when several apply: the one the assistant should fix first. */
const faultPriority: readonly DeviceFault[] = ['coverOpen', 'paperEnd', 'cutterError', 'unrecoverableError', 'printerOffline', 'notResponding'];

/** What the lane should show for a printer status (`DLE EOT` replies merged). */
export function deviceStatusFromPrinterStatus(status: PrinterStatus): DeviceStatus {
  const faults: DeviceFault[] = [];
  if (status.paperEnd) faults.push('paperEnd');
  if (status.coverOpen) faults.push('coverOpen');
  if (status.cutterError) faults.push('cutterError');
  if (status.unrecoverableError) faults.push('unrecoverableError');
  // Offline for another reason (FEED button, head too hot — auto-recoverable) is still not printable now.
  if (faults.length === 0 && (!status.online || status.autoRecoverableError)) faults.push('printerOffline');
  if (faults.length > 0) return { kind: 'fault', faults };
  return { kind: 'ready', warnings: status.paperNearEnd ? ['paperNearEnd'] : [] };
}

type QueryOutcome = { readonly kind: 'reply'; readonly byte: number } | { readonly kind: 'timeout' } | { readonly kind: 'lost' };

/** Bytes from the printer that were no status reply and no ASB block (line noise, a broken cable, a confused printer). */
export interface PrinterGarbage {
  readonly reason: 'notAReply';
  readonly byteCount: number;
}

/**
 * An ESC/POS receipt printer on a serial line (UnifiedPOS POSPrinter):
 * open → claim (exclusive port lock) → enable on `start()`; `print()` one job
 * at a time; status from Automatic Status Back blocks the printer sends on
 * every change, and from `DLE EOT` real-time queries before, during and after
 * each job and polled while idle.
 *
 * Every device problem is a status or a `PrintFailure`, never an exception.
 * A lost line is reopened with backoff; a failed receipt is reprinted by
 * calling `print` again with the same document.
 *
 * Line noise can look like an ASB block or a status reply. So a change an ASB block
 * reports is shown only once a `DLE EOT` round says the same (a real fault answers the
 * same; noise does not), and a round during which the printer also sent bytes that were
 * no reply at all proves nothing and changes nothing. Such bytes are `onGarbage`.
 */
export class EscPosPrinterService {
  readonly #transport: SerialTransport;
  readonly #connection: DeviceConnection;
  readonly #log: Logger;
  readonly #columns: number;
  readonly #statusTimeoutMs: number;
  readonly #pollIntervalMs: number;
  readonly #automaticStatusBack: boolean;
  readonly #asbPollIntervalMs: number;
  readonly #chunkBytes: number;
  readonly #writeTimeoutMs: number;
  readonly #reader = new PrinterReplyReader();
  readonly #onGarbage = new Emitter<PrinterGarbage>();
  readonly #garbageLog: LogLimiter;
  readonly onStatus: Event<DeviceStatus>;
  /** Each run of bytes from the printer that was neither a status reply nor an ASB block. */
  readonly onGarbage: Event<PrinterGarbage> = this.#onGarbage.event;

  #printerStatus: PrinterStatus | undefined;
  #printing = false;
  /** ASB blocks received since the service started; a round that an ASB block contradicted is asked again. */
  #asbBlocks = 0;
  /** What the last ASB block said; shown once a status round agrees. */
  #lastAsb: PrinterStatus | undefined;
  /** A round to confirm what an ASB block said is queued and has not started yet. */
  #confirmQueued = false;
  /** Bytes that were no reply (and replies nobody asked for) since the service started: a round that saw any proves nothing. */
  #noise = 0;
  /** The printer has sent ASB on this line since it was last enabled: the idle poll only checks that it answers. */
  #asbWorking = false;
  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  /** The one outstanding `DLE EOT` query: replies carry no query number, so only one may be in flight. */
  #pendingReply: ((outcome: QueryOutcome) => void) | undefined;
  #queryChain: Promise<unknown> = Promise.resolve();
  #refreshChain: Promise<unknown> = Promise.resolve();

  constructor(transport: SerialTransport, log: Logger, options: EscPosPrinterServiceOptions) {
    this.#transport = transport;
    this.#log = log.child({ device: 'printer', path: transport.path });
    this.#garbageLog = new LogLimiter(this.#log);
    this.#columns = options.columns;
    this.#statusTimeoutMs = positive('statusTimeoutMs', options.statusTimeoutMs ?? defaultStatusTimeoutMs);
    this.#pollIntervalMs = options.pollIntervalMs ?? defaultPollIntervalMs;
    if (!(this.#pollIntervalMs >= 0)) throw new RangeError(`pollIntervalMs must be >= 0, got ${this.#pollIntervalMs}`);
    this.#automaticStatusBack = options.automaticStatusBack ?? true;
    this.#asbPollIntervalMs = positive('asbPollIntervalMs', options.asbPollIntervalMs ?? defaultAsbPollIntervalMs);
    this.#chunkBytes = positive('chunkBytes', options.chunkBytes ?? defaultChunkBytes);
    this.#writeTimeoutMs = positive('writeTimeoutMs', options.writeTimeoutMs ?? defaultWriteTimeoutMs);
    // Fail on bad columns now, not at the first receipt.
    encodeReceipt({ blocks: [] }, { columns: this.#columns });
    this.#connection = new DeviceConnection(transport, this.#log, {
      device: 'printer',
      port: 'printer port',
      reconnect: options.reconnect,
      listen: () => transport.onData((bytes) => this.#onBytes(bytes)),
      onOpened: () => this.#onOpened(),
      onLineDown: () => {
        this.#asbWorking = false;
        this.#pendingReply?.({ kind: 'lost' });
        this.#reader.reset();
      },
    });
    this.onStatus = this.#connection.onStatus;
  }

  get status(): DeviceStatus {
    return this.#connection.status;
  }

  /** The last decoded status replies, for diagnostics; undefined before the first answer. */
  get printerStatus(): PrinterStatus | undefined {
    return this.#printerStatus;
  }

  /** Resolves after the first open attempt (ready, fault, or lost and reconnecting); never rejects for an absent printer. */
  async start(): Promise<void> {
    if (this.#connection.started) return;
    await this.#connection.start();
    this.#schedulePoll();
  }

  async stop(): Promise<void> {
    // Polling runs from start() to stop(), whether the printer is there or not.
    if (this.#pollTimer !== undefined) clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
    await this.#connection.stop();
    this.#garbageLog.flush();
  }

  /**
   * Asks the printer (`DLE EOT` 1, 2, 4, and 3 when an error is reported) and
   * updates `status`. Resolves with the new status; `lost`/`closed` are returned
   * as they are without touching the line. An Automatic Status Back block that
   * arrives during the round and says otherwise is newer than the replies before
   * it: the round is asked again. A round on a noisy line leaves the status as it was.
   */
  refreshStatus(): Promise<DeviceStatus> {
    return this.#enqueueRefresh(() => this.#refresh());
  }

  #enqueueRefresh<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#refreshChain.then(run, run);
    this.#refreshChain = result.catch(() => undefined);
    return result;
  }

  /**
   * Prints one receipt. Checks the printer first, sends the job in chunks cut at
   * command boundaries with a status check between them, and checks again at the
   * end; see `PrintFailure.stage` for what a failure means for the paper.
   */
  async print(document: ReceiptDocument): Promise<Result<{ readonly bytes: number }, PrintFailure>> {
    if (!this.#connection.started) return err({ reason: 'lineLost', stage: 'before', detail: 'the printer service is not started' });
    if (this.#printing) return err({ reason: 'busy', stage: 'before', detail: 'another receipt is printing' });
    this.#printing = true;
    try {
      // An encoding error is a bug in the receipt builder: it throws.
      const job = encodeReceipt(document, { columns: this.#columns });
      return await this.#printJob(job);
    } finally {
      this.#printing = false;
    }
  }

  async #printJob(job: Uint8Array): Promise<Result<{ readonly bytes: number }, PrintFailure>> {
    const current = this.#connection.status;
    if (current.kind === 'lost') return err({ reason: 'lineLost', stage: 'before', detail: `printer line lost: ${current.reason}` });
    const before = await this.refreshStatus();
    const refused = this.#failureFor(before, 'before');
    if (refused) return err(refused);

    const line = this.#connection.generation;
    let written = 0;
    const chunks = splitAtCommandBoundaries(job, this.#chunkBytes);
    for (const [index, chunk] of chunks.entries()) {
      if (line !== this.#connection.generation) return err(this.#lostFailure('during', written));
      const write = await this.#write(chunk);
      if (write === 'lost') return err(this.#lostFailure('during', written));
      if (write === 'timeout') {
        this.#log.warn({ written, total: job.length }, 'printer stopped taking data');
        const status = await this.refreshStatus();
        return err(this.#failureFor(status, 'during') ?? { reason: 'notResponding', stage: 'during', detail: `printer stopped taking data after ${written} of ${job.length} bytes` });
      }
      written += chunk.length;
      if (index === chunks.length - 1) break;
      // DLE EOT 1 between chunks: cheap, and paper end, cover open and errors all take the printer offline.
      const noise = this.#noise;
      const outcome = await this.#query(RealtimeStatusQuery.printer);
      if (outcome.kind === 'lost') return err(this.#lostFailure('during', written));
      if (outcome.kind === 'timeout') {
        this.#setNotResponding();
        return err({ reason: 'notResponding', stage: 'during', detail: `no status reply after ${written} of ${job.length} bytes` });
      }
      const reply = parseRealtimeStatusReply(RealtimeStatusQuery.printer, outcome.byte);
      if (reply.ok && reply.value.query === 1 && !reply.value.online) {
        const status = await this.refreshStatus();
        // Offline and then ready again is still a stop mid-receipt; on a noisy line the "offline" may have been noise.
        const failure = this.#failureFor(status, 'during') ?? (this.#noise === noise ? { reason: 'printerOffline' as const, stage: 'during' as const, detail: 'printer went offline' } : undefined);
        if (failure) {
          this.#log.warn({ written, total: job.length, reason: failure.reason }, 'receipt stopped part-way');
          return err({ ...failure, detail: `${failure.detail} after ${written} of ${job.length} bytes` });
        }
      }
    }

    // The status after the last byte: a paper end or cover opened during the job means the receipt is incomplete.
    const after = await this.refreshStatus();
    const failed = this.#failureFor(after, 'after');
    if (failed) {
      this.#log.warn({ reason: failed.reason, bytes: written }, 'receipt may be incomplete');
      return err(failed);
    }
    this.#log.info({ bytes: written }, 'receipt printed');
    return ok({ bytes: written });
  }

  #failureFor(status: DeviceStatus, stage: PrintFailure['stage']): PrintFailure | undefined {
    switch (status.kind) {
      case 'ready':
        return undefined;
      case 'closed':
        return { reason: 'lineLost', stage, detail: 'the printer service was stopped' };
      case 'connecting':
      case 'lost':
        return { reason: 'lineLost', stage, detail: status.kind === 'lost' ? `printer line lost: ${status.reason}` : 'printer is connecting' };
      case 'fault': {
        const reason = faultPriority.find((fault) => status.faults.includes(fault)) ?? status.faults[0] ?? 'printerOffline';
        return { reason, stage, detail: `printer reports ${status.faults.join(', ')}` };
      }
    }
  }

  #lostFailure(stage: 'during' | 'after', written: number): PrintFailure {
    const status = this.#connection.status;
    const reason = status.kind === 'lost' ? status.reason : 'line closed';
    return { reason: 'lineLost', stage, detail: `printer line lost after ${written} bytes: ${reason}` };
  }

  // --- Line -------------------------------------------------------------------

  async #onOpened(): Promise<void> {
    this.#reader.reset();
    this.#asbWorking = false;
    this.#connection.setStatus({ kind: 'connecting' });
    await this.#enableAsb();
    // The line is up even if the printer does not answer yet: polling takes it from there.
    await this.refreshStatus();
  }

  async #write(bytes: Uint8Array): Promise<'ok' | 'lost' | 'timeout'> {
    const line = this.#connection.generation;
    if (!this.#transport.isOpen) return 'lost';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.#writeTimeoutMs)));
    try {
      const outcome = await Promise.race([this.#transport.write(bytes).then(() => 'ok' as const), timeout]);
      return line === this.#connection.generation ? outcome : 'lost';
    } catch (error) {
      // A write failed without the transport reporting the loss.
      if (line === this.#connection.generation) await this.#connection.reportLost(errorMessage(error));
      return 'lost';
    } finally {
      clearTimeout(timer);
    }
  }

  // --- Status -----------------------------------------------------------------

  /**
   * `GS a n`: the printer answers with its status at once and then on every change. A printer
   * that ignores it just never sends ASB, and polling carries on at the normal pace.
   */
  async #enableAsb(): Promise<void> {
    if (!this.#automaticStatusBack) return;
    const written = await this.#write(encodeAsbEnable(asbSelection));
    if (written === 'ok') this.#log.debug({}, 'Automatic Status Back enabled');
  }

  async #refresh(): Promise<DeviceStatus> {
    for (let round = 1; ; round++) {
      const asbBlocks = this.#asbBlocks;
      const status = await this.#round();
      // An ASB block came during the round and says otherwise: the printer changed, ask again.
      const contradicted = this.#asbBlocks !== asbBlocks && this.#lastAsb !== undefined && !sameDeviceStatus(deviceStatusFromPrinterStatus(this.#lastAsb), status);
      if (!contradicted || round >= maxRoundsPerRefresh || status.kind === 'lost' || status.kind === 'closed') return status;
    }
  }

  /** One status round; see `refreshStatus`. */
  async #round(): Promise<DeviceStatus> {
    const before = this.#connection.status;
    if (!this.#connection.started || before.kind === 'lost' || before.kind === 'closed') return before;
    const line = this.#connection.generation;
    const noise = this.#noise;
    const wasNotResponding = hasFault(before, 'notResponding');
    const replies: StatusReplyFields[] = [];
    const ask = async (query: RealtimeStatusQuery): Promise<StatusReplyFields | 'timeout' | 'lost'> => {
      const outcome = await this.#query(query);
      if (outcome.kind !== 'reply') return outcome.kind;
      const parsed = parseRealtimeStatusReply(query, outcome.byte);
      // The reader passes only bytes with the fixed bits, so this cannot fail; be safe anyway.
      return parsed.ok ? parsed.value : 'timeout';
    };
    const queries: RealtimeStatusQuery[] = [RealtimeStatusQuery.printer, RealtimeStatusQuery.offlineCause, RealtimeStatusQuery.rollPaper];
    for (const query of queries) {
      const reply = await ask(query);
      if (reply === 'lost' || line !== this.#connection.generation) return this.#connection.status;
      if (reply === 'timeout') {
        this.#setNotResponding();
        return this.#connection.status;
      }
      replies.push(reply);
      // DLE EOT 3 only says which error: ask only when DLE EOT 2 reports one.
      if (reply.query === 2 && reply.errorOccurred) {
        const cause = await ask(RealtimeStatusQuery.errorCause);
        if (cause === 'lost' || line !== this.#connection.generation) return this.#connection.status;
        if (cause === 'timeout') {
          this.#setNotResponding();
          return this.#connection.status;
        }
        replies.push(cause);
      }
    }
    if (this.#noise !== noise) {
      // Noise came with the replies: any of them may have been a noise byte that looked like one.
      this.#log.debug({}, 'status round on a noisy line ignored');
      return this.#connection.status;
    }
    if (wasNotResponding) {
      // Back from not answering: it may have been power-cycled, which turns ASB off.
      this.#log.info({}, 'printer answers status requests again');
      await this.#enableAsb();
      if (line !== this.#connection.generation) return this.#connection.status;
    }
    const status = mergeStatusReplies(replies);
    this.#printerStatus = status;
    this.#connection.setStatus(deviceStatusFromPrinterStatus(status));
    return this.#connection.status;
  }

  #setNotResponding(): void {
    // Whatever ASB it sent before, a printer that does not answer is polled at the normal pace until it does.
    this.#asbWorking = false;
    // Half an ASB block the printer never finished is not the start of its next one.
    this.#reader.reset();
    if (hasFault(this.#connection.status, 'notResponding')) return;
    this.#log.warn({ timeoutMs: this.#statusTimeoutMs }, 'printer does not answer status requests');
    this.#connection.setStatus({ kind: 'fault', faults: ['notResponding'] });
  }

  /** One `DLE EOT n` round trip; queries are serialised so each reply matches its request. */
  #query(query: RealtimeStatusQuery): Promise<QueryOutcome> {
    const run = async (): Promise<QueryOutcome> => {
      if (!this.#connection.started || !this.#transport.isOpen || this.#connection.status.kind === 'lost') return { kind: 'lost' };
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settle: (outcome: QueryOutcome) => void = () => undefined;
      const reply = new Promise<QueryOutcome>((resolve) => (settle = resolve));
      this.#pendingReply = settle;
      try {
        const written = await this.#write(encodeRealtimeStatusRequest(query));
        if (written !== 'ok') return { kind: written === 'lost' ? 'lost' : 'timeout' };
        // The clock starts once the request has left the host: a job chunk queued ahead of it does not count.
        timer = setTimeout(() => settle({ kind: 'timeout' }), this.#statusTimeoutMs);
        return await reply;
      } finally {
        clearTimeout(timer);
        if (this.#pendingReply === settle) this.#pendingReply = undefined;
      }
    };
    const result = this.#queryChain.then(run, run);
    this.#queryChain = result.catch(() => undefined);
    return result;
  }

  #onBytes(bytes: Uint8Array): void {
    for (const reply of this.#reader.push(bytes)) {
      switch (reply.kind) {
        case 'realtimeStatus':
          if (this.#pendingReply) {
            this.#pendingReply({ kind: 'reply', byte: reply.byte });
          } else {
            // A reply that came after its query timed out, or noise that looks like one. (Had it come after the
            // next query was sent, it would have been taken as that one's answer: DLE EOT replies carry no query number.)
            this.#noise++;
            this.#log.debug({ byte: reply.byte }, 'status reply with no query outstanding');
          }
          break;
        case 'asb':
          this.#onAsb(reply.status);
          break;
        case 'flowControl':
          // XON/XOFF is for the OS driver's flow control; noted for diagnostics only.
          this.#log.debug({ xon: reply.xon }, 'printer flow control');
          break;
        case 'garbage':
          this.#noise++;
          this.#garbageLog.report({ byteCount: reply.bytes.length, hex: Array.from(reply.bytes.subarray(0, 16), hex).join(' ') }, 'unexpected bytes from the printer');
          fireSafely<PrinterGarbage>(this.#onGarbage, { reason: 'notAReply', byteCount: reply.bytes.length }, this.#log, 'printer garbage');
          break;
      }
    }
  }

  /**
   * Automatic Status Back, sent the moment something changes. What it says is shown once a
   * status round agrees: four bytes of line noise can look like a block saying paper end.
   */
  #onAsb(status: PrinterStatus): void {
    this.#asbBlocks++;
    this.#lastAsb = status;
    if (!this.#asbWorking) this.#log.info({}, 'printer sends Automatic Status Back');
    this.#asbWorking = true;
    if (sameDeviceStatus(deviceStatusFromPrinterStatus(status), this.#connection.status)) {
      this.#printerStatus = status;
      return;
    }
    // Connecting: the round that opens the line is on its way and will say what the printer says.
    if (this.#confirmQueued || this.#connection.status.kind === 'connecting') return;
    this.#confirmQueued = true;
    void this.#enqueueRefresh(async () => {
      this.#confirmQueued = false;
      // Already shown (a round since has said the same), or the line is down: nothing to confirm.
      const shown = this.#connection.status;
      if (shown.kind === 'lost' || shown.kind === 'closed' || (this.#lastAsb && sameDeviceStatus(deviceStatusFromPrinterStatus(this.#lastAsb), shown))) return shown;
      return this.#refresh();
    }).catch((error: unknown) => this.#log.error({ err: errorMessage(error) }, 'status round after an ASB block failed'));
  }

  #schedulePoll(): void {
    if (this.#pollIntervalMs === 0 || !this.#connection.started) return;
    const delay = hasFault(this.#connection.status, 'notResponding')
      ? Math.min(notRespondingPollMs, this.#pollIntervalMs)
      : this.#asbWorking
        ? Math.max(this.#asbPollIntervalMs, this.#pollIntervalMs)
        : this.#pollIntervalMs;
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = undefined;
      void this.#poll();
    }, delay);
  }

  async #poll(): Promise<void> {
    // A job checks status itself; a lost line is the reconnector's business.
    const status = this.#connection.status;
    if (!this.#printing && status.kind !== 'lost') {
      try {
        // With ASB working and nothing wrong, one byte each way shows the printer still answers.
        if (this.#asbWorking && status.kind === 'ready') await this.#enqueueRefresh(() => this.#checkAnswering());
        else await this.refreshStatus();
      } catch (error) {
        this.#log.error({ err: errorMessage(error) }, 'status poll failed');
      }
    }
    this.#schedulePoll();
  }

  /** `DLE EOT 1` alone: no answer is notResponding; an answer that says offline gets a full round. */
  async #checkAnswering(): Promise<void> {
    const before = this.#connection.status;
    if (!this.#connection.started || before.kind === 'lost' || before.kind === 'closed') return;
    const noise = this.#noise;
    const outcome = await this.#query(RealtimeStatusQuery.printer);
    if (outcome.kind === 'lost') return;
    if (outcome.kind === 'timeout') {
      this.#setNotResponding();
      return;
    }
    const reply = parseRealtimeStatusReply(RealtimeStatusQuery.printer, outcome.byte);
    if (this.#noise === noise && reply.ok && reply.value.query === 1 && !reply.value.online) await this.#refresh();
  }
}

function hasFault(status: DeviceStatus, fault: DeviceFault): boolean {
  return status.kind === 'fault' && status.faults.includes(fault);
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}


function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
