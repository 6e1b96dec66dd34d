/**
 * What store IT and support may see of a terminal's configuration and logs: everything except
 * credentials. One function for `lanewise config check` and `lanewise diagnostics`, so what one
 * hides the other hides too.
 *
 * A field is secret by its name: any word of it (camelCase, snake_case or kebab-case) is secret,
 * token, password, passwd, passphrase, pin, key, credential(s), authorization, cookie or apikey —
 * `laneToken`, `laneSecret`, `apiKey`, `keyFile`, `pinHash`, but not `shopperKeyedEntry`. Its
 * value is shown as "set" (never a part of it). Passwords in URLs and secret-named query
 * parameters are replaced too.
 */

const secretWords = new Set(['secret', 'secrets', 'token', 'tokens', 'password', 'passwords', 'passwd', 'passphrase', 'pin', 'pins', 'key', 'keys', 'credential', 'credentials', 'authorization', 'cookie', 'apikey']);

/** What a secret's value is shown as. */
export const redactedValue = 'set';

function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/gu, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/gu, '$1 $2')
    .split(/[^A-Za-z0-9]+/u)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

export function isSecretName(name: string): boolean {
  return wordsOf(name).some((word) => secretWords.has(word));
}

/** A URL with its password and secret-named query values replaced; other text unchanged. */
export function redactUrl(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//iu.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  let changed = false;
  if (url.password) {
    url.password = 'redacted';
    changed = true;
  }
  for (const name of [...url.searchParams.keys()]) {
    if (isSecretName(name)) {
      url.searchParams.set(name, 'redacted');
      changed = true;
    }
  }
  return changed ? url.href : text;
}

/** A deep copy with every secret replaced by "set" (absent or null ones stay so). */
export function redactSecrets<T>(value: T): T {
  return redactValue(value) as T;
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactUrl(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    copy[name] = isSecretName(name) && field !== null && field !== undefined && field !== '' ? redactedValue : redactValue(field);
  }
  return copy;
}

/**
 * Every string held under a secret name, anywhere in `value` (at least 6 characters: shorter
 * ones would match ordinary text). Used to scrub free text such as log messages.
 */
export function secretValuesIn(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown, secret: boolean) => {
    if (typeof node === 'string') {
      if (secret && node.length >= 6) found.add(node);
      else if (!secret) {
        // A password inside a URL is a secret too.
        try {
          if (/^[a-z][a-z0-9+.-]*:\/\//iu.test(node)) {
            const url = new URL(node);
            if (url.password.length >= 6) found.add(decodeURIComponent(url.password));
          }
        } catch {
          // not a URL
        }
      }
    } else if (Array.isArray(node)) node.forEach((item) => visit(item, secret));
    else if (node !== null && typeof node === 'object') for (const [name, field] of Object.entries(node)) visit(field, secret || isSecretName(name));
  };
  visit(value, false);
  // Longest first, so a secret containing another is replaced whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of the given secrets replaced. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) if (scrubbed.includes(secret)) scrubbed = scrubbed.split(secret).join('[redacted]');
  return scrubbed;
}
