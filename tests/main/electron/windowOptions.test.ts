import { describe, expect, it } from 'vitest';
import { kioskBackgroundColour, kioskWindowOptions, stationWindowOptions } from '../../../main/electron/windowOptions';

/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), the
 * items a window's options decide, for both windows a terminal can show, packaged and not.
 */
const checklist = {
  contextIsolation: true, // 3. context isolation
  sandbox: true, // 4. process sandboxing
  nodeIntegration: false, // 2. no Node.js integration for remote content
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true, // 6. do not disable webSecurity
  allowRunningInsecureContent: false, // 8. no insecure content
  experimentalFeatures: false, // 9. no experimental features
  enableBlinkFeatures: '', // 10. no enableBlinkFeatures
  webviewTag: false, // 11/12. no <webview>
  spellcheck: false, // no dictionary downloads, no suggestions leaking typed text
};

describe('window options against Electron’s security checklist', () => {
  for (const isPackaged of [true, false]) {
    it(`locks down the kiosk window (${isPackaged ? 'packaged' : 'developer build'})`, () => {
      const options = kioskWindowOptions({ isPackaged, preload: '/opt/lanewise/resources/app.asar/dist/electron/preload.cjs' });
      expect(options.webPreferences).toMatchObject(checklist);
      expect(options.webPreferences?.devTools).toBe(!isPackaged);
      expect(options.webPreferences?.preload).toBe('/opt/lanewise/resources/app.asar/dist/electron/preload.cjs');
      expect(options).toMatchObject({ kiosk: true, fullscreen: true, autoHideMenuBar: true, backgroundColor: kioskBackgroundColour });
    });

    it(`locks down the supervisor station window (${isPackaged ? 'packaged' : 'developer build'})`, () => {
      const options = stationWindowOptions({ isPackaged });
      expect(options.webPreferences).toMatchObject(checklist);
      expect(options.webPreferences?.devTools).toBe(!isPackaged);
      // The station talks to the hub over its own WebSocket: no preload, no bridge into main.
      expect(options.webPreferences).not.toHaveProperty('preload');
      expect(options).toMatchObject({ kiosk: false, autoHideMenuBar: true });
      expect(options.fullscreen).toBeUndefined();
    });
  }

  it('shows the demo’s lane from the network without a preload', () => {
    expect(kioskWindowOptions({ isPackaged: false }).webPreferences).not.toHaveProperty('preload');
  });
});
