import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useKioskText } from '../kiosk/i18n';

/**
 * A question before something is sent to a lane (and the frame of the price and message
 * choosers): OK and Cancel, Escape cancels. Focus moves in so a keyboard or screen reader
 * user lands on it.
 */
export function StationDialog({
  title,
  children,
  okLabel,
  okDisabled,
  danger,
  onOk,
  onCancel,
  kind,
}: {
  title: string;
  children?: ReactNode;
  okLabel: string;
  okDisabled?: boolean;
  danger?: boolean;
  onOk: () => void;
  onCancel: () => void;
  /** What the dialog is about (`data-kind`), for tests and styling. */
  kind: string;
}) {
  const { t } = useKioskText();
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Into the first field; else onto Cancel when the answer cannot be undone, so a stray Enter does nothing.
    const dialog = ref.current;
    const first = dialog?.querySelector<HTMLElement>('input, select, [aria-pressed]') ?? dialog?.querySelector<HTMLElement>(`[data-testid="${danger ? 'confirm-cancel' : 'confirm-ok'}"]`);
    first?.focus();
    // Only when the dialog opens: moving focus again on every render would steal it from the fields.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <div className="st-dialog-backdrop" onKeyDown={(event) => event.key === 'Escape' && onCancel()}>
      <div ref={ref} className="st-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="confirm" data-kind={kind}>
        <h2 id={titleId} className="st-dialog__title">
          {title}
        </h2>
        {children && <div className="st-dialog__body">{children}</div>}
        <div className="st-dialog__actions">
          <button type="button" className="st-btn" data-testid="confirm-cancel" onClick={onCancel}>
            {t('station.confirm.cancel')}
          </button>
          <button type="button" className={danger ? 'st-btn st-btn--danger' : 'st-btn st-btn--primary'} data-testid="confirm-ok" disabled={okDisabled} onClick={onOk}>
            {okLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
