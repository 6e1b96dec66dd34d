import { laneStateKey } from '../../shared/i18n/stationTerms';
import type { LaneStoreStatus } from '../../shared/supervisor/laneStatus';
import type { LaneTile, QueuedIntervention } from '../../shared/supervisor/stationService';
import { useKioskText } from '../kiosk/i18n';
import { formatElapsed } from './format';
import { severityOf } from './interventions';
import { useHubNow } from './stationContext';
import { interventionName } from './stationText';

/** A tile per lane, in lane order: one column on a phone, as many as fit on a desktop. */
export function LaneTiles({ lanes, queue, onOpen }: { lanes: readonly LaneTile[]; queue: readonly QueuedIntervention[]; onOpen: (laneId: string) => void }) {
  const { t } = useKioskText();
  const now = useHubNow();
  if (lanes.length === 0) {
    return (
      <p className="st-empty" data-testid="lanes-empty">
        {t('station.lanes.none')}
      </p>
    );
  }
  return (
    <ul className="st-tiles" aria-label={t('station.lanes.title')}>
      {lanes.map((tile) => (
        <li key={tile.laneId}>
          <Tile tile={tile} waiting={queue.filter((item) => item.laneId === tile.laneId)} now={now} onOpen={onOpen} />
        </li>
      ))}
    </ul>
  );
}

function Tile({ tile, waiting, now, onOpen }: { tile: LaneTile; waiting: readonly QueuedIntervention[]; now: number; onOpen: (laneId: string) => void }) {
  const { t, money, locale } = useKioskText();
  const status = tile.status;
  const light = status?.light ?? 'closed';
  const sale = status?.sale ?? null;
  const lastSeen = tile.lastSeenAt === null ? null : new Date(tile.lastSeenAt).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  return (
    <button
      type="button"
      className={`st-tile st-tile--${light}${tile.online ? '' : ' st-tile--offline'}`}
      data-testid={`lane-tile-${tile.laneId}`}
      data-light={light}
      data-online={String(tile.online)}
      data-state={status?.state ?? ''}
      data-version={status?.version}
      onClick={() => onOpen(tile.laneId)}
    >
      <span className="st-tile__band" title={t(`station.light.${light}`)} />
      <span className="st-tile__head">
        <span className="st-tile__lane">{t('station.lane', { laneId: tile.laneId })}</span>
        <span className="st-tile__state">{status ? t(laneStateKey(status.state)) : t('station.tile.neverSeen')}</span>
      </span>
      {!tile.online && (
        <span className="st-tile__offline" data-testid="tile-offline">
          {t('station.tile.offline')}
          {lastSeen && ` · ${t('station.tile.lastSeen', { time: lastSeen })}`}
        </span>
      )}
      <span className="st-tile__figures">
        <span className="st-tile__items" data-testid="tile-items">
          {sale ? t('basket.itemCount', { count: sale.itemCount }) : t('station.tile.noSale')}
        </span>
        <span className="st-tile__total" data-testid="tile-total">
          {sale && status ? money(sale.totalMinor, status.currency) : '—'}
        </span>
        <span className="st-tile__time" data-testid="tile-time" title={t('station.tile.timeInState')}>
          {tile.stateSinceHub === null ? '—' : formatElapsed(now - tile.stateSinceHub)}
        </span>
      </span>
      {status?.store && <StoreLine store={status.store} now={now} />}
      {status?.assistantAtLane && <span className="st-tile__assistant">{t('station.tile.assistantAtLane', { name: status.assistantAtLane.name })}</span>}
      {waiting.length > 0 && (
        <span className="st-tile__chips">
          {waiting.map((item) => (
            <span key={item.id} className={`st-chip st-chip--${severityOf(item.kind)}`} data-testid="tile-chip" data-kind={item.kind}>
              {interventionName(t, item.kind)}
            </span>
          ))}
        </span>
      )}
    </button>
  );
}

/** How long ago, roughly: minutes, hours or days (a backlog's age, not a stopwatch). */
function roughAge(t: ReturnType<typeof useKioskText>['t'], ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return t('station.age.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? t('station.age.hours', { count: hours }) : t('station.age.days', { count: Math.floor(hours / 24) });
}

/**
 * Sales the lane has not got to the store yet (they are safe on the lane), or a store link that
 * is down: shown only then, so a healthy lane's tile stays as it was.
 */
function StoreLine({ store, now }: { store: LaneStoreStatus; now: number }) {
  const { t } = useKioskText();
  if (store.backlog === 0 && store.linkUp && !store.conflicts) return null;
  const parts: string[] = [];
  if (store.backlog > 0) parts.push(t('station.tile.storeBacklog', { count: store.backlog, age: roughAge(t, store.oldestUnsentAt === null ? 0 : now - store.oldestUnsentAt) }));
  else if (!store.linkUp) parts.push(t('station.tile.storeLinkDown'));
  if (store.conflicts) parts.push(t('station.tile.storeConflicts', { count: store.conflicts }));
  return (
    <span className={`st-tile__store${store.alert ? ' st-tile__store--alert' : ''}`} data-testid="tile-store" data-backlog={store.backlog} data-link-up={String(store.linkUp)}>
      {parts.join(' · ')}
    </span>
  );
}
