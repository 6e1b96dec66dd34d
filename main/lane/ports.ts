import type { DeviceStatus } from '../../shared/devices';
import type { Event } from '../../shared/event';
import type { PaymentOutcome, PaymentPrompt, PaymentRequest } from '../../shared/payment';
import type { ReceiptDocument } from '../../shared/receipt';
import type { Result } from '../../shared/result';

/**
 * What the lane runtime needs from each device, whatever driver or simulator is behind it.
 * The services in devices/ satisfy these structurally; tests pass fakes.
 */
interface DevicePort {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly status: DeviceStatus;
  readonly onStatus: Event<DeviceStatus>;
}

export interface ScanInput {
  readonly data: string;
  /** Epoch ms (sub-ms precision) of the frame's first byte and its terminator. */
  readonly firstByteAt: number;
  readonly receivedAt: number;
}

export interface ScannerPort extends DevicePort {
  readonly onScan: Event<ScanInput>;
  readonly onGarbage: Event<{ readonly reason: string; readonly byteCount: number }>;
}

export interface PrintFailureInfo {
  readonly reason: string;
  readonly detail: string;
  readonly stage?: string;
}

export interface PrinterPort extends DevicePort {
  print(document: ReceiptDocument): Promise<Result<unknown, PrintFailureInfo>>;
}

export interface PaymentTerminalPort extends DevicePort {
  authorize(request: PaymentRequest, signal?: AbortSignal): Promise<PaymentOutcome>;
  cancel(reference: string, by?: 'shopper' | 'lane'): Promise<PaymentOutcome>;
  readonly onPrompt: Event<{ readonly reference: string; readonly prompt: PaymentPrompt }>;
}

export interface LaneDevices {
  readonly scanner: ScannerPort;
  readonly printer: PrinterPort;
  readonly paymentTerminal: PaymentTerminalPort;
}
