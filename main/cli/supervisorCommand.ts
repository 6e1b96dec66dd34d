import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { minorToDecimalString } from '../../shared/money';
import { supervisorLanePath } from '../../shared/supervisor/protocol';
import type { Report, ReportRequest } from '../../shared/supervisor/stationService';
import type { Db } from '../db/database';
import { createLogger } from '../log/logger';
import { AuditLog } from '../supervisor/auditLog';
import { auditCsv, reportCsv } from '../supervisor/csvExport';
import { hubDatabasePath, openHubDatabase } from '../supervisor/hubDatabase';
import { startSupervisorHub } from '../supervisor/hubServer';
import { LaneRegistry, type RegisteredLane } from '../supervisor/laneRegistry';
import { buildReport, checkShifts, defaultShifts } from '../supervisor/reports';
import { ensureRendererBuilt } from './rendererBuild';

/** What `add-lane` prints: the part of a lane's configuration file that connects it to the hub. */
export interface LaneSupervisorSnippet {
  readonly supervisor: { readonly url: string; readonly laneSecret: string };
}

export const defaultHubPort = 8100;

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new Error(`--port: ${value} is not a port number (0 to 65535)`);
  return port;
}

function parseShifts(value: string): number[] {
  const hours = value.split(',').map((part) => Number(part.trim()));
  return [...checkShifts(hours)];
}

function parseTime(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new Error(`${option}: ${value} is not a date or time (ISO 8601, e.g. 2025-03-04 or 2025-03-04T14:00:00+02:00)`);
  return at;
}

/** A lane's supervisor URL as its configuration accepts it: ws:// or wss://, ending with the hub's lane path. */
function checkLaneUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--url: ${value} is not a URL`);
  }
  if ((url.protocol !== 'ws:' && url.protocol !== 'wss:') || url.pathname !== supervisorLanePath) throw new Error(`--url: ${value} is not ws(s)://host:port/lane`);
  return url.href;
}

/** The hub's database in `dataDir`; only `add-lane` may create one (a typo elsewhere should not start an empty hub). */
function withHubDatabase<T>(dataDir: string, create: boolean, use: (db: Db) => T): T {
  const path = hubDatabasePath(resolve(dataDir));
  if (!create && !existsSync(path)) throw new Error(`no supervisor hub database at ${path}`);
  const db = openHubDatabase(path);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)} %`);
const seconds = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);

function reportText(report: Report): string {
  const request = report.request;
  const title = request.kind === 'day' ? `Day ${request.date}` : `Shift ${request.shift}:00 on ${request.date}`;
  const total = report.currency ? `${minorToDecimalString(report.salesTotalMinor, report.currency)} ${report.currency}` : '0';
  const kinds = Object.entries(report.interventionCounts).map(([kind, count]) => `${kind} ${count}`);
  return [
    `${title} (${new Date(report.from).toISOString()} – ${new Date(report.to).toISOString()})`,
    `Sales:             ${report.sales} (completed ${report.completedSales}, abandoned ${report.abandonedSales}, cancelled ${report.cancelledSales}), total ${total}`,
    `Self-service rate: ${percent(report.selfServiceRate)}`,
    `Interventions:     ${report.interventions}${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}`,
    `Average wait:      ${seconds(report.averageWaitMs)}`,
    `Time per item:     ${seconds(report.averageTimePerItemMs)}`,
    '',
  ].join('\n');
}

function laneLine(lane: RegisteredLane): string {
  return `${lane.laneId.padEnd(16)}  ${lane.disabled ? 'disabled' : 'enabled '}  since ${new Date(lane.createdAt).toISOString()}`;
}

/**
 * `lanewise supervisor`: runs the supervisor hub (the default), and store IT's tools for it: lanes
 * and their secrets, the audit trail and the reports, read from the hub's database.
 */
export function registerSupervisorCommands(program: Command, setExitCode: (code: number) => void): void {
  const supervisor = program.command('supervisor').description('the supervisor station: the hub lanes connect to, its lanes, audit trail and reports');
  const dataDirOption = () => new Option('--data-dir <dir>', 'the hub’s data folder (its database holds the lanes’ secrets)').makeOptionMandatory();

  supervisor
    .command('run', { isDefault: true })
    .description('run the hub: the station page and the endpoint lanes connect to; until SIGINT/SIGTERM')
    .addOption(dataDirOption())
    .requiredOption('--catalog <file>', 'the store catalogue (its assistants sign in at the station)')
    .option('--host <address>', 'address to listen on (0.0.0.0: the whole store network; use TLS then)', '127.0.0.1')
    .option('--port <port>', 'port (0: any free port)', parsePort, defaultHubPort)
    .option('--tls-cert <file>', 'the store’s certificate (PEM): serve HTTPS and wss://')
    .option('--tls-key <file>', 'its private key (PEM)')
    .option('--shifts <hours>', 'shift start hours for reports, e.g. 6,14,22', parseShifts, [...defaultShifts])
    .option('--static-dir <dir>', 'serve this built renderer instead of the checkout’s dist/renderer (built if stale)')
    .option('--ready-json', 'print one JSON line {"event":"ready",…} on stdout when ready (for supervisors)')
    .action(
      async (options: { dataDir: string; catalog: string; host: string; port: number; tlsCert?: string; tlsKey?: string; shifts: number[]; staticDir?: string; readyJson?: boolean }) => {
        if (Boolean(options.tlsCert) !== Boolean(options.tlsKey)) throw new Error('--tls-cert and --tls-key go together');
        const dataDir = resolve(options.dataDir);
        const staticDir = options.staticDir ? resolve(options.staticDir) : await ensureRendererBuilt();
        const log = createLogger({ file: join(dataDir, 'logs', 'supervisor.jsonl'), bindings: { component: 'supervisor' } });
        const hub = await startSupervisorHub({
          dataDir,
          catalogFile: resolve(options.catalog),
          host: options.host,
          port: options.port,
          staticDir,
          tls: options.tlsCert && options.tlsKey ? { certFile: resolve(options.tlsCert), keyFile: resolve(options.tlsKey) } : undefined,
          shifts: options.shifts,
          log,
        });
        // As a lane: a bug must not leave a half-working hub; log it and exit for a clean restart (lanes sell on meanwhile).
        process.on('uncaughtException', (error) => {
          log.error({ error: String(error), stack: error.stack }, 'uncaught exception; exiting for a clean restart');
          log.flush();
          process.exit(70);
        });
        process.on('unhandledRejection', (reason) => log.error({ error: String(reason) }, 'unhandled promise rejection'));
        if (options.readyJson) {
          process.stdout.write(`${JSON.stringify({ event: 'ready', url: hub.url, laneUrl: hub.laneUrl, pid: process.pid })}\n`);
        } else {
          process.stdout.write(`Supervisor station: ${hub.url}\nLanes connect to:   ${hub.laneUrl}\n`);
        }
        await new Promise<void>((done) => {
          process.once('SIGINT', () => done());
          process.once('SIGTERM', () => done());
        });
        await hub.close();
        log.flush();
        setExitCode(0);
      },
    );

  supervisor
    .command('add-lane')
    .description('provision a lane: prints the "supervisor" part of its configuration, with its new secret')
    .argument('<laneId>', 'the lane’s id, as in its configuration (letters, digits, - or _, at most 16)')
    .addOption(dataDirOption())
    .option('--url <laneUrl>', 'where the lane finds the hub', `ws://127.0.0.1:${defaultHubPort}${supervisorLanePath}`)
    .option('--rotate', 'the lane exists: give it a new secret (the old one stops working)')
    .action((laneId: string, options: { dataDir: string; url: string; rotate?: boolean }) => {
      const url = checkLaneUrl(options.url);
      const added = withHubDatabase(options.dataDir, true, (db) => new LaneRegistry(db).addLane(laneId, { rotate: options.rotate }));
      if (!added.ok) {
        if (added.error === 'invalidLaneId') throw new Error(`${laneId} is not a lane id (letters, digits, - or _, at most 16)`);
        process.stderr.write(`lanewise: lane ${laneId} already exists; --rotate gives it a new secret\n`);
        setExitCode(1);
        return;
      }
      const snippet: LaneSupervisorSnippet = { supervisor: { url, laneSecret: added.value } };
      process.stdout.write(`${JSON.stringify(snippet)}\n`);
      process.stderr.write(`Keep this secret: anyone who has it can connect as lane ${laneId}. Put it only in that lane's configuration file.\n`);
      setExitCode(0);
    });

  supervisor
    .command('lanes')
    .description('the provisioned lanes (no secrets); exit status 1 when there are none')
    .addOption(dataDirOption())
    .option('--json', 'print a JSON array')
    .action((options: { dataDir: string; json?: boolean }) => {
      const lanes = withHubDatabase(options.dataDir, false, (db) => new LaneRegistry(db).listLanes());
      if (options.json) process.stdout.write(`${JSON.stringify(lanes)}\n`);
      else process.stdout.write(lanes.length === 0 ? 'no lanes\n' : `${lanes.map(laneLine).join('\n')}\n`);
      setExitCode(lanes.length > 0 ? 0 : 1);
    });

  for (const [name, description, change] of [
    ['remove-lane', 'forget a lane and its secret (its audit trail stays)', (registry: LaneRegistry, laneId: string) => registry.removeLane(laneId)],
    ['disable-lane', 'refuse a lane’s connections until enabled again (a running hub drops it within 15 s)', (registry: LaneRegistry, laneId: string) => registry.disableLane(laneId)],
    ['enable-lane', 'let a disabled lane connect again', (registry: LaneRegistry, laneId: string) => registry.disableLane(laneId, false)],
  ] as const) {
    supervisor
      .command(name)
      .description(`${description}; exit status 1 when there is no such lane`)
      .argument('<laneId>')
      .addOption(dataDirOption())
      .action((laneId: string, options: { dataDir: string }) => {
        const found = withHubDatabase(options.dataDir, false, (db) => change(new LaneRegistry(db), laneId));
        process.stdout.write(found ? `lane ${laneId}: ${name.replace('-lane', 'd')}\n` : `no lane ${laneId}\n`);
        setExitCode(found ? 0 : 1);
      });
  }

  supervisor
    .command('audit')
    .description('the audit trail, oldest first: who did what, where, and how it ended')
    .addOption(dataDirOption())
    .option('--from <time>', 'from this date or time (ISO 8601), inclusive')
    .option('--to <time>', 'until this date or time (ISO 8601), exclusive')
    .option('--csv', 'print CSV (for a spreadsheet)')
    .option('--json', 'print a JSON array')
    .action((options: { dataDir: string; from?: string; to?: string; csv?: boolean; json?: boolean }) => {
      const from = parseTime('--from', options.from, 0);
      const to = parseTime('--to', options.to, Number.MAX_SAFE_INTEGER);
      const entries = withHubDatabase(options.dataDir, false, (db) => new AuditLog(db).between(from, to));
      if (options.csv) process.stdout.write(auditCsv(entries));
      else if (options.json) process.stdout.write(`${JSON.stringify(entries)}\n`);
      else
        for (const entry of entries) {
          const who = entry.assistantId ? `${entry.assistantId}${entry.assistantName ? ` ${entry.assistantName}` : ''}${entry.role ? ` (${entry.role})` : ''}` : '—';
          const where = [entry.laneId && `lane ${entry.laneId}`, entry.saleId && `sale ${entry.saleId}`].filter(Boolean).join(' ');
          process.stdout.write(`${new Date(entry.at).toISOString()}  ${entry.action} ${entry.outcome}  ${who}  ${where}  via ${entry.via}${entry.reason ? `  reason: ${entry.reason}` : ''}\n`);
        }
      setExitCode(0);
    });

  supervisor
    .command('report')
    .description('a day’s or a shift’s figures (local time of this machine; TZ respected)')
    .addOption(dataDirOption())
    .requiredOption('--date <date>', 'the local date, YYYY-MM-DD')
    .option('--shift <hour>', 'the shift starting at this hour (one of --shifts); the whole day without')
    .option('--shifts <hours>', 'the store’s shift start hours', parseShifts, [...defaultShifts])
    .option('--csv', 'print CSV (for a spreadsheet)')
    .option('--json', 'print the report as JSON')
    .action((options: { dataDir: string; date: string; shift?: string; shifts: number[]; csv?: boolean; json?: boolean }) => {
      if (options.shift !== undefined && !/^\d{1,2}$/.test(options.shift)) throw new Error(`--shift: ${options.shift} is not an hour`);
      const request: ReportRequest = options.shift === undefined ? { kind: 'day', date: options.date } : { kind: 'shift', date: options.date, shift: Number(options.shift) };
      const report = withHubDatabase(options.dataDir, false, (db) => buildReport(db, request, { shifts: options.shifts }));
      if (options.csv) process.stdout.write(reportCsv(report));
      else if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else process.stdout.write(reportText(report));
      setExitCode(0);
    });
}
