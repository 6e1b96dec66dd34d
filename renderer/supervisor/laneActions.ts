import { inState } from '../../shared/bridge/laneView';
import type { AssistantRef } from '../../shared/checkout/sale';
import type { LaneStatus } from '../../shared/supervisor/laneStatus';
import { mayPerform } from '../../shared/supervisor/remoteActions';

/** What the lane detail offers, by what the lane is doing now and what the assistant's role allows. */
export interface OfferedActions {
  readonly approveAge: boolean;
  readonly refuseAge: boolean;
  readonly clearWeight: boolean;
  readonly approveSkip: boolean;
  /** Take a line off, or one piece of a line a shopper asked about. */
  readonly editLines: boolean;
  readonly overridePrice: boolean;
  readonly cancelSale: boolean;
  readonly resumeSale: boolean;
  readonly openLane: boolean;
  readonly closeLane: boolean;
  readonly startMaintenance: boolean;
  readonly endMaintenance: boolean;
  readonly message: boolean;
}

export const noActions: OfferedActions = {
  approveAge: false,
  refuseAge: false,
  clearWeight: false,
  approveSkip: false,
  editLines: false,
  overridePrice: false,
  cancelSale: false,
  resumeSale: false,
  openLane: false,
  closeLane: false,
  startMaintenance: false,
  endMaintenance: false,
  message: false,
};

/**
 * Mirrors what the lane's own assistant panel shows in each state, so the station never offers
 * a button the lane would answer "not now" to in the ordinary case. The lane still decides:
 * the basket may change between this screen and the command arriving.
 */
export function offeredActions(status: LaneStatus, role: AssistantRef['role']): OfferedActions {
  const { state, sale } = status;
  const needs = new Set(status.interventions.map((intervention) => intervention.kind));
  const scanning = inState(state, 'scanning');
  const parked = state === 'parked';
  const may = (kind: Parameters<typeof mayPerform>[1]) => mayPerform(role, kind);
  const editLines = scanning && sale !== null && sale.lines.length > 0;
  return {
    approveAge: needs.has('ageCheck') && may('approveAge'),
    refuseAge: needs.has('ageCheck') && may('refuseAge'),
    clearWeight: needs.has('weightMismatch') && may('approveBagging'),
    approveSkip: needs.has('skipBagging') && may('approveSkipBagging'),
    editLines: editLines && may('setQuantity'),
    overridePrice: editLines && may('overridePrice'),
    cancelSale: sale !== null && (scanning || parked || state === 'payment.choosing') && may('voidSale'),
    resumeSale: parked && may('resumeSale'),
    openLane: state === 'closed' && may('openLane'),
    closeLane: state !== 'closed' && state !== 'maintenance' && may('closeLane'),
    startMaintenance: (state === 'closed' || state === 'idle' || state === 'outOfService') && may('startMaintenance'),
    endMaintenance: state === 'maintenance' && may('endMaintenance'),
    message: may('sendMessage'),
  };
}
