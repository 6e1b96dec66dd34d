// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StationOverview } from '../../shared/supervisor/stationService';
import type { AlertSound } from '../../renderer/supervisor/alertSound';
import { severityOf } from '../../renderer/supervisor/interventions';
import { StationApp } from '../../renderer/supervisor/StationApp';
import { StationStore } from '../../renderer/supervisor/stationStore';
import { anna, fakeHub, flush, hubT0, laneTile, overview, queued } from './stationFixtures';

/** The store link on the station: sales a lane has not got to the store yet, and the early alert. */

async function showStation(initial: Partial<StationOverview>, language: 'en' | 'ru' = 'en') {
  const hub = fakeHub(overview(initial));
  render(<StationApp store={new StationStore(hub.page)} sound={{ play: vi.fn(), unlock: vi.fn() } satisfies AlertSound} initialLanguage={language} />);
  hub.connect();
  await act(flush);
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const store = { linkUp: true, backlog: 0, oldestUnsentAt: null, catalogVersion: 12, lastCatalogSyncAt: hubT0 - 5_000 };

describe('the store link on a lane tile', () => {
  it('says how many sales are not at the store and how old the oldest is, only when there are some or the link is down', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: hubT0 });
    await showStation({
      assistant: anna,
      lanes: [
        laneTile('L01', {}, { store: { ...store, linkUp: false, backlog: 12, oldestUnsentAt: hubT0 - 2 * 3_600_000 - 60_000 } }),
        laneTile('L02', {}, { store }),
        laneTile('L03', {}, { store: { ...store, linkUp: false } }),
        laneTile('L04', {}, { store: null }),
      ],
    });
    const line = within(screen.getByTestId('lane-tile-L01')).getByTestId('tile-store');
    expect(line.textContent).toBe('Not sent to the store: 12 sales, oldest 2 h');
    expect(line.dataset).toMatchObject({ backlog: '12', linkUp: 'false' });
    expect(within(screen.getByTestId('lane-tile-L02')).queryByTestId('tile-store')).toBeNull();
    expect(within(screen.getByTestId('lane-tile-L03')).getByTestId('tile-store').textContent).toBe('No link to the store');
    expect(within(screen.getByTestId('lane-tile-L04')).queryByTestId('tile-store')).toBeNull();
  });

  it('speaks the assistant’s language, with its plural forms (Russian)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: hubT0 });
    await showStation({ assistant: anna, lanes: [laneTile('L01', {}, { store: { ...store, backlog: 5, oldestUnsentAt: hubT0 - 10 * 60_000, alert: true } })] }, 'ru');
    const line = within(screen.getByTestId('lane-tile-L01')).getByTestId('tile-store');
    expect(line.textContent).toBe('Не отправлено в магазин: 5 покупок, самая старая 10 мин');
    expect(line.className).toContain('st-tile__store--alert');
  });

  it('queues the early alert as a store backlog, for attention, with the count in words', async () => {
    expect(severityOf('storeBacklog')).toBe('attention');
    await showStation({
      assistant: anna,
      lanes: [laneTile('L01', {}, { store: { ...store, linkUp: false, backlog: 5000, oldestUnsentAt: hubT0 - 30 * 3_600_000, alert: true } })],
      queue: [queued('L01', 'storeBacklog', hubT0 - 1_000, { detail: '5000' })],
    });
    expect(within(screen.getByTestId('lane-tile-L01')).getAllByTestId('tile-chip').map((chip) => chip.textContent)).toEqual(['Sales not reaching the store']);
    expect(screen.getByTestId('queue').textContent).toContain('5000 sales not sent to the store');
  });
});
