import type { PaymentTerminalPort, PrinterPort, PrintFailureInfo, ScannerPort, ScanInput, LaneDevices } from '../../../main/lane/ports';
import { preciseNow } from '../../../main/lane/runtime';
import type { DeviceStatus } from '../../../shared/devices';
import { Emitter } from '../../../shared/event';
import type { PaymentOutcome, PaymentPrompt, PaymentRequest } from '../../../shared/payment';
import type { ReceiptDocument } from '../../../shared/receipt';
import { err, ok, type Result } from '../../../shared/result';

const ready: DeviceStatus = { kind: 'ready', warnings: [] };

/** Lifecycle and status shared by every fake: ready from the start unless told otherwise. */
class FakeDevice {
  readonly #onStatus = new Emitter<DeviceStatus>();
  readonly onStatus = this.#onStatus.event;
  #status: DeviceStatus;
  started = false;
  stopped = false;

  constructor(status: DeviceStatus = ready) {
    this.#status = status;
  }

  get status(): DeviceStatus {
    return this.#status;
  }

  /** What the driver would report after a fault, a reconnect… */
  setStatus(status: DeviceStatus): void {
    this.#status = status;
    this.#onStatus.fire(status);
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

export class FakeScanner extends FakeDevice implements ScannerPort {
  readonly #onScan = new Emitter<ScanInput>();
  readonly onScan = this.#onScan.event;
  readonly #onGarbage = new Emitter<{ readonly reason: string; readonly byteCount: number }>();
  readonly onGarbage = this.#onGarbage.event;

  /** A frame as the serial service delivers it, stamped the way it stamps real ones. */
  emitScan(data: string): void {
    const firstByteAt = preciseNow();
    this.#onScan.fire({ data, firstByteAt, receivedAt: preciseNow() });
  }

  emitGarbage(reason: string, byteCount: number): void {
    this.#onGarbage.fire({ reason, byteCount });
  }

  /** "Not on file" tones the lane asked for. */
  notOnFileBeeps = 0;

  beepNotOnFile(): Promise<void> {
    this.notOnFileBeeps++;
    return Promise.resolve();
  }
}

export class FakePrinter extends FakeDevice implements PrinterPort {
  readonly documents: ReceiptDocument[] = [];
  /** While set, every print fails with this. */
  failure: PrintFailureInfo | undefined;
  readonly #onGarbage = new Emitter<{ readonly reason: string; readonly byteCount: number }>();
  readonly onGarbage = this.#onGarbage.event;

  emitGarbage(reason: string, byteCount: number): void {
    this.#onGarbage.fire({ reason, byteCount });
  }

  async print(document: ReceiptDocument): Promise<Result<unknown, PrintFailureInfo>> {
    if (this.failure) return err(this.failure);
    this.documents.push(document);
    return ok(undefined);
  }
}

/**
 * A card terminal the test drives: `authorize` waits until the test approves or declines the
 * reference. Like a real semi-integrated terminal, authorising a reference that is already under
 * way attaches to the same transaction rather than starting a second one.
 */
export class FakePaymentTerminal extends FakeDevice implements PaymentTerminalPort {
  readonly #onPrompt = new Emitter<{ readonly reference: string; readonly prompt: PaymentPrompt }>();
  readonly onPrompt = this.#onPrompt.event;
  readonly #onGarbage = new Emitter<{ readonly reason: string; readonly byteCount: number }>();
  readonly onGarbage = this.#onGarbage.event;

  emitGarbage(reason: string, byteCount: number): void {
    this.#onGarbage.fire({ reason, byteCount });
  }
  readonly requests: PaymentRequest[] = [];
  readonly cancels: { reference: string; by: 'shopper' | 'lane' | undefined }[] = [];
  readonly #waiting = new Map<string, { request: PaymentRequest; settle: (outcome: PaymentOutcome) => void }[]>();

  authorize(request: PaymentRequest): Promise<PaymentOutcome> {
    this.requests.push(request);
    return new Promise((settle) => {
      const waiting = this.#waiting.get(request.reference) ?? [];
      waiting.push({ request, settle });
      this.#waiting.set(request.reference, waiting);
    });
  }

  async cancel(reference: string, by?: 'shopper' | 'lane'): Promise<PaymentOutcome> {
    this.cancels.push({ reference, by });
    const outcome: PaymentOutcome = { kind: 'cancelled', reference, by: by ?? 'lane' };
    this.#settle(reference, () => outcome);
    return outcome;
  }

  prompt(reference: string, prompt: PaymentPrompt): void {
    this.#onPrompt.fire({ reference, prompt });
  }

  /** Approves the newest request (or `reference`). */
  approve(reference = this.#newestReference()): void {
    this.#settle(reference, (request) => ({
      kind: 'approved',
      reference,
      amountMinor: request.amountMinor,
      currency: request.currency,
      authCode: 'A1B2C3',
      maskedPan: '**** **** **** 4242',
      scheme: 'visa',
    }));
  }

  decline(reference = this.#newestReference()): void {
    this.#settle(reference, () => ({ kind: 'declined', reference, reason: 'insufficientFunds' }));
  }

  #newestReference(): string {
    const request = this.requests.at(-1);
    if (!request) throw new Error('no payment has been requested');
    return request.reference;
  }

  #settle(reference: string, outcome: (request: PaymentRequest) => PaymentOutcome): void {
    const waiting = this.#waiting.get(reference) ?? [];
    this.#waiting.delete(reference);
    for (const { request, settle } of waiting) settle(outcome(request));
  }
}

export interface FakeDevices extends LaneDevices {
  readonly scanner: FakeScanner;
  readonly printer: FakePrinter;
  readonly paymentTerminal: FakePaymentTerminal;
}

export function createFakeDevices(): FakeDevices {
  return { scanner: new FakeScanner(), printer: new FakePrinter(), paymentTerminal: new FakePaymentTerminal() };
}
