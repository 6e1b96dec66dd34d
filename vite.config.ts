import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * `vite dev` injects CSS as <style> elements, which the page's CSP (`style-src 'self'`)
 * refuses; allow inline styles in the dev server only. Builds keep the strict policy.
 */
const devServerCsp: Plugin = {
  name: 'lanewise:dev-server-csp',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
};

/**
 * The kiosk page. `base: './'` makes every asset URL relative, so Electron can load the
 * built page from file:// as well as a lane's HTTP server from /.
 *
 * JSX is compiled by Vite's own transform from tsconfig's `jsx: react-jsx`.
 * @vitejs/plugin-react is not used: its Fast Refresh preamble is an inline script, which
 * the page's Content-Security-Policy (`script-src 'self'`) refuses.
 *
 * `vite dev` can reach a running lane: LANEWISE_BRIDGE=ws://127.0.0.1:PORT proxies /bridge there;
 * LANEWISE_HUB=ws://127.0.0.1:8100 proxies the station's /station/bridge to a supervisor hub.
 */
const devProxy = {
  ...(process.env.LANEWISE_BRIDGE ? { '/bridge': { target: process.env.LANEWISE_BRIDGE, ws: true } } : {}),
  ...(process.env.LANEWISE_HUB ? { '/station/bridge': { target: process.env.LANEWISE_HUB, ws: true } } : {}),
};

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  publicDir: false,
  plugins: [devServerCsp],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // Keep every asset a file: an inlined data: URL or <style> could fall foul of the CSP.
    assetsInlineLimit: 0,
    // The libraries' chunk (React, XState, i18next, zod and the four languages) is ~560 kB; it is
    // read from the terminal's disk or the store LAN, never a shopper's mobile connection.
    chunkSizeWarningLimit: 700,
  },
  server: {
    host: '127.0.0.1',
    proxy: devProxy,
  },
});
