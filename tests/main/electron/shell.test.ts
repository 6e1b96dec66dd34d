import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildElectronShell } from '../../../main/electron/buildShell';

/**
 * Electron's binary cannot be downloaded on the build machines, so the shell is checked as
 * built: it bundles, the preload is self-contained, and the security settings are in the code.
 */
describe('the Electron shell bundle', () => {
  it('builds a self-contained sandboxed preload and a locked-down main process', async () => {
    const dir = await buildElectronShell();
    const preload = readFileSync(join(dir, 'preload.cjs'), 'utf8');
    const requires = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect(requires).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
    expect(preload).toContain('lanewise:bridge');

    const main = readFileSync(join(dir, 'main.cjs'), 'utf8');
    for (const setting of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false', 'webSecurity: true', 'kiosk: true']) expect(main).toContain(setting);
    expect(main).toContain("action: 'deny'".replace(/'/g, '"'));
    expect(main).toContain('setPermissionRequestHandler');
    expect(main).toContain('will-navigate');
    expect(main).toContain('requestSingleInstanceLock');
    expect(main).toContain('prevent-display-sleep');
  }, 60_000);
});
