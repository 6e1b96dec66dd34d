import type { DeviceStatus } from '../shared/devices';
import type { Emitter } from '../shared/event';
import type { Logger } from '../shared/log';

/** Statuses are small plain objects: equal when they print the same. */
export function sameDeviceStatus(a: DeviceStatus, b: DeviceStatus): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Delivers a device event. A listener that throws has a bug of its own; it must not stop the
 * driver reading its line, so the error is logged and the driver carries on.
 */
export function fireSafely<T>(emitter: Emitter<T>, value: T, log: Logger, what: string): void {
  try {
    emitter.fire(value);
  } catch (error) {
    log.error({ err: error instanceof Error ? error.message : String(error) }, `${what} listener threw`);
  }
}

/** The message of whatever was thrown, for log lines and `lost` reasons. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
