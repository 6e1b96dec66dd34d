import { describe, expect, it } from 'vitest';
import { decodeLaneSecret } from '../../../main/supervisor/commandAuth';
import { openHubDatabase } from '../../../main/supervisor/hubDatabase';
import { LaneRegistry } from '../../../main/supervisor/laneRegistry';

describe('lane registry', () => {
  const registry = () => new LaneRegistry(openHubDatabase(':memory:'), () => 1_700_000_000_000);

  it('adds a lane with a fresh 32-byte secret and refuses it twice unless rotating', () => {
    const lanes = registry();
    const added = lanes.addLane('L01');
    if (!added.ok) throw new Error(added.error);
    expect(decodeLaneSecret(added.value)).toHaveLength(32);
    expect(lanes.secretFor('L01')).toBe(added.value);
    expect(lanes.addLane('L01')).toEqual({ ok: false, error: 'exists' });

    const rotated = lanes.addLane('L01', { rotate: true });
    if (!rotated.ok) throw new Error(rotated.error);
    expect(rotated.value).not.toBe(added.value);
    expect(lanes.secretFor('L01')).toBe(rotated.value);
    // Rotating a lane that does not exist yet simply adds it.
    expect(lanes.addLane('L02', { rotate: true }).ok).toBe(true);
  });

  it('takes only ids a lane configuration accepts', () => {
    const lanes = registry();
    for (const laneId of ['', 'x'.repeat(17), 'L 01', 'L01/..', 'Ł01']) expect(lanes.addLane(laneId), laneId).toEqual({ ok: false, error: 'invalidLaneId' });
    expect(lanes.listLanes()).toEqual([]);
  });

  it('lists without secrets, disables, enables and removes', () => {
    const lanes = registry();
    lanes.addLane('L02');
    lanes.addLane('L01');
    expect(lanes.listLanes()).toEqual([
      { laneId: 'L01', createdAt: 1_700_000_000_000, disabled: false },
      { laneId: 'L02', createdAt: 1_700_000_000_000, disabled: false },
    ]);
    expect(JSON.stringify(lanes.listLanes())).not.toContain(lanes.secretFor('L01'));

    expect(lanes.disableLane('L01')).toBe(true);
    expect(lanes.secretFor('L01')).toBeUndefined();
    expect(lanes.lookup('L01')).toMatchObject({ laneId: 'L01', disabled: true });
    expect(lanes.listLanes()[0]).toMatchObject({ laneId: 'L01', disabled: true });
    expect(lanes.disableLane('L01', false)).toBe(true);
    expect(lanes.secretFor('L01')).toBeDefined();
    expect(lanes.disableLane('L09')).toBe(false);

    // Rotating re-enables a disabled lane: store IT re-provisioned it.
    lanes.disableLane('L02');
    expect(lanes.addLane('L02', { rotate: true }).ok).toBe(true);
    expect(lanes.lookup('L02')?.disabled).toBe(false);

    expect(lanes.removeLane('L01')).toBe(true);
    expect(lanes.removeLane('L01')).toBe(false);
    expect(lanes.lookup('L01')).toBeUndefined();
    expect(lanes.listLanes().map((lane) => lane.laneId)).toEqual(['L02']);
  });
});
