import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, hostname, platform, release, tmpdir, type as osType, uptime, version as osVersion } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { create as createTar } from 'tar';
import type { DevicesConfig } from '../config/deviceConfig';
import { ConfigError, lanePaths } from '../config/laneConfig';
import { loadTerminalConfig, type TerminalConfig } from '../config/terminalConfig';
import { deviceInventory, type DeviceInventory } from '../devices/inventory';
import { checkDatabase, sqliteVersion, type DatabaseCheck } from './databaseCheck';
import { collectLogs, type LogCollection } from './logCollection';
import { redactSecrets, secretValuesIn } from './redact';
import { checkTerminalFiles, type TerminalFileChecks } from './terminalChecks';
import { summarizeTerminal, type TerminalSummary } from './terminalSummary';

/**
 * `lanewise diagnostics`: one .tar.gz store IT sends to support, with what support needs and
 * nothing a shopper, an assistant or the store would not want to leave the building: no PINs,
 * tokens, secrets (shown as "set") and no sale payloads (the databases are checked, not copied).
 *
 *   manifest.json   what is inside, when, the host, versions, every check's verdict
 *   config.json     the terminal's file as loaded (defaults filled in), secrets redacted; or, when
 *                   it is invalid, its problems and what could be read of it, redacted
 *   devices.json    serial ports and HID devices found (or why they could not be listed)
 *   databases.json  integrity and quick checks, page counts, the outbox backlog (lanes)
 *   logs/           recent logs, scrubbed line by line
 *
 * A failed check is recorded in the bundle, never fatal; only a bundle that cannot be written is.
 */

export interface DiagnosticsOptions {
  readonly configFile: string;
  /** The bundle to write (never overwritten); default: defaultBundleName() in the current folder. */
  readonly output?: string | undefined;
  /** Logs modified within this many hours. */
  readonly sinceHours: number;
  /** Total size of the logs in the bundle (uncompressed), newest first. Default 50 MB. */
  readonly maxLogBytes?: number;
  readonly lanewiseVersion: string;
  readonly now?: Date;
  /** How devices are listed (`lanewise devices list`); tests pass their own. */
  readonly inventory?: (devices: DevicesConfig | undefined) => Promise<DeviceInventory>;
  /** How long listing devices may take before it counts as failed. */
  readonly inventoryTimeoutMs?: number;
}

export interface DiagnosticsResult {
  readonly path: string;
  readonly bytes: number;
  /** Checks that failed (the bundle has the details); empty when everything was fine. */
  readonly problems: readonly string[];
  /** One line for the terminal. */
  readonly summary: string;
}

/** manifest.json */
export interface DiagnosticsManifest {
  readonly bundle: 'lanewise diagnostics';
  readonly format: 1;
  readonly createdAt: string;
  readonly host: { readonly hostname: string; readonly platform: string; readonly arch: string; readonly release: string; readonly uptimeSeconds: number };
  readonly versions: { readonly lanewise: string; readonly node: string; readonly electron: string | null; readonly os: string; readonly sqlite: string };
  readonly terminal: { readonly configFile: string; readonly role: 'lane' | 'supervisor' | null; readonly laneId: string | null };
  /** Every file in the bundle but this one, with its size. */
  readonly contents: readonly { readonly path: string; readonly bytes: number }[];
  readonly checks: {
    readonly config: { readonly valid: true; readonly errors: number; readonly warnings: number } | { readonly valid: false; readonly problems: number };
    readonly devices: { readonly listed: true; readonly serial: number; readonly hid: number } | { readonly listed: false; readonly error: string };
    readonly databases: Readonly<Record<string, 'ok' | 'failed' | 'missing'>>;
  };
  readonly logs: LogCollection | { readonly error: string };
  readonly problems: readonly string[];
  /** What a bundle never holds. */
  readonly excluded: string;
}

/** config.json */
export type BundledConfig =
  | { readonly file: string; readonly valid: true; readonly checks: TerminalFileChecks; readonly summary: TerminalSummary; readonly config: TerminalConfig }
  | { readonly file: string; readonly valid: false; readonly problems: readonly string[]; readonly content: unknown };

export class BundleWriteError extends Error {}

export const defaultMaxLogBytes = 50 * 1024 * 1024;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `lanewise-diagnostics-L01-host-20250330T101500Z.tar.gz`: says which terminal and when. */
export function defaultBundleName(terminal: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/gu, '').replace(/\.\d+Z$/u, 'Z');
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_-]+/gu, '-');
  return `lanewise-diagnostics-${safe(terminal)}-${safe(hostname())}-${stamp}.tar.gz`;
}

interface LoadedConfig {
  readonly config: TerminalConfig | undefined;
  /** The file's JSON as written, when it could be parsed (for secrets and an invalid file's content). */
  readonly raw: unknown;
  readonly problems: readonly string[];
}

function loadConfig(file: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    raw = undefined;
  }
  try {
    return { config: loadTerminalConfig(file), raw, problems: [] };
  } catch (error) {
    if (error instanceof ConfigError) return { config: undefined, raw, problems: error.problems };
    return { config: undefined, raw, problems: [messageOf(error)] };
  }
}

/** Where the logs are: the configuration's log folder, or a best guess from an invalid file. */
function logFolderOf(loaded: LoadedConfig, file: string): string | undefined {
  if (loaded.config) return loaded.config.logDir;
  const raw = loaded.raw as { logDir?: unknown; dataDir?: unknown } | undefined;
  if (typeof raw?.logDir === 'string') return resolve(dirname(file), raw.logDir);
  if (typeof raw?.dataDir === 'string') return resolve(dirname(file), raw.dataDir, 'logs');
  return undefined;
}

async function listDevices(options: DiagnosticsOptions, devices: DevicesConfig | undefined): Promise<{ inventory?: DeviceInventory; error?: string }> {
  const list = options.inventory ?? deviceInventory;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${(options.inventoryTimeoutMs ?? 15_000) / 1000} s`)), options.inventoryTimeoutMs ?? 15_000);
  });
  try {
    return { inventory: await Promise.race([list(devices), timeout]) };
  } catch (error) {
    return { error: messageOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

function writeJson(folder: string, name: string, value: unknown): void {
  writeFileSync(join(folder, name), `${JSON.stringify(value, null, 2)}\n`);
}

export async function writeDiagnosticsBundle(options: DiagnosticsOptions): Promise<DiagnosticsResult> {
  const now = options.now ?? new Date();
  const loaded = loadConfig(options.configFile);
  const { config } = loaded;
  const terminal = config?.role === 'lane' ? config.lane.laneId : (config?.role ?? 'terminal');
  const output = resolve(options.output ?? defaultBundleName(terminal, now));
  if (existsSync(output)) throw new BundleWriteError(`${output} already exists (a bundle is never overwritten)`);
  try {
    mkdirSync(dirname(output), { recursive: true });
  } catch (error) {
    throw new BundleWriteError(`cannot create ${dirname(output)}: ${messageOf(error)}`);
  }
  let staging: string;
  try {
    staging = mkdtempSync(join(tmpdir(), 'lanewise-diagnostics-'));
  } catch (error) {
    throw new BundleWriteError(`cannot create a working folder in ${tmpdir()}: ${messageOf(error)}`);
  }
  const problems: string[] = [];
  try {
    // Every credential the file holds, in any form, is scrubbed from the logs by value too.
    const secrets = [...new Set([...secretValuesIn(loaded.raw), ...secretValuesIn(config)])];
    if (!config) problems.push(`configuration invalid (${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'})`);
    const fileChecks = config ? checkTerminalFiles(config) : undefined;
    if (fileChecks?.errors.length) problems.push(`configuration will not start here (${fileChecks.errors.join('; ')})`);
    const bundledConfig: BundledConfig =
      config && fileChecks
        ? { file: options.configFile, valid: true, checks: fileChecks, summary: summarizeTerminal(config, now), config: redactSecrets(config) }
        : { file: options.configFile, valid: false, problems: loaded.problems, content: loaded.raw === undefined ? null : redactSecrets(loaded.raw) };
    writeJson(staging, 'config.json', bundledConfig);

    const devices = await listDevices(options, config?.role === 'lane' ? config.lane.devices : undefined);
    if (devices.error) problems.push(`device list failed (${devices.error})`);
    writeJson(staging, 'devices.json', devices.inventory ? { listedAt: new Date().toISOString(), ...devices.inventory } : { listedAt: new Date().toISOString(), error: devices.error });

    let databases: DatabaseCheck[] = [];
    if (config?.role === 'lane') {
      const paths = lanePaths(config.lane);
      databases = [checkDatabase('journal', paths.journal), checkDatabase('catalogue', paths.catalog)];
      for (const check of databases) if (!check.ok) problems.push(`${check.name} database check failed${check.error ? ` (${check.error})` : ''}`);
    }
    writeJson(staging, 'databases.json', { checkedAt: new Date().toISOString(), databases, ...(config?.role === 'lane' ? {} : { note: 'no lane databases on this terminal' }) });

    const folder = logFolderOf(loaded, options.configFile);
    mkdirSync(join(staging, 'logs'));
    const logs: LogCollection | { error: string } = folder
      ? await collectLogs({ folder, target: join(staging, 'logs'), sinceHours: options.sinceHours, capBytes: options.maxLogBytes ?? defaultMaxLogBytes, secrets, now })
      : { error: 'no log folder: the configuration could not be read' };
    if ('error' in logs && logs.error) problems.push(`logs not collected (${logs.error})`);

    let sqlite: string;
    try {
      sqlite = sqliteVersion();
    } catch (error) {
      sqlite = `unknown (${messageOf(error)})`;
    }
    const contents = ['config.json', 'devices.json', 'databases.json'].map((name) => ({ path: name, bytes: statSync(join(staging, name)).size }));
    const includedLogs = 'included' in logs ? logs.included : [];
    const manifest: DiagnosticsManifest = {
      bundle: 'lanewise diagnostics',
      format: 1,
      createdAt: now.toISOString(),
      host: { hostname: hostname(), platform: platform(), arch: arch(), release: release(), uptimeSeconds: Math.round(uptime()) },
      versions: { lanewise: options.lanewiseVersion, node: process.versions.node, electron: process.versions.electron ?? null, os: `${osType()} ${release()} (${osVersion()})`, sqlite },
      terminal: { configFile: options.configFile, role: config?.role ?? null, laneId: config?.role === 'lane' ? config.lane.laneId : null },
      contents: [...contents, ...includedLogs.map((log) => ({ path: `logs/${log.name}`, bytes: log.bytes }))],
      checks: {
        config: fileChecks ? { valid: true, errors: fileChecks.errors.length, warnings: fileChecks.warnings.length } : { valid: false, problems: loaded.problems.length },
        devices: devices.inventory ? { listed: true, serial: devices.inventory.serial.length, hid: devices.inventory.hid.length } : { listed: false, error: devices.error ?? 'unknown' },
        databases: Object.fromEntries(databases.map((check) => [check.name, !check.present ? 'missing' : check.ok ? 'ok' : 'failed'])),
      },
      logs,
      problems,
      excluded: 'PINs, tokens, secrets and passwords (shown as "set"), sale payloads and statechart snapshots; the databases are checked, not copied',
    };
    writeJson(staging, 'manifest.json', manifest);

    const partial = `${output}.partial-${process.pid}`;
    try {
      await createTar({ gzip: true, file: partial, cwd: staging, portable: true }, ['manifest.json', 'config.json', 'devices.json', 'databases.json', 'logs']);
      renameSync(partial, output);
    } catch (error) {
      rmSync(partial, { force: true });
      throw new BundleWriteError(`cannot write ${output}: ${messageOf(error)}`);
    }
    const bytes = statSync(output).size;
    const databaseText = databases.map((check) => `${check.name} ${!check.present ? 'missing' : check.ok ? 'ok' : 'FAILED'}`).join(', ');
    const summary = [
      config?.role === 'lane' ? `lane ${terminal}` : config ? 'supervisor terminal' : 'terminal',
      config ? 'config valid' : 'config INVALID',
      devices.error ? 'device list FAILED' : `${devices.inventory?.serial.length ?? 0} serial ports, ${devices.inventory?.hid.length ?? 0} HID devices`,
      `${includedLogs.length} log file${includedLogs.length === 1 ? '' : 's'}`,
      ...(databaseText ? [databaseText] : []),
    ].join('; ');
    return { path: output, bytes, problems, summary };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
