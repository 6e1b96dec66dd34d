import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../shared/log';
import type { Random } from './mutate';

/**
 * A fuzz target that drives real message handling (the kiosk bridge, the supervisor hub, a
 * lane's supervisor link, the store server, the catalogue sync) rather than a byte parser: it
 * starts the real code in the worker's process, feeds it generated messages in batches, and
 * checks what came of each — an exception escaping a handler is a crash, a message doing what
 * it must not (a forged command carried out, an invalid call reaching the service) a violation.
 */
export interface MessageTarget {
  readonly kind: 'messages';
  readonly name: string;
  /** Cases per batch: the rig sends these, then waits until the real code has handled all of them. */
  readonly batch: number;
  /** Fresh servers and databases every this many cases, so memory and files stay bounded. */
  readonly restartEvery: number;
  start(): Promise<MessageRig>;
}

export interface MessageRig {
  /** Generates `size` cases, runs them through the real code and reports what went wrong. */
  runBatch(random: Random, size: number, findings: Findings): Promise<void>;
  close(): Promise<void>;
}

/** What a rig reports: crashes and violations with the input that caused them, and what the cases reached. */
export interface Findings {
  crash(input: string, error: string): void;
  violation(input: string, problem: string): void;
  /** Counts an outcome (`refused:badMac`, `accepted`…), to show how deep the cases got. */
  count(outcome: string, by?: number): void;
}

/**
 * Where rigs keep their databases: /dev/shm when there is one, because every lane journal
 * commit is an fsync and the fuzzer is after parsing bugs, not the disk's speed.
 */
export function scratchDir(name: string): { readonly path: string; remove(): void } {
  let base = tmpdir();
  try {
    const shm = mkdtempSync('/dev/shm/lanewise-fuzz-');
    rmSync(shm, { recursive: true });
    base = '/dev/shm';
  } catch {
    // No tmpfs: the system's temp folder.
  }
  const path = mkdtempSync(join(base, `lanewise-fuzz-${name}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface LogLine {
  readonly level: 'error' | 'warn';
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/**
 * A Logger for the code under test: counts warnings by message (the outcomes of refused input),
 * and keeps error lines until the rig collects them — under fuzzing, every error line is the
 * product hitting a path it did not expect (an exception caught by a last-resort handler).
 */
export class FuzzLogger implements Logger {
  readonly warnings = new Map<string, number>();
  errors: LogLine[] = [];

  debug(): void {}
  info(): void {}

  warn(_fields: Record<string, unknown>, message: string): void {
    this.warnings.set(message, (this.warnings.get(message) ?? 0) + 1);
  }

  error(fields: Record<string, unknown>, message: string): void {
    if (this.errors.length < 1_000) this.errors.push({ level: 'error', message, fields });
  }

  child(): Logger {
    return this;
  }

  /** Error lines since the last call. */
  takeErrors(): LogLine[] {
    const errors = this.errors;
    this.errors = [];
    return errors;
  }
}

export function describeLogLine(line: LogLine): string {
  const stack = typeof line.fields.stack === 'string' ? `\n${line.fields.stack}` : '';
  return `logged error "${line.message}" ${JSON.stringify({ ...line.fields, stack: undefined }).slice(0, 500)}${stack}`;
}

/** An input as it goes into a report: text, shortened if huge (the start says what it was). */
export function shown(input: string, limit = 2_000): string {
  return input.length <= limit ? input : `${input.slice(0, limit)}… (${input.length} characters)`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
