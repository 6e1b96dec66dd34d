import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssistantDirectory } from '../../../main/assistants/assistantDirectory';
import { demoAssistants } from '../../../main/assistants/demoAssistants';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import type { ListedAssistant } from '../../../main/cli/storeCommand';
import { makeTempDir } from '../helpers/tempDir';
import { applyCatalogUpdate } from '../../../main/lane/catalogSync/catalogApplier';
import { openStoreBackend } from '../../../main/store/openStoreBackend';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real `lanewise` command; `stdin` is what is piped in (nothing, and closed, by default). */
function lanewise(args: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['bin/lanewise.mjs', ...args], { cwd: repoRoot, timeout: 30_000, env: { ...process.env, ...options.env } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
    child.stdin?.end(options.stdin ?? '');
  });
}

const json = <T>(run: Run): T => JSON.parse(run.stdout) as T;

// Each spawn starts tsx (about a second); several run in a row here.
const spawnTimeout = 90_000;

describe('lanewise store assistants', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let catalog: string;

  beforeAll(() => {
    dir = makeTempDir();
    catalog = join(dir.path, 'catalog.sqlite');
    CatalogStore.open(catalog).close();
  });
  afterAll(() => dir.remove());

  it('adds with the PIN from stdin, lists without hashes, disables and enables', { timeout: spawnTimeout }, async () => {
    const empty = await lanewise(['store', 'assistants', 'list', '--catalog', catalog]);
    expect(empty).toMatchObject({ code: 1, stdout: 'no assistants\n' });

    const [added, addedToo] = await Promise.all([
      // A PIN typed on Windows or through a terminal may end in CR LF.
      lanewise(['store', 'assistants', 'add', '--catalog', catalog, '--id', '1001', '--name', 'Anna Bērziņa', '--badge', 'LW:A:1001-7F3K', '--pin-stdin'], { stdin: '4321\r\n' }),
      lanewise(['store', 'assistants', 'add', '--catalog', catalog, '--id', '1002', '--name', 'Ivan Petrov', '--role', 'supervisor', '--pin-stdin'], { stdin: '24681357' }),
    ]);
    expect(added).toMatchObject({ code: 0, stdout: 'added assistant 1001 (Anna Bērziņa, assistant, badge)\n' });
    expect(addedToo).toMatchObject({ code: 0, stdout: 'added assistant 1002 (Ivan Petrov, supervisor)\n' });

    const [listed, listedJson] = await Promise.all([
      lanewise(['store', 'assistants', 'list', '--catalog', catalog]),
      lanewise(['store', 'assistants', 'list', '--catalog', catalog, '--json']),
    ]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe('1001        Anna Bērziņa  [assistant, active, badge]\n1002        Ivan Petrov  [supervisor, active, no badge]\n');
    expect(json<ListedAssistant[]>(listedJson)).toEqual([
      { id: '1001', name: 'Anna Bērziņa', role: 'assistant', active: true, hasBadge: true },
      { id: '1002', name: 'Ivan Petrov', role: 'supervisor', active: true, hasBadge: false },
    ]);

    const disabled = await lanewise(['store', 'assistants', 'disable', '1001', '--catalog', catalog]);
    expect(disabled).toMatchObject({ code: 0, stdout: 'assistant 1001 disabled\n' });
    const store = CatalogStore.open(catalog);
    try {
      const directory = new AssistantDirectory(store.db);
      expect(await directory.signIn('1001', '4321')).toEqual({ ok: false, error: 'inactive' });
      expect(directory.idForBadge('LW:A:1001-7F3K')).toBe('1001');
      expect((await directory.signIn('1002', '24681357')).ok).toBe(true);
    } finally {
      store.close();
    }

    const [enabled, noSuch] = await Promise.all([
      lanewise(['store', 'assistants', 'enable', '1001', '--catalog', catalog]),
      lanewise(['store', 'assistants', 'disable', '4040', '--catalog', catalog]),
    ]);
    expect(enabled).toMatchObject({ code: 0, stdout: 'assistant 1001 enabled\n' });
    expect(noSuch).toMatchObject({ code: 1, stdout: 'no assistant 4040\n' });

    const replaced = await lanewise(['store', 'assistants', 'add', '--catalog', catalog, '--id', '1001', '--name', 'Anna Bērziņa', '--pin-stdin'], { stdin: '5555\n' });
    expect(replaced).toMatchObject({ code: 0, stdout: 'replaced assistant 1001 (Anna Bērziņa, assistant)\n' });
  });

  it('takes a PIN only from stdin, refuses a bad one without echoing it, and needs an existing catalogue', { timeout: spawnTimeout }, async () => {
    const add = ['store', 'assistants', 'add', '--catalog', catalog, '--id', '1003', '--name', 'Mara'];
    const [noPinStdin, badPin, noPin, badBadge, badRole, noCatalog] = await Promise.all([
      lanewise(add, { stdin: '1234\n' }),
      lanewise([...add, '--pin-stdin'], { stdin: '777\n' }),
      lanewise([...add, '--pin-stdin']),
      lanewise([...add, '--pin-stdin', '--badge', 'SECRET-77'], { stdin: '1234\n' }),
      lanewise([...add, '--pin-stdin', '--role', 'manager'], { stdin: '1234\n' }),
      lanewise(['store', 'assistants', 'list', '--catalog', join(dir.path, 'missing.sqlite')]),
    ]);
    expect(noPinStdin.code).toBe(2);
    expect(noPinStdin.stderr).toMatch(/^lanewise: give the PIN on stdin with --pin-stdin/);
    expect(badPin).toMatchObject({ code: 2, stdout: '', stderr: 'lanewise: a PIN is 4 to 8 digits\n' });
    expect(noPin).toMatchObject({ code: 2, stderr: 'lanewise: no PIN on stdin\n' });
    expect(badBadge.code).toBe(2);
    expect(badBadge.stderr).toMatch(/^lanewise: a badge code is LW:A:/);
    expect(badBadge.stderr).not.toContain('SECRET');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('manager');
    expect(noCatalog).toMatchObject({ code: 2, stderr: `lanewise: no catalogue at ${join(dir.path, 'missing.sqlite')}\n` });

    const listed = await lanewise(['store', 'assistants', 'list', '--catalog', catalog, '--json']);
    expect(json<ListedAssistant[]>(listed).map((assistant) => assistant.id)).not.toContain('1003');
  });

  it('uses the demo store’s catalogue by default, with the demo assistants in it', { timeout: spawnTimeout }, async () => {
    const demoDir = makeTempDir();
    try {
      const run = await lanewise(['store', 'assistants', 'list', '--json'], { env: { LANEWISE_DEMO_DIR: demoDir.path } });
      expect(run.code).toBe(0);
      expect(json<ListedAssistant[]>(run)).toEqual(demoAssistants.map(({ id, name, role }) => ({ id, name, role, active: true, hasBadge: true })));
    } finally {
      demoDir.remove();
    }
  });
  it('keeps the master list at the store server with --store, and a lane that syncs it signs the assistant in', { timeout: spawnTimeout }, async () => {
    const store = join(dir.path, 'store');
    const added = await lanewise(['store', 'assistants', 'add', '--store', store, '--id', '1003', '--name', 'Ilze', '--badge', 'LW:A:1003-Q9Z2', '--pin-stdin'], { stdin: '9753\n' });
    expect(added).toMatchObject({ code: 0, stdout: 'added assistant 1003 (Ilze, assistant, badge) at the store; catalogue version 1\n' });
    const listed = json<ListedAssistant[]>(await lanewise(['store', 'assistants', 'list', '--store', store, '--json']));
    expect(listed).toEqual([{ id: '1003', name: 'Ilze', role: 'assistant', active: true, hasBadge: true }]);
    expect(await lanewise(['store', 'assistants', 'disable', '1003', '--store', store])).toMatchObject({ code: 0 });
    expect(await lanewise(['store', 'assistants', 'disable', '9999', '--store', store])).toMatchObject({ code: 1 });

    // A lane applies the store's catalogue: the PIN works there, and only as long as the assistant is active.
    const backend = await openStoreBackend(store);
    const delta = await backend.changesSince(0);
    await backend.close();
    if (delta.kind !== 'delta') throw new Error('expected a delta');
    const laneCatalog = join(dir.path, 'lane-catalog.sqlite');
    CatalogStore.open(laneCatalog).close();
    const outcome = await applyCatalogUpdate(laneCatalog, { kind: 'delta', delta });
    expect(outcome).toMatchObject({ ok: true });
    const lane = CatalogStore.open(laneCatalog);
    try {
      const directory = new AssistantDirectory(lane.db);
      expect(await directory.signIn('1003', '9753')).toMatchObject({ ok: false, error: 'inactive' });
      expect(directory.list()).toEqual([{ id: '1003', name: 'Ilze', role: 'assistant', active: false, hasBadge: true }]);
    } finally {
      lane.close();
    }
  });
});
