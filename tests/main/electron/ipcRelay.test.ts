import { describe, expect, it } from 'vitest';
import { kioskPageUrl } from '../../../main/electron/appProtocol';
import { maxBridgeMessageLength, relayBridge } from '../../../main/electron/ipcRelay';
import { appPageOrigin } from '../../../main/electron/pageOrigin';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { FakeContents, FakeIpcMain } from './fakeElectron';

/** Main's part of the IPC bridge: it checks who sent each message and passes it on unread. */
describe('the IPC bridge relay', () => {
  const origin = appPageOrigin(kioskPageUrl);

  function relay() {
    const ipcMain = new FakeIpcMain();
    const kiosk = new FakeContents(kioskPageUrl);
    const log = createRecordingLogger();
    const toRuntime: string[] = [];
    const relayed = relayBridge({ ipcMain, contents: kiosk, origin, toRuntime: (message) => toRuntime.push(message), log });
    return { ipcMain, kiosk, log, toRuntime, relayed };
  }

  it('passes on messages only from the kiosk window’s top frame showing our page, and drops forged ones with a log line', () => {
    const { ipcMain, kiosk, log, toRuntime, relayed } = relay();
    ipcMain.emit('lanewise:bridge', { sender: kiosk, senderFrame: kiosk.mainFrame }, '{"kind":"call"}');

    const other = new FakeContents(kioskPageUrl);
    // Another window, a subframe of ours, our window after it navigated elsewhere, no frame at all.
    ipcMain.emit('lanewise:bridge', { sender: other, senderFrame: other.mainFrame }, 'from another window');
    ipcMain.emit('lanewise:bridge', { sender: kiosk, senderFrame: { url: kioskPageUrl } }, 'from a subframe');
    ipcMain.emit('lanewise:bridge', { sender: kiosk, senderFrame: null }, 'from nowhere');
    kiosk.mainFrame.url = 'https://evil.example/';
    ipcMain.emit('lanewise:bridge', { sender: kiosk, senderFrame: kiosk.mainFrame }, 'from a foreign page');
    kiosk.mainFrame.url = kioskPageUrl;
    // Not one bridge message: an object, a second argument, too long.
    ipcMain.emit('lanewise:bridge', { sender: kiosk, senderFrame: kiosk.mainFrame }, { not: 'a string' });
    ipcMain.emit('lanewise:bridge', { sender: kiosk, senderFrame: kiosk.mainFrame }, 'one', 'two');
    ipcMain.emit('lanewise:bridge', { sender: kiosk, senderFrame: kiosk.mainFrame }, 'x'.repeat(maxBridgeMessageLength + 1));

    expect(toRuntime).toEqual(['{"kind":"call"}']);
    expect(log.find('warn', 'IPC bridge message from an untrusted sender dropped').map((record) => record.fields)).toEqual([
      { url: kioskPageUrl, fromKiosk: false, fromTopFrame: false, onOurPage: true },
      { url: kioskPageUrl, fromKiosk: true, fromTopFrame: false, onOurPage: true },
      { url: undefined, fromKiosk: true, fromTopFrame: false, onOurPage: false },
      { url: 'https://evil.example/', fromKiosk: true, fromTopFrame: true, onOurPage: false },
    ]);
    expect(log.find('warn', 'IPC bridge message that is not one bridge message dropped')).toHaveLength(3);

    relayed.toPage('{"kind":"event"}');
    expect(kiosk.sent).toEqual([['lanewise:bridge', '{"kind":"event"}']]);
    kiosk.destroyed = true;
    relayed.toPage('too late');
    expect(kiosk.sent).toHaveLength(1);
    relayed.dispose();
    expect(ipcMain.listenerCount('lanewise:bridge')).toBe(0);
  });
});
