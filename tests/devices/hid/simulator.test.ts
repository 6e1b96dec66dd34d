import { describe, expect, it } from 'vitest';
import { parseHidScaleReport } from '../../../devices/hid/scaleCodec';
import { decodeHidScannerReports } from '../../../devices/hid/scannerCodec';
import { FakeHidTransport } from '../../../devices/hid/simulator';
import { scaleWeight } from '../../../shared/scale';
import { record } from '../support/harness';

describe('FakeHidTransport', () => {
  it('delivers reports only while open, as copies', async () => {
    const transport = new FakeHidTransport();
    const reports = record(transport.onReport);
    const sent = new Uint8Array([0x03, 0x02, 0x02, 0x00, 0x00, 0x00]);
    expect(transport.sendReport(sent)).toBe(false);
    await transport.open();
    expect(transport.sendReport(sent)).toBe(true);
    sent[1] = 0x04;
    expect(reports).toEqual([new Uint8Array([0x03, 0x02, 0x02, 0x00, 0x00, 0x00])]);
    await transport.close();
    expect(transport.sendReport(sent)).toBe(false);
    expect(reports).toHaveLength(1);
  });

  it('scan() sends the reports of one label, split with the continued flag', async () => {
    const transport = new FakeHidTransport();
    const reports = record(transport.onReport);
    await transport.open();
    const data = '0'.repeat(100);
    expect(transport.scan(']C0', data)).toBe(true);
    expect(reports.map((report) => report[63])).toEqual([1, 0]);
    expect(decodeHidScannerReports(reports)).toEqual([{ kind: 'scan', aim: ']C0', data }]);
    expect(() => transport.scan(']C0', 'bad\rdata')).toThrow(RangeError);
  });

  it('setScaleReading() sends one scale data report', async () => {
    const transport = new FakeHidTransport({ scaleEncoding: { unit: 'kg' } });
    const reports = record(transport.onReport);
    await transport.open();
    const reading = { kind: 'stable' as const, weight: scaleWeight(1234, 3, 'kg'), net: false };
    expect(transport.setScaleReading(reading)).toBe(true);
    expect(transport.setScaleReading({ kind: 'underZero' })).toBe(true);
    expect(reports.map((report) => parseHidScaleReport(report))).toEqual([
      { ok: true, value: reading },
      { ok: true, value: { kind: 'underZero' } },
    ]);
    expect(reports[1]?.[2]).toBe(3);
  });

  it('unplug() reports the loss once and refuses to open until replug()', async () => {
    const transport = new FakeHidTransport({ description: 'scale 0922:8003' });
    const lost = record(transport.onLost);
    await transport.open();
    transport.unplug();
    transport.unplug();
    expect(lost.map((error) => error.message)).toEqual(['HID device unplugged']);
    expect(transport.isOpen).toBe(false);
    expect(transport.isPlugged).toBe(false);
    await expect(transport.open()).rejects.toThrow('no HID device scale 0922:8003 attached');
    transport.replug();
    await transport.open();
    expect(transport.isOpen).toBe(true);
    expect(transport.openCalls).toBe(3);
  });

  it('records output reports and can fail opens on demand', async () => {
    const transport = new FakeHidTransport();
    await expect(transport.write(new Uint8Array([0]))).rejects.toThrow('not open');
    transport.openError = new Error('EACCES: permission denied, open /dev/hidraw0');
    await expect(transport.open()).rejects.toThrow('EACCES');
    transport.openError = undefined;
    await transport.open();
    await transport.write(new Uint8Array([0x04, 0x01]));
    expect(transport.written).toEqual([new Uint8Array([0x04, 0x01])]);
  });
});
