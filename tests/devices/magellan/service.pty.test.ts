import { afterEach, describe, expect, it } from 'vitest';
import type { MagellanCommandSet, MagellanSymbology } from '../../../devices/magellan/codec';
import { MagellanService, probeMagellan, type MagellanServiceOptions } from '../../../devices/magellan/service';
import { MagellanSimulator } from '../../../devices/magellan/simulator';
import { SerialPortTransport } from '../../../devices/serial/transport';
import { createPtyPair } from '../../../devices/sim/ptyPair';
import { decodeBarcode } from '../../../shared/barcode';
import { silentLogger } from '../../../shared/log';
import { scaleWeight } from '../../../shared/scale';
import { bytes, Cleanup, createPtyCable, fastReconnect, line9600, record, waitFor, waitForStatus } from '../support/harness';

/**
 * Driver and simulator over a socat pty pair. The real device runs 9600 7O1
 * (magellanSingleCableProtocol); ptys carry no parity, so both ends run 8N1 here.
 */
describe('MagellanService over a socat pseudo-terminal pair', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function rig(options: { unit?: 'kg' | 'lb'; commands?: Partial<MagellanCommandSet>; service?: Partial<MagellanServiceOptions> } = {}) {
    const unit = options.unit ?? 'kg';
    const cable = await createPtyCable(cleanup, 'magellan', 'magellan');
    const simulator = new MagellanSimulator(new SerialPortTransport(cable.devicePath, line9600), { unit, ...(options.commands ? { commands: options.commands } : {}) });
    await simulator.open();
    cleanup.add(() => simulator.dispose());
    const service = new MagellanService(new SerialPortTransport(cable.hostPath, line9600), silentLogger, {
      unit,
      reconnect: fastReconnect,
      ...(options.commands ? { commands: options.commands } : {}),
      ...options.service,
    });
    cleanup.add(() => service.stop());
    const scans = record(service.scanner.onScan);
    const garbage = record(service.scanner.onGarbage);
    await service.scanner.start();
    await service.scale.start();
    return { cable, simulator, service, scans, garbage };
  }

  it('delivers every symbology as an AIM string that decodeBarcode turns into the right GTIN', async () => {
    const { simulator, service, scans } = await rig();
    expect(service.scanner.status).toEqual({ kind: 'ready', warnings: [] });
    const labels: readonly [MagellanSymbology, string, string, string | undefined][] = [
      ['upcA', '012345678905', ']E00012345678905', '00012345678905'],
      ['upcE', '01234565', ']E00012345000065', '00012345000065'],
      ['ean13', '4006381333931', ']E04006381333931', '04006381333931'],
      ['ean8', '96385074', ']E496385074', '00000096385074'],
      ['gs1DataBar', '0100012345678905', ']e00100012345678905', '00012345678905'],
      ['code39', 'ABC-123', ']A0ABC-123', undefined],
      ['code128', 'LOT42', ']C0LOT42', undefined],
    ];
    for (const [symbology, data] of labels) await simulator.scan(symbology, data);
    await waitFor(() => scans.length === labels.length, 'every scan');
    expect(scans.map((scan) => scan.data)).toEqual(labels.map(([, , aim]) => aim));
    for (const [index, [, , , gtin]] of labels.entries()) {
      if (gtin === undefined) continue;
      const decoded = decodeBarcode(scans[index]!.data, { currency: 'EUR' });
      expect(decoded.ok ? decoded.value.gtin : decoded.error.reason).toBe(gtin);
    }
    for (const scan of scans) expect(scan.firstByteAt).toBeLessThanOrEqual(scan.receivedAt);
  });

  it('reads stable, motion, over capacity, under zero and cannot-zero from the scale', async () => {
    const { simulator, service } = await rig();
    expect(await service.scale.readWeight()).toEqual({ ok: true, value: { kind: 'stable', weight: scaleWeight(0, 3, 'kg'), net: false } });
    simulator.setLoad(1_234);
    expect(await service.scale.readWeight()).toEqual({ ok: true, value: { kind: 'stable', weight: scaleWeight(1_234, 3, 'kg'), net: false } });
    simulator.setStuckInMotion(true);
    expect(await service.scale.readWeight()).toEqual({ ok: true, value: { kind: 'motion' } });
    simulator.setStuckInMotion(false);
    simulator.setLoad(20_000);
    expect(await service.scale.readWeight()).toEqual({ ok: true, value: { kind: 'overCapacity' } });
    simulator.setLoad(-15);
    expect(await service.scale.readWeight()).toEqual({ ok: true, value: { kind: 'underZero' } });
    simulator.setCannotZero(true);
    expect(await service.scale.readWeight()).toEqual({ ok: true, value: { kind: 'zeroError' } });
  });

  it('weighs in pounds on a lb scale', async () => {
    const { simulator, service } = await rig({ unit: 'lb' });
    simulator.setLoad(1_134);
    expect(await service.scale.readWeight()).toEqual({ ok: true, value: { kind: 'stable', weight: scaleWeight(250, 2, 'lb'), net: false } });
  });

  it('keeps scans and weight replies apart when they interleave on the line', async () => {
    // No idle checks: every S14 on the wire is one of ours.
    const { simulator, service, scans } = await rig({ service: { idleCheckMs: 0 } });
    simulator.setLoad(750);
    // Every S14 is preceded on the wire by a scan the shopper made at that moment.
    simulator.onCommand((command) => {
      if (command === 'S14') void simulator.scan('ean13', '4006381333931');
    });
    const readings = [];
    for (let i = 0; i < 5; i++) readings.push(await service.scale.readWeight());
    await simulator.scan('ean8', '96385074');
    await waitFor(() => scans.length === 6, 'six scans');
    expect(readings.every((reading) => reading.ok && reading.value.kind === 'stable' && reading.value.weight.grams === 750)).toBe(true);
    expect(scans.map((scan) => scan.data)).toEqual([...Array<string>(5).fill(']E04006381333931'), ']E496385074']);
  });

  it('times out while the scale is silent, goes notResponding, and recovers when it answers', async () => {
    const { simulator, service } = await rig({ service: { replyTimeoutMs: 100, timeoutsBeforeNotResponding: 2, idleCheckMs: 50 } });
    simulator.setSilent(true);
    expect(await service.scale.readWeight()).toEqual({ ok: false, error: { kind: 'timeout' } });
    expect(await service.scale.readWeight()).toEqual({ ok: false, error: { kind: 'timeout' } });
    expect(service.scale.status).toEqual({ kind: 'fault', faults: ['notResponding'] });
    expect(service.scanner.status.kind).toBe('ready');
    simulator.setSilent(false);
    await waitForStatus(service.scale, 'ready');
    expect(await service.scale.readWeight()).toMatchObject({ ok: true, value: { kind: 'stable' } });
  });

  it('a truncated reply is a bad reply; the next request is answered', async () => {
    const { simulator, service, garbage } = await rig();
    simulator.setLoad(500);
    simulator.truncateNextReply();
    expect(await service.scale.readWeight()).toMatchObject({ ok: false, error: { kind: 'badReply' } });
    expect(await service.scale.readWeight()).toEqual({ ok: true, value: { kind: 'stable', weight: scaleWeight(500, 3, 'kg'), net: false } });
    expect(garbage).toEqual([]);
  });

  it('reports garbage on the line and still reads the next scan', async () => {
    const { simulator, scans, garbage } = await rig();
    await simulator.writeRaw(Uint8Array.of(0x00, 0xff, 0x13));
    await simulator.writeRaw(bytes('S08Z999\r'));
    await simulator.scan('ean8', '96385074');
    await waitFor(() => scans.length === 1, 'a scan after garbage');
    expect(garbage).toEqual([
      { reason: 'noise', byteCount: 3 },
      { reason: 'unknownLabel', byteCount: 7 },
    ]);
  });

  it('both logical devices go lost when the cable is cut and come back on a new line at the same path', async () => {
    const setup = await rig();
    const { simulator, service, scans } = setup;
    await setup.cable.unplug();
    await waitForStatus(service.scanner, 'lost');
    await waitForStatus(service.scale, 'lost');
    expect(await service.scale.readWeight()).toEqual({ ok: false, error: { kind: 'notOpen' } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect([service.scanner.status.kind, service.scale.status.kind]).toEqual(['lost', 'lost']);

    await setup.cable.plugBackIn();
    await simulator.open();
    await waitForStatus(service.scanner, 'ready');
    await waitForStatus(service.scale, 'ready');
    simulator.setLoad(321);
    expect(await service.scale.readWeight()).toEqual({ ok: true, value: { kind: 'stable', weight: scaleWeight(321, 3, 'kg'), net: false } });
    await simulator.scan('upcA', '012345678905');
    await waitFor(() => scans.length === 1, 'a scan after reconnecting');
    expect(scans[0]?.data).toBe(']E00012345678905');
  });

  it('configured enable/disable reach the device, which then stops scanning', async () => {
    const { simulator, service, scans } = await rig({ commands: { scannerEnable: 'SE', scannerDisable: 'SD' } });
    await waitFor(() => simulator.enableChanges.length === 1, 'enable on start');
    expect(await service.scanner.disable()).toEqual({ ok: true, value: undefined });
    await waitFor(() => !simulator.scannerEnabled, 'device disabled');
    expect(await simulator.scan('ean8', '96385074')).toBe(false);
    await service.scanner.enable();
    await waitFor(() => simulator.scannerEnabled, 'device enabled');
    await simulator.scan('ean8', '96385074');
    await waitFor(() => scans.length === 1, 'a scan once enabled');
    expect(simulator.enableChanges).toEqual(['enabled', 'disabled', 'enabled']);
  });

  it('beeps reach the device', async () => {
    const { simulator, service } = await rig({ service: { beepGapMs: 10 } });
    await service.scanner.beepGoodRead();
    await service.scanner.beepNotOnFile();
    await waitFor(() => simulator.beeps.length === 4, 'four tones');
    expect(simulator.beeps).toEqual(['goodRead', 'goodRead', 'goodRead', 'goodRead']);
  });

  it('zeroes with a configured zero command, and reports refusal outside the zero range', async () => {
    const { simulator, service } = await rig({ commands: { zero: 'SZ' }, service: { zeroSettleMs: 20 } });
    simulator.setLoad(40);
    expect(await service.scale.zero()).toEqual({ ok: true, value: undefined });
    expect(simulator.displayedGrams).toBe(0);
    simulator.setLoad(2_000);
    expect(await service.scale.zero()).toMatchObject({ ok: false, error: { kind: 'refused' } });
  });

  it('the supported() probe recognises the simulator', async () => {
    const directory = cleanup.tempDir('magellan-probe');
    const pair = await createPtyPair(directory, 'probe');
    cleanup.add(() => pair.close());
    const simulator = new MagellanSimulator(new SerialPortTransport(pair.devicePath, line9600), { unit: 'lb' });
    await simulator.open();
    cleanup.add(() => simulator.dispose());
    simulator.setLoad(500);
    const host = new SerialPortTransport(pair.hostPath, line9600);
    expect(await probeMagellan(host, 500)).toBe(true);
    expect(host.isOpen).toBe(false);
    simulator.setSilent(true);
    expect(await probeMagellan(host, 100)).toBe(false);
  });
});
