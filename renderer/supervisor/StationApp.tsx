import { useEffect, useMemo, useState } from 'react';
import { endonyms, languages, type Language } from '../../shared/i18n/languages';
import type { StationAssistant } from '../../shared/supervisor/stationService';
import { KioskLanguage, useKioskText } from '../kiosk/i18n';
import { createToneAlert, type AlertSound } from './alertSound';
import { AuditScreen } from './AuditScreen';
import { CommandProvider } from './commands';
import { InterventionQueue } from './InterventionQueue';
import { LaneDetail } from './LaneDetail';
import { LaneTiles } from './LaneTiles';
import { useQueueAlerts } from './queueAlerts';
import { ReportsScreen } from './ReportsScreen';
import { SignInScreen } from './SignInScreen';
import { StationProvider, useStationSnapshot, useStationStore } from './stationContext';
import { readSetting, writeSetting } from './stationSettings';
import type { StationStore } from './stationStore';
import { preferredLanguage } from './stationText';

export interface StationAppProps {
  readonly store: StationStore;
  /** The alert chime; tests pass a recorder. */
  readonly sound?: AlertSound;
  /** The language to start in; by default the last one chosen here, else the browser's. */
  readonly initialLanguage?: Language;
}

type Page = { readonly name: 'lanes' | 'audit' | 'reports' } | { readonly name: 'lane'; readonly laneId: string };

/** The supervisor station: sign-in, then the lanes and their queue, a lane's detail, the audit trail and reports. */
export function StationApp({ store, sound, initialLanguage }: StationAppProps) {
  const [language, setLanguage] = useState<Language>(() => initialLanguage ?? preferredLanguage(readSetting('language'), globalThis.navigator?.languages ?? []));
  const alert = useMemo(() => sound ?? createToneAlert(), [sound]);
  const chooseLanguage = (next: Language) => {
    setLanguage(next);
    writeSetting('language', next);
  };
  return (
    <StationProvider store={store}>
      <KioskLanguage language={language}>
        <DocumentTitle />
        <Station language={language} onLanguage={chooseLanguage} sound={alert} />
      </KioskLanguage>
    </StationProvider>
  );
}

function DocumentTitle() {
  const { t, language } = useKioskText();
  const title = t('station.title');
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = title;
  }, [language, title]);
  return null;
}

function Station({ language, onLanguage, sound }: { language: Language; onLanguage: (language: Language) => void; sound: AlertSound }) {
  const { t } = useKioskText();
  const snapshot = useStationSnapshot();
  const [muted, setMuted] = useState(() => readSetting('muted') === 'true');
  const toggleMute = () => {
    setMuted(!muted);
    writeSetting('muted', String(!muted));
  };

  // Sound is allowed only after the user has touched the page: the first tap or key press unlocks it.
  useEffect(() => {
    const unlock = () => sound.unlock();
    window.addEventListener('pointerdown', unlock);
    window.addEventListener('keydown', unlock);
    return () => {
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
  }, [sound]);

  const assistant = snapshot.assistant;
  return (
    <div className={snapshot.connected ? 'station' : 'station station--stale'} data-testid="station" data-connected={String(snapshot.connected)}>
      {!snapshot.connected && (
        <div className="st-offline" role="alert" data-testid="station-offline">
          {snapshot.loaded ? t('station.offline') : t('station.connecting')}
        </div>
      )}
      {assistant ? (
        // Keyed by who signed in: the next assistant starts on the lanes, with nothing left open.
        <SignedIn key={assistant.id} assistant={assistant} language={language} onLanguage={onLanguage} muted={muted} onToggleMute={toggleMute} sound={sound} />
      ) : (
        <>
          <Header assistant={null} language={language} onLanguage={onLanguage} muted={muted} onToggleMute={toggleMute} page={null} onPage={() => {}} />
          <SignInScreen disabled={!snapshot.connected} />
        </>
      )}
    </div>
  );
}

function SignedIn({
  assistant,
  language,
  onLanguage,
  muted,
  onToggleMute,
  sound,
}: {
  assistant: StationAssistant;
  language: Language;
  onLanguage: (language: Language) => void;
  muted: boolean;
  onToggleMute: () => void;
  sound: AlertSound;
}) {
  const store = useStationStore();
  const snapshot = useStationSnapshot();
  const [page, setPage] = useState<Page>({ name: 'lanes' });
  useQueueAlerts({ queue: snapshot.queue, muted, sound, hubNow: store.hubNow });
  const openLane = (laneId: string) => setPage({ name: 'lane', laneId });
  const canSend = snapshot.connected;

  let body;
  switch (page.name) {
    case 'lane':
      body = <LaneDetail laneId={page.laneId} assistant={assistant} canSend={canSend} onBack={() => setPage({ name: 'lanes' })} />;
      break;
    case 'audit':
      body = <AuditScreen />;
      break;
    case 'reports':
      body = <ReportsScreen shifts={snapshot.shifts} />;
      break;
    case 'lanes':
      body = (
        <main className="st-overview" data-testid="overview">
          <InterventionQueue queue={snapshot.queue} lanes={snapshot.lanes} role={assistant.role} canSend={canSend} onOpen={openLane} />
          <LaneTiles lanes={snapshot.lanes} queue={snapshot.queue} onOpen={openLane} />
        </main>
      );
      break;
  }
  return (
    <CommandProvider>
      <Header assistant={assistant} language={language} onLanguage={onLanguage} muted={muted} onToggleMute={onToggleMute} page={page.name === 'lane' ? 'lanes' : page.name} onPage={(name) => setPage({ name })} />
      {body}
    </CommandProvider>
  );
}

function Header({
  assistant,
  language,
  onLanguage,
  muted,
  onToggleMute,
  page,
  onPage,
}: {
  assistant: StationAssistant | null;
  language: Language;
  onLanguage: (language: Language) => void;
  muted: boolean;
  onToggleMute: () => void;
  page: 'lanes' | 'audit' | 'reports' | null;
  onPage: (page: 'lanes' | 'audit' | 'reports') => void;
}) {
  const { t } = useKioskText();
  const store = useStationStore();
  return (
    <header className="st-header">
      <span className="st-header__brand">{t('station.title')}</span>
      {assistant && (
        <nav className="st-nav" aria-label={t('station.nav.label')}>
          {(['lanes', 'audit', 'reports'] as const).map((name) => (
            <button key={name} type="button" className="st-nav__item" aria-current={page === name ? 'page' : undefined} data-testid={`station-nav-${name}`} onClick={() => onPage(name)}>
              {t(`station.nav.${name}`)}
            </button>
          ))}
        </nav>
      )}
      <div className="st-header__tools">
        {assistant && (
          <span className="st-header__assistant" data-testid="station-assistant" data-role={assistant.role}>
            {assistant.name} · {t(`station.role.${assistant.role}`)}
          </span>
        )}
        <button type="button" className="st-tool" aria-pressed={muted} data-testid="station-mute" onClick={onToggleMute}>
          {muted ? t('station.sound.off') : t('station.sound.on')}
        </button>
        <div className="st-languages" role="group" aria-label={t('app.languages')}>
          {languages.map((candidate) => (
            <button key={candidate} type="button" className="st-tool st-tool--language" lang={candidate} aria-pressed={candidate === language} data-testid={`station-language-${candidate}`} onClick={() => onLanguage(candidate)}>
              <span className="st-tool__long">{endonyms[candidate]}</span>
              <span className="st-tool__short" aria-hidden="true">
                {candidate.toUpperCase()}
              </span>
            </button>
          ))}
        </div>
        {assistant && (
          <button type="button" className="st-tool st-tool--signout" data-testid="station-signout" onClick={() => void store.signOut()}>
            {t('staff.signOut')}
          </button>
        )}
      </div>
    </header>
  );
}
