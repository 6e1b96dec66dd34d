import { describe, expect, it } from 'vitest';
import { laneStateKey, namedLaneStates } from '../../shared/i18n/stationTerms';
import { formatElapsed, formatHour, localDateString, nameIn, parseAmountMinor, startOfLocalDay } from '../../renderer/supervisor/format';
import { inQueueOrder, isUrgent, quickActionFor, severityOf } from '../../renderer/supervisor/interventions';
import { offeredActions } from '../../renderer/supervisor/laneActions';
import { createTranslator } from '../../shared/i18n';
import { deviceDetail, interventionDetail, preferredLanguage } from '../../renderer/supervisor/stationText';
import { hubT0, laneStatus, laneTile, queued } from './stationFixtures';

describe('amounts typed at the station', () => {
  it('reads decimal text as minor units of the currency, never through a float', () => {
    expect(parseAmountMinor('1.49', 'EUR')).toBe(149);
    expect(parseAmountMinor('1,49', 'EUR')).toBe(149);
    expect(parseAmountMinor(' 12 ', 'EUR')).toBe(1200);
    expect(parseAmountMinor('0.1', 'EUR')).toBe(10);
    expect(parseAmountMinor('0', 'EUR')).toBe(0);
    expect(parseAmountMinor('4.35', 'EUR')).toBe(435);
    expect(parseAmountMinor('1.234', 'BHD')).toBe(1234);
    expect(parseAmountMinor('150', 'JPY')).toBe(150);
    expect(parseAmountMinor('1.5', 'JPY')).toBeNull();
    for (const bad of ['', '1.499', '-1', '1e3', '1.2.3', 'abc', '100001']) expect(parseAmountMinor(bad, 'EUR'), bad).toBeNull();
    expect(parseAmountMinor('100000', 'EUR')).toBe(10_000_000);
  });
});

describe('times and dates', () => {
  it('shows waiting times as m:ss, h:mm:ss past an hour, never negative', () => {
    expect([0, 999, 65_000, 600_000, 3_725_000, -4_000].map(formatElapsed)).toEqual(['0:00', '0:00', '1:05', '10:00', '1:02:05', '0:00']);
  });

  it('works with local calendar dates for reports and exports', () => {
    const noon = new Date(2025, 2, 7, 12, 0).getTime();
    expect(localDateString(noon)).toBe('2025-03-07');
    expect(startOfLocalDay('2025-03-07')).toBe(new Date(2025, 2, 7).getTime());
    expect(startOfLocalDay('2025-03-31', 1)).toBe(new Date(2025, 3, 1).getTime());
    expect(startOfLocalDay('7.3.2025')).toBeNull();
    expect([6, 22, 0, 24].map(formatHour)).toEqual(['06:00', '22:00', '00:00', '00:00']);
  });

  it('names items in the station language, falling back to English', () => {
    expect(nameIn({ en: 'Milk', ru: 'Молоко' }, 'ru')).toBe('Молоко');
    expect(nameIn({ en: 'Milk' }, 'lv')).toBe('Milk');
    expect(nameIn({ lv: 'Piens' }, 'en')).toBe('Piens');
    expect(nameIn(undefined, 'en')).toBeNull();
  });

  it('starts in the language chosen before, else the browser’s, else English', () => {
    expect(preferredLanguage(null, ['lv-LV', 'en-US'])).toBe('lv');
    expect(preferredLanguage('bg', ['lv-LV'])).toBe('bg');
    expect(preferredLanguage('xx', ['de-DE', 'ru'])).toBe('ru');
    expect(preferredLanguage(null, ['de-DE'])).toBe('en');
  });
});

describe('intervention details', () => {
  it('says what is wrong with which device, in the station language', () => {
    const { t } = createTranslator('en');
    expect(deviceDetail(t, 'printer: coverOpen, paperEnd; scanner: lost')).toBe('Receipt printer: cover open, out of paper; Scanner: not connected');
    expect(deviceDetail(t, 'fridge: warm; scale: melted')).toBe('fridge: warm; Scale: melted');
    expect(deviceDetail(createTranslator('lv').t, 'printer: paperEnd')).toContain('beidzies papīrs');
    expect(deviceDetail(t, 'printer: coverOpen; scanner: unreadable input')).toBe('Receipt printer: cover open; Scanner: sends data that cannot be read');
    expect(deviceDetail(createTranslator('ru').t, 'paymentTerminal: unreadable input')).toContain('не удаётся прочитать');
  });

  it('names the item and age, the bagging problem, or the device', () => {
    const { t } = createTranslator('en');
    expect(interventionDetail(t, 'en', { kind: 'ageCheck', detail: '18', itemName: { en: 'Lager' } })).toBe('Lager, 18+');
    expect(interventionDetail(t, 'en', { kind: 'ageCheck', detail: 'x' })).toBeNull();
    expect(interventionDetail(t, 'en', { kind: 'weightMismatch', detail: 'itemRemoved' })).toBe('An item was taken from the bagging area');
    expect(interventionDetail(t, 'en', { kind: 'weightMismatch', detail: 'somethingNew' })).toBeNull();
    expect(interventionDetail(t, 'en', { kind: 'deviceFault', detail: 'scale: scaleError' })).toBe('Scale: needs service');
    expect(interventionDetail(t, 'en', { kind: 'help' })).toBeNull();
  });
});

describe('lane state names', () => {
  it('names a known state, else its top-level state, else "unknown"', () => {
    expect(laneStateKey('scanning.baggingMismatch')).toBe('station.state.scanning.baggingMismatch');
    expect(laneStateKey('payment.settlingForRetry')).toBe('station.state.payment');
    expect(laneStateKey('somethingNew.deeper')).toBe('station.state.unknown');
    expect(laneStateKey('')).toBe('station.state.unknown');
    for (const state of namedLaneStates) expect(laneStateKey(state)).toBe(`station.state.${state}`);
  });
});

describe('the intervention queue', () => {
  it('puts the longest waiting first and colours by kind', () => {
    const queue = [queued('L02', 'help', hubT0 - 1), queued('L01', 'offline', hubT0 - 5), queued('L03', 'paperLow', hubT0 - 5)];
    expect(inQueueOrder(queue).map((item) => item.id)).toEqual(['L01:offline', 'L03:paperLow', 'L02:help']);
    expect(['weightMismatch', 'deviceFault', 'paperOut', 'offline'].map(severityOf)).toEqual(['alarm', 'alarm', 'alarm', 'alarm']);
    expect(['help', 'ageCheck', 'voidApproval', 'skipBagging', 'payAtAssistant', 'parked', 'paperLow', 'newKind'].map(severityOf)).toEqual(Array(8).fill('attention'));
    expect(isUrgent(queued('L01', 'offline', hubT0 - 30_000), hubT0)).toBe(true);
    expect(isUrgent(queued('L01', 'offline', hubT0 - 29_999), hubT0)).toBe(false);
    expect(isUrgent(queued('L01', 'help', hubT0 - 59_999), hubT0)).toBe(false);
    expect(isUrgent(queued('L01', 'help', hubT0 - 60_000), hubT0)).toBe(true);
  });

  it('offers one-tap answers only where they are safe, the lane is online and the role allows', () => {
    const tile = laneTile('L01');
    expect(quickActionFor(queued('L01', 'ageCheck', hubT0, { saleId: 's9' }), tile, 'assistant')).toEqual({ action: { kind: 'approveAge' }, saleId: 's9' });
    expect(quickActionFor(queued('L01', 'skipBagging', hubT0, { saleId: null }), tile, 'assistant')).toEqual({ action: { kind: 'approveSkipBagging' }, saleId: 'L01-e7f3a1-000042' });
    expect(quickActionFor(queued('L01', 'voidApproval', hubT0, { lineId: 1 }), tile, 'assistant')?.action).toEqual({ kind: 'setQuantity', lineId: 1, quantity: 1 });
    expect(quickActionFor(queued('L01', 'voidApproval', hubT0, { lineId: 99 }), tile, 'assistant')).toBeNull();
    for (const kind of ['help', 'deviceFault', 'paperOut', 'parked', 'payAtAssistant', 'offline'] as const) expect(quickActionFor(queued('L01', kind, hubT0), tile, 'supervisor'), kind).toBeNull();
    expect(quickActionFor(queued('L01', 'ageCheck', hubT0), { ...tile, online: false }, 'supervisor')).toBeNull();
    expect(quickActionFor(queued('L01', 'ageCheck', hubT0), undefined, 'supervisor')).toBeNull();
  });
});

describe('lane detail actions', () => {
  it('follow the lane state and the role', () => {
    const scanning = offeredActions(laneStatus('L01', { interventions: [{ kind: 'ageCheck' }, { kind: 'skipBagging' }] }), 'assistant');
    expect(scanning).toMatchObject({ approveAge: true, refuseAge: true, approveSkip: true, clearWeight: false, editLines: true, overridePrice: false, cancelSale: false, closeLane: true, openLane: false, message: true });
    expect(offeredActions(laneStatus('L01'), 'supervisor')).toMatchObject({ overridePrice: true, cancelSale: true });
    expect(offeredActions(laneStatus('L01', { state: 'payment.authorizing' }), 'supervisor')).toMatchObject({ editLines: false, overridePrice: false, cancelSale: false, closeLane: true });
    expect(offeredActions(laneStatus('L01', { state: 'idle', sale: null }), 'assistant')).toMatchObject({ startMaintenance: true, closeLane: true, editLines: false, cancelSale: false });
    expect(offeredActions(laneStatus('L01', { state: 'outOfService', sale: null }), 'assistant')).toMatchObject({ startMaintenance: true });
    expect(offeredActions(laneStatus('L01', { state: 'parked' }), 'supervisor')).toMatchObject({ resumeSale: true, cancelSale: true, editLines: false });
  });
});
