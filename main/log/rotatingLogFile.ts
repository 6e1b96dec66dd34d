import { appendFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

/** When a log file is rotated, and how many rotated files are kept. */
export interface LogRotation {
  /** Rotate when the file reaches this size (bytes). Default 10 MB. */
  readonly maxBytes?: number;
  /** Also rotate at local midnight, and on start when the file is from an earlier day. Default true. */
  readonly daily?: boolean;
  /** Rotated files kept (gzipped); older ones are deleted. Default 14. */
  readonly keep?: number;
}

export const defaultLogRotation: Required<LogRotation> = { maxBytes: 10 * 1024 * 1024, daily: true, keep: 14 };

const pad = (value: number, length = 2) => String(value).padStart(length, '0');

/**
 * Rotated files sit beside the live one and say which day they cover:
 * `lane-L01.jsonl` → `lane-L01.2025-03-30.01.jsonl.gz`, `…2025-03-30.02.jsonl.gz`, …
 */
export function rotatedLogName(file: string, day: Date, index: number): string {
  const name = basename(file);
  const dot = name.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return `${stem}.${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}.${pad(index)}${extension}.gz`;
}

/**
 * A JSON-lines log file with rotation (rotating-file-stream: by size and by day, gzip, a bounded
 * number kept), written the way pino expects a destination: `write(line)`, `flushSync()`.
 *
 * Lines wait in memory until the next turn of the event loop and then go out in one write, one
 * batch at a time. `flushSync()` appends what is still waiting with a synchronous write, so the
 * line logged just before `process.exit()` (an uncaught exception) is on disk; only a batch
 * already handed to the file stream finishes on its own. A file that cannot be written (disk full,
 * folder gone) never throws into the caller: the batch goes to standard error and the next batch
 * tries a fresh stream.
 */
export class RotatingLogFile {
  readonly #file: string;
  readonly #rotation: Required<LogRotation>;
  /** Opened on the first write, and again after a failure. */
  #stream: RotatingFileStream | undefined;
  #queued: string[] = [];
  #scheduled = false;
  #writing = false;
  #lastFailureNotice = 0;
  #closed = false;
  /** Called when nothing is waiting or being written (close() waits for it). */
  #idle: (() => void) | undefined;

  constructor(file: string, rotation: LogRotation = {}) {
    this.#file = file;
    this.#rotation = { ...defaultLogRotation, ...rotation };
  }

  get file(): string {
    return this.#file;
  }

  #open(): RotatingFileStream {
    const { maxBytes, daily, keep } = this.#rotation;
    const name = basename(this.#file);
    const stream = createStream((time: number | Date | null, index?: number) => (time === null ? name : rotatedLogName(this.#file, new Date(time), index ?? 1)), {
      path: dirname(this.#file),
      size: `${Math.max(1, Math.floor(maxBytes))}B`,
      ...(daily ? { interval: '1d', intervalBoundary: true, initialRotation: true } : {}),
      compress: 'gzip',
      maxFiles: keep,
      history: `${name}.history`,
    });
    // A failed stream is finished: report it; the next batch opens a new one.
    stream.on('error', (error) => this.#failed(stream, error));
    stream.on('warning', (error) => this.#notice(`log file ${this.#file}: ${error.message}`));
    return stream;
  }

  write(line: string): boolean {
    if (this.#closed) {
      process.stderr.write(line);
      return true;
    }
    this.#queued.push(line);
    this.#schedule();
    return true;
  }

  #schedule(): void {
    if (this.#scheduled || this.#writing || this.#queued.length === 0) return;
    this.#scheduled = true;
    // Not unref'd: a process that ends by itself writes its last lines first.
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#writing || this.#queued.length === 0) return;
    const batch = this.#queued.join('');
    this.#queued = [];
    this.#writing = true;
    const stream = (this.#stream ??= this.#open());
    const done = (error?: Error | null) => {
      this.#writing = false;
      if (error) {
        this.#failed(stream, error);
        process.stderr.write(batch);
      }
      this.#schedule();
      if (!this.#writing && this.#queued.length === 0) this.#idle?.();
    };
    if (stream.destroyed || stream.writableEnded) return done(new Error('the log stream was closed'));
    stream.write(batch, done);
  }

  #failed(stream: RotatingFileStream, error: Error): void {
    if (stream !== this.#stream) return;
    this.#notice(`cannot write the log file ${this.#file} (${error.message}); lines go to standard error until it works again`);
    if (!stream.destroyed) stream.destroy();
    this.#stream = undefined;
  }

  #notice(text: string): void {
    // At most one a minute: a full disk must not flood standard error with the same complaint.
    const now = Date.now();
    if (now - this.#lastFailureNotice < 60_000) return;
    this.#lastFailureNotice = now;
    process.stderr.write(`lanewise: ${text}\n`);
  }

  /** Appends every line not yet handed to the file stream, synchronously. */
  flushSync(): void {
    if (this.#queued.length === 0) return;
    const batch = this.#queued.join('');
    this.#queued = [];
    try {
      appendFileSync(this.#file, batch);
    } catch {
      process.stderr.write(batch);
    }
  }

  /** Writes what is waiting, finishes any rotation and closes the file (tests; an orderly stop). */
  async close(): Promise<void> {
    if (this.#closed) return;
    await new Promise<void>((resolve) => {
      if (!this.#writing && this.#queued.length === 0) return resolve();
      this.#idle = resolve;
      this.#schedule();
    });
    this.#idle = undefined;
    this.#closed = true;
    const stream = this.#stream;
    if (!stream || stream.destroyed) return;
    await new Promise<void>((resolve) => {
      stream.once('error', () => resolve());
      stream.end(() => resolve());
    });
  }
}
