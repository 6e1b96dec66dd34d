// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LaneView } from '../../shared/bridge/laneView';
import type { UiEvent } from '../../shared/checkout/events';
import type { CheckoutContext } from '../../shared/checkout/machine';
import { Kiosk } from '../../renderer/kiosk/Kiosk';
import { apples, lane, ready, sale, view } from './fixtures';

afterEach(cleanup);

/** Intl puts no-break spaces into some languages' numbers. */
const plain = (text: string | null | undefined) => (text ?? '').replace(/\s/gu, ' ');

const bananas = { gtin: '02900000040113', scannedCode: '2900000040113', name: { en: 'Bananas', lv: 'Banāni' }, unitPriceMinor: 139, vatClass: 'C', vatRateBp: 500 };
const containers = [
  { id: 'paper-bag', name: { en: 'Paper bag', lv: 'Papīra maisiņš' }, tareGrams: 6 },
  { id: 'deli-tub', name: { en: 'Deli tub', lv: 'Trauciņš' }, tareGrams: 22 },
];

/** Bananas on the scale at `grams` gross, in the container `tare` names (if any). */
function weighing(grams: number, overrides: Partial<CheckoutContext> = {}, tare?: { containerId: string; grams: number }): LaneView {
  return view('scanning.weighing', {
    lane: { ...lane, containers },
    devices: { scanner: ready, printer: ready, paymentTerminal: ready, scale: ready },
    weighing: { code: bananas.scannedCode, item: bananas, tare },
    scale: { kind: 'stable', weight: { grams, increments: grams, decimals: 3, unit: 'kg' }, net: false },
    zeroSeen: true,
    ...overrides,
  });
}

function show(v: LaneView) {
  const send = vi.fn<(event: UiEvent) => void>();
  render(<Kiosk view={v} connected send={send} />);
  return send;
}

describe('weighing in a container', () => {
  it('offers "No container" and each store container as large toggles, sending the choice', () => {
    const send = show(weighing(1240));
    expect(screen.getByTestId('weighing-containers').textContent).toContain('In a container?');
    expect(screen.getByTestId('container-none').textContent).toBe('No container');
    expect(screen.getByTestId('container-none').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('container-paper-bag').textContent).toBe('Paper bag');
    expect(screen.getByTestId('container-paper-bag').getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByTestId('container-deli-tub').textContent).toBe('Deli tub');
    // No tare: the gross reading is the weight, as before.
    expect(plain(screen.getByTestId('weighing-weight').textContent)).toBe('1.240 kg');
    expect(screen.queryByTestId('weighing-tare')).toBeNull();

    fireEvent.click(screen.getByTestId('container-paper-bag'));
    expect(send).toHaveBeenCalledWith({ type: 'ui.chooseContainer', containerId: 'paper-bag' });
    fireEvent.click(screen.getByTestId('container-none'));
    expect(send).toHaveBeenCalledWith({ type: 'ui.chooseContainer', containerId: null });
  });

  it('shows the net weight, its price and the tare once a container is chosen', () => {
    show(weighing(1240, {}, { containerId: 'paper-bag', grams: 6 }));
    expect(screen.getByTestId('container-paper-bag').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('container-none').getAttribute('aria-pressed')).toBe('false');
    expect(plain(screen.getByTestId('weighing-weight').textContent)).toBe('Net weight 1.234 kg');
    expect(plain(screen.getByTestId('weighing-tare').textContent)).toBe('tare 0.006 kg');
    // 1.234 kg × 1.39 €/kg = 1.71526 € → 1.72 €
    expect(plain(screen.getByTestId('weighing-price').textContent)).toBe('€1.72');
    expect(screen.getByTestId('accept-weight')).not.toHaveProperty('disabled', true);
  });

  it('says the load is too light when the container is all there is', () => {
    show(weighing(22, {}, { containerId: 'deli-tub', grams: 22 }));
    expect(screen.getByTestId('weighing-reading').dataset.status).toBe('belowMinimum');
    expect(screen.getByTestId('weighing-weight').textContent).toBe('—');
    expect(screen.getByTestId('accept-weight')).toHaveProperty('disabled', true);
  });

  it('speaks the shopper’s language', () => {
    show(weighing(1240, { language: 'lv' }, { containerId: 'deli-tub', grams: 22 }));
    expect(screen.getByTestId('container-none').textContent).toBe('Bez taras');
    expect(screen.getByTestId('container-deli-tub').textContent).toBe('Trauciņš');
    expect(plain(screen.getByTestId('weighing-weight').textContent)).toBe('Neto svars 1,218 kg');
    expect(plain(screen.getByTestId('weighing-tare').textContent)).toBe('tara 0,022 kg');
  });

  it('offers no choice on a lane without containers', () => {
    show(weighing(1240, { lane }));
    expect(screen.queryByTestId('weighing-containers')).toBeNull();
    expect(plain(screen.getByTestId('weighing-weight').textContent)).toBe('1.240 kg');
  });

  it('shows the tare under a weighed line in the basket', () => {
    show(view('scanning.ready', { sale: sale([{ ...apples, weightGrams: 506, tareGrams: 6 }]) }));
    expect(plain(screen.getByTestId('basket-line').textContent)).toContain('0.506 kg × €2.99/kg (tare 0.006 kg)');
  });
});
