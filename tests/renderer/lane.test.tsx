// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LaneService } from '../../shared/bridge/laneService';
import { laneServiceSchema } from '../../shared/bridge/laneServiceSchema';
import type { LaneView } from '../../shared/bridge/laneView';
import { eventMessage, type BridgeConnection } from '../../shared/bridge/rpc';
import { serveConnection } from '../../shared/bridge/rpcServer';
import { Emitter } from '../../shared/event';
import type { LaneConnection } from '../../renderer/bridge/laneConnection';
import { NotConnectedError } from '../../renderer/bridge/laneConnection';
import { App } from '../../renderer/kiosk/App';
import { basket, view } from './fixtures';

afterEach(cleanup);

/** An in-memory link between the page and a mocked lane, speaking the real bridge protocol. */
function fakeLane(initial: LaneView) {
  let current = initial;
  const service = {
    getView: vi.fn(async () => current),
    sendEvent: vi.fn(async () => ({ accepted: true })),
    searchItems: vi.fn(async () => ({ items: [] })),
    mostUsedItems: vi.fn(async () => ({ items: [] })),
  } satisfies LaneService;

  const toPage = new Emitter<string>();
  const toLane = new Emitter<string>();
  const opens = new Emitter<void>();
  const closes = new Emitter<void>();
  let open = false;

  const page: LaneConnection = {
    get isOpen() {
      return open;
    },
    send(message) {
      if (!open) throw new NotConnectedError();
      queueMicrotask(() => toLane.fire(message));
    },
    onMessage: toPage.event,
    onOpen: opens.event,
    onClose: closes.event,
    dispose() {},
  };
  const laneEnd: BridgeConnection = {
    send(message) {
      if (open) queueMicrotask(() => toPage.fire(message));
    },
    onMessage: toLane.event,
    onClose: closes.event,
  };
  serveConnection(laneEnd, service, laneServiceSchema, () => {});

  return {
    service,
    page,
    /** Lane state changes: later `getView` calls return it. */
    set(next: LaneView) {
      current = next;
    },
    push(next: LaneView) {
      laneEnd.send(eventMessage('view', next));
    },
    connect() {
      open = true;
      opens.fire();
    },
    drop() {
      open = false;
      closes.fire();
    },
  };
}

/** Lets the bridge's microtask hops and React's updates settle. */
async function settle() {
  await act(async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

describe('App over the bridge', () => {
  it('shows "connecting" until the lane answers, then asks for the view on connect', async () => {
    const lane = fakeLane(view('scanning.ready', { sale: basket }));
    render(<App connection={lane.page} />);
    expect(screen.getByTestId('connecting')).toBeTruthy();
    expect(document.body.textContent).toContain('Connecting to the lane…');
    lane.connect();
    await settle();
    expect(lane.service.getView).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('connecting')).toBeNull();
    expect(screen.getAllByTestId('basket-line')).toHaveLength(3);
  });

  it('asks at once when the connection is already open (Electron IPC)', async () => {
    const lane = fakeLane(view('idle'));
    lane.connect();
    render(<App connection={lane.page} />);
    await settle();
    expect(screen.getByTestId('screen-idle')).toBeTruthy();
  });

  it('shows pushed views and ignores ones not newer than what is shown', async () => {
    const first = view('idle');
    const lane = fakeLane(first);
    render(<App connection={lane.page} />);
    lane.connect();
    await settle();
    const newer = view('scanning.ready', { sale: basket });
    lane.push(newer);
    await settle();
    expect(screen.getByTestId('screen-scanning-ready')).toBeTruthy();
    lane.push({ ...view('idle'), version: newer.version - 1 });
    lane.push({ ...view('payment.authorizing'), version: newer.version });
    await settle();
    expect(screen.getByTestId('screen-scanning-ready')).toBeTruthy();
    lane.push({ ...view('payment.authorizing', { sale: basket }), version: newer.version + 1 });
    await settle();
    expect(screen.getByTestId('screen-payment-authorizing')).toBeTruthy();
  });

  it('sends button taps to the lane as UI events', async () => {
    const lane = fakeLane(view('idle'));
    render(<App connection={lane.page} />);
    lane.connect();
    await settle();
    fireEvent.click(screen.getByTestId('start'));
    fireEvent.click(screen.getByTestId('language-bg'));
    await settle();
    expect(lane.service.sendEvent.mock.calls).toEqual([[{ event: { type: 'ui.start' } }], [{ event: { type: 'ui.setLanguage', language: 'bg' } }]]);
  });

  it('keeps the basket under a "connecting" overlay while the lane is away, and comes back to it', async () => {
    const lane = fakeLane(view('scanning.ready', { sale: basket, language: 'ru' }));
    render(<App connection={lane.page} />);
    lane.connect();
    await settle();
    lane.drop();
    await settle();
    expect(screen.getByTestId('connecting').textContent).toContain('Подключение к кассе…');
    expect(screen.getAllByTestId('basket-line')).toHaveLength(3);
    // Taps while away go nowhere, and do not throw.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    fireEvent.click(screen.getByTestId('language-en'));
    await settle();
    expect(lane.service.sendEvent).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith('lanewise: ui.setLanguage not delivered', expect.any(Error));
    warn.mockRestore();
    // The lane restarted and numbers its views from 1 again: the first view after reconnecting is taken anyway.
    lane.set({ ...view('scanning.ready', { sale: { ...basket, lines: basket.lines.slice(0, 2) }, language: 'ru' }), version: 1 });
    lane.connect();
    await settle();
    expect(lane.service.getView).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId('connecting')).toBeNull();
    expect(screen.getAllByTestId('basket-line')).toHaveLength(2);
  });

  it('asks again when getView fails on an open connection', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const lane = fakeLane(view('idle'));
      lane.service.getView.mockRejectedValueOnce(new Error('journal busy'));
      render(<App connection={lane.page} />);
      lane.connect();
      await act(async () => {
        await vi.advanceTimersByTimeAsync(10);
      });
      expect(screen.getByTestId('connecting')).toBeTruthy();
      await act(async () => {
        await vi.advanceTimersByTimeAsync(1_100);
      });
      expect(lane.service.getView).toHaveBeenCalledTimes(2);
      expect(screen.getByTestId('screen-idle')).toBeTruthy();
    } finally {
      vi.useRealTimers();
    }
  });
});
