import type { DeviceStatus } from '../../shared/devices';
import { Emitter, type Disposable, type Event } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { err, ok, type Result } from '../../shared/result';
import { scaleWeightText, type ScaleOperations, type ScaleReadFailure, type ScaleReading } from '../../shared/scale';
import { DeviceConnection } from '../deviceConnection';
import { TimedFrameReader } from '../timedFrames';
import { errorMessage, fireSafely, sameDeviceStatus } from '../deviceEvents';
import { LogLimiter } from '../logLimiter';
import type { ScanEvent } from '../scanner/service';
import type { BackoffOptions } from '../serial/reconnect';
import type { SerialTransport } from '../serial/transport';
import {
  encodeMagellanCommand,
  MagellanFrameDecoder,
  parseMagellanFrame,
  resolveMagellanCommands,
  type MagellanCommandSet,
  type MagellanGarbageReason,
  type MagellanMessage,
  type MagellanWeightUnit,
} from './codec';

export type { ScanEvent } from '../scanner/service';

export interface MagellanGarbageEvent {
  readonly reason: MagellanGarbageReason;
  readonly byteCount: number;
}

/** A command could not be sent: the line is not open (not started, lost, or lost while writing). */
export interface MagellanCommandFailure {
  readonly kind: 'notOpen';
  readonly detail: string;
}

/** The scanner half of the scanner-scale, a logical device of its own (UnifiedPOS Scanner). */
export interface MagellanScanner {
  readonly status: DeviceStatus;
  readonly onStatus: Event<DeviceStatus>;
  /** `data` is AIM-prefixed (`]E0…`, `]E4…`, `]e0…`, `]A0…`, `]C0…`), ready for `decodeBarcode`. */
  readonly onScan: Event<ScanEvent>;
  /** Broken frames from the scanner, and noise on the line that no frame claims. */
  readonly onGarbage: Event<MagellanGarbageEvent>;
  /** Scans are delivered only while enabled; `start()` enables. */
  readonly enabled: boolean;
  /** Resolves after the line's first open attempt; never rejects because the device is absent. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends the configured enable command (if any) and delivers scans again. */
  enable(): Promise<Result<void, MagellanCommandFailure>>;
  /** Sends the configured disable command (if any); scans that still arrive are dropped on the host. */
  disable(): Promise<Result<void, MagellanCommandFailure>>;
  beepGoodRead(): Promise<Result<void, MagellanCommandFailure>>;
  beepNotOnFile(): Promise<Result<void, MagellanCommandFailure>>;
}

/** The scale half, a logical device of its own (UnifiedPOS Scale). */
export interface MagellanScale extends ScaleOperations {
  readonly status: DeviceStatus;
  readonly onStatus: Event<DeviceStatus>;
  readonly unit: MagellanWeightUnit;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface MagellanServiceOptions {
  /** What the scale is configured to weigh in; it fixes the width of the weight field. */
  readonly unit: MagellanWeightUnit;
  /** Overrides of the command strings; see `MagellanCommandSet` for which are unverified. */
  readonly commands?: Partial<MagellanCommandSet>;
  /** How long a scale request waits for its reply. Default 500 ms. */
  readonly replyTimeoutMs?: number;
  /** Consecutive unanswered requests before the scale shows `notResponding`. Default 2. */
  readonly timeoutsBeforeNotResponding?: number;
  /**
   * With no scale request for this long (while the scale is started), the
   * service asks for its status itself, so a dead scale shows — and a
   * `notResponding` one recovers — even when nobody is weighing. Default 2000 ms; 0 disables.
   */
  readonly idleCheckMs?: number;
  /** Wait between sending the zero command and checking the result with `S14`. Default 250 ms. */
  readonly zeroSettleMs?: number;
  /** Gap between the tones of a multi-tone beep. Default 150 ms. */
  readonly beepGapMs?: number;
  /** A frame stuck mid-way longer than this is discarded. Default 100 ms. */
  readonly interByteTimeoutMs?: number;
  readonly maxFrameLength?: number;
  readonly reconnect?: BackoffOptions;
  /** Epoch milliseconds with sub-millisecond precision; injectable for tests. */
  readonly clock?: () => number;
}

/**
 * 500 ms: the scale answers `S14` from its current state, at once (the CORE-POS
 * driver reads the port with a 500 ms timeout); it also absorbs a busy
 * USB-serial adapter and a scan frame sent ahead of the reply.
 */
const defaultReplyTimeoutMs = 500;
/** One lost reply is line noise; two in a row is a scale that is not there. */
const defaultTimeoutsBeforeNotResponding = 2;
/** As the other serial scales (devices/scale/service.ts): ~10 bytes every 2 s does not crowd the scanner's frames. */
const defaultIdleCheckMs = 2_000;
/** Unverified: the zero command is not documented, so how long zeroing takes is not either. */
const defaultZeroSettleMs = 250;
/** The CORE-POS driver sends its repeated S334 tones 150 ms apart. */
const defaultBeepGapMs = 150;
/** At 9600 baud a byte takes ~1 ms and frames come in one burst: a 100 ms gap means the rest is not coming. */
const defaultInterByteTimeoutMs = 100;
/**
 * Commands are a few bytes and the line has no flow control, so a write drains
 * in milliseconds; one that has not after 2 s is stuck in the OS or the adapter,
 * and stop() must not wait for it forever.
 */
const writeTimeoutMs = 2_000;

/** State of the shared cable, for diagnostics (`MagellanService.lineStatus`). */
export type MagellanLineState = { readonly kind: 'closed' } | { readonly kind: 'connecting' } | { readonly kind: 'open' } | { readonly kind: 'lost'; readonly reason: string };
type LineUser = 'scanner' | 'scale';

interface LineMessage {
  readonly message: MagellanMessage;
  readonly firstByteAt: number;
  readonly receivedAt: number;
}

/**
 * The one serial line both logical devices share: opens when the first of them
 * starts, closes when the last stops, reopens with backoff when lost, and turns
 * bytes into messages for both. Its status is `ready` while it is open; it has
 * no faults of its own (those are the logical devices').
 */
class MagellanLine {
  readonly #transport: SerialTransport;
  readonly #connection: DeviceConnection;
  readonly #decoder: MagellanFrameDecoder;
  readonly #log: Logger;
  /** A flooded line sends hundreds of unusable frames a second: the first is logged, then a summary every few seconds. */
  readonly #garbageLog: LogLimiter;
  readonly #reader: TimedFrameReader<MagellanMessage>;
  readonly #users = new Set<LineUser>();
  readonly #onMessage = new Emitter<LineMessage>();
  readonly onStatus: Event<DeviceStatus>;
  readonly onMessage: Event<LineMessage> = this.#onMessage.event;

  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(transport: SerialTransport, log: Logger, options: MagellanServiceOptions) {
    this.#transport = transport;
    this.#log = log;
    this.#garbageLog = new LogLimiter(log);
    this.#decoder = new MagellanFrameDecoder({ unit: options.unit, ...(options.maxFrameLength === undefined ? {} : { maxFrameLength: options.maxFrameLength }) });
    this.#reader = new TimedFrameReader(this.#decoder, {
      staleAfterMs: positive('interByteTimeoutMs', options.interByteTimeoutMs ?? defaultInterByteTimeoutMs),
      pending: () => this.#decoder.hasPendingBytes,
      clock: options.clock,
      deliver: (message, firstByteAt, receivedAt) => this.#deliver(message, firstByteAt, receivedAt),
    });
    this.#connection = new DeviceConnection(transport, log, {
      device: 'scanner-scale',
      port: 'scanner-scale port',
      reconnect: options.reconnect,
      listen: () => transport.onData((bytes) => this.#reader.push(bytes)),
      onOpened: () => {
        this.#reader.reset();
        this.#connection.setStatus({ kind: 'ready', warnings: [] });
      },
      onLineDown: () => this.#reader.reset(),
    });
    this.onStatus = this.#connection.onStatus;
  }

  get status(): DeviceStatus {
    return this.#connection.status;
  }

  get isOpen(): boolean {
    return this.#connection.status.kind === 'ready' && this.#transport.isOpen;
  }

  /** Joins the line; the first user opens it. Resolves after the first open attempt. */
  acquire(user: LineUser): Promise<void> {
    if (this.#users.has(user)) return this.#opening ?? Promise.resolve();
    const first = this.#users.size === 0;
    this.#users.add(user);
    if (!first) return this.#opening ?? Promise.resolve();
    const opening = this.#start();
    this.#opening = opening;
    void opening.finally(() => {
      if (this.#opening === opening) this.#opening = undefined;
    });
    return opening;
  }

  /** Leaves the line; the last user closes it. */
  release(user: LineUser): Promise<void> {
    if (!this.#users.delete(user) || this.#users.size > 0) return Promise.resolve();
    const closing = this.#connection.stop();
    this.#closing = closing;
    return closing;
  }

  /** Sends bytes; a failed write means the line is gone (reported as lost, reconnecting). */
  async write(bytes: Uint8Array): Promise<Result<void, MagellanCommandFailure>> {
    if (!this.isOpen) return err({ kind: 'notOpen', detail: this.#notOpenDetail() });
    const generation = this.#connection.generation;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const stuck = new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), writeTimeoutMs)));
      const outcome = await Promise.race([this.#transport.write(bytes).then(() => 'written' as const), stuck]);
      if (outcome === 'stuck') {
        this.#log.warn({ timeoutMs: writeTimeoutMs }, 'scanner-scale write did not complete');
        return err({ kind: 'notOpen', detail: `write did not complete within ${writeTimeoutMs} ms` });
      }
      return ok(undefined);
    } catch (error) {
      const reason = errorMessage(error);
      if (generation === this.#connection.generation) await this.#connection.reportLost(reason);
      return err({ kind: 'notOpen', detail: `write failed: ${reason}` });
    } finally {
      clearTimeout(timer);
    }
  }

  #notOpenDetail(): string {
    const status = this.#connection.status;
    switch (status.kind) {
      case 'lost':
        return `line lost: ${status.reason}`;
      case 'connecting':
        return 'line is connecting';
      default:
        return 'line is closed';
    }
  }

  async #start(): Promise<void> {
    await this.#closing;
    if (this.#users.size === 0) return;
    await this.#connection.start();
  }

  #deliver(message: MagellanMessage, firstByteAt: number, receivedAt: number): void {
    if (message.kind === 'garbage') {
      this.#garbageLog.report(
        { reason: message.reason, source: message.source, byteCount: message.bytes.length, hex: hexPreview(message.bytes) },
        'scanner-scale sent an unusable frame',
      );
    }
    fireSafely(this.#onMessage, { message, firstByteAt, receivedAt }, this.#log, 'scanner-scale message');
  }

}

/** Status of a started logical device from the status of the shared line. */
function statusFromLine(line: DeviceStatus, openStatus: DeviceStatus): DeviceStatus {
  switch (line.kind) {
    case 'closed':
    case 'connecting':
      return { kind: 'connecting' };
    case 'lost':
      return { kind: 'lost', reason: line.reason };
    case 'ready':
    case 'fault':
      return openStatus;
  }
}

class LogicalScanner implements MagellanScanner {
  readonly #line: MagellanLine;
  readonly #commands: MagellanCommandSet;
  readonly #log: Logger;
  readonly #beepGapMs: number;
  readonly #onStatus = new Emitter<DeviceStatus>();
  readonly #onScan = new Emitter<ScanEvent>();
  readonly #onGarbage = new Emitter<MagellanGarbageEvent>();
  readonly onStatus: Event<DeviceStatus> = this.#onStatus.event;
  readonly onScan: Event<ScanEvent> = this.#onScan.event;
  readonly onGarbage: Event<MagellanGarbageEvent> = this.#onGarbage.event;

  #status: DeviceStatus = { kind: 'closed' };
  #started = false;
  #enabled = false;

  constructor(line: MagellanLine, commands: MagellanCommandSet, log: Logger, beepGapMs: number) {
    this.#line = line;
    this.#commands = commands;
    this.#log = log.child({ device: 'scanner' });
    this.#beepGapMs = beepGapMs;
    line.onStatus((status) => {
      this.#refreshStatus();
      // A device that was unplugged or power-cycled has forgotten whether it was disabled: tell it again.
      if (status.kind === 'ready' && this.#started) void this.#sendEnabledState();
    });
    line.onMessage(({ message, firstByteAt, receivedAt }) => this.#onMessage(message, firstByteAt, receivedAt));
  }

  get status(): DeviceStatus {
    return this.#status;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#enabled = true;
    const wasOpen = this.#line.isOpen;
    this.#refreshStatus();
    await this.#line.acquire('scanner');
    // A line opened just now was announced through onStatus, which sent the enable already.
    if (wasOpen && this.#started) await this.#sendEnabledState();
    this.#refreshStatus();
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    // The scale may keep the line open: make the device stop scanning, as a disabled UnifiedPOS scanner would.
    if (this.#commands.scannerDisable !== null && this.#line.isOpen) await this.#line.write(encodeMagellanCommand(this.#commands.scannerDisable));
    this.#enabled = false;
    await this.#line.release('scanner');
    this.#refreshStatus();
  }

  enable(): Promise<Result<void, MagellanCommandFailure>> {
    return this.#setEnabled(true);
  }

  disable(): Promise<Result<void, MagellanCommandFailure>> {
    return this.#setEnabled(false);
  }

  beepGoodRead(): Promise<Result<void, MagellanCommandFailure>> {
    return this.#send(this.#commands.goodReadBeep);
  }

  async beepNotOnFile(): Promise<Result<void, MagellanCommandFailure>> {
    const tones = this.#commands.notOnFileBeep;
    for (const [index, command] of tones.entries()) {
      if (index > 0) await new Promise((resolve) => setTimeout(resolve, this.#beepGapMs));
      const sent = await this.#send(command);
      if (!sent.ok) return sent;
    }
    return ok(undefined);
  }

  async #setEnabled(enabled: boolean): Promise<Result<void, MagellanCommandFailure>> {
    if (!this.#started) return err({ kind: 'notOpen', detail: 'the scanner is not started' });
    if (!this.#line.isOpen) return err({ kind: 'notOpen', detail: statusDetail(this.#status) });
    this.#enabled = enabled;
    const command = enabled ? this.#commands.scannerEnable : this.#commands.scannerDisable;
    // No command configured: gating on the host is all there is.
    if (command === null) return ok(undefined);
    return this.#line.write(encodeMagellanCommand(command));
  }

  async #sendEnabledState(): Promise<void> {
    const command = this.#enabled ? this.#commands.scannerEnable : this.#commands.scannerDisable;
    if (command === null || !this.#line.isOpen) return;
    const sent = await this.#line.write(encodeMagellanCommand(command));
    if (!sent.ok) this.#log.debug({ err: sent.error.detail }, 'could not send the scanner enable state');
  }

  #send(command: string): Promise<Result<void, MagellanCommandFailure>> {
    if (!this.#started) return Promise.resolve(err({ kind: 'notOpen', detail: 'the scanner is not started' }));
    return this.#line.write(encodeMagellanCommand(command));
  }

  #onMessage(message: MagellanMessage, firstByteAt: number, receivedAt: number): void {
    if (!this.#started) return;
    if (message.kind === 'scan') {
      if (!this.#enabled) {
        // Sent before the device took the disable, or no disable command is configured.
        this.#log.debug({ symbology: message.symbology }, 'scan while disabled dropped');
        return;
      }
      fireSafely(this.#onScan, { data: message.barcode, firstByteAt, receivedAt }, this.#log, 'scanner event');
      return;
    }
    // Broken scale frames are the scale's; noise nobody claims is shown where the shopper looks: the scanner.
    if (message.kind === 'garbage' && message.source !== 'scale') {
      fireSafely(this.#onGarbage, { reason: message.reason, byteCount: message.bytes.length }, this.#log, 'scanner event');
    }
  }

  #refreshStatus(): void {
    const status: DeviceStatus = this.#started ? statusFromLine(this.#line.status, { kind: 'ready', warnings: [] }) : { kind: 'closed' };
    if (sameDeviceStatus(this.#status, status)) return;
    this.#status = status;
    fireSafely(this.#onStatus, status, this.#log, 'scanner status');
  }
}

type RequestOutcome =
  | { readonly kind: 'reply'; readonly reading: ScaleReading }
  | { readonly kind: 'badReply'; readonly detail: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'lost' };

interface ScaleTiming {
  readonly replyTimeoutMs: number;
  readonly timeoutsBeforeNotResponding: number;
  readonly idleCheckMs: number;
  readonly zeroSettleMs: number;
}

class LogicalScale implements MagellanScale {
  readonly unit: MagellanWeightUnit;
  readonly #line: MagellanLine;
  readonly #commands: MagellanCommandSet;
  readonly #timing: ScaleTiming;
  readonly #log: Logger;
  readonly #onStatus = new Emitter<DeviceStatus>();
  readonly onStatus: Event<DeviceStatus> = this.#onStatus.event;

  #status: DeviceStatus = { kind: 'closed' };
  #started = false;
  #consecutiveTimeouts = 0;
  #notResponding = false;
  /** The one outstanding request: replies carry no request number, so only one may be in flight. */
  #pending: ((outcome: RequestOutcome) => void) | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(line: MagellanLine, commands: MagellanCommandSet, unit: MagellanWeightUnit, timing: ScaleTiming, log: Logger) {
    this.#line = line;
    this.#commands = commands;
    this.unit = unit;
    this.#timing = timing;
    this.#log = log.child({ device: 'scale' });
    line.onStatus((status) => {
      if (status.kind !== 'ready') {
        // A reply cannot come over a line that is gone; a scale back on a new line starts with a clean slate.
        this.#pending?.({ kind: 'lost' });
        this.#consecutiveTimeouts = 0;
        this.#notResponding = false;
        this.#clearIdleCheck();
      } else if (this.#started) {
        this.#armIdleCheck();
      }
      this.#refreshStatus();
    });
    line.onMessage(({ message }) => this.#onMessage(message));
  }

  get status(): DeviceStatus {
    return this.#status;
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#refreshStatus();
    await this.#line.acquire('scale');
    if (this.#started && this.#line.isOpen) this.#armIdleCheck();
    this.#refreshStatus();
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#pending?.({ kind: 'lost' });
    this.#clearIdleCheck();
    this.#consecutiveTimeouts = 0;
    this.#notResponding = false;
    await this.#line.release('scale');
    this.#refreshStatus();
  }

  /**
   * Asks with `S14`, not `S11`: `S11` is answered only when the weight is
   * stable, so motion, over capacity or under zero would look like a dead scale.
   */
  async readWeight(): Promise<Result<ScaleReading, ScaleReadFailure>> {
    if (!this.#started) return err({ kind: 'notOpen' });
    const outcome = await this.#request();
    switch (outcome.kind) {
      case 'reply':
        return ok(outcome.reading);
      case 'badReply':
        return err({ kind: 'badReply', detail: outcome.detail });
      case 'timeout':
        return err({ kind: 'timeout' });
      case 'lost':
        return err({ kind: 'notOpen' });
    }
  }

  /**
   * Sends the configured zero command, waits `zeroSettleMs`, then checks with
   * `S14`: a stable zero is success; anything else means the scale ignored it
   * (in motion, outside its zero range) and is `refused`.
   */
  async zero(): Promise<Result<void, ScaleReadFailure>> {
    if (!this.#started) return err({ kind: 'notOpen' });
    const command = this.#commands.zero;
    if (command === null) {
      return err({ kind: 'refused', detail: 'no zero command is configured for this scanner-scale (single-cable zero is not publicly documented)' });
    }
    const sent = await this.#serialised(() => this.#line.write(encodeMagellanCommand(command)));
    if (!sent.ok) return err({ kind: 'notOpen' });
    await new Promise((resolve) => setTimeout(resolve, this.#timing.zeroSettleMs));
    const reading = await this.readWeight();
    if (!reading.ok) return reading;
    const value = reading.value;
    if (value.kind === 'stable' && value.weight.increments === 0) return ok(undefined);
    const detail = value.kind === 'stable' ? `the scale still reads ${scaleWeightText(value.weight)}: outside its zero range` : `the scale reports ${value.kind}`;
    this.#log.info({ reading: value.kind }, 'zero refused');
    return err({ kind: 'refused', detail });
  }

  #serialised<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#chain.then(run, run);
    this.#chain = result.catch(() => undefined);
    return result;
  }

  #request(): Promise<RequestOutcome> {
    return this.#serialised(async () => {
      if (!this.#started || !this.#line.isOpen) return { kind: 'lost' } as const;
      let settle: (outcome: RequestOutcome) => void = () => undefined;
      const reply = new Promise<RequestOutcome>((resolve) => (settle = resolve));
      this.#pending = settle;
      // The clock runs from before the write: a write that never drains is a scale that does not answer.
      const timer = setTimeout(() => settle({ kind: 'timeout' }), this.#timing.replyTimeoutMs);
      let outcome: RequestOutcome;
      try {
        const written = await this.#line.write(encodeMagellanCommand(this.#commands.statusRequest));
        outcome = written.ok ? await reply : { kind: 'lost' };
      } finally {
        clearTimeout(timer);
        if (this.#pending === settle) this.#pending = undefined;
      }
      this.#account(outcome);
      if (this.#started && this.#line.isOpen) this.#armIdleCheck();
      return outcome;
    });
  }

  /** Keeps the consecutive-timeout count and the notResponding fault. */
  #account(outcome: RequestOutcome): void {
    if (outcome.kind === 'lost') return;
    if (outcome.kind === 'timeout') {
      this.#consecutiveTimeouts++;
      if (!this.#notResponding && this.#consecutiveTimeouts >= this.#timing.timeoutsBeforeNotResponding) {
        this.#notResponding = true;
        this.#log.warn({ timeouts: this.#consecutiveTimeouts, timeoutMs: this.#timing.replyTimeoutMs }, 'scale does not answer');
        this.#refreshStatus();
      }
      return;
    }
    // Even a garbled reply means something is answering.
    this.#consecutiveTimeouts = 0;
    if (this.#notResponding) {
      this.#notResponding = false;
      this.#log.info({}, 'scale answers again');
      this.#refreshStatus();
    }
  }

  /**
   * (Re)starts the idle timer: every request pushes the check back, so a lane
   * polling for weight sends no extra traffic. Nobody asks a faulted scale for
   * weight, so this is also how `notResponding` clears by itself.
   */
  #armIdleCheck(): void {
    this.#clearIdleCheck();
    if (this.#timing.idleCheckMs === 0) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.#started && this.#line.isOpen && this.#pending === undefined) void this.#request();
    }, this.#timing.idleCheckMs);
  }

  #clearIdleCheck(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #onMessage(message: MagellanMessage): void {
    if (!this.#started) return;
    switch (message.kind) {
      case 'status':
        if (this.#pending) this.#pending({ kind: 'reply', reading: message.reading });
        // A reply after its request timed out. (Had it come after the next request was sent, it would have
        // been taken as that one's answer: S14 replies carry no request number.)
        else this.#log.debug({ reading: message.reading.kind }, 'scale status with no request outstanding');
        return;
      case 'weight':
        // S11 is never sent by this service; another program on the line, or a device sending on its own.
        this.#log.debug({ grams: message.weight.grams }, 'unrequested S11 weight ignored');
        return;
      case 'garbage':
        if (message.source === 'scale' && this.#pending) this.#pending({ kind: 'badReply', detail: `${message.reason}: ${hexPreview(message.bytes)}` });
        return;
      case 'scan':
        return;
    }
  }

  #refreshStatus(): void {
    const open: DeviceStatus = this.#notResponding ? { kind: 'fault', faults: ['notResponding'] } : { kind: 'ready', warnings: [] };
    const status: DeviceStatus = this.#started ? statusFromLine(this.#line.status, open) : { kind: 'closed' };
    if (sameDeviceStatus(this.#status, status)) return;
    this.#status = status;
    fireSafely(this.#onStatus, status, this.#log, 'scale status');
  }
}

/**
 * A Datalogic Magellan scanner-scale on one RS-232 cable (single-cable mode),
 * as two independent logical devices (UnifiedPOS multi-function hardware):
 * `scanner` and `scale`, each with its own start/stop and status. The line
 * opens when the first starts and closes when the last stops; a lost line
 * makes both `lost` and is reopened with backoff.
 *
 * Frames are routed by type — `S08` scans to the scanner, `S11`/`S14` replies
 * to the scale — so scans interleaved with weight replies are fine. Device
 * problems are statuses and `Result`s, never exceptions.
 */
export class MagellanService {
  readonly scanner: MagellanScanner;
  readonly scale: MagellanScale;
  readonly commands: MagellanCommandSet;
  readonly #line: MagellanLine;

  constructor(transport: SerialTransport, log: Logger, options: MagellanServiceOptions) {
    this.commands = resolveMagellanCommands(options.commands);
    const serviceLog = log.child({ device: 'magellan', path: transport.path });
    this.#line = new MagellanLine(transport, serviceLog, options);
    const timeoutsBeforeNotResponding = options.timeoutsBeforeNotResponding ?? defaultTimeoutsBeforeNotResponding;
    if (!Number.isInteger(timeoutsBeforeNotResponding) || timeoutsBeforeNotResponding < 1) {
      throw new RangeError(`timeoutsBeforeNotResponding must be an integer >= 1, got ${timeoutsBeforeNotResponding}`);
    }
    const timing: ScaleTiming = {
      replyTimeoutMs: positive('replyTimeoutMs', options.replyTimeoutMs ?? defaultReplyTimeoutMs),
      timeoutsBeforeNotResponding,
      idleCheckMs: nonNegative('idleCheckMs', options.idleCheckMs ?? defaultIdleCheckMs),
      zeroSettleMs: nonNegative('zeroSettleMs', options.zeroSettleMs ?? defaultZeroSettleMs),
    };
    this.scanner = new LogicalScanner(this.#line, this.commands, serviceLog, nonNegative('beepGapMs', options.beepGapMs ?? defaultBeepGapMs));
    this.scale = new LogicalScale(this.#line, this.commands, options.unit, timing, serviceLog);
  }

  /** State of the shared cable, for diagnostics. */
  get lineStatus(): MagellanLineState['kind'] {
    const status = this.#line.status.kind;
    return status === 'ready' || status === 'fault' ? 'open' : status;
  }

  /** Stops both logical devices (closing the line). */
  async stop(): Promise<void> {
    await Promise.all([this.scanner.stop(), this.scale.stop()]);
  }
}

/**
 * The driver's `supported()` probe: sends `S14` and resolves true on any
 * well-formed `S14` reply within `timeoutMs` (either weight width: the unit is
 * not known yet). Opens the transport if it is closed and closes it again
 * afterwards; leaves an open one open. Never rejects.
 */
export async function probeMagellan(transport: SerialTransport, timeoutMs: number): Promise<boolean> {
  const openedHere = !transport.isOpen;
  if (openedHere) {
    try {
      await transport.open();
    } catch {
      return false;
    }
  }
  const decoder = new MagellanFrameDecoder({ unit: 'kg' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let subscription: Disposable | undefined;
  try {
    const answered = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      subscription = transport.onData((bytes) => {
        for (const message of decoder.push(bytes)) {
          if (message.kind === 'status') resolve(true);
          // A 4-digit weight is a scale set to pounds.
          else if (message.kind === 'garbage' && message.source === 'scale' && parseMagellanFrame(message.bytes, 'lb').kind === 'status') resolve(true);
        }
      });
    });
    try {
      await transport.write(encodeMagellanCommand(resolveMagellanCommands().statusRequest));
    } catch {
      return false;
    }
    return await answered;
  } finally {
    clearTimeout(timer);
    subscription?.dispose();
    if (openedHere) await transport.close().catch(() => undefined);
  }
}

function statusDetail(status: DeviceStatus): string {
  return status.kind === 'lost' ? `line lost: ${status.reason}` : `the scanner is ${status.kind}`;
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${name} must be a number >= 0, got ${value}`);
  return value;
}


function hexPreview(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > 32 ? `${shown} …` : shown;
}
