import type { DeviceRole } from '../../shared/devices';
import type { LaneTile } from '../../shared/supervisor/stationService';
import { unreadableInputProblem } from '../../shared/supervisor/laneStatus';
import type { Disposable } from '../../shared/event';
import type { FaultTarget, ScaleChoice, StationObserver } from './devicesRig';

/**
 * The device proof's faults: what they are, the seeded schedule, and how the proof sees them
 * from the supervisor station — where the assistant sees them.
 */

export type FaultKind = 'unplug' | 'garbage' | 'stuck';
export const faultKinds: readonly FaultKind[] = ['unplug', 'garbage', 'stuck'];

/** What the shopper is doing when the fault begins. */
export type SalePhase = 'scan' | 'weighing' | 'printing' | 'payment';
export const salePhases: readonly SalePhase[] = ['scan', 'weighing', 'printing', 'payment'];

/**
 * `noise`: random bytes, line ends and all; `longLine`: printable bytes that never end a line;
 * `burst`: random bytes at about 200 kB/s, far beyond any serial line (a 9600-baud line carries 960 B/s).
 */
export type GarbageStyle = 'noise' | 'longLine' | 'burst';
export const garbageStyles: readonly GarbageStyle[] = ['noise', 'longLine', 'burst'];

export interface PlannedFault {
  readonly index: number;
  readonly scale: ScaleChoice;
  readonly target: FaultTarget;
  readonly kind: FaultKind;
  readonly phase: SalePhase;
  /** How long the device is away, flooding, or hung. */
  readonly durationMs: number;
  readonly style?: GarbageStyle | undefined;
}

/** Milliseconds, [shortest, longest]. */
export type DurationRange = readonly [number, number];

export interface FaultDurations {
  readonly unplug: DurationRange;
  readonly garbage: DurationRange;
  readonly stuck: DurationRange;
}

/**
 * Unplugged 0.5–5 s; flooded 2–5 s; hung 3–5 s — longer than the scale's two missed replies
 * (2 × 1 s) that the product counts as "not responding", since one lost reply is line noise by design.
 */
export const defaultDurations: FaultDurations = { unplug: [500, 5_000], garbage: [2_000, 5_000], stuck: [3_000, 5_000] };

export function targetsFor(scale: ScaleChoice): readonly FaultTarget[] {
  return scale === 'magellan' ? ['magellan', 'printer', 'paymentTerminal'] : ['scanner', 'scale', 'printer', 'paymentTerminal'];
}

/** The roles a fault on `target` takes away. */
export function rolesOf(target: FaultTarget): readonly DeviceRole[] {
  return target === 'magellan' ? ['scanner', 'scale'] : [target];
}

/** `count` faults shared out between the scale choices as evenly as it goes. */
export function sharesOf(count: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, index) => Math.floor(count / parts) + (index < count % parts ? 1 : 0));
}

/**
 * One segment's faults: rounds in which every device gets every kind of fault once, in a
 * shuffled order, each round moving every pair on to the next sale phase — so a handful of
 * faults already covers every device and kind, and enough of them every phase too.
 */
export function planFaults(scale: ScaleChoice, count: number, firstIndex: number, random: () => number, durations: FaultDurations): PlannedFault[] {
  const pairs = targetsFor(scale).flatMap((target) => faultKinds.map((kind) => ({ target, kind })));
  const phaseOffset = new Map(pairs.map((pair, index) => [`${pair.target}/${pair.kind}`, Math.floor(random() * salePhases.length) + index]));
  const planned: PlannedFault[] = [];
  for (let round = 0; planned.length < count; round++) {
    const order = shuffled(pairs, random);
    for (const { target, kind } of order) {
      if (planned.length >= count) break;
      const phase = salePhases[(phaseOffset.get(`${target}/${kind}`)! + round) % salePhases.length]!;
      const [shortest, longest] = durations[kind];
      planned.push({
        index: firstIndex + planned.length,
        scale,
        target,
        kind,
        phase,
        durationMs: Math.round(shortest + random() * (longest - shortest)),
        style: kind === 'garbage' ? garbageStyles[Math.floor(random() * garbageStyles.length)] : undefined,
      });
    }
  }
  return planned;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** The next chunk of a flood, of `style`. */
export function garbageChunk(style: GarbageStyle, random: () => number): Uint8Array {
  switch (style) {
    case 'noise':
      return Uint8Array.from({ length: 64 + Math.floor(random() * 192) }, () => Math.floor(random() * 256));
    case 'longLine':
      // Printable, never CR or LF: a line with no end.
      return Uint8Array.from({ length: 256 }, () => 0x21 + Math.floor(random() * 94));
    case 'burst':
      return Uint8Array.from({ length: 2_048 }, () => Math.floor(random() * 256));
  }
}

/** Pause between chunks: `burst` about 200 kB/s, the others 5–13 kB/s. */
export function garbagePauseMs(style: GarbageStyle): number {
  return style === 'burst' ? 10 : 20;
}

// ── What the assistant sees ───────────────────────────────────────────────

/** How the fault reached the station: naming the device, only as "input discarded" with no device named, or not at all. */
export type Surfaced = 'named' | 'unnamed' | 'no';

export interface Sighting {
  readonly at: number;
  readonly what: string;
}

/** The device problems in a tile's device-fault intervention, e.g. `printer: paperEnd`, `scanner: unreadable input`. */
export function deviceFaultProblems(tile: LaneTile | undefined): string[] {
  return (tile?.status?.interventions ?? []).flatMap((intervention) => (intervention.kind === 'deviceFault' ? (intervention.detail?.split('; ') ?? []) : []));
}

/**
 * A device role named in a tile: its status not ready, a device-fault intervention naming it, or
 * a recent event naming it. What the tile showed when the fault began (`baselineEvents`,
 * `baselineProblems`: an earlier flood's unreadable-input note lingers for a while) does not count.
 */
export function namedProblem(tile: LaneTile, roles: readonly DeviceRole[], baselineEvents: ReadonlySet<string>, baselineProblems: ReadonlySet<string> = new Set()): string | undefined {
  const status = tile.status;
  if (!status) return undefined;
  for (const role of roles) {
    const device = status.devices[role];
    if (device && device.kind !== 'ready' && device.kind !== 'connecting') return `${role}: ${device.kind === 'fault' ? device.faults.join(', ') : device.kind}`;
  }
  for (const problem of deviceFaultProblems(tile)) {
    if (!baselineProblems.has(problem) && roles.some((role) => problem.startsWith(`${role}:`))) return `deviceFault ${problem}`;
  }
  for (const entry of status.recentEvents) {
    // A device coming back (`device.statusChanged (printer: ready)`) is no sign of its fault.
    if (baselineEvents.has(entry) || !/\bdevice\./.test(entry) || /: (ready|connecting)\)$/.test(entry)) continue;
    if (roles.some((role) => new RegExp(`\\b${role}\\b`).test(entry))) return `recent event "${entry}"`;
  }
  return undefined;
}

/**
 * The station shows `roles` working: their status ready and no device fault naming them. A note
 * that a device sent unreadable input (`scanner: unreadable input`) does not count: it says the
 * device was noisy in the last few seconds and stays on by design until the noise has been gone
 * for a while, whether or not the device works again.
 */
export function healthy(tile: LaneTile | undefined, roles: readonly DeviceRole[]): boolean {
  const status = tile?.status;
  if (!status || !tile?.online) return false;
  for (const role of roles) if (status.devices[role]?.kind !== 'ready') return false;
  return !deviceFaultProblems(tile).some((problem) => problem !== `${roleOf(problem)}: ${unreadableInputProblem}` && roles.some((role) => problem.startsWith(`${role}:`)));
}

function roleOf(problem: string): string {
  return problem.slice(0, problem.indexOf(':'));
}

/**
 * Watches the station from the moment a fault begins: the first tile that names the faulted
 * device, and the first that shows input discarded without naming one.
 */
export class FaultWatch {
  named: Sighting | undefined;
  unnamed: Sighting | undefined;
  readonly #subscription: Disposable;
  readonly #baseline: ReadonlySet<string>;
  readonly #baselineProblems: ReadonlySet<string>;
  readonly #roles: readonly DeviceRole[];
  readonly #laneId: string;
  readonly #since: number;

  constructor(station: StationObserver, laneId: string, roles: readonly DeviceRole[], since: number) {
    this.#laneId = laneId;
    this.#roles = roles;
    this.#since = since;
    this.#baseline = new Set(station.tile(laneId)?.status?.recentEvents ?? []);
    this.#baselineProblems = new Set(deviceFaultProblems(station.tile(laneId)));
    this.#subscription = station.onTile(({ at, tile }) => this.#see(at, tile));
  }

  #see(at: number, tile: LaneTile): void {
    if (tile.laneId !== this.#laneId || this.named) return;
    const named = namedProblem(tile, this.#roles, this.#baseline, this.#baselineProblems);
    if (named) {
      this.named = { at, what: named };
      return;
    }
    if (this.unnamed) return;
    const sinceSecond = new Date(Math.floor(this.#since / 1000) * 1000).toISOString().slice(11, 19);
    const discarded = tile.status?.recentEvents.find((entry) => !this.#baseline.has(entry) && entry.includes('device.inputDiscarded') && entry.slice(0, 8) >= sinceSecond);
    if (discarded) this.unnamed = { at, what: `recent event "${discarded}"` };
  }

  /** Resolves once the device is named, or at `deadline` (at once if either has come). */
  namedBy(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.named || Date.now() >= deadline) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(check, 50);
      check();
    });
  }

  get surfaced(): Surfaced {
    return this.named ? 'named' : this.unnamed ? 'unnamed' : 'no';
  }

  dispose(): void {
    this.#subscription.dispose();
  }
}

/** Resolves with when the station first shows `roles` healthy at or after `since` (at once if it does now), or undefined after `timeoutMs`. */
export function waitHealthy(station: StationObserver, laneId: string, roles: readonly DeviceRole[], since: number, timeoutMs: number): Promise<number | undefined> {
  if (healthy(station.tile(laneId), roles)) return Promise.resolve(Math.max(since, Date.now()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      resolve(undefined);
    }, timeoutMs);
    const subscription = station.onTile(({ at, tile }) => {
      if (tile.laneId !== laneId || !healthy(tile, roles)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(at);
    });
  });
}
