import { useState } from 'react';
import type { AssistantRef } from '../../shared/checkout/sale';
import type { LaneTile, QueuedIntervention } from '../../shared/supervisor/stationService';
import { useKioskText } from '../kiosk/i18n';
import { useSendCommand } from './commands';
import { formatElapsed } from './format';
import { inQueueOrder, isUrgent, quickActionFor, severityOf, type QuickAction } from './interventions';
import { StationDialog } from './StationDialog';
import { useHubNow } from './stationContext';
import { interventionDetail, interventionName } from './stationText';

interface Confirming {
  readonly item: QueuedIntervention;
  readonly quick: QuickAction;
}

/**
 * Everything waiting for an assistant, longest first. Red for a stopped lane or a weight that
 * does not add up, amber for a waiting shopper; an item flashes once it has waited too long
 * (a thick steady outline for people who asked for less motion).
 */
export function InterventionQueue({
  queue,
  lanes,
  role,
  canSend,
  onOpen,
}: {
  queue: readonly QueuedIntervention[];
  lanes: readonly LaneTile[];
  role: AssistantRef['role'];
  /** False while the hub is out of reach: nothing can be sent. */
  canSend: boolean;
  onOpen: (laneId: string) => void;
}) {
  const { t, language } = useKioskText();
  const now = useHubNow();
  const send = useSendCommand();
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const items = inQueueOrder(queue);

  return (
    <section className="st-queue" aria-labelledby="st-queue-title" data-testid="queue" data-count={items.length}>
      <h2 id="st-queue-title" className="st-queue__title">
        {t('station.queue.title')}
        {items.length > 0 && <span className="st-queue__count">{items.length}</span>}
      </h2>
      {items.length === 0 ? (
        <p className="st-queue__empty">{t('station.queue.empty')}</p>
      ) : (
        <ol className="st-queue__list">
          {items.map((item) => {
            const tile = lanes.find((lane) => lane.laneId === item.laneId);
            const quick = quickActionFor(item, tile, role);
            const severity = severityOf(item.kind);
            const urgent = isUrgent(item, now);
            const detail = interventionDetail(t, language, item);
            return (
              <li
                key={item.id}
                className={`st-queue-item st-queue-item--${severity}${urgent ? ' st-queue-item--urgent' : ''}`}
                data-testid="queue-item"
                data-id={item.id}
                data-lane={item.laneId}
                data-kind={item.kind}
                data-severity={severity}
                data-urgent={String(urgent)}
              >
                <div className="st-queue-item__text">
                  <span className="st-queue-item__lane">{t('station.lane', { laneId: item.laneId })}</span>
                  <span className="st-queue-item__kind">{interventionName(t, item.kind)}</span>
                  {detail && <span className="st-queue-item__detail">{detail}</span>}
                  <span className="st-queue-item__wait" data-testid="queue-wait">
                    {t('station.queue.waiting', { time: formatElapsed(now - item.raisedAt) })}
                  </span>
                </div>
                <div className="st-queue-item__actions">
                  {quick && (
                    <button type="button" className="st-btn st-btn--primary" data-testid="queue-approve" disabled={!canSend} onClick={() => setConfirming({ item, quick })}>
                      {quickLabel(t, quick)}
                    </button>
                  )}
                  <button type="button" className="st-btn" data-testid="queue-open" onClick={() => onOpen(item.laneId)}>
                    {t('station.queue.open')}
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {confirming && (
        <StationDialog
          kind={`quick-${confirming.quick.action.kind}`}
          title={quickQuestion(t, confirming)}
          okLabel={quickLabel(t, confirming.quick)}
          onCancel={() => setConfirming(null)}
          onOk={() => {
            const { item, quick } = confirming;
            setConfirming(null);
            void send({ laneId: item.laneId, action: quick.action, saleId: quick.saleId });
          }}
        >
          {interventionDetail(t, language, confirming.item) && <p>{interventionDetail(t, language, confirming.item)}</p>}
        </StationDialog>
      )}
    </section>
  );
}

type T = ReturnType<typeof useKioskText>['t'];

function quickLabel(t: T, quick: QuickAction): string {
  switch (quick.action.kind) {
    case 'approveAge':
      return t('station.quick.approveAge');
    case 'approveBagging':
      return t('station.quick.clearWeight');
    case 'approveSkipBagging':
      return t('station.quick.approveSkip');
    default:
      return t('station.quick.approveVoid');
  }
}

function quickQuestion(t: T, { item, quick }: Confirming): string {
  const laneId = item.laneId;
  switch (quick.action.kind) {
    case 'approveAge':
      return t('station.confirm.approveAge', { laneId });
    case 'approveBagging':
      return t('station.confirm.clearWeight', { laneId });
    case 'approveSkipBagging':
      return t('station.confirm.approveSkip', { laneId });
    default:
      return t('station.confirm.approveVoid', { laneId });
  }
}
