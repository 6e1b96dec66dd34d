import { useEffect, useState, type ReactNode } from 'react';
import type { PriceOverrideReason } from '../../shared/checkout/sale';
import { deviceRoles, type DeviceRole, type DeviceStatus } from '../../shared/devices';
import { deviceProblemKeys, deviceRoleKey, formatWeight } from '../../shared/i18n';
import { laneStateKey } from '../../shared/i18n/stationTerms';
import { localized } from '../../shared/i18n/languages';
import { laneMessageKeys, type LaneMessageKey } from '../../shared/supervisor/laneMessages';
import { unreadableInputProblem, type LaneLine, type LaneStatus } from '../../shared/supervisor/laneStatus';
import type { RemoteAction } from '../../shared/supervisor/remoteActions';
import type { StationAssistant, TimelineEntry } from '../../shared/supervisor/stationService';
import { useKioskText } from '../kiosk/i18n';
import { useSendCommand, type CommandRequest } from './commands';
import { formatElapsed, parseAmountMinor } from './format';
import { noActions, offeredActions, type OfferedActions } from './laneActions';
import { StationDialog } from './StationDialog';
import { useHubNow, useStationSnapshot, useStationStore } from './stationContext';
import { actionName, interventionName, isInterventionKind } from './stationText';

type T = ReturnType<typeof useKioskText>['t'];

/** The dialog open over the detail: a question before a destructive command, or a chooser. */
type OpenDialog =
  | { readonly kind: 'confirm'; readonly title: string; readonly request: CommandRequest }
  | { readonly kind: 'override'; readonly line: LaneLine }
  | { readonly kind: 'message' }
  | null;

const priceReasons: readonly PriceOverrideReason[] = ['damaged', 'shelfPrice', 'other'];

/**
 * One lane up close: the live basket, what the lane needs and why, its timeline, and the
 * commands that make sense in its state for this assistant's role. Commands carry the sale
 * shown, so a lane refuses one aimed at a sale that has since ended.
 */
export function LaneDetail({ laneId, assistant, canSend, onBack }: { laneId: string; assistant: StationAssistant; canSend: boolean; onBack: () => void }) {
  const { t } = useKioskText();
  const store = useStationStore();
  const snapshot = useStationSnapshot();
  const now = useHubNow();
  const send = useSendCommand();
  const [dialog, setDialog] = useState<OpenDialog>(null);

  useEffect(() => {
    store.openTimeline(laneId);
    return () => store.closeTimeline(laneId);
  }, [store, laneId]);

  const tile = snapshot.lanes.find((lane) => lane.laneId === laneId);
  const timeline = snapshot.timeline?.laneId === laneId ? snapshot.timeline : null;
  const status = tile?.status ?? null;
  const reachable = canSend && Boolean(tile?.online);
  const offered = status && reachable ? offeredActions(status, assistant.role) : noActions;
  const saleId = status?.sale?.id ?? null;

  const run = (action: RemoteAction, options: { sale?: boolean; reason?: string } = {}) =>
    void send({ laneId, action, saleId: options.sale === false ? null : saleId, reason: options.reason });
  // Only what cannot be undone asks first: refusing an age check, removing a line, cancelling the sale.
  const ask = (title: string, action: RemoteAction) => setDialog({ kind: 'confirm', title, request: { laneId, action, saleId } });

  return (
    <main className={`st-detail st-detail--${status?.light ?? 'closed'}`} data-testid={`lane-detail-${laneId}`} data-state={status?.state ?? ''} data-online={String(Boolean(tile?.online))}>
      <div className="st-detail__head">
        <button type="button" className="st-btn" data-testid="detail-back" onClick={onBack}>
          {t('station.detail.back')}
        </button>
        <h1 className="st-detail__title">{t('station.lane', { laneId })}</h1>
        {status && <span className="st-detail__state">{t(laneStateKey(status.state))}</span>}
        {tile?.stateSinceHub != null && <span className="st-detail__since">{formatElapsed(now - tile.stateSinceHub)}</span>}
        {tile && !tile.online && <span className="st-detail__offline">{t('station.tile.offline')}</span>}
      </div>
      {!tile ? (
        <p className="st-empty">{t('station.detail.notFound')}</p>
      ) : (
        <div className="st-detail__grid">
          <Basket status={status} offered={offered} onVoidLine={(line, name) => ask(t('station.confirm.voidLine', { name, laneId }), { kind: 'setQuantity', lineId: line.lineId, quantity: 0 })} onOverride={(line) => setDialog({ kind: 'override', line })} onApproveVoid={(line) => run({ kind: 'setQuantity', lineId: line.lineId, quantity: line.quantity - 1 })} />
          <Actions
            status={status}
            offered={offered}
            offline={!tile.online}
            run={run}
            ask={ask}
            onMessage={() => setDialog({ kind: 'message' })}
            laneId={laneId}
          />
          <LaneContext status={status} />
          <Timeline entries={timeline?.entries ?? []} loaded={timeline?.loaded ?? false} />
        </div>
      )}
      {dialog?.kind === 'confirm' && (
        <StationDialog
          kind={dialog.request.action.kind}
          title={dialog.title}
          okLabel={actionName(t, dialog.request.action)}
          danger
          onCancel={() => setDialog(null)}
          onOk={() => {
            setDialog(null);
            void send(dialog.request);
          }}
        />
      )}
      {dialog?.kind === 'override' && status && (
        <PriceOverrideDialog
          line={dialog.line}
          currency={status.currency}
          onCancel={() => setDialog(null)}
          onOk={(priceMinor, reason) => {
            setDialog(null);
            run({ kind: 'overridePrice', lineId: dialog.line.lineId, priceMinor, reason }, { reason });
          }}
        />
      )}
      {dialog?.kind === 'message' && (
        <LaneMessageDialog
          laneId={laneId}
          from={assistant.name}
          onCancel={() => setDialog(null)}
          onOk={(message) => {
            setDialog(null);
            run({ kind: 'sendMessage', message }, { sale: false });
          }}
        />
      )}
    </main>
  );
}

function Section({ name, title, children }: { name: string; title: string; children: ReactNode }) {
  return (
    <section className={`st-panel st-panel--${name}`} aria-label={title} data-testid={`detail-${name}`}>
      <h2 className="st-panel__title">{title}</h2>
      {children}
    </section>
  );
}

function Basket({
  status,
  offered,
  onVoidLine,
  onOverride,
  onApproveVoid,
}: {
  status: LaneStatus | null;
  offered: OfferedActions;
  onVoidLine: (line: LaneLine, name: string) => void;
  onOverride: (line: LaneLine) => void;
  onApproveVoid: (line: LaneLine) => void;
}) {
  const { t, money, language } = useKioskText();
  const sale = status?.sale ?? null;
  if (!status || !sale) {
    return (
      <Section name="basket" title={t('station.detail.basket')}>
        <p className="st-muted">{t('station.detail.noSale')}</p>
      </Section>
    );
  }
  const voidAsked = new Set(status.interventions.filter((intervention) => intervention.kind === 'voidApproval').map((intervention) => intervention.lineId));
  return (
    <Section name="basket" title={`${t('station.detail.basket')} · ${t('receiptDoc.sale', { number: sale.number })}`}>
      {sale.lines.length === 0 ? (
        <p className="st-muted">{t('basket.empty')}</p>
      ) : (
        <ol className="st-lines">
          {sale.lines.map((line) => {
            const name = localized(line.name, language);
            return (
              <li key={line.lineId} className={voidAsked.has(line.lineId) ? 'st-line st-line--asked' : 'st-line'} data-testid={`detail-line-${line.lineId}`}>
                <span className="st-line__name">
                  {name}
                  {line.ageLimit !== undefined && line.ageLimit > 0 && <span className="st-badge st-badge--age">{t('station.queue.age', { age: line.ageLimit })}</span>}
                  {line.overridden && <span className="st-badge">{t('station.detail.overridden')}</span>}
                  {voidAsked.has(line.lineId) && <span className="st-badge st-badge--asked">{t('station.intervention.voidApproval')}</span>}
                </span>
                <span className="st-line__quantity">{line.weightGrams !== undefined ? formatWeight(line.weightGrams, language) : `× ${line.quantity}`}</span>
                <span className="st-line__price">{money(line.priceMinor, status.currency)}</span>
                {offered.editLines && (
                  <span className="st-line__actions">
                    {voidAsked.has(line.lineId) && line.quantity >= 1 && (
                      <button type="button" className="st-btn st-btn--small st-btn--primary" data-testid={`action-approve-void-${line.lineId}`} onClick={() => onApproveVoid(line)}>
                        {t('station.quick.approveVoid')}
                      </button>
                    )}
                    <button type="button" className="st-btn st-btn--small st-btn--danger" data-testid={`action-void-line-${line.lineId}`} onClick={() => onVoidLine(line, name)}>
                      {t('staff.lines.void')}
                    </button>
                    {offered.overridePrice && (
                      <button type="button" className="st-btn st-btn--small" data-testid={`action-override-${line.lineId}`} onClick={() => onOverride(line)}>
                        {t('staff.lines.price')}
                      </button>
                    )}
                  </span>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <p className="st-lines__total">
        <span>{t('basket.itemCount', { count: sale.itemCount })}</span>
        <strong data-testid="detail-total">
          {t('basket.total')} {money(sale.totalMinor, status.currency)}
        </strong>
      </p>
      {sale.ageApprovedBy && <p className="st-muted">{t('station.detail.ageApproved', { name: sale.ageApprovedBy })}</p>}
    </Section>
  );
}

function Actions({
  status,
  offered,
  offline,
  run,
  ask,
  onMessage,
  laneId,
}: {
  status: LaneStatus | null;
  offered: OfferedActions;
  offline: boolean;
  run: (action: RemoteAction, options?: { sale?: boolean }) => void;
  ask: (title: string, action: RemoteAction) => void;
  onMessage: () => void;
  laneId: string;
}) {
  const { t } = useKioskText();
  const age = status?.sale?.ageRequired ?? 0;
  const button = (testId: string, label: string, onPress: () => void, variant: 'primary' | 'danger' | '' = '') => (
    <button type="button" className={variant ? `st-btn st-btn--${variant}` : 'st-btn'} data-testid={testId} onClick={onPress}>
      {label}
    </button>
  );
  const buttons = [
    offered.approveAge && button('action-approve-age', t('staff.age.approve', { age }), () => run({ kind: 'approveAge' }), 'primary'),
    offered.refuseAge && button('action-refuse-age', t('staff.age.refuse'), () => ask(t('station.confirm.refuseAge', { laneId }), { kind: 'refuseAge' }), 'danger'),
    offered.clearWeight && button('action-clear-weight', t('station.quick.clearWeight'), () => run({ kind: 'approveBagging' }), 'primary'),
    offered.approveSkip && button('action-approve-skip', t('staff.skipBagging.approve'), () => run({ kind: 'approveSkipBagging' }), 'primary'),
    offered.resumeSale && button('action-resume-sale', t('staff.parked.resume'), () => run({ kind: 'resumeSale' }), 'primary'),
    offered.cancelSale && button('action-cancel-sale', t('staff.voidSale'), () => ask(t('station.confirm.cancelSale', { laneId }), { kind: 'voidSale' }), 'danger'),
    offered.openLane && button('action-open-lane', t('staff.lane.open'), () => run({ kind: 'openLane' }, { sale: false }), 'primary'),
    offered.endMaintenance && button('action-maintenance-end', t('staff.lane.endMaintenance'), () => run({ kind: 'endMaintenance' }, { sale: false }), 'primary'),
    // Closing and maintenance are undone by a tap (open, end maintenance): no question first.
    offered.closeLane && button('action-close-lane', t('staff.lane.close'), () => run({ kind: 'closeLane' }, { sale: false })),
    offered.startMaintenance && button('action-maintenance-start', t('staff.lane.maintenance'), () => run({ kind: 'startMaintenance' }, { sale: false })),
    offered.message && button('action-message', t('station.message.open'), onMessage),
  ].filter((element) => element !== false);
  return (
    <Section name="actions" title={t('station.detail.actions')}>
      {offline && <p className="st-warning">{t('station.detail.offlineNote')}</p>}
      {buttons.length > 0 ? <div className="st-actions">{buttons.map((element, index) => <span key={index}>{element}</span>)}</div> : !offline && <p className="st-muted">{t('station.detail.noActions')}</p>}
    </Section>
  );
}

/** Each device's status, and a device sending unreadable input (which its status does not show: it still works). */
function deviceProblems(t: T, status: LaneStatus): string[] {
  const problems: string[] = [];
  for (const [role, device] of Object.entries(status.devices) as [DeviceRole, DeviceStatus | undefined][]) {
    if (!device) continue;
    const keys = deviceProblemKeys(device);
    if (keys.length > 0) problems.push(t('outOfService.deviceProblem', { device: t(deviceRoleKey(role)), problem: keys.map((key) => t(key)).join(', ') }));
    else if (device.kind === 'ready' && device.warnings.includes('paperNearEnd')) problems.push(t('outOfService.deviceProblem', { device: t(deviceRoleKey(role)), problem: t('station.intervention.paperLow') }));
  }
  const faultDetail = status.interventions.find((intervention) => intervention.kind === 'deviceFault')?.detail ?? '';
  for (const part of faultDetail.split('; ')) {
    const role = part.slice(0, part.indexOf(': '));
    if (part === `${role}: ${unreadableInputProblem}` && isDeviceRole(role)) problems.push(t('outOfService.deviceProblem', { device: t(deviceRoleKey(role)), problem: t('device.unreadableInput') }));
  }
  return problems;
}

function isDeviceRole(role: string): role is DeviceRole {
  return (deviceRoles as readonly string[]).includes(role);
}

/** What an assistant walking over would want to know: devices, a call for help, the message on screen, the last events. */
function LaneContext({ status }: { status: LaneStatus | null }) {
  const { t, locale } = useKioskText();
  if (!status) {
    return (
      <Section name="context" title={t('station.detail.context')}>
        <p className="st-muted">{t('station.tile.neverSeen')}</p>
      </Section>
    );
  }
  const problems = deviceProblems(t, status);
  const time = (at: number) => new Date(at).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return (
    <Section name="context" title={t('station.detail.context')}>
      <dl className="st-facts">
        <dt>{t('station.detail.devices')}</dt>
        <dd>{problems.length === 0 ? t('station.detail.devicesOk') : problems.map((problem) => <span key={problem} className="st-warning">{problem}</span>)}</dd>
        {status.help && (
          <>
            <dt>{t('station.intervention.help')}</dt>
            <dd>{t('station.detail.helpCalled', { time: time(status.help.at) })}</dd>
          </>
        )}
        {status.assistantAtLane && (
          <>
            <dt>{t('station.detail.atLane')}</dt>
            <dd>{t('station.tile.assistantAtLane', { name: status.assistantAtLane.name })}</dd>
          </>
        )}
        {status.message && (
          <>
            <dt>{t('station.detail.messageShown')}</dt>
            <dd>{t(`laneMessage.${status.message.key}`, { name: status.message.from })}</dd>
          </>
        )}
      </dl>
      {status.recentEvents.length > 0 && (
        <>
          <h3 className="st-panel__subtitle">{t('station.detail.recentEvents')}</h3>
          <ol className="st-events">
            {status.recentEvents
              .slice(-10)
              .reverse()
              .map((event, index) => (
                <li key={`${index}:${event}`}>{event}</li>
              ))}
          </ol>
        </>
      )}
    </Section>
  );
}

function timelineDetail(t: T, entry: TimelineEntry): string {
  if (entry.kind === 'state') return t(laneStateKey(entry.detail));
  if ((entry.kind === 'intervention' || entry.kind === 'cleared') && isInterventionKind(entry.detail)) return interventionName(t, entry.detail);
  return entry.detail;
}

function Timeline({ entries, loaded }: { entries: readonly TimelineEntry[]; loaded: boolean }) {
  const { t, locale } = useKioskText();
  const newestFirst = [...entries].reverse();
  return (
    <Section name="timeline-panel" title={t('station.detail.timeline')}>
      <ol className="st-timeline" data-testid="detail-timeline" aria-busy={!loaded}>
        {newestFirst.length === 0 && <li className="st-muted">{loaded ? t('station.detail.timelineEmpty') : t('station.loading')}</li>}
        {newestFirst.map((entry, index) => (
          <li key={`${entry.at}:${index}`} className={`st-timeline__entry st-timeline__entry--${entry.kind}`} data-testid="timeline-entry" data-kind={entry.kind}>
            <time className="st-timeline__time" dateTime={new Date(entry.at).toISOString()}>
              {new Date(entry.at).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' })}
            </time>
            <span className="st-timeline__kind">{t(`station.timeline.${entry.kind}`)}</span>
            <span className="st-timeline__detail">
              {timelineDetail(t, entry)}
              {entry.by && ` · ${entry.by}`}
            </span>
          </li>
        ))}
      </ol>
    </Section>
  );
}

/** A new price (per piece for lines sold by the piece, for the whole line otherwise) and why, in the store's currency. */
function PriceOverrideDialog({ line, currency, onCancel, onOk }: { line: LaneLine; currency: string; onCancel: () => void; onOk: (priceMinor: number, reason: PriceOverrideReason) => void }) {
  const { t, money, language } = useKioskText();
  const [text, setText] = useState('');
  const [reason, setReason] = useState<PriceOverrideReason | null>(null);
  const priceMinor = parseAmountMinor(text, currency);
  const byPiece = line.weightGrams === undefined;
  return (
    <StationDialog
      kind="overridePrice"
      title={t('staff.price.title', { name: localized(line.name, language) })}
      okLabel={t('staff.price.confirm')}
      okDisabled={priceMinor === null || reason === null}
      onCancel={onCancel}
      onOk={() => {
        if (priceMinor !== null && reason) onOk(priceMinor, reason);
      }}
    >
      <p className="st-muted">
        {byPiece && line.quantity > 1
          ? t('station.override.nowForQuantity', { price: money(line.priceMinor, currency), quantity: line.quantity })
          : t('station.override.now', { price: money(line.priceMinor, currency) })}
      </p>
      <label className="st-field">
        <span className="st-field__label">{byPiece ? t('station.override.perPiece', { currency }) : t('station.override.forLine', { currency })}</span>
        <input
          className="st-field__input"
          type="text"
          inputMode="decimal"
          autoComplete="off"
          data-testid="override-amount"
          value={text}
          aria-invalid={text !== '' && priceMinor === null}
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      <p className="st-override__preview" aria-live="polite">
        {priceMinor !== null ? money(priceMinor, currency) : text !== '' ? t('station.override.invalid') : '\u00a0'}
      </p>
      <div className="st-choices" role="group" aria-label={t('station.override.reason')}>
        {priceReasons.map((candidate) => (
          <button key={candidate} type="button" className="st-btn st-choice" aria-pressed={reason === candidate} data-testid={`override-reason-${candidate}`} onClick={() => setReason(candidate)}>
            {t(`staff.price.reason.${candidate}`)}
          </button>
        ))}
      </div>
    </StationDialog>
  );
}

/** One of the prepared messages, previewed in the assistant's language; the lane shows it in the shopper's. */
function LaneMessageDialog({ laneId, from, onCancel, onOk }: { laneId: string; from: string; onCancel: () => void; onOk: (message: LaneMessageKey) => void }) {
  const { t } = useKioskText();
  const [chosen, setChosen] = useState<LaneMessageKey | null>(null);
  return (
    <StationDialog
      kind="sendMessage"
      title={t('station.message.title', { laneId })}
      okLabel={t('station.message.send')}
      okDisabled={chosen === null}
      onCancel={onCancel}
      onOk={() => {
        if (chosen) onOk(chosen);
      }}
    >
      <p className="st-muted">{t('station.message.hint')}</p>
      <div className="st-choices st-choices--stacked" role="group">
        {laneMessageKeys.map((key) => (
          <button key={key} type="button" className="st-btn st-choice" aria-pressed={chosen === key} data-testid={`message-${key}`} onClick={() => setChosen(key)}>
            {t(`laneMessage.${key}`, { name: from })}
          </button>
        ))}
      </div>
    </StationDialog>
  );
}

