import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Logger } from '../../shared/log';
import { buildElectronShell } from '../electron/buildShell';

/** The Electron binary, if the `electron` package could download it on this machine. */
export function electronBinary(): string | undefined {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' ? binary : undefined;
  } catch {
    return undefined; // the npm wrapper is there but its binary is not (no download possible here)
  }
}

export function hasDisplay(): boolean {
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY || process.platform === 'win32' || process.platform === 'darwin');
}

/**
 * Opens the demo lane in the Electron kiosk shell when Electron and a display exist;
 * resolves undefined otherwise (the caller prints the URL instead).
 */
export async function launchKioskWindow(laneUrl: string, log: Logger): Promise<{ close(): Promise<void> } | undefined> {
  const binary = electronBinary();
  if (!binary || !hasDisplay()) return undefined;
  const shell = await buildElectronShell();
  const child: ChildProcess = spawn(binary, [join(shell, 'main.cjs'), '--lane-url', laneUrl], { stdio: 'ignore' });
  child.on('exit', (code) => log.info({ code }, 'Electron kiosk window closed'));
  return {
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}
