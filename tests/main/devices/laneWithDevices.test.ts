import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { produceGtin } from '../../../main/catalog/demoCatalog';
import { ensureDemoCatalog } from '../../../main/catalog/ensureDemoCatalog';
import { parseLaneConfig } from '../../../main/config/laneConfig';
import { startLane, type RunningLane } from '../../../main/lane/startLane';
import { LaneLightSimulator } from '../../../devices/laneLight/simulator';
import { CardTerminalSimulator } from '../../../devices/payment/simulator';
import { EscPosPrinterSimulator } from '../../../devices/printer/simulator';
import { SerialScaleSimulator } from '../../../devices/scale/simulator';
import { ScannerSimulator } from '../../../devices/scanner/simulator';
import { createPtyPair, type PtyPair } from '../../../devices/sim/ptyPair';
import { SerialPortTransport } from '../../../devices/serial/transport';
import type { UiEvent } from '../../../shared/checkout/events';
import { formatWeight } from '../../../shared/i18n';
import { silentLogger } from '../../../shared/log';
import { Cleanup, line9600, waitFor } from '../../devices/support/harness';
import { makeTempDir } from '../helpers/tempDir';

/**
 * A whole lane on its real drivers, every device a simulator on the far end of a
 * pseudo-terminal (or loopback TCP): the device manager builds the drivers from the
 * configuration, and the checkout sees weights, faults and returns as events.
 */
interface Rig {
  readonly lane: RunningLane;
  readonly dir: string;
  readonly ptys: Record<'scanner' | 'scale' | 'bagging' | 'printer' | 'light', PtyPair>;
  readonly scanner: ScannerSimulator;
  readonly scale: SerialScaleSimulator;
  readonly bagging: SerialScaleSimulator;
  readonly printer: EscPosPrinterSimulator;
  readonly light: LaneLightSimulator;
  readonly terminal: CardTerminalSimulator;
}

const bananas = produceGtin('4011').slice(1);

describe('a lane with every kind of device', () => {
  const cleanup = new Cleanup();
  let catalogDir: ReturnType<typeof makeTempDir>;

  beforeAll(() => {
    catalogDir = makeTempDir();
    ensureDemoCatalog(join(catalogDir.path, 'catalog.sqlite'), 50);
  });
  afterAll(() => catalogDir.remove());
  afterEach(() => cleanup.run());

  async function rig(): Promise<Rig> {
    const dir = cleanup.tempDir('lane-devices');
    const ptys = {} as Record<keyof Rig['ptys'], PtyPair>;
    for (const name of ['scanner', 'scale', 'bagging', 'printer', 'light'] as const) {
      ptys[name] = await createPtyPair(join(dir, 'dev'), name);
      cleanup.add(() => ptys[name].close());
    }
    const device = (name: keyof Rig['ptys']) => new SerialPortTransport(ptys[name].devicePath, line9600);
    const scanner = new ScannerSimulator(device('scanner'), { prefix: '', suffix: 'CR', aimIdentifiers: false });
    const scale = new SerialScaleSimulator(device('scale'), { protocol: 'mettler8217' });
    const bagging = new SerialScaleSimulator(device('bagging'), { protocol: 'scp01' });
    const printer = new EscPosPrinterSimulator(device('printer'));
    const light = new LaneLightSimulator(device('light'));
    for (const simulator of [scanner, scale, bagging, printer, light]) {
      await simulator.open();
      cleanup.add(() => simulator.close());
    }
    const terminal = new CardTerminalSimulator({ mode: { mode: 'auto', decision: 'approve', delayMs: 20 } });
    await terminal.start();
    cleanup.add(() => terminal.stop());

    const config = parseLaneConfig({
      laneId: 'L07',
      storeName: 'Device Test Store',
      dataDir: dir,
      catalogFile: join(catalogDir.path, 'catalog.sqlite'),
      devices: {
        scanner: { driver: 'serial', path: ptys.scanner.hostPath },
        // ptys carry no parity: the scales' 7E1 is overridden to 8N1, as the demo does.
        scale: { driver: 'mettler8217', path: ptys.scale.hostPath, dataBits: 8, parity: 'none', pollIntervalMs: 50 },
        baggingScale: { driver: 'scp01', path: ptys.bagging.hostPath, dataBits: 8, parity: 'none', pollIntervalMs: 50, settle: { settleMs: 150 } },
        printer: { driver: 'escpos-serial', path: ptys.printer.hostPath },
        paymentTerminal: { driver: 'tcp', port: terminal.port },
        laneLight: { driver: 'relay-serial', path: ptys.light.hostPath },
      },
    });
    const lane = await startLane(config, { staticDir: dir, serve: false, log: silentLogger });
    cleanup.add(() => lane.stop());
    return { lane, dir, ptys, scanner, scale, bagging, printer, light, terminal };
  }

  const view = (rig: Rig) => rig.lane.runtime.view;
  const send = async (rig: Rig, event: UiEvent) => (await rig.lane.runtime.service.sendEvent({ event })).accepted;
  const waitForState = (rig: Rig, state: string) => waitFor(() => view(rig).state === state, () => `state ${state} (now ${view(rig).state})`);

  it('opens every role, and the lane light shows the lane open', async () => {
    const lane = await rig();
    await waitFor(() => ['scanner', 'scale', 'baggingScale', 'printer', 'paymentTerminal', 'laneLight'].every((role) => view(lane).context.devices[role as 'scanner']?.kind === 'ready'), () => JSON.stringify(view(lane).context.devices));
    await waitForState(lane, 'idle');
    await waitFor(() => lane.light.lamps.green && !lane.light.lamps.red, 'green lamp');
  });

  it('sells a weighed item at the stable weight, after a zero, and prints exactly what was shown', async () => {
    const lane = await rig();
    await waitForState(lane, 'idle');
    await waitFor(() => view(lane).context.zeroSeen, 'the scale at zero');
    await lane.scanner.scan(bananas);
    await waitForState(lane, 'scanning.weighing');

    // In motion: shown, not sellable.
    lane.scale.setLoad(1234);
    lane.scale.setMotion(true);
    await waitFor(() => view(lane).context.scale?.kind === 'motion', 'motion');
    expect(await send(lane, { type: 'ui.acceptWeight' })).toBe(false);
    expect(view(lane).state).toBe('scanning.weighing');

    lane.scale.setMotion(false);
    await waitFor(() => view(lane).context.scale?.kind === 'stable', 'stable weight');
    expect(await send(lane, { type: 'ui.acceptWeight' })).toBe(true);
    await waitForState(lane, 'scanning.ready');
    const line = view(lane).context.sale!.lines[0]!;
    // Bananas 1.39 €/kg × 1.234 kg = 1.71526 € → 1.72 €
    expect(line).toMatchObject({ pricing: 'weight', weightGrams: 1234, priceMinor: 172, unitPriceMinor: 139 });

    // Off the weighing scale into the bagging area: the security scale must see the same weight.
    lane.scale.setLoad(0);
    lane.bagging.setLoad(1234);
    await waitFor(() => view(lane).context.bagging?.pending.length === 0, 'the bananas bagged');
    await send(lane, { type: 'ui.pay' });
    await send(lane, { type: 'ui.payByCard' });
    const receipt = await lane.printer.waitForReceipt(10_000);
    expect(receipt.text).toContain(formatWeight(1234, 'en'));
    expect(receipt.text).toMatch(/1[.,]72/);
  });

  it('reports a scale that disappears, hands weighing to an assistant, and reopens it within 2 s of its return', async () => {
    const lane = await rig();
    await waitForState(lane, 'idle');
    await lane.ptys.scale.close();
    await waitFor(() => view(lane).context.devices.scale?.kind === 'lost', 'scale lost', 3_000);
    await waitFor(() => lane.light.lamps.yellow || lane.light.history.some((event) => event.channel === 2 && event.on), 'yellow lamp for attention');

    await lane.scanner.scan(bananas);
    await waitForState(lane, 'scanning.needsWeighing');

    lane.ptys.scale = await createPtyPair(join(lane.dir, 'dev'), 'scale');
    const scale = new SerialScaleSimulator(new SerialPortTransport(lane.ptys.scale.devicePath, line9600), { protocol: 'mettler8217' });
    await scale.open();
    cleanup.add(() => scale.close());
    const returnedAt = Date.now();
    await waitFor(() => view(lane).context.devices.scale?.kind === 'ready', 'scale ready again', 2_000);
    expect(Date.now() - returnedAt).toBeLessThan(2_000);
  });

  it('passes the bagging scale’s settled weight to the checkout', async () => {
    const lane = await rig();
    await waitForState(lane, 'idle');
    lane.bagging.setLoad(1585);
    await waitFor(() => view(lane).context.baggingArea?.grams === 1585, () => `bagging area 1585 g (now ${JSON.stringify(view(lane).context.baggingArea)})`);
  });

  it('goes out of service with a red light when the printer runs out of paper between sales', async () => {
    const lane = await rig();
    await waitForState(lane, 'idle');
    lane.printer.setPaper('end');
    await waitForState(lane, 'outOfService');
    await waitFor(() => lane.light.lamps.red && !lane.light.lamps.green, 'red lamp');
  });
});
