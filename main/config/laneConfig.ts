import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { languages } from '../../shared/i18n/languages';
import { supervisorLanePath } from '../../shared/supervisor/protocol';
import { decodeLaneSecret } from '../supervisor/commandAuth';
import { devicesConfigSchema } from './deviceConfig';

/** The demo's containers; a store lists its own (their preset tares are checked by weights and measures). */
const defaultContainers = [
  { id: 'paper-bag', name: { en: 'Paper bag', ru: 'Бумажный пакет', lv: 'Papīra maisiņš', bg: 'Хартиен плик' }, tareGrams: 6 },
  { id: 'deli-tub', name: { en: 'Deli tub', ru: 'Контейнер', lv: 'Trauciņš', bg: 'Кутийка' }, tareGrams: 22 },
];

const containerSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,20}$/, 'lower-case letters, digits or -, at most 20'),
    name: z
      .object({ en: z.string().min(1).max(40), ru: z.string().min(1).max(40).optional(), lv: z.string().min(1).max(40).optional(), bg: z.string().min(1).max(40).optional() })
      .strict(),
    /** Preset tare: the empty container's weight, taken off the reading (2 kg at most: a container, not a crate). */
    tareGrams: z.number().int().min(1).max(2000),
  })
  .strict();

function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * The lane's link to the supervisor hub, as store IT provisioned it (`lanewise supervisor add-lane`).
 * Without it the lane sells on its own and assistants work at the lane only.
 */
const supervisorConfigSchema = z
  .object({
    url: z
      .string()
      .refine((text) => ['ws:', 'wss:'].includes(parsedUrl(text)?.protocol ?? ''), { error: 'a ws:// or wss:// address', abort: true })
      .refine((text) => parsedUrl(text)?.pathname.endsWith(supervisorLanePath), { error: `must end with the hub's lane path, e.g. wss://hub.store.lan:8100${supervisorLanePath}` }),
    // The message never repeats the value: it is a credential.
    laneSecret: z.string().superRefine((secret, context) => {
      try {
        decodeLaneSecret(secret);
      } catch (error) {
        context.addIssue({ code: 'custom', message: `not a lane secret as \`lanewise supervisor add-lane\` prints it (${(error as Error).message})` });
      }
    }),
    /** The store's CA certificate (PEM) the hub's certificate is checked against, for wss://. Relative to the config file. */
    caFile: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((supervisor, context) => {
    if (supervisor.caFile !== undefined && parsedUrl(supervisor.url)?.protocol === 'ws:') {
      context.addIssue({ code: 'custom', path: ['caFile'], message: 'a CA certificate is only used with a wss:// address' });
    }
  });

export type SupervisorConfig = z.infer<typeof supervisorConfigSchema>;

/** A lane token as `lanewise store add-lane` prints it: 32 random bytes, base64url without padding. */
const laneTokenPattern = /^[A-Za-z0-9_-]{43}$/u;

/**
 * The lane's link to the store server, as store IT provisioned it (`lanewise store add-lane`):
 * the catalogue comes in from it and finished sales go out to it. Without it the lane sells
 * from the catalogue it has and keeps its sales in its journal.
 */
const storeConfigSchema = z
  .object({
    url: z.string().refine((text) => ['http:', 'https:'].includes(parsedUrl(text)?.protocol ?? ''), { error: 'an http:// or https:// address of the store server' }),
    // The message never repeats the value: it is a credential.
    laneToken: z.string().refine((token) => laneTokenPattern.test(token) && Buffer.from(token, 'base64url').length === 32, {
      error: 'not a lane token as `lanewise store add-lane` prints it (43 characters: letters, digits, - and _)',
    }),
    /** The store's CA certificate (PEM) the server's certificate is checked against, for https://. Relative to the config file. */
    caFile: z.string().min(1).optional(),
    /** How often the lane asks for catalogue changes. */
    catalogPollSeconds: z.number().int().min(5).max(3600).default(30),
    outbox: z
      .object({
        /** The early alert at this many unsent sales… */
        alertAfterSales: z.number().int().min(1).max(10_000_000).default(5000),
        /** …or when the oldest unsent sale is this many hours old. */
        alertAfterHours: z.number().min(0.1).max(24 * 90).default(24),
        /** Sales the store has are kept on the lane this many days (reprints, the supervisor's history), then pruned. */
        keepSentDays: z.number().int().min(1).max(3650).default(30),
      })
      .strict()
      .default({ alertAfterSales: 5000, alertAfterHours: 24, keepSentDays: 30 }),
  })
  .strict()
  .superRefine((store, context) => {
    if (store.caFile !== undefined && parsedUrl(store.url)?.protocol === 'http:') {
      context.addIssue({ code: 'custom', path: ['caFile'], message: 'a CA certificate is only used with an https:// address' });
    }
  });

export type StoreConfig = z.infer<typeof storeConfigSchema>;

/**
 * One terminal's configuration: which lane it is, where its devices are and where its
 * data lives. Store IT writes it; the lane refuses to start on an invalid file and says
 * which field is wrong.
 */

export const laneConfigSchema = z
  .object({
    laneId: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'letters, digits, - or _, at most 16'),
    storeName: z.string().min(1).max(64),
    defaultLanguage: z.enum(languages).default('en'),
    /** Folder for the catalogue, the journal and logs. Relative paths are relative to the config file. */
    dataDir: z.string().min(1),
    /** The catalogue database, if not `<dataDir>/catalog.sqlite` (e.g. shared by the lanes of a demo store). */
    catalogFile: z.string().min(1).optional(),
    http: z
      .object({
        /** Loopback only by default: the kiosk page is for this terminal's screen. */
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(0),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 0 }),
    devices: devicesConfigSchema,
    /** The store's rules for what shoppers may do alone. */
    rules: z
      .object({
        /** Shoppers may take one piece worth up to this (minor units) off their basket; dearer ones need an assistant. */
        shopperRemovalLimitMinor: z.number().int().min(0).default(500),
        /** Items per sale a shopper may leave out of the bagging area (too heavy) before an assistant must look. */
        shopperSkipBaggingLimit: z.number().int().min(0).max(100).default(2),
        /** Shoppers may type in a barcode that will not scan; otherwise only a signed-in assistant may. */
        shopperKeyedEntry: z.boolean().default(false),
        /** A signed-in assistant who does nothing at the lane for this long is signed out (seconds). */
        assistantIdleSeconds: z.number().int().min(15).max(3600).default(120),
        /** Containers shoppers may weigh loose items in, each with its preset tare; [] offers none. */
        containers: z
          .array(containerSchema)
          .max(8)
          .refine((list) => new Set(list.map((container) => container.id)).size === list.length, 'container ids must be unique')
          .default(defaultContainers),
      })
      .strict()
      .default({ shopperRemovalLimitMinor: 500, shopperSkipBaggingLimit: 2, shopperKeyedEntry: false, assistantIdleSeconds: 120, containers: defaultContainers }),
    log: z
      .object({
        level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      })
      .strict()
      .default({ level: 'info' }),
    supervisor: supervisorConfigSchema.optional(),
    store: storeConfigSchema.optional(),
  })
  .strict();

export type LaneConfig = z.infer<typeof laneConfigSchema>;
export type LaneConfigInput = z.input<typeof laneConfigSchema>;

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Parses and validates; every problem names its field, e.g. `devices.scanner.path: …`. */
export function parseLaneConfig(value: unknown, file = 'lane configuration'): LaneConfig {
  const result = laneConfigSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(
      file,
      result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`),
    );
  }
  return result.data;
}

export function loadLaneConfig(file: string): LaneConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, [`cannot read as JSON: ${(error as Error).message}`]);
  }
  const config = resolveLanePaths(parseLaneConfig(raw, file), dirname(file));
  const problems = [
    config.supervisor?.caFile && caFileProblem('supervisor.caFile', config.supervisor.caFile),
    config.store?.caFile && caFileProblem('store.caFile', config.store.caFile),
  ].filter((problem): problem is string => Boolean(problem));
  if (problems.length) throw new ConfigError(file, problems);
  return config;
}

/** A lane's file names its folders and certificates relative to where the file is. */
export function resolveLanePaths(config: LaneConfig, base: string): LaneConfig {
  const absoluteCaFile = (caFile: string | undefined) => (caFile === undefined ? {} : { caFile: resolve(base, caFile) });
  const supervisor = config.supervisor && { ...config.supervisor, ...absoluteCaFile(config.supervisor.caFile) };
  const store = config.store && { ...config.store, ...absoluteCaFile(config.store.caFile) };
  return {
    ...config,
    dataDir: resolve(base, config.dataDir),
    catalogFile: config.catalogFile && resolve(base, config.catalogFile),
    ...(supervisor ? { supervisor } : {}),
    ...(store ? { store } : {}),
  };
}

/**
 * Why a CA file will not do, or undefined when it is a readable PEM certificate: a missing or
 * unreadable CA file is a configuration error now, not a link that silently never comes up.
 */
export function caFileProblem(field: string, caFile: string): string | undefined {
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (error) {
    return `${field}: cannot read ${caFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  return pem.includes('-----BEGIN CERTIFICATE-----') ? undefined : `${field}: ${caFile} is not a PEM certificate`;
}

/** Where a lane keeps its files under `dataDir`. */
export function lanePaths(config: Pick<LaneConfig, 'dataDir' | 'laneId' | 'catalogFile'>) {
  return {
    catalog: config.catalogFile ?? resolve(config.dataDir, 'catalog.sqlite'),
    journal: resolve(config.dataDir, `journal-${config.laneId}.sqlite`),
    log: resolve(config.dataDir, 'logs', `lane-${config.laneId}.jsonl`),
  };
}
