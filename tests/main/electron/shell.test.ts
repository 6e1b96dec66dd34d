import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildElectronShell } from '../../../main/electron/buildShell';

/**
 * Electron's binary cannot be downloaded on the build machines, so the shell is checked as
 * built: it bundles, the preload is self-contained, the lane runtime is its own entry for a
 * utility process, and the security settings are in the code.
 */
describe('the Electron shell bundle', () => {
  it('builds a self-contained sandboxed preload, a locked-down main process and the runtime’s utility process', async () => {
    const dir = await buildElectronShell();
    const requiresOf = (code: string) => [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]!))];

    const preload = readFileSync(join(dir, 'preload.cjs'), 'utf8');
    expect(requiresOf(preload)).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
    expect(preload).toContain('lanewise:bridge');

    const main = readFileSync(join(dir, 'main.cjs'), 'utf8');
    for (const setting of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false', 'nodeIntegrationInWorker: false', 'webSecurity: true', 'allowRunningInsecureContent: false', 'webviewTag: false', 'kiosk: true']) {
      expect(main).toContain(setting);
    }
    expect(main).toContain('action: "deny"');
    for (const hook of ['setPermissionRequestHandler', 'setPermissionCheckHandler', 'onHeadersReceived', 'will-navigate', 'will-redirect', 'will-frame-navigate', 'will-attach-webview', 'web-contents-created']) expect(main).toContain(hook);
    expect(main).toContain('requestSingleInstanceLock');
    expect(main).toContain('prevent-display-sleep');
    expect(main).toContain('render-process-gone');
    expect(main).toContain('utilityProcess.fork');
    expect(main).toContain('runtime.cjs');
    // Nothing in the shell opens anything outside it.
    expect(main).not.toContain('openExternal');
    // The lane itself does not run in the main process.
    expect(main).not.toContain('better-sqlite3');
    expect(requiresOf(main)).toEqual(expect.arrayContaining(['electron', 'electron-updater']));

    const runtime = readFileSync(join(dir, 'runtime.cjs'), 'utf8');
    expect(runtime).toContain('parentPort');
    expect(runtime).toContain('startLane');
    expect(requiresOf(runtime)).toContain('better-sqlite3');
    expect(requiresOf(runtime)).not.toContain('electron');
    expect(runtime).not.toContain('openExternal');
  }, 60_000);
});
