import type { ItemChoice } from '../catalog/choice';
import type { UiEvent } from '../checkout/events';
import type { LaneView } from './laneView';

/** What a kiosk screen may ask of its lane. Implemented by the lane runtime in main/. */
export interface LaneService {
  /** The current view, e.g. after (re)connecting. */
  getView(args: Record<string, never>): Promise<LaneView>;
  /** A shopper action. `accepted` is false when the statechart ignored it in its current state. */
  sendEvent(args: { event: UiEvent }): Promise<{ accepted: boolean }>;
  /**
   * The item lookup: a PLU, the digits of a barcode that will not scan, or words of a name
   * (typos allowed), best first, names in the shopper's current language first.
   */
  searchItems(args: { text: string }): Promise<{ items: readonly ItemChoice[] }>;
  /** The lookup's first screen: items without a barcode, those this lane sells most first. */
  mostUsedItems(args: Record<string, never>): Promise<{ items: readonly ItemChoice[] }>;
}

/**
 * The longest lookup text the lane accepts: more than any item name a shopper would type,
 * and a bound on the work one call can ask of the lane. The kiosk's search box stops here too.
 */
export const maxSearchTextLength = 64;

/** Events the lane pushes to every connected screen. */
export const laneEvents = {
  /** A new `LaneView`, published after the change it shows was committed. */
  view: 'view',
} as const;

/** Messages cross a channel with this prefix in Electron IPC. */
export const bridgeChannel = 'lanewise:bridge';
