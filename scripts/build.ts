// `npm run build`: the kiosk page and the Electron shell, ready for electron-builder.
import { join } from 'node:path';
import { build } from 'vite';
import { repoRoot } from '../main/cli/paths';
import { buildElectronShell } from '../main/electron/buildShell';

await build({ configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'warn' });
const shell = await buildElectronShell();
process.stdout.write(`built ${join(repoRoot, 'dist', 'renderer')} and ${shell}\n`);
