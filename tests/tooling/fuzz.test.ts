import { describe, expect, it } from 'vitest';
import { fuzzAll, type FuzzResult } from '../fuzz/run';
import { byteTargets, messageTargets } from '../fuzz/targets';

/**
 * A small run of `npm run fuzz`, so a parser or a message handler that starts throwing on bad
 * input — or lets a forged command, an invalid call or a wrong hello through — fails CI. The full
 * run (1,000,000 cases per target) is `npm run fuzz`.
 */

function failures(result: FuzzResult) {
  return { target: result.target, crashes: result.crashes, violations: result.violations, hangs: result.hangs, error: result.error, examples: result.examples ?? [] };
}

describe('fuzzing (small CI run)', () => {
  it('crashes and hangs no protocol parser', async () => {
    const results = await fuzzAll({ cases: 3_000, seed: 20261123, targets: byteTargets.map((target) => target.name) });
    expect(results.map((result) => result.target).sort()).toEqual(byteTargets.map((target) => target.name).sort());
    for (const result of results) expect(failures(result)).toEqual({ target: result.target, crashes: 0, violations: 0, hangs: 0, error: undefined, examples: [] });
  }, 60_000);

  it('crashes, hangs and fools none of the bridge, the hub, the lane link, the store server and the catalogue sync', async () => {
    const results = await fuzzAll({ cases: 2_000, seed: 20261203, targets: messageTargets.map((target) => target.name) });
    expect(results.map((result) => result.target).sort()).toEqual(messageTargets.map((target) => target.name).sort());
    for (const result of results) {
      expect(failures(result)).toEqual({ target: result.target, crashes: 0, violations: 0, hangs: 0, error: undefined, examples: [] });
      // The cases got past the schemas into the real handling, not only bounced off them.
      expect(Object.keys(result.outcomes ?? {}).length).toBeGreaterThan(3);
    }
  }, 60_000);
});
