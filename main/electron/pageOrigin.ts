/**
 * The one place a shell window may be: an origin (scheme, host and port), compared on parsed
 * URLs, never on string prefixes (`https://hub.store.lan.evil.example/` starts with
 * `https://hub.store.lan`).
 */
export interface PageOrigin {
  /** What the window loads first. */
  readonly startUrl: string;
  /** True for a URL on this origin. */
  contains(url: string): boolean;
  /** What the page may connect to besides itself (the CSP's `connect-src`). */
  readonly connectSources: readonly string[];
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * `new URL().origin` is "null" for schemes Node does not know (our `lanewise:`), so the parts are
 * compared one by one. Credentials in a URL (`https://hub@evil/`) never match.
 */
function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.hostname === b.hostname && a.port === b.port && a.username === '' && a.password === '';
}

/** The WebSocket origin beside an http(s) origin: a lane's bridge or the hub's station bridge. */
function webSocketOrigin(url: URL): string | undefined {
  if (url.protocol === 'https:') return `wss://${url.host}`;
  if (url.protocol === 'http:') return `ws://${url.host}`;
  return undefined;
}

/**
 * An origin served over the network (the supervisor station, or a lane's page in the demo): the
 * page may talk to its own WebSocket bridge and nothing else.
 */
export function networkPageOrigin(startUrl: string): PageOrigin {
  const start = parse(startUrl);
  if (!start || !['http:', 'https:'].includes(start.protocol)) throw new Error(`not an http:// or https:// address: ${startUrl}`);
  const socket = webSocketOrigin(start);
  return {
    startUrl: start.href,
    contains: (url) => {
      const candidate = parse(url);
      return candidate !== undefined && sameOrigin(candidate, start);
    },
    connectSources: socket ? [socket] : [],
  };
}

/** An origin the shell serves itself (the kiosk page on its own scheme): no network at all. */
export function appPageOrigin(startUrl: string): PageOrigin {
  const start = parse(startUrl);
  if (!start) throw new Error(`not an address: ${startUrl}`);
  return {
    startUrl: start.href,
    contains: (url) => {
      const candidate = parse(url);
      return candidate !== undefined && sameOrigin(candidate, start);
    },
    connectSources: [],
  };
}
