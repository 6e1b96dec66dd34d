import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../shared/log';

// Electron's ipcMain, stood in for by a plain emitter: the sender checks are ours to test.
const ipcMain = new EventEmitter();
vi.mock('electron', () => ({ ipcMain }));

const { ipcConnection } = await import('../../../main/electron/ipcConnection');

function fakeWebContents(url: string) {
  const contents = Object.assign(new EventEmitter(), {
    mainFrame: { url },
    sent: [] as unknown[][],
    isDestroyed: () => false,
    send: (...args: unknown[]) => contents.sent.push(args),
  });
  return contents;
}

describe('the IPC transport of the bridge', () => {
  const trusted = (url: string) => url.startsWith('file:///opt/lanewise/renderer/');

  it('accepts messages only from its own window’s main frame on our page', () => {
    const kiosk = fakeWebContents('file:///opt/lanewise/renderer/index.html');
    const other = fakeWebContents('file:///opt/lanewise/renderer/index.html');
    const connection = ipcConnection(kiosk as never, trusted, silentLogger);
    const received: string[] = [];
    connection.onMessage((message) => received.push(message));

    ipcMain.emit('lanewise:bridge', { sender: kiosk, senderFrame: kiosk.mainFrame }, '{"kind":"call"}');
    // Another window, a subframe, a foreign page, a non-string payload: all dropped.
    ipcMain.emit('lanewise:bridge', { sender: other, senderFrame: other.mainFrame }, 'from another window');
    ipcMain.emit('lanewise:bridge', { sender: kiosk, senderFrame: { url: 'file:///opt/lanewise/renderer/index.html' } }, 'from a subframe');
    const navigatedAway = fakeWebContents('https://evil.example/');
    ipcMain.emit('lanewise:bridge', { sender: navigatedAway, senderFrame: navigatedAway.mainFrame }, 'from elsewhere');
    ipcMain.emit('lanewise:bridge', { sender: kiosk, senderFrame: kiosk.mainFrame }, { not: 'a string' });

    expect(received).toEqual(['{"kind":"call"}']);
    connection.send('hello');
    expect(kiosk.sent).toEqual([['lanewise:bridge', 'hello']]);
    connection.dispose();
    expect(ipcMain.listenerCount('lanewise:bridge')).toBe(0);
  });

  it('reports the page going away so calls in flight are not left hanging', () => {
    const kiosk = fakeWebContents('file:///opt/lanewise/renderer/index.html');
    const connection = ipcConnection(kiosk as never, trusted, silentLogger);
    let closed = 0;
    connection.onClose(() => closed++);
    kiosk.emit('did-start-navigation');
    kiosk.emit('destroyed');
    expect(closed).toBe(2);
    connection.dispose();
  });
});
