import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceStatus } from '../../../shared/devices';
import { Emitter, type Event } from '../../../shared/event';
import type { Logger } from '../../../shared/log';
import type { SerialSettings, SerialTransport } from '../../../devices/serial/transport';
import { createPtyPair } from '../../../devices/sim/ptyPair';

/** What the simulated devices run at over ptys (see ptyPair.ts: ptys carry no parity). */
export const line9600: SerialSettings = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/** Fast backoff so reconnect tests do not wait for the production 250 ms → 5 s curve. */
export const fastReconnect = { initialDelayMs: 20, maxDelayMs: 100 } as const;

/** Collects teardown steps and runs them in reverse order, all of them, even when one fails. */
export class Cleanup {
  readonly #steps: (() => unknown)[] = [];

  add(step: () => unknown): void {
    this.#steps.push(step);
  }

  tempDir(prefix: string): string {
    const directory = mkdtempSync(join(tmpdir(), `lanewise-${prefix}-`));
    this.add(() => rmSync(directory, { recursive: true, force: true }));
    return directory;
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}

/**
 * A socat pty pair that a test can unplug and plug back in at the same paths, as a
 * re-plugged USB-serial adapter comes back as the same /dev/ttyUSB0. `cleanup`
 * closes whichever pair is current and removes the directory.
 */
export interface PtyCable {
  readonly devicePath: string;
  readonly hostPath: string;
  /** Cuts the cable: socat exits and both links disappear. */
  unplug(): Promise<void>;
  /** A new pair at the same paths; only once `unplug()` has finished, since it removes the old links. */
  plugBackIn(): Promise<void>;
}

export async function createPtyCable(cleanup: Cleanup, prefix: string, name: string): Promise<PtyCable> {
  const directory = cleanup.tempDir(prefix);
  let pair = await createPtyPair(directory, name);
  cleanup.add(() => pair.close());
  return {
    devicePath: pair.devicePath,
    hostPath: pair.hostPath,
    unplug: () => pair.close(),
    async plugBackIn() {
      pair = await createPtyPair(directory, name);
    },
  };
}

/** Polls until `probe` returns something other than undefined/false. */
export async function waitFor<T>(probe: () => T | undefined | false, what: string | (() => string), timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function waitForStatus(source: { readonly status: DeviceStatus }, kind: DeviceStatus['kind'], timeoutMs = 5_000): Promise<DeviceStatus> {
  return waitFor(() => (source.status.kind === kind ? source.status : undefined), () => `status ${kind} (now ${JSON.stringify(source.status)})`, timeoutMs);
}

/** Collects what an event delivers. */
export function record<T>(event: Event<T>): T[] {
  const values: T[] = [];
  event((value) => values.push(value));
  return values;
}

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** A logger that keeps entries, so tests can assert that problems were logged. */
export function memoryLogger(entries: LogEntry[] = []): Logger & { readonly entries: LogEntry[] } {
  const make = (bindings: Record<string, unknown>): Logger & { readonly entries: LogEntry[] } => ({
    entries,
    debug: (fields, message) => entries.push({ level: 'debug', fields: { ...bindings, ...fields }, message }),
    info: (fields, message) => entries.push({ level: 'info', fields: { ...bindings, ...fields }, message }),
    warn: (fields, message) => entries.push({ level: 'warn', fields: { ...bindings, ...fields }, message }),
    error: (fields, message) => entries.push({ level: 'error', fields: { ...bindings, ...fields }, message }),
    child: (more) => make({ ...bindings, ...more }),
  });
  return make({});
}

/**
 * An in-memory `SerialTransport` for unit tests that need control the pty
 * cannot give (exact chunking, fake timers, failing opens).
 */
export class FakeTransport implements SerialTransport {
  readonly #onData = new Emitter<Uint8Array>();
  readonly #onLost = new Emitter<Error>();
  readonly onData = this.#onData.event;
  readonly onLost = this.#onLost.event;
  readonly written: Uint8Array[] = [];
  #open = false;
  /** When set, open() rejects with this. */
  openError: Error | undefined;
  openCalls = 0;
  /** Called for each write, e.g. to answer status queries. */
  onWrite: ((data: Uint8Array) => void) | undefined;

  constructor(readonly path = '/dev/fake') {}

  get isOpen(): boolean {
    return this.#open;
  }

  async open(): Promise<void> {
    this.openCalls++;
    if (this.openError) throw this.openError;
    this.#open = true;
  }

  async write(data: Uint8Array): Promise<void> {
    if (!this.#open) throw new Error('not open');
    this.written.push(data.slice());
    this.onWrite?.(data);
  }

  async close(): Promise<void> {
    this.#open = false;
  }

  /** The device sends bytes. */
  receive(bytes: Uint8Array | string): void {
    this.#onData.fire(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
  }

  /** The cable is pulled. */
  lose(message = 'unplugged'): void {
    this.#open = false;
    this.#onLost.fire(new Error(message));
  }
}

export function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}
