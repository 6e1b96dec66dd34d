import { useEffect, useLayoutEffect, type ReactNode } from 'react';
import { inState, type LaneView } from '../../shared/bridge/laneView';
import { isLanguage } from '../../shared/i18n/languages';
import { Button, ConfirmCancelDialog, ConnectingOverlay, Dialog, DeviceBanner, HelpBanner, NoticeDialog, StillThereDialog, TopBar, type Send } from './components';
import { KioskLanguage, useKioskText } from './i18n';
import { Spinner } from './icons';
import { recordRenderedScan } from './renderTrace';
import { SpokenPrompts, type Speaker } from './spokenPrompts';
import { LaneMessageBanner, VoidRequestBanner } from './stationBanners';
import { BaggingDialog } from './screens/BaggingDialog';
import { BasketScreen } from './screens/BasketScreen';
import { ClosedScreen } from './screens/ClosedScreen';
import { LookupScreen } from './screens/LookupScreen';
import { MaintenanceScreen } from './screens/MaintenanceScreen';
import { OutOfServiceScreen } from './screens/OutOfServiceScreen';
import { ParkedScreen } from './screens/ParkedScreen';
import { PaymentScreen } from './screens/PaymentScreen';
import { ReceiptScreen } from './screens/ReceiptScreen';
import { WelcomeScreen } from './screens/WelcomeScreen';
import { WeighingDialog } from './screens/WeighingDialog';
import { AssistantPanel } from './staff/AssistantPanel';
import { SignInDialog } from './staff/SignInDialog';

export interface KioskProps {
  /** The lane's latest view; null until the first one arrives. */
  readonly view: LaneView | null;
  /** False while the lane is out of reach: the last view stays underneath a "connecting" overlay. */
  readonly connected: boolean;
  readonly send: Send;
  /** Who says the spoken prompts: the browser's speech synthesis by default; null for silence (tests). */
  readonly speaker?: Speaker | null;
  /** Shown in the Electron kiosk shell: staff may then ask it to leave kiosk mode. */
  readonly inKioskShell?: boolean;
}

/** The whole kiosk page: renders the lane's view and nothing else. */
export function Kiosk({ view, connected, send, speaker, inKioskShell = false }: KioskProps) {
  // A language this build does not know (a newer lane) shows in English rather than breaking formatting.
  const language = view && isLanguage(view.context.language) ? view.context.language : 'en';

  useLayoutEffect(() => {
    if (view?.trace) recordRenderedScan(view.trace.id);
  }, [view]);

  return (
    <KioskLanguage language={language}>
      <DocumentLanguage />
      {view && <Screen view={view} send={send} inKioskShell={inKioskShell} />}
      {view && connected && <SpokenPrompts view={view} speaker={speaker} />}
      {(!connected || !view) && <ConnectingOverlay />}
    </KioskLanguage>
  );
}

function DocumentLanguage() {
  const { t, language } = useKioskText();
  const title = t('app.title');
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = title;
  }, [language, title]);
  return null;
}

function Screen({ view, send, inKioskShell }: { view: LaneView; send: Send; inKioskShell: boolean }) {
  const { state, context } = view;
  let body: ReactNode;
  let modal: ReactNode = null;
  let duringSale = false;
  let banner: ReactNode = null;

  if (state === 'idle') {
    body = <WelcomeScreen language={context.language} send={send} />;
  } else if (state === 'outOfService') {
    body = <OutOfServiceScreen context={context} />;
  } else if (state === 'closed') {
    body = <ClosedScreen />;
  } else if (state === 'maintenance') {
    body = <MaintenanceScreen />;
  } else if (state === 'scanning.lookup') {
    duringSale = true;
    body = <LookupScreen view={view} send={send} />;
  } else if (state === 'parked') {
    body = <ParkedScreen view={view} send={send} />;
  } else if (inState(state, 'scanning')) {
    duringSale = true;
    body = <BasketScreen view={view} send={send} />;
    if (state === 'scanning.confirmingCancel') modal = <ConfirmCancelDialog send={send} />;
    else if (state === 'scanning.weighing') modal = <WeighingDialog context={context} send={send} />;
    else if (state === 'scanning.stillThere') modal = <StillThereDialog send={send} />;
    else if (state === 'scanning.baggingMismatch') modal = <BaggingDialog context={context} send={send} />;
    else if (state === 'scanning.awaitingAgeCheck') modal = <AwaitingAgeCheckDialog send={send} />;
    else if (state === 'scanning.skipBaggingNeedsAssistant') modal = <SkipBaggingNeedsAssistantDialog send={send} />;
    else if (context.notice) modal = <NoticeDialog notice={context.notice} currency={context.lane.currency} send={send} />;
  } else if (inState(state, 'payment')) {
    duringSale = true;
    body = <PaymentScreen view={view} send={send} />;
    if (context.bagging?.mismatch?.kind === 'itemRemoved') banner = <KeepBaggedBanner />;
    // On every payment step, the choice included (a partial approval is explained there).
    if (context.notice) modal = <NoticeDialog notice={context.notice} currency={context.lane.currency} send={send} />;
  } else if (inState(state, 'receipt')) {
    body = <ReceiptScreen view={view} send={send} />;
  } else {
    body = <WaitScreen />;
  }

  const top = state.split('.')[0] ?? '';
  const signIn = context.signIn ?? null;
  const staff = Boolean(context.assistant);
  return (
    <div className={`screen screen--${top}${context.highContrast ? ' screen--contrast' : ''}`} data-testid={`screen-${state.replaceAll('.', '-')}`} data-state={state}>
      <TopBar context={context} send={send} showLanguages={state !== 'idle'} />
      {duringSale && <DeviceBanner context={context} />}
      <HelpBanner context={context} send={send} />
      <LaneMessageBanner context={context} send={send} />
      <VoidRequestBanner context={context} send={send} />
      {banner}
      {/* Dialogs cover the screen below the top bar, so language and Help stay in reach and the bar never hides a dialog's top. */}
      <div className={staff ? 'screen__body screen__body--staff' : 'screen__body'}>
        <main className="screen__main" inert={modal !== null || signIn !== null}>
          {body}
        </main>
        {modal}
        {/* Staff controls sit beside the shopper's screen (and its dialogs), the sign-in pad over everything. */}
        {staff && (
          <div className="staff-panel-frame" inert={signIn !== null}>
            <AssistantPanel view={view} send={send} inKioskShell={inKioskShell} />
          </div>
        )}
        {signIn && <SignInDialog pad={signIn} send={send} />}
      </div>
    </div>
  );
}

/** `scanning.awaitingAgeCheck`: "Pay" with an age-restricted item; an assistant checks ID first. */
function AwaitingAgeCheckDialog({ send }: { send: Send }) {
  const { t } = useKioskText();
  return (
    <Dialog
      kind="awaitingAgeCheck"
      tone="info"
      title={t('age.waiting.title')}
      actions={
        <Button testId="age-back" onPress={() => send({ type: 'ui.dismiss' })}>
          {t('age.waiting.back')}
        </Button>
      }
    >
      <p>{t('age.waiting.body')}</p>
    </Dialog>
  );
}

/** `scanning.skipBaggingNeedsAssistant`: more items left out of the bagging area than a shopper may skip alone. */
function SkipBaggingNeedsAssistantDialog({ send }: { send: Send }) {
  const { t } = useKioskText();
  return (
    <Dialog
      kind="skipBaggingNeedsAssistant"
      tone="info"
      title={t('bagging.skipNeedsAssistant.title')}
      actions={
        <Button testId="dismiss" variant="primary" onPress={() => send({ type: 'ui.dismiss' })}>
          {t('notice.ok')}
        </Button>
      }
    >
      <p>{t('bagging.skipNeedsAssistant.body')}</p>
    </Dialog>
  );
}

/** Items taken out of the bagging area while the card is at the terminal: said at once, without stopping the payment. */
function KeepBaggedBanner() {
  const { t } = useKioskText();
  return (
    <div className="banner" role="alert" data-testid="keep-bagged">
      <div className="banner__text">
        <p>
          <strong>{t('bagging.keepDuringPayment')}</strong>
        </p>
      </div>
    </div>
  );
}

/** A state this build does not know (a newer lane): nothing to tap, just wait for the next view. */
function WaitScreen() {
  const { t } = useKioskText();
  return (
    <div className="status">
      <Spinner className="spinner spinner--dark" />
      <p className="status__title">{t('connection.wait')}</p>
    </div>
  );
}
