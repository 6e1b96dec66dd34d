import { err, ok, type Result } from '../../shared/result';
import { scaleWeight, type ScaleReading, type WeightUnit } from '../../shared/scale';

/**
 * USB HID POS scale (usage page 0x8D): the scale data input report ↔ a reading.
 * Pure bytes ↔ messages, no I/O, no timers.
 *
 * Report 3, as node-hid delivers it (report id in byte 0; WebHID strips it):
 *
 *   byte 0   0x03 report id
 *   byte 1   status (table below)
 *   byte 2   unit (table below)
 *   byte 3   exponent, signed: weight = raw × 10^exponent
 *   byte 4   raw weight, low byte
 *   byte 5   raw weight, high byte (unsigned 16-bit)
 *
 * Facts: HID POS Usage Tables 1.02 (scale usage page 0x8D) and
 * /work/shared/notes/device-protocols.md "USB HID POS"; worked example (Dymo)
 * `03 04 0B FF 34 19` = 0x1934 × 10^-1 = 645.2 oz, stable. The report carries
 * no net/gross flag (tare is kept on the scale), so stable readings are gross.
 */
export const hidScaleReportId = 0x03;
export const hidScaleReportLength = 6;

/** Status byte values (HID POS Usage Tables 1.02, scale status usages). */
export const hidScaleStatus = {
  fault: 1,
  stableZero: 2,
  motion: 3,
  stable: 4,
  underZero: 5,
  overLimit: 6,
  needsCalibration: 7,
  needsRezero: 8,
} as const;

/**
 * Unit byte values for the units the lane sells by (HID POS Usage Tables 1.02
 * weight units). The table defines others (milligram, carat, troy ounce, …);
 * no retail scale reports them, and they are refused as `unknownUnit`.
 */
export const hidScaleUnits: Readonly<Record<WeightUnit, number>> = { g: 2, kg: 3, oz: 11, lb: 12 };

const unitsByCode: ReadonlyMap<number, WeightUnit> = new Map(Object.entries(hidScaleUnits).map(([unit, code]) => [code, unit as WeightUnit]));

/** A scale that reports itself unfit to weigh: the service shows DeviceStatus fault ['scaleError']. */
export interface HidScaleFault {
  readonly kind: 'fault';
  /** Status 1 (scale fault) or 7 (needs calibration: not legal for trade until serviced). */
  readonly condition: 'fault' | 'needsCalibration';
}

/**
 * What one data report says. Status 8 (needs re-zero) is the reading
 * `zeroError`: the scale works but an assistant must zero it.
 */
export type HidScaleState = ScaleReading | HidScaleFault;

export type HidScaleReportErrorKind = 'tooShort' | 'wrongReportId' | 'unknownStatus' | 'unknownUnit' | 'badExponent';

export interface HidScaleReportError {
  readonly kind: HidScaleReportErrorKind;
  /** English, for the log. */
  readonly detail: string;
}

function failure(kind: HidScaleReportErrorKind, detail: string): { readonly ok: false; readonly error: HidScaleReportError } {
  return err({ kind, detail });
}

/** The exponent byte is a signed 8-bit integer. */
function int8(byte: number): number {
  return byte > 0x7f ? byte - 0x100 : byte;
}

/**
 * Parses one scale data report. Never throws, for any bytes: it is also the
 * fuzz entry point for this codec. Longer reports are accepted (some scales pad
 * to their endpoint size); only the first six bytes are read.
 */
export function parseHidScaleReport(report: Uint8Array): Result<HidScaleState, HidScaleReportError> {
  // The id first: another report of the device (of any length) is not a broken scale data report.
  const reportId = report[0];
  if (reportId !== undefined && reportId !== hidScaleReportId) return failure('wrongReportId', `report id ${reportId} is not the scale data report (${hidScaleReportId})`);
  if (report.length < hidScaleReportLength) return failure('tooShort', `a scale data report has ${hidScaleReportLength} bytes, got ${report.length}`);
  const [, status = 0, unitCode = 0, exponentByte = 0, low = 0, high = 0] = report;
  switch (status) {
    case hidScaleStatus.fault:
      return ok({ kind: 'fault', condition: 'fault' });
    case hidScaleStatus.needsCalibration:
      return ok({ kind: 'fault', condition: 'needsCalibration' });
    case hidScaleStatus.needsRezero:
      return ok({ kind: 'zeroError' });
    case hidScaleStatus.underZero:
      return ok({ kind: 'underZero' });
    case hidScaleStatus.overLimit:
      return ok({ kind: 'overCapacity' });
    case hidScaleStatus.stableZero:
    case hidScaleStatus.stable:
    case hidScaleStatus.motion:
      break;
    default:
      return failure('unknownStatus', `scale status ${status} is not one of 1–8`);
  }
  const unit = unitsByCode.get(unitCode);
  if (unit === undefined) return failure('unknownUnit', `scale unit ${unitCode} is not g (2), kg (3), oz (11) or lb (12)`);
  const exponent = int8(exponentByte);
  const raw = low + 0x100 * high;
  // shared/scale keeps at most 6 decimals; a positive exponent multiplies and must stay an exact integer.
  if (exponent < -6) return failure('badExponent', `scale exponent ${exponent} gives more than 6 decimals`);
  const increments = exponent > 0 ? raw * 10 ** exponent : raw;
  if (!Number.isSafeInteger(increments)) return failure('badExponent', `scale weight ${raw}e${exponent} is out of range`);
  const weight = scaleWeight(increments, exponent < 0 ? -exponent : 0, unit);
  return ok(status === hidScaleStatus.motion ? { kind: 'motion', weight } : { kind: 'stable', weight, net: false });
}

export interface HidScaleEncodingOptions {
  /** Unit byte for states without a weight (under zero, over limit, faults). Default g. */
  readonly unit?: WeightUnit;
}

/**
 * The data report a HID POS scale sends for a state (used by the simulator).
 * A weight that the report cannot carry (negative, net, more than 16 bits that
 * no positive exponent brings in range) is a bug in the caller and throws.
 * A stable weight of zero is sent as "stable zero" (status 2).
 */
export function encodeHidScaleReport(state: HidScaleState, options: HidScaleEncodingOptions = {}): Uint8Array {
  const report = new Uint8Array(hidScaleReportLength);
  report[0] = hidScaleReportId;
  report[2] = hidScaleUnits[options.unit ?? 'g'];
  switch (state.kind) {
    case 'fault':
      report[1] = state.condition === 'fault' ? hidScaleStatus.fault : hidScaleStatus.needsCalibration;
      return report;
    case 'zeroError':
      report[1] = hidScaleStatus.needsRezero;
      return report;
    case 'underZero':
      report[1] = hidScaleStatus.underZero;
      return report;
    case 'overCapacity':
      report[1] = hidScaleStatus.overLimit;
      return report;
    case 'motion':
      report[1] = hidScaleStatus.motion;
      break;
    case 'stable':
      if (state.net) throw new RangeError('the HID POS scale data report has no net flag');
      report[1] = state.weight.increments === 0 ? hidScaleStatus.stableZero : hidScaleStatus.stable;
      break;
  }
  const weight = state.weight;
  if (!weight) return report;
  let raw = weight.increments;
  let exponent = -weight.decimals;
  if (!Number.isSafeInteger(raw) || raw < 0) throw new RangeError(`a HID POS scale weight is unsigned, got ${raw}`);
  // Whole-unit weights above 16 bits fit with a positive exponent when they end in zeros.
  while (raw > 0xffff && exponent >= 0 && exponent < 0x7f && raw % 10 === 0) {
    raw /= 10;
    exponent++;
  }
  if (raw > 0xffff) throw new RangeError(`weight ${weight.increments}e-${weight.decimals} does not fit a 16-bit HID POS scale report`);
  report[2] = hidScaleUnits[weight.unit];
  report[3] = exponent & 0xff;
  report[4] = raw & 0xff;
  report[5] = raw >> 8;
  return report;
}
