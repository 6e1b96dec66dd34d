import { SerialPort } from 'serialport';
import { Emitter, type Event } from '../../shared/event';

/** Line settings of a serial device, as its manual gives them. */
export interface SerialSettings {
  readonly baudRate: number;
  readonly dataBits: 5 | 6 | 7 | 8;
  readonly parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  readonly stopBits: 1 | 1.5 | 2;
  readonly rtscts?: boolean;
}

/**
 * The slice of `serialport` a driver uses. A fake implements just this, and a
 * driver never touches `serialport` directly.
 */
export interface SerialTransport {
  readonly path: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  /** Resolves once the bytes have left the host (drained). */
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  readonly onData: Event<Uint8Array>;
  /** The line went away without `close()` being called (unplugged, pty peer gone, I/O error). */
  readonly onLost: Event<Error>;
}

export class SerialPortTransport implements SerialTransport {
  #port: SerialPort | undefined;
  #closing = false;
  readonly #onData = new Emitter<Uint8Array>();
  readonly #onLost = new Emitter<Error>();
  readonly onData = this.#onData.event;
  readonly onLost = this.#onLost.event;

  constructor(
    readonly path: string,
    private readonly settings: SerialSettings,
  ) {}

  get isOpen(): boolean {
    return this.#port?.isOpen ?? false;
  }

  open(): Promise<void> {
    if (this.#port?.isOpen) return Promise.resolve();
    this.#closing = false;
    return new Promise((resolve, reject) => {
      const port = new SerialPort({
        path: this.path,
        baudRate: this.settings.baudRate,
        dataBits: this.settings.dataBits,
        parity: this.settings.parity,
        stopBits: this.settings.stopBits,
        rtscts: this.settings.rtscts ?? false,
        autoOpen: false,
        // Another process holding the port is a configuration fault, not something to share.
        lock: true,
      });
      port.on('data', (chunk: Buffer) => this.#onData.fire(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
      port.on('close', (error?: Error | null) => {
        if (this.#port === port) this.#port = undefined;
        if (!this.#closing) this.#onLost.fire(error ?? new Error(`${this.path} closed`));
      });
      // Without an 'error' listener serialport would throw from an event emitter and crash the lane.
      port.on('error', (error: Error) => {
        if (!port.isOpen && this.#port === port) {
          this.#port = undefined;
          if (!this.#closing) this.#onLost.fire(error);
        }
      });
      port.open((error) => {
        if (error) {
          reject(error);
          return;
        }
        this.#port = port;
        resolve();
      });
    });
  }

  write(data: Uint8Array): Promise<void> {
    const port = this.#port;
    if (!port?.isOpen) return Promise.reject(new Error(`${this.path} is not open`));
    return new Promise((resolve, reject) => {
      port.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), (error) => {
        if (error) reject(error);
      });
      port.drain((error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    const port = this.#port;
    this.#closing = true;
    this.#port = undefined;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }
}
