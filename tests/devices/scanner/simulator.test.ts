import { afterEach, describe, expect, it } from 'vitest';
import { ScannerSimulator } from '../../../devices/scanner/simulator';
import { SerialPortTransport } from '../../../devices/serial/transport';
import { createPtyPair } from '../../../devices/sim/ptyPair';
import { bytes, Cleanup, FakeTransport, line9600, waitFor } from '../support/harness';

describe('ScannerSimulator', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('puts exactly prefix + AIM id + data + suffix on the wire of a real pty', async () => {
    const pair = await createPtyPair(cleanup.tempDir('scanner-sim'), 'scanner');
    cleanup.add(() => pair.close());
    const simulator = new ScannerSimulator(new SerialPortTransport(pair.devicePath, line9600), { prefix: '\x02', suffix: 'CRLF', aimIdentifiers: true });
    const host = new SerialPortTransport(pair.hostPath, line9600);
    const received: number[] = [];
    host.onData((chunk) => received.push(...chunk));
    await simulator.open();
    cleanup.add(() => simulator.close());
    await host.open();
    cleanup.add(() => host.close());
    expect(simulator.isOpen).toBe(true);

    await simulator.scan('4006381333931', { aim: ']E0' });
    await simulator.writeRaw(Uint8Array.of(0xff, 0x00));
    const expected = [...bytes('\x02]E04006381333931\r\n'), 0xff, 0x00];
    await waitFor(() => received.length >= expected.length, 'the bytes at the host end');
    expect(received).toEqual(expected);
  });

  it('uses the framing it was given', async () => {
    const transport = new FakeTransport();
    const simulator = new ScannerSimulator(transport, { prefix: '', suffix: 'LF', aimIdentifiers: false });
    await simulator.open();
    await simulator.scan('123');
    expect(transport.written).toEqual([bytes('123\n')]);
    expect(simulator.framing.maxFrameLength).toBe(512);
  });

  it('rejects a scan on a closed line and refuses malformed AIM ids or data', async () => {
    const transport = new FakeTransport();
    const simulator = new ScannerSimulator(transport, { prefix: '', suffix: 'CR', aimIdentifiers: true });
    await expect(simulator.scan('123')).rejects.toThrow('not open');
    await simulator.open();
    expect(() => simulator.scan('123', { aim: 'E0' })).toThrow(RangeError);
    expect(() => simulator.scan('12\n3')).toThrow(RangeError);
  });
});
