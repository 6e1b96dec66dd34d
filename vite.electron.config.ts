import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * Bundles the Electron shell: main process and preload, as CommonJS (a sandboxed preload
 * cannot load ES modules). Native modules and Electron stay external; electron-builder
 * packs them (rebuilt for Electron) next to the bundle.
 */
export default defineConfig({
  build: {
    outDir: resolve(__dirname, 'dist/electron'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    ssr: true,
    rollupOptions: {
      input: {
        main: resolve(__dirname, 'main/electron/main.ts'),
        preload: resolve(__dirname, 'main/electron/preload.ts'),
      },
      external: ['electron', 'better-sqlite3', 'serialport', /^@serialport\//, 'node-hid', 'pino', 'ws', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)],
      output: { format: 'cjs', entryFileNames: '[name].cjs' },
    },
  },
});
