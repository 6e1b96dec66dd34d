import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this program runs from (two folders above main/cli). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `lanewise demo` keeps its catalogue, journals, logs and pseudo-terminals, unless told otherwise. */
export const defaultDemoDataDir = process.env.LANEWISE_DEMO_DIR ? resolve(process.env.LANEWISE_DEMO_DIR) : join(repoRoot, 'var', 'demo');

/** The built kiosk page. */
export const rendererDistDir = join(repoRoot, 'dist', 'renderer');
