import { describe, expect, it } from 'vitest';
import { kioskPageUrl } from '../../../main/electron/appProtocol';
import { blockedShortcut, contentSecurityPolicy, lockDownContents, lockDownSession } from '../../../main/electron/lockdown';
import { appPageOrigin, networkPageOrigin } from '../../../main/electron/pageOrigin';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { FakeContents, FakeSession, preventable } from './fakeElectron';

const kioskOrigin = appPageOrigin(kioskPageUrl);
const stationOrigin = networkPageOrigin('https://hub.store.lan:8100/station/');

describe('where a page may be', () => {
  it('compares parsed origins, never prefixes', () => {
    expect(kioskOrigin.contains('lanewise://kiosk/assets/index.js')).toBe(true);
    expect(kioskOrigin.contains('lanewise://kiosk.evil/index.html')).toBe(false);
    expect(kioskOrigin.contains('lanewise://evil@kiosk/index.html')).toBe(false);
    expect(kioskOrigin.contains('file:///opt/lanewise/dist/renderer/index.html')).toBe(false);
    expect(stationOrigin.contains('https://hub.store.lan:8100/station/#/audit')).toBe(true);
    expect(stationOrigin.contains('https://hub.store.lan:8100.evil.example/station/')).toBe(false);
    expect(stationOrigin.contains('https://hub.store.lan.evil.example:8100/station/')).toBe(false);
    expect(stationOrigin.contains('https://hub.store.lan:8101/station/')).toBe(false);
    expect(stationOrigin.contains('http://hub.store.lan:8100/station/')).toBe(false);
    expect(stationOrigin.contains('https://user:pw@hub.store.lan:8100/station/')).toBe(false);
    expect(stationOrigin.contains('not a url')).toBe(false);
    expect(() => networkPageOrigin('file:///etc/passwd')).toThrow(/http/);
  });
});

describe('a locked-down web contents', () => {
  function locked(options: { isPackaged?: boolean; kiosk?: boolean; origin?: typeof kioskOrigin } = {}) {
    const contents = new FakeContents();
    const log = createRecordingLogger();
    lockDownContents(contents, { origin: options.origin ?? kioskOrigin, isPackaged: options.isPackaged ?? true, kiosk: options.kiosk ?? true, log });
    return { contents, log };
  }

  it('blocks navigation, redirects and frame navigation anywhere but its own page, and logs each', () => {
    const { contents, log } = locked();
    expect(contents.navigate('will-navigate', 'lanewise://kiosk/index.html')).toBe(true);
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(false);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(false);
    expect(contents.navigate('will-redirect', 'https://evil.example/phish')).toBe(false);
    expect(contents.navigate('will-frame-navigate', 'https://evil.example/frame', false)).toBe(false);
    expect(contents.navigate('will-frame-navigate', 'lanewise://kiosk/index.html', false)).toBe(true);
    expect(log.find('warn', 'navigation blocked').map((record) => [record.fields.kind, record.fields.url])).toEqual([
      ['navigate', 'https://evil.example/'],
      ['navigate', 'file:///etc/passwd'],
      ['redirect', 'https://evil.example/phish'],
      ['frame', 'https://evil.example/frame'],
    ]);
  });

  it('opens no windows and attaches no webviews', () => {
    const { contents, log } = locked();
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'lanewise://kiosk/index.html' })).toEqual({ action: 'deny' });
    const webview = preventable();
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.defaultPrevented).toBe(true);
    expect(log.find('warn', 'new window blocked')).toHaveLength(2);
    expect(log.find('warn', 'webview blocked')).toHaveLength(1);
  });

  it('locks the station window to the hub’s origin', () => {
    const { contents } = locked({ origin: stationOrigin, kiosk: false });
    expect(contents.navigate('will-navigate', 'https://hub.store.lan:8100/station/')).toBe(true);
    expect(contents.navigate('will-navigate', 'https://hub.store.lan:8200/')).toBe(false);
  });

  it('blocks DevTools, reload and close shortcuts in a packaged kiosk, none in a developer build', () => {
    const packaged = locked().contents;
    const blocked = [
      { key: 'F5' },
      { key: 'F12' },
      { key: 'r', control: true },
      { key: 'r', meta: true },
      { key: 'R', control: true, shift: true },
      { key: 'I', control: true, shift: true },
      { key: 'J', control: true, shift: true },
      { key: 'i', meta: true, alt: true },
      { key: 'w', control: true },
      { key: 'F4', alt: true },
      { key: 'p', control: true },
      { key: '=', control: true },
      { key: 'F11' },
    ];
    for (const input of blocked) expect(packaged.press(input), JSON.stringify(input)).toBe(false);
    // Typing (an assistant's PIN pad is on screen, but a keyboard or a keyboard-wedge scanner types too) goes through.
    for (const input of [{ key: '1' }, { key: 'a' }, { key: 'Enter' }, { key: 'Backspace' }, { key: 'c', control: true }]) expect(packaged.press(input), JSON.stringify(input)).toBe(true);

    const developer = locked({ isPackaged: false }).contents;
    for (const input of blocked) expect(developer.press(input)).toBe(true);
    expect(developer.listenerCount('before-input-event')).toBe(0);
  });

  it('lets a supervisor close and zoom the station, but not open DevTools or reload', () => {
    expect(blockedShortcut({ type: 'keyDown', key: 'w', control: true, meta: false, alt: false, shift: false }, { kiosk: false })).toBeUndefined();
    expect(blockedShortcut({ type: 'keyDown', key: '=', control: true, meta: false, alt: false, shift: false }, { kiosk: false })).toBeUndefined();
    expect(blockedShortcut({ type: 'keyDown', key: 'F12', control: false, meta: false, alt: false, shift: false }, { kiosk: false })).toBe('F12');
    expect(blockedShortcut({ type: 'keyDown', key: 'r', control: true, meta: false, alt: false, shift: false }, { kiosk: false })).toBe('Ctrl+R');
  });

  it('fixes the kiosk’s zoom once the page has loaded', () => {
    const { contents } = locked();
    contents.emit('did-finish-load');
    expect(contents.zoomLimits).toEqual([1, 1]);
  });
});

describe('a locked-down session', () => {
  function session(origin = kioskOrigin) {
    const fake = new FakeSession();
    const log = createRecordingLogger();
    lockDownSession(fake, { origin, log });
    return { fake, log };
  }

  it('denies every permission request and check, and logs them', () => {
    const { fake, log } = session();
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen']) expect(fake.askPermission(permission)).toBe(false);
    for (const permission of ['hid', 'serial', 'usb', 'media']) expect(fake.permissionCheckHandler?.(null, permission, 'lanewise://kiosk')).toBe(false);
    fake.permissionCheckHandler?.(null, 'hid', 'lanewise://kiosk');
    expect(log.find('warn', 'permission request denied').map((record) => record.fields.permission)).toEqual(['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen']);
    // Checks are frequent: each kind is logged once.
    expect(log.find('info', 'permission check denied').map((record) => record.fields.permission)).toEqual(['hid', 'serial', 'usb', 'media']);
  });

  it('blocks downloads', () => {
    const { fake, log } = session();
    const event = preventable();
    fake.emit('will-download', event, { getURL: () => 'https://evil.example/payload.exe' });
    expect(event.defaultPrevented).toBe(true);
    expect(log.find('warn', 'download blocked')).toHaveLength(1);
  });

  it('puts the strict CSP on every response from the page’s origin, beside the server’s own', () => {
    const { fake } = session();
    const csp = contentSecurityPolicy(kioskOrigin);
    expect(fake.headersFor('lanewise://kiosk/index.html', { 'content-type': ['text/html'] })).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [csp] });
    expect(fake.headersFor('lanewise://kiosk/index.html', { 'content-security-policy': ["default-src 'none'"] })).toEqual({ 'content-security-policy': ["default-src 'none'", csp] });
    // Other origins are not ours to change.
    expect(fake.headersFor('https://example.com/')).toBeUndefined();

    const station = session(stationOrigin).fake;
    expect(station.headersFor('https://hub.store.lan:8100/station/')).toEqual({ 'Content-Security-Policy': [contentSecurityPolicy(stationOrigin)] });
  });

  it('allows the page its own files and only the bridge it needs', () => {
    const directives = (csp: string) => Object.fromEntries(csp.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1).join(' ')]));
    const kiosk = directives(contentSecurityPolicy(kioskOrigin));
    expect(kiosk).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
      'connect-src': "'self'",
    });
    expect(Object.values(kiosk).join(' ')).not.toMatch(/unsafe|\*/);
    expect(directives(contentSecurityPolicy(stationOrigin))['connect-src']).toBe("'self' wss://hub.store.lan:8100");
    expect(directives(contentSecurityPolicy(networkPageOrigin('http://127.0.0.1:8080/')))['connect-src']).toBe("'self' ws://127.0.0.1:8080");
  });
});
