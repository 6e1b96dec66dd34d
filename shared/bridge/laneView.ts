import type { CheckoutContext } from '../checkout/machine';
import type { Discount } from '../checkout/promotions';

/**
 * When each stage of one scan happened (epoch milliseconds, sub-millisecond precision),
 * so the latency benchmark can split scan-to-screen into its parts.
 */
export interface ScanTrace {
  readonly id: number;
  /** First byte of the frame read from the serial line. */
  readonly firstByteAt: number;
  /** Frame terminator read. */
  readonly receivedAt: number;
  /** Barcode decoded and looked up in the catalogue. */
  readonly decodedAt: number;
  /** Event and new state committed to the journal. */
  readonly committedAt: number;
  /** View handed to the bridge. */
  readonly publishedAt: number;
}

/** What the lane runtime publishes to screens after every committed change. */
export interface LaneView {
  /** Increases with every published change; a screen ignores anything older than what it shows. */
  readonly version: number;
  /** The statechart's state as a dotted path of its active leaf, e.g. `scanning.ready`. */
  readonly state: string;
  readonly context: CheckoutContext;
  /** What the open sale costs after promotions, coupons and the loyalty card (0 without a sale). */
  readonly totalMinor: number;
  /** The line prices before discounts, what the discounts take off, and each discount (pricing.ts). */
  readonly subtotalMinor?: number;
  readonly savingsMinor?: number;
  readonly discounts?: readonly Discount[];
  readonly itemCount: number;
  /** Present when this change came from a scan. */
  readonly trace?: ScanTrace | undefined;
}

/** True when `state` is `path` or inside it: `inState(view.state, 'scanning')`. */
export function inState(state: string, path: string): boolean {
  return state === path || state.startsWith(`${path}.`);
}

/** Flattens an XState state value to the dotted path of its (single) active leaf. */
export function stateToPath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, child] = Object.entries(value)[0] ?? [];
    if (key === undefined) return '';
    const rest = stateToPath(child);
    return rest ? `${key}.${rest}` : key;
  }
  return '';
}
