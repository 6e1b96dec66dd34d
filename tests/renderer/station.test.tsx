// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { languages } from '../../shared/i18n/languages';
import { interventionKinds } from '../../shared/supervisor/laneStatus';
import { stationEvents, type StationOverview } from '../../shared/supervisor/stationService';
import type { AlertSound } from '../../renderer/supervisor/alertSound';
import { doneShownMs } from '../../renderer/supervisor/commands';
import { StationApp } from '../../renderer/supervisor/StationApp';
import { StationStore } from '../../renderer/supervisor/stationStore';
import { anna, fakeHub, flush, hubT0, ivan, laneTile, overview, queued, report } from './stationFixtures';

/** Intl puts no-break spaces into some languages' numbers. */
const plain = (text: string | null | undefined) => (text ?? '').replace(/\s/gu, ' ');
const byTestId = (id: string) => screen.getByTestId(id);
const tap = (id: string) => fireEvent.click(byTestId(id));
const settle = () => act(flush);

async function showStation(initial: Partial<StationOverview> = {}) {
  const hub = fakeHub(overview(initial));
  const store = new StationStore(hub.page);
  const sound = { play: vi.fn(), unlock: vi.fn() } satisfies AlertSound;
  render(<StationApp store={store} sound={sound} initialLanguage="en" />);
  hub.connect();
  await settle();
  return { hub, store, sound };
}

beforeEach(() => localStorage.clear());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('sign-in', () => {
  it('signs in with the number and PIN typed on the keypad, then shows the lanes', async () => {
    const { hub } = await showStation();
    expect(byTestId('station-signin')).toBeTruthy();
    // The badge field has the focus, so a scan needs no tap first.
    expect(document.activeElement).toBe(byTestId('station-signin-badge'));
    expect((byTestId('station-signin-submit') as HTMLButtonElement).disabled).toBe(true);
    for (const digit of '1001') tap(`keypad-${digit}`);
    fireEvent.focus(byTestId('station-signin-pin'));
    for (const digit of '12345') tap(`keypad-${digit}`);
    tap('keypad-back');
    const pin = byTestId('station-signin-pin') as HTMLInputElement;
    expect(pin.type).toBe('password');
    expect(pin.value).toBe('1234');
    expect((byTestId('station-signin-id') as HTMLInputElement).value).toBe('1001');
    tap('station-signin-submit');
    await settle();
    expect(hub.service.signIn).toHaveBeenCalledWith({ assistantId: '1001', pin: '1234' });
    expect(byTestId('station-assistant').textContent).toBe('Anna · Assistant');
    expect(screen.queryByTestId('station-signin')).toBeNull();
    expect(byTestId('lane-tile-L01')).toBeTruthy();
    expect(byTestId('queue')).toBeTruthy();
  });

  it('says why a sign-in failed, with the minutes of a lockout, and never keeps the PIN', async () => {
    const { hub } = await showStation();
    const attempt = async (pinDigits: string) => {
      fireEvent.change(byTestId('station-signin-pin'), { target: { value: pinDigits } });
      tap('station-signin-submit');
      await settle();
    };
    fireEvent.change(byTestId('station-signin-id'), { target: { value: '10a01' } });
    expect((byTestId('station-signin-id') as HTMLInputElement).value).toBe('1001');

    hub.service.signIn.mockResolvedValueOnce({ ok: false, problem: 'wrongPin' });
    await attempt('0000');
    expect(byTestId('station-signin-problem').textContent).toBe('Wrong assistant number or PIN.');
    expect((byTestId('station-signin-pin') as HTMLInputElement).value).toBe('');

    hub.service.signIn.mockResolvedValueOnce({ ok: false, problem: 'lockedOut', retryAfterMs: 125_000 });
    await attempt('1111');
    expect(byTestId('station-signin-problem').textContent).toBe('Too many wrong PINs. Try again in 3 min.');

    hub.service.signIn.mockResolvedValueOnce({ ok: false, problem: 'inactive' });
    await attempt('2222');
    expect(byTestId('station-signin-problem').textContent).toBe('This assistant cannot sign in here. Ask a supervisor.');

    hub.service.signIn.mockResolvedValueOnce({ ok: false, problem: 'unknown' });
    await attempt('3333');
    expect(byTestId('station-signin-problem').dataset.problem).toBe('unknown');
    expect(document.body.textContent).not.toContain('3333');
  });

  it('takes a scanned badge (typed by the scanner, then Enter) and the PIN', async () => {
    const { hub } = await showStation();
    const badge = byTestId('station-signin-badge') as HTMLInputElement;
    fireEvent.change(badge, { target: { value: 'LW:A:1001-7F3K' } });
    fireEvent.submit(badge.closest('form')!);
    expect(badge.value).toBe('');
    expect(byTestId('station-signin-badge-read')).toBeTruthy();
    expect(screen.queryByTestId('station-signin-id')).toBeNull();
    expect(document.activeElement).toBe(byTestId('station-signin-pin'));
    fireEvent.change(byTestId('station-signin-pin'), { target: { value: '1234' } });
    fireEvent.submit(byTestId('station-signin-pin').closest('form')!);
    await settle();
    expect(hub.service.signIn).toHaveBeenCalledWith({ badge: 'LW:A:1001-7F3K', pin: '1234' });
  });

  it('treats digits typed into the badge field as an assistant number', async () => {
    await showStation();
    fireEvent.change(byTestId('station-signin-badge'), { target: { value: '1002' } });
    fireEvent.submit(byTestId('station-signin-badge').closest('form')!);
    expect((byTestId('station-signin-id') as HTMLInputElement).value).toBe('1002');
    expect(document.activeElement).toBe(byTestId('station-signin-pin'));
  });

  it('signs out from the header', async () => {
    const { hub } = await showStation({ assistant: anna });
    tap('station-signout');
    await settle();
    expect(hub.service.signOut).toHaveBeenCalledTimes(1);
    expect(byTestId('station-signin')).toBeTruthy();
  });
});

describe('lanes overview', () => {
  it('shows each lane with its light, state, items, total and time in state, ticking on the hub clock', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: hubT0 });
    await showStation({
      assistant: anna,
      lanes: [
        laneTile('L01', {}, { state: 'scanning.awaitingAgeCheck', light: 'intervention', assistantAtLane: { id: '1003', name: 'Ilze', role: 'assistant' } }),
        laneTile('L02', { online: false, lastSeenAt: hubT0 - 60_000 }, { state: 'idle', light: 'open', sale: null }),
      ],
      queue: [queued('L01', 'ageCheck', hubT0 - 3_000, { detail: '18' })],
    });
    const first = byTestId('lane-tile-L01');
    expect(first.dataset).toMatchObject({ light: 'intervention', online: 'true', state: 'scanning.awaitingAgeCheck' });
    expect(first.textContent).toContain('Lane L01');
    expect(first.textContent).toContain('Waiting for ID check');
    expect(first.textContent).toContain('Ilze is at the lane');
    expect(within(first).getByTestId('tile-items').textContent).toBe('6 items');
    expect(plain(within(first).getByTestId('tile-total').textContent)).toBe('€8.38');
    expect(within(first).getByTestId('tile-time').textContent).toBe('1:05');
    expect(within(first).getAllByTestId('tile-chip').map((chip) => chip.dataset.kind)).toEqual(['ageCheck']);
    expect(first.className).toContain('st-tile--intervention');

    const second = byTestId('lane-tile-L02');
    expect(second.dataset).toMatchObject({ light: 'open', online: 'false', state: 'idle' });
    expect(second.className).toContain('st-tile--offline');
    expect(within(second).getByTestId('tile-offline').textContent).toContain('Offline');
    expect(within(second).getByTestId('tile-items').textContent).toBe('No sale');

    act(() => vi.advanceTimersByTime(2_000));
    expect(within(byTestId('lane-tile-L01')).getByTestId('tile-time').textContent).toBe('1:07');
  });

  it('greys the last data and says so while the hub is out of reach', async () => {
    const { hub } = await showStation({ assistant: anna, queue: [queued('L01', 'ageCheck', hubT0)] });
    expect(screen.queryByTestId('station-offline')).toBeNull();
    expect(byTestId('station').dataset.connected).toBe('true');
    hub.drop();
    await settle();
    expect(byTestId('station-offline').textContent).toBe('Connection to the hub lost. Reconnecting… What you see may be out of date.');
    expect(byTestId('station').className).toContain('station--stale');
    expect(byTestId('lane-tile-L01')).toBeTruthy();
    expect((byTestId('queue-approve') as HTMLButtonElement).disabled).toBe(true);
    hub.connect();
    await settle();
    expect(screen.queryByTestId('station-offline')).toBeNull();
  });

  it('speaks the language chosen in the header and remembers it', async () => {
    await showStation({ assistant: ivan });
    tap('station-language-ru');
    expect(byTestId('station-nav-lanes').textContent).toBe('Кассы');
    expect(byTestId('station-assistant').textContent).toBe('Ivan · Старший смены');
    expect(byTestId('station-language-ru').getAttribute('aria-pressed')).toBe('true');
    expect(document.documentElement.lang).toBe('ru');
    expect(localStorage.getItem('lanewise.station.language')).toBe('ru');
  });
});

describe('every language', () => {
  it('names everything on the overview, a lane detail and the reports in words, never as a message key', async () => {
    const raw = /\b(station|laneMessage|staff|basket)\.[a-zA-Z]/u;
    for (const language of languages) {
      const hub = fakeHub(
        overview({
          assistant: ivan,
          lanes: [laneTile('L01', {}, { state: 'scanning.baggingMismatch', light: 'alarm', interventions: [{ kind: 'weightMismatch' }, { kind: 'ageCheck' }], message: { key: 'checkBaggingArea', from: 'Ivan', at: hubT0 } }), laneTile('L02', { online: false })],
          queue: interventionKinds.map((kind, index) => queued('L01', kind, hubT0 - index * 1_000)),
        }),
      );
      render(<StationApp store={new StationStore(hub.page)} sound={{ play() {}, unlock() {} }} initialLanguage={language} />);
      hub.connect();
      await settle();
      expect(document.body.textContent, `${language} overview`).not.toMatch(raw);
      tap('lane-tile-L01');
      await settle();
      tap('action-message');
      expect(document.body.textContent, `${language} detail`).not.toMatch(raw);
      tap('confirm-cancel');
      tap('station-nav-reports');
      await settle();
      expect(document.body.textContent, `${language} reports`).not.toMatch(raw);
      cleanup();
    }
  });
});

describe('intervention queue', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: hubT0 });
  });

  const items = () => screen.getAllByTestId('queue-item');

  it('lists interventions longest waiting first, red or amber by kind, flashing once they have waited too long', async () => {
    await showStation({
      assistant: anna,
      queue: [
        queued('L02', 'help', hubT0 - 10_000),
        queued('L01', 'weightMismatch', hubT0 - 5_000, { detail: 'unexpectedItem' }),
        queued('L01', 'ageCheck', hubT0 - 20_000, { detail: '18', itemName: { en: 'Lager 0.5 l', lv: 'Alus 0,5 l' } }),
      ],
    });
    expect(items().map((item) => `${item.dataset.lane}:${item.dataset.kind}:${item.dataset.severity}`)).toEqual(['L01:ageCheck:attention', 'L02:help:attention', 'L01:weightMismatch:alarm']);
    expect(items()[0]!.textContent).toContain('Age check');
    expect(items()[0]!.textContent).toContain('Lager 0.5 l, 18+');
    expect(items()[0]!.textContent).toContain('waiting 0:20');
    expect(items()[2]!.textContent).toContain('Unexpected item in the bagging area');
    expect(items().map((item) => item.dataset.urgent)).toEqual(['false', 'false', 'false']);

    // A weight mismatch flashes after 30 s; a waiting shopper after a minute.
    act(() => vi.advanceTimersByTime(25_000));
    expect(items().map((item) => item.dataset.urgent)).toEqual(['false', 'false', 'true']);
    expect(items()[2]!.className).toContain('st-queue-item--urgent');
    act(() => vi.advanceTimersByTime(15_000));
    expect(items().map((item) => item.dataset.urgent)).toEqual(['true', 'false', 'true']);
    act(() => vi.advanceTimersByTime(10_000));
    expect(items().map((item) => item.dataset.urgent)).toEqual(['true', 'true', 'true']);
    expect(items()[0]!.textContent).toContain('waiting 1:10');
  });

  it('chimes for a new intervention and every 30 s while one waits over a minute, unless muted', async () => {
    const known = queued('L02', 'help', hubT0 - 10_000);
    const { hub, sound } = await showStation({ assistant: anna, queue: [known] });
    expect(sound.play).not.toHaveBeenCalled();

    hub.push(stationEvents.queue, [known, queued('L01', 'ageCheck', hubT0)]);
    await settle();
    expect(sound.play).toHaveBeenCalledTimes(1);

    tap('station-mute');
    expect(byTestId('station-mute').getAttribute('aria-pressed')).toBe('true');
    expect(localStorage.getItem('lanewise.station.muted')).toBe('true');
    hub.push(stationEvents.queue, [known, queued('L01', 'ageCheck', hubT0), queued('L03', 'paperOut', hubT0)]);
    await settle();
    act(() => vi.advanceTimersByTime(60_000));
    expect(sound.play).toHaveBeenCalledTimes(1);

    tap('station-mute');
    // The help call has now waited 70 s: the next reminder sounds, and the one after.
    act(() => vi.advanceTimersByTime(30_000));
    expect(sound.play).toHaveBeenCalledTimes(2);
    act(() => vi.advanceTimersByTime(30_000));
    expect(sound.play).toHaveBeenCalledTimes(3);
  });

  it('approves an age check in one tap after a confirmation, with the sale it was raised for', async () => {
    const { hub } = await showStation({ assistant: anna, queue: [queued('L01', 'ageCheck', hubT0 - 3_000, { saleId: 'L01-e7f3a1-000042' }), queued('L02', 'help', hubT0)] });
    const [age, help] = items();
    expect(within(help!).queryByTestId('queue-approve')).toBeNull();
    expect(within(help!).getByTestId('queue-open')).toBeTruthy();

    fireEvent.click(within(age!).getByTestId('queue-approve'));
    expect(byTestId('confirm').textContent).toContain('Approve the age check at lane L01?');
    tap('confirm-cancel');
    expect(screen.queryByTestId('confirm')).toBeNull();
    expect(hub.service.sendCommand).not.toHaveBeenCalled();

    fireEvent.click(within(age!).getByTestId('queue-approve'));
    tap('confirm-ok');
    await settle();
    expect(hub.service.sendCommand).toHaveBeenCalledWith({ laneId: 'L01', action: { kind: 'approveAge' }, saleId: 'L01-e7f3a1-000042' });
    expect(byTestId('command-result').dataset.outcome).toBe('done');
    expect(byTestId('command-result').textContent).toContain('Lane L01 · Approve age: Done.');
  });

  it('lets "Done." go after a few seconds, but keeps a refusal, with its reason in words, until dismissed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: hubT0 });
    const { hub } = await showStation({ assistant: anna, queue: [queued('L01', 'ageCheck', hubT0 - 3_000, { saleId: 'L01-e7f3a1-000042' })] });
    fireEvent.click(within(items()[0]!).getByTestId('queue-approve'));
    tap('confirm-ok');
    await settle();
    expect(byTestId('command-result').dataset.outcome).toBe('done');
    act(() => vi.advanceTimersByTime(doneShownMs));
    expect(screen.queryByTestId('command-result')).toBeNull();

    hub.service.sendCommand.mockResolvedValueOnce({ outcome: 'rejected', reason: 'staleSale' });
    fireEvent.click(within(items()[0]!).getByTestId('queue-approve'));
    tap('confirm-ok');
    await settle();
    expect(byTestId('command-result').textContent).toContain('Refused by the lane. The sale you were looking at has ended.');
    act(() => vi.advanceTimersByTime(60_000));
    expect(byTestId('command-result').dataset.outcome).toBe('rejected');

    // A reason from a newer lane that this station does not know is shown as it came.
    hub.service.sendCommand.mockResolvedValueOnce({ outcome: 'rejected', reason: 'somethingNew' });
    fireEvent.click(within(items()[0]!).getByTestId('queue-approve'));
    tap('confirm-ok');
    await settle();
    expect(byTestId('command-result').textContent).toContain('somethingNew');
  });

  it("takes one piece off for a shopper's void request, from the lane's live quantity, and clears a weight mismatch", async () => {
    const { hub } = await showStation({
      assistant: anna,
      queue: [queued('L01', 'voidApproval', hubT0 - 9_000, { lineId: 4, itemName: { en: 'Lager 0.5 l' } }), queued('L02', 'weightMismatch', hubT0 - 1_000)],
    });
    expect(items()[0]!.textContent).toContain('Lager 0.5 l');
    fireEvent.click(within(items()[0]!).getByTestId('queue-approve'));
    tap('confirm-ok');
    await settle();
    // Three beers at the lane: the shopper asked for one fewer.
    expect(hub.service.sendCommand).toHaveBeenLastCalledWith({ laneId: 'L01', action: { kind: 'setQuantity', lineId: 4, quantity: 2 }, saleId: 'L01-e7f3a1-000042' });

    hub.service.sendCommand.mockResolvedValueOnce({ outcome: 'notNow', reason: 'stateChanged' });
    fireEvent.click(within(items()[1]!).getByTestId('queue-approve'));
    tap('confirm-ok');
    await settle();
    expect(hub.service.sendCommand).toHaveBeenLastCalledWith({ laneId: 'L02', action: { kind: 'approveBagging' }, saleId: 'L02-e7f3a1-000042' });
    expect(byTestId('command-result').dataset.outcome).toBe('notNow');
    expect(byTestId('command-result').textContent).toContain('Not possible now: the lane has moved on.');
    tap('command-result-dismiss');
    expect(screen.queryByTestId('command-result')).toBeNull();
  });

  it('opens the lane detail from a queue item', async () => {
    await showStation({ assistant: anna, queue: [queued('L02', 'help', hubT0)] });
    tap('queue-open');
    expect(byTestId('lane-detail-L02')).toBeTruthy();
    expect(screen.queryByTestId('queue')).toBeNull();
  });
});

describe('lane detail', () => {
  async function openDetail(assistant = anna, status: Parameters<typeof laneTile>[2] = {}, tile: Parameters<typeof laneTile>[1] = {}) {
    const shown = await showStation({ assistant, lanes: [laneTile('L01', tile, status), laneTile('L02')] });
    tap('lane-tile-L01');
    await settle();
    return shown;
  }

  it('shows a device sending unreadable input among the lane’s device problems', async () => {
    const status = { interventions: [{ kind: 'deviceFault' as const, detail: 'printer: coverOpen; scanner: unreadable input' }], devices: { scanner: { kind: 'ready' as const, warnings: [] }, printer: { kind: 'fault' as const, faults: ['coverOpen' as const] } } };
    const { hub } = await showStation({ assistant: anna, lanes: [laneTile('L01', {}, status)] });
    hub.service.laneDetail.mockResolvedValueOnce({ tile: laneTile('L01', {}, status), timeline: [] });
    tap('lane-tile-L01');
    await settle();
    const context = byTestId('detail-context').textContent;
    expect(context).toContain('Receipt printer: cover open');
    expect(context).toContain('Scanner: sends data that cannot be read');
  });

  it('shows the live basket, the lane context and its timeline, newest first', async () => {
    const { hub } = await showStation({ assistant: anna, lanes: [laneTile('L01', {}, { devices: { printer: { kind: 'fault', faults: ['paperEnd'] } }, message: { key: 'assistantComing', from: 'Anna', at: hubT0 } })] });
    hub.service.laneDetail.mockResolvedValueOnce({
      tile: laneTile('L01', {}, { devices: { printer: { kind: 'fault', faults: ['paperEnd'] } } }),
      timeline: [
        { at: hubT0 - 60_000, kind: 'state', detail: 'scanning.ready' },
        { at: hubT0 - 30_000, kind: 'intervention', detail: 'ageCheck' },
      ],
    });
    tap('lane-tile-L01');
    await settle();
    expect(byTestId('lane-detail-L01')).toBeTruthy();
    expect(hub.service.laneDetail).toHaveBeenCalledWith({ laneId: 'L01' });
    expect(byTestId('detail-line-4').textContent).toContain('Lager 0.5 l');
    expect(byTestId('detail-line-4').textContent).toContain('18+');
    expect(byTestId('detail-line-4').textContent).toContain('× 3');
    expect(byTestId('detail-line-2').textContent).toContain('0.512 kg');
    expect(byTestId('detail-line-2').textContent).toContain('Price changed');
    expect(plain(byTestId('detail-total').textContent)).toContain('€8.38');
    expect(byTestId('detail-context').textContent).toContain('Receipt printer: out of paper');
    hub.push(stationEvents.timeline, { laneId: 'L01', entry: { at: hubT0, kind: 'command', detail: 'approveAge done', by: 'Anna' } });
    await settle();
    const entries = within(byTestId('detail-timeline')).getAllByTestId('timeline-entry');
    expect(entries.map((entry) => entry.dataset.kind)).toEqual(['command', 'intervention', 'state']);
    expect(entries[1]!.textContent).toContain('Age check');
    expect(entries[2]!.textContent).toContain('Scanning');
    tap('detail-back');
    expect(byTestId('lane-tile-L01')).toBeTruthy();
  });

  it('offers an assistant no sale cancel and no price change, and a supervisor both', async () => {
    await openDetail(anna, { interventions: [{ kind: 'ageCheck', detail: '18' }] });
    for (const id of ['action-approve-age', 'action-refuse-age', 'action-void-line-1', 'action-close-lane', 'action-message']) expect(screen.queryByTestId(id), id).not.toBeNull();
    for (const id of ['action-cancel-sale', 'action-override-1', 'action-override-4', 'action-open-lane', 'action-resume-sale', 'action-clear-weight']) expect(screen.queryByTestId(id), id).toBeNull();
    cleanup();
    await openDetail(ivan, { interventions: [{ kind: 'ageCheck', detail: '18' }] });
    for (const id of ['action-cancel-sale', 'action-override-1', 'action-override-4', 'action-approve-age']) expect(screen.queryByTestId(id), id).not.toBeNull();
  });

  it('offers what the lane state allows: open when closed, end maintenance, resume a parked sale', async () => {
    const sent = async (hub: ReturnType<typeof fakeHub>, id: string) => {
      tap(id);
      await settle();
      return hub.service.sendCommand.mock.lastCall?.[0];
    };
    let { hub } = await openDetail(anna, { state: 'closed', sale: null });
    expect(screen.queryByTestId('action-close-lane')).toBeNull();
    expect(await sent(hub, 'action-open-lane')).toEqual({ laneId: 'L01', action: { kind: 'openLane' }, saleId: null });
    expect(await sent(hub, 'action-maintenance-start')).toEqual({ laneId: 'L01', action: { kind: 'startMaintenance' }, saleId: null });
    cleanup();
    ({ hub } = await openDetail(anna, { state: 'maintenance', sale: null }));
    expect(screen.queryByTestId('action-open-lane')).toBeNull();
    expect(await sent(hub, 'action-maintenance-end')).toEqual({ laneId: 'L01', action: { kind: 'endMaintenance' }, saleId: null });
    cleanup();
    ({ hub } = await openDetail(anna, { state: 'parked', interventions: [{ kind: 'parked' }] }));
    expect(screen.queryByTestId('action-void-line-1')).toBeNull();
    expect(await sent(hub, 'action-resume-sale')).toEqual({ laneId: 'L01', action: { kind: 'resumeSale' }, saleId: 'L01-e7f3a1-000042' });
    cleanup();
    ({ hub } = await openDetail(anna, { state: 'scanning.skipBaggingNeedsAssistant', interventions: [{ kind: 'skipBagging' }] }));
    expect(await sent(hub, 'action-approve-skip')).toEqual({ laneId: 'L01', action: { kind: 'approveSkipBagging' }, saleId: 'L01-e7f3a1-000042' });
    cleanup();
    await openDetail(anna, {}, { online: false });
    expect(byTestId('detail-actions').textContent).toContain('This lane is offline: commands cannot reach it.');
    expect(screen.queryByTestId('action-message')).toBeNull();
  });

  it('sends approvals at once and asks before anything that cannot be undone', async () => {
    const { hub } = await openDetail(ivan, { interventions: [{ kind: 'ageCheck', detail: '18' }, { kind: 'weightMismatch' }] });
    tap('action-approve-age');
    await settle();
    expect(hub.service.sendCommand).toHaveBeenLastCalledWith({ laneId: 'L01', action: { kind: 'approveAge' }, saleId: 'L01-e7f3a1-000042' });
    tap('action-clear-weight');
    await settle();
    expect(hub.service.sendCommand).toHaveBeenLastCalledWith({ laneId: 'L01', action: { kind: 'approveBagging' }, saleId: 'L01-e7f3a1-000042' });
    expect(hub.service.sendCommand).toHaveBeenCalledTimes(2);

    tap('action-refuse-age');
    expect(byTestId('confirm').textContent).toContain('Refuse the age check at lane L01?');
    expect(document.activeElement).toBe(byTestId('confirm-cancel'));
    fireEvent.keyDown(byTestId('confirm'), { key: 'Escape' });
    expect(screen.queryByTestId('confirm')).toBeNull();
    tap('action-refuse-age');
    tap('confirm-ok');
    await settle();
    expect(hub.service.sendCommand).toHaveBeenLastCalledWith({ laneId: 'L01', action: { kind: 'refuseAge' }, saleId: 'L01-e7f3a1-000042' });

    tap('action-void-line-1');
    expect(byTestId('confirm').textContent).toContain('Remove Milk 2% 1 l from the basket at lane L01?');
    tap('confirm-ok');
    await settle();
    expect(hub.service.sendCommand).toHaveBeenLastCalledWith({ laneId: 'L01', action: { kind: 'setQuantity', lineId: 1, quantity: 0 }, saleId: 'L01-e7f3a1-000042' });

    hub.service.sendCommand.mockResolvedValueOnce({ outcome: 'forbidden' });
    tap('action-cancel-sale');
    tap('confirm-ok');
    await settle();
    expect(hub.service.sendCommand).toHaveBeenLastCalledWith({ laneId: 'L01', action: { kind: 'voidSale' }, saleId: 'L01-e7f3a1-000042' });
    expect(byTestId('command-result').dataset.outcome).toBe('forbidden');
    expect(byTestId('command-result').textContent).toContain('Your role may not do this.');

    // Closing a lane is undone by opening it: no question first.
    hub.service.sendCommand.mockResolvedValueOnce({ outcome: 'offline' });
    tap('action-close-lane');
    expect(screen.queryByTestId('confirm')).toBeNull();
    await settle();
    expect(hub.service.sendCommand).toHaveBeenLastCalledWith({ laneId: 'L01', action: { kind: 'closeLane' }, saleId: null });
    expect(byTestId('command-result').textContent).toContain('The lane is offline.');
  });

  it('overrides a price in minor units of the store currency, with a reason', async () => {
    const { hub } = await openDetail(ivan);
    tap('action-override-4');
    expect(byTestId('confirm').textContent).toContain('New price: Lager 0.5 l');
    expect(plain(byTestId('confirm').textContent)).toContain('Now €4.47 for 3');
    const ok = () => byTestId('confirm-ok') as HTMLButtonElement;
    fireEvent.change(byTestId('override-amount'), { target: { value: '1.4x' } });
    expect(byTestId('confirm').textContent).toContain('Not a valid amount.');
    fireEvent.change(byTestId('override-amount'), { target: { value: '1,49' } });
    expect(plain(byTestId('confirm').textContent)).toContain('€1.49');
    expect(ok().disabled).toBe(true);
    tap('override-reason-damaged');
    expect(byTestId('override-reason-damaged').getAttribute('aria-pressed')).toBe('true');
    expect(ok().disabled).toBe(false);
    tap('confirm-ok');
    await settle();
    expect(hub.service.sendCommand).toHaveBeenCalledWith({
      laneId: 'L01',
      action: { kind: 'overridePrice', lineId: 4, priceMinor: 149, reason: 'damaged' },
      saleId: 'L01-e7f3a1-000042',
      reason: 'damaged',
    });
  });

  it('sends a prepared message, previewed in the assistant’s language', async () => {
    const { hub } = await openDetail(anna);
    tap('action-message');
    expect(byTestId('message-assistantComing').textContent).toBe('Anna is on the way to help you.');
    expect((byTestId('confirm-ok') as HTMLButtonElement).disabled).toBe(true);
    tap('message-useAnotherLane');
    tap('confirm-ok');
    await settle();
    expect(hub.service.sendCommand).toHaveBeenCalledWith({ laneId: 'L01', action: { kind: 'sendMessage', message: 'useAnotherLane' }, saleId: null });
  });
});

describe('audit', () => {
  it('lists the trail and downloads the day as CSV', async () => {
    const { hub } = await showStation({ assistant: ivan });
    hub.service.audit.mockResolvedValueOnce({
      entries: [
        { id: 2, at: hubT0, assistantId: '1001', assistantName: 'Anna', role: 'assistant', laneId: 'L01', saleId: 'L01-e7f3a1-000042', action: 'approveAge', reason: null, via: 'supervisor', outcome: 'done', detail: null },
        { id: 1, at: hubT0 - 60_000, assistantId: '1009', assistantName: null, role: null, laneId: null, saleId: null, action: 'signInFailed', reason: null, via: 'supervisor', outcome: 'lockedOut', detail: null },
      ],
    });
    tap('station-nav-audit');
    await settle();
    expect(hub.service.audit).toHaveBeenCalledWith({ limit: 100 });
    const rows = within(byTestId('audit-table')).getAllByTestId('audit-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('Anna (1001)');
    expect(rows[0]!.textContent).toContain('Approve age');
    expect(rows[0]!.textContent).toContain('approveAge');
    expect(rows[0]!.textContent).toContain('Station');
    expect(rows[1]!.textContent).toContain('Failed sign-in');
    expect(rows[1]!.textContent).toContain('Locked out');

    const createObjectURL = vi.fn((_blob: Blob) => 'blob:lanewise/1');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    const from = byTestId('audit-from') as HTMLInputElement;
    const today = from.value;
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    tap('audit-export');
    await settle();
    const [year, month, day] = today.split('-').map(Number) as [number, number, number];
    expect(hub.service.exportAuditCsv).toHaveBeenCalledWith({ from: new Date(year, month - 1, day).getTime(), to: new Date(year, month - 1, day + 1).getTime() });
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.download).toBe('audit-2025-03-07.csv');
    expect(clicked[0]!.href).toBe('blob:lanewise/1');
    const blob = createObjectURL.mock.calls[0]![0];
    expect(blob.type).toBe('text/csv;charset=utf-8');
    // A byte order mark first, so spreadsheets read the UTF-8 names right.
    expect([...new Uint8Array(await blob.arrayBuffer())].slice(0, 4)).toEqual([0xef, 0xbb, 0xbf, 'a'.charCodeAt(0)]);
  });
});

describe('reports', () => {
  it('shows the day’s figures with both charts, switches to a shift and exports', async () => {
    const { hub } = await showStation({ assistant: ivan });
    tap('station-nav-reports');
    await settle();
    const date = (byTestId('report-date') as HTMLInputElement).value;
    expect(hub.service.report).toHaveBeenCalledWith({ kind: 'day', date });
    expect(byTestId('report-sales').textContent).toBe('120');
    expect(byTestId('report-self-service').textContent).toBe('72.5%');
    expect(plain(byTestId('report-total').textContent)).toBe('€2,450.67');
    expect(byTestId('report-wait').textContent).toBe('0:42');
    expect(byTestId('report-per-sale').textContent).toContain('Weight mismatch');
    const hourly = byTestId('report-chart-hourly');
    expect(hourly.querySelectorAll('rect.st-chart__bar--sales')).toHaveLength(24);
    expect(hourly.querySelector('svg')!.getAttribute('aria-label')).toContain('08:00: Sales 10, Interventions 4');
    const kinds = byTestId('report-chart-interventions');
    expect([...kinds.querySelectorAll('g[data-kind]')].map((group) => group.getAttribute('data-kind'))).toEqual(['weightMismatch', 'ageCheck', 'help']);
    expect(kinds.querySelector('rect[data-value="24"]')!.getAttribute('class')).toContain('st-chart__bar--alarm');

    tap('report-kind-shift');
    const shift = byTestId('report-shift') as HTMLSelectElement;
    expect([...shift.options].map((option) => option.textContent)).toEqual(['06:00–14:00', '14:00–22:00', '22:00–06:00']);
    fireEvent.change(shift, { target: { value: '22' } });
    await settle();
    expect(hub.service.report).toHaveBeenLastCalledWith({ kind: 'shift', date, shift: 22 });

    Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:lanewise/2'), revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    tap('report-export');
    await settle();
    expect(hub.service.exportReportCsv).toHaveBeenCalledWith({ kind: 'shift', date, shift: 22 });
    expect(click).toHaveBeenCalledTimes(1);
  });

  it('says so when a report cannot be loaded', async () => {
    const { hub } = await showStation({ assistant: ivan });
    hub.service.report.mockRejectedValueOnce(new Error('no database'));
    tap('station-nav-reports');
    await settle();
    expect(byTestId('reports').textContent).toContain('This could not be loaded. Please try again.');
    expect(report.sales).toBe(120);
  });
});
