import { describe, expect, it } from 'vitest';
import { KNOWN_APPLICATION_IDENTIFIERS, PREDEFINED_ELEMENT_LENGTHS } from '../../../shared/barcode/applicationIdentifiers';

describe('application identifier dictionary', () => {
  it('agrees with the predefined-length table (GS1 General Specifications Figure 7.8.5-2)', () => {
    for (const ai of KNOWN_APPLICATION_IDENTIFIERS) {
      const predefined = PREDEFINED_ELEMENT_LENGTHS[ai.prefix.slice(0, 2)];
      if (predefined === undefined) continue;
      expect({ ai: ai.prefix, fixed: ai.fixed, length: ai.aiLength + ai.maxLength }).toEqual({ ai: ai.prefix, fixed: true, length: predefined });
    }
  });

  it('has every AI the lane was asked to read', () => {
    const prefixes = new Set(KNOWN_APPLICATION_IDENTIFIERS.map((ai) => ai.prefix));
    const required = ['00', '01', '02', '10', '11', '13', '15', '16', '17', '20', '21', '22', '30', '37', '240', '241', '250', '251', '390', '391', '392', '393', '394', '410', '411', '412', '413', '414', '415', '416', '417', '420', '421', '422'];
    for (let measure = 310; measure <= 369; measure++) if (![317, 318, 319, 338, 339, 358, 359].includes(measure)) required.push(String(measure));
    expect(required.filter((prefix) => !prefixes.has(prefix))).toEqual([]);
  });

  it('keeps AIs prefix-free: no 2-digit AI starts a 3- or 4-digit one', () => {
    const twoDigit = new Set(KNOWN_APPLICATION_IDENTIFIERS.filter((ai) => ai.aiLength === 2).map((ai) => ai.prefix));
    const clashes = KNOWN_APPLICATION_IDENTIFIERS.filter((ai) => ai.aiLength > 2 && twoDigit.has(ai.prefix.slice(0, 2)));
    expect(clashes).toEqual([]);
  });
});
