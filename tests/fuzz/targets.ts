import { decodeBarcode } from '../../shared/barcode';
import { scaleWeight } from '../../shared/scale';
import { encodeHidScaleReport, parseHidScaleReport } from '../../devices/hid/scaleCodec';
import { encodeHidScanReports, HidScannerReportAssembler } from '../../devices/hid/scannerCodec';
import { encodeRelayFrame, RelayFrameDecoder } from '../../devices/laneLight/codec';
import { encodeMagellanScan, encodeMagellanStatus, encodeMagellanWeight, MagellanFrameDecoder } from '../../devices/magellan/codec';
import { encodeMettler8217Status, encodeMettler8217Weight, Mettler8217CommandDecoder, Mettler8217ReplyDecoder } from '../../devices/scale/mettler8217';
import { encodeScp01StatusReply, encodeScp01UnknownCommandReply, encodeScp01WeightReply, Scp01CommandDecoder, Scp01ReplyDecoder } from '../../devices/scale/scp01';
import { LineDecoder, decodeLaneMessage, decodeTerminalMessage, encodeMessage } from '../../devices/payment/protocol';
import { encodeAsb, encodeRealtimeStatusReply, healthyPrinterStatus, PrinterReplyReader, RealtimeStatusQuery } from '../../devices/printer/codec';
import { encodeReceipt } from '../../devices/printer/encoder';
import { EscPosInterpreter } from '../../devices/printer/escposInterpreter';
import { ScannerFrameDecoder, encodeScan } from '../../devices/scanner/codec';
import type { MessageRig, MessageTarget } from './messageTarget';

/**
 * Every parser that reads bytes from outside the lane's own code: device lines,
 * the card terminal's socket, scanned text. Each target makes a fresh parser and
 * returns a function that feeds it one chunk; a throw is a crash.
 */
export interface ByteTarget {
  readonly kind: 'bytes';
  readonly name: string;
  /** Valid inputs to mutate. */
  seeds(): Uint8Array[];
  /** A fresh parser (the harness reuses it for a run of cases, so state carried between frames is fuzzed too). */
  create(): (chunk: Uint8Array) => void;
}

const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
const utf8 = (text: string) => new TextEncoder().encode(text);

const kg = (grams: number) => scaleWeight(grams, 3, 'kg');
const concat = (parts: readonly Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => Array.from(part)));

export const byteTargets: ByteTarget[] = [
  {
    kind: 'bytes',
    name: 'magellan.frames',
    seeds: () => [
      encodeMagellanScan('ean13', '4750001000016'),
      encodeMagellanScan('upcE', '01234565'),
      encodeMagellanWeight(1234, 'kg'),
      encodeMagellanStatus({ kind: 'stable', weight: kg(1234), net: false }, 'kg'),
      encodeMagellanStatus({ kind: 'motion' }, 'kg'),
    ],
    create: () => {
      const decoder = new MagellanFrameDecoder({ unit: 'kg' });
      return (chunk) => {
        decoder.push(chunk);
        if (chunk.length === 0) decoder.flushStale();
      };
    },
  },
  {
    kind: 'bytes',
    name: 'mettler8217.replies',
    seeds: () => [encodeMettler8217Weight(kg(1234), false), encodeMettler8217Weight(kg(250), true), encodeMettler8217Status({ motion: true, overCapacity: false, underZero: false, outsideZeroCaptureRange: false, centerOfZero: false, net: false })],
    create: () => {
      const decoder = new Mettler8217ReplyDecoder();
      return (chunk) => {
        decoder.push(chunk);
        if (chunk.length === 0) decoder.flush();
      };
    },
  },
  {
    kind: 'bytes',
    name: 'mettler8217.commands',
    seeds: () => [ascii('W'), ascii('Z'), ascii('T'), ascii('C')],
    create: () => {
      const decoder = new Mettler8217CommandDecoder();
      return (chunk) => void decoder.push(chunk);
    },
  },
  {
    kind: 'bytes',
    name: 'scp01.replies',
    seeds: () => [encodeScp01WeightReply(kg(1234), {}), encodeScp01StatusReply({ motion: true }), encodeScp01UnknownCommandReply()],
    create: () => {
      const decoder = new Scp01ReplyDecoder();
      return (chunk) => {
        decoder.push(chunk);
        if (chunk.length === 0) decoder.flush();
      };
    },
  },
  {
    kind: 'bytes',
    name: 'scp01.commands',
    seeds: () => [ascii('W\r'), ascii('S\r'), ascii('Z\r')],
    create: () => {
      const decoder = new Scp01CommandDecoder();
      return (chunk) => void decoder.push(chunk);
    },
  },
  {
    // One chunk = one input report, as node-hid delivers them.
    kind: 'bytes',
    name: 'hid.scannerReports',
    seeds: () => [...encodeHidScanReports(']E0', '4750001000016'), ...encodeHidScanReports(']Q3', `https://id.gs1.org/01/04750001000016${'0'.repeat(80)}`)],
    create: () => {
      const assembler = new HidScannerReportAssembler();
      return (chunk) => {
        assembler.push(chunk);
        if (chunk.length === 0) assembler.flushStale();
      };
    },
  },
  {
    kind: 'bytes',
    name: 'hid.scaleReports',
    seeds: () => [encodeHidScaleReport({ kind: 'stable', weight: kg(1234), net: false }), Uint8Array.of(0x03, 0x04, 0x0b, 0xff, 0x34, 0x19), encodeHidScaleReport({ kind: 'motion' })],
    create: () => (chunk) => void parseHidScaleReport(chunk),
  },
  {
    kind: 'bytes',
    name: 'laneLight.relayFrames',
    seeds: () => [encodeRelayFrame(1, true), encodeRelayFrame(3, false), concat([encodeRelayFrame(2, true), encodeRelayFrame(4, false)])],
    create: () => {
      const decoder = new RelayFrameDecoder();
      return (chunk) => void decoder.push(chunk);
    },
  },
  {
    kind: 'bytes',
    name: 'scanner.serialFrames',
    seeds: () => [
      encodeScan(']E04750001000016', { prefix: '', suffix: 'CR', aimIdentifiers: true }),
      encodeScan('4011', { prefix: '', suffix: 'CR', aimIdentifiers: false }),
      encodeScan(']C10104750001000016\x1d3922199', { prefix: '', suffix: 'CR', aimIdentifiers: true }),
    ],
    create: () => {
      const decoder = new ScannerFrameDecoder({ prefix: '', suffix: 'CR', aimIdentifiers: true });
      return (chunk) => {
        decoder.push(chunk);
        if (chunk.length === 0) decoder.flushStale();
      };
    },
  },
  {
    kind: 'bytes',
    name: 'printer.statusReplies',
    seeds: () => [
      Uint8Array.of(encodeRealtimeStatusReply(RealtimeStatusQuery.printer, healthyPrinterStatus)),
      encodeAsb({ ...healthyPrinterStatus, paperNearEnd: true }),
      encodeAsb({ ...healthyPrinterStatus, coverOpen: true, online: false }),
      Uint8Array.of(0x11, 0x13),
    ],
    create: () => {
      const reader = new PrinterReplyReader();
      return (chunk) => void reader.push(chunk);
    },
  },
  {
    kind: 'bytes',
    name: 'printer.escposInterpreter',
    seeds: () => [
      encodeReceipt({ blocks: [{ kind: 'text', text: 'Piens 2,5% 1L', align: 'left' }, { kind: 'row', left: 'Kopā', right: '1,29 €', bold: true }, { kind: 'qr', data: 'L01-1' }] }, { columns: 42 }),
      Uint8Array.of(0x1b, 0x40, 0x1d, 0x61, 0x0f, 0x10, 0x04, 0x01, 0x1d, 0x56, 0x01),
    ],
    create: () => {
      let interpreter = new EscPosInterpreter({ columns: 42 });
      let fed = 0;
      return (chunk) => {
        interpreter.push(chunk);
        // The simulator keeps a job's bytes until the cut; start afresh now and then so memory stays flat.
        fed += chunk.length;
        if (fed > 64 * 1024) {
          interpreter = new EscPosInterpreter({ columns: 42 });
          fed = 0;
        }
      };
    },
  },
  {
    kind: 'bytes',
    name: 'payment.terminalLines',
    seeds: () => [
      utf8(encodeMessage({ type: 'hello', version: 1, terminal: 'T1' })),
      utf8(encodeMessage({ type: 'result', outcome: { kind: 'approved', reference: 'L01-P1', amountMinor: 1234, currency: 'EUR', authCode: 'A1', maskedPan: '**** 4242' } })),
      utf8('{"type":"pending","reference":"L01-P1","prompt":"presentCard"}\n'),
    ],
    create: () => {
      const decoder = new LineDecoder();
      return (chunk) => {
        for (const line of decoder.push(chunk)) {
          if (line.ok) {
            decodeTerminalMessage(line.value);
            decodeLaneMessage(line.value);
          }
        }
      };
    },
  },
  {
    kind: 'bytes',
    name: 'barcode.decode',
    seeds: () => [ascii(']E04750001000016'), ascii('2012345007996'), ascii(']C10104750001000016\x1d3103001234'), ascii('https://id.example.com/01/04750001000016'), ascii('01234565')],
    create: () => (chunk) => {
      decodeBarcode(String.fromCharCode(...chunk), { currency: 'EUR', restrictedTemplate: null });
    },
  },
];

/** A message target's rig, loaded only by the worker that runs it (each pulls in servers and databases). */
function lazy(name: string, batch: number, restartEvery: number, load: () => Promise<() => Promise<MessageRig>>): MessageTarget {
  return { kind: 'messages', name, batch, restartEvery, start: async () => (await load())() };
}

/**
 * The lane's and the hub's message handling: what a kiosk page, a lane, a station, the hub and the
 * store server send each other, through the real servers and services (tests/fuzz/rigs/).
 */
export const messageTargets: MessageTarget[] = [
  lazy('bridge.kioskMessages', 200, 50_000, async () => (await import('./rigs/kioskBridge')).startKioskRig),
  lazy('hub.laneMessages', 500, 200_000, async () => (await import('./rigs/hubLanes')).startHubLanesRig),
  lazy('hub.stationMessages', 200, 50_000, async () => (await import('./rigs/hubStation')).startHubStationRig),
  lazy('lane.supervisorCommands', 500, 100_000, async () => (await import('./rigs/laneCommands')).startLaneCommandsRig),
  lazy('store.salesUpload', 200, 200_000, async () => (await import('./rigs/storeSales')).startStoreSalesRig),
  lazy('lane.catalogDelta', 200, 200_000, async () => (await import('./rigs/catalogDelta')).startCatalogDeltaRig),
];

export type FuzzTarget = ByteTarget | MessageTarget;

export const fuzzTargets: readonly FuzzTarget[] = [...byteTargets, ...messageTargets];
