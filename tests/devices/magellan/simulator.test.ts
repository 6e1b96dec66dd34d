import { afterEach, describe, expect, it } from 'vitest';
import { MagellanSimulator, type MagellanSimulatorOptions } from '../../../devices/magellan/simulator';
import { bytes, FakeTransport, record } from '../support/harness';

const text = (data: Uint8Array): string => String.fromCharCode(...data);

/** The device end on an in-memory transport: `send` is the host writing, `written` what the device sent. */
async function rig(options: MagellanSimulatorOptions = { unit: 'kg' }) {
  const transport = new FakeTransport('/dev/magellan-device');
  const simulator = new MagellanSimulator(transport, options);
  await simulator.open();
  return {
    transport,
    simulator,
    send(command: string) {
      transport.receive(bytes(command));
    },
    /** Everything the device wrote since the last call, as text. */
    async drain(): Promise<string> {
      await new Promise((resolve) => setImmediate(resolve));
      return transport.written.splice(0).map(text).join('');
    },
  };
}

describe('MagellanSimulator', () => {
  let disposers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const dispose of disposers) await dispose();
    disposers = [];
  });

  async function open(options?: MagellanSimulatorOptions) {
    const setup = await rig(options);
    disposers.push(() => setup.simulator.dispose());
    return setup;
  }

  it('sends S08 frames for each symbology; UPC-E in its 8-digit form', async () => {
    const { simulator, drain } = await open();
    await simulator.scan('upcA', '012345678905');
    await simulator.scan('upcE', '01234565');
    await simulator.scan('ean13', '4006381333931');
    await simulator.scan('ean8', '96385074');
    await simulator.scan('gs1DataBar', '0100012345678905');
    await simulator.scan('code39', 'ABC-1');
    await simulator.scan('code128', 'x128');
    expect(await drain()).toBe('S08A012345678905\rS08E01234565\rS08F4006381333931\rS08FF96385074\rS08R40100012345678905\rS08B1ABC-1\rS08B3x128\r');
    await expect(simulator.scan('ean8', '123')).rejects.toThrow(RangeError);
  });

  it('answers S14 from the platter: zero, weight, motion, over capacity, under zero, cannot zero', async () => {
    const { simulator, send, drain } = await open({ unit: 'kg', capacityGrams: 15_000 });
    send('S14\r');
    expect(await drain()).toBe('S143\r');
    simulator.setLoad(1_234);
    send('S14\r');
    expect(await drain()).toBe('S14401234\r');
    simulator.setStuckInMotion(true);
    send('S14\r');
    expect(await drain()).toBe('S141\r');
    simulator.setStuckInMotion(false);
    simulator.setLoad(15_001);
    send('S14\r');
    expect(await drain()).toBe('S142\r');
    simulator.setLoad(-20);
    send('S14\r');
    expect(await drain()).toBe('S145\r');
    simulator.setCannotZero(true);
    send('S14\r');
    expect(await drain()).toBe('S140\r');
  });

  it('weighs in hundredths of a pound on a lb scale', async () => {
    const { simulator, send, drain } = await open({ unit: 'lb' });
    simulator.setLoad(1_134);
    send('S14\rS11\r');
    expect(await drain()).toBe('S1440250\rS110250\r');
    expect(simulator.reading).toMatchObject({ kind: 'stable', weight: { increments: 250, unit: 'lb', grams: 1_134 } });
  });

  it('is in motion while a load settles', async () => {
    const { simulator, send, drain } = await open();
    simulator.setLoad(500, { settleMs: 60 });
    send('S14\r');
    expect(await drain()).toBe('S141\r');
    await new Promise((resolve) => setTimeout(resolve, 80));
    send('S14\r');
    expect(await drain()).toBe('S14400500\r');
  });

  it('answers S11 only with a stable non-zero weight, otherwise not at all', async () => {
    const { simulator, send, drain } = await open();
    send('S11\r');
    expect(await drain()).toBe('');
    simulator.setLoad(250);
    simulator.setStuckInMotion(true);
    send('S11\r');
    expect(await drain()).toBe('');
    simulator.setStuckInMotion(false);
    send('S11\r');
    expect(await drain()).toBe('S1100250\r');
    simulator.setLoad(20_000);
    send('S11\r');
    expect(await drain()).toBe('');
  });

  it('records beeps; with a single not-on-file command it tells the two apart', async () => {
    const plain = await open();
    plain.send('S334\rS334\r');
    expect(plain.simulator.beeps).toEqual(['goodRead', 'goodRead']);
    const configured = await open({ unit: 'kg', commands: { notOnFileBeep: ['S03'] } });
    configured.send('S334\rS03\r');
    expect(configured.simulator.beeps).toEqual(['goodRead', 'notOnFile']);
  });

  it('follows configured enable/disable commands and sends no scans while disabled', async () => {
    const { simulator, send, drain } = await open({ unit: 'kg', commands: { scannerEnable: 'S01', scannerDisable: 'S02' } });
    send('S02\r');
    expect(simulator.scannerEnabled).toBe(false);
    expect(await simulator.scan('ean8', '96385074')).toBe(false);
    expect(simulator.droppedScans).toBe(1);
    send('S01\r');
    expect(await simulator.scan('ean8', '96385074')).toBe(true);
    expect(await drain()).toBe('S08FF96385074\r');
    expect(simulator.enableChanges).toEqual(['disabled', 'enabled']);
  });

  it('zeroes with the configured command within its zero range, not in motion or beyond it', async () => {
    const { simulator, send, drain } = await open({ unit: 'kg', commands: { zero: 'SZ' }, capacityGrams: 15_000 });
    simulator.setLoad(120);
    send('SZ\rS14\r');
    expect(await drain()).toBe('S143\r');
    expect(simulator.displayedGrams).toBe(0);
    simulator.setLoad(0);
    send('S14\r');
    expect(await drain()).toBe('S145\r');
    simulator.setLoad(1_000);
    send('SZ\rS14\r');
    expect(await drain()).toBe('S14400880\r');
    simulator.setLoad(10);
    simulator.setStuckInMotion(true);
    send('SZ\r');
    simulator.setStuckInMotion(false);
    send('S14\r');
    expect(await drain()).toBe('S145\r');
  });

  it('goes silent, truncates a reply on request, and ignores unknown and overlong commands', async () => {
    const { simulator, send, drain } = await open();
    const commands = record(simulator.onCommand);
    simulator.setSilent(true);
    send('S14\r');
    expect(await drain()).toBe('');
    simulator.setSilent(false);
    simulator.truncateNextReply();
    simulator.setLoad(1_500);
    send('S14\r');
    expect(await drain()).toBe('S1440');
    send('S14\r');
    expect(await drain()).toBe('S14401500\r');
    send(`S99\r${'X'.repeat(200)}\rS1`);
    send('4\r\n');
    expect(await drain()).toBe('S14401500\r');
    expect(commands).toEqual(['S14', 'S14', 'S14', 'S99', 'S14']);
    expect(simulator.received).toEqual(commands);
  });

  it('writes raw bytes for line faults', async () => {
    const { simulator, drain } = await open();
    await simulator.writeRaw(Uint8Array.of(0x00, 0xff));
    expect(await drain()).toBe('\x00\xff');
  });
});
