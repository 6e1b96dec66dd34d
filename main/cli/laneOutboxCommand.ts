import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ConfigError, lanePaths, type LaneConfig } from '../config/laneConfig';
import { loadLaneTerminalConfig } from '../config/terminalConfig';
import { Journal } from '../lane/journal';
import { defaultOutboxLimits } from '../lane/storeLink/salesUploader';

/** What `lane outbox status --json` prints. */
export interface OutboxStatusReport {
  readonly laneId: string;
  readonly journal: string;
  /** The store server the lane sends its sales to; null when none is configured (sales stay on the lane). */
  readonly store: string | null;
  /** Sales waiting for the uploader (flagged ones are counted in `flagged`). */
  readonly unsent: number;
  /** When the oldest of them closed (lane clock, ms since the epoch), and how long ago that is. */
  readonly oldestUnsentAt: number | null;
  readonly oldestUnsentAgeSeconds: number | null;
  /** Sales the store will not take as they are: kept, not resent until `lane outbox retry`. */
  readonly flagged: number;
  /** Sales the store has, still kept on the lane until they are pruned (`store.outbox.keepSentDays`). */
  readonly sentKept: number;
  /** The backlog is past the lane's early-alert limits (`store.outbox` in its configuration), as the lane judges it. */
  readonly alert: boolean;
}

/** One row of `lane outbox flagged --json`. */
export type FlaggedSaleReport = ReturnType<Journal['flaggedSales']>[number];

/**
 * What `lane outbox export` writes: the sale as the uploader sends it (the store keeps the same
 * fields, `StoredSale`), so the two can be compared digest to digest.
 */
export interface ExportedSale {
  readonly laneId: string;
  readonly saleId: string;
  readonly epoch: string;
  readonly number: number;
  readonly status: 'completed' | 'cancelled';
  readonly closedAt: number;
  readonly totalMinor: number;
  /** SHA-256 (hex) of `payload`, as uploaded. */
  readonly digest: string;
  /** The closed sale as JSON text, exactly as journaled and uploaded. */
  readonly payload: string;
  /** Where it stands on the lane. */
  readonly outbox: { readonly sentAt: number | null; readonly flag: 'conflict' | 'invalid' | null; readonly flaggedAt: number | null; readonly flagDetail: string | null };
}

/** The `lane` command's own options, which these subcommands share (`--config` is given once, before or after them). */
interface LaneOptions {
  readonly config: string;
  readonly readyJson?: boolean;
}

const iso = (at: number) => new Date(at).toISOString();

/** A short human age: "40 s", "12 min", "5 h 3 min", "3 d 4 h". */
function ageText(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.floor(ms / 1000)} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!/^\d+$/u.test(value) || limit < 1 || limit > 100_000) throw new Error(`--limit: ${value} is not a number from 1 to 100000`);
  return limit;
}

/** As the uploader sends it: the sale id is `<laneId>-<epoch>-<number>`, the epoch the part before the number. */
function epochOf(saleId: string, laneId: string): string {
  if (!saleId.startsWith(`${laneId}-`)) return '';
  return /^(.+)-\d+$/u.exec(saleId.slice(laneId.length + 1))?.[1] ?? '';
}

/**
 * Opens the lane's journal for one command, with its normal open (WAL, a busy timeout): a running
 * lane keeps selling meanwhile. A configuration error exits 78, as `lane` does; a missing journal
 * is an error rather than a new empty one, so a wrong file says so.
 */
async function withLaneJournal(command: Command, setExitCode: (code: number) => void, use: (journal: Journal, config: LaneConfig, path: string) => void | Promise<void>): Promise<void> {
  const options = command.optsWithGlobals<LaneOptions>();
  if (options.readyJson) throw new Error('--ready-json is for running a lane, not for `lane outbox`');
  let config: LaneConfig;
  try {
    config = loadLaneTerminalConfig(options.config).lane;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`lanewise: invalid lane configuration ${error.message}\n`);
    setExitCode(78); // EX_CONFIG
    return;
  }
  const path = lanePaths(config).journal;
  if (!existsSync(path)) throw new Error(`no journal at ${path}: lane ${config.laneId} has not run with this configuration on this terminal`);
  let journal: Journal;
  try {
    journal = Journal.open(path);
  } catch (error) {
    throw new Error(`cannot open the journal ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    await use(journal, config, path);
  } finally {
    journal.close();
  }
}

function statusReport(journal: Journal, config: LaneConfig, path: string, now: number): OutboxStatusReport {
  // One read transaction: the figures agree with each other even while the lane writes.
  const { backlog, sentKept } = journal.db.transaction(() => ({ backlog: journal.outboxBacklog(), sentKept: journal.sentSalesKept() }))();
  const ageMs = backlog.oldestUnsentAt === null ? null : Math.max(0, now - backlog.oldestUnsentAt);
  const limits = config.store?.outbox ?? defaultOutboxLimits;
  return {
    laneId: config.laneId,
    journal: path,
    store: config.store?.url ?? null,
    unsent: backlog.unsent,
    oldestUnsentAt: backlog.oldestUnsentAt,
    oldestUnsentAgeSeconds: ageMs === null ? null : Math.floor(ageMs / 1000),
    flagged: backlog.flagged,
    sentKept,
    alert: backlog.unsent >= limits.alertAfterSales || (ageMs !== null && ageMs >= limits.alertAfterHours * 3_600_000),
  };
}

function statusText(report: OutboxStatusReport, configFile: string): string {
  const lines = [`lane ${report.laneId} outbox (${report.journal})`];
  lines.push(report.store === null ? 'store link: none configured; sales stay on this lane' : `store link: ${report.store}`);
  const oldest =
    report.oldestUnsentAt === null ? '' : ` (oldest closed ${ageText((report.oldestUnsentAgeSeconds ?? 0) * 1000)} ago, ${iso(report.oldestUnsentAt)})`;
  lines.push(`unsent:     ${report.unsent}${oldest}${report.alert ? ' ALERT: past the lane’s backlog limits' : ''}`);
  lines.push(`flagged:    ${report.flagged}${report.flagged > 0 ? ` (see: lanewise lane outbox flagged --config ${configFile})` : ''}`);
  lines.push(`sent, kept: ${report.sentKept}`);
  return `${lines.join('\n')}\n`;
}

function exportedSale(row: NonNullable<ReturnType<Journal['outboxSale']>>, laneId: string): ExportedSale {
  return {
    laneId,
    saleId: row.saleId,
    epoch: epochOf(row.saleId, laneId),
    number: row.saleNumber,
    status: row.status,
    closedAt: row.closedAt,
    totalMinor: row.totalMinor,
    digest: createHash('sha256').update(row.payload, 'utf8').digest('hex'),
    payload: row.payload,
    outbox: { sentAt: row.sentAt, flag: row.flag, flaggedAt: row.flaggedAt, flagDetail: row.flagDetail },
  };
}

/**
 * `lanewise lane outbox …`: store IT's view of a lane's sales out (issue 6). Subcommands of `lane`,
 * sharing its `--config`; `lane --config x` alone still runs the lane. Exit status: 0 done, 1 a
 * "no" answer (nothing flagged, an id that is not in the outbox or not flagged), 2 could not run,
 * 78 a bad configuration.
 */
export function registerLaneOutboxCommands(lane: Command, setExitCode: (code: number) => void): void {
  const outbox = lane
    .command('outbox')
    .description('the lane’s finished sales waiting for the store, and the ones the store would not take (safe while the lane runs)')
    .configureHelp({ showGlobalOptions: true });

  outbox
    .command('status')
    .description('unsent sales and the oldest one’s age, flagged sales, sent sales still kept')
    .option('--json', 'print a JSON object')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withLaneJournal(command, setExitCode, (journal, config, path) => {
        const report = statusReport(journal, config, path, Date.now());
        process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : statusText(report, command.optsWithGlobals<LaneOptions>().config));
        setExitCode(0);
      });
    });

  outbox
    .command('flagged')
    .description('sales the store will not take as they are (conflict: it holds another sale with that id; invalid: it refused it), oldest first; exit status 1 when there are none')
    .option('--json', 'print a JSON array')
    .option('--limit <n>', 'at most this many', parseLimit, 100)
    .action(async (options: { json?: boolean; limit: number }, command: Command) => {
      await withLaneJournal(command, setExitCode, (journal) => {
        const { flagged, total } = journal.db.transaction(() => ({ flagged: journal.flaggedSales(options.limit), total: journal.outboxBacklog().flagged }))();
        if (options.json) process.stdout.write(`${JSON.stringify(flagged)}\n`);
        else if (flagged.length === 0) process.stdout.write('no flagged sales\n');
        else {
          for (const sale of flagged) {
            process.stdout.write(`${sale.saleId}  no. ${sale.saleNumber}  ${sale.flag.padEnd(8)}  ${iso(sale.flaggedAt)}  ${sale.detail ?? ''}\n`);
          }
          if (total > flagged.length) process.stdout.write(`… the first ${flagged.length} of ${total}; see more with --limit\n`);
        }
        setExitCode(flagged.length > 0 ? 0 : 1);
      });
    });

  outbox
    .command('retry')
    .description('put flagged sales back in the queue, once the store side is sorted out; exit status 1 (and nothing changed) when an id is not a flagged sale')
    .addOption(new Option('--sale <saleId...>', 'these flagged sales').conflicts('all'))
    .addOption(new Option('--all', 'every flagged sale').conflicts('sale'))
    .action(async (options: { sale?: string[]; all?: boolean }, command: Command) => {
      if (!options.all && !options.sale?.length) throw new Error('give --sale <saleId>… or --all');
      await withLaneJournal(command, setExitCode, (journal) => {
        const saleIds = options.sale ? [...new Set(options.sale)] : undefined;
        // Checked and changed in one write transaction, so a sale the lane flags or sends meanwhile is judged as it is.
        const outcome = journal.db
          .transaction((): { problems: string[] } | { retried: number } => {
            const problems = (saleIds ?? []).flatMap((saleId) => {
              const row = journal.outboxSale(saleId);
              if (!row) return [`${saleId}: not in this lane’s outbox (never closed here, or sent and since pruned)`];
              if (row.sentAt !== null) return [`${saleId}: already sent to the store (${iso(row.sentAt)})`];
              if (row.flag === null) return [`${saleId}: not flagged (it is in the queue already)`];
              return [];
            });
            return problems.length > 0 ? { problems } : { retried: journal.unflagSales(saleIds) };
          })
          .immediate();
        if ('problems' in outcome) {
          process.stderr.write(`lanewise: nothing was retried:\n${outcome.problems.map((problem) => `  - ${problem}\n`).join('')}`);
          setExitCode(1);
          return;
        }
        const sales = outcome.retried === 1 ? 'sale' : 'sales';
        process.stdout.write(
          outcome.retried === 0
            ? 'no flagged sales to retry\n'
            : `${outcome.retried} flagged ${sales} put back in the queue: the lane sends them with its next upload (when a sale closes, or when it starts)\n`,
        );
        setExitCode(0);
      });
    });

  outbox
    .command('export')
    .description('write one outbox sale as the lane uploads it (payload exactly as journaled, with its SHA-256 digest) to compare with the store’s; exit status 1 when it is not in the outbox')
    .requiredOption('--sale <saleId>', 'the sale')
    .option('--output <file>', 'write it to this new file (never overwritten) instead of stdout')
    .option('--payload-only', 'just the payload text, byte for byte (its SHA-256 is the digest)')
    .action(async (options: { sale: string; output?: string; payloadOnly?: boolean }, command: Command) => {
      await withLaneJournal(command, setExitCode, (journal, config) => {
        const row = journal.outboxSale(options.sale);
        if (!row) {
          process.stderr.write(`lanewise: ${options.sale} is not in lane ${config.laneId}’s outbox (never closed here, or sent and since pruned)\n`);
          setExitCode(1);
          return;
        }
        const sale = exportedSale(row, config.laneId);
        const text = options.payloadOnly ? sale.payload : `${JSON.stringify(sale, null, 2)}\n`;
        if (options.output === undefined) process.stdout.write(text);
        else {
          const file = resolve(options.output);
          try {
            // 'wx': a slip of the keyboard must not overwrite a file (the journal itself, say).
            writeFileSync(file, text, { encoding: 'utf8', flag: 'wx' });
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`--output: ${file} exists; give a new file`);
            throw error;
          }
          process.stdout.write(`sale ${sale.saleId} written to ${file} (sha256 ${sale.digest})\n`);
        }
        setExitCode(0);
      });
    });
}
