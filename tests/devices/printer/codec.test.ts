import { describe, expect, it } from 'vitest';
import {
  encodeAsb,
  encodeAsbEnable,
  encodeRealtimeStatusReply,
  encodeRealtimeStatusRequest,
  healthyPrinterStatus,
  isRealtimeStatusReply,
  mergeStatusReplies,
  parseAsb,
  parseRealtimeStatusReply,
  PrinterReplyReader,
  type PrinterStatus,
  type StatusReplyFields,
} from '../../../devices/printer/codec';

function fields(query: 1 | 2 | 3 | 4, byte: number): StatusReplyFields {
  const parsed = parseRealtimeStatusReply(query, byte);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('DLE EOT', () => {
  it('builds the request 10 04 n', () => {
    expect(Array.from(encodeRealtimeStatusRequest(1))).toEqual([0x10, 0x04, 0x01]);
    expect(Array.from(encodeRealtimeStatusRequest(4))).toEqual([0x10, 0x04, 0x04]);
  });

  it('checks the fixed bits 0xx1xx10', () => {
    expect(isRealtimeStatusReply(0x12)).toBe(true); // 0001 0010: all clear
    expect(isRealtimeStatusReply(0x7e)).toBe(true); // 0111 1110: every variable bit set
    expect(isRealtimeStatusReply(0x10)).toBe(false); // ASB first byte pattern (bit 1 clear)
    expect(isRealtimeStatusReply(0x13)).toBe(false); // XOFF (bit 0 set)
    expect(isRealtimeStatusReply(0x02)).toBe(false); // bit 4 clear
    expect(isRealtimeStatusReply(0x92)).toBe(false); // bit 7 set
    expect(parseRealtimeStatusReply(1, 0x02)).toMatchObject({ ok: false });
  });

  it('n=1 printer status: bit 3 offline, bit 2 drawer pin 3', () => {
    expect(fields(1, 0x12)).toEqual({ query: 1, online: true, drawerPin3High: false }); // 0001 0010
    expect(fields(1, 0x1a)).toEqual({ query: 1, online: false, drawerPin3High: false }); // 0001 1010
    expect(fields(1, 0x16)).toEqual({ query: 1, online: true, drawerPin3High: true }); // 0001 0110
  });

  it('n=2 offline cause: bit 2 cover, bit 3 FEED, bit 5 paper end stop, bit 6 error', () => {
    expect(fields(2, 0x12)).toEqual({ query: 2, coverOpen: false, feedButtonPressed: false, stoppedByPaperEnd: false, errorOccurred: false });
    expect(fields(2, 0x16)).toMatchObject({ coverOpen: true }); // 0001 0110
    expect(fields(2, 0x1a)).toMatchObject({ feedButtonPressed: true }); // 0001 1010
    expect(fields(2, 0x32)).toMatchObject({ stoppedByPaperEnd: true, coverOpen: false }); // 0011 0010
    expect(fields(2, 0x52)).toMatchObject({ errorOccurred: true }); // 0101 0010
  });

  it('n=3 error cause: bit 3 cutter, bit 5 unrecoverable, bit 6 auto-recoverable', () => {
    expect(fields(3, 0x1a)).toEqual({ query: 3, cutterError: true, unrecoverableError: false, autoRecoverableError: false }); // 0001 1010
    expect(fields(3, 0x32)).toMatchObject({ unrecoverableError: true, cutterError: false }); // 0011 0010
    expect(fields(3, 0x52)).toMatchObject({ autoRecoverableError: true }); // 0101 0010
  });

  it('n=4 roll paper sensor: 0x0C near end, 0x60 paper end', () => {
    expect(fields(4, 0x12)).toEqual({ query: 4, paperNearEnd: false, paperEnd: false });
    expect(fields(4, 0x1e)).toEqual({ query: 4, paperNearEnd: true, paperEnd: false }); // 0001 1110
    expect(fields(4, 0x72)).toEqual({ query: 4, paperNearEnd: false, paperEnd: true }); // 0111 0010
    expect(fields(4, 0x7e)).toEqual({ query: 4, paperNearEnd: true, paperEnd: true }); // 0111 1110
  });

  it('merges replies into one status; a paper-end stop counts as paper end', () => {
    const status = mergeStatusReplies([fields(1, 0x1a), fields(2, 0x32), fields(4, 0x12)]);
    expect(status).toMatchObject({ online: false, stoppedByPaperEnd: true, paperEnd: true, coverOpen: false, cutterError: false });
    expect(mergeStatusReplies([])).toEqual(healthyPrinterStatus);
  });

  it('encodes replies that parse back to the same status', () => {
    const states: PrinterStatus[] = [
      healthyPrinterStatus,
      { ...healthyPrinterStatus, online: false, coverOpen: true },
      { ...healthyPrinterStatus, online: false, paperEnd: true, stoppedByPaperEnd: true, paperNearEnd: true },
      { ...healthyPrinterStatus, paperNearEnd: true },
      { ...healthyPrinterStatus, online: false, errorOccurred: true, cutterError: true },
      { ...healthyPrinterStatus, online: false, errorOccurred: true, unrecoverableError: true, drawerPin3High: true },
      { ...healthyPrinterStatus, online: false, errorOccurred: true, autoRecoverableError: true, feedButtonPressed: true },
    ];
    for (const state of states) {
      const replies = ([1, 2, 3, 4] as const).map((query) => encodeRealtimeStatusReply(query, state));
      for (const byte of replies) expect(isRealtimeStatusReply(byte)).toBe(true);
      expect(mergeStatusReplies(replies.map((byte, index) => fields((index + 1) as 1 | 2 | 3 | 4, byte)))).toEqual(state);
    }
  });
});

describe('Automatic Status Back', () => {
  it('builds GS a n from the selected categories', () => {
    expect(Array.from(encodeAsbEnable({}))).toEqual([0x1d, 0x61, 0x00]);
    expect(Array.from(encodeAsbEnable({ onlineOffline: true, error: true, rollPaperSensor: true }))).toEqual([0x1d, 0x61, 0x0e]);
    expect(Array.from(encodeAsbEnable({ drawer: true }))).toEqual([0x1d, 0x61, 0x01]);
  });

  it('parses the 4-byte block', () => {
    // Cover open, offline; no errors; paper near end.
    const parsed = parseAsb(Uint8Array.of(0x38, 0x00, 0x03, 0x00));
    expect(parsed).toMatchObject({ ok: true, value: { online: false, coverOpen: true, paperNearEnd: true, paperEnd: false } });
    expect(parseAsb(Uint8Array.of(0x18, 0x08, 0x0c, 0x00))).toMatchObject({ ok: true, value: { online: false, cutterError: true, paperEnd: true } });
    expect(parseAsb(Uint8Array.of(0x12, 0x00, 0x00, 0x00))).toMatchObject({ ok: false });
    expect(parseAsb(Uint8Array.of(0x10, 0x10, 0x00, 0x00))).toMatchObject({ ok: false });
    expect(parseAsb(Uint8Array.of(0x10, 0x00, 0x00))).toMatchObject({ ok: false });
  });

  it('round-trips encodeAsb / parseAsb', () => {
    const state: PrinterStatus = { ...healthyPrinterStatus, online: false, paperEnd: true, stoppedByPaperEnd: true, paperNearEnd: true };
    expect(parseAsb(encodeAsb(state))).toEqual({ ok: true, value: state });
    expect(parseAsb(encodeAsb(healthyPrinterStatus))).toEqual({ ok: true, value: healthyPrinterStatus });
  });
});

describe('PrinterReplyReader', () => {
  it('tells DLE EOT replies, ASB blocks and XON/XOFF apart', () => {
    const reader = new PrinterReplyReader();
    const replies = reader.push(Uint8Array.of(0x12, 0x10, 0x00, 0x00, 0x00, 0x11, 0x1e, 0x13));
    expect(replies).toEqual([
      { kind: 'realtimeStatus', byte: 0x12 },
      { kind: 'asb', bytes: Uint8Array.of(0x10, 0x00, 0x00, 0x00), status: healthyPrinterStatus },
      { kind: 'flowControl', xon: true },
      { kind: 'realtimeStatus', byte: 0x1e },
      { kind: 'flowControl', xon: false },
    ]);
  });

  it('assembles an ASB block split across chunks, with XON/XOFF in the middle of it', () => {
    const reader = new PrinterReplyReader();
    expect(reader.push(Uint8Array.of(0x38))).toEqual([]);
    expect(reader.hasPartialBlock).toBe(true);
    expect(reader.push(Uint8Array.of(0x00, 0x13))).toEqual([{ kind: 'flowControl', xon: false }]);
    const [block] = reader.push(Uint8Array.of(0x03, 0x00));
    expect(block).toMatchObject({ kind: 'asb', status: { coverOpen: true, paperNearEnd: true } });
    expect(reader.hasPartialBlock).toBe(false);
  });

  it('discards garbage, and a DLE EOT reply cutting an ASB block short', () => {
    const reader = new PrinterReplyReader();
    expect(reader.push(Uint8Array.of(0x00, 0xff, 0x41))).toEqual([{ kind: 'garbage', bytes: Uint8Array.of(0x00, 0xff, 0x41) }]);
    expect(reader.push(Uint8Array.of(0x10, 0x00, 0x12))).toEqual([
      { kind: 'garbage', bytes: Uint8Array.of(0x10, 0x00) },
      { kind: 'realtimeStatus', byte: 0x12 },
    ]);
    reader.push(Uint8Array.of(0x10));
    reader.reset();
    expect(reader.push(Uint8Array.of(0x12))).toEqual([{ kind: 'realtimeStatus', byte: 0x12 }]);
  });
});
