import { isUsable } from '../devices';
import { inState } from '../bridge/laneView';
import { requiredDevices, type CheckoutContext } from './machine';
import { ageCheckPending } from './sale';

/**
 * What the lane's tower light says to the assistant across the store, derived
 * from the checkout state alone (the statechart is the single source of truth;
 * the light is one more screen of it):
 * - `open`: steady green — free, or a shopper is scanning without problems;
 * - `attention`: flashing yellow — the shopper may need help soon (an item
 *   not found, a weighing handed to an assistant, a declined card, a receipt
 *   that did not print, paper running low);
 * - `intervention`: steady red — the lane cannot sell until an assistant
 *   acts (out of service, a required device down mid-sale);
 * - `alarm`: flashing red — reserved for security events (weight mismatch, a
 *   forced unlock), raised by later parts of the checkout;
 * - `closed`: all lamps off — the lane is closed or its software is not running
 *   (red would call an assistant over for nothing).
 */
export type LaneLightIndication = 'closed' | 'open' | 'attention' | 'intervention' | 'alarm';

const attentionStates = ['scanning.unknownItem', 'scanning.rejectedBarcode', 'scanning.needsWeighing', 'scanning.stillThere', 'payment.failed', 'receipt.printFailed'];

/** The shopper is waiting for an assistant to do something only staff may do. */
const waitingForAssistantStates = ['outOfService', 'parked', 'scanning.baggingMismatch', 'scanning.awaitingAgeCheck', 'scanning.skipBaggingNeedsAssistant', 'payment.atAssistant'];

export function laneLightFor(state: string, context: CheckoutContext): LaneLightIndication {
  // Closed, or being serviced by the assistant standing at it: nothing to call anyone over for.
  if (state === 'closed' || state === 'maintenance') return 'closed';
  // Out of service, a basket left behind, an approval only staff can give: nobody can go on until someone comes.
  if (waitingForAssistantStates.includes(state)) return 'intervention';
  const devices = context.devices;
  if (requiredDevices.some((role) => {
      const status = devices[role];
      return status !== undefined && !isUsable(status);
    }))
    return 'intervention';
  // An age check is coming (the assistant can do it while the shopper scans, saving the wait at "Pay").
  if (context.help || ageCheckPending(context.sale) || attentionStates.some((path) => inState(state, path))) return 'attention';
  // An installed optional device that fails (a scale) or paper running low: help will be needed.
  const optionalDown = Object.entries(devices).some(([role, status]) => role !== 'laneLight' && status !== undefined && !isUsable(status));
  const paperLow = devices.printer?.kind === 'ready' && devices.printer.warnings.includes('paperNearEnd');
  if (optionalDown || paperLow) return 'attention';
  return 'open';
}
