import type { SerialSettings } from '../serial/transport';

/**
 * The lane light: a tower light (green, yellow, red lamp, optional buzzer) whose
 * lamps are switched by a USB-serial relay board. Pure signal ↔ relay frames, no
 * I/O, no timers: the service does the flashing.
 *
 * The boards are the CH340-based "LCUS" modules (LC Technology LCUS-1/-2/-4/-8
 * and clones). Source: the vendor's "LC USB switch communication protocol" in
 * the LCUS module product description (start mark, switch address, operation
 * data, check code; examples `A0 01 01 A2` / `A0 01 00 A1`), as also implemented
 * by public drivers for these boards. The boards keep a relay as last switched,
 * have no flashing mode and send nothing back.
 */
export const lcusRelayProtocol = {
  /** 9600 8N1, fixed on the board (product description: "default communication baud rate 9600"). */
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } satisfies SerialSettings,
  /** Byte 1: start mark. */
  startByte: 0xa0,
  /** Byte 3: operation data. */
  off: 0x00,
  on: 0x01,
  /** Start, channel (switch address, 1-based), operation, checksum. */
  frameLength: 4,
  /** Relay channels are one byte; 0 addresses no relay. */
  minChannel: 1,
  maxChannel: 0xff,
} as const;

/** Byte 4: the low byte of the sum of the first three. */
export function relayChecksum(channel: number, state: number): number {
  return (lcusRelayProtocol.startByte + channel + state) & 0xff;
}

/** `A0 <channel> <00|01> <checksum>`. A channel outside 1..255 is a caller bug and throws. */
export function encodeRelayFrame(channel: number, on: boolean): Uint8Array {
  assertChannel(channel, 'relay channel');
  const state = on ? lcusRelayProtocol.on : lcusRelayProtocol.off;
  return Uint8Array.of(lcusRelayProtocol.startByte, channel, state, relayChecksum(channel, state));
}

// --- Signals -------------------------------------------------------------------

export type LampMode = 'off' | 'on' | 'flashing';
export const lampModes: readonly LampMode[] = ['off', 'on', 'flashing'];

/** What the tower shows. The buzzer sounds steadily while `buzzer` is true. */
export interface LaneLightSignal {
  readonly green: LampMode;
  readonly yellow: LampMode;
  readonly red: LampMode;
  readonly buzzer: boolean;
}

export const lamps = ['green', 'yellow', 'red'] as const;
export type Lamp = (typeof lamps)[number];
/** Everything the board switches: the three lamps and the buzzer. */
export type LaneLightOutput = Lamp | 'buzzer';
export const laneLightOutputs: readonly LaneLightOutput[] = ['green', 'yellow', 'red', 'buzzer'];

/**
 * The signals the lane uses. `closed` is all off rather than steady red: red
 * calls an assistant over, and a lane that is simply closed (at night, for
 * cleaning) must not look like one that needs help; an unlit tower is also what
 * the lane shows when its software is not running (the service switches
 * everything off on stop). A store that wants red for closed passes its own signal.
 */
export const laneLightSignals = {
  /** Lane open, nothing needed. */
  open: { green: 'on', yellow: 'off', red: 'off', buzzer: false },
  /** Needs an assistant soon (age check, unexpected item, paper near end). */
  attention: { green: 'off', yellow: 'flashing', red: 'off', buzzer: false },
  /** Blocked until an assistant intervenes (device fault, void approval). */
  intervention: { green: 'off', yellow: 'off', red: 'on', buzzer: false },
  /** Needs an assistant now (suspected walk-off, tamper): flashing red and the buzzer. */
  alarm: { green: 'off', yellow: 'off', red: 'flashing', buzzer: true },
  /** Lane closed: everything off. */
  closed: { green: 'off', yellow: 'off', red: 'off', buzzer: false },
} as const satisfies Record<string, LaneLightSignal>;

/** A signal with a mode other than off/on/flashing is a caller bug: throws. */
export function validateLaneLightSignal(signal: LaneLightSignal): LaneLightSignal {
  for (const lamp of lamps) {
    if (!lampModes.includes(signal[lamp])) throw new RangeError(`lane light ${lamp} must be off, on or flashing, got ${String(signal[lamp])}`);
  }
  if (typeof signal.buzzer !== 'boolean') throw new RangeError(`lane light buzzer must be true or false, got ${String(signal.buzzer)}`);
  return { green: signal.green, yellow: signal.yellow, red: signal.red, buzzer: signal.buzzer };
}

export function hasFlashingLamp(signal: LaneLightSignal): boolean {
  return lamps.some((lamp) => signal[lamp] === 'flashing');
}

/**
 * Whether each output's relay is closed, in the given phase of the flash cycle
 * (`flashOn`: the lit half). All flashing lamps flash together.
 */
export function relayStates(signal: LaneLightSignal, flashOn: boolean): Record<LaneLightOutput, boolean> {
  const lit = (mode: LampMode): boolean => mode === 'on' || (mode === 'flashing' && flashOn);
  return { green: lit(signal.green), yellow: lit(signal.yellow), red: lit(signal.red), buzzer: signal.buzzer };
}

// --- Wiring --------------------------------------------------------------------

/**
 * Which relay channel switches which output: how the tower is wired to the
 * board. `buzzer: null` for a tower without one (or a 3-relay wiring).
 */
export interface LaneLightChannels {
  readonly green: number;
  readonly yellow: number;
  readonly red: number;
  readonly buzzer: number | null;
}

/** The usual wiring of a 4-channel LCUS-4 board: relays 1–3 the lamps top-down from green, relay 4 the buzzer. */
export const defaultLaneLightChannels: LaneLightChannels = { green: 1, yellow: 2, red: 3, buzzer: 4 };

/** Fills in the default wiring; a channel outside 1..255 or used twice is a configuration bug and throws. */
export function resolveLaneLightChannels(channels: Partial<LaneLightChannels> = {}): LaneLightChannels {
  const resolved: LaneLightChannels = { ...defaultLaneLightChannels, ...stripUndefined(channels) };
  const used = new Map<number, LaneLightOutput>();
  for (const output of laneLightOutputs) {
    const channel = resolved[output];
    if (channel === null && output === 'buzzer') continue;
    assertChannel(channel, `lane light ${output} channel`);
    const other = used.get(channel as number);
    if (other !== undefined) throw new RangeError(`lane light ${output} and ${other} are both wired to relay ${channel}`);
    used.set(channel as number, output);
  }
  return resolved;
}

// --- Decoding (simulator, fuzzing) ---------------------------------------------

export type RelayGarbageReason =
  /** Bytes outside a frame that are not the start mark. */
  | 'unknownStartByte'
  /** Four bytes from a start mark whose checksum does not add up. */
  | 'badChecksum'
  /**
   * A frame with a good checksum that no relay acts on: channel 0, or an operation
   * other than off/on (e.g. the `02` status query some board variants know).
   */
  | 'unsupportedCommand';

export type RelayFrameOutput =
  | { readonly kind: 'frame'; readonly channel: number; readonly on: boolean }
  /** `bytes` keeps at most the first `garbagePreviewBytes`; `byteCount` is the full run. */
  | { readonly kind: 'garbage'; readonly reason: RelayGarbageReason; readonly bytes: Uint8Array; readonly byteCount: number };

/** How much of a garbage run is kept for logs: enough to recognise it, bounded however long the run. */
export const garbagePreviewBytes = 16;

/**
 * Splits a host → board byte stream into relay frames, however it is chunked.
 *
 * Outside a frame every byte but `A0` is garbage. From an `A0`, four bytes are
 * taken; a bad checksum drops only the bytes up to the next `A0` inside those
 * four, so a frame that lost a byte on the line does not also swallow the good
 * frame after it. Holds at most 3 bytes between calls, never throws.
 */
export class RelayFrameDecoder {
  readonly #frame = new Uint8Array(lcusRelayProtocol.frameLength);
  #length = 0;

  /** Bytes of an unfinished frame are held. */
  get hasPendingBytes(): boolean {
    return this.#length > 0;
  }

  push(bytes: Uint8Array): RelayFrameOutput[] {
    const outputs: RelayFrameOutput[] = [];
    const garbage = new GarbageRuns(outputs);
    for (const byte of bytes) {
      if (this.#length === 0 && byte !== lcusRelayProtocol.startByte) {
        garbage.add('unknownStartByte', byte);
        continue;
      }
      this.#frame[this.#length++] = byte;
      if (this.#length === lcusRelayProtocol.frameLength) this.#decodeFrame(outputs, garbage);
    }
    garbage.flush();
    return outputs;
  }

  /** Forgets a partial frame (a board power-cycles with an empty receive buffer). */
  reset(): void {
    this.#length = 0;
  }

  #decodeFrame(outputs: RelayFrameOutput[], garbage: GarbageRuns): void {
    const [, channel = 0, state = 0, checksum = 0] = this.#frame;
    if (checksum === relayChecksum(channel, state)) {
      this.#length = 0;
      if (channel >= lcusRelayProtocol.minChannel && (state === lcusRelayProtocol.on || state === lcusRelayProtocol.off)) {
        garbage.flush();
        outputs.push({ kind: 'frame', channel, on: state === lcusRelayProtocol.on });
      } else {
        for (const byte of this.#frame) garbage.add('unsupportedCommand', byte);
      }
      return;
    }
    // Resynchronise on the next start mark inside the window, if any.
    let next = 1;
    while (next < this.#length && this.#frame[next] !== lcusRelayProtocol.startByte) next++;
    for (let i = 0; i < next; i++) garbage.add('badChecksum', this.#frame[i] ?? 0);
    this.#frame.copyWithin(0, next, this.#length);
    this.#length -= next;
  }
}

/** Collects consecutive garbage bytes of one reason into one output with a bounded preview. */
class GarbageRuns {
  #reason: RelayGarbageReason | undefined;
  #preview: number[] = [];
  #count = 0;

  constructor(private readonly outputs: RelayFrameOutput[]) {}

  add(reason: RelayGarbageReason, byte: number): void {
    if (reason !== this.#reason) this.flush();
    this.#reason = reason;
    if (this.#preview.length < garbagePreviewBytes) this.#preview.push(byte);
    this.#count++;
  }

  flush(): void {
    if (this.#reason !== undefined && this.#count > 0) {
      this.outputs.push({ kind: 'garbage', reason: this.#reason, bytes: Uint8Array.from(this.#preview), byteCount: this.#count });
    }
    this.#reason = undefined;
    this.#preview = [];
    this.#count = 0;
  }
}

/**
 * Fuzzing entry point: runs arbitrary bytes through a fresh `RelayFrameDecoder`,
 * in chunks whose sizes are taken from the input itself (so split points vary
 * with the data), and returns every output. Never throws; the decoder holds at
 * most 3 bytes whatever the input.
 */
export function fuzzRelayFrameDecoder(input: Uint8Array): RelayFrameOutput[] {
  const decoder = new RelayFrameDecoder();
  const outputs: RelayFrameOutput[] = [];
  let offset = 0;
  while (offset < input.length) {
    const size = 1 + ((input[offset] ?? 0) % 7);
    outputs.push(...decoder.push(input.subarray(offset, offset + size)));
    offset += size;
  }
  return outputs;
}

function assertChannel(channel: unknown, what: string): void {
  if (typeof channel !== 'number' || !Number.isInteger(channel) || channel < lcusRelayProtocol.minChannel || channel > lcusRelayProtocol.maxChannel) {
    throw new RangeError(`${what} must be an integer ${lcusRelayProtocol.minChannel}–${lcusRelayProtocol.maxChannel}, got ${String(channel)}`);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
