import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { RemoteAction } from '../../shared/supervisor/remoteActions';
import type { StationCommandResult } from '../../shared/supervisor/stationService';
import { useKioskText } from '../kiosk/i18n';
import { useStationStore } from './stationContext';
import { actionName, commandReasonText } from './stationText';

export interface CommandRequest {
  readonly laneId: string;
  readonly action: RemoteAction;
  /** The sale shown when the assistant decided; null for lane-level actions (open, close, message). */
  readonly saleId: string | null;
  readonly reason?: string | undefined;
}

type Shown =
  | { readonly seq: number; readonly request: CommandRequest; readonly outcome: 'pending' }
  | { readonly seq: number; readonly request: CommandRequest; readonly outcome: StationCommandResult['outcome']; readonly reason?: string | undefined };

const SendContext = createContext<((request: CommandRequest) => Promise<StationCommandResult>) | null>(null);

/** How long "Done." stays; anything else stays until dismissed or replaced. */
export const doneShownMs = 10_000;

/**
 * Sends commands for every screen of the station and says what became of the last one, in
 * words: a success for a few seconds, a failure until the next command or until dismissed, so
 * an assistant who looked away still sees that an approval did not go through.
 */
export function CommandProvider({ children }: { children: ReactNode }) {
  const store = useStationStore();
  const [shown, setShown] = useState<Shown | null>(null);
  const seq = useRef(0);
  const send = useCallback(
    async (request: CommandRequest) => {
      const mine = ++seq.current;
      setShown({ seq: mine, request, outcome: 'pending' });
      const result = await store.sendCommand(request);
      // A newer command's answer is what the assistant is waiting for: an older one does not replace it.
      setShown((current) => (current && current.seq > mine ? current : { seq: mine, request, outcome: result.outcome, reason: result.reason }));
      return result;
    },
    [store],
  );
  useEffect(() => {
    if (shown?.outcome !== 'done') return;
    const done = shown.seq;
    const timer = setTimeout(() => setShown((current) => (current?.seq === done ? null : current)), doneShownMs);
    return () => clearTimeout(timer);
  }, [shown]);
  return (
    <SendContext.Provider value={send}>
      {children}
      {shown && <CommandResult shown={shown} onDismiss={() => setShown(null)} />}
    </SendContext.Provider>
  );
}

export function useSendCommand(): (request: CommandRequest) => Promise<StationCommandResult> {
  const send = useContext(SendContext);
  if (!send) throw new Error('useSendCommand outside a CommandProvider');
  return send;
}

function CommandResult({ shown, onDismiss }: { shown: Shown; onDismiss: () => void }) {
  const { t } = useKioskText();
  const what = useMemo(() => t('station.result.what', { laneId: shown.request.laneId, action: actionName(t, shown.request.action) }), [t, shown.request]);
  if (shown.outcome === 'pending') {
    return (
      <div className="st-result st-result--pending" role="status" aria-live="polite" data-testid="command-pending">
        <p className="st-result__text">
          <strong>{what}</strong> {t('station.result.sending')}
        </p>
      </div>
    );
  }
  const good = shown.outcome === 'done';
  return (
    <div className={good ? 'st-result st-result--done' : 'st-result st-result--failed'} role={good ? 'status' : 'alert'} data-testid="command-result" data-outcome={shown.outcome}>
      <p className="st-result__text">
        <strong>{what}</strong> {t(`station.outcome.${shown.outcome}`)}
        {!good && shown.reason && <span className="st-result__reason"> {commandReasonText(t, shown.reason)}</span>}
      </p>
      <button type="button" className="st-btn st-btn--small" data-testid="command-result-dismiss" onClick={onDismiss}>
        {t('station.result.dismiss')}
      </button>
    </div>
  );
}
