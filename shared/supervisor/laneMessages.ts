/**
 * What an assistant at the supervisor station can put on a lane's screen. Only these
 * prepared messages: each is translated into the shopper's language (free text would
 * arrive in the assistant's language, and would be a way to show anything on a kiosk).
 */
export const laneMessageKeys = ['assistantComing', 'pleaseWait', 'useAnotherLane', 'laneClosingSoon', 'checkBaggingArea'] as const;
export type LaneMessageKey = (typeof laneMessageKeys)[number];

/** A message shown on a lane until the shopper dismisses it or a newer one replaces it. */
export interface LaneMessage {
  readonly key: LaneMessageKey;
  /** The assistant's first name as the station knows it ("Anna is on the way"). */
  readonly from: string;
  readonly at: number;
}
