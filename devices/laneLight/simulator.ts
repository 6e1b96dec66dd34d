import { Emitter, type Disposable, type Event } from '../../shared/event';
import { silentLogger, type Logger } from '../../shared/log';
import type { SerialTransport } from '../serial/transport';
import { RelayFrameDecoder, resolveLaneLightChannels, type LaneLightChannels, type LaneLightOutput, type RelayGarbageReason } from './codec';

export interface RelayEvent {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly channel: number;
  /** The relay is closed (lamp or buzzer on). */
  readonly on: boolean;
  /** The relay switched; false when a frame repeated the state it was already in. */
  readonly changed: boolean;
  /** `frame`: the host switched it; `powerLoss`: the board was unplugged and the relay dropped out. */
  readonly cause: 'frame' | 'powerLoss';
}

export interface BadFrame {
  readonly at: number;
  readonly reason: RelayGarbageReason | 'noSuchRelay';
  readonly byteCount: number;
}

export interface LaneLightSimulatorOptions {
  /** Relays on the board: 4 for an LCUS-4 (default), 1, 2 or 8 for the others. */
  readonly relayCount?: number;
  /** How the simulated tower is wired, for `lamps`; default green 1, yellow 2, red 3, buzzer 4. */
  readonly channels?: Partial<LaneLightChannels>;
  /** Oldest entries are dropped beyond this many, so a demo running for days stays bounded. Default 10 000. */
  readonly historyLimit?: number;
  /** Epoch milliseconds; injectable for tests. */
  readonly clock?: () => number;
  /** Where listener errors go (default: nowhere). */
  readonly log?: Logger;
}

const defaultHistoryLimit = 10_000;

/**
 * A CH340 "LCUS" relay board with a tower light on it, on the device end of a
 * pseudo-terminal pair: it decodes the relay frames the driver writes, keeps
 * the relay states and a timestamped history (so flashing shows as toggles),
 * and counts frames it cannot use. Like the real board it never answers.
 *
 * `close()` is the board losing power: every relay drops out; `open()` powers
 * it up again with all relays off. Closing the device end of a socat pair does
 * not take the host end away, so this alone is a power blip the host does not
 * see; a test of a pulled USB cable also closes the pty pair (the host's
 * /dev/ttyUSB0 disappears) and recreates it before `open()`.
 */
export class LaneLightSimulator {
  readonly #transport: SerialTransport;
  readonly #decoder = new RelayFrameDecoder();
  readonly #relays: boolean[];
  readonly #channels: LaneLightChannels;
  readonly #historyLimit: number;
  readonly #clock: () => number;
  readonly #log: Logger;
  readonly #subscriptions: Disposable[] = [];
  readonly #onChange = new Emitter<RelayEvent>();
  /** Each relay that switched (not fired for frames that repeat a state). */
  readonly onChange: Event<RelayEvent> = this.#onChange.event;

  #history: RelayEvent[] = [];
  #badFrames: BadFrame[] = [];
  #framesReceived = 0;

  constructor(transport: SerialTransport, options: LaneLightSimulatorOptions = {}) {
    const relayCount = options.relayCount ?? 4;
    if (!Number.isInteger(relayCount) || relayCount < 1 || relayCount > 255) throw new RangeError(`relayCount must be 1–255, got ${relayCount}`);
    const historyLimit = options.historyLimit ?? defaultHistoryLimit;
    if (!Number.isInteger(historyLimit) || historyLimit < 1) throw new RangeError(`historyLimit must be a positive integer, got ${historyLimit}`);
    this.#transport = transport;
    this.#relays = new Array<boolean>(relayCount).fill(false);
    this.#channels = resolveLaneLightChannels(options.channels);
    this.#historyLimit = historyLimit;
    this.#clock = options.clock ?? Date.now;
    this.#log = options.log ?? silentLogger;
    this.#subscriptions.push(this.#transport.onData((bytes) => this.#receive(bytes)));
  }

  get isOpen(): boolean {
    return this.#transport.isOpen;
  }

  /**
   * Powers the board up (all relays off). After the pty pair was
   * recreated, opens it afresh: a port that is open when socat exits can miss
   * the hang-up (serialport keeps `isOpen` true, seen on Linux ptys), so an open
   * port is closed first rather than trusted — like a board power-cycling.
   */
  async open(): Promise<void> {
    if (this.#transport.isOpen) await this.close();
    this.#decoder.reset();
    await this.#transport.open();
  }

  /** The board loses power: the port closes and every relay drops out. */
  async close(): Promise<void> {
    await this.#transport.close();
    this.#powerLoss();
  }

  /** Closes the port and stops listening; the simulator is done. */
  async dispose(): Promise<void> {
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
    await this.close();
  }

  // --- Observations -----------------------------------------------------------

  /** Relay states, index 0 = channel 1; true = closed (on). */
  get relays(): readonly boolean[] {
    return [...this.#relays];
  }

  relay(channel: number): boolean {
    return this.#relays[channel - 1] ?? false;
  }

  /** What the tower shows, by the simulator's wiring. A flashing lamp is whatever half of its cycle it is in. */
  get lamps(): Record<LaneLightOutput, boolean> {
    const lit = (output: LaneLightOutput): boolean => {
      const channel = this.#channels[output];
      return channel !== null && this.relay(channel);
    };
    return { green: lit('green'), yellow: lit('yellow'), red: lit('red'), buzzer: lit('buzzer') };
  }

  /** Every frame received and every power loss, oldest first (bounded by `historyLimit`). */
  get history(): readonly RelayEvent[] {
    return this.#history;
  }

  /** Switches of one output's relay (`changed` events only), oldest first: a flashing lamp alternates on/off here. */
  switchesOf(output: LaneLightOutput): readonly RelayEvent[] {
    const channel = this.#channels[output];
    return this.#history.filter((event) => event.changed && event.channel === channel);
  }

  clearHistory(): void {
    this.#history = [];
  }

  /** Well-formed relay frames received, including ones that repeated a state. */
  get framesReceived(): number {
    return this.#framesReceived;
  }

  /** Runs of bytes the board could not act on (bounded like the history). */
  get badFrames(): readonly BadFrame[] {
    return this.#badFrames;
  }

  // --- Wire -------------------------------------------------------------------

  #receive(bytes: Uint8Array): void {
    const at = this.#clock();
    for (const output of this.#decoder.push(bytes)) {
      if (output.kind === 'garbage') {
        this.#bad({ at, reason: output.reason, byteCount: output.byteCount });
        continue;
      }
      if (output.channel > this.#relays.length) {
        // An LCUS board ignores frames for relays it does not have.
        this.#bad({ at, reason: 'noSuchRelay', byteCount: 4 });
        continue;
      }
      this.#framesReceived++;
      this.#switch(output.channel, output.on, at, 'frame');
    }
  }

  #powerLoss(): void {
    this.#decoder.reset();
    const at = this.#clock();
    this.#relays.forEach((on, index) => {
      if (on) this.#switch(index + 1, false, at, 'powerLoss');
    });
  }

  #switch(channel: number, on: boolean, at: number, cause: RelayEvent['cause']): void {
    const changed = this.#relays[channel - 1] !== on;
    this.#relays[channel - 1] = on;
    const event: RelayEvent = { at, channel, on, changed, cause };
    this.#history.push(event);
    if (this.#history.length > this.#historyLimit) this.#history.splice(0, this.#history.length - this.#historyLimit);
    if (changed) this.#fire(event);
  }

  #bad(frame: BadFrame): void {
    this.#badFrames.push(frame);
    if (this.#badFrames.length > this.#historyLimit) this.#badFrames.splice(0, this.#badFrames.length - this.#historyLimit);
    this.#log.debug({ reason: frame.reason, byteCount: frame.byteCount }, 'lane light simulator got an unusable frame');
  }

  /** A throwing listener (a test, the demo) must not break the byte stream or escape into serialport. */
  #fire(event: RelayEvent): void {
    try {
      this.#onChange.fire(event);
    } catch (error) {
      this.#log.error({ err: error instanceof Error ? error.message : String(error) }, 'lane light simulator listener threw');
    }
  }
}
