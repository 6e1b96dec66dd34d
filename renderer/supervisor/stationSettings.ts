/**
 * Per-device choices (language, sound), kept across page loads. Storage can be missing or
 * refuse writes (private browsing, a locked-down kiosk profile): then the choice lasts the visit.
 */
const prefix = 'lanewise.station.';

export function readSetting(name: 'language' | 'muted'): string | null {
  try {
    return globalThis.localStorage?.getItem(prefix + name) ?? null;
  } catch {
    return null;
  }
}

export function writeSetting(name: 'language' | 'muted', value: string): void {
  try {
    globalThis.localStorage?.setItem(prefix + name, value);
  } catch {
    // Not kept: see above.
  }
}
