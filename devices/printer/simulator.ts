import { Emitter, type Disposable, type Event } from '../../shared/event';
import { silentLogger, type Logger } from '../../shared/log';
import type { SerialTransport } from '../serial/transport';
import { encodeAsb, encodeRealtimeStatusReply, healthyPrinterStatus, type PrinterStatus } from './codec';
import { concat, EscPosInterpreter, type InterpreterOutput, type PrintedLine } from './escposInterpreter';

export type PaperState = 'ok' | 'nearEnd' | 'end';

export interface SimulatedReceipt {
  /** Plain text as printed: trailing spaces and blank lines at either end dropped, alignment applied. */
  readonly text: string;
  readonly lines: readonly PrintedLine[];
  /** The job's bytes as received, without the real-time status queries interleaved by the driver. */
  readonly raw: Uint8Array;
  /** How it ended: cut by the printer, or torn off because the roll ran out and was replaced. */
  readonly ending: 'partialCut' | 'fullCut' | 'tornOff';
}

export interface EscPosPrinterSimulatorOptions {
  /** Font A characters per line: 42 for 80 mm (default), 32 for 58 mm. */
  readonly columns?: number;
  readonly paper?: PaperState;
  /** The roll runs out after this many more printed lines (blank lines and barcodes count). */
  readonly paperRemainingLines?: number;
  readonly coverOpen?: boolean;
  readonly offline?: boolean;
  /** Stops answering status requests: the host sees a printer that does not respond. */
  readonly silent?: boolean;
  /**
   * False: a printer that ignores `GS a` (some clones, or ASB switched off by a memory switch)
   * and sends no Automatic Status Back; it still answers `DLE EOT`. Default true.
   */
  readonly automaticStatusBack?: boolean;
  /** Where listener errors go (default: nowhere). */
  readonly log?: Logger;
}

/**
 * An Epson-compatible ESC/POS receipt printer on the device end of a
 * pseudo-terminal pair: it interprets what the driver sends, keeps the
 * receipts, and answers `DLE EOT n` from its simulated paper, cover and error
 * state. Product code: the demo prints through it and shows `receipts`.
 *
 * While the paper is out, the cover is open, the printer is offline or has an
 * error, it prints nothing: text, barcodes and cuts that arrive are discarded.
 * A real printer in that state stops and keeps receiving into its buffer —
 * what it does with the held data once the cause is cleared depends on model
 * and error (auto-recoverable errors resume, others wait for `DLE ENQ` or are
 * cleared) — so the driver's contract is "reprint the receipt", and the
 * simulator makes that the only way to get a complete one. When paper is
 * reloaded after running out, the half-printed receipt is torn off into
 * `incompleteReceipts`.
 */
export class EscPosPrinterSimulator {
  readonly #transport: SerialTransport;
  readonly #interpreter: EscPosInterpreter;
  readonly #log: Logger;
  readonly #subscriptions: Disposable[] = [];
  readonly #onReceipt = new Emitter<SimulatedReceipt>();
  readonly #onLine = new Emitter<PrintedLine>();
  readonly #onStatusRequest = new Emitter<number>();
  /** Each receipt as it is cut. */
  readonly onReceipt: Event<SimulatedReceipt> = this.#onReceipt.event;
  /** Each line as it is printed (not fired for discarded lines). */
  readonly onLine: Event<PrintedLine> = this.#onLine.event;
  /** Each `DLE EOT n` received, answered or not (n = 1..4). */
  readonly onStatusRequest: Event<number> = this.#onStatusRequest.event;

  /** Cut receipts, oldest first. */
  readonly receipts: SimulatedReceipt[] = [];
  /** Receipts that were torn off when the paper ran out and a new roll was loaded. */
  readonly incompleteReceipts: SimulatedReceipt[] = [];

  #paper: PaperState;
  #remainingLines: number | undefined;
  #coverOpen: boolean;
  #offline: boolean;
  #cutterError = false;
  #unrecoverableError = false;
  #autoRecoverableError = false;
  #silent: boolean;
  readonly #asbSupported: boolean;
  #asbSelection = 0;
  #lastAsb: string | undefined;
  #currentLines: PrintedLine[] = [];
  /** Raw bytes of cuts that were discarded while printing was stopped: they belong to the next receipt. */
  #carriedRaw: Uint8Array[] = [];
  #discardedLines = 0;
  #drawerKicks = 0;

  constructor(transport: SerialTransport, options: EscPosPrinterSimulatorOptions = {}) {
    this.#transport = transport;
    this.#interpreter = new EscPosInterpreter({ columns: options.columns ?? 42 });
    this.#log = options.log ?? silentLogger;
    this.#paper = options.paper ?? 'ok';
    this.#remainingLines = options.paperRemainingLines;
    this.#coverOpen = options.coverOpen ?? false;
    this.#offline = options.offline ?? false;
    this.#silent = options.silent ?? false;
    this.#asbSupported = options.automaticStatusBack ?? true;
    this.#subscriptions.push(this.#transport.onData((bytes) => this.#receive(bytes)));
  }

  get columns(): number {
    return this.#interpreter.columns;
  }

  get isOpen(): boolean {
    return this.#transport.isOpen;
  }

  /**
   * Opens the device end; after the pty pair was recreated, opens it afresh. A
   * port that has written and is receiving when socat exits can miss the
   * hang-up (serialport keeps `isOpen` true, seen on Linux ptys), so an open
   * port is closed first rather than trusted — like a device power-cycling.
   */
  async open(): Promise<void> {
    if (this.#transport.isOpen) await this.#transport.close();
    await this.#transport.open();
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }

  /** Closes the port and stops listening; the simulator is done. */
  async dispose(): Promise<void> {
    for (const subscription of this.#subscriptions.splice(0)) subscription.dispose();
    await this.#transport.close();
  }

  // --- Controls (tests, demo) -------------------------------------------------

  get paper(): PaperState {
    return this.#paper;
  }

  /**
   * Sets the roll: `'end'` runs it out; `'ok'`/`'nearEnd'` after `'end'` loads a
   * new roll, tearing off any half-printed receipt. `remainingLines` makes the
   * new roll run out after that many lines (undefined: never).
   */
  setPaper(state: PaperState, options: { readonly remainingLines?: number } = {}): void {
    const reloaded = this.#paper === 'end' && state !== 'end';
    this.#paper = state;
    this.#remainingLines = options.remainingLines;
    if (reloaded) this.#tearOff();
    this.#statusChanged();
  }

  setCoverOpen(open: boolean): void {
    this.#coverOpen = open;
    this.#statusChanged();
  }

  setOffline(offline: boolean): void {
    this.#offline = offline;
    this.#statusChanged();
  }

  setError(error: 'cutter' | 'unrecoverable' | 'autoRecoverable' | 'none'): void {
    this.#cutterError = error === 'cutter';
    this.#unrecoverableError = error === 'unrecoverable';
    this.#autoRecoverableError = error === 'autoRecoverable';
    this.#statusChanged();
  }

  /** The `n` of the last `GS a n` taken (0: Automatic Status Back off). Stays 0 if the printer ignores `GS a`. */
  get asbSelection(): number {
    return this.#asbSelection;
  }

  get silent(): boolean {
    return this.#silent;
  }

  set silent(silent: boolean) {
    this.#silent = silent;
  }

  // --- Observations -----------------------------------------------------------

  /** The state the status replies report. */
  get printerStatus(): PrinterStatus {
    const errorOccurred = this.#cutterError || this.#unrecoverableError || this.#autoRecoverableError;
    const paperEnd = this.#paper === 'end';
    return {
      ...healthyPrinterStatus,
      online: !(this.#offline || this.#coverOpen || paperEnd || errorOccurred),
      coverOpen: this.#coverOpen,
      stoppedByPaperEnd: paperEnd,
      errorOccurred,
      paperEnd,
      paperNearEnd: this.#paper !== 'ok',
      cutterError: this.#cutterError,
      unrecoverableError: this.#unrecoverableError,
      autoRecoverableError: this.#autoRecoverableError,
    };
  }

  /** Text of the receipt being printed (not yet cut), including a line still in the buffer. */
  currentText(): string {
    const pending = this.#interpreter.pendingLineText;
    return renderText(pending.length > 0 ? [...this.#currentLines.map((line) => line.text), pending] : this.#currentLines.map((line) => line.text));
  }

  /** Commands received that the interpreter does not handle; tests expect none for the encoder's output. */
  get unknownCommands(): readonly string[] {
    return this.#interpreter.unknownCommands;
  }

  get warnings(): readonly string[] {
    return this.#interpreter.warnings;
  }

  /** Lines that arrived while printing was stopped (paper out, cover open, error). */
  get discardedLines(): number {
    return this.#discardedLines;
  }

  get drawerKicks(): number {
    return this.#drawerKicks;
  }

  /**
   * Resolves with receipt number `index` (default: the next one to be cut),
   * at once if it is already there. Rejects after `timeoutMs`.
   */
  waitForReceipt(timeoutMs = 5_000, index = this.receipts.length): Promise<SimulatedReceipt> {
    const existing = this.receipts[index];
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const subscription = this.onReceipt(() => {
        const receipt = this.receipts[index];
        if (receipt === undefined) return;
        clearTimeout(timer);
        subscription.dispose();
        resolve(receipt);
      });
      const timer = setTimeout(() => {
        subscription.dispose();
        reject(new Error(`no receipt #${index} within ${timeoutMs} ms (have ${this.receipts.length}; printing now: ${JSON.stringify(this.currentText())})`));
      }, timeoutMs);
    });
  }

  // --- Wire -------------------------------------------------------------------

  #receive(bytes: Uint8Array): void {
    for (const output of this.#interpreter.push(bytes)) this.#handle(output);
  }

  /** A throwing listener (a test, the demo) must not break the byte stream or escape into serialport. */
  #fire<T>(emitter: Emitter<T>, value: T): void {
    try {
      emitter.fire(value);
    } catch (error) {
      this.#log.error({ err: error instanceof Error ? error.message : String(error) }, 'printer simulator listener threw');
    }
  }

  #handle(output: InterpreterOutput): void {
    switch (output.kind) {
      case 'realtimeStatusRequest':
        this.#fire(this.#onStatusRequest, output.query);
        // DLE EOT is answered even while offline or in error (Command Reference, DLE EOT); only a dead printer is silent.
        if (!this.#silent) this.#send(Uint8Array.of(encodeRealtimeStatusReply(output.query, this.printerStatus)));
        return;
      case 'line':
        if (!this.#canPrint()) {
          this.#discardedLines++;
          return;
        }
        this.#currentLines.push(output.line);
        this.#fire(this.#onLine, output.line);
        if (this.#remainingLines !== undefined) {
          this.#remainingLines--;
          if (this.#remainingLines <= 0) {
            this.#paper = 'end';
            this.#remainingLines = undefined;
            this.#statusChanged();
          }
        }
        return;
      case 'cut': {
        if (!this.#canPrint()) {
          this.#carriedRaw.push(output.raw);
          return;
        }
        const receipt: SimulatedReceipt = {
          lines: this.#currentLines,
          text: renderText(this.#currentLines.map((line) => line.text)),
          raw: concat([...this.#carriedRaw, output.raw]),
          ending: output.partial ? 'partialCut' : 'fullCut',
        };
        this.#currentLines = [];
        this.#carriedRaw = [];
        this.receipts.push(receipt);
        this.#fire(this.#onReceipt, receipt);
        return;
      }
      case 'asbSelection':
        if (!this.#asbSupported) return;
        this.#asbSelection = output.n;
        this.#lastAsb = undefined;
        // Enabling ASB makes the printer send the current status once (Command Reference, GS a).
        this.#statusChanged();
        return;
      case 'drawerKick':
        this.#drawerKicks++;
        return;
      case 'initialize':
        return;
    }
  }

  #canPrint(): boolean {
    return this.printerStatus.online;
  }

  #tearOff(): void {
    this.#interpreter.discardPendingLine();
    if (this.#currentLines.length === 0) return;
    const receipt: SimulatedReceipt = {
      lines: this.#currentLines,
      text: renderText(this.#currentLines.map((line) => line.text)),
      raw: concat(this.#carriedRaw),
      ending: 'tornOff',
    };
    this.#currentLines = [];
    this.#carriedRaw = [];
    this.incompleteReceipts.push(receipt);
  }

  /** Sends an ASB block when ASB is enabled and the status changed since the last one. */
  #statusChanged(): void {
    if (this.#asbSelection === 0 || this.#silent) return;
    const block = encodeAsb(this.printerStatus);
    const key = Array.from(block).join(',');
    if (key === this.#lastAsb) return;
    this.#lastAsb = key;
    this.#send(block);
  }

  #send(bytes: Uint8Array): void {
    if (!this.#transport.isOpen) return;
    // A write failing because the line just went away is what a real printer would not notice either.
    this.#transport.write(bytes).catch(() => undefined);
  }
}

function renderText(lines: readonly string[]): string {
  const trimmed = lines.map((line) => line.trimEnd());
  let start = 0;
  let end = trimmed.length;
  while (start < end && trimmed[start] === '') start++;
  while (end > start && trimmed[end - 1] === '') end--;
  return trimmed.slice(start, end).join('\n');
}

