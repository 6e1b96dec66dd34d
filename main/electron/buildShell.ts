import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../cli/paths';

/** Where the Electron shell is bundled: `main.cjs`, `preload.cjs` and `runtime.cjs`, beside `dist/renderer`. */
export const electronDistDir = join(repoRoot, 'dist', 'electron');

const external = ['electron', 'electron-updater', 'better-sqlite3', 'serialport', /^@serialport\//, 'node-hid', 'pino', 'ws', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/**
 * Bundles the Electron shell with Vite, as CommonJS, one self-contained file per entry: the
 * main process, the preload (sandboxed, it may `require` only Electron's own modules, so
 * nothing may be split into shared chunks) and the lane runtime's utility process. Native
 * modules stay external; electron-builder packs them, rebuilt for Electron.
 */
export async function buildElectronShell(): Promise<string> {
  const vite = await import('vite');
  for (const [entry, emptyOutDir] of [
    ['main', true],
    ['preload', false],
    ['runtime', false],
  ] as const) {
    await vite.build({
      configFile: false,
      logLevel: 'warn',
      build: {
        outDir: electronDistDir,
        emptyOutDir,
        target: 'node20',
        minify: false,
        sourcemap: true,
        ssr: join(repoRoot, 'main', 'electron', `${entry}.ts`),
        rollupOptions: { external, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
      },
    });
  }
  return electronDistDir;
}
