import { afterEach, describe, expect, it } from 'vitest';
import { encodeAsbEnable, encodeRealtimeStatusRequest, mergeStatusReplies, parseRealtimeStatusReply, PrinterReplyReader, type PrinterReply } from '../../../devices/printer/codec';
import { encodeReceipt } from '../../../devices/printer/encoder';
import { EscPosPrinterSimulator } from '../../../devices/printer/simulator';
import { SerialPortTransport } from '../../../devices/serial/transport';
import { createPtyPair } from '../../../devices/sim/ptyPair';
import { Cleanup, FakeTransport, line9600, waitFor } from '../support/harness';
import { longReceipt, multilingualReceipt } from '../support/receipts';

describe('EscPosPrinterSimulator over a pty', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function rig(options: ConstructorParameters<typeof EscPosPrinterSimulator>[1] = {}) {
    const pair = await createPtyPair(cleanup.tempDir('printer-sim'), 'printer');
    cleanup.add(() => pair.close());
    const simulator = new EscPosPrinterSimulator(new SerialPortTransport(pair.devicePath, line9600), options);
    await simulator.open();
    cleanup.add(() => simulator.dispose());
    const host = new SerialPortTransport(pair.hostPath, line9600);
    const reader = new PrinterReplyReader();
    const replies: PrinterReply[] = [];
    host.onData((bytes) => replies.push(...reader.push(bytes)));
    await host.open();
    cleanup.add(() => host.close());

    /** One DLE EOT round: the four replies merged. */
    async function status() {
      const fields = [];
      for (const query of [1, 2, 3, 4] as const) {
        const before = replies.length;
        await host.write(encodeRealtimeStatusRequest(query));
        const reply = await waitFor(() => replies[before], `reply to DLE EOT ${query}`, 2_000);
        if (reply.kind !== 'realtimeStatus') throw new Error(`unexpected ${reply.kind}`);
        const parsed = parseRealtimeStatusReply(query, reply.byte);
        if (!parsed.ok) throw new Error(parsed.error);
        fields.push(parsed.value);
      }
      return mergeStatusReplies(fields);
    }
    return { simulator, host, replies, status };
  }

  it('prints a receipt: plain text with every name intact, raw bytes as sent, no unknown commands', async () => {
    const { simulator, host } = await rig();
    const job = encodeReceipt(multilingualReceipt, { columns: 42 });
    await host.write(job);
    const receipt = await simulator.waitForReceipt(2_000, 0);
    expect(receipt.ending).toBe('partialCut');
    expect(receipt.text).toContain('Молоко «Простоквашино» 2,5%');
    expect(receipt.text).toContain('Ķiploku maize ā č ē ģ ī ķ ļ ņ š ū');
    expect(receipt.text).toContain('Кисело мляко „Щастие“');
    expect(receipt.text).toContain('€ 4,33');
    expect(receipt.text.split('\n')[0]).toBe(`${' '.repeat(13)}Lanewise`);
    // Everything up to and including the cut; what follows the cut (a line feed) belongs to the next receipt.
    expect(Buffer.from(job).indexOf(Buffer.from(receipt.raw))).toBe(0);
    expect(Array.from(receipt.raw.subarray(-3))).toEqual([0x1d, 0x56, 0x01]);
    expect(simulator.unknownCommands).toEqual([]);
    expect(simulator.warnings).toEqual([]);
    expect(simulator.receipts).toEqual([receipt]);
  });

  it('waitForReceipt resolves at once for a receipt already cut and rejects after its timeout', async () => {
    const { simulator, host } = await rig();
    await host.write(encodeReceipt({ blocks: [{ kind: 'text', text: 'one' }] }, { columns: 42 }));
    await waitFor(() => simulator.receipts.length === 1, 'a receipt');
    await expect(simulator.waitForReceipt(100, 0)).resolves.toMatchObject({ text: 'one' });
    await expect(simulator.waitForReceipt(50)).rejects.toThrow('no receipt #1');
  });

  it('shows the uncut receipt in currentText()', async () => {
    const { simulator, host } = await rig();
    await host.write(Uint8Array.from([0x1b, 0x40, ...Buffer.from('first line\nsecond')]));
    await waitFor(() => simulator.currentText().includes('second'), 'current text');
    expect(simulator.currentText()).toBe('first line\nsecond');
    expect(simulator.receipts).toEqual([]);
  });

  it('answers DLE EOT from its paper, cover and error state', async () => {
    const { simulator, status } = await rig();
    expect(await status()).toMatchObject({ online: true, paperEnd: false, paperNearEnd: false, coverOpen: false });
    simulator.setPaper('nearEnd');
    expect(await status()).toMatchObject({ online: true, paperNearEnd: true, paperEnd: false });
    simulator.setPaper('end');
    expect(await status()).toMatchObject({ online: false, paperEnd: true, stoppedByPaperEnd: true });
    simulator.setPaper('ok');
    simulator.setCoverOpen(true);
    expect(await status()).toMatchObject({ online: false, coverOpen: true, paperEnd: false });
    simulator.setCoverOpen(false);
    simulator.setError('cutter');
    expect(await status()).toMatchObject({ online: false, errorOccurred: true, cutterError: true });
    simulator.setError('none');
    simulator.setOffline(true);
    expect(await status()).toMatchObject({ online: false, errorOccurred: false, coverOpen: false });
    simulator.setOffline(false);
    expect(await status()).toMatchObject({ online: true });
  });

  it('stays silent when told to', async () => {
    const { simulator, host, replies } = await rig({ silent: true });
    const requests: number[] = [];
    simulator.onStatusRequest((query) => requests.push(query));
    await host.write(encodeRealtimeStatusRequest(1));
    await waitFor(() => requests.length === 1, 'the request to arrive');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(replies).toEqual([]);
    simulator.silent = false;
    await host.write(encodeRealtimeStatusRequest(1));
    await waitFor(() => replies.length === 1, 'a reply');
  });

  it('runs out of paper mid-receipt, drops the rest, and tears the stub off when paper is loaded', async () => {
    const { simulator, host, status } = await rig({ paperRemainingLines: 5 });
    await host.write(encodeReceipt(longReceipt(20), { columns: 42 }));
    // Replies come in stream order, so once the status is back the whole job has been taken in.
    expect(await status()).toMatchObject({ paperEnd: true, online: false });
    expect(simulator.discardedLines).toBeGreaterThan(0);
    expect(simulator.paper).toBe('end');
    expect(simulator.receipts).toEqual([]);
    expect(simulator.currentText().split('\n').length).toBeLessThanOrEqual(5);

    simulator.setPaper('ok');
    expect(simulator.incompleteReceipts).toHaveLength(1);
    expect(simulator.incompleteReceipts[0]?.ending).toBe('tornOff');
    expect(simulator.currentText()).toBe('');
    await host.write(encodeReceipt(longReceipt(20), { columns: 42 }));
    const receipt = await simulator.waitForReceipt(2_000, 0);
    expect(receipt.text).toContain('20. Pelmeņi / Пельмени 20');
    expect(receipt.text).toContain('[BARCODE CODE128 L01-000999]');
  });

  it('prints nothing while the cover is open and carries on when it is closed', async () => {
    const { simulator, host, status } = await rig();
    simulator.setCoverOpen(true);
    await host.write(encodeReceipt({ blocks: [{ kind: 'text', text: 'lost' }] }, { columns: 42 }));
    expect(await status()).toMatchObject({ coverOpen: true });
    expect(simulator.discardedLines).toBeGreaterThan(0);
    simulator.setCoverOpen(false);
    await host.write(encodeReceipt({ blocks: [{ kind: 'text', text: 'kept' }] }, { columns: 42 }));
    const receipt = await simulator.waitForReceipt(2_000, 0);
    expect(receipt.text).toBe('kept');
  });

  it('sends Automatic Status Back when enabled and on every change', async () => {
    const { simulator, host, replies } = await rig();
    await host.write(encodeAsbEnable({ onlineOffline: true, error: true, rollPaperSensor: true }));
    await waitFor(() => replies.length === 1, 'the first ASB');
    expect(replies[0]).toMatchObject({ kind: 'asb', status: { online: true } });
    simulator.setCoverOpen(true);
    await waitFor(() => replies.length === 2, 'an ASB on cover open');
    expect(replies[1]).toMatchObject({ kind: 'asb', status: { online: false, coverOpen: true } });
    simulator.setPaper('nearEnd');
    await waitFor(() => replies.length === 3, 'an ASB on near end');
    expect(replies[2]).toMatchObject({ kind: 'asb', status: { paperNearEnd: true } });
  });
});

describe('EscPosPrinterSimulator (fake transport)', () => {
  it('does not write once its line is gone, and a throwing listener does not break it', async () => {
    const transport = new FakeTransport();
    const simulator = new EscPosPrinterSimulator(transport, { columns: 32 });
    expect(simulator.columns).toBe(32);
    simulator.onLine(() => {
      throw new Error('listener bug');
    });
    await simulator.open();
    transport.receive(encodeReceipt({ blocks: [{ kind: 'text', text: 'ok' }] }, { columns: 32 }));
    expect(simulator.receipts.map((receipt) => receipt.text)).toEqual(['ok']);
    transport.lose();
    transport.receive(Uint8Array.of(0x10, 0x04, 0x01));
    expect(transport.written).toEqual([]);
  });
});
