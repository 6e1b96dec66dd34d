import type { SerialTransport } from '../serial/transport';
import { encodeScan, resolveScannerFraming, type ResolvedScannerFraming, type ScannerFraming } from './codec';

export interface SimulatedScanOptions {
  /** AIM symbology identifier to send before the data, e.g. `]E0` (EAN-13) or `]C1` (GS1-128). */
  readonly aim?: string;
}

/**
 * A serial barcode scanner on the device end of a pseudo-terminal pair: it
 * writes exactly the bytes a programmed scanner sends. Used by the demo (scan
 * buttons) and by tests; the driver on the host end cannot tell it from hardware.
 */
export class ScannerSimulator {
  readonly framing: ResolvedScannerFraming;
  readonly #transport: SerialTransport;

  constructor(transport: SerialTransport, framing: ScannerFraming) {
    this.#transport = transport;
    this.framing = resolveScannerFraming(framing);
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
    await this.#transport.open();
  }

  close(): Promise<void> {
    return this.#transport.close();
  }

  /**
   * Sends one label: prefix + AIM id + data + suffix. Rejects if the line is not
   * open; invalid data (non-ASCII, control bytes other than GS) throws synchronously.
   */
  scan(data: string, options: SimulatedScanOptions = {}): Promise<void> {
    if (options.aim !== undefined && !/^\][A-Za-z][0-9A-Za-z]$/.test(options.aim)) {
      throw new RangeError(`AIM identifier must look like ]Xn, got ${JSON.stringify(options.aim)}`);
    }
    return this.#transport.write(encodeScan((options.aim ?? '') + data, this.framing));
  }

  /** Arbitrary bytes, for noise, half frames and other line faults. */
  writeRaw(bytes: Uint8Array): Promise<void> {
    return this.#transport.write(bytes);
  }
}
