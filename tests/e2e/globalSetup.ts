import { ensureRendererBuilt } from '../../main/cli/rendererBuild';

/** The kiosk page is built once for all end-to-end tests. */
export default async function globalSetup(): Promise<void> {
  await ensureRendererBuilt();
}
