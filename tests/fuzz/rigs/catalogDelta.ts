import { join } from 'node:path';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { CatalogApplier, type ApplyOutcome, type CatalogUpdate } from '../../../main/lane/catalogSync/catalogApplier';
import { catalogChecksum } from '../../../main/store/checksum';
import type { CatalogEntity } from '../../../shared/store/catalogEntities';
import { changesAnswerSchema, syncProtocolVersion, type CatalogDelta, type SnapshotRequired, type VersionedEntity } from '../../../shared/store/syncProtocol';
import { asParsed, damageText, generateMessage, jsonSeeds, mutatedTree, writeJson, type JsonSeeds } from '../jsonMutate';
import { errorText, scratchDir, shown, type Findings, type MessageRig } from '../messageTarget';
import { randomBytes, type Random } from '../mutate';

/**
 * `lane.catalogDelta`: what the store server sends a lane's catalogue sync, through the lane's
 * real code from the parsed answer on: the answer checked against `changesAnswerSchema` (as
 * StoreClient does), then applied by a real `CatalogApplier` — the sync's worker thread and its
 * CatalogWriter on a lane catalogue file — and read back through the lane's own `CatalogStore`.
 * Deltas and NDJSON snapshots are built from valid catalogue entities of every kind, then mutated
 * (values, versions, tombstones, checksums, lines dropped, doubled, cut or garbled); half get
 * their checksum, count and version made right again after mutation, so mutated entities reach
 * the entity schemas and the catalogue's tables.
 *
 * The HTTP part (StoreClient: the body reader, NDJSON line splitting) needs a network; it is not
 * here — the snapshot's lines are split as its `ndjsonLines` splits them.
 *
 * A crash: the worker dying (`workerFailed`), a refusal whose message is a JavaScript error
 * rather than a reason (an exception the writer did not expect), the lane's catalogue reader
 * throwing on what was applied. A violation: an update applied at another version than it
 * said, or a refused one changing the catalogue's version.
 */

const names = [{ en: 'Milk 2.5% 1 L', lv: 'Piens 2,5% 1 l', ru: 'Молоко 2,5% 1 л' }, { en: 'Bananas', bg: 'Банани' }, { en: 'Vodka 0.5 L' }, { en: 'Rye bread' }];

/** The store's catalogue as entities of every kind (values as the store server sends them). */
function storeEntities(): CatalogEntity[] {
  const entities: CatalogEntity[] = [
    { kind: 'settings', key: 'store', value: { currency: 'EUR', restrictedTemplate: 'sweden' } },
    { kind: 'vatClass', key: 'A', value: { code: 'A', rateBp: 2100, label: 'Standard' } },
    { kind: 'vatClass', key: 'B', value: { code: 'B', rateBp: 1200, label: 'Food' } },
    { kind: 'promotion', key: 'P1', value: { id: 'P1', name: { en: 'Milk 10% off' }, gtins: ['04750001000016'], rule: { kind: 'percentage', percentBp: 1000 }, validFrom: 0 } },
    { kind: 'promotion', key: 'P2', value: { id: 'P2', name: { en: '3 for 2' }, gtins: ['04750001000023', '04750001000030'], rule: { kind: 'multiBuy', quantity: 3, priceMinor: 200 }, loyaltyOnly: true } },
    { kind: 'promotion', key: 'P3', value: { id: 'P3', name: { en: 'Bananas 20c off a kilo' }, gtins: ['02000000000011'], rule: { kind: 'perKg', amountOffPerKgMinor: 20 }, validFrom: 1, validTo: 4_000_000_000_000 } },
    { kind: 'coupon', key: 'SAVE5', value: { code: 'SAVE5', name: { en: '5 € off' }, rule: { kind: 'amountOff', amountMinor: 500 }, minimumSpendMinor: 2_000 } },
    { kind: 'coupon', key: 'BREAD', value: { code: 'BREAD', name: { en: 'Bread 50%' }, gtins: ['04750001000047'], rule: { kind: 'percentage', percentBp: 5_000 } } },
    { kind: 'assistant', key: '1001', value: { id: '1001', name: 'Anna', role: 'assistant', pinHash: 'scrypt$16$1$1$c2FsdA==$a2V5', badgeHash: 'a'.repeat(64), active: true } },
    { kind: 'assistant', key: '1002', value: { id: '1002', name: 'Ivan', role: 'supervisor', pinHash: 'scrypt$16$1$1$c2FsdA==$a2V5', active: false } },
  ];
  for (let index = 0; index < 8; index++) {
    const gtin = `047500010000${String(10 + index).padStart(2, '0')}`;
    entities.push({
      kind: 'item',
      key: gtin,
      value: {
        gtin,
        ...(index % 3 === 0 ? { plu: String(4011 + index) } : {}),
        name: names[index % names.length]!,
        priceMinor: 99 + index * 50,
        soldBy: index % 4 === 1 ? 'weight' : 'unit',
        variableMeasure: index % 5 === 2,
        vatClass: index % 2 ? 'A' : 'B',
        ...(index % 4 === 2 ? { ageLimit: 18 } : {}),
        ...(index % 3 === 1 ? { scheduledPrices: [{ from: 1_700_000_000_000, priceMinor: 89 }, { from: 4_000_000_000_000, priceMinor: 79 }] } : {}),
        ...(index % 2 ? { weight: { grams: 1_030, toleranceGrams: 30 } } : {}),
      },
    });
  }
  return entities;
}

/** Updates handed to the applier at once. */
const inFlight = 8;

const internalError = /TypeError|RangeError|ReferenceError|SyntaxError|Maximum call stack|Cannot read prop|is not a function|is not iterable|undefined/u;

/** Lines as StoreClient's `ndjsonLines` yields them: split on newlines, a trailing CR dropped, blank lines skipped. */
async function* lines(text: string): AsyncGenerator<string> {
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\r$/u, '');
    if (trimmed.trim()) yield trimmed;
  }
}

export async function startCatalogDeltaRig(): Promise<MessageRig> {
  const dir = scratchDir('catalog');
  const path = join(dir.path, 'catalog.sqlite');
  const reader = CatalogStore.open(path);
  const applier = await CatalogApplier.start(path);
  const entities = storeEntities();
  const versioned = (entity: CatalogEntity, version: number): VersionedEntity => ({ version, kind: entity.kind, key: entity.key, value: entity.value });

  const first = entities.map((entity) => versioned(entity, 1));
  const initial = await applier.apply({ kind: 'delta', delta: { since: 0, version: 1, changes: first, checksum: catalogChecksum(first) } });
  if (!initial.ok) throw new Error(`the fuzzed catalogue could not be set up: ${initial.message}`);
  let held = 1;

  const deltaFor = (since: number, version: number, changes: VersionedEntity[]): CatalogDelta => ({ kind: 'delta', since, version, changes, checksum: catalogChecksum(changes) });
  const deltaSeeds: JsonSeeds = jsonSeeds([
    deltaFor(1, 2, entities.slice(0, 6).map((entity) => versioned(entity, 2))),
    deltaFor(1, 2, entities.slice(6).map((entity) => versioned(entity, 2))),
    deltaFor(1, 3, [versioned({ kind: 'item', key: '04750001000010', value: null }, 3), versioned({ kind: 'coupon', key: 'SAVE5', value: null }, 2)]),
    { kind: 'snapshotRequired', version: 9, reason: 'tooOld' } satisfies SnapshotRequired,
  ]);
  const lineSeeds: JsonSeeds = jsonSeeds([
    { kind: 'snapshot', protocol: syncProtocolVersion, version: 2, count: 3 },
    ...entities.map((entity) => versioned(entity, 2)),
    { kind: 'end', checksum: 'f'.repeat(64) },
  ]);

  /** A few changed or deleted entities, as the store would send them next. */
  function changes(random: Random, version: number): VersionedEntity[] {
    return Array.from({ length: 1 + random.below(4) }, () => {
      const entity = random.pick(entities);
      const deleted = random.chance(15) && entity.kind !== 'settings';
      return versioned(deleted ? ({ ...entity, value: null } as CatalogEntity) : entity, version - random.below(Math.min(version - held, 2)));
    });
  }

  /** A delta answer's text, and what the lane should make of it. */
  function deltaText(random: Random): string {
    const version = held + 1 + random.below(2);
    const fresh = deltaFor(held - random.below(Math.min(held, 2)), version, changes(random, version));
    const roll = random.below(100);
    if (roll < 15) return JSON.stringify(fresh);
    if (roll < 55) {
      // Mutated, then made consistent again: the changes still hash to the checksum sent.
      const tree = mutatedTree(random, fresh, deltaSeeds) as Partial<Record<string, unknown>> | null;
      if (tree && typeof tree === 'object' && Array.isArray(tree.changes) && tree.changes.every((change) => typeof change === 'object' && change !== null && !Array.isArray(change))) {
        try {
          tree.checksum = catalogChecksum(tree.changes as VersionedEntity[]);
        } catch {
          // Too deep to hash: sent with its old checksum.
        }
      }
      return writeJson(tree);
    }
    return generateMessage(random, deltaSeeds, { valid: 0, garbage: 5, damaged: 20 }, fresh);
  }

  /** An NDJSON snapshot's text: header, every entity, trailer; then lines lost, doubled, garbled… */
  function snapshotText(random: Random): string {
    const version = held + 1;
    const body = entities.filter(() => !random.chance(10)).map((entity) => versioned(entity, 1 + random.below(version)));
    let rows: unknown[] = [{ kind: 'snapshot', protocol: syncProtocolVersion, version, count: body.length }, ...body, { kind: 'end', checksum: catalogChecksum(body) }];
    const consistent = random.chance(50);
    for (let round = random.below(3); round > 0; round--) {
      const at = random.below(rows.length);
      switch (random.below(5)) {
        case 0:
          rows.splice(at, 1);
          break;
        case 1:
          rows.splice(at, 0, rows[at]);
          break;
        case 2:
          rows[at] = mutatedTree(random, rows[at], lineSeeds);
          break;
        case 3:
          rows = rows.slice(0, at);
          break;
        default:
          rows.splice(at, 0, random.chance(50) ? new TextDecoder().decode(randomBytes(random, 80)) : random.pick(lineSeeds.values));
          break;
      }
    }
    if (consistent && rows.length >= 2) {
      // Count and checksum made right for the entities that are left.
      const middle = rows.slice(1, -1).filter((row): row is VersionedEntity => typeof row === 'object' && row !== null && !Array.isArray(row));
      try {
        rows[0] = { kind: 'snapshot', protocol: syncProtocolVersion, version, count: middle.length };
        rows[rows.length - 1] = { kind: 'end', checksum: catalogChecksum(middle) };
        rows = [rows[0], ...middle, rows.at(-1)];
      } catch {
        // Too deep to hash: left as it is.
      }
    }
    let text = rows.map((row) => (typeof row === 'string' ? row : writeJson(row))).join(random.chance(10) ? '\r\n' : '\n');
    if (random.chance(10)) text = damageText(random, text);
    return text;
  }

  /** What an update's outcome says, on its own: refusals with JavaScript errors for reasons, a version other than the one sent. */
  function checkOutcome(input: string, update: 'delta' | 'snapshot', expectedVersion: number | undefined, outcome: ApplyOutcome, findings: Findings): void {
    if (!outcome.ok) {
      findings.count(`${update}:refused:${outcome.problem}`);
      if (outcome.problem === 'workerFailed') findings.crash(shown(input), `the catalogue sync worker died: ${outcome.message}`);
      else if (outcome.problem === 'rejectedByCatalog' && internalError.test(outcome.message)) findings.crash(shown(input), `the catalogue writer threw: ${outcome.message}`);
      return;
    }
    findings.count(`${update}:applied`);
    if (expectedVersion !== undefined && outcome.applied.version !== expectedVersion) findings.violation(shown(input), `a ${update} for version ${expectedVersion} was applied as version ${outcome.applied.version}`);
  }

  /** After a group of updates: the catalogue at the version of the last one applied (or as it was), and readable. */
  function checkCatalogue(group: readonly { input: string; outcome: ApplyOutcome }[], findings: Findings): void {
    const applied = group.filter((each) => each.outcome.ok).at(-1);
    const expected = applied?.outcome.ok ? applied.outcome.applied.version : held;
    const now = reader.syncState().version;
    if (now !== expected) findings.violation(shown(group.map((each) => each.input).join('\n---\n'), 4_000), `after these updates the catalogue reads version ${now}, not ${expected}`);
    held = now;
    if (!applied) return;
    // What the lane reads next: every item, the offers, the search.
    try {
      for (const entity of entities) if (entity.kind === 'item') reader.lookup(entity.key);
      reader.promotions();
      reader.coupon('SAVE5');
      reader.find('milk');
      reader.settings();
    } catch (error) {
      findings.crash(shown(applied.input), `the lane's catalogue cannot be read after this update: ${errorText(error)}`);
    }
  }

  /** One case: its input, and the apply under way (none when the answer never gets past the schema). */
  function startCase(random: Random, findings: Findings): { input: string; update: 'delta' | 'snapshot'; version?: number; applying?: Promise<ApplyOutcome> } {
    // Snapshots replace the whole catalogue (and rebuild its indexes): fewer of them.
    if (random.chance(6)) {
      const text = snapshotText(random);
      const update: CatalogUpdate = { kind: 'snapshot', lines: lines(text) };
      return { input: text, update: 'snapshot', applying: applier.apply(update) };
    }
    const text = deltaText(random);
    const answer = changesAnswerSchema.safeParse(asParsed(text));
    if (!answer.success) {
      findings.count('answer:malformed');
      return { input: text, update: 'delta' };
    }
    if (answer.data.kind === 'snapshotRequired') {
      findings.count('answer:snapshotRequired');
      return { input: text, update: 'delta' };
    }
    const { since, version, checksum, changes: sent } = answer.data;
    return { input: text, update: 'delta', version, applying: applier.apply({ kind: 'delta', delta: { since, version, checksum, changes: sent } }) };
  }

  return {
    async runBatch(random, size, findings) {
      // A few updates at a time, queued as the catalogue sync queues them, so the worker thread is never idle waiting for the next.
      for (let done = 0; done < size; done += inFlight) {
        const cases = Array.from({ length: Math.min(inFlight, size - done) }, () => startCase(random, findings));
        const group: { input: string; outcome: ApplyOutcome }[] = [];
        for (const each of cases) {
          if (!each.applying) continue;
          let outcome: ApplyOutcome;
          try {
            outcome = await each.applying;
          } catch (error) {
            // apply() answers with an outcome, refusals included; a rejection is an exception the applier let out.
            findings.crash(shown(each.input), `CatalogApplier.apply threw instead of answering: ${errorText(error)}`);
            continue;
          }
          checkOutcome(each.input, each.update, each.version, outcome, findings);
          group.push({ input: each.input, outcome });
        }
        checkCatalogue(group, findings);
      }
      if (!applier.usable) throw new Error('the catalogue sync worker is gone');
    },
    async close() {
      await applier.close();
      reader.close();
      dir.remove();
    },
  };
}
