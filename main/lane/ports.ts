import type { DeviceStatus } from '../../shared/devices';
import type { Event } from '../../shared/event';
import type { PaymentOutcome, PaymentPrompt, PaymentRequest } from '../../shared/payment';
import type { ReceiptDocument } from '../../shared/receipt';
import type { Result } from '../../shared/result';
import type { LaneLightIndication } from '../../shared/checkout/laneLight';
import type { ScaleReadFailure, ScaleReading, ScaleWeight } from '../../shared/scale';

/**
 * What the lane runtime needs from each device, whatever driver or simulator is behind it.
 * The services in devices/ satisfy these structurally; tests pass fakes.
 */
export interface DevicePort {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly status: DeviceStatus;
  readonly onStatus: Event<DeviceStatus>;
}

/** Bytes a device sent that were no valid message (line noise, a half frame, a bad reply), and were discarded. */
export interface DeviceGarbage {
  readonly reason: string;
  readonly byteCount: number;
}

export interface ScanInput {
  readonly data: string;
  /** Epoch ms (sub-ms precision) of the frame's first byte and its terminator. */
  readonly firstByteAt: number;
  readonly receivedAt: number;
}

export interface ScannerPort extends DevicePort {
  readonly onScan: Event<ScanInput>;
  readonly onGarbage: Event<DeviceGarbage>;
  /** Scanners the host can make sound (a Magellan): the "not on file" tone for a scan the lane could not sell. */
  beepNotOnFile?(): Promise<unknown>;
}

export interface PrintFailureInfo {
  readonly reason: string;
  readonly detail: string;
  readonly stage?: string;
}

export interface PrinterPort extends DevicePort {
  print(document: ReceiptDocument): Promise<Result<unknown, PrintFailureInfo>>;
  /** Bytes from the printer that were no status reply (a noisy cable), when the driver can tell. */
  readonly onGarbage?: Event<DeviceGarbage>;
}

export interface PaymentTerminalPort extends DevicePort {
  authorize(request: PaymentRequest, signal?: AbortSignal): Promise<PaymentOutcome>;
  cancel(reference: string, by?: 'shopper' | 'lane'): Promise<PaymentOutcome>;
  readonly onPrompt: Event<{ readonly reference: string; readonly prompt: PaymentPrompt }>;
  /** Lines from the terminal that were skipped as garbage, when the driver can tell. */
  readonly onGarbage?: Event<DeviceGarbage>;
}

/** The weighing scale (scanner-scale platter or a separate scale), read continuously while installed. */
export interface WeighingScalePort extends DevicePort {
  /** Each change of reading: stable weights, motion, over capacity… */
  readonly onReading: Event<ScaleReading>;
  /** A reading that could not be had (no answer, a bad reply); the status says when it persists. */
  readonly onReadFailure?: Event<ScaleReadFailure>;
  /** Bytes from the scale that answered nothing (line noise), when the driver can tell. */
  readonly onGarbage?: Event<DeviceGarbage>;
}

/** The bagging-area (security) scale: only settled weights matter to the checkout. */
export interface BaggingScalePort extends DevicePort {
  readonly onSettled: Event<ScaleWeight>;
  readonly onReadFailure?: Event<ScaleReadFailure>;
  readonly onGarbage?: Event<DeviceGarbage>;
}

export interface LaneLightPort extends DevicePort {
  /** Shows an indication; the driver remembers it across reconnects. Never throws. */
  show(indication: LaneLightIndication): void;
}

/** Required devices first; the optional ones are absent when the lane does not have them. */
export interface LaneDevices {
  readonly scanner: ScannerPort;
  readonly printer: PrinterPort;
  readonly paymentTerminal: PaymentTerminalPort;
  readonly scale?: WeighingScalePort | undefined;
  readonly baggingScale?: BaggingScalePort | undefined;
  readonly laneLight?: LaneLightPort | undefined;
}

/** The installed devices by role, for code that treats them alike (status, start, stop). */
export function installedDevices(devices: LaneDevices): [keyof LaneDevices, DevicePort][] {
  return (Object.entries(devices) as [keyof LaneDevices, DevicePort | undefined][]).filter((entry): entry is [keyof LaneDevices, DevicePort] => entry[1] !== undefined);
}
