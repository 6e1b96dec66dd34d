import { describe, expect, it } from 'vitest';
import { maxEntityNesting, nestedDeeperThan, versionedEntitySchema } from '../../../shared/store/syncProtocol';

const nested = (levels: number): unknown => JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);

describe('how deep a catalogue entity may nest', () => {
  it('counts objects and arrays, not scalars', () => {
    expect(nestedDeeperThan(1, 0)).toBe(false);
    expect(nestedDeeperThan(null, 0)).toBe(false);
    expect(nestedDeeperThan({}, 0)).toBe(true);
    expect(nestedDeeperThan({ a: [1, { b: 'x' }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [1, { b: {} }] }, 3)).toBe(true);
  });

  it('answers for any depth without running out of stack', () => {
    expect(nestedDeeperThan(nested(200_000), maxEntityNesting)).toBe(true);
  });

  it('lets an entity nest to the limit and refuses one level more', () => {
    const entity = (value: unknown) => ({ version: 1, kind: 'promotion', key: 'P1', value });
    expect(versionedEntitySchema.safeParse(entity(nested(maxEntityNesting))).success).toBe(true);
    const refused = versionedEntitySchema.safeParse(entity(nested(maxEntityNesting + 1)));
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe(`nested more than ${maxEntityNesting} deep`);
  });
});
