import { rmSync } from 'node:fs';
import { ensureRendererBuilt } from '../../main/cli/rendererBuild';
import { screensDir } from './support/fixtures';

/** The kiosk page is built once for all end-to-end tests; screenshots start afresh. */
export default async function globalSetup(): Promise<void> {
  rmSync(screensDir, { recursive: true, force: true });
  await ensureRendererBuilt();
}
