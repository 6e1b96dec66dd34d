import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import { AssistantDirectory, assistantRecord, type AssistantRole } from '../assistants/assistantDirectory';
import { openStoreBackend } from '../store/openStoreBackend';
import type { StoreBackend } from '../store/storeBackend';
import { storeAssistantSchema } from '../../shared/store/catalogEntities';
import { ensureDemoAssistants } from '../assistants/demoAssistants';
import { CatalogStore } from '../catalog/catalogStore';
import { ensureDemoCatalog } from '../catalog/ensureDemoCatalog';
import { defaultDemoDataDir } from './paths';
import { registerStoreServerCommands } from './storeServeCommand';
import { registerStoreUpdatesCommands } from './storeUpdatesCommand';

/** One assistant as `store assistants list --json` prints it: never a hash. */
export interface ListedAssistant {
  readonly id: string;
  readonly name: string;
  readonly role: AssistantRole;
  readonly active: boolean;
  readonly hasBadge: boolean;
}

const demoCatalog = join(defaultDemoDataDir, 'catalog.sqlite');

/**
 * The demo catalogue is built (with its assistants) on first use, as `catalog find` does; another
 * path must already be a catalogue, so a typo does not quietly start a new one.
 */
async function withDirectory<T>(path: string, use: (directory: AssistantDirectory) => T | Promise<T>): Promise<T> {
  if (path === demoCatalog) ensureDemoCatalog(path);
  else if (!existsSync(path)) throw new Error(`no catalogue at ${path}`);
  const store = CatalogStore.open(path);
  try {
    if (path === demoCatalog) await ensureDemoAssistants(store.db);
    return await use(new AssistantDirectory(store.db));
  } finally {
    store.close();
  }
}

/**
 * The first line of stdin. A PIN never comes from argv, where `ps` shows it to every user; typed at a
 * terminal it is not echoed.
 */
function readPin(input: NodeJS.ReadStream): Promise<string> {
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const lines = createInterface({ input, output: silent, terminal: Boolean(input.isTTY) });
  if (input.isTTY) process.stderr.write('PIN: ');
  return new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    lines.once('SIGINT', () => reject(new Error('cancelled')));
    lines.once('close', () => reject(new Error('no PIN on stdin')));
  }).finally(() => {
    lines.close();
    if (input.isTTY) process.stderr.write('\n');
  });
}

export function registerStoreCommands(program: Command, setExitCode: (code: number) => void): void {
  const store = program.command('store').description('the store server (master catalogue in, sales out) and store data kept in the lane’s catalogue');
  registerStoreServerCommands(store, setExitCode);
  registerStoreUpdatesCommands(store, setExitCode);
  const assistants = store.command('assistants').description('staff who may approve things at a lane, and how they sign in');
  const catalogOption = () => new Option('--catalog <path>', 'a lane’s catalogue database (without a store server)').default(demoCatalog, 'the demo store’s catalogue');
  // With a store server the master list is there: lanes get it with the catalogue, and a lane's own copy is replaced by the next sync.
  const storeOption = () => new Option('--store <dir or url>', 'the store server’s data folder or postgres:// URL: change the master list every lane syncs');

  assistants
    .command('add')
    .description('add an assistant, or replace the one with this number; the PIN is read from stdin')
    .requiredOption('--id <number>', 'assistant number, 1 to 10 digits')
    .requiredOption('--name <name>', 'name shown at the lane')
    .addOption(new Option('--role <role>', 'what they may approve').choices(['assistant', 'supervisor']).default('assistant'))
    .option('--badge <code>', 'staff badge code, LW:A:… (none: the assistant types their number)')
    .option('--pin-stdin', 'read the PIN (4 to 8 digits) from the first line of stdin')
    .addOption(catalogOption())
    .addOption(storeOption())
    .action(async (options: { id: string; name: string; role: AssistantRole; badge?: string; pinStdin?: boolean; catalog: string; store?: string }) => {
      if (!options.pinStdin) throw new Error('give the PIN on stdin with --pin-stdin (never in the command line, where ps shows it)');
      const pin = await readPin(process.stdin);
      if (options.store) {
        const record = await assistantRecord({ id: options.id, name: options.name, role: options.role, pin, badge: options.badge });
        await withStore(options.store, async (backend) => {
          const existed = (await storeAssistants(backend)).some((assistant) => assistant.id === options.id);
          const { version } = await backend.applyCatalogChanges([{ kind: 'assistant', key: record.id, value: record }], { source: 'lanewise store assistants add' });
          process.stdout.write(`${existed ? 'replaced' : 'added'} assistant ${options.id} (${options.name}, ${options.role}${options.badge ? ', badge' : ''}) at the store; catalogue version ${version}\n`);
        });
        setExitCode(0);
        return;
      }
      await withDirectory(options.catalog, async (directory) => {
        const existed = directory.list().some((assistant) => assistant.id === options.id);
        await directory.upsert({ id: options.id, name: options.name, role: options.role, pin, badge: options.badge });
        process.stdout.write(`${existed ? 'replaced' : 'added'} assistant ${options.id} (${options.name}, ${options.role}${options.badge ? ', badge' : ''})\n`);
      });
      setExitCode(0);
    });

  assistants
    .command('list')
    .description('everyone in the directory; exit status 1 when it is empty')
    .option('--json', 'print a JSON array')
    .addOption(catalogOption())
    .addOption(storeOption())
    .action(async (options: { json?: boolean; catalog: string; store?: string }) => {
      const listed: ListedAssistant[] = options.store
        ? await withStore(options.store, async (backend) =>
            (await storeAssistants(backend)).map(({ id, name, role, active, badgeHash }) => ({ id, name, role, active, hasBadge: badgeHash !== undefined })),
          )
        : await withDirectory(options.catalog, (directory) => directory.list());
      if (options.json) {
        process.stdout.write(`${JSON.stringify(listed)}\n`);
      } else if (listed.length === 0) {
        process.stdout.write('no assistants\n');
      } else {
        for (const assistant of listed) {
          const notes = [assistant.role, assistant.active ? 'active' : 'disabled', assistant.hasBadge ? 'badge' : 'no badge'];
          process.stdout.write(`${assistant.id.padEnd(10)}  ${assistant.name}  [${notes.join(', ')}]\n`);
        }
      }
      setExitCode(listed.length > 0 ? 0 : 1);
    });

  for (const [name, active] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    assistants
      .command(name)
      .description(`${active ? 'let an assistant sign in again' : 'stop an assistant signing in (their record stays)'}; exit status 1 when there is no such assistant`)
      .argument('<id>', 'assistant number')
      .addOption(catalogOption())
      .addOption(storeOption())
      .action(async (id: string, options: { catalog: string; store?: string }) => {
        const found = options.store
          ? await withStore(options.store, async (backend) => {
              const assistant = (await storeAssistants(backend)).find((each) => each.id === id);
              if (assistant) await backend.applyCatalogChanges([{ kind: 'assistant', key: id, value: { ...assistant, active } }], { source: `lanewise store assistants ${name}` });
              return assistant !== undefined;
            })
          : await withDirectory(options.catalog, (directory) => directory.setActive(id, active));
        process.stdout.write(found ? `assistant ${id} ${name}d\n` : `no assistant ${id}\n`);
        setExitCode(found ? 0 : 1);
      });
  }
}

async function withStore<T>(target: string, use: (backend: StoreBackend) => Promise<T>): Promise<T> {
  const backend = await openStoreBackend(target);
  try {
    return await use(backend);
  } finally {
    await backend.close();
  }
}

/** The store's assistants, by number as the directory lists them. */
async function storeAssistants(backend: StoreBackend) {
  const assistants = (await backend.liveEntities('assistant')).flatMap((entity) => {
    const parsed = storeAssistantSchema.safeParse(entity.value);
    return parsed.success ? [parsed.data] : [];
  });
  return assistants.sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
