import { InvalidArgumentError } from 'commander';

/** Option parsers shared by the proof harnesses' command lines. */

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError('a positive integer');
  return number;
}

export function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) throw new InvalidArgumentError('an integer, 0 or more');
  return number;
}
