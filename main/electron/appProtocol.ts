import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Logger } from '../../shared/log';
import type { ProtocolLike } from './electronApi';

/**
 * The kiosk page is served on a scheme of our own rather than file://: it gets a real origin
 * (file:// pages share one with every file on the disk), and every response carries our
 * headers, the Content-Security-Policy first (Electron's security checklist, items 7 and 18).
 */
export const kioskScheme = 'lanewise';
export const kioskHost = 'kiosk';
export const kioskPageUrl = `${kioskScheme}://${kioskHost}/index.html`;

/** A standard, secure scheme: relative URLs, ES modules and the CSP work as on https. Must be registered before `app` is ready. */
export function registerKioskScheme(protocol: Pick<ProtocolLike, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: kioskScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
};

/** The built page's files, never anything outside `rootDir`. */
function fileFor(rootDir: string, url: URL): string | undefined {
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  const file = resolve(rootDir, `.${pathname === '/' ? '/index.html' : pathname}`);
  const inside = relative(rootDir, file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) return undefined;
  return file;
}

function plain(status: number, text: string, csp: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' } });
}

/**
 * The handler for `protocol.handle(kioskScheme, …)`: GET of a file under `rootDir` on our host,
 * with `csp` and `nosniff` on every response; anything else is refused and logged.
 */
export function kioskPageHandler(rootDir: string, csp: string, log: Logger): (request: Request) => Promise<Response> {
  const root = resolve(rootDir);
  return async (request) => {
    const url = new URL(request.url);
    if (url.hostname !== kioskHost || url.username || url.password || url.port) {
      log.warn({ url: request.url }, 'kiosk page request for another host refused');
      return plain(404, 'not found', csp);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed', csp);
    const file = fileFor(root, url);
    if (!file) {
      log.warn({ url: request.url }, 'kiosk page request outside the page refused');
      return plain(404, 'not found', csp);
    }
    try {
      if (!(await stat(file)).isFile()) return plain(404, 'not found', csp);
      const body = request.method === 'HEAD' ? null : await readFile(file);
      return new Response(body, {
        status: 200,
        headers: {
          'Content-Type': contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'Content-Security-Policy': csp,
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'no-cache',
        },
      });
    } catch {
      return plain(404, 'not found', csp);
    }
  };
}
