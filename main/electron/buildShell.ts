import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../cli/paths';

/** Where the Electron shell is bundled: `main.cjs` and `preload.cjs`, beside `dist/renderer`. */
export const electronDistDir = join(repoRoot, 'dist', 'electron');

const external = ['electron', 'better-sqlite3', 'serialport', /^@serialport\//, 'node-hid', 'pino', 'ws', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/**
 * Bundles the Electron shell with Vite, as CommonJS. The main process and the preload are
 * built separately: a sandboxed preload may `require` only Electron's own modules, so it must
 * be one self-contained file with nothing split into shared chunks. Native modules stay
 * external; electron-builder packs them, rebuilt for Electron.
 */
export async function buildElectronShell(): Promise<string> {
  const vite = await import('vite');
  for (const [entry, emptyOutDir] of [
    ['main', true],
    ['preload', false],
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
