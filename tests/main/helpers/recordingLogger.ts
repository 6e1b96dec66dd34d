import type { Logger } from '../../../shared/log';

export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** A Logger that keeps every record (children included) for assertions. */
export interface RecordingLogger extends Logger {
  readonly records: LogRecord[];
  /** Records at `level` whose message is `message`. */
  find(level: LogRecord['level'], message: string): LogRecord[];
}

export function createRecordingLogger(records: LogRecord[] = [], bindings: Record<string, unknown> = {}): RecordingLogger {
  const record = (level: LogRecord['level']) => (fields: Record<string, unknown>, message: string) => {
    records.push({ level, fields: { ...bindings, ...fields }, message });
  };
  return {
    records,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    child: (more) => createRecordingLogger(records, { ...bindings, ...more }),
    find: (level, message) => records.filter((entry) => entry.level === level && entry.message === message),
  };
}
