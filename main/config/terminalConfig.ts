import { readFileSync } from 'node:fs';
import { dirname, join, posix, resolve, win32 } from 'node:path';
import { z } from 'zod';
import { checkTimeZone } from '../supervisor/localTime';
import { caFileProblem, ConfigError, laneConfigSchema, resolveLanePaths, type LaneConfig } from './laneConfig';

/**
 * One file per terminal, outside the app: which role the terminal has (a lane, or a supervisor
 * station screen), and everything that role needs. A lane's file is the lane configuration
 * (laneConfig.ts) with a few optional top-level fields beside it, so every existing lane file
 * stays valid unchanged:
 *
 *   role          "lane" (the default) or "supervisor"
 *   openingHours  { timeZone, days: { "1"…"7": ["HH:MM","HH:MM"] | null } }, ISO weekdays (1 = Monday)
 *   updates       { url, channel: "pilot" | "stable", caFile? }: the store server's update feed
 *   logDir        where the logs go (a lane: <dataDir>/logs)
 *
 * A supervisor terminal's file is `{ "role": "supervisor", "stationUrl": …, … }`. Relative paths
 * are relative to the file. Every problem names its field: `openingHours.days.3: …`.
 */

export type TerminalRole = 'lane' | 'supervisor';

export interface OpeningHours {
  /** An IANA zone (Europe/Riga): the hours are local wall-clock times there, DST included. */
  readonly timeZone: string;
  /**
   * Per ISO weekday 1..7 (1 = Monday): [open "HH:MM", close "HH:MM"] or null (closed all day).
   * A close at or before the open (["18:00","02:00"]) closes after midnight, in the next day;
   * an equal pair (["00:00","00:00"]) is open 24 hours; "24:00" closes at the end of the day.
   */
  readonly days: Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', readonly [string, string] | null>;
}

export interface UpdatesConfig {
  /** The store server's update feed base, e.g. https://store.lan:8200/updates. */
  readonly url: string;
  readonly channel: 'pilot' | 'stable';
  /** The store's CA certificate (PEM) for an https:// feed; absolute once loaded. */
  readonly caFile?: string;
}

export interface LaneTerminalConfig {
  readonly role: 'lane';
  readonly lane: LaneConfig;
  readonly openingHours?: OpeningHours;
  readonly updates?: UpdatesConfig;
  readonly logDir: string;
}

export interface SupervisorTerminalConfig {
  readonly role: 'supervisor';
  /** The supervisor station's page on the hub, e.g. https://hub.store.lan:8100/station/. */
  readonly stationUrl: string;
  /** The store's CA certificate (PEM) for an https:// station; absolute once loaded. */
  readonly caFile?: string;
  readonly openingHours?: OpeningHours;
  readonly updates?: UpdatesConfig;
  readonly logDir: string;
}

export type TerminalConfig = LaneTerminalConfig | SupervisorTerminalConfig;

export const weekdays = ['1', '2', '3', '4', '5', '6', '7'] as const;
export type Weekday = (typeof weekdays)[number];

const clockTimePattern = /^(?:[01]\d|2[0-3]):[0-5]\d$/u;
const dayHoursError = 'expected ["HH:MM","HH:MM"] or null';

function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

const isHttpUrl = (text: string) => ['http:', 'https:'].includes(parsedUrl(text)?.protocol ?? '');

/** [open, close] in 24-hour "HH:MM"; the close may also be "24:00" (end of the day). */
const dayHoursSchema = z.custom<readonly [string, string] | null>(
  (value) =>
    value === null ||
    (Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      clockTimePattern.test(value[0]) &&
      typeof value[1] === 'string' &&
      (clockTimePattern.test(value[1]) || value[1] === '24:00')),
  { error: dayHoursError },
);

const openingHoursSchema = z
  .object({
    timeZone: z.string().refine(
      (zone) => {
        try {
          checkTimeZone(zone);
          return true;
        } catch {
          return false;
        }
      },
      { error: 'not a time zone this system knows: an IANA name such as Europe/Riga' },
    ),
    // Every day is written out: a forgotten day is a mistake, not "closed".
    days: z.object(Object.fromEntries(weekdays.map((day) => [day, dayHoursSchema])) as Record<Weekday, typeof dayHoursSchema>).strict(),
  })
  .strict();

const updatesSchema = z
  .object({
    url: z.string().refine(isHttpUrl, { error: 'an http:// or https:// address of the store server’s update feed, e.g. https://store.lan:8200/updates' }),
    /** Pilot lanes take a release first; the rest follow when it is promoted to stable. */
    channel: z.enum(['pilot', 'stable']).default('stable'),
    caFile: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((updates, context) => {
    if (updates.caFile !== undefined && parsedUrl(updates.url)?.protocol === 'http:') {
      context.addIssue({ code: 'custom', path: ['caFile'], message: 'a CA certificate is only used with an https:// address' });
    }
  });

/** What a terminal file may hold besides the role's own fields. */
const terminalFields = {
  openingHours: openingHoursSchema.optional(),
  updates: updatesSchema.optional(),
  logDir: z.string().min(1).optional(),
};

/** The lane's extra fields; the rest of the file is checked by laneConfigSchema, unchanged. */
const laneTerminalFieldsSchema = z.object({ role: z.literal('lane').optional(), ...terminalFields }).strict();
const terminalFieldNames = new Set(['role', ...Object.keys(terminalFields)]);

const supervisorTerminalSchema = z
  .object({
    role: z.literal('supervisor'),
    stationUrl: z.string().refine(isHttpUrl, { error: 'an http:// or https:// address of the supervisor station, e.g. https://hub.store.lan:8100/station/' }),
    caFile: z.string().min(1).optional(),
    ...terminalFields,
  })
  .strict()
  .superRefine((terminal, context) => {
    if (terminal.caFile !== undefined && parsedUrl(terminal.stationUrl)?.protocol === 'http:') {
      context.addIssue({ code: 'custom', path: ['caFile'], message: 'a CA certificate is only used with an https:// address' });
    }
  });

type Issue = { readonly path: readonly PropertyKey[]; readonly message: string };
const problemText = (issue: Issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(top level)'}: ${issue.message}`;

/**
 * Where the terminal's file is: LANEWISE_CONFIG when set; otherwise /etc/lanewise/lane.json, or
 * %ProgramData%\Lanewise\lane.json on Windows.
 */
export function defaultTerminalConfigPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const path = platform === 'win32' ? win32 : posix;
  if (env.LANEWISE_CONFIG) return path.resolve(env.LANEWISE_CONFIG);
  if (platform === 'win32') return win32.join(programData(env), 'Lanewise', 'lane.json');
  return '/etc/lanewise/lane.json';
}

function programData(env: NodeJS.ProcessEnv): string {
  return env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData';
}

/**
 * Where a terminal logs when its file does not say: a lane beside its data (`<dataDir>/logs`, where
 * the lane has always logged); a supervisor terminal, which has no data folder, in the system's
 * log folder.
 */
export function defaultLogDir(role: TerminalRole, lane: Pick<LaneConfig, 'dataDir'> | undefined, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  // The folder of lanePaths().log, left relative when the data folder is.
  if (role === 'lane' && lane) return join(lane.dataDir, 'logs');
  return platform === 'win32' ? win32.join(programData(env), 'Lanewise', 'logs') : '/var/log/lanewise';
}

/**
 * Validates a terminal file's content (paths left as written). Every problem at once, each naming
 * its field; a lane's own fields keep laneConfig.ts's paths (`devices.scanner.path: …`).
 */
export function parseTerminalConfig(value: unknown, file = 'terminal configuration'): TerminalConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(file, ['(top level): expected a JSON object']);
  const record = value as Record<string, unknown>;
  if (record.role === 'supervisor') {
    const result = supervisorTerminalSchema.safeParse(record);
    if (!result.success) throw new ConfigError(file, result.error.issues.map(problemText));
    const { logDir, ...rest } = result.data;
    return { ...rest, logDir: logDir ?? defaultLogDir('supervisor', undefined) };
  }
  if (record.role !== undefined && record.role !== 'lane') throw new ConfigError(file, ['role: expected "lane" or "supervisor"']);

  const terminalPart = Object.fromEntries(Object.entries(record).filter(([key]) => terminalFieldNames.has(key)));
  const lanePart = Object.fromEntries(Object.entries(record).filter(([key]) => !terminalFieldNames.has(key)));
  const terminal = laneTerminalFieldsSchema.safeParse(terminalPart);
  const lane = laneConfigSchema.safeParse(lanePart);
  const problems = [...(terminal.success ? [] : terminal.error.issues), ...(lane.success ? [] : lane.error.issues)].map(problemText);
  if (!terminal.success || !lane.success) throw new ConfigError(file, problems);
  const { openingHours, updates, logDir } = terminal.data;
  return {
    role: 'lane',
    lane: lane.data,
    ...(openingHours ? { openingHours } : {}),
    ...(updates ? { updates } : {}),
    logDir: logDir ?? defaultLogDir('lane', lane.data),
  };
}

/**
 * Reads, validates and resolves the terminal's file (relative paths against the file's folder);
 * a CA file that cannot be read is a configuration error now, as for the lane. Throws ConfigError
 * listing every problem.
 */
export function loadTerminalConfig(file: string = defaultTerminalConfigPath()): TerminalConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [code === 'ENOENT' ? '(file): no such file (give --config <file>, or set LANEWISE_CONFIG)' : `(file): cannot read: ${code ?? (error as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`(file): not valid JSON: ${(error as Error).message}`]);
  }
  const config = parseTerminalConfig(raw, file);
  const base = dirname(file);
  const absolute = (path: string) => resolve(base, path);
  const absoluteCaFile = (caFile: string | undefined) => (caFile === undefined ? {} : { caFile: absolute(caFile) });
  const explicitLogDir = typeof (raw as { logDir?: unknown }).logDir === 'string';
  const updates = config.updates && { ...config.updates, ...absoluteCaFile(config.updates.caFile) };

  let resolved: TerminalConfig;
  if (config.role === 'supervisor') {
    resolved = { ...config, ...absoluteCaFile(config.caFile), ...(updates ? { updates } : {}), logDir: explicitLogDir ? absolute(config.logDir) : config.logDir };
  } else {
    const resolvedLane = resolveLanePaths(config.lane, base);
    resolved = {
      ...config,
      lane: resolvedLane,
      ...(updates ? { updates } : {}),
      // The default follows the resolved data folder.
      logDir: explicitLogDir ? absolute(config.logDir) : defaultLogDir('lane', resolvedLane),
    };
  }
  const caProblems = caFilesOf(resolved).flatMap(({ field, path }) => caFileProblem(field, path) ?? []);
  if (caProblems.length) throw new ConfigError(file, caProblems);
  return resolved;
}

/** A lane terminal's file (for the commands that run or inspect a lane); a supervisor terminal's file is a ConfigError. */
export function loadLaneTerminalConfig(file: string = defaultTerminalConfigPath()): LaneTerminalConfig {
  const config = loadTerminalConfig(file);
  if (config.role !== 'lane') throw new ConfigError(file, ['role: this is a supervisor terminal’s file, not a lane’s']);
  return config;
}

/** Every CA certificate a terminal's file names, with its field. */
export function caFilesOf(config: TerminalConfig): { readonly field: string; readonly path: string }[] {
  const found: { field: string; path: string | undefined }[] =
    config.role === 'supervisor'
      ? [{ field: 'caFile', path: config.caFile }]
      : [
          { field: 'supervisor.caFile', path: config.lane.supervisor?.caFile },
          { field: 'store.caFile', path: config.lane.store?.caFile },
        ];
  found.push({ field: 'updates.caFile', path: config.updates?.caFile });
  return found.filter((entry): entry is { field: string; path: string } => entry.path !== undefined);
}

// --- Opening hours -------------------------------------------------------------------------------

const clockFormats = new Map<string, Intl.DateTimeFormat>();
const isoWeekday: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The ISO weekday (1 = Monday) and minute of the day (0–1439) on the wall clocks of `timeZone` at `at`. */
export function localClock(at: Date, timeZone: string): { readonly weekday: Weekday; readonly minute: number } {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockFormats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  return { weekday: String(isoWeekday[parts.weekday!]) as Weekday, minute: (Number(parts.hour) % 24) * 60 + Number(parts.minute) };
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/**
 * Whether the store is open at `at`, by the wall clocks of the hours' time zone (so a DST change
 * moves the opening instant with the clocks). No hours: always open. A day whose close is at or
 * before its open runs past midnight into the next day; in the autumn's repeated hour both
 * passes of a wall-clock time count as that time.
 */
export function isWithinOpeningHours(hours: OpeningHours | undefined, at: Date): boolean {
  if (!hours) return true;
  const { weekday, minute } = localClock(at, hours.timeZone);
  const today = hours.days[weekday];
  if (today) {
    const [open, close] = today.map(minutesOf) as [number, number];
    if (minute >= open && (close > open ? minute < close : true)) return true;
  }
  const yesterday = hours.days[String(weekday === '1' ? 7 : Number(weekday) - 1) as Weekday];
  if (yesterday) {
    const [open, close] = yesterday.map(minutesOf) as [number, number];
    if (close <= open && minute < close) return true;
  }
  return false;
}
