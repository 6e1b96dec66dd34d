// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LaneView } from '../../shared/bridge/laneView';
import type { BaggingArea } from '../../shared/checkout/baggingArea';
import type { UiEvent } from '../../shared/checkout/events';
import { Kiosk } from '../../renderer/kiosk/Kiosk';
import { apples, assistant, basket, beer, bread, milk, ready, sale, view } from './fixtures';

afterEach(cleanup);

function show(v: LaneView) {
  const send = vi.fn<(event: UiEvent) => void>();
  const result = render(<Kiosk view={v} connected send={send} />);
  return { send, ...result };
}

function tap(testId: string, within_: HTMLElement | null = null) {
  fireEvent.click(within_ ? within(within_).getByTestId(testId) : screen.getByTestId(testId));
}

function press(keys: string, where: HTMLElement = document.body) {
  for (const key of keys) fireEvent.click(within(where).getByTestId(`keypad-${key}`));
}

const disabled = (testId: string) => (screen.getByTestId(testId) as HTMLButtonElement).disabled;
const commands = (send: ReturnType<typeof vi.fn>) => send.mock.calls.map(([event]) => event as UiEvent);
const command = (c: Extract<UiEvent, { type: 'ui.assistantCommand' }>['command']): UiEvent => ({ type: 'ui.assistantCommand', command: c });
const panel = () => screen.getByTestId('assistant-panel');
const section = (name: string) => within(panel()).queryByTestId(`staff-section-${name}`);
const staffed = { assistant };
const learning = { kind: 'learning', minGrams: 5 } as const;

describe('staff button and top bar', () => {
  it('opens the sign-in pad from any screen, and names the signed-in assistant instead', () => {
    for (const state of ['idle', 'scanning.ready', 'closed', 'maintenance', 'outOfService']) {
      const { send } = show(view(state, { sale: basket }));
      tap('staff');
      expect(send).toHaveBeenCalledWith({ type: 'ui.openSignIn' });
      expect(screen.queryByTestId('assistant-panel')).toBeNull();
      cleanup();
    }
    const { send } = show(view('idle', staffed));
    expect(screen.queryByTestId('staff')).toBeNull();
    expect(screen.getByTestId('staff-signed-in').textContent).toContain('Assistant: Ilze');
    tap('staff-sign-out');
    expect(send).toHaveBeenCalledWith({ type: 'ui.assistantSignOut' });
  });
});

describe('sign-in pad', () => {
  it('sends the number and PIN typed on the keypad, and never shows the PIN', () => {
    const { send } = show(view('idle', { signIn: {} }));
    const pad = screen.getByTestId('sign-in');
    expect(pad.textContent).toContain('Staff sign-in');
    expect(pad.textContent).toContain('Or scan your staff badge.');
    expect(screen.getByTestId('screen-idle').querySelector('main')!.hasAttribute('inert')).toBe(true);
    press('1042');
    fireEvent.focus(screen.getByTestId('staff-pin'));
    press('43219');
    tap('keypad-back');
    const pin = screen.getByTestId('staff-pin') as HTMLInputElement;
    expect(pin.type).toBe('password');
    expect(pin.value).toBe('4321');
    expect((screen.getByTestId('staff-id') as HTMLInputElement).value).toBe('1042');
    expect(document.body.textContent).not.toContain('4321');
    tap('staff-sign-in');
    expect(send).toHaveBeenCalledWith({ type: 'ui.assistantSignIn', assistantId: '1042', pin: '4321' });
    // Sent: the PIN is gone from the screen's memory; the number stays for another try.
    expect(pin.value).toBe('');
    expect((screen.getByTestId('staff-id') as HTMLInputElement).value).toBe('1042');
    tap('staff-sign-in-cancel');
    expect(send).toHaveBeenLastCalledWith({ type: 'ui.closeSignIn' });
  });

  it('needs a number and at least four PIN digits; Clear empties the field being typed', () => {
    const { send } = show(view('closed', { signIn: {} }));
    press('7');
    fireEvent.focus(screen.getByTestId('staff-pin'));
    press('123');
    expect(disabled('staff-sign-in')).toBe(true);
    tap('keypad-clear');
    expect((screen.getByTestId('staff-pin') as HTMLInputElement).value).toBe('');
    expect((screen.getByTestId('staff-id') as HTMLInputElement).value).toBe('7');
    press('12345678' + '9');
    expect((screen.getByTestId('staff-pin') as HTMLInputElement).value).toBe('12345678');
    tap('staff-sign-in');
    expect(send).toHaveBeenCalledWith({ type: 'ui.assistantSignIn', assistantId: '7', pin: '12345678' });
  });

  it('fills in the number from a scanned badge and types the PIN next', () => {
    const { send } = show(view('maintenance', { signIn: { assistantId: '2077' } }));
    expect((screen.getByTestId('staff-id') as HTMLInputElement).value).toBe('2077');
    press('9999');
    tap('staff-sign-in');
    expect(send).toHaveBeenCalledWith({ type: 'ui.assistantSignIn', assistantId: '2077', pin: '9999' });
  });

  it('says why a sign-in failed, with the minutes of a lockout, and clears the PIN on each answer', () => {
    const send = vi.fn();
    const first = view('scanning.ready', { sale: basket, signIn: {} });
    const { rerender } = render(<Kiosk view={first} connected send={send} />);
    expect(screen.queryByTestId('sign-in-problem')).toBeNull();
    press('1042');
    fireEvent.focus(screen.getByTestId('staff-pin'));
    press('0000');
    rerender(<Kiosk view={view('scanning.ready', { sale: basket, signIn: { assistantId: '1042', problem: 'wrongPin' } })} connected send={send} />);
    expect(screen.getByTestId('sign-in-problem').textContent).toBe('Wrong assistant number or PIN.');
    expect((screen.getByTestId('staff-pin') as HTMLInputElement).value).toBe('');
    press('1111');
    rerender(<Kiosk view={view('scanning.ready', { sale: basket, signIn: { assistantId: '1042', problem: 'lockedOut', retryAfterMs: 125_000 } })} connected send={send} />);
    expect(screen.getByTestId('sign-in-problem').textContent).toBe('Too many wrong PINs. Try again in 3 min.');
    expect((screen.getByTestId('staff-pin') as HTMLInputElement).value).toBe('');
    for (const [problem, text] of [
      ['unknown', 'Wrong assistant number or PIN.'],
      ['inactive', 'This assistant cannot sign in here. Ask a supervisor.'],
      ['unavailable', 'Sign-in is not available right now. Try again.'],
    ] as const) {
      cleanup();
      show(view('idle', { signIn: { problem } }));
      expect(screen.getByTestId('sign-in-problem').textContent).toBe(text);
    }
  });
});

describe('assistant panel', () => {
  it('is there only while an assistant is signed in, and signs out from the bottom', () => {
    show(view('scanning.ready', { sale: basket }));
    expect(screen.queryByTestId('assistant-panel')).toBeNull();
    cleanup();
    const { send } = show(view('scanning.ready', { sale: basket, ...staffed }));
    expect(within(panel()).getByRole('heading', { level: 2 }).textContent).toBe('Assistant: Ilze');
    tap('staff-panel-sign-out');
    expect(send).toHaveBeenCalledWith({ type: 'ui.assistantSignOut' });
  });

  it('approves or refuses an age check', () => {
    const { send } = show(view('scanning.awaitingAgeCheck', { sale: sale([milk, beer]), ...staffed }));
    expect(section('age')!.textContent).toContain('ID check: 18+');
    tap('staff-approve-age');
    tap('staff-refuse-age');
    expect(commands(send)).toEqual([command({ kind: 'approveAge' }), command({ kind: 'refuseAge' })]);
    cleanup();
    show(view('scanning.ready', { sale: sale([milk, beer], { ageApproval: { age: 18, by: assistant, via: 'lane', at: 0 } }), ...staffed }));
    expect(section('age')).toBeNull();
  });

  it('approves the bagging area, while scanning or paying, and a skip over the limit', () => {
    const mismatch: BaggingArea = { expectedGrams: 900, pending: [], mismatch: { kind: 'unexpectedItem', extraGrams: 300 } };
    const { send } = show(view('scanning.baggingMismatch', { sale: basket, bagging: mismatch, ...staffed }));
    expect(section('bagging')!.textContent).toContain('Unexpected item in the bagging area');
    tap('staff-approve-bagging');
    cleanup();
    const paying = show(view('payment.authorizing', { sale: basket, bagging: { ...mismatch, mismatch: { kind: 'itemRemoved', grams: 200 } }, ...staffed }));
    tap('staff-approve-bagging');
    cleanup();
    const skipping = show(view('scanning.skipBaggingNeedsAssistant', { sale: basket, ...staffed }));
    expect(screen.queryByTestId('staff-approve-bagging')).toBeNull();
    tap('staff-approve-skip');
    expect([...commands(send), ...commands(paying.send), ...commands(skipping.send)]).toEqual([
      command({ kind: 'approveBagging' }),
      command({ kind: 'approveBagging' }),
      command({ kind: 'approveSkipBagging' }),
    ]);
    cleanup();
    show(view('payment.authorizing', { sale: basket, ...staffed }));
    expect(section('bagging')).toBeNull();
  });

  it('resumes a parked sale', () => {
    const { send } = show(view('parked', { sale: basket, ...staffed }));
    tap('staff-resume');
    expect(send).toHaveBeenCalledWith(command({ kind: 'resumeSale' }));
  });

  it('takes cash: the amount shows as money while typed, with the change to give', () => {
    const { send } = show(view('payment.atAssistant', { sale: basket, ...staffed }));
    const tender = section('tender')!;
    expect(tender.textContent).toContain('Take payment: €5.80 to pay');
    expect(screen.getByTestId('staff-tender-amount').textContent).toBe('€0.00');
    expect(disabled('staff-tender-cash')).toBe(true);
    expect(disabled('staff-tender-other')).toBe(true);
    press('1', tender);
    expect(screen.getByTestId('staff-tender-amount').textContent).toBe('€0.01');
    press('000', tender);
    expect(screen.getByTestId('staff-tender-amount').textContent).toBe('€10.00');
    expect(screen.getByTestId('staff-tender-change').textContent).toBe('Change to give: €4.20');
    tap('staff-tender-cash');
    expect(send).toHaveBeenCalledWith(command({ kind: 'confirmTender', tender: 'cash', tenderedMinor: 1000 }));
    expect(screen.getByTestId('staff-tender-amount').textContent).toBe('€0.00');
    press('200', tender);
    expect(screen.getByTestId('staff-tender-change').textContent).toBe('Change to give: €0.00');
    tap('staff-tender-other');
    expect(send).toHaveBeenLastCalledWith(command({ kind: 'confirmTender', tender: 'other', tenderedMinor: 200 }));
  });

  it('counts what is still due after a partial card payment', () => {
    const part = sale(basket.lines, { payments: [{ tender: 'card', reference: 'P1', amountMinor: 300, authCode: 'A', maskedPan: '**** 1', at: 0 }] });
    show(view('payment.atAssistant', { sale: part, ...staffed }));
    expect(section('tender')!.querySelector('h3')!.textContent).toBe('Take payment: €2.80 to pay');
    // Paid in part: the basket is settled, so no line changes and no cancelling.
    expect(section('lines')).toBeNull();
    expect(screen.queryByTestId('staff-void-sale')).toBeNull();
  });

  it('changes quantities of lines sold by the piece and voids any line', () => {
    const { send } = show(view('scanning.ready', { sale: basket, ...staffed }));
    const rows = within(panel()).getAllByTestId('staff-line');
    expect(rows.map((row) => row.dataset.lineId)).toEqual(['1', '2', '3']);
    const [milkRow, appleRow, breadRow] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(milkRow.textContent).toContain('Milk 2% 1 l');
    expect(milkRow.textContent).toContain('2 × €1.19');
    expect(milkRow.textContent).toContain('€2.38');
    tap('staff-line-less', milkRow);
    tap('staff-line-more', milkRow);
    tap('staff-line-void', breadRow);
    // One piece: "one less" would be a void; the void button says so.
    expect((within(breadRow).getByTestId('staff-line-less') as HTMLButtonElement).disabled).toBe(true);
    // Weighed lines have no pieces to count, but can be voided like any line.
    expect(within(appleRow).queryByTestId('staff-line-more')).toBeNull();
    tap('staff-line-void', appleRow);
    expect(commands(send)).toEqual([
      command({ kind: 'setQuantity', lineId: 1, quantity: 1 }),
      command({ kind: 'setQuantity', lineId: 1, quantity: 3 }),
      command({ kind: 'setQuantity', lineId: 3, quantity: 0 }),
      command({ kind: 'setQuantity', lineId: 2, quantity: 0 }),
    ]);
  });

  it('overrides a price with a reason', () => {
    const { send } = show(view('scanning.ready', { sale: basket, ...staffed }));
    const appleRow = within(panel()).getAllByTestId('staff-line')[1]!;
    tap('staff-line-price', appleRow);
    const editor = within(appleRow).getByTestId('staff-price-editor');
    expect(editor.textContent).toContain('New price: Apples Gala');
    press('99', editor);
    expect(within(editor).getByTestId('staff-price-amount').textContent).toBe('€0.99');
    expect(disabled('staff-price-confirm')).toBe(true);
    tap('staff-price-reason-damaged', editor);
    expect(within(editor).getByTestId('staff-price-reason-damaged').getAttribute('aria-pressed')).toBe('true');
    tap('staff-price-confirm', editor);
    expect(send).toHaveBeenCalledWith(command({ kind: 'overridePrice', lineId: 2, priceMinor: 99, reason: 'damaged' }));
    expect(screen.queryByTestId('staff-price-editor')).toBeNull();
    // Cancel closes the editor without a command.
    tap('staff-line-price', within(panel()).getAllByTestId('staff-line')[0]!);
    tap('staff-price-reason-shelfPrice');
    tap('staff-price-cancel');
    expect(screen.queryByTestId('staff-price-editor')).toBeNull();
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('keys in a barcode of 8 to 14 digits', () => {
    const { send } = show(view('scanning.ready', { sale: basket, ...staffed }));
    const keyed = section('keyed')!;
    tap('staff-keyed-open', keyed);
    expect(disabled('staff-keyed-add')).toBe(true);
    press('4750000', keyed);
    expect(disabled('staff-keyed-add')).toBe(true);
    press('000017', keyed);
    expect(within(keyed).getByTestId('staff-keyed-code').textContent).toBe('4750000000017');
    tap('staff-keyed-add', keyed);
    expect(send).toHaveBeenCalledWith({ type: 'ui.enterBarcode', code: '4750000000017' });
    press('1234567890123456', keyed);
    expect(within(keyed).getByTestId('staff-keyed-code').textContent).toBe('12345678901234');
    cleanup();
    for (const state of ['idle', 'parked', 'scanning.unknownItem']) {
      show(view(state, { sale: state === 'idle' ? null : basket, ...staffed }));
      expect(section('keyed'), state).not.toBeNull();
      cleanup();
    }
    show(view('payment.choosing', { sale: basket, ...staffed }));
    expect(section('keyed')).toBeNull();
  });

  it('opens one keypad at a time', () => {
    show(view('scanning.ready', { sale: basket, ...staffed }));
    tap('staff-keyed-open');
    expect(within(panel()).getAllByTestId('keypad')).toHaveLength(1);
    tap('staff-line-price', within(panel()).getAllByTestId('staff-line')[0]!);
    expect(within(panel()).getAllByTestId('keypad')).toHaveLength(1);
    expect(screen.queryByTestId('staff-keyed-code')).toBeNull();
  });

  it('cancels the whole sale on a second tap only', () => {
    vi.useFakeTimers();
    try {
      const { send } = show(view('scanning.ready', { sale: basket, ...staffed }));
      tap('staff-void-sale');
      expect(send).not.toHaveBeenCalled();
      expect(screen.getByTestId('staff-void-sale').textContent).toBe('Yes, cancel');
      act(() => vi.advanceTimersByTime(6_000));
      expect(screen.getByTestId('staff-void-sale').textContent).toBe('Cancel whole sale');
      tap('staff-void-sale');
      tap('staff-void-sale');
      expect(commands(send)).toEqual([command({ kind: 'voidSale' })]);
    } finally {
      vi.useRealTimers();
    }
    cleanup();
    show(view('idle', staffed));
    expect(screen.queryByTestId('staff-void-sale')).toBeNull();
  });

  it('closes, opens and services the lane', () => {
    const idle = show(view('idle', staffed));
    tap('staff-close-lane');
    tap('staff-maintenance');
    expect(commands(idle.send)).toEqual([command({ kind: 'closeLane' }), command({ kind: 'startMaintenance' })]);
    cleanup();
    const closed = show(view('closed', staffed));
    expect(screen.queryByTestId('staff-close-lane')).toBeNull();
    tap('staff-open-lane');
    tap('staff-maintenance');
    expect(commands(closed.send)).toEqual([command({ kind: 'openLane' }), command({ kind: 'startMaintenance' })]);
    cleanup();
    const maintenance = show(view('maintenance', staffed));
    expect(screen.queryByTestId('staff-maintenance')).toBeNull();
    tap('staff-end-maintenance');
    expect(commands(maintenance.send)).toEqual([command({ kind: 'endMaintenance' })]);
    cleanup();
    const selling = show(view('scanning.ready', { sale: basket, ...staffed }));
    expect(screen.queryByTestId('staff-maintenance')).toBeNull();
    tap('staff-close-lane');
    expect(commands(selling.send)).toEqual([command({ kind: 'closeLane' })]);
    cleanup();
    show(view('payment.authorizing', { sale: basket, closeAfterSale: true, ...staffed }));
    expect(screen.queryByTestId('staff-close-lane')).toBeNull();
    expect(screen.getByTestId('staff-lane-closing').textContent).toBe('The lane closes after this sale.');
  });

  it('stays usable beside a shopper dialog, and goes inert under the sign-in pad', () => {
    show(view('scanning.awaitingAgeCheck', { sale: sale([beer]), ...staffed }));
    expect(screen.getByTestId('notice').dataset.kind).toBe('awaitingAgeCheck');
    expect(panel().closest('[inert]')).toBeNull();
    cleanup();
    show(view('scanning.ready', { sale: basket, ...staffed, signIn: { assistantId: '2077' } }));
    expect(panel().closest('[inert]')).not.toBeNull();
    expect(screen.getByTestId('sign-in')).toBeTruthy();
  });
});

describe('shopper screens for the new states', () => {
  it('shows a closed lane and one being serviced, with Help and the staff button', () => {
    show(view('closed'));
    expect(screen.getByTestId('screen-closed').textContent).toContain('This checkout is closed');
    expect(screen.getByTestId('screen-closed').textContent).toContain('Please use another checkout.');
    expect(screen.getByTestId('staff')).toBeTruthy();
    cleanup();
    show(view('maintenance', { language: 'lv' }));
    expect(screen.getByTestId('maintenance')).toBeTruthy();
    expect(screen.getByTestId('screen-maintenance').textContent!.length).toBeGreaterThan(0);
    cleanup();
    show(view('maintenance'));
    expect(screen.getByTestId('screen-maintenance').textContent).toContain('This checkout is being serviced');
  });

  it('lets the shopper choose card or an assistant, or go back to the basket', () => {
    const { send } = show(view('payment.choosing', { sale: basket }));
    const root = screen.getByTestId('screen-payment-choosing');
    expect(root.textContent).toContain('How would you like to pay?');
    expect(screen.getByTestId('payment-amount').textContent).toBe('€5.80');
    expect(screen.queryByTestId('paid-so-far')).toBeNull();
    expect(screen.getByTestId('pay-card').textContent).toBe('CardBank card or phone');
    expect(screen.getByTestId('pay-assistant').textContent).toBe('Cash or otherAn assistant takes your payment');
    tap('pay-card');
    tap('pay-assistant');
    tap('back-to-basket');
    tap('no-receipt');
    expect(commands(send)).toEqual([{ type: 'ui.payByCard' }, { type: 'ui.payAtAssistant' }, { type: 'ui.backToBasket' }, { type: 'ui.setReceiptWanted', wanted: false }]);
  });

  it('after a partial approval: explains it, shows what is paid and left, and no way back to the basket', () => {
    const part = sale(basket.lines, { payments: [{ tender: 'card', reference: 'P1', amountMinor: 300, authCode: 'A', maskedPan: '**** 1', at: 0 }] });
    const { send } = show(view('payment.choosing', { sale: part, notice: { kind: 'partialApproval', approvedMinor: 300, dueMinor: 280 } }));
    const notice = screen.getByTestId('notice');
    expect(notice.dataset.kind).toBe('partialApproval');
    expect(notice.textContent).toContain('Part of the amount was paid');
    expect(notice.textContent).toContain('Your card paid €3.00. €2.80 is left to pay.');
    tap('dismiss');
    expect(send).toHaveBeenCalledWith({ type: 'ui.dismiss' });
    expect(screen.getByTestId('payment-amount').textContent).toBe('€2.80');
    expect(screen.getByTestId('paid-so-far').textContent).toBe('€3.00');
    expect(screen.queryByTestId('back-to-basket')).toBeNull();
  });

  it('waits for the assistant to take the payment, or goes back to the choice', () => {
    const { send } = show(view('payment.atAssistant', { sale: basket }));
    const text = screen.getByTestId('screen-payment-atAssistant').textContent;
    expect(text).toContain('An assistant is coming to take your payment');
    expect(text).toContain('Please wait here. You can still pay by card instead.');
    expect(screen.getByTestId('payment-amount').textContent).toBe('€5.80');
    expect(screen.getByTestId('payment-another-way').textContent).toBe('Pay another way');
    tap('payment-another-way');
    expect(send).toHaveBeenCalledWith({ type: 'ui.backToBasket' });
  });

  it('shows the amount of the card attempt while authorizing', () => {
    const part = sale(basket.lines, { payments: [{ tender: 'cash', amountMinor: 500, tenderedMinor: 500, changeMinor: 0, by: assistant, at: 0 }] });
    show(view('payment.authorizing', { sale: part, payment: { attempt: 2, reference: 'R-P2', amountMinor: 80 } }));
    expect(screen.getByTestId('payment-amount').textContent).toBe('€0.80');
  });

  it('asks the shopper to wait for an ID check, or go back to the basket', () => {
    const { send } = show(view('scanning.awaitingAgeCheck', { sale: sale([milk, beer]) }));
    const dialog = screen.getByTestId('notice');
    expect(dialog.dataset.kind).toBe('awaitingAgeCheck');
    expect(dialog.textContent).toContain('An assistant will check your ID');
    expect(dialog.textContent).toContain('Please have your ID ready.');
    tap('age-back');
    expect(send).toHaveBeenCalledWith({ type: 'ui.dismiss' });
  });

  it('says an age check is coming while the shopper scans', () => {
    show(view('scanning.ready', { sale: sale([milk, beer]) }));
    expect(screen.getByTestId('age-pending').textContent).toBe('Some items have an age limit. An assistant will check your ID before you pay.');
    cleanup();
    show(view('scanning.ready', { sale: basket }));
    expect(screen.queryByTestId('age-pending')).toBeNull();
  });

  it('offers "too heavy to bag" for items waiting to be bagged, on the basket and at "Pay"', () => {
    const waiting: BaggingArea = { expectedGrams: 0, pending: [{ gtin: bread.gtin, name: bread.name, expectation: learning }], mismatch: null };
    const devices = { scanner: ready, printer: ready, paymentTerminal: ready, baggingScale: ready };
    const { send } = show(view('scanning.ready', { sale: basket, devices, bagging: waiting }));
    tap('skip-bagging');
    expect(send).toHaveBeenCalledWith({ type: 'ui.skipBagging' });
    cleanup();
    // Only the shopper's own bag waiting, or no bagging scale: nothing to skip.
    show(view('scanning.ready', { sale: basket, devices, bagging: { ...waiting, pending: [{ gtin: null, name: null, expectation: learning }] } }));
    expect(screen.queryByTestId('skip-bagging')).toBeNull();
    cleanup();
    show(view('scanning.ready', { sale: basket, bagging: waiting }));
    expect(screen.queryByTestId('skip-bagging')).toBeNull();
    cleanup();
    const atPay = show(view('scanning.baggingMismatch', { sale: basket, devices, bagging: { ...waiting, mismatch: { kind: 'notBagged', names: [bread.name] } } }));
    expect(screen.getAllByTestId('skip-bagging')).toHaveLength(1);
    expect(within(screen.getByTestId('notice')).getByTestId('skip-bagging').textContent).toBe('Too heavy to bag');
    tap('skip-bagging');
    expect(atPay.send).toHaveBeenCalledWith({ type: 'ui.skipBagging' });
    cleanup();
    show(view('scanning.baggingMismatch', { sale: basket, devices, bagging: { ...waiting, mismatch: { kind: 'unexpectedItem', extraGrams: 300 } } }));
    expect(screen.queryByTestId('skip-bagging')).toBeNull();
  });

  it('says an assistant will look at items left out of the bagging area', () => {
    const { send } = show(view('scanning.skipBaggingNeedsAssistant', { sale: basket }));
    const dialog = screen.getByTestId('notice');
    expect(dialog.dataset.kind).toBe('skipBaggingNeedsAssistant');
    expect(dialog.textContent).toContain('An assistant will check your items');
    expect(dialog.textContent).toContain('Several items are not in the bagging area.');
    tap('dismiss');
    expect(send).toHaveBeenCalledWith({ type: 'ui.dismiss' });
  });
});

describe('new notices', () => {
  it('explains a rejected coupon, with the minimum spend as money', () => {
    show(view('scanning.ready', { sale: basket, notice: { kind: 'couponRejected', reason: 'minimumSpend', minimumSpendMinor: 2000 } }));
    const notice = screen.getByTestId('notice');
    expect(notice.dataset.kind).toBe('couponRejected');
    expect(notice.textContent).toContain('This coupon cannot be used');
    expect(notice.textContent).toContain('This coupon needs a basket of at least €20.00.');
    cleanup();
    show(view('scanning.ready', { sale: basket, notice: { kind: 'couponRejected', reason: 'expired' } }));
    expect(screen.getByTestId('notice').textContent).toContain('This coupon has expired.');
  });

  it('says a loyalty card is already scanned, and that a suspended-sale slip cannot be used', () => {
    show(view('scanning.ready', { sale: basket, notice: { kind: 'loyaltyAlreadyScanned' } }));
    expect(screen.getByTestId('notice').textContent).toContain('Your loyalty card is already scanned');
    expect(screen.getByTestId('notice').textContent).toContain('Nothing has changed: member prices already apply.');
    expect(screen.getByTestId('notice').className).toContain('modal--info');
    cleanup();
    show(view('scanning.ready', { notice: { kind: 'suspendedSaleNotFound' } }));
    expect(screen.getByTestId('notice').textContent).toContain('This slip cannot be used');
    expect(screen.getByTestId('notice').className).toContain('modal--warning');
  });
});

describe('staff screens in high contrast', () => {
  it('keeps the panel and pad on the contrast screen', () => {
    show(view('payment.atAssistant', { sale: sale([apples]), highContrast: true, ...staffed, signIn: {} }));
    const root = screen.getByTestId('screen-payment-atAssistant');
    expect(root.className).toContain('screen--contrast');
    expect(root.contains(panel())).toBe(true);
    expect(root.contains(screen.getByTestId('sign-in'))).toBe(true);
  });
});

describe('suspend', () => {
  it('offers "Suspend sale" while scanning with items, and the on-hold screen reprints the slip', () => {
    const { send } = show(view('scanning.ready', { sale: basket, ...staffed }));
    tap('staff-suspend');
    expect(commands(send)).toEqual([command({ kind: 'suspendSale' })]);
    cleanup();
    const held = show(view('receipt.done', { closedSale: sale([milk], { status: 'suspended' }) }));
    expect(screen.getByTestId('suspended').textContent).toContain('Your shopping is on hold');
    expect(screen.queryByTestId('paid-amount')).toBeNull();
    tap('reprint');
    expect(held.send).toHaveBeenCalledWith({ type: 'ui.reprint' });
  });
});
