import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardTerminalSimulator } from '../devices/payment/simulator';
import { EscPosPrinterSimulator } from '../devices/printer/simulator';
import { ScannerSimulator } from '../devices/scanner/simulator';
import { SerialPortTransport } from '../devices/serial/transport';
import { createPtyPair } from '../devices/sim/ptyPair';
import type { LaneView } from '../shared/bridge/laneView';
import { silentLogger } from '../shared/log';
import { parseLaneConfig } from '../main/config/laneConfig';
import { preciseNow } from '../main/lane/runtime';
import { startLane } from '../main/lane/startLane';
import { summarize } from './stats';

const serial = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } as const;

interface Sample {
  writtenAt: number;
  firstByteAt: number;
  receivedAt: number;
  decodedAt: number;
  committedAt: number;
  publishedAt: number;
  renderedAt: number;
}

/**
 * Scan-to-screen latency, the way a shopper sees it: scanner bytes written to the
 * pseudo-terminal → the serial driver reads the frame → decoded and looked up → committed
 * to the journal (synchronous=FULL) → published on the bridge → the row rendered in
 * Chromium (next animation frame). Baskets are emptied every `basketSize` scans so the
 * list stays the size a real basket has, with a shopper's pause between scans.
 */
export async function benchScanToScreen(options: {
  catalogPath: string;
  gtins: readonly string[];
  scans: number;
  basketSize: number;
  gapMs: number;
  staticDir: string;
  /** Work to run once warmed up (a catalogue sync): only scans made while it runs are counted, and scanning goes on until it ends. */
  during?: () => Promise<unknown>;
}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lanewise-bench-'));
  const scannerPty = await createPtyPair(join(dataDir, 'dev'), 'scanner');
  const printerPty = await createPtyPair(join(dataDir, 'dev'), 'printer');
  const scanner = new ScannerSimulator(new SerialPortTransport(scannerPty.devicePath, serial), { prefix: '', suffix: 'CR', aimIdentifiers: false });
  const printer = new EscPosPrinterSimulator(new SerialPortTransport(printerPty.devicePath, serial));
  const terminal = new CardTerminalSimulator({ mode: { mode: 'manual' } });
  await Promise.all([scanner.open(), printer.open(), terminal.start()]);

  const config = parseLaneConfig({
    laneId: 'B01',
    storeName: 'Benchmark Store',
    dataDir,
    catalogFile: options.catalogPath,
    devices: {
      scanner: { driver: 'serial', path: scannerPty.hostPath },
      printer: { driver: 'escpos-serial', path: printerPty.hostPath },
      paymentTerminal: { driver: 'tcp', port: terminal.port },
    },
  });
  const lane = await startLane(config, { staticDir: options.staticDir, log: silentLogger });
  const browser = await chromium.launch({
    executablePath: process.env.LANEWISE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, reducedMotion: process.env.LANEWISE_BENCH_REDUCED_MOTION ? 'reduce' : 'no-preference' });
    await page.goto(lane.server!.url);
    await page.getByTestId('screen-idle').waitFor();

    // The page's clock against ours: both are epoch-anchored monotonic clocks, measured
    // a few times and the tightest bracket kept.
    let clock = { offset: 0, uncertainty: Number.POSITIVE_INFINITY };
    for (let i = 0; i < 20; i++) {
      const before = preciseNow();
      const pageNow = await page.evaluate(() => performance.timeOrigin + performance.now());
      const after = preciseNow();
      if ((after - before) / 2 < clock.uncertainty) clock = { offset: pageNow - (before + after) / 2, uncertainty: (after - before) / 2 };
    }

    const views = new Map<number, LaneView>();
    lane.runtime.onView((view) => {
      if (view.trace) views.set(view.trace.id, view);
    });
    const samples: Sample[] = [];
    const warmup = 20;
    let background: { done: boolean; result?: Promise<unknown> } | undefined;
    const counting = () => background === undefined || !background.done;
    for (let i = 0; (options.during ? !background?.done : true) && i < (options.during ? 5_000 : options.scans + warmup); i++) {
      if (i === warmup && options.during) {
        const running: { done: boolean; result?: Promise<unknown> } = { done: false };
        running.result = options.during().finally(() => (running.done = true));
        background = running;
      }
      if (i > 0 && i % options.basketSize === 0) {
        await lane.runtime.service.sendEvent({ event: { type: 'ui.cancelSale' } });
        await lane.runtime.service.sendEvent({ event: { type: 'ui.confirmCancel' } });
        await page.getByTestId('screen-idle').waitFor();
      }
      // A shopper needs a moment between items; scanning back to back would measure the
      // previous frame's painting competing for the CPU rather than the scan.
      await new Promise((resolve) => setTimeout(resolve, options.gapMs));
      const code = options.gtins[(i * 104729) % options.gtins.length]!.slice(1);
      const traceCount = views.size;
      const writtenAt = preciseNow();
      await scanner.scan(code);
      while (views.size === traceCount) await new Promise((resolve) => setImmediate(resolve));
      const view = [...views.values()].at(-1)!;
      const traceId = view.trace!.id;
      const renderedAt = (await page.waitForFunction(
        (id) => (globalThis as unknown as { __lanewiseRenderTrace?: { id: number; renderedAt: number }[] }).__lanewiseRenderTrace?.find((entry) => entry.id === id)?.renderedAt,
        traceId,
        { polling: 'raf' },
      ).then((handle) => handle.jsonValue())) as number;
      if (i >= warmup && counting()) samples.push({ writtenAt, ...view.trace!, renderedAt: renderedAt - clock.offset });
    }
    await background?.result;

    const stage = (from: keyof Sample, to: keyof Sample) => summarize(samples.map((sample) => sample[to] - sample[from]));
    return {
      scans: samples.length,
      basketSize: options.basketSize,
      gapBetweenScansMs: options.gapMs,
      unit: 'ms',
      clock: { pageOffsetMs: Number(clock.offset.toFixed(3)), uncertaintyMs: Number(clock.uncertainty.toFixed(3)) },
      total: stage('writtenAt', 'renderedAt'),
      stages: {
        serialRead: stage('writtenAt', 'receivedAt'),
        decoded: stage('receivedAt', 'decodedAt'),
        committed: stage('decodedAt', 'committedAt'),
        published: stage('committedAt', 'publishedAt'),
        rendered: stage('publishedAt', 'renderedAt'),
      },
      frameOnTheLine: stage('firstByteAt', 'receivedAt'),
      /** Every counted scan's total, in order, for the distribution plot. */
      totalsMs: samples.map((sample) => Number((sample.renderedAt - sample.writtenAt).toFixed(2))),
    };
  } finally {
    await browser.close();
    await lane.stop();
    await Promise.all([scanner.close(), printer.close(), terminal.stop()]);
    await Promise.all([scannerPty.close(), printerPty.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
