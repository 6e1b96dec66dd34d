import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import type { Logger } from '../../shared/log';
import { RotatingLogFile, type LogRotation } from './rotatingLogFile';

export type { LogRotation } from './rotatingLogFile';

export interface LoggerOptions {
  /** JSON-lines file; absent: standard error. */
  readonly file?: string | undefined;
  readonly level?: 'debug' | 'info' | 'warn' | 'error';
  readonly bindings?: Record<string, unknown>;
  /**
   * Rotation of `file` (defaults: at 10 MB or at local midnight, the 14 newest rotated files kept,
   * gzipped); false: one file that grows, as before rotation existed. Standard error never rotates.
   */
  readonly rotation?: LogRotation | false | undefined;
}

/**
 * Structured JSON-lines log (one object per line: time, level, msg and fields) for
 * assistants' tools and store IT. Logging never blocks the scan path: lines are written
 * asynchronously; `flush()` writes what is still waiting, synchronously (call it before
 * `process.exit`). `close()` ends a file log once everything is written.
 */
export function createLogger(options: LoggerOptions = {}): Logger & { flush(): void; close(): Promise<void> } {
  if (options.file) mkdirSync(dirname(options.file), { recursive: true });
  const rotating = options.file && options.rotation !== false ? new RotatingLogFile(options.file, options.rotation || {}) : undefined;
  const destination = rotating ?? pino.destination({ dest: options.file ?? 2, sync: false, mkdir: true });
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid, ...options.bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const flush = () => (rotating ? rotating.flushSync() : (destination as pino.DestinationStream & { flushSync(): void }).flushSync());
  const close = async () => {
    if (rotating) return rotating.close();
    const boom = destination as ReturnType<typeof pino.destination>;
    if (options.file) await new Promise<void>((resolve) => (boom.once('close', () => resolve()), boom.end()));
    else boom.flushSync();
  };
  return Object.assign(logger as unknown as Logger, { flush, close });
}
