import { err } from '../result';
import type { BarcodeRejection, BarcodeRejectionReason, Symbology } from './types';

/** Why a part of a scan was refused, before the decoder knows which symbology to blame. */
export interface Failure {
  readonly reason: BarcodeRejectionReason;
  readonly detail: string;
}

export function failure(reason: BarcodeRejectionReason, detail: string): Failure {
  return { reason, detail };
}

/** The refusal `decodeBarcode` returns; `symbology` is left out when it could not be told. */
export function rejection(reason: BarcodeRejectionReason, detail: string, symbology?: Symbology): { readonly ok: false; readonly error: BarcodeRejection } {
  return err(symbology === undefined ? { reason, detail } : { reason, detail, symbology });
}

/** A character for a log detail: printable ASCII as itself, anything else as U+XXXX. */
export function describeCharacter(code: number): string {
  if (code >= 0x21 && code <= 0x7e) return `'${String.fromCharCode(code)}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
