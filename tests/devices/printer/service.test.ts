import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeAsb, encodeRealtimeStatusReply, healthyPrinterStatus, type PrinterStatus } from '../../../devices/printer/codec';
import { deviceStatusFromPrinterStatus, EscPosPrinterService, type EscPosPrinterServiceOptions } from '../../../devices/printer/service';
import { EscPosPrinterSimulator, type EscPosPrinterSimulatorOptions } from '../../../devices/printer/simulator';
import { SerialPortTransport } from '../../../devices/serial/transport';
import { createPtyPair } from '../../../devices/sim/ptyPair';
import { silentLogger } from '../../../shared/log';
import type { ReceiptDocument } from '../../../shared/receipt';
import { Cleanup, createPtyCable, FakeTransport, fastReconnect, line9600, memoryLogger, record, waitFor, waitForStatus } from '../support/harness';
import { longReceipt, multilingualReceipt, referenceText } from '../support/receipts';

const shortReceipt: ReceiptDocument = { blocks: [{ kind: 'text', text: 'Paldies!' }, { kind: 'row', left: 'Maize', right: '€ 1,00' }] };

describe('deviceStatusFromPrinterStatus', () => {
  it('maps replies to ready, warnings and faults', () => {
    expect(deviceStatusFromPrinterStatus(healthyPrinterStatus)).toEqual({ kind: 'ready', warnings: [] });
    expect(deviceStatusFromPrinterStatus({ ...healthyPrinterStatus, paperNearEnd: true })).toEqual({ kind: 'ready', warnings: ['paperNearEnd'] });
    expect(deviceStatusFromPrinterStatus({ ...healthyPrinterStatus, online: false, paperEnd: true, paperNearEnd: true })).toEqual({ kind: 'fault', faults: ['paperEnd'] });
    expect(deviceStatusFromPrinterStatus({ ...healthyPrinterStatus, online: false, coverOpen: true, paperEnd: true })).toEqual({ kind: 'fault', faults: ['paperEnd', 'coverOpen'] });
    expect(deviceStatusFromPrinterStatus({ ...healthyPrinterStatus, online: false, cutterError: true })).toEqual({ kind: 'fault', faults: ['cutterError'] });
    expect(deviceStatusFromPrinterStatus({ ...healthyPrinterStatus, online: false, unrecoverableError: true })).toEqual({ kind: 'fault', faults: ['unrecoverableError'] });
    expect(deviceStatusFromPrinterStatus({ ...healthyPrinterStatus, online: false, feedButtonPressed: true })).toEqual({ kind: 'fault', faults: ['printerOffline'] });
    expect(deviceStatusFromPrinterStatus({ ...healthyPrinterStatus, online: false, autoRecoverableError: true })).toEqual({ kind: 'fault', faults: ['printerOffline'] });
  });
});

/** `GS a 0E`: Automatic Status Back for online/offline, error and roll paper sensor. */
const asbEnable = Uint8Array.of(0x1d, 0x61, 0x0e);

function isAsbEnable(data: Uint8Array): boolean {
  return data.length === 3 && data[0] === 0x1d && data[1] === 0x61;
}

function isStatusTraffic(data: Uint8Array): boolean {
  return data[0] === 0x10 || isAsbEnable(data);
}

/** A printer behind a fake transport that answers every DLE EOT from `state`. */
function fakePrinter(state: { current: PrinterStatus }) {
  const transport = new FakeTransport('/dev/fake-printer');
  transport.onWrite = (data) => {
    if (data.length === 3 && data[0] === 0x10 && data[1] === 0x04) {
      transport.receive(Uint8Array.of(encodeRealtimeStatusReply(data[2] as 1 | 2 | 3 | 4, state.current)));
    }
  };
  return transport;
}

describe('EscPosPrinterService (fake transport)', () => {
  const options: EscPosPrinterServiceOptions = { columns: 42, pollIntervalMs: 0, statusTimeoutMs: 100, reconnect: fastReconnect };

  it('queries DLE EOT 1, 2, 4 and asks 3 only when an error is reported', async () => {
    const state = { current: healthyPrinterStatus };
    const transport = fakePrinter(state);
    const service = new EscPosPrinterService(transport, silentLogger, options);
    await service.start();
    expect(service.status).toEqual({ kind: 'ready', warnings: [] });
    const queries = () => transport.written.filter((data) => data[0] === 0x10).map((data) => data[2]);
    expect(queries()).toEqual([1, 2, 4]);
    state.current = { ...healthyPrinterStatus, online: false, errorOccurred: true, cutterError: true };
    await expect(service.refreshStatus()).resolves.toEqual({ kind: 'fault', faults: ['cutterError'] });
    expect(queries()).toEqual([1, 2, 4, 1, 2, 3, 4]);
    expect(service.printerStatus?.cutterError).toBe(true);
    await service.stop();
  });

  it('refuses with the fault, sends nothing of the job, and reports busy for a second job', async () => {
    const state = { current: { ...healthyPrinterStatus, online: false, errorOccurred: true, unrecoverableError: true } };
    const transport = fakePrinter(state);
    const service = new EscPosPrinterService(transport, silentLogger, options);
    await service.start();
    const result = await service.print(shortReceipt);
    expect(result).toEqual({ ok: false, error: { reason: 'unrecoverableError', stage: 'before', detail: expect.any(String) } });
    // Only status traffic: DLE EOT queries and the GS a that enabled Automatic Status Back.
    expect(transport.written.every(isStatusTraffic)).toBe(true);

    state.current = healthyPrinterStatus;
    const first = service.print(shortReceipt);
    const second = await service.print(shortReceipt);
    expect(second).toEqual({ ok: false, error: { reason: 'busy', stage: 'before', detail: expect.any(String) } });
    await expect(first).resolves.toMatchObject({ ok: true });
    await service.stop();
  });

  it('shows what an Automatic Status Back block says once a status round agrees; reports and logs garbage without losing the next reply', async () => {
    const state = { current: healthyPrinterStatus };
    const transport = fakePrinter(state);
    const log = memoryLogger();
    const service = new EscPosPrinterService(transport, log, options);
    const garbage = record(service.onGarbage);
    await service.start();
    const queries = () => transport.written.filter((data) => data[0] === 0x10).length;

    // The cover really opened: the printer answers the round the same.
    state.current = { ...healthyPrinterStatus, online: false, coverOpen: true };
    transport.receive(encodeAsb(state.current));
    await waitFor(() => service.status.kind === 'fault', 'coverOpen confirmed');
    expect(service.status).toEqual({ kind: 'fault', faults: ['coverOpen'] });
    state.current = healthyPrinterStatus;
    transport.receive(encodeAsb(state.current));
    await waitForStatus(service, 'ready');

    // Line noise that looks like a block saying paper end: the round says otherwise, and nothing is shown.
    const before = queries();
    transport.receive(encodeAsb({ ...healthyPrinterStatus, online: false, paperEnd: true, paperNearEnd: true }));
    await waitFor(() => queries() > before, 'a round to confirm the block');
    await expect(service.refreshStatus()).resolves.toEqual({ kind: 'ready', warnings: [] });

    transport.receive(Uint8Array.of(0x00, 0xff));
    expect(garbage).toEqual([{ reason: 'notAReply', byteCount: 2 }]);
    expect(log.entries.some((entry) => entry.level === 'warn' && entry.message.includes('unexpected bytes'))).toBe(true);
    await expect(service.refreshStatus()).resolves.toEqual({ kind: 'ready', warnings: [] });
    await service.stop();
  });

  it('a status round on a noisy line changes nothing, however its replies read', async () => {
    const state = { current: healthyPrinterStatus };
    const transport = fakePrinter(state);
    const service = new EscPosPrinterService(transport, silentLogger, options);
    await service.start();
    // Every query is answered by noise first (a byte that is no reply, one that reads "cover open"), then the real reply.
    const answer = transport.onWrite;
    transport.onWrite = (data) => {
      if (data[0] === 0x10) transport.receive(Uint8Array.of(0xff, encodeRealtimeStatusReply(data[2] as 1 | 2 | 3 | 4, { ...healthyPrinterStatus, online: false, coverOpen: true })));
      answer?.(data);
    };
    await expect(service.refreshStatus()).resolves.toEqual({ kind: 'ready', warnings: [] });
    transport.onWrite = answer;
    state.current = { ...healthyPrinterStatus, online: false, coverOpen: true };
    await expect(service.refreshStatus()).resolves.toEqual({ kind: 'fault', faults: ['coverOpen'] });
    await service.stop();
  });

  it('a write that fails mid-job is lineLost, and the service reconnects', async () => {
    const state = { current: healthyPrinterStatus };
    const transport = fakePrinter(state);
    const service = new EscPosPrinterService(transport, silentLogger, { ...options, chunkBytes: 64 });
    await service.start();
    let jobWrites = 0;
    const answer = transport.onWrite;
    transport.onWrite = (data) => {
      if (data[0] !== 0x10 && ++jobWrites === 3) throw new Error('EIO');
      answer?.(data);
    };
    const result = await service.print(longReceipt(10));
    expect(result).toMatchObject({ ok: false, error: { reason: 'lineLost', stage: 'during' } });
    expect(service.status).toEqual({ kind: 'lost', reason: 'EIO' });
    transport.onWrite = answer;
    await waitForStatus(service, 'ready');
    await expect(service.print(longReceipt(10))).resolves.toMatchObject({ ok: true });
    await service.stop();
  });

  it('keeps reconnecting when the line drops again while the first status after reopening is asked', async () => {
    const state = { current: healthyPrinterStatus };
    const transport = fakePrinter(state);
    const service = new EscPosPrinterService(transport, silentLogger, options);
    await service.start();
    const answer = transport.onWrite;
    let dropNext = true;
    transport.onWrite = (data) => {
      if (dropNext && data[0] === 0x10) {
        dropNext = false;
        transport.lose('dropped again');
        return;
      }
      answer?.(data);
    };
    transport.lose('unplugged');
    expect(service.status.kind).toBe('lost');
    await waitForStatus(service, 'ready');
    expect(dropNext).toBe(false);
    expect(transport.openCalls).toBeGreaterThanOrEqual(3);
    await service.stop();
  });

  it('reports a stopped service instead of throwing', async () => {
    const service = new EscPosPrinterService(fakePrinter({ current: healthyPrinterStatus }), silentLogger, options);
    await expect(service.print(shortReceipt)).resolves.toMatchObject({ ok: false, error: { reason: 'lineLost', stage: 'before' } });
    await expect(service.refreshStatus()).resolves.toEqual({ kind: 'closed' });
  });

  it('validates its options', () => {
    const transport = new FakeTransport();
    expect(() => new EscPosPrinterService(transport, silentLogger, { columns: 5 })).toThrow(RangeError);
    expect(() => new EscPosPrinterService(transport, silentLogger, { columns: 42, statusTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => new EscPosPrinterService(transport, silentLogger, { columns: 42, pollIntervalMs: -1 })).toThrow(RangeError);
  });
});

/** `fakePrinter` that also honours `GS a`: it answers with an ASB block, as a real printer does. */
function asbPrinter(state: { current: PrinterStatus; silent?: boolean }) {
  const transport = new FakeTransport('/dev/fake-printer');
  transport.onWrite = (data) => {
    if (state.silent) return;
    if (data.length === 3 && data[0] === 0x10 && data[1] === 0x04) {
      transport.receive(Uint8Array.of(encodeRealtimeStatusReply(data[2] as 1 | 2 | 3 | 4, state.current)));
    } else if (isAsbEnable(data) && data[2] !== 0) {
      transport.receive(encodeAsb(state.current));
    }
  };
  return transport;
}

describe('EscPosPrinterService Automatic Status Back (fake transport)', () => {
  const options: EscPosPrinterServiceOptions = { columns: 42, pollIntervalMs: 0, statusTimeoutMs: 100, reconnect: fastReconnect };
  afterEach(() => {
    vi.useRealTimers();
  });

  it('enables ASB (GS a 0E) before the first status round and again after reconnecting; not when switched off', async () => {
    const transport = fakePrinter({ current: healthyPrinterStatus });
    const service = new EscPosPrinterService(transport, silentLogger, options);
    await service.start();
    expect(transport.written[0]).toEqual(asbEnable);
    transport.lose('unplugged');
    await waitForStatus(service, 'ready');
    expect(transport.written.filter(isAsbEnable)).toEqual([asbEnable, asbEnable]);
    await service.stop();

    const without = fakePrinter({ current: healthyPrinterStatus });
    const plain = new EscPosPrinterService(without, silentLogger, { ...options, automaticStatusBack: false });
    await plain.start();
    expect(plain.status).toEqual({ kind: 'ready', warnings: [] });
    expect(without.written.filter(isAsbEnable)).toEqual([]);
    await plain.stop();
  });

  it('polls at the normal pace while the printer ignores GS a, and at the slower ASB pace once it sends ASB', async () => {
    vi.useFakeTimers();
    const rounds = (transport: FakeTransport): number => transport.written.filter((data) => data[0] === 0x10 && data[2] === 1).length;
    const pacing = { ...options, pollIntervalMs: 1_000, asbPollIntervalMs: 10_000 };

    const ignoring = fakePrinter({ current: healthyPrinterStatus });
    const fallback = new EscPosPrinterService(ignoring, silentLogger, pacing);
    await fallback.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(rounds(ignoring)).toBe(11);
    await fallback.stop();

    const honouring = asbPrinter({ current: healthyPrinterStatus });
    const service = new EscPosPrinterService(honouring, silentLogger, pacing);
    await service.start();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(rounds(honouring)).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(rounds(honouring)).toBe(2);
    await service.stop();
  });

  it('an ASB block that arrives during a status round stands over the replies from before it', async () => {
    const state = { current: { ...healthyPrinterStatus, online: false, coverOpen: true } };
    const transport = fakePrinter(state);
    const service = new EscPosPrinterService(transport, silentLogger, options);
    await service.start();
    expect(service.status).toEqual({ kind: 'fault', faults: ['coverOpen'] });
    // The cover is closed after DLE EOT 1 and 2 were answered (offline, cover open); the printer tells by ASB.
    const answer = transport.onWrite;
    transport.onWrite = (data) => {
      if (data[0] === 0x10 && data[2] === 4) {
        state.current = healthyPrinterStatus;
        transport.receive(encodeAsb(state.current));
      }
      answer?.(data);
    };
    await expect(service.refreshStatus()).resolves.toEqual({ kind: 'ready', warnings: [] });
    expect(service.printerStatus).toEqual(healthyPrinterStatus);
    await service.stop();
  });

  it('enables ASB again when a printer that stopped answering (power-cycled) answers again', async () => {
    const state: { current: PrinterStatus; silent?: boolean } = { current: healthyPrinterStatus };
    const transport = asbPrinter(state);
    const log = memoryLogger();
    const service = new EscPosPrinterService(transport, log, options);
    await service.start();
    expect(transport.written.filter(isAsbEnable)).toHaveLength(1);
    state.silent = true;
    await expect(service.refreshStatus()).resolves.toEqual({ kind: 'fault', faults: ['notResponding'] });
    state.silent = false;
    await expect(service.refreshStatus()).resolves.toEqual({ kind: 'ready', warnings: [] });
    expect(transport.written.filter(isAsbEnable)).toHaveLength(2);
    expect(log.entries.some((entry) => entry.message === 'printer answers status requests again')).toBe(true);
    await service.stop();
  });

  it('a printer that stops answering is polled at the normal pace again, so it is back as soon as it answers', async () => {
    vi.useFakeTimers();
    const state: { current: PrinterStatus; silent?: boolean } = { current: healthyPrinterStatus };
    const transport = asbPrinter(state);
    const service = new EscPosPrinterService(transport, silentLogger, { ...options, pollIntervalMs: 1_000, asbPollIntervalMs: 30_000 });
    await service.start();
    // Switched off: no ASB on the way out, and no answers.
    state.silent = true;
    await vi.advanceTimersByTimeAsync(30_000 + 100);
    expect(service.status).toEqual({ kind: 'fault', faults: ['notResponding'] });
    state.silent = false;
    await vi.advanceTimersByTimeAsync(1_000 + 100);
    expect(service.status).toEqual({ kind: 'ready', warnings: [] });
    expect(transport.written.filter(isAsbEnable)).toHaveLength(2);
    await service.stop();
  });

  it('validates asbPollIntervalMs', () => {
    expect(() => new EscPosPrinterService(new FakeTransport(), silentLogger, { columns: 42, asbPollIntervalMs: 0 })).toThrow(RangeError);
  });
});

describe('EscPosPrinterService over a socat pseudo-terminal pair', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function rig(simulatorOptions: EscPosPrinterSimulatorOptions = {}, serviceOptions: Partial<EscPosPrinterServiceOptions> = {}) {
    const cable = await createPtyCable(cleanup, 'printer', 'printer');
    const simulator = new EscPosPrinterSimulator(new SerialPortTransport(cable.devicePath, line9600), { columns: 42, ...simulatorOptions });
    await simulator.open();
    cleanup.add(() => simulator.dispose());
    const service = new EscPosPrinterService(new SerialPortTransport(cable.hostPath, line9600), silentLogger, {
      columns: 42,
      pollIntervalMs: 0,
      reconnect: fastReconnect,
      ...serviceOptions,
    });
    cleanup.add(() => service.stop());
    await service.start();
    return { cable, simulator, service };
  }

  it('prints Russian, Latvian and Bulgarian names and € amounts correctly', async () => {
    const { simulator, service } = await rig();
    expect(service.status).toEqual({ kind: 'ready', warnings: [] });
    const result = await service.print(multilingualReceipt);
    expect(result).toMatchObject({ ok: true });
    const receipt = await simulator.waitForReceipt(2_000, 0);
    for (const expected of [
      'Молоко «Простоквашино» 2,5%',
      'Ķiploku maize ā č ē ģ ī ķ ļ ņ š ū',
      'Кисело мляко „Щастие“ 3,6% ъ ь ю я',
      'KOPĀ / ИТОГО',
      '€ 1,29',
      '€ 4,33',
      'Rīga, Brīvības iela 1',
      '[BARCODE CODE128 L01-000123]',
      '[QR https://lanewise.example/r/L01-000123]',
    ]) {
      expect(receipt.text).toContain(expected);
    }
    expect(simulator.unknownCommands).toEqual([]);
    // + the LF CR after the cut, − the GS a the service sent when it connected (received ahead of the job).
    expect(result.ok && result.value.bytes).toBe(receipt.raw.length + 2 - asbEnable.length);
  });

  it('refuses with paperEnd before printing, and sends nothing', async () => {
    const { simulator, service } = await rig({ paper: 'end' });
    expect(service.status).toEqual({ kind: 'fault', faults: ['paperEnd'] });
    const result = await service.print(shortReceipt);
    expect(result).toEqual({ ok: false, error: { reason: 'paperEnd', stage: 'before', detail: expect.any(String) } });
    expect(simulator.discardedLines).toBe(0);
    expect(simulator.currentText()).toBe('');
  });

  it('refuses with coverOpen, and prints once the cover is closed', async () => {
    const { simulator, service } = await rig({ coverOpen: true });
    expect(await service.print(shortReceipt)).toMatchObject({ ok: false, error: { reason: 'coverOpen', stage: 'before' } });
    expect(service.status).toEqual({ kind: 'fault', faults: ['coverOpen'] });
    simulator.setCoverOpen(false);
    expect(await service.print(shortReceipt)).toMatchObject({ ok: true });
    expect(service.status).toEqual({ kind: 'ready', warnings: [] });
    expect((await simulator.waitForReceipt(2_000, 0)).text).toContain('Paldies!');
  });

  it('prints with paper near end and reports it as a warning', async () => {
    const { service } = await rig({ paper: 'nearEnd' });
    expect(await service.print(shortReceipt)).toMatchObject({ ok: true });
    expect(service.status).toEqual({ kind: 'ready', warnings: ['paperNearEnd'] });
  });

  it('paper running out mid-receipt fails with paperEnd; after a refill the reprint is complete', async () => {
    const { simulator, service } = await rig({ paperRemainingLines: 10 });
    const document = longReceipt(60);
    const result = await service.print(document);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.reason).toBe('paperEnd');
    expect(['during', 'after']).toContain(result.error.stage);
    expect(service.status).toEqual({ kind: 'fault', faults: ['paperEnd'] });
    expect(simulator.receipts).toEqual([]);

    simulator.setPaper('ok');
    await expect(service.refreshStatus()).resolves.toEqual({ kind: 'ready', warnings: [] });
    expect(await service.print(document)).toMatchObject({ ok: true });
    const receipt = await simulator.waitForReceipt(2_000, 0);
    expect(receipt.text).toBe(referenceText(document));
    expect(receipt.text).toContain('60. Pelmeņi / Пельмени 60');
    expect(simulator.incompleteReceipts).toHaveLength(1);
  });

  it('paper running out in the last chunk is noticed after the job (stage after)', async () => {
    const { simulator, service } = await rig({ paperRemainingLines: 2 }, { chunkBytes: 4_096 });
    const result = await service.print(shortReceipt);
    expect(result).toMatchObject({ ok: false, error: { reason: 'paperEnd', stage: 'after' } });
    expect(simulator.receipts).toEqual([]);
  });

  it('the line vanishing mid-receipt fails with lineLost; on a new line the service recovers and the reprint works', async () => {
    // Polling matters here: the service may reopen its end before the printer is back and find it silent at first.
    const setup = await rig({}, { pollIntervalMs: 50 });
    const { simulator, service } = setup;
    const statuses = record(service.onStatus);
    let lines = 0;
    let cut: Promise<void> | undefined;
    simulator.onLine(() => {
      if (++lines !== 10) return;
      // The printer is gone from here on: it answers no more, and the cable is cut.
      simulator.silent = true;
      cut = setup.cable.unplug();
    });
    const document = longReceipt(120);
    const result = await service.print(document);
    expect(result).toMatchObject({ ok: false, error: { reason: 'lineLost', stage: 'during' } });
    await waitForStatus(service, 'lost', 15_000);
    expect(statuses.some((status) => status.kind === 'lost')).toBe(true);
    expect(await service.print(document)).toMatchObject({ ok: false, error: { reason: 'lineLost', stage: 'before' } });

    // unplug() removes the old links when socat has exited: let it finish before the new pair takes the same paths.
    await cut;
    await setup.cable.plugBackIn();
    simulator.silent = false;
    await simulator.open();
    await waitForStatus(service, 'ready', 15_000);
    expect(await service.print(document)).toMatchObject({ ok: true });
    // The interrupted receipt was never cut: the reprint is the first receipt.
    const receipt = await simulator.waitForReceipt(15_000, 0);
    // The lines printed before the cable was cut are still on the paper above the complete reprint.
    expect(receipt.text.endsWith(referenceText(document))).toBe(true);
    expect(receipt.text.startsWith(referenceText(document).split('\n').slice(0, 10).join('\n'))).toBe(true);
  });

  it('a silent printer is notResponding, and recovers when it answers again', async () => {
    const { simulator, service } = await rig({ silent: true }, { statusTimeoutMs: 100 });
    expect(service.status).toEqual({ kind: 'fault', faults: ['notResponding'] });
    expect(await service.print(shortReceipt)).toMatchObject({ ok: false, error: { reason: 'notResponding', stage: 'before' } });
    expect(simulator.currentText()).toBe('');
    simulator.silent = false;
    await expect(service.refreshStatus()).resolves.toEqual({ kind: 'ready', warnings: [] });
  });

  it('polls while idle, so cover open and paper out show without printing', async () => {
    const { simulator, service } = await rig({}, { pollIntervalMs: 30 });
    simulator.setCoverOpen(true);
    await waitFor(() => service.status.kind === 'fault' && service.status.faults.includes('coverOpen'), 'coverOpen from polling');
    simulator.setCoverOpen(false);
    simulator.setPaper('end');
    await waitFor(() => service.status.kind === 'fault' && service.status.faults.includes('paperEnd'), 'paperEnd from polling');
    simulator.setPaper('ok');
    await waitForStatus(service, 'ready');
  });

  it('start() with the printer absent resolves as lost and connects once it appears', async () => {
    const directory = cleanup.tempDir('printer-late');
    const service = new EscPosPrinterService(new SerialPortTransport(`${directory}/printer.host`, line9600), silentLogger, {
      columns: 42,
      pollIntervalMs: 0,
      reconnect: fastReconnect,
    });
    cleanup.add(() => service.stop());
    await service.start();
    expect(service.status.kind).toBe('lost');
    const pair = await createPtyPair(directory, 'printer');
    cleanup.add(() => pair.close());
    const simulator = new EscPosPrinterSimulator(new SerialPortTransport(pair.devicePath, line9600));
    await simulator.open();
    cleanup.add(() => simulator.dispose());
    await waitForStatus(service, 'ready');
  });

  it('enables ASB and sees cover open, cutter error, offline, paper near end and paper end at once, each confirmed by a status round', async () => {
    const { simulator, service } = await rig();
    expect(simulator.asbSelection).toBe(0x0e);
    const requests = record(simulator.onStatusRequest);
    const fault = (wanted: string) => waitFor(() => service.status.kind === 'fault' && service.status.faults.join() === wanted, () => `${wanted}, have ${JSON.stringify(service.status)}`);
    const ready = (warnings: string) => waitFor(() => service.status.kind === 'ready' && service.status.warnings.join() === warnings, () => `ready [${warnings}], have ${JSON.stringify(service.status)}`);

    simulator.setCoverOpen(true);
    await fault('coverOpen');
    simulator.setCoverOpen(false);
    await ready('');
    simulator.setError('cutter');
    await fault('cutterError');
    simulator.setError('none');
    await ready('');
    simulator.setOffline(true);
    await fault('printerOffline');
    simulator.setOffline(false);
    await ready('');
    simulator.setPaper('nearEnd');
    await ready('paperNearEnd');
    simulator.setPaper('end');
    await fault('paperEnd');
    simulator.setPaper('ok');
    await ready('');
    // Nothing was polled (polling is off here): every query was a round confirming what an ASB block said, one or more per change.
    expect(requests.length).toBeGreaterThanOrEqual(10);
  });

  it('paper running out mid-receipt is a failure during the job; after a refill, reported by ASB, the reprint is complete', async () => {
    const { simulator, service } = await rig({ paperRemainingLines: 10 });
    const document = longReceipt(60);
    const result = await service.print(document);
    expect(result).toMatchObject({ ok: false, error: { reason: 'paperEnd', stage: 'during' } });
    expect(service.status).toEqual({ kind: 'fault', faults: ['paperEnd'] });
    expect(simulator.receipts).toEqual([]);

    // No refreshStatus(): the printer's ASB block says the paper is back.
    simulator.setPaper('ok');
    await waitForStatus(service, 'ready');
    expect(await service.print(document)).toMatchObject({ ok: true });
    const receipt = await simulator.waitForReceipt(2_000, 0);
    expect(receipt.text).toBe(referenceText(document));
    expect(simulator.incompleteReceipts).toHaveLength(1);
  });

  it('the cover opened mid-receipt fails the job part-way; once closed, the same document prints again', async () => {
    const { simulator, service } = await rig();
    const document = longReceipt(60);
    let lines = 0;
    const opened = simulator.onLine(() => {
      if (++lines === 8) simulator.setCoverOpen(true);
    });
    expect(await service.print(document)).toMatchObject({ ok: false, error: { reason: 'coverOpen', stage: 'during' } });
    opened.dispose();
    simulator.setCoverOpen(false);
    await waitForStatus(service, 'ready');
    expect(await service.print(document)).toMatchObject({ ok: true });
    const receipt = await simulator.waitForReceipt(2_000, 0);
    // The lines printed before the cover opened stay on the paper above the complete reprint.
    expect(receipt.text.endsWith(referenceText(document))).toBe(true);
  });

  it('a printer that ignores GS a is still watched by polling', async () => {
    const { simulator, service } = await rig({ automaticStatusBack: false }, { pollIntervalMs: 30, asbPollIntervalMs: 60_000 });
    expect(simulator.asbSelection).toBe(0);
    simulator.setCoverOpen(true);
    await waitFor(() => service.status.kind === 'fault' && service.status.faults.includes('coverOpen'), 'coverOpen from polling');
    simulator.setCoverOpen(false);
    await waitForStatus(service, 'ready');
  });

  it('sends no GS a when automaticStatusBack is off', async () => {
    const { simulator, service } = await rig({}, { automaticStatusBack: false });
    expect(service.status).toEqual({ kind: 'ready', warnings: [] });
    expect(simulator.asbSelection).toBe(0);
  });

  it('ASB blocks trickling in byte by byte around DLE EOT replies are never taken for a reply', async () => {
    const directory = cleanup.tempDir('printer-interleave');
    const pair = await createPtyPair(directory, 'printer');
    cleanup.add(() => pair.close());
    // A hand-scripted printer: every byte it sends is its own write, with a pause, so the host reads them one by one.
    const device = new SerialPortTransport(pair.devicePath, line9600);
    await device.open();
    cleanup.add(() => device.close());
    const state: PrinterStatus = { ...healthyPrinterStatus, online: false, coverOpen: true, paperNearEnd: true };
    const asb = Array.from(encodeAsb(state));
    const queries: number[] = [];
    let script: Promise<void> = Promise.resolve();
    const trickle = (bytes: readonly number[]): void => {
      script = script.then(async () => {
        for (const byte of bytes) {
          await device.write(Uint8Array.of(byte));
          await sleep(3);
        }
      });
    };
    const recent: number[] = [];
    device.onData((chunk) => {
      for (const byte of chunk) {
        recent.push(byte);
        if (recent.length < 3) continue;
        const [first, second, third = 0] = recent.splice(0, recent.length);
        if (first === 0x10 && second === 0x04) {
          queries.push(third);
          const reply = encodeRealtimeStatusReply(third as 1 | 2 | 3 | 4, state);
          // Odd queries: a whole ASB block arrives while the query waits, then the reply. Even: the reply, then a block.
          trickle(third % 2 === 1 ? [...asb, reply] : [reply, ...asb]);
        } else if (first === 0x1d && second === 0x61) {
          trickle(asb);
        }
      }
    });
    const log = memoryLogger();
    const service = new EscPosPrinterService(new SerialPortTransport(pair.hostPath, line9600), log, { columns: 42, pollIntervalMs: 0, statusTimeoutMs: 1_000, reconnect: fastReconnect });
    cleanup.add(() => service.stop());
    await service.start();
    expect(service.status).toEqual({ kind: 'fault', faults: ['coverOpen'] });
    for (let round = 0; round < 3; round++) await expect(service.refreshStatus()).resolves.toEqual({ kind: 'fault', faults: ['coverOpen'] });
    await script;
    await sleep(20);
    expect(queries).toEqual([1, 2, 4, 1, 2, 4, 1, 2, 4, 1, 2, 4]);
    expect(service.printerStatus).toEqual({ ...state, stoppedByPaperEnd: false });
    // Each reply matched its own query: none timed out, none was left over, no byte was garbage.
    const trouble = log.entries.filter((entry) => /unexpected bytes|no query outstanding|does not answer/.test(entry.message));
    expect(trouble).toEqual([]);
  });
});
