import { lanePaths } from '../config/laneConfig';
import { isWithinOpeningHours, localClock, type OpeningHours, type TerminalConfig, type Weekday } from '../config/terminalConfig';
import { redactSecrets } from './redact';

/**
 * What a terminal will run, as `lanewise config check` shows it and a diagnostics bundle records
 * it: role, lane, devices and where they are, the store and supervisor links, folders, today's
 * opening hours and the update channel. Credentials appear as "set", never their value.
 */
export interface TerminalSummary {
  readonly role: 'lane' | 'supervisor';
  readonly lane?: {
    readonly laneId: string;
    readonly storeName: string;
    readonly defaultLanguage: string;
    /** Where the kiosk page is served for this terminal's screen; port 0: any free port. */
    readonly kioskPage: { readonly host: string; readonly port: number };
  };
  readonly devices: readonly DeviceSummary[];
  /** The store server (catalogue in, sales out); null: none configured. */
  readonly store: { readonly url: string; readonly laneToken: string; readonly caFile?: string | undefined; readonly catalogPollSeconds: number } | null;
  /** The supervisor hub this lane reports to; null: none configured. */
  readonly supervisor: { readonly url: string; readonly laneSecret: string; readonly caFile?: string | undefined } | null;
  /** A supervisor terminal's station page. */
  readonly station?: { readonly url: string; readonly caFile?: string | undefined };
  readonly folders: {
    readonly data?: string;
    readonly catalogue?: string;
    readonly journal?: string;
    readonly logs: string;
  };
  readonly openingHours: {
    readonly timeZone: string;
    readonly today: { readonly weekday: Weekday; readonly dayName: string; readonly hours: readonly [string, string] | null };
    readonly openNow: boolean;
  } | null;
  readonly updates: { readonly url: string; readonly channel: 'pilot' | 'stable'; readonly caFile?: string | undefined } | null;
}

export interface DeviceSummary {
  readonly role: string;
  readonly driver: string;
  /** Where it is: a serial path (with its line speed), a USB id, or host:port. */
  readonly address: string;
}

const dayNames: Readonly<Record<Weekday, string>> = { '1': 'Monday', '2': 'Tuesday', '3': 'Wednesday', '4': 'Thursday', '5': 'Friday', '6': 'Saturday', '7': 'Sunday' };

function deviceAddress(device: Record<string, unknown>): string {
  if (typeof device.path === 'string') return typeof device.baudRate === 'number' ? `${device.path} at ${device.baudRate} baud` : device.path;
  if (typeof device.usb === 'string') return `USB ${device.usb}${typeof device.serialNumber === 'string' ? ` serial ${device.serialNumber}` : ''}`;
  if (typeof device.port === 'number') return `${typeof device.host === 'string' ? device.host : '127.0.0.1'}:${device.port}`;
  // A Magellan scale shares the scanner's cable.
  return device.driver === 'magellan' ? 'on the scanner’s cable' : '(no address)';
}

function openingHoursToday(hours: OpeningHours | undefined, now: Date): TerminalSummary['openingHours'] {
  if (!hours) return null;
  const { weekday } = localClock(now, hours.timeZone);
  return { timeZone: hours.timeZone, today: { weekday, dayName: dayNames[weekday], hours: hours.days[weekday] }, openNow: isWithinOpeningHours(hours, now) };
}

export function summarizeTerminal(config: TerminalConfig, now: Date = new Date()): TerminalSummary {
  const common = {
    openingHours: openingHoursToday(config.openingHours, now),
    updates: config.updates ? { url: config.updates.url, channel: config.updates.channel, caFile: config.updates.caFile } : null,
  };
  let summary: TerminalSummary;
  if (config.role === 'supervisor') {
    summary = { role: 'supervisor', devices: [], store: null, supervisor: null, station: { url: config.stationUrl, caFile: config.caFile }, folders: { logs: config.logDir }, ...common };
  } else {
    const { lane } = config;
    const paths = lanePaths(lane);
    summary = {
      role: 'lane',
      lane: { laneId: lane.laneId, storeName: lane.storeName, defaultLanguage: lane.defaultLanguage, kioskPage: { host: lane.http.host, port: lane.http.port } },
      devices: Object.entries(lane.devices as Record<string, Record<string, unknown> | undefined>)
        .filter((entry): entry is [string, Record<string, unknown>] => entry[1] !== undefined)
        .map(([role, device]) => ({ role, driver: String(device.driver), address: deviceAddress(device) })),
      store: lane.store ? { url: lane.store.url, laneToken: lane.store.laneToken, caFile: lane.store.caFile, catalogPollSeconds: lane.store.catalogPollSeconds } : null,
      supervisor: lane.supervisor ? { url: lane.supervisor.url, laneSecret: lane.supervisor.laneSecret, caFile: lane.supervisor.caFile } : null,
      folders: { data: lane.dataDir, catalogue: paths.catalog, journal: paths.journal, logs: config.logDir },
      ...common,
    };
  }
  // Credentials are copied in above only to be replaced here, by the one redaction both outputs share.
  return redactSecrets(summary);
}

/** The summary as `lanewise config check` prints it. */
export function summaryText(summary: TerminalSummary): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${label.padEnd(15)}${value}`);
  if (summary.role === 'lane' && summary.lane) {
    row('Role:', `lane ${summary.lane.laneId} (${summary.lane.storeName}), shoppers’ language ${summary.lane.defaultLanguage}`);
    const { host, port } = summary.lane.kioskPage;
    row('Kiosk page:', port === 0 ? `${host}, any free port` : `${host}:${port}`);
    lines.push('Devices:');
    for (const device of summary.devices) lines.push(`  ${device.role.padEnd(17)}${device.driver.padEnd(15)}${device.address}`);
    row('Store server:', summary.store ? `${summary.store.url} (lane token: ${summary.store.laneToken}${summary.store.caFile ? `, CA ${summary.store.caFile}` : ''}; catalogue every ${summary.store.catalogPollSeconds} s)` : 'none: sales stay on this lane');
    row('Supervisor:', summary.supervisor ? `${summary.supervisor.url} (lane secret: ${summary.supervisor.laneSecret}${summary.supervisor.caFile ? `, CA ${summary.supervisor.caFile}` : ''})` : 'none: assistants work at the lane only');
  } else if (summary.station) {
    row('Role:', 'supervisor station screen');
    row('Station:', `${summary.station.url}${summary.station.caFile ? ` (CA ${summary.station.caFile})` : ''}`);
  }
  if (summary.folders.data) row('Data folder:', summary.folders.data);
  if (summary.folders.catalogue) row('  catalogue:', summary.folders.catalogue);
  if (summary.folders.journal) row('  journal:', summary.folders.journal);
  row('Log folder:', summary.folders.logs);
  const hours = summary.openingHours;
  row(
    'Opening hours:',
    hours
      ? `today (${hours.today.dayName}, ${hours.timeZone}) ${hours.today.hours ? `${hours.today.hours[0]}–${hours.today.hours[1]}` : 'closed'}; ${hours.openNow ? 'open now' : 'closed now'}`
      : 'none set: always open (the display never sleeps)',
  );
  row('Updates:', summary.updates ? `${summary.updates.channel} channel from ${summary.updates.url}${summary.updates.caFile ? ` (CA ${summary.updates.caFile})` : ''}` : 'none: updated by hand');
  return `${lines.join('\n')}\n`;
}
