import type { Disposable } from '../../shared/event';
import type { SerialTransport } from '../serial/transport';
import { encodeRealtimeStatusRequest, isRealtimeStatusReply, RealtimeStatusQuery } from './codec';

/**
 * The ESC/POS driver's `supported()` probe: sends `DLE EOT 1` (real-time
 * printer status, answered even mid-job) and resolves true when a byte with
 * the reply's fixed bits `0xx1xx10` comes back within `timeoutMs`. Opens the
 * transport if it is closed and closes it again; never rejects.
 */
export async function probeEscPosPrinter(transport: SerialTransport, timeoutMs = 500): Promise<boolean> {
  const openedHere = !transport.isOpen;
  let settle: (supported: boolean) => void = () => undefined;
  const answered = new Promise<boolean>((resolve) => (settle = resolve));
  const subscriptions: Disposable[] = [
    transport.onData((bytes) => {
      if (bytes.some(isRealtimeStatusReply)) settle(true);
    }),
    transport.onLost(() => settle(false)),
  ];
  const timer = setTimeout(() => settle(false), timeoutMs);
  try {
    if (openedHere) await transport.open();
    transport.write(encodeRealtimeStatusRequest(RealtimeStatusQuery.printer)).catch(() => settle(false));
    return await answered;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    for (const subscription of subscriptions) subscription.dispose();
    if (openedHere) await transport.close().catch(() => undefined);
  }
}
