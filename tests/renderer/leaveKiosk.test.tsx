// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PreloadBridgeApi } from '../../shared/bridge/preloadApi';
import type { UiEvent } from '../../shared/checkout/events';
import { en } from '../../shared/i18n/locales/en';
import { bg } from '../../shared/i18n/locales/bg';
import { lv } from '../../shared/i18n/locales/lv';
import { ru } from '../../shared/i18n/locales/ru';
import { createIpcConnection } from '../../renderer/bridge/ipcConnection';
import { createWebSocketConnection } from '../../renderer/bridge/webSocketConnection';
import { Kiosk } from '../../renderer/kiosk/Kiosk';
import { assistant, view } from './fixtures';

afterEach(cleanup);

/**
 * "Leave kiosk mode" in the assistant's panel: only inside the Electron kiosk shell (the IPC
 * bridge says so; a browser's WebSocket bridge does not), only for a supervisor, only during maintenance.
 */
const supervisor = { ...assistant, name: 'Ivan', role: 'supervisor' } as const;

function show(state: string, who: typeof assistant | typeof supervisor, inKioskShell: boolean) {
  const send = vi.fn<(event: UiEvent) => void>();
  render(<Kiosk view={view(state, { assistant: who })} connected send={send} inKioskShell={inKioskShell} />);
  return send;
}

describe('leave kiosk mode', () => {
  it('is offered to a supervisor during maintenance in the kiosk shell, and sends the command', () => {
    const send = show('maintenance', supervisor, true);
    fireEvent.click(screen.getByTestId('staff-leave-kiosk'));
    expect(screen.getByTestId('staff-leave-kiosk').textContent).toBe('Leave kiosk mode');
    expect(send).toHaveBeenCalledWith({ type: 'ui.assistantCommand', command: { kind: 'leaveKiosk' } });
  });

  it('is not offered in a browser, to an assistant, or outside maintenance', () => {
    for (const [state, who, inShell] of [
      ['maintenance', supervisor, false],
      ['maintenance', assistant, true],
      ['idle', supervisor, true],
      ['closed', supervisor, true],
    ] as const) {
      show(state, who, inShell);
      expect(screen.queryByTestId('staff-leave-kiosk')).toBeNull();
      cleanup();
    }
  });

  it('knows the shell from the bridge: IPC through the preload yes, a WebSocket no', () => {
    const preload: PreloadBridgeApi = { send: () => undefined, onMessage: () => () => undefined };
    const ipc = createIpcConnection(preload);
    expect(ipc.inKioskShell).toBe(true);
    ipc.dispose();
    const socket = createWebSocketConnection('ws://127.0.0.1:1/bridge', { createSocket: () => ({ close: () => undefined }) as never });
    expect(socket.inKioskShell ?? false).toBe(false);
    socket.dispose();
  });

  it('has its words in every language', () => {
    for (const catalog of [en, ru, lv, bg]) {
      expect(catalog['staff.lane.leaveKiosk']).toMatch(/\S/);
      expect(catalog['station.auditAction.leaveKiosk']).toMatch(/\S/);
    }
  });
});
