import { Emitter, type Disposable, type Event } from '../../shared/event';
import { silentLogger, type Logger } from '../../shared/log';
import { scaleWeight, type ScaleReading } from '../../shared/scale';
import type { SerialTransport } from '../serial/transport';
import {
  encodeMagellanScan,
  encodeMagellanStatus,
  encodeMagellanWeight,
  magellanWeightFormats,
  resolveMagellanCommands,
  type MagellanCommandSet,
  type MagellanSymbology,
  type MagellanWeightUnit,
} from './codec';

export interface MagellanSimulatorOptions {
  readonly unit: MagellanWeightUnit;
  /** Must match the host's: the simulator recognises commands by these strings. */
  readonly commands?: Partial<MagellanCommandSet>;
  /** Loads above this read over capacity. Default 15 kg (kg scale) or 30 lb (lb scale), the usual Magellan scale capacities. */
  readonly capacityGrams?: number;
  /** The zero command is ignored when the load is further than this from the empty platter. Default 2 % of capacity. */
  readonly zeroRangeGrams?: number;
  /** Where listener errors and write failures go (default: nowhere). */
  readonly log?: Logger;
}

export type MagellanSimulatedBeep = 'goodRead' | 'notOnFile';

/** Commands kept in `received`; older ones are dropped so a long demo does not grow without bound. */
const maxRecordedCommands = 1_000;
/** Longest host command kept; a line longer than this is noise and is dropped up to its CR. */
const maxCommandLength = 64;
const CR = 0x0d;
const LF = 0x0a;

/**
 * A Magellan scanner-scale in single-cable mode on the device end of a
 * pseudo-terminal pair: it sends `S08` scan frames, answers `S14` always and
 * `S11` only when the weight is stable (no reply otherwise, as the device does),
 * records beeps and enable/disable, and can be told to misbehave. Product code:
 * the demo weighs and scans through it.
 *
 * The platter is modelled as a load in grams against a captured zero; the
 * reading follows from it (under zero below the captured zero, over capacity
 * above `capacityGrams`), with motion, "cannot zero" and silence as switches.
 */
export class MagellanSimulator {
  readonly unit: MagellanWeightUnit;
  readonly commands: MagellanCommandSet;
  readonly capacityGrams: number;
  readonly zeroRangeGrams: number;
  readonly #transport: SerialTransport;
  readonly #log: Logger;
  readonly #subscriptions: Disposable[] = [];
  readonly #onCommand = new Emitter<string>();
  /** Each command line received from the host, whether it was understood or not. */
  readonly onCommand: Event<string> = this.#onCommand.event;

  /** Commands received, oldest first (at most the last 1000). */
  readonly received: string[] = [];
  readonly beeps: MagellanSimulatedBeep[] = [];
  /** Every enable/disable command received, in order. */
  readonly enableChanges: ('enabled' | 'disabled')[] = [];
  /** Scans asked for while the scanner was disabled (not sent). */
  droppedScans = 0;

  #line: number[] = [];
  #skippingLine = false;
  #scannerEnabled = true;
  #loadGrams = 0;
  #zeroGrams = 0;
  #motionUntil = 0;
  #stuckInMotion = false;
  #cannotZero = false;
  #silent = false;
  #truncateNextReply = false;

  constructor(transport: SerialTransport, options: MagellanSimulatorOptions) {
    this.#transport = transport;
    this.unit = options.unit;
    this.commands = resolveMagellanCommands(options.commands);
    this.capacityGrams = options.capacityGrams ?? (options.unit === 'kg' ? 15_000 : 13_608);
    if (!(Number.isInteger(this.capacityGrams) && this.capacityGrams > 0)) throw new RangeError(`capacityGrams must be a positive integer, got ${this.capacityGrams}`);
    this.zeroRangeGrams = options.zeroRangeGrams ?? Math.round(this.capacityGrams * 0.02);
    this.#log = options.log ?? silentLogger;
    this.#subscriptions.push(this.#transport.onData((bytes) => this.#receive(bytes)));
  }

  get isOpen(): boolean {
    return this.#transport.isOpen;
  }

  get scannerEnabled(): boolean {
    return this.#scannerEnabled;
  }

  /** Grams on the platter relative to the captured zero (negative: under zero). */
  get displayedGrams(): number {
    return this.#loadGrams - this.#zeroGrams;
  }

  /** What an `S14` request would be answered with now. */
  get reading(): ScaleReading {
    const { decimals } = magellanWeightFormats[this.unit];
    if (this.#cannotZero) return { kind: 'zeroError' };
    if (this.#inMotion()) return { kind: 'motion' };
    const increments = this.#increments(this.displayedGrams);
    if (this.displayedGrams > this.capacityGrams || increments >= 10 ** magellanWeightFormats[this.unit].digits) return { kind: 'overCapacity' };
    if (increments < 0) return { kind: 'underZero' };
    return { kind: 'stable', weight: scaleWeight(increments, decimals, this.unit), net: false };
  }

  /**
   * Opens the device end; after the pty pair was recreated, opens it afresh. A
   * port that has written and is receiving when socat exits can miss the
   * hang-up (serialport keeps `isOpen` true, seen on Linux ptys), so an open
   * port is closed first rather than trusted — like a device power-cycling.
   */
  async open(): Promise<void> {
    if (this.#transport.isOpen) await this.#transport.close();
    this.#line = [];
    this.#skippingLine = false;
    await this.#transport.open();
  }

  /** Unplugs the device end. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  /** Closes the port and stops listening; the simulator is done. */
  async dispose(): Promise<void> {
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
    await this.#transport.close();
  }

  /**
   * Reads a label: sends `S08` + label id + data + CR. `data` as the label holds
   * it (UPC-A 12 digits, UPC-E its 8-digit form, EAN-13 13, EAN-8 8, DataBar an
   * element string such as `01` + GTIN-14). Resolves false without sending while
   * the scanner is disabled. Data that does not fit the symbology rejects (a bug in the caller).
   */
  async scan(symbology: MagellanSymbology, data: string): Promise<boolean> {
    const frame = encodeMagellanScan(symbology, data);
    if (!this.#scannerEnabled) {
      this.droppedScans++;
      return false;
    }
    await this.#transport.write(frame);
    return true;
  }

  /**
   * Puts `grams` on the platter (negative: below the empty platter, i.e. under
   * zero). With `settleMs` the scale reads "in motion" that long first.
   */
  setLoad(grams: number, options: { readonly settleMs?: number } = {}): void {
    if (!Number.isInteger(grams)) throw new RangeError(`load must be whole grams, got ${grams}`);
    this.#loadGrams = grams;
    this.#motionUntil = performance.now() + (options.settleMs ?? 0);
  }

  /** A platter that never settles (a bag leaning on the scanner, air draught). */
  setStuckInMotion(stuck: boolean): void {
    this.#stuckInMotion = stuck;
  }

  /** The scale cannot capture zero (`S140`) until cleared. */
  setCannotZero(cannotZero: boolean): void {
    this.#cannotZero = cannotZero;
  }

  /** Stops answering scale requests (scans still go out): the host sees a scale that does not respond. */
  setSilent(silent: boolean): void {
    this.#silent = silent;
  }

  /** The next reply is cut off half-way, without its CR. */
  truncateNextReply(): void {
    this.#truncateNextReply = true;
  }

  /** Arbitrary bytes, for noise, half frames and other line faults. */
  writeRaw(bytes: Uint8Array): Promise<void> {
    return this.#transport.write(bytes);
  }

  #inMotion(): boolean {
    return this.#stuckInMotion || performance.now() < this.#motionUntil;
  }

  /** Grams in the scale's own resolution: thousandths of a kg, or hundredths of a pound rounded. */
  #increments(grams: number): number {
    return this.unit === 'kg' ? grams : Math.round((grams * 100) / 453.59237);
  }

  #receive(bytes: Uint8Array): void {
    for (const byte of bytes) {
      if (byte === CR) {
        if (!this.#skippingLine && this.#line.length > 0) this.#command(String.fromCharCode(...this.#line));
        this.#line = [];
        this.#skippingLine = false;
      } else if (byte === LF) {
        continue;
      } else if (!this.#skippingLine) {
        this.#line.push(byte);
        if (this.#line.length > maxCommandLength) {
          this.#line = [];
          this.#skippingLine = true;
        }
      }
    }
  }

  #command(command: string): void {
    this.received.push(command);
    if (this.received.length > maxRecordedCommands) this.received.shift();
    try {
      this.#onCommand.fire(command);
    } catch (error) {
      this.#log.error({ err: error instanceof Error ? error.message : String(error) }, 'simulator command listener threw');
    }
    const commands = this.commands;
    if (command === commands.statusRequest) {
      this.#reply(encodeMagellanStatus(this.reading, this.unit));
    } else if (command === commands.weightRequest) {
      // S11 is answered only with a stable weight (CORE-POS: "the next stable non-zero weight"); otherwise silence.
      const reading = this.reading;
      if (reading.kind === 'stable' && reading.weight.increments > 0) this.#reply(encodeMagellanWeight(reading.weight.increments, this.unit));
    } else if (command === commands.goodReadBeep) {
      this.beeps.push('goodRead');
    } else if (commands.notOnFileBeep.length === 1 && command === commands.notOnFileBeep[0]) {
      this.beeps.push('notOnFile');
    } else if (command === commands.scannerEnable) {
      this.#scannerEnabled = true;
      this.enableChanges.push('enabled');
    } else if (command === commands.scannerDisable) {
      this.#scannerEnabled = false;
      this.enableChanges.push('disabled');
    } else if (command === commands.zero) {
      this.#zero();
    }
    // Anything else is ignored, as a device ignores commands it does not know.
  }

  /** Captures the current load as zero, unless in motion, unable to zero, or outside the zero range. */
  #zero(): void {
    if (this.#cannotZero || this.#inMotion()) return;
    if (Math.abs(this.#loadGrams) > this.zeroRangeGrams) return;
    this.#zeroGrams = this.#loadGrams;
  }

  #reply(frame: Uint8Array): void {
    if (this.#silent) return;
    let bytes = frame;
    if (this.#truncateNextReply) {
      this.#truncateNextReply = false;
      bytes = frame.subarray(0, Math.max(1, Math.floor((frame.length - 1) / 2) + 1));
    }
    this.#transport.write(bytes).catch((error: unknown) => {
      this.#log.warn({ err: error instanceof Error ? error.message : String(error) }, 'simulator reply not sent');
    });
  }
}
