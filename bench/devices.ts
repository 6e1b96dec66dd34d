import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHidScaleReport, parseHidScaleReport } from '../devices/hid/scaleCodec';
import { encodeHidScanReports, HidScannerReportAssembler } from '../devices/hid/scannerCodec';
import { encodeRelayFrame, RelayFrameDecoder } from '../devices/laneLight/codec';
import { encodeMagellanScan, encodeMagellanStatus, MagellanFrameDecoder } from '../devices/magellan/codec';
import { MagellanService } from '../devices/magellan/service';
import { MagellanSimulator } from '../devices/magellan/simulator';
import { encodeMessage, LineDecoder } from '../devices/payment/protocol';
import { encodeAsb, healthyPrinterStatus, PrinterReplyReader } from '../devices/printer/codec';
import { encodeMettler8217Weight, Mettler8217ReplyDecoder } from '../devices/scale/mettler8217';
import { scaleProtocols, type ScaleProtocolName } from '../devices/scale/protocol';
import { encodeScp01WeightReply, Scp01ReplyDecoder } from '../devices/scale/scp01';
import { SerialScaleService } from '../devices/scale/service';
import { SerialScaleSimulator } from '../devices/scale/simulator';
import { encodeScan, ScannerFrameDecoder } from '../devices/scanner/codec';
import { createPtyPair } from '../devices/sim/ptyPair';
import { SerialPortTransport, type SerialSettings } from '../devices/serial/transport';
import { silentLogger } from '../shared/log';
import type { ScaleOperations } from '../shared/scale';
import { scaleWeight } from '../shared/scale';
import { summarize, type Summary } from './stats';

/**
 * Device benchmarks:
 * - a weight request's round trip through the real driver, serialport and a socat
 *   pseudo-terminal to the simulated scale and back. A pty has no baud rate, so
 *   what is measured is the lane's own overhead; on a real line the bytes' wire
 *   time at the protocol's speed comes on top (reported beside it). Target:
 *   overhead ≤ 5 ms.
 * - frames decoded per second by each codec, on a stream of valid frames.
 */

const pty8N1: SerialSettings = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/** Bits per character on the wire: start + data + parity + stop. */
function wireMs(bytes: number, settings: SerialSettings): number {
  const bits = 1 + settings.dataBits + (settings.parity === 'none' ? 0 : 1) + settings.stopBits;
  return Number(((bytes * bits * 1000) / settings.baudRate).toFixed(2));
}

async function timeReads(scale: ScaleOperations, count: number): Promise<Summary> {
  const times: number[] = [];
  for (let i = 0; i < count + 10; i++) {
    const started = performance.now();
    const result = await scale.readWeight();
    if (!result.ok) throw new Error(`weight request failed: ${JSON.stringify(result.error)}`);
    // The first few warm up the JIT and the pty.
    if (i >= 10) times.push(performance.now() - started);
  }
  return summarize(times);
}

export interface WeightRoundTrip {
  readonly protocol: string;
  readonly overheadMs: Summary;
  /** Request and reply bytes at the protocol's real line setting. */
  readonly wireTimeMs: number;
  readonly lineSetting: string;
}

export async function benchWeightRoundTrips(count: number): Promise<WeightRoundTrip[]> {
  const directory = mkdtempSync(join(tmpdir(), 'lanewise-bench-devices-'));
  const results: WeightRoundTrip[] = [];
  try {
    for (const name of ['mettler8217', 'scp01'] as ScaleProtocolName[]) {
      const protocol = scaleProtocols[name];
      const pair = await createPtyPair(directory, name);
      const simulator = new SerialScaleSimulator(new SerialPortTransport(pair.devicePath, pty8N1), { protocol: name });
      await simulator.open();
      simulator.setLoad(1234);
      const service = new SerialScaleService(new SerialPortTransport(pair.hostPath, pty8N1), protocol, silentLogger, { idleCheckMs: 0 });
      await service.start();
      const replyBytes = name === 'mettler8217' ? encodeMettler8217Weight(scaleWeight(1234, 3, 'kg'), false).length : encodeScp01WeightReply(scaleWeight(1234, 3, 'kg'), {}).length;
      const overheadMs = await timeReads(service, count);
      const s = protocol.serial;
      results.push({ protocol: name, overheadMs, wireTimeMs: wireMs(protocol.commands.weight.length + replyBytes, s), lineSetting: `${s.baudRate} ${s.dataBits}${s.parity[0]!.toUpperCase()}${s.stopBits}` });
      await service.stop();
      await simulator.dispose();
      await pair.close();
    }
    {
      const pair = await createPtyPair(directory, 'magellan');
      const simulator = new MagellanSimulator(new SerialPortTransport(pair.devicePath, pty8N1), { unit: 'kg' });
      await simulator.open();
      simulator.setLoad(1234);
      const magellan = new MagellanService(new SerialPortTransport(pair.hostPath, pty8N1), silentLogger, { unit: 'kg', idleCheckMs: 0 });
      await magellan.scale.start();
      const overheadMs = await timeReads(magellan.scale, count);
      const reply = encodeMagellanStatus({ kind: 'stable', weight: scaleWeight(1234, 3, 'kg'), net: false }, 'kg').length;
      results.push({ protocol: 'magellan (S14)', overheadMs, wireTimeMs: wireMs(4 + reply, { baudRate: 9600, dataBits: 7, parity: 'odd', stopBits: 1 }), lineSetting: '9600 7O1' });
      await magellan.stop();
      await simulator.dispose();
      await pair.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  return results;
}

interface CodecCase {
  readonly codec: string;
  /** One valid frame (or report), repeated to make the stream. */
  readonly frames: readonly Uint8Array[];
  /** A fresh decoder; returns how many messages it produced from one chunk. */
  readonly decoder: () => (chunk: Uint8Array) => number;
  /** Reports are fed one per call (HID); byte streams are fed in 4 KiB chunks. */
  readonly perFrame?: boolean;
}

const kg = scaleWeight(1234, 3, 'kg');

const codecCases: CodecCase[] = [
  { codec: 'scanner serial frames', frames: [encodeScan(']E04750001000016', { prefix: '', suffix: 'CR', aimIdentifiers: true })], decoder: () => { const d = new ScannerFrameDecoder({ prefix: '', suffix: 'CR', aimIdentifiers: true }); return (c) => d.push(c).length; } },
  { codec: 'magellan frames', frames: [encodeMagellanScan('ean13', '4750001000016'), encodeMagellanStatus({ kind: 'stable', weight: kg, net: false }, 'kg')], decoder: () => { const d = new MagellanFrameDecoder({ unit: 'kg' }); return (c) => d.push(c).length; } },
  { codec: 'mettler 8217 replies', frames: [encodeMettler8217Weight(kg, false)], decoder: () => { const d = new Mettler8217ReplyDecoder(); return (c) => d.push(c).length; } },
  { codec: 'scp-01 replies', frames: [encodeScp01WeightReply(kg, {})], decoder: () => { const d = new Scp01ReplyDecoder(); return (c) => d.push(c).length; } },
  { codec: 'hid pos scanner reports', frames: encodeHidScanReports(']E0', '4750001000016'), perFrame: true, decoder: () => { const d = new HidScannerReportAssembler(); return (c) => d.push(c).length; } },
  { codec: 'hid pos scale reports', frames: [encodeHidScaleReport({ kind: 'stable', weight: kg, net: false })], perFrame: true, decoder: () => (c) => (parseHidScaleReport(c).ok ? 1 : 0) },
  { codec: 'esc/pos status (ASB)', frames: [encodeAsb(healthyPrinterStatus)], decoder: () => { const d = new PrinterReplyReader(); return (c) => d.push(c).length; } },
  { codec: 'relay frames', frames: [encodeRelayFrame(1, true)], decoder: () => { const d = new RelayFrameDecoder(); return (c) => d.push(c).length; } },
  {
    codec: 'payment terminal lines',
    frames: [new TextEncoder().encode(encodeMessage({ type: 'pending', reference: 'L01-abcd-000001-P1', prompt: 'presentCard' }))],
    decoder: () => { const d = new LineDecoder(); return (c) => d.push(c).length; },
  },
];

export interface CodecThroughput {
  readonly codec: string;
  readonly framesPerSecond: number;
  readonly megabytesPerSecond: number;
}

export function benchCodecs(framesPerCodec: number): CodecThroughput[] {
  return codecCases.map((testCase) => {
    const frames = Array.from({ length: framesPerCodec }, (_, i) => testCase.frames[i % testCase.frames.length]!);
    const bytes = frames.reduce((sum, frame) => sum + frame.length, 0);
    let chunks: Uint8Array[];
    if (testCase.perFrame) chunks = frames;
    else {
      const stream = new Uint8Array(bytes);
      let offset = 0;
      for (const frame of frames) {
        stream.set(frame, offset);
        offset += frame.length;
      }
      chunks = [];
      for (let start = 0; start < stream.length; start += 4096) chunks.push(stream.subarray(start, start + 4096));
    }
    // One warm-up pass, then the timed one.
    for (const chunk of chunks.slice(0, 200)) testCase.decoder()(chunk);
    const feed = testCase.decoder();
    let messages = 0;
    const started = performance.now();
    for (const chunk of chunks) messages += feed(chunk);
    const seconds = (performance.now() - started) / 1000;
    if (messages === 0) throw new Error(`${testCase.codec}: decoded nothing`);
    return { codec: testCase.codec, framesPerSecond: Math.round(messages / seconds), megabytesPerSecond: Number((bytes / 1e6 / seconds).toFixed(1)) };
  });
}
