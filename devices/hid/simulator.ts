import { Emitter } from '../../shared/event';
import { encodeHidScaleReport, type HidScaleEncodingOptions, type HidScaleState } from './scaleCodec';
import { encodeHidScanReports, type HidScanEncodingOptions } from './scannerCodec';
import type { HidTransport } from './transport';

export interface FakeHidTransportOptions {
  /** For logs. Default `fake-hid`. */
  readonly description?: string;
  /** Report layout and size `scan()` encodes with (the driver must be configured alike). */
  readonly scanEncoding?: HidScanEncodingOptions;
  /** Unit `setScaleReading()` uses for states without a weight. */
  readonly scaleEncoding?: HidScaleEncodingOptions;
}

/**
 * A HID POS device without hardware (there is no /dev/hidraw on the build
 * machines): it implements `HidTransport` and produces exactly the reports a
 * scanner or scale sends, through the same codecs the drivers parse with. Used
 * by the tests and the demo; can be unplugged and re-plugged.
 *
 * Like a real device, reports sent while it is not open go nowhere.
 */
export class FakeHidTransport implements HidTransport {
  readonly description: string;
  readonly #onReport = new Emitter<Uint8Array>();
  readonly #onLost = new Emitter<Error>();
  readonly onReport = this.#onReport.event;
  readonly onLost = this.#onLost.event;
  readonly #scanEncoding: HidScanEncodingOptions;
  readonly #scaleEncoding: HidScaleEncodingOptions;
  /** Output reports the driver wrote. */
  readonly written: Uint8Array[] = [];
  #open = false;
  #plugged = true;
  #openCalls = 0;
  /** When set, open() rejects with this even while plugged in (e.g. permission denied). */
  openError: Error | undefined;

  constructor(options: FakeHidTransportOptions = {}) {
    this.description = options.description ?? 'fake-hid';
    this.#scanEncoding = options.scanEncoding ?? {};
    this.#scaleEncoding = options.scaleEncoding ?? {};
  }

  get isOpen(): boolean {
    return this.#open;
  }

  get isPlugged(): boolean {
    return this.#plugged;
  }

  get openCalls(): number {
    return this.#openCalls;
  }

  async open(): Promise<void> {
    this.#openCalls++;
    if (this.openError) throw this.openError;
    if (!this.#plugged) throw new Error(`no HID device ${this.description} attached`);
    this.#open = true;
  }

  async close(): Promise<void> {
    this.#open = false;
  }

  async write(report: Uint8Array): Promise<void> {
    if (!this.#open) throw new Error(`${this.description} is not open`);
    this.written.push(report.slice());
  }

  /** The device sends one input report (report id in byte 0, as node-hid delivers it). Returns whether anyone could receive it. */
  sendReport(report: Uint8Array): boolean {
    if (!this.#open) return false;
    this.#onReport.fire(report.slice());
    return true;
  }

  /** The cable is pulled: an open device reports the loss, and open() fails until `replug()`. */
  unplug(message = 'HID device unplugged'): void {
    this.#plugged = false;
    if (!this.#open) return;
    this.#open = false;
    this.#onLost.fire(new Error(message));
  }

  /** The cable is back; the driver's next reconnect attempt finds it. */
  replug(): void {
    this.#plugged = true;
  }

  /**
   * A scanner reads a label: the reports for `aim` + `data`, split over several
   * reports with the continued flag when long. Invalid AIM ids or data throw.
   */
  scan(aim: string, data: string): boolean {
    const reports = encodeHidScanReports(aim, data, this.#scanEncoding);
    if (!this.#open) return false;
    for (const report of reports) this.sendReport(report);
    return true;
  }

  /** A scale reports a new state (a reading, or a fault). Weights a report cannot carry throw. */
  setScaleReading(state: HidScaleState): boolean {
    return this.sendReport(encodeHidScaleReport(state, this.#scaleEncoding));
  }
}
