import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Vite from 'vite';
import { rendererDistDir, repoRoot } from './paths';

function newestModification(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestModification(join(path, entry)));
  return newest;
}

/** True when the built kiosk page is missing or older than any of its sources. */
export function rendererIsStale(): boolean {
  const built = join(rendererDistDir, 'index.html');
  if (!existsSync(built)) return true;
  const sources = ['renderer', 'shared', 'vite.config.ts'].map((entry) => join(repoRoot, entry)).filter(existsSync);
  return Math.max(...sources.map(newestModification)) > statSync(built).mtimeMs;
}

/**
 * Builds the kiosk page with Vite when it is missing or stale (a development checkout).
 * An installed Lanewise ships the page prebuilt and has no Vite.
 */
export async function ensureRendererBuilt(): Promise<string> {
  if (!rendererIsStale()) return rendererDistDir;
  let vite: typeof Vite;
  try {
    vite = await import('vite');
  } catch {
    if (existsSync(join(rendererDistDir, 'index.html'))) return rendererDistDir;
    throw new Error(`the kiosk page is not built (${rendererDistDir}) and Vite is not installed to build it`);
  }
  await vite.build({ configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'warn' });
  return rendererDistDir;
}
