import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import type { Logger } from '../../shared/log';

export interface LoggerOptions {
  /** JSON-lines file; absent: standard error. */
  readonly file?: string | undefined;
  readonly level?: 'debug' | 'info' | 'warn' | 'error';
  readonly bindings?: Record<string, unknown>;
}

/**
 * Structured JSON-lines log (one object per line: time, level, msg and fields) for
 * assistants' tools and store IT. Logging never blocks the scan path: pino writes
 * asynchronously and is flushed on exit.
 */
export function createLogger(options: LoggerOptions = {}): Logger & { flush(): void } {
  if (options.file) mkdirSync(dirname(options.file), { recursive: true });
  const destination = pino.destination({ dest: options.file ?? 2, sync: false, mkdir: true });
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid, ...options.bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return Object.assign(logger as unknown as Logger, { flush: () => destination.flushSync() });
}
