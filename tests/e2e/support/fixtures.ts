import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoStore, type DemoLane, type DemoStore } from '../../../main/demo/demoStore';
import { createLogger } from '../../../main/log/logger';

/** Every screen an end-to-end test passes through is saved here (named in README). */
export const screensDir = join(process.cwd(), 'tests', 'artifacts', 'screens');

interface Fixtures {
  /** Whether the demo lane has a bagging scale to satisfy (tests about other things leave it out). */
  baggingScale: boolean;
  /** How many lanes the demo store has, and whether it runs the supervisor hub (station tests). */
  lanes: number;
  supervised: boolean;
  /** Run the store server: lanes sync their own catalogue copy from it and send it their sales. */
  withStoreServer: boolean;
  store: DemoStore;
  lane: DemoLane;
  /** Saves a screenshot of the test's page (or `of`, e.g. the station) named `<test>-<n>-<name>.png`. */
  shot: (name: string, of?: Page) => Promise<void>;
}

export const test = base.extend<Fixtures>({
  baggingScale: [false, { option: true }],
  lanes: [1, { option: true }],
  supervised: [false, { option: true }],
  withStoreServer: [false, { option: true }],
  store: async ({ baggingScale, lanes, supervised, withStoreServer }, use, testInfo) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lanewise-e2e-'));
    const log = createLogger({ file: join(dataDir, 'logs', 'demo.jsonl') });
    const store = await startDemoStore({ dataDir, lanes, basePort: 0, terminalMode: 'manual', baggingScale, supervisor: supervised ? { port: 0 } : undefined, storeServer: withStoreServer ? { port: 0 } : undefined, log });
    await use(store);
    await store.stop();
    log.flush();
    if (testInfo.status === testInfo.expectedStatus) rmSync(dataDir, { recursive: true, force: true });
    else testInfo.annotations.push({ type: 'data', description: dataDir });
  },
  lane: async ({ store }, use) => {
    await use(store.lanes[0]!);
  },
  shot: async ({ page }, use, testInfo) => {
    mkdirSync(screensDir, { recursive: true });
    const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const prefix = `${slug(testInfo.file.split('/').pop()!.replace(/\.spec\.ts$/, ''))}-${slug(testInfo.title).slice(0, 40).replace(/-$/, '')}`;
    let index = 0;
    await use(async (name, of = page) => {
      index++;
      await of.screenshot({ path: join(screensDir, `${prefix}-${String(index).padStart(2, '0')}-${name}.png`), fullPage: true });
    });
  },
});

export { expect };

/** The kiosk shows this screen (a `data-testid="screen-…"` wrapper for the state path). */
export async function expectScreen(page: Page, state: string): Promise<void> {
  await expect(page.getByTestId(`screen-${state.replaceAll('.', '-')}`)).toBeVisible();
}

export async function openKiosk(page: Page, lane: DemoLane): Promise<void> {
  await page.goto(lane.url);
  await expect(page.getByTestId('connecting')).toHaveCount(0);
}

/** Waits until the simulated card terminal has a payment waiting for a card, then decides it. */
export async function decideOnTerminal(lane: DemoLane, decision: 'approve' | 'decline' | 'cancel'): Promise<void> {
  await expect.poll(() => lane.terminal.pending.length, { timeout: 10_000 }).toBeGreaterThan(0);
  lane.terminal.decide(decision);
}
