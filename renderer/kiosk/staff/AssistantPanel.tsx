import { useEffect, useState, type ReactNode } from 'react';
import { inState, type LaneView } from '../../../shared/bridge/laneView';
import { amountDueMinor } from '../../../shared/checkout/pricing';
import type { AssistantCommand } from '../../../shared/checkout/events';
import { ageCheckPending, maximumLineQuantity, requiredAge, type BasketLine, type PriceOverrideReason } from '../../../shared/checkout/sale';
import { localized } from '../../../shared/i18n/languages';
import { maximumKeyedAmountMinor } from '../../../shared/money';
import { lineDetail } from '../../../shared/receipt/buildReceipt';
import { Button, type Send } from '../components';
import { useKioskText } from '../i18n';
import { NumericKeypad, typeDigit } from './NumericKeypad';

/** A barcode keyed in: 8 to 14 digits (EAN-8 to GTIN-14). */
const minBarcodeLength = 8;
const maxBarcodeLength = 14;
/** "Tap again to cancel the sale" stands this long, then the button is back to normal. */
const confirmVoidMs = 5_000;

const priceReasons: readonly PriceOverrideReason[] = ['damaged', 'shelfPrice', 'other'];

/** Which keypad entry is open below the basket: the barcode, or a line's new price. One keypad at a time. */
type Editor = { readonly kind: 'barcode' } | { readonly kind: 'price'; readonly lineId: number } | null;

/**
 * Staff controls while an assistant is signed in (`context.assistant`): a side sheet over the
 * right of the shopper's screen with what needs doing at this lane now. Each control sends an
 * assistant command; the lane decides what happens, and this sheet shows only the sections
 * that apply to the lane's state.
 */
export function AssistantPanel({ view, send, inKioskShell = false }: { view: LaneView; send: Send; inKioskShell?: boolean }) {
  const { t } = useKioskText();
  const { state, context } = view;
  const [editor, setEditor] = useState<Editor>(null);
  const assistant = context.assistant;
  if (!assistant) return null;

  const sale = context.sale;
  const currency = context.lane.currency;
  const nothingPaid = !sale || sale.payments.length === 0;
  const scanning = inState(state, 'scanning');
  const parked = state === 'parked';
  const command = (assistantCommand: AssistantCommand) => send({ type: 'ui.assistantCommand', command: assistantCommand });
  const baggingMismatch = state === 'scanning.baggingMismatch' || (inState(state, 'payment') && context.bagging?.mismatch);
  const age = sale ? requiredAge(sale.lines) : 0;

  return (
    <aside className="staff-panel" aria-labelledby="staff-panel-title" data-testid="assistant-panel">
      <h2 id="staff-panel-title" className="staff-panel__title">
        {t('staff.panel.title', { name: assistant.name })}
      </h2>
      <div className="staff-panel__sections">
        {scanning && ageCheckPending(sale) && (
          <Section name="age" title={t('staff.age.title', { age })}>
            <div className="staff-section__actions">
              <Button testId="staff-approve-age" variant="primary" onPress={() => command({ kind: 'approveAge' })}>
                {t('staff.age.approve', { age })}
              </Button>
              <Button testId="staff-refuse-age" variant="danger" onPress={() => command({ kind: 'refuseAge' })}>
                {t('staff.age.refuse')}
              </Button>
            </div>
          </Section>
        )}

        {(baggingMismatch || state === 'scanning.skipBaggingNeedsAssistant') && (
          <Section name="bagging" title={t('staff.bagging.title')}>
            {context.bagging?.mismatch && baggingMismatch && <p className="staff-section__text">{t(`bagging.${context.bagging.mismatch.kind}.title`)}</p>}
            <div className="staff-section__actions">
              {baggingMismatch && (
                <Button testId="staff-approve-bagging" variant="primary" onPress={() => command({ kind: 'approveBagging' })}>
                  {t('staff.bagging.approve')}
                </Button>
              )}
              {state === 'scanning.skipBaggingNeedsAssistant' && (
                <Button testId="staff-approve-skip" variant="primary" onPress={() => command({ kind: 'approveSkipBagging' })}>
                  {t('staff.skipBagging.approve')}
                </Button>
              )}
            </div>
          </Section>
        )}

        {parked && (
          <Section name="parked">
            <div className="staff-section__actions">
              <Button testId="staff-resume" variant="primary" onPress={() => command({ kind: 'resumeSale' })}>
                {t('staff.parked.resume')}
              </Button>
            </div>
          </Section>
        )}

        {state === 'payment.atAssistant' && sale && <TenderSection dueMinor={amountDueMinor(sale)} currency={currency} command={command} />}

        {scanning && sale && sale.lines.length > 0 && nothingPaid && (
          <Section name="lines" title={t('staff.lines.title')}>
            <ol className="staff-lines">
              {sale.lines.map((line) => (
                <StaffLine
                  key={line.lineId}
                  line={line}
                  currency={currency}
                  editing={editor?.kind === 'price' && editor.lineId === line.lineId}
                  onEdit={(open) => setEditor(open ? { kind: 'price', lineId: line.lineId } : null)}
                  command={command}
                />
              ))}
            </ol>
          </Section>
        )}

        {(scanning || parked || state === 'idle') && (
          <BarcodeSection open={editor?.kind === 'barcode'} onOpen={(open) => setEditor(open ? { kind: 'barcode' } : null)} send={send} />
        )}

        {sale && nothingPaid && (scanning || parked || state === 'payment.choosing') && (
          <VoidSaleSection key={sale.id} command={command} canSuspend={(scanning || parked) && sale.lines.length > 0} />
        )}

        <LaneSection
          state={state}
          closing={context.closeAfterSale === true}
          canReprint={context.closedSale?.status === 'completed'}
          canLeaveKiosk={inKioskShell && assistant.role === 'supervisor'}
          command={command}
        />
      </div>
      <div className="staff-panel__foot">
        <Button testId="staff-panel-sign-out" onPress={() => send({ type: 'ui.assistantSignOut' })}>
          {t('staff.signOut')}
        </Button>
      </div>
    </aside>
  );
}

function Section({ name, title, children }: { name: string; title?: string; children: ReactNode }) {
  const titleId = `staff-section-${name}`;
  return (
    <section className="staff-section" data-section={name} data-testid={`staff-section-${name}`} aria-labelledby={title ? titleId : undefined}>
      {title && (
        <h3 id={titleId} className="staff-section__title">
          {title}
        </h3>
      )}
      {children}
    </section>
  );
}

/** Digits typed on the keypad, shown as money (minor units: 1 0 0 0 shows 10.00) or as they are. */
function KeypadEntry({
  testId,
  label,
  digits,
  onChange,
  format,
  children,
}: {
  testId: string;
  label: string;
  digits: string;
  onChange: (digits: string) => void;
  format: { readonly kind: 'money'; readonly currency: string } | { readonly kind: 'digits'; readonly maxLength: number };
  /** What goes with the field (change to give, buttons): beside the keypad, so nothing needs scrolling to. */
  children?: ReactNode;
}) {
  const { money } = useKioskText();
  const type = (digit: string) => {
    if (format.kind === 'digits') return onChange(typeDigit(digits, digit, format.maxLength));
    const next = String(Number(`${digits}${digit}`));
    if (Number(next) <= maximumKeyedAmountMinor) onChange(next);
  };
  const shown = format.kind === 'money' ? money(Number(digits || '0'), format.currency) : digits;
  return (
    <div className="staff-entry">
      <div className="staff-entry__side">
        <div className="staff-field staff-field--active">
          <span className="staff-field__label">{label}</span>
          <output className={format.kind === 'digits' ? 'staff-field__value staff-field__value--code' : 'staff-field__value'} data-testid={testId} aria-live="polite">
            {shown}
          </output>
        </div>
        {children}
      </div>
      <NumericKeypad label={label} onDigit={type} onBackspace={() => onChange(digits.slice(0, -1))} onClear={() => onChange('')} />
    </div>
  );
}

/** `payment.atAssistant`: the assistant types what the shopper handed over; the change to give shows as they type. */
function TenderSection({ dueMinor, currency, command }: { dueMinor: number; currency: string; command: (command: AssistantCommand) => void }) {
  const { t, money } = useKioskText();
  const [digits, setDigits] = useState('');
  const tenderedMinor = Number(digits || '0');
  const changeMinor = Math.max(0, tenderedMinor - dueMinor);
  const confirm = (tender: 'cash' | 'other') => {
    command({ kind: 'confirmTender', tender, tenderedMinor });
    setDigits('');
  };
  return (
    <Section name="tender" title={t('staff.tender.title', { due: money(dueMinor, currency) })}>
      <KeypadEntry testId="staff-tender-amount" label={t('staff.tender.amount')} digits={digits} onChange={setDigits} format={{ kind: 'money', currency }}>
        <p className="staff-section__change" data-testid="staff-tender-change">
          {t('staff.tender.change', { change: money(changeMinor, currency) })}
        </p>
        <div className="staff-section__actions staff-section__actions--stacked">
          <Button testId="staff-tender-cash" variant="primary" disabled={tenderedMinor <= 0} onPress={() => confirm('cash')}>
            {t('staff.tender.cash')}
          </Button>
          <Button testId="staff-tender-other" disabled={tenderedMinor <= 0} onPress={() => confirm('other')}>
            {t('staff.tender.other')}
          </Button>
        </div>
      </KeypadEntry>
    </Section>
  );
}

/** One basket line for the assistant: quantity up and down, void, and a new price with a reason. */
function StaffLine({
  line,
  currency,
  editing,
  onEdit,
  command,
}: {
  line: BasketLine;
  currency: string;
  editing: boolean;
  onEdit: (open: boolean) => void;
  command: (command: AssistantCommand) => void;
}) {
  const { t, language, money } = useKioskText();
  const unit = line.pricing === 'unit';
  const name = localized(line.name, language);
  const detail = lineDetail(line, language, t, (minor) => money(minor, currency));
  const setQuantity = (quantity: number) => command({ kind: 'setQuantity', lineId: line.lineId, quantity });
  return (
    <li className="staff-line" data-testid="staff-line" data-line-id={line.lineId}>
      <div className="staff-line__head">
        <span className="staff-line__name">{name}</span>
        <span className="staff-line__price">{money(line.priceMinor, currency)}</span>
        {detail && <span className="staff-line__detail">{detail}</span>}
      </div>
      <div className="staff-line__actions">
        {unit && (
          <>
            <Button testId="staff-line-less" className="staff-line__action" disabled={line.quantity <= 1} onPress={() => setQuantity(line.quantity - 1)}>
              {t('staff.lines.less')}
            </Button>
            <Button testId="staff-line-more" className="staff-line__action" disabled={line.quantity >= maximumLineQuantity} onPress={() => setQuantity(line.quantity + 1)}>
              {t('staff.lines.more')}
            </Button>
          </>
        )}
        {/* An assistant's void is a quantity of 0, which the lane takes only for lines sold by the piece. */}
        <Button testId="staff-line-void" className="staff-line__action" variant="danger" onPress={() => setQuantity(0)}>
          {t('staff.lines.void')}
        </Button>
        <Button testId="staff-line-price" className="staff-line__action" onPress={() => onEdit(!editing)}>
          {t('staff.lines.price')}
        </Button>
      </div>
      {editing && <PriceEditor line={line} name={name} currency={currency} onDone={() => onEdit(false)} command={command} />}
    </li>
  );
}

/** A new price (per piece for lines sold by the piece, for the whole line otherwise) and why. */
function PriceEditor({ line, name, currency, onDone, command }: { line: BasketLine; name: string; currency: string; onDone: () => void; command: (command: AssistantCommand) => void }) {
  const { t } = useKioskText();
  const [digits, setDigits] = useState('');
  const [reason, setReason] = useState<PriceOverrideReason | null>(null);
  const canConfirm = reason !== null && digits !== '';
  return (
    <div className="staff-price" data-testid="staff-price-editor">
      <p className="staff-section__text">{t('staff.price.title', { name })}</p>
      <KeypadEntry testId="staff-price-amount" label={t('staff.lines.price')} digits={digits} onChange={setDigits} format={{ kind: 'money', currency }}>
        <div className="staff-price__reasons" role="group">
        {priceReasons.map((candidate) => (
          <button
            key={candidate}
            type="button"
            className="btn btn--secondary toggle staff-line__action"
            aria-pressed={reason === candidate}
            data-testid={`staff-price-reason-${candidate}`}
            onClick={() => setReason(candidate)}
          >
            {t(`staff.price.reason.${candidate}`)}
          </button>
        ))}
        </div>
      </KeypadEntry>
      <div className="staff-section__actions">
        <Button testId="staff-price-cancel" onPress={onDone}>
          {t('staff.cancel')}
        </Button>
        <Button
          testId="staff-price-confirm"
          variant="primary"
          disabled={!canConfirm}
          onPress={() => {
            if (!reason) return;
            command({ kind: 'overridePrice', lineId: line.lineId, priceMinor: Number(digits || '0'), reason });
            onDone();
          }}
        >
          {t('staff.price.confirm')}
        </Button>
      </div>
    </div>
  );
}

/** A barcode that will not scan, typed in; the lane looks it up as if scanned (and records who keyed it). */
function BarcodeSection({ open, onOpen, send }: { open: boolean; onOpen: (open: boolean) => void; send: Send }) {
  const { t } = useKioskText();
  const [code, setCode] = useState('');
  const valid = code.length >= minBarcodeLength && code.length <= maxBarcodeLength;
  const add = (
    <div className="staff-section__actions staff-section__actions--stacked">
      <Button
        testId="staff-keyed-add"
        variant="primary"
        disabled={!valid}
        onPress={() => {
          send({ type: 'ui.enterBarcode', code });
          setCode('');
        }}
      >
        {t('staff.keyed.add')}
      </Button>
    </div>
  );
  return (
    <Section name="keyed" title={t('staff.keyed.title')}>
      {open ? (
        <KeypadEntry testId="staff-keyed-code" label={t('staff.keyed.title')} digits={code} onChange={setCode} format={{ kind: 'digits', maxLength: maxBarcodeLength }}>
          {add}
        </KeypadEntry>
      ) : (
        <>
          <button type="button" className="staff-field staff-field--button" data-testid="staff-keyed-open" onClick={() => onOpen(true)}>
            <span className="staff-field__label">{t('staff.keyed.title')}</span>
            <span className="staff-field__value staff-field__value--code">{code}</span>
          </button>
          {add}
        </>
      )}
    </Section>
  );
}

/** Cancel the whole sale: the first tap asks, a second tap within a few seconds does it. */
function VoidSaleSection({ command, canSuspend }: { command: (command: AssistantCommand) => void; canSuspend: boolean }) {
  const { t } = useKioskText();
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (!confirming) return;
    const timer = setTimeout(() => setConfirming(false), confirmVoidMs);
    return () => clearTimeout(timer);
  }, [confirming]);
  return (
    <Section name="void">
      <div className="staff-section__actions">
        <Button
          testId="staff-void-sale"
          variant={confirming ? 'danger' : 'secondary'}
          onPress={() => {
            if (!confirming) return setConfirming(true);
            setConfirming(false);
            command({ kind: 'voidSale' });
          }}
        >
          {confirming ? t('confirmCancel.yes') : t('staff.voidSale')}
        </Button>
        {/* On hold with a slip: the shopper comes back (or goes to another lane) and scans it. */}
        {canSuspend && (
          <Button testId="staff-suspend" onPress={() => command({ kind: 'suspendSale' })}>
            {t('staff.suspend')}
          </Button>
        )}
      </div>
    </Section>
  );
}

/**
 * Open, close or service the lane; closing during a sale waits for the sale to end. During
 * maintenance a supervisor in the Electron kiosk shell may leave kiosk mode (store IT's work).
 */
function LaneSection({
  state,
  closing,
  canReprint,
  canLeaveKiosk,
  command,
}: {
  state: string;
  closing: boolean;
  canReprint: boolean;
  canLeaveKiosk: boolean;
  command: (command: AssistantCommand) => void;
}) {
  const { t } = useKioskText();
  let actions: ReactNode;
  if (state === 'closed') {
    actions = (
      <>
        <Button testId="staff-open-lane" variant="primary" onPress={() => command({ kind: 'openLane' })}>
          {t('staff.lane.open')}
        </Button>
        <Button testId="staff-maintenance" onPress={() => command({ kind: 'startMaintenance' })}>
          {t('staff.lane.maintenance')}
        </Button>
      </>
    );
  } else if (state === 'maintenance') {
    actions = (
      <>
        <Button testId="staff-end-maintenance" variant="primary" onPress={() => command({ kind: 'endMaintenance' })}>
          {t('staff.lane.endMaintenance')}
        </Button>
        {canLeaveKiosk && (
          <Button testId="staff-leave-kiosk" onPress={() => command({ kind: 'leaveKiosk' })}>
            {t('staff.lane.leaveKiosk')}
          </Button>
        )}
      </>
    );
  } else if (state === 'idle' || state === 'outOfService') {
    actions = (
      <>
        <Button testId="staff-close-lane" onPress={() => command({ kind: 'closeLane' })}>
          {t('staff.lane.close')}
        </Button>
        <Button testId="staff-maintenance" onPress={() => command({ kind: 'startMaintenance' })}>
          {t('staff.lane.maintenance')}
        </Button>
        {/* A shopper came back for the receipt of the sale just finished: printed again, marked as a copy. */}
        {state === 'idle' && canReprint && (
          <Button testId="staff-reprint-last" onPress={() => command({ kind: 'reprintLastReceipt' })}>
            {t('staff.reprintLast')}
          </Button>
        )}
      </>
    );
  } else if (closing) {
    actions = (
      <p className="staff-section__text" data-testid="staff-lane-closing">
        {t('staff.lane.closing')}
      </p>
    );
  } else {
    actions = (
      <Button testId="staff-close-lane" onPress={() => command({ kind: 'closeLane' })}>
        {t('staff.lane.close')}
      </Button>
    );
  }
  return (
    <Section name="lane" title={t('staff.lane.title')}>
      <div className="staff-section__actions">{actions}</div>
    </Section>
  );
}
