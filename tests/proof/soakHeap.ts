import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Compares two V8 heap snapshots (`npm run soak -- --heap-snapshots` takes one of every process
 * when the warm-up ends and one when selling ends): what the process holds more of at the end,
 * grouped as DevTools' "Summary" groups it (by constructor for objects, by kind for strings,
 * arrays, code…). Objects a leak keeps are the groups whose count grows with the sales.
 *
 * `npx tsx tests/proof/soakHeap.ts <before.heapsnapshot> <after.heapsnapshot> [--top n]`
 */

export interface HeapGroup {
  readonly group: string;
  readonly count: number;
  readonly selfBytes: number;
}

export interface HeapGrowth {
  readonly group: string;
  readonly countBefore: number;
  readonly countAfter: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

interface Snapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[]; readonly node_types: readonly [readonly string[], ...unknown[]] } };
  readonly nodes: readonly number[];
  readonly strings: readonly string[];
}

/** Node types whose name is their content (a string's text, a number): grouped by type alone. */
const namedByContent = new Set(['string', 'concatenated string', 'sliced string', 'number', 'symbol', 'bigint']);

/** Every group of the snapshot, by self size. */
export function heapGroups(snapshotText: string): Map<string, HeapGroup> {
  const snapshot = JSON.parse(snapshotText) as Snapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, { group: string; count: number; selfBytes: number }>();
  for (let node = 0; node < snapshot.nodes.length; node += width) {
    const type = types[snapshot.nodes[node + typeAt]!] ?? 'unknown';
    const name = snapshot.strings[snapshot.nodes[node + nameAt]!] ?? '';
    const group = namedByContent.has(type) ? `(${type})` : type === 'object' || type === 'closure' ? `${name || '(anonymous)'}${type === 'closure' ? '()' : ''}` : `(${type}) ${name.slice(0, 60)}`;
    const entry = groups.get(group) ?? { group, count: 0, selfBytes: 0 };
    entry.count++;
    entry.selfBytes += snapshot.nodes[node + sizeAt]!;
    groups.set(group, entry);
  }
  return groups;
}

/** The groups that grew most between two snapshots, by bytes. */
export function heapGrowth(before: Map<string, HeapGroup>, after: Map<string, HeapGroup>, top = 25): HeapGrowth[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names]
    .map((group) => ({
      group,
      countBefore: before.get(group)?.count ?? 0,
      countAfter: after.get(group)?.count ?? 0,
      bytesBefore: before.get(group)?.selfBytes ?? 0,
      bytesAfter: after.get(group)?.selfBytes ?? 0,
    }))
    .sort((a, b) => b.bytesAfter - b.bytesBefore - (a.bytesAfter - a.bytesBefore))
    .slice(0, top);
}

function main(): void {
  const [beforeFile, afterFile] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const topFlag = process.argv.indexOf('--top');
  const top = topFlag >= 0 ? Number(process.argv[topFlag + 1]) : 25;
  if (!beforeFile || !afterFile) throw new Error('usage: soakHeap.ts <before.heapsnapshot> <after.heapsnapshot> [--top n]');
  const before = heapGroups(readFileSync(beforeFile, 'utf8'));
  const after = heapGroups(readFileSync(afterFile, 'utf8'));
  const total = (groups: Map<string, HeapGroup>) => [...groups.values()].reduce((sum, group) => sum + group.selfBytes, 0);
  process.stdout.write(`heap: ${(total(before) / 1048576).toFixed(1)} MiB → ${(total(after) / 1048576).toFixed(1)} MiB\n`);
  process.stdout.write(`${'group'.padEnd(50)} ${'count'.padStart(17)} ${'self KiB'.padStart(19)}\n`);
  for (const row of heapGrowth(before, after, top)) {
    process.stdout.write(
      `${row.group.slice(0, 50).padEnd(50)} ${`${row.countBefore}→${row.countAfter}`.padStart(17)} ${`${Math.round(row.bytesBefore / 1024)}→${Math.round(row.bytesAfter / 1024)}`.padStart(19)}\n`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
