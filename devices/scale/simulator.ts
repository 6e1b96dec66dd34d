import { Emitter, type Disposable, type Event } from '../../shared/event';
import { silentLogger, type Logger } from '../../shared/log';
import { scaleWeight, type ScaleReading, type ScaleWeight, type WeightUnit } from '../../shared/scale';
import type { SerialTransport } from '../serial/transport';
import {
  encodeMettler8217Status,
  encodeMettler8217Weight,
  Mettler8217CommandDecoder,
  type Mettler8217Command,
  type Mettler8217Status,
} from './mettler8217';
import type { ScaleHardwareError, ScaleProtocolName } from './protocol';
import {
  encodeScp01StatusReply,
  encodeScp01UnknownCommandReply,
  encodeScp01WeightReply,
  Scp01CommandDecoder,
  type Scp01Command,
  type Scp01StatusFlags,
} from './scp01';

export interface SerialScaleSimulatorOptions {
  readonly protocol: ScaleProtocolName;
  /** The unit the scale weighs in: kg (default) or lb; SCP-01 also g and oz. */
  readonly unit?: WeightUnit;
  /** Max of the scale. Default 15 kg, the usual checkout scale (15 kg / 30 lb). */
  readonly capacityGrams?: number;
  /**
   * How far from the calibrated zero (the empty platter) the scale may be
   * zeroed. Default 2 % of capacity, inside OIML R 76's 4 % of Max for
   * semi-automatic zero-setting.
   */
  readonly zeroRangeGrams?: number;
  /** Delay before each reply (default 0): a slow scale, for timeouts and overlapping-request tests. */
  readonly replyDelayMs?: number;
  /** Where listener errors and write failures go (default: nowhere). */
  readonly log?: Logger;
}

/** A command the simulator received, by the protocol's own name for it, or `unknown`. */
export type SimulatedScaleCommand = Mettler8217Command | Scp01Command | 'unknown';

const defaultCapacityGrams = 15_000;
const maxLoadGrams = 1_000_000_000;

/** The display resolution per unit: 1 g in kg/g, 0.01 lb, 0.1 oz. */
const decimalsByUnit: Readonly<Record<WeightUnit, number>> = { kg: 3, g: 0, lb: 2, oz: 1 };
const gramsPerUnit: Readonly<Record<WeightUnit, number>> = { g: 1, kg: 1000, lb: 453.59237, oz: 28.349523125 };

/**
 * A serial scale on the device end of a pseudo-terminal pair, speaking the
 * Mettler Toledo 8217 or NCI SCP-01 protocol: it decodes the host's commands
 * with the codecs' command decoders and answers from its simulated platter.
 * Product code: the demo puts items on it, tests inject faults through it.
 *
 * The platter: `load` is what lies on it (grams, may be negative: something
 * lifting it). Gross = load − zero offset; net = gross − tare (8217 only).
 * Over capacity above Max; under zero below 0. Zeroing (`Z`) takes the current
 * load as zero unless in motion, tared, or outside the zero range.
 */
export class SerialScaleSimulator {
  readonly protocol: ScaleProtocolName;
  readonly unit: WeightUnit;
  readonly capacityGrams: number;
  readonly zeroRangeGrams: number;
  readonly #transport: SerialTransport;
  readonly #log: Logger;
  readonly #subscriptions: Disposable[] = [];
  readonly #mettlerCommands = new Mettler8217CommandDecoder();
  readonly #scp01Commands = new Scp01CommandDecoder();
  readonly #onCommand = new Emitter<SimulatedScaleCommand>();
  /** Every command received, answered or not. */
  readonly onCommand: Event<SimulatedScaleCommand> = this.#onCommand.event;

  #load = 0;
  #zeroOffset = 0;
  #tare = 0;
  #motion = false;
  #zeroError = false;
  #hardwareErrors: readonly ScaleHardwareError[] = [];
  #silent = false;
  #replyDelayMs: number;
  #truncateNext = false;
  #replaceNext: Uint8Array | undefined;
  /** Replies leave in order even when delayed. */
  #sending: Promise<void> = Promise.resolve();
  #commandCount = 0;

  constructor(transport: SerialTransport, options: SerialScaleSimulatorOptions) {
    this.protocol = options.protocol;
    this.unit = options.unit ?? 'kg';
    if (this.protocol === 'mettler8217' && this.unit !== 'kg' && this.unit !== 'lb') throw new RangeError(`the 8217 weighs in kg or lb, not ${this.unit}`);
    this.capacityGrams = options.capacityGrams ?? defaultCapacityGrams;
    // The 8217 weight field has at most four integer digits: 9999.99 lb ≈ 4.5 t is its ceiling.
    const maxCapacity = this.protocol === 'mettler8217' ? 4_500_000 : maxLoadGrams;
    if (!(Number.isInteger(this.capacityGrams) && this.capacityGrams > 0 && this.capacityGrams <= maxCapacity)) {
      throw new RangeError(`capacityGrams must be a positive integer up to ${maxCapacity}, got ${this.capacityGrams}`);
    }
    this.zeroRangeGrams = options.zeroRangeGrams ?? Math.round(this.capacityGrams * 0.02);
    if (!(Number.isFinite(this.zeroRangeGrams) && this.zeroRangeGrams >= 0)) throw new RangeError(`zeroRangeGrams must be >= 0, got ${this.zeroRangeGrams}`);
    this.#replyDelayMs = nonNegative('replyDelayMs', options.replyDelayMs ?? 0);
    this.#transport = transport;
    this.#log = options.log ?? silentLogger;
    this.#subscriptions.push(this.#transport.onData((bytes) => this.#receive(bytes)));
  }

  get isOpen(): boolean {
    return this.#transport.isOpen;
  }

  /**
   * Opens the device end; after the pty pair was recreated, opens it afresh. A
   * port that has written and is receiving when socat exits can miss the
   * hang-up (serialport keeps `isOpen` true, seen on Linux ptys), so an open
   * port is closed first rather than trusted — like a device power-cycling.
   */
  async open(): Promise<void> {
    if (this.#transport.isOpen) await this.#transport.close();
    this.#scp01Commands.reset();
    await this.#transport.open();
  }

  /** Unplugs the scale's end of the cable. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  /** Closes the port and stops listening; the simulator is done. */
  async dispose(): Promise<void> {
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
    await this.#transport.close();
  }

  // --- The platter (tests, demo) ----------------------------------------------

  /** What lies on the platter, in grams. */
  get load(): number {
    return this.#load;
  }

  /** Grams on the platter, within ±1000 t (beyond that the display arithmetic would leave safe integers). */
  setLoad(grams: number): void {
    if (!(Number.isFinite(grams) && Math.abs(grams) <= maxLoadGrams)) throw new RangeError(`load must be a number of grams within ±${maxLoadGrams}, got ${grams}`);
    this.#load = grams;
  }

  /**
   * In motion until `setMotion(false)`: a shopper's hand on the platter, or —
   * left on — the stuck-in-motion fault (a draught, a bag touching the frame).
   */
  setMotion(moving: boolean): void {
    this.#motion = moving;
  }

  get motion(): boolean {
    return this.#motion;
  }

  /** The scale cannot capture zero (SCP-01 initial-zero error, 8217 "outside zero capture range"); a successful `Z` clears it. */
  setZeroError(on: boolean): void {
    this.#zeroError = on;
  }

  /** RAM/ROM/EEPROM/calibration errors, reported in the SCP-01 status bytes. The 8217 status byte has no such bits. */
  setHardwareErrors(errors: readonly ScaleHardwareError[]): void {
    if (this.protocol !== 'scp01' && errors.length > 0) throw new RangeError('only the SCP-01 status reports hardware errors');
    this.#hardwareErrors = [...errors];
  }

  get zeroOffsetGrams(): number {
    return this.#zeroOffset;
  }

  get tareGrams(): number {
    return this.#tare;
  }

  // --- Fault injection --------------------------------------------------------

  /** A silent scale still acts on commands but never answers. */
  get silent(): boolean {
    return this.#silent;
  }

  set silent(silent: boolean) {
    this.#silent = silent;
  }

  get replyDelayMs(): number {
    return this.#replyDelayMs;
  }

  set replyDelayMs(delay: number) {
    this.#replyDelayMs = nonNegative('replyDelayMs', delay);
  }

  /** Writes these bytes now, as line noise. Rejects if the port is not open. */
  garbage(bytes: Uint8Array): Promise<void> {
    return this.#transport.write(bytes);
  }

  /** The next reply loses its second half (and its terminator). */
  truncateNextReply(): void {
    this.#truncateNext = true;
  }

  /** The next reply is replaced by these bytes (a corrupted frame, another protocol's answer). */
  replaceNextReply(bytes: Uint8Array): void {
    this.#replaceNext = bytes.slice();
  }

  /** Commands received since construction. */
  get commandCount(): number {
    return this.#commandCount;
  }

  // --- What the scale shows ---------------------------------------------------

  /**
   * What a weight request would report now, as the driver should read it
   * (hardware errors aside: those make the driver refuse the reading). When
   * several conditions hold, the same one wins as in the codecs.
   */
  get reading(): ScaleReading {
    const gross = this.#grossGrams();
    if (gross > this.capacityGrams) return { kind: 'overCapacity' };
    if (gross < 0 || gross - this.#tare < 0) return { kind: 'underZero' };
    // The SCP-01 initial-zero error is latched and outranks motion; the 8217's zero-range bit does not.
    if (this.#zeroError && (this.protocol === 'scp01' || !this.#motion)) return { kind: 'zeroError' };
    if (this.#motion) return { kind: 'motion' };
    return { kind: 'stable', weight: this.#displayWeight(gross - this.#tare), net: this.#tare !== 0 };
  }

  #grossGrams(): number {
    return this.#load - this.#zeroOffset;
  }

  /** The weight as the display shows it: rounded to the unit's last digit. */
  #displayWeight(grams: number): ScaleWeight {
    const decimals = decimalsByUnit[this.unit];
    const increments = Math.round((grams * 10 ** decimals) / gramsPerUnit[this.unit]);
    return scaleWeight(increments === 0 ? 0 : increments, decimals, this.unit);
  }

  // --- Commands ---------------------------------------------------------------

  #receive(bytes: Uint8Array): void {
    try {
      this.#answer(bytes);
    } catch (error) {
      // A bug here must not throw into the serial port's event emitter and take the demo down.
      this.#log.error({ err: error instanceof Error ? error.message : String(error) }, 'simulated scale failed to handle a command');
    }
  }

  #answer(bytes: Uint8Array): void {
    if (this.protocol === 'mettler8217') {
      for (const message of this.#mettlerCommands.push(bytes)) {
        this.#commandCount++;
        const command = message.kind === 'command' ? message.command : 'unknown';
        this.#fireCommand(command);
        // The 8217 acts on the letters it knows and ignores other bytes (no error reply in the protocol).
        if (message.kind === 'command') this.#reply(this.#mettlerReply(message.command));
      }
      return;
    }
    for (const message of this.#scp01Commands.push(bytes)) {
      this.#commandCount++;
      this.#fireCommand(message.kind === 'command' ? message.command : 'unknown');
      this.#reply(message.kind === 'command' ? this.#scp01Reply(message.command) : encodeScp01UnknownCommandReply());
    }
  }

  #mettlerReply(command: Mettler8217Command): Uint8Array {
    switch (command) {
      case 'weight': {
        const reading = this.reading;
        if (reading.kind === 'stable') return encodeMettler8217Weight(reading.weight, reading.net);
        return encodeMettler8217Status(this.#mettlerStatus({}));
      }
      case 'zero': {
        const refusal = this.#tryZero();
        return encodeMettler8217Status(this.#mettlerStatus({ outsideZeroCaptureRange: refusal === 'outsideRange' }));
      }
      case 'tare': {
        // Tare needs a stable, positive gross weight within capacity (DIVA Service Manual 6.1.3.2).
        const gross = this.#grossGrams();
        if (!this.#motion && gross > 0 && gross <= this.capacityGrams && this.#tare === 0) this.#tare = gross;
        return encodeMettler8217Status(this.#mettlerStatus({}));
      }
      case 'clearTare':
        // Ignored while the weight is not stable.
        if (!this.#motion) this.#tare = 0;
        return encodeMettler8217Status(this.#mettlerStatus({}));
    }
  }

  #mettlerStatus(extra: Partial<Mettler8217Status>): Mettler8217Status {
    const gross = this.#grossGrams();
    const net = gross - this.#tare;
    return {
      motion: this.#motion,
      overCapacity: gross > this.capacityGrams,
      underZero: gross < 0 || net < 0,
      outsideZeroCaptureRange: this.#zeroError,
      centerOfZero: this.#displayWeight(gross).increments === 0,
      net: this.#tare !== 0,
      ...extra,
    };
  }

  #scp01Reply(command: Scp01Command): Uint8Array {
    switch (command) {
      case 'weight':
      case 'highResolution': {
        const reading = this.reading;
        const status = this.#scp01Status();
        if (reading.kind !== 'stable') return encodeScp01StatusReply(status);
        // H: ten times the displayed resolution (one more decimal).
        const weight = command === 'weight' ? reading.weight : this.#highResolution(reading.weight);
        return encodeScp01WeightReply(weight, status);
      }
      case 'status':
        return encodeScp01StatusReply(this.#scp01Status());
      case 'zero': {
        // An ignored Z is answered with the at-zero flag clear, whatever the weight (DIVA Service Manual 6.1.1, note 4).
        const refusal = this.#tryZero();
        return encodeScp01StatusReply({ ...this.#scp01Status(), ...(refusal === undefined ? {} : { atZero: false }) });
      }
      case 'changeUnits':
      case 'rawCounts':
        // Optional commands this simulated scale does not implement.
        return encodeScp01UnknownCommandReply();
    }
  }

  #highResolution(weight: ScaleWeight): ScaleWeight {
    const grams = this.#grossGrams() - this.#tare;
    const decimals = weight.decimals + 1;
    return scaleWeight(Math.round((grams * 10 ** decimals) / gramsPerUnit[this.unit]), decimals, this.unit);
  }

  #scp01Status(): Scp01StatusFlags {
    const gross = this.#grossGrams();
    return {
      motion: this.#motion,
      atZero: this.#displayWeight(gross).increments === 0,
      ramError: this.#hardwareErrors.includes('ram'),
      eepromError: this.#hardwareErrors.includes('eeprom'),
      underCapacity: gross < 0,
      overCapacity: gross > this.capacityGrams,
      romError: this.#hardwareErrors.includes('rom'),
      badCalibration: this.#hardwareErrors.includes('calibration'),
      initialZeroError: this.#zeroError,
    };
  }

  /** Zeroes if the scale may; says why not otherwise. */
  #tryZero(): 'motion' | 'tared' | 'outsideRange' | undefined {
    if (this.#motion) return 'motion';
    if (this.#tare !== 0) return 'tared';
    if (Math.abs(this.#load) > this.zeroRangeGrams) return 'outsideRange';
    this.#zeroOffset = this.#load;
    this.#zeroError = false;
    return undefined;
  }

  #reply(reply: Uint8Array): void {
    if (this.#silent) return;
    let bytes = reply;
    if (this.#replaceNext) {
      bytes = this.#replaceNext;
      this.#replaceNext = undefined;
    } else if (this.#truncateNext) {
      this.#truncateNext = false;
      bytes = reply.subarray(0, Math.max(1, Math.floor(reply.length / 2)));
    }
    const delay = this.#replyDelayMs;
    this.#sending = this.#sending.then(async () => {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (!this.#transport.isOpen) return;
      try {
        await this.#transport.write(bytes);
      } catch (error) {
        this.#log.debug({ err: error instanceof Error ? error.message : String(error) }, 'simulated scale could not reply');
      }
    });
  }

  #fireCommand(command: SimulatedScaleCommand): void {
    try {
      this.#onCommand.fire(command);
    } catch (error) {
      this.#log.error({ err: error instanceof Error ? error.message : String(error) }, 'simulated scale command listener threw');
    }
  }
}

function nonNegative(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return value;
}
