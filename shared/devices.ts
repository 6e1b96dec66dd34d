/** The peripherals a lane drives, by the job they do at the lane. */
export type DeviceRole = 'scanner' | 'printer' | 'paymentTerminal';

/** A device is attached and answering, but cannot do its job until someone fixes this. */
export type DeviceFault =
  | 'paperEnd'
  | 'coverOpen'
  | 'printerOffline'
  | 'cutterError'
  | 'unrecoverableError'
  | 'notResponding';

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
