import { stat } from 'node:fs/promises';
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

export interface SerialPortTransportOptions {
  /**
   * How often the open port's device node is checked (ms); 0 disables. Default 250.
   *
   * Why: on Linux a USB-serial adapter pulled out, or a pty whose master went
   * away, is not always reported by serialport until the next write — a passive
   * scanner never writes, so the lane would not notice. The node disappearing
   * (udev removes /dev/ttyUSB0; socat removes its links) or being replaced by a
   * different device (same path, new device number) means the line is gone.
   * A stat() every 250 ms is cheap and lets a re-plugged device be back within 2 s.
   */
  readonly presenceCheckMs?: number;
}

const defaultPresenceCheckMs = 250;

export class SerialPortTransport implements SerialTransport {
  #port: SerialPort | undefined;
  #closing = false;
  #presenceTimer: ReturnType<typeof setInterval> | undefined;
  /** Ports whose end was already dealt with (closed by us, or their loss reported): no second onLost. */
  readonly #released = new WeakSet<SerialPort>();
  readonly #presenceCheckMs: number;
  readonly #onData = new Emitter<Uint8Array>();
  readonly #onLost = new Emitter<Error>();
  readonly onData = this.#onData.event;
  readonly onLost = this.#onLost.event;

  constructor(
    readonly path: string,
    private readonly settings: SerialSettings,
    options: SerialPortTransportOptions = {},
  ) {
    this.#presenceCheckMs = options.presenceCheckMs ?? defaultPresenceCheckMs;
    if (!(Number.isFinite(this.#presenceCheckMs) && this.#presenceCheckMs >= 0)) {
      throw new RangeError(`presenceCheckMs must be >= 0, got ${this.#presenceCheckMs}`);
    }
  }

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
        if (this.#port === port) {
          this.#stopPresenceCheck();
          this.#port = undefined;
        }
        if (this.#closing || this.#released.has(port)) return;
        this.#released.add(port);
        this.#onLost.fire(error ?? new Error(`${this.path} closed`));
      });
      // Without an 'error' listener serialport would throw from an event emitter and crash the lane.
      port.on('error', (error: Error) => {
        if (!port.isOpen && this.#port === port) {
          this.#stopPresenceCheck();
          this.#port = undefined;
          if (this.#closing || this.#released.has(port)) return;
          this.#released.add(port);
          this.#onLost.fire(error);
        }
      });
      port.open((error) => {
        if (error) {
          reject(error);
          return;
        }
        this.#port = port;
        void this.#startPresenceCheck(port).then((present) => {
          if (present) {
            resolve();
            return;
          }
          // Opened a node that vanished at once (a cable pulled while we opened, a pty pair being torn
          // down): nothing would ever tell us it is dead, so this open failed.
          if (this.#port === port) this.#port = undefined;
          this.#released.add(port);
          port.close(() => undefined);
          reject(new Error(`${this.path} disappeared while opening`));
        });
      });
    });
  }

  /** Starts watching the open port's device node; false when the node is already gone. */
  async #startPresenceCheck(port: SerialPort): Promise<boolean> {
    if (this.#presenceCheckMs === 0) return true;
    const device = await deviceNumber(this.path);
    if (device === undefined) return false;
    if (this.#port !== port) return true;
    this.#stopPresenceCheck();
    let checking = false;
    this.#presenceTimer = setInterval(() => {
      if (checking) return;
      checking = true;
      void deviceNumber(this.path)
        .then((now) => {
          if (this.#port !== port || now === device) return;
          this.#stopPresenceCheck();
          this.#port = undefined;
          // Close our stale descriptor; the loss is reported here, once (its 'close' event is ignored).
          this.#released.add(port);
          port.close(() => undefined);
          this.#onLost.fire(new Error(now === undefined ? `${this.path} disappeared` : `${this.path} is now a different device`));
        })
        .finally(() => (checking = false));
    }, this.#presenceCheckMs);
    this.#presenceTimer.unref?.();
    return true;
  }

  #stopPresenceCheck(): void {
    if (this.#presenceTimer !== undefined) clearInterval(this.#presenceTimer);
    this.#presenceTimer = undefined;
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
    this.#stopPresenceCheck();
    this.#closing = true;
    this.#port = undefined;
    if (port) this.#released.add(port);
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }
}

/** The device number behind a path (following symlinks), or undefined if nothing is there. */
async function deviceNumber(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).rdev;
  } catch {
    return undefined;
  }
}
