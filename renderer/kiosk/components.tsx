import { memo, useEffect, useRef, type ReactNode } from 'react';
import type { CheckoutContext, Notice } from '../../shared/checkout/machine';
import type { UiEvent } from '../../shared/checkout/events';
import type { DeviceRole } from '../../shared/devices';
import { barcodeReasonKey, deviceProblemKeys, deviceRoleKey } from '../../shared/i18n';
import { endonyms, languages, localized, type Language } from '../../shared/i18n/languages';
import { InfoIcon, Spinner, WarningIcon } from './icons';
import { useKioskText } from './i18n';

export type Send = (event: UiEvent) => void;

type ButtonVariant = 'primary' | 'secondary' | 'danger';

export function Button({
  testId,
  variant = 'secondary',
  size,
  className: extra,
  disabled,
  onPress,
  children,
}: {
  testId: string;
  variant?: ButtonVariant;
  size?: 'huge';
  /** More classes for this button's layout (its look comes from `variant` and `size`). */
  className?: string;
  disabled?: boolean;
  onPress: () => void;
  children: ReactNode;
}) {
  const className = `btn btn--${variant}${size ? ` btn--${size}` : ''}${extra ? ` ${extra}` : ''}`;
  return (
    <button type="button" className={className} data-testid={testId} disabled={disabled} onClick={onPress}>
      {children}
    </button>
  );
}

/** Four buttons with each language's own name; the pressed one is the lane's current language. */
export const LanguageSwitcher = memo(function LanguageSwitcher({ current, send, large }: { current: Language; send: Send; large?: boolean }) {
  const { t } = useKioskText();
  return (
    <nav className={large ? 'languages languages--large' : 'languages'} aria-label={t('app.languages')}>
      {languages.map((language) => (
        <button
          key={language}
          type="button"
          className="lang"
          lang={language}
          aria-pressed={language === current}
          data-testid={`language-${language}`}
          onClick={() => {
            if (language !== current) send({ type: 'ui.setLanguage', language });
          }}
        >
          {endonyms[language]}
        </button>
      ))}
    </nav>
  );
});

export function TopBar({ context, send, showLanguages }: { context: CheckoutContext; send: Send; showLanguages: boolean }) {
  const { t } = useKioskText();
  return (
    <header className="topbar">
      <div className="topbar__where">
        <span className="topbar__store">{context.lane.storeName}</span>
        <span className="topbar__lane">{t('app.lane', { laneId: context.lane.laneId })}</span>
      </div>
      {showLanguages && <LanguageSwitcher current={context.language} send={send} />}
      <ContrastButton on={Boolean(context.highContrast)} send={send} />
      <HelpButton called={Boolean(context.help)} send={send} />
      <StaffCorner context={context} send={send} />
    </header>
  );
}

/**
 * Staff only: a small button at the far end opens the sign-in pad; while an assistant is
 * signed in, their name and Sign out stand there instead.
 */
function StaffCorner({ context, send }: { context: CheckoutContext; send: Send }) {
  const { t } = useKioskText();
  const assistant = context.assistant;
  if (assistant) {
    return (
      <div className="topbar__staff" data-testid="staff-signed-in">
        <span className="topbar__assistant">{t('staff.panel.title', { name: assistant.name })}</span>
        <button type="button" className="staff-button" data-testid="staff-sign-out" onClick={() => send({ type: 'ui.assistantSignOut' })}>
          {t('staff.signOut')}
        </button>
      </div>
    );
  }
  return (
    <button type="button" className="staff-button" data-testid="staff" onClick={() => send({ type: 'ui.openSignIn' })}>
      {t('staff.button')}
    </button>
  );
}

/** High contrast on or off, for shoppers who see the normal colours poorly; the next shopper starts without it. */
function ContrastButton({ on, send }: { on: boolean; send: Send }) {
  const { t } = useKioskText();
  return (
    <button type="button" className="contrast-button" data-testid="high-contrast" aria-pressed={on} onClick={() => send({ type: 'ui.setHighContrast', on: !on })}>
      {t('display.highContrast')}
    </button>
  );
}

/** On every screen: calls an assistant (the lane sends them its context); pressed again, cancels the call. */
function HelpButton({ called, send }: { called: boolean; send: Send }) {
  const { t } = useKioskText();
  return (
    <button
      type="button"
      className={called ? 'help-button help-button--called' : 'help-button'}
      data-testid="help"
      aria-pressed={called}
      onClick={() => send({ type: called ? 'ui.cancelHelp' : 'ui.callHelp' })}
    >
      {called ? t('help.cancel') : t('help.call')}
    </button>
  );
}

/** While an assistant is on the way: say so, so the shopper waits rather than walks off. */
export function HelpBanner({ context, send }: { context: CheckoutContext; send: Send }) {
  const { t } = useKioskText();
  if (!context.help) return null;
  return (
    <div className="banner banner--info" role="status" data-testid="help-banner">
      <InfoIcon className="banner__icon" />
      <div className="banner__text">
        <p>
          <strong>{t('help.calledTitle')}</strong> {t('help.calledBody')}
        </p>
      </div>
      <Button testId="cancel-help" onPress={() => send({ type: 'ui.cancelHelp' })}>
        {t('help.cancel')}
      </Button>
    </div>
  );
}

/** `scanning.stillThere`: the lane asks before it parks the sale. */
export function StillThereDialog({ send }: { send: Send }) {
  const { t } = useKioskText();
  return (
    <Dialog
      kind="stillThere"
      tone="info"
      title={t('stillThere.title')}
      actions={
        <Button testId="still-here" variant="primary" onPress={() => send({ type: 'ui.dismiss' })}>
          {t('stillThere.continue')}
        </Button>
      }
    >
      <p>{t('stillThere.body')}</p>
    </Dialog>
  );
}

/** Devices whose trouble changes what the shopper can do; an optional device shows only if installed. */
const bannerRoles: readonly DeviceRole[] = ['scanner', 'scale', 'baggingScale', 'printer', 'paymentTerminal'];

/** What is wrong with a device, e.g. "Receipt printer: out of paper". */
export function useDeviceProblem(): (role: DeviceRole, context: CheckoutContext) => string | null {
  const { t } = useKioskText();
  return (role, context) => {
    const status = context.devices[role];
    if (!status) return null;
    const problems = deviceProblemKeys(status);
    if (problems.length === 0) return null;
    return t('outOfService.deviceProblem', { device: t(deviceRoleKey(role)), problem: problems.map((key) => t(key)).join(', ') });
  };
}

/**
 * A non-blocking strip during a sale when a device the shopper needs is not ready:
 * what is wrong ("Receipt printer: out of paper.") and what it means for the shopper.
 */
export function DeviceBanner({ context }: { context: CheckoutContext }) {
  const { t } = useKioskText();
  const problemOf = useDeviceProblem();
  const down = bannerRoles.flatMap((role) => {
    const problem = problemOf(role, context);
    return problem ? [{ role, problem }] : [];
  });
  if (down.length === 0) return null;
  return (
    <div className="banner" role="status" data-testid="device-banner">
      <WarningIcon className="banner__icon" />
      <div className="banner__text">
        {down.map(({ role, problem }) => (
          <p key={role} data-role={role}>
            <strong>{problem}.</strong> {t(`device.banner.${role}`)}
          </p>
        ))}
      </div>
    </div>
  );
}

export function Dialog({ kind, title, tone, children, actions }: { kind: string; title: string; tone: 'warning' | 'info'; children: ReactNode; actions: ReactNode }) {
  const titleId = `dialog-title-${kind}`;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Move focus into the dialog so a screen reader announces it and the buttons behind it are out of reach.
    ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [kind]);
  return (
    <div className="modal-backdrop">
      <div ref={ref} className={`modal modal--${tone}`} role="alertdialog" aria-modal="true" aria-labelledby={titleId} data-testid="notice" data-kind={kind}>
        <div className="modal__head">
          {tone === 'warning' ? <WarningIcon className="modal__icon" /> : <InfoIcon className="modal__icon" />}
          <h2 id={titleId} className="modal__title">
            {title}
          </h2>
        </div>
        <div className="modal__body">{children}</div>
        {actions && <div className="modal__actions">{actions}</div>}
      </div>
    </div>
  );
}

/** A message from the lane (`context.notice`) that the shopper reads and dismisses. */
export function NoticeDialog({ notice, currency, send }: { notice: Notice; currency: string; send: Send }) {
  const { t, language, money } = useKioskText();
  let body: ReactNode;
  let tone: 'warning' | 'info' = 'warning';
  switch (notice.kind) {
    case 'unknownItem':
      body = (
        <>
          <p>{t('notice.unknownItem.body')}</p>
          <p className="modal__code">{t('notice.code', { code: notice.code })}</p>
        </>
      );
      break;
    case 'rejectedBarcode':
      body = <p>{t(barcodeReasonKey(notice.reason))}</p>;
      break;
    case 'needsWeighing':
      body = <p>{t('notice.needsWeighing.body', { name: localized(notice.name, language) })}</p>;
      break;
    case 'removalNeedsAssistant':
      body = <p>{t('notice.removalNeedsAssistant.body', { name: localized(notice.name, language) })}</p>;
      break;
    case 'finishPaymentFirst':
      body = <p>{t('notice.finishPaymentFirst.body')}</p>;
      tone = 'info';
      break;
    case 'paymentCancelled':
      body = <p>{t('notice.paymentCancelled.body')}</p>;
      tone = 'info';
      break;
    case 'partialApproval':
      body = <p>{t('notice.partialApproval.body', { approved: money(notice.approvedMinor, currency), due: money(notice.dueMinor, currency) })}</p>;
      tone = 'info';
      break;
    case 'couponRejected':
      body = (
        <p>
          {notice.reason === 'minimumSpend'
            ? t('coupon.problem.minimumSpend', { amount: money(notice.minimumSpendMinor ?? 0, currency) })
            : t(`coupon.problem.${notice.reason}`)}
        </p>
      );
      break;
    case 'loyaltyAlreadyScanned':
      body = <p>{t('notice.loyaltyAlreadyScanned.body')}</p>;
      tone = 'info';
      break;
    case 'suspendedSaleNotFound':
      body = <p>{t('notice.suspendedSaleNotFound.body')}</p>;
      break;
  }
  return (
    <Dialog
      kind={notice.kind}
      tone={tone}
      title={t(`notice.${notice.kind}.title`)}
      actions={
        <Button testId="dismiss" variant="primary" onPress={() => send({ type: 'ui.dismiss' })}>
          {t('notice.ok')}
        </Button>
      }
    >
      {body}
    </Dialog>
  );
}

export function ConfirmCancelDialog({ send }: { send: Send }) {
  const { t } = useKioskText();
  return (
    <Dialog
      kind="confirmCancel"
      tone="warning"
      title={t('confirmCancel.title')}
      actions={
        <>
          <Button testId="keep-shopping" variant="primary" onPress={() => send({ type: 'ui.dismiss' })}>
            {t('confirmCancel.no')}
          </Button>
          <Button testId="confirm-cancel" variant="danger" onPress={() => send({ type: 'ui.confirmCancel' })}>
            {t('confirmCancel.yes')}
          </Button>
        </>
      }
    >
      <p>{t('confirmCancel.body')}</p>
    </Dialog>
  );
}

/** Covers the page while the lane is out of reach: never a blank page, never a stale button to tap. */
export function ConnectingOverlay() {
  const { t } = useKioskText();
  return (
    <div className="overlay" data-testid="connecting" role="status" aria-live="polite">
      <Spinner />
      <p className="overlay__title">{t('connection.connecting')}</p>
      <p className="overlay__body">{t('connection.wait')}</p>
    </div>
  );
}
