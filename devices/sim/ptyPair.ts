import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Two pseudo-terminals joined by socat, like a null-modem cable: a simulator
 * opens `devicePath` and speaks the device's wire protocol, the driver opens
 * `hostPath` with serialport as it would a real /dev/ttyUSB0.
 *
 * ptys carry no parity or modem lines (TIOCMGET fails), so simulated devices run
 * 8N1 here while the protocol table keeps the real device's setting.
 */
export interface PtyPair {
  readonly devicePath: string;
  readonly hostPath: string;
  /** Cuts the cable: socat exits and both links disappear. */
  close(): Promise<void>;
  readonly closed: boolean;
}

export async function createPtyPair(directory: string, name: string): Promise<PtyPair> {
  mkdirSync(directory, { recursive: true });
  const devicePath = join(directory, `${name}.device`);
  const hostPath = join(directory, `${name}.host`);
  rmSync(devicePath, { force: true });
  rmSync(hostPath, { force: true });

  let socat: ChildProcess;
  try {
    socat = spawn('socat', [`pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${hostPath}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    throw new Error(`could not start socat (Debian package "socat"): ${(error as Error).message}`);
  }
  let stderr = '';
  socat.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    socat.once('exit', () => {
      exited = true;
      resolve();
    });
    socat.once('error', (error) => {
      stderr += error.message;
      exited = true;
      resolve();
    });
  });

  const deadline = Date.now() + 5_000;
  while (!(existsSync(devicePath) && existsSync(hostPath))) {
    if (exited) throw new Error(`socat exited before creating ${name}: ${stderr.trim() || 'no output'}`);
    if (Date.now() > deadline) {
      socat.kill('SIGKILL');
      throw new Error(`socat did not create ${name} within 5 s`);
    }
    await sleep(10);
  }

  let closed = false;
  return {
    devicePath,
    hostPath,
    get closed() {
      return closed || exited;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!exited) socat.kill('SIGTERM');
      await exit;
      rmSync(devicePath, { force: true });
      rmSync(hostPath, { force: true });
    },
  };
}
