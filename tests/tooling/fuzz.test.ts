import { describe, expect, it } from 'vitest';
import { fuzzAll } from '../fuzz/run';
import { fuzzTargets } from '../fuzz/targets';

/**
 * A small run of `npm run fuzz` on every parser, so a parser that starts throwing
 * on bad bytes fails CI. The full run (1,000,000 cases per parser) is `npm run fuzz`.
 */
describe('protocol fuzzing (small CI run)', () => {
  it('crashes and hangs no parser', async () => {
    const results = await fuzzAll({ cases: 3_000, seed: 20261123 });
    expect(results.map((result) => result.target).sort()).toEqual(fuzzTargets.map((target) => target.name).sort());
    for (const result of results) expect({ target: result.target, crashes: result.crashes, hangs: result.hangs, examples: result.examples ?? [] }).toEqual({ target: result.target, crashes: 0, hangs: 0, examples: [] });
  }, 120_000);
});
