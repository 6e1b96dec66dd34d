import type { DeviceFault, DeviceStatus } from '../../shared/devices';
import { Emitter, type Event } from '../../shared/event';
import type { Logger } from '../../shared/log';
import { err, ok, type Result } from '../../shared/result';
import type { ScaleOperations, ScaleReadFailure, ScaleReading } from '../../shared/scale';
import { DeviceConnection } from '../deviceConnection';
import { errorMessage, fireSafely } from '../deviceEvents';
import { LogLimiter } from '../logLimiter';
import type { BackoffOptions } from '../serial/reconnect';
import type { SerialTransport } from '../serial/transport';
import type { ScaleAnswer, ScaleAnswerDecoder, ScaleProtocol } from './protocol';

export interface SerialScaleServiceOptions {
  /** How long to wait for each reply. Default: the protocol's `replyTimeoutMs`. */
  readonly replyTimeoutMs?: number;
  /** Consecutive unanswered requests before the status says `notResponding`. Default 2. */
  readonly timeoutsBeforeNotResponding?: number;
  /**
   * With no request for this long, the service asks the scale for its status
   * itself, so a dead or failing scale shows on the assistant's screen even
   * when nobody is weighing. Default 2000 ms; 0 disables.
   */
  readonly idleCheckMs?: number;
  readonly reconnect?: BackoffOptions;
}

/**
 * Two: a single reply lost to line noise should not flag the scale to an
 * assistant; two in a row (2 s at the default timeout) is a scale that is off
 * or unplugged at its end.
 */
const defaultTimeoutsBeforeNotResponding = 2;
const defaultIdleCheckMs = 2_000;

type RequestOutcome =
  | { readonly kind: 'answer'; readonly answer: Exclude<ScaleAnswer, { kind: 'noise' }> }
  | { readonly kind: 'timeout' }
  /** Not started, line not open or lost meanwhile: nothing was (or will be) answered. */
  | { readonly kind: 'notOpen' };

interface WriteFailed {
  readonly kind: 'writeFailed';
  readonly error: unknown;
}

type RequestKind = 'weight' | 'zero' | 'status';

/** Bytes from the scale that were no answer to anything: noise on the line, a reply cut off or left over. */
export interface ScaleGarbage {
  /** The decoder's reason, e.g. `unframed`, `truncated`. */
  readonly reason: string;
  readonly byteCount: number;
}

/**
 * A serial scale (Mettler Toledo 8217, NCI SCP-01, …) as a logical device
 * (UnifiedPOS Scale): open → claim (the transport's exclusive lock) → enable on
 * `start()`, the reverse on `stop()`; `readWeight()` and `zero()` as
 * `ScaleOperations`.
 *
 * The scale only speaks when asked, and its replies carry no request number, so
 * requests go one at a time: each waits for the one before it. Every device
 * problem is a status or a `ScaleReadFailure`, never an exception:
 * - no reply within the timeout → `timeout`; after consecutive ones the status
 *   becomes fault `notResponding`, and the next answer makes it `ready` again;
 * - RAM/ROM/EEPROM/calibration errors → fault `scaleError`;
 * - the line going away (or a write failing) → `lost`, reopened with backoff;
 * - bytes that answer nothing (line noise, half a reply) → `onGarbage`, for the
 *   assistant to see a noisy cable; logged at a rate the log can take.
 */
export class SerialScaleService implements ScaleOperations {
  readonly #transport: SerialTransport;
  readonly #connection: DeviceConnection;
  readonly #protocol: ScaleProtocol;
  readonly #decoder: ScaleAnswerDecoder;
  readonly #log: Logger;
  readonly #replyTimeoutMs: number;
  readonly #timeoutsBeforeNotResponding: number;
  readonly #idleCheckMs: number;
  readonly #onGarbage = new Emitter<ScaleGarbage>();
  readonly #garbageLog: LogLimiter;
  readonly #replyLog: LogLimiter;
  readonly onStatus: Event<DeviceStatus>;
  /** Each run of bytes from the scale that was discarded (never an answer to a request). */
  readonly onGarbage: Event<ScaleGarbage> = this.#onGarbage.event;

  #requestChain: Promise<unknown> = Promise.resolve();
  /** Settles the request waiting for a reply; only one is ever outstanding. */
  #pending: ((outcome: RequestOutcome) => void) | undefined;
  #consecutiveTimeouts = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #requestsQueued = 0;

  constructor(transport: SerialTransport, protocol: ScaleProtocol, log: Logger, options: SerialScaleServiceOptions = {}) {
    this.#transport = transport;
    this.#protocol = protocol;
    this.#decoder = protocol.createDecoder();
    this.#log = log.child({ device: 'scale', protocol: protocol.name, path: transport.path });
    this.#garbageLog = new LogLimiter(this.#log);
    this.#replyLog = new LogLimiter(this.#log);
    this.#replyTimeoutMs = positive('replyTimeoutMs', options.replyTimeoutMs ?? protocol.replyTimeoutMs);
    this.#timeoutsBeforeNotResponding = options.timeoutsBeforeNotResponding ?? defaultTimeoutsBeforeNotResponding;
    if (!(Number.isInteger(this.#timeoutsBeforeNotResponding) && this.#timeoutsBeforeNotResponding >= 1)) {
      throw new RangeError(`timeoutsBeforeNotResponding must be an integer >= 1, got ${this.#timeoutsBeforeNotResponding}`);
    }
    this.#idleCheckMs = options.idleCheckMs ?? defaultIdleCheckMs;
    if (!(Number.isFinite(this.#idleCheckMs) && this.#idleCheckMs >= 0)) throw new RangeError(`idleCheckMs must be >= 0, got ${this.#idleCheckMs}`);
    this.#connection = new DeviceConnection(transport, this.#log, {
      device: 'scale',
      port: 'scale port',
      reconnect: options.reconnect,
      listen: () => transport.onData((bytes) => this.#onBytes(bytes)),
      onOpened: () => this.#onOpened(),
      onLineDown: () => {
        this.#clearIdleTimer();
        this.#pending?.({ kind: 'notOpen' });
        this.#decoder.reset();
      },
    });
    this.onStatus = this.#connection.onStatus;
  }

  get status(): DeviceStatus {
    return this.#connection.status;
  }

  get protocol(): ScaleProtocol {
    return this.#protocol;
  }

  /**
   * Resolves after the first open attempt and the first request: `ready`,
   * fault (`notResponding` if the scale did not answer it, `scaleError`), or
   * `lost` with reconnecting under way. Never rejects because the scale is absent.
   */
  start(): Promise<void> {
    return this.#connection.start();
  }

  async stop(): Promise<void> {
    await this.#connection.stop();
    this.#garbageLog.flush();
    this.#replyLog.flush();
  }

  /** One reading from the scale now (the weight command; waits for requests already queued). */
  async readWeight(): Promise<Result<ScaleReading, ScaleReadFailure>> {
    const outcome = await this.#request(this.#protocol.commands.weight, 'weight');
    if (outcome.kind !== 'answer') return err({ kind: outcome.kind });
    const { answer } = outcome;
    switch (answer.kind) {
      case 'answer':
        if (answer.hardwareErrors.length > 0) return err({ kind: 'refused', detail: `scale reports ${answer.hardwareErrors.join(', ')} error` });
        return answer.reading.ok ? answer.reading : err({ kind: 'badReply', detail: answer.reading.error });
      case 'unknownCommand':
        return err({ kind: 'refused', detail: 'the scale does not know the weight command' });
      case 'badReply':
        return err({ kind: 'badReply', detail: `${answer.detail}: ${hexPreview(answer.bytes)}` });
    }
  }

  /** Zeroes the scale; `refused` when it is in motion, outside its zero range, or tared. */
  async zero(): Promise<Result<void, ScaleReadFailure>> {
    const outcome = await this.#request(this.#protocol.commands.zero, 'zero');
    if (outcome.kind !== 'answer') return err({ kind: outcome.kind });
    const { answer } = outcome;
    switch (answer.kind) {
      case 'answer':
        if (answer.hardwareErrors.length > 0) return err({ kind: 'refused', detail: `scale reports ${answer.hardwareErrors.join(', ')} error` });
        if (!answer.zero.ok) {
          this.#log.info({ reason: answer.zero.error }, 'scale did not zero');
          return err({ kind: 'refused', detail: answer.zero.error });
        }
        this.#log.info({}, 'scale zeroed');
        return ok(undefined);
      case 'unknownCommand':
        return err({ kind: 'refused', detail: 'the scale does not know the zero command' });
      case 'badReply':
        return err({ kind: 'badReply', detail: `${answer.detail}: ${hexPreview(answer.bytes)}` });
    }
  }

  // --- Line -------------------------------------------------------------------

  async #onOpened(): Promise<void> {
    this.#decoder.reset();
    this.#consecutiveTimeouts = 0;
    this.#connection.setStatus({ kind: 'connecting' });
    // The port is up; whether a scale is behind it, only an answer tells.
    await this.#request(this.#protocol.commands.status ?? this.#protocol.commands.weight, 'status');
  }

  // --- Requests ---------------------------------------------------------------

  /** One command and its reply; requests are serialised so each reply matches its command. */
  #request(command: Uint8Array, what: RequestKind): Promise<RequestOutcome> {
    this.#requestsQueued++;
    this.#clearIdleTimer();
    const run = (): Promise<RequestOutcome> => this.#exchange(command, what);
    const result = this.#requestChain.then(run, run);
    this.#requestChain = result.catch(() => undefined);
    return result.finally(() => {
      this.#requestsQueued--;
      if (this.#requestsQueued === 0) this.#armIdleCheck();
    });
  }

  async #exchange(command: Uint8Array, what: RequestKind): Promise<RequestOutcome> {
    const status = this.#connection.status;
    if (!this.#connection.started || !this.#transport.isOpen || status.kind === 'lost' || status.kind === 'closed') return { kind: 'notOpen' };
    const line = this.#connection.generation;
    // Half a reply or noise left from an earlier request must not be glued to this one's answer.
    this.#discard(this.#decoder.flush());
    let settle: (outcome: RequestOutcome) => void = () => undefined;
    const reply = new Promise<RequestOutcome>((resolve) => (settle = resolve));
    this.#pending = settle;
    // One clock for write and reply: a 1–2 byte command drains in ~2 ms at 9600 baud, so a write
    // still pending at the deadline is a stuck line, and the caller hears about it in time.
    const timer = setTimeout(() => settle({ kind: 'timeout' }), this.#replyTimeoutMs);
    try {
      const written: Promise<RequestOutcome | WriteFailed> = this.#transport.write(command).then(
        () => reply,
        (error: unknown) => ({ kind: 'writeFailed', error }),
      );
      const outcome = await Promise.race([reply, written]);
      if (outcome.kind === 'writeFailed') {
        // A write failed without the transport reporting the loss.
        if (line === this.#connection.generation) await this.#connection.reportLost(errorMessage(outcome.error));
        return { kind: 'notOpen' };
      }
      if (line !== this.#connection.generation) return { kind: 'notOpen' };
      this.#afterOutcome(outcome, what);
      return outcome;
    } finally {
      clearTimeout(timer);
      if (this.#pending === settle) this.#pending = undefined;
    }
  }

  #afterOutcome(outcome: RequestOutcome, what: RequestKind): void {
    if (outcome.kind === 'notOpen') return;
    if (outcome.kind === 'timeout') {
      // Whatever came so far is not an answer; a late reply would otherwise pass for the next one's.
      this.#discard(this.#decoder.flush());
      this.#consecutiveTimeouts++;
      // No answer yet since the port opened: nothing says a scale is there at all.
      const first = this.#connection.status.kind === 'connecting';
      this.#log.debug({ request: what, consecutive: this.#consecutiveTimeouts }, 'scale did not answer');
      if (first || this.#consecutiveTimeouts >= this.#timeoutsBeforeNotResponding) this.#setNotResponding();
      return;
    }
    this.#consecutiveTimeouts = 0;
    const { answer } = outcome;
    if (answer.kind === 'answer') {
      if (answer.hardwareErrors.length > 0) {
        if (!hasFault(this.#connection.status, 'scaleError')) this.#log.error({ errors: answer.hardwareErrors }, 'scale reports a hardware error');
        this.#connection.setStatus({ kind: 'fault', faults: ['scaleError'] });
      } else {
        this.#connection.setStatus({ kind: 'ready', warnings: [] });
      }
      return;
    }
    // The scale answers, if not sensibly: it is there. A hardware fault stays until a clean status says otherwise.
    this.#replyLog.report({ request: what, answer: answer.kind, detail: answer.kind === 'badReply' ? answer.detail : undefined }, 'scale gave no usable answer');
    if (this.#connection.status.kind === 'connecting' || hasFault(this.#connection.status, 'notResponding')) {
      this.#connection.setStatus({ kind: 'ready', warnings: [] });
    }
  }

  #setNotResponding(): void {
    if (hasFault(this.#connection.status, 'notResponding')) return;
    this.#log.warn({ timeoutMs: this.#replyTimeoutMs, consecutive: this.#consecutiveTimeouts }, 'scale does not answer');
    this.#connection.setStatus({ kind: 'fault', faults: ['notResponding'] });
  }

  #onBytes(bytes: Uint8Array): void {
    for (const answer of this.#decoder.push(bytes)) {
      if (answer.kind === 'noise') {
        this.#discard([answer]);
        continue;
      }
      if (this.#pending) {
        const settle = this.#pending;
        this.#pending = undefined;
        settle({ kind: 'answer', answer });
      } else {
        // A reply after its request timed out. (Had it come after the next request was sent, it would
        // have been taken as that one's answer: replies carry no request number.)
        this.#log.debug({ answer: answer.kind }, 'scale reply with no request outstanding');
      }
    }
  }

  /** Noise, and replies nobody asked for any more (flushed before a request or after a timeout). */
  #discard(answers: readonly ScaleAnswer[]): void {
    for (const answer of answers) {
      if (answer.kind === 'noise' || answer.kind === 'badReply') {
        this.#garbageLog.report({ detail: answer.detail, byteCount: answer.bytes.length, hex: hexPreview(answer.bytes) }, 'unexpected bytes from the scale');
        fireSafely(this.#onGarbage, { reason: answer.detail, byteCount: answer.bytes.length }, this.#log, 'scale garbage');
      }
    }
  }

  #armIdleCheck(): void {
    this.#clearIdleTimer();
    const status = this.#connection.status;
    if (this.#idleCheckMs === 0 || !this.#connection.started || status.kind === 'lost' || status.kind === 'closed') return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      void this.#request(this.#protocol.commands.status ?? this.#protocol.commands.weight, 'status');
    }, this.#idleCheckMs);
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }
}

/**
 * The `supported()` probe: is a scale speaking `protocol` on this line? Opens
 * the transport (unless already open), sends the weight command, and resolves
 * `true` as soon as a well-formed reply arrives (an unknown-command reply in
 * the protocol's own framing counts: something speaks it), `false` on timeout,
 * garbage only, or any I/O error. Closes the transport again if it opened it.
 * Never rejects.
 */
export async function probeScale(transport: SerialTransport, protocol: ScaleProtocol, timeoutMs: number = protocol.replyTimeoutMs): Promise<boolean> {
  positive('timeoutMs', timeoutMs);
  const decoder = protocol.createDecoder();
  const openedHere = !transport.isOpen;
  let settle: (supported: boolean) => void = () => undefined;
  const answered = new Promise<boolean>((resolve) => (settle = resolve));
  const subscriptions = [
    transport.onData((bytes) => {
      if (decoder.push(bytes).some((answer) => answer.kind === 'answer' || answer.kind === 'unknownCommand')) settle(true);
    }),
    transport.onLost(() => settle(false)),
  ];
  const timer = setTimeout(() => settle(false), timeoutMs);
  try {
    if (openedHere) await transport.open();
    // A write that fails settles the probe; one that hangs is covered by the timer.
    transport.write(protocol.commands.weight).catch(() => settle(false));
    return await answered;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    for (const subscription of subscriptions) subscription.dispose();
    if (openedHere) await transport.close().catch(() => undefined);
  }
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function hasFault(status: DeviceStatus, fault: DeviceFault): boolean {
  return status.kind === 'fault' && status.faults.includes(fault);
}


function hexPreview(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > 32 ? `${shown} …` : shown;
}
