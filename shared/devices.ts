/**
 * The peripherals a lane drives, by the job they do at the lane. A scanner-scale
 * on one cable is two roles (UnifiedPOS: multi-function hardware appears as
 * independent logical devices).
 */
export const deviceRoles = ['scanner', 'scale', 'baggingScale', 'printer', 'paymentTerminal', 'laneLight'] as const;
export type DeviceRole = (typeof deviceRoles)[number];

/** A device is attached and answering, but cannot do its job until someone fixes this. */
export type DeviceFault =
  | 'paperEnd'
  | 'coverOpen'
  | 'printerOffline'
  | 'cutterError'
  | 'unrecoverableError'
  | 'notResponding'
  /** A scale reporting a RAM/ROM/EEPROM error or a lost calibration: not legal for trade until serviced. */
  | 'scaleError';

/** Worth telling an assistant about, but the device still works. */
export type DeviceWarning = 'paperNearEnd';

/**
 * Status of one logical device, after UnifiedPOS's device model:
 * closed → connecting → ready ⇄ fault, and lost (line gone; the service keeps reconnecting).
 */
export type DeviceStatus =
  | { readonly kind: 'closed' }
  | { readonly kind: 'connecting' }
  | { readonly kind: 'ready'; readonly warnings: readonly DeviceWarning[] }
  | { readonly kind: 'fault'; readonly faults: readonly DeviceFault[] }
  | { readonly kind: 'lost'; readonly reason: string };

export function isUsable(status: DeviceStatus): boolean {
  return status.kind === 'ready';
}
