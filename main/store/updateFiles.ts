import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Logger } from '../../shared/log';

/**
 * The store server's update feed: the files electron-builder makes (latest.yml or
 * latest-linux.yml, the installers, their blockmaps), one folder per channel, served to lanes
 * at `GET /updates/<channel>/<file>` for electron-updater's generic provider, and published
 * there by `lanewise store updates publish`.
 *
 * Each channel has its own folder, so pilot lanes can run 1.3.0 while the rest stay on 1.2.0;
 * in both folders the update info keeps electron-builder's own name (latest*.yml).
 */

export const updateChannels = ['pilot', 'stable'] as const;
export type UpdateChannel = (typeof updateChannels)[number];

export const updateFeedPathPrefix = '/updates/';

/** A file the feed serves: a plain name, no separators, nothing hidden (partial copies start with a dot). */
export const updateFileNamePattern = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/u;

/** electron-builder's update info files: latest.yml (Windows), latest-linux.yml, latest-linux-arm64.yml, latest-mac.yml. */
const updateInfoNamePattern = /^latest(?:-linux(?:-[a-z0-9]+)?|-mac)?\.yml$/u;

/** Where the feed lives beside a SQLite store: `<data-dir>/updates`. */
export function defaultUpdatesDir(dataDir: string): string {
  return join(resolve(dataDir), 'updates');
}

export function isUpdateChannel(value: string): value is UpdateChannel {
  return (updateChannels as readonly string[]).includes(value);
}

// ─── Serving ────────────────────────────────────────────────────────────────────────────────

type ByteRange = { readonly start: number; readonly end: number };

/**
 * One `bytes=` range of a file of `size` bytes (electron-updater's differential download asks
 * for one range per request when multi-range requests are off). Undefined for no usable Range
 * header — a malformed one or several ranges — which is answered with the whole file, as HTTP allows.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/u.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

function sendError(request: IncomingMessage, response: ServerResponse, status: number, error: string, message: string, headers: Record<string, string> = {}): void {
  if (!request.complete) request.resume();
  const text = JSON.stringify({ error, message });
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  response.end(text);
}

/** The channel and file a feed path names, or undefined for anything else (traversal included). */
function feedFileOf(url: string | undefined): { channel: UpdateChannel; name: string } | undefined {
  const raw = url ?? '/';
  const path = raw.slice(0, raw.includes('?') ? raw.indexOf('?') : undefined);
  if (!path.startsWith(updateFeedPathPrefix)) return undefined;
  const parts = path.slice(updateFeedPathPrefix.length).split('/');
  if (parts.length !== 2) return undefined;
  const [channel, encoded] = parts as [string, string];
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  if (!isUpdateChannel(channel) || !updateFileNamePattern.test(name)) return undefined;
  return { channel, name };
}

/** Streams `path` (or one range of it); resolves true when the whole answer went out. */
function streamFile(response: ServerResponse, path: string, status: 200 | 206, headers: Record<string, string>, range: ByteRange | undefined): Promise<boolean> {
  return new Promise((done) => {
    const file = createReadStream(path, range ? { start: range.start, end: range.end } : {});
    file.once('open', () => {
      response.writeHead(status, headers);
      file.pipe(response);
    });
    file.once('error', (error) => {
      if (!response.headersSent) {
        const text = JSON.stringify({ error: 'internal', message: `the update file cannot be read: ${error.message}` });
        response.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
        response.end(text);
      } else response.destroy();
      done(false);
    });
    response.once('close', () => {
      file.destroy();
      done(response.writableFinished);
    });
  });
}

export type UpdateFeedHandler = (request: IncomingMessage, response: ServerResponse, laneId: string) => Promise<void>;

/**
 * The route behind `/updates/<channel>/<file>` (lanes authenticate first, as for everything
 * else on the store server). Only plain files directly inside a channel's folder are served;
 * any other path, a symlink or a folder is 404, whatever it is called.
 */
export function createUpdateFeed(options: { readonly dir: string | undefined; readonly log: Logger }): UpdateFeedHandler {
  const { log } = options;
  const dir = options.dir === undefined ? undefined : resolve(options.dir);
  return async (request, response, laneId) => {
    if (dir === undefined) {
      sendError(request, response, 404, 'notFound', 'this store server has no update feed (lanewise store serve --updates-dir)');
      return;
    }
    const wanted = feedFileOf(request.url);
    const path = wanted && join(dir, wanted.channel, wanted.name);
    let stats: Stats | undefined;
    if (path) stats = await lstat(path).catch(() => undefined);
    if (!wanted || !path || !stats?.isFile()) {
      log.warn({ laneId, path: request.url?.slice(0, 200) }, 'update feed: no such file');
      sendError(request, response, 404, 'notFound', 'no such update file');
      return;
    }
    const isInfo = wanted.name.endsWith('.yml');
    const range = isInfo ? undefined : parseRange(request.headers.range, stats.size);
    if (range === 'unsatisfiable') {
      log.warn({ laneId, channel: wanted.channel, file: wanted.name, range: request.headers.range, size: stats.size }, 'update feed: range outside the file');
      sendError(request, response, 416, 'rangeNotSatisfiable', `the file has ${stats.size} bytes`, { 'Content-Range': `bytes */${stats.size}` });
      return;
    }
    const headers: Record<string, string> = {
      'Content-Type': isInfo ? 'text/yaml; charset=utf-8' : 'application/octet-stream',
      'Content-Length': String(range ? range.end - range.start + 1 : stats.size),
      'Accept-Ranges': 'bytes',
      // The update info must always be read fresh; an installer's name carries its version.
      'Cache-Control': isInfo ? 'no-store' : 'no-cache',
    };
    if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${stats.size}`;
    const sent = await streamFile(response, path, range ? 206 : 200, headers, range);
    const stagingId = request.headers['x-user-staging-id'];
    const fields = { laneId, channel: wanted.channel, file: wanted.name, bytes: headers['Content-Length'], range: range && `${range.start}-${range.end}`, stagingId };
    if (!sent) log.info(fields, 'update download abandoned by the lane');
    else if (isInfo) log.debug(fields, 'update info sent');
    else log.info(fields, 'update file sent');
  };
}

// ─── Update info (electron-builder's latest*.yml) ──────────────────────────────────────────

export interface UpdateFileEntry {
  readonly url: string;
  readonly sha512: string;
  readonly size?: number;
}

export interface UpdateInfo {
  readonly version: string;
  readonly files: readonly UpdateFileEntry[];
  readonly releaseDate?: string;
  /** 0–100: the share of installs offered this version; undefined is everyone. */
  readonly stagingPercentage?: number;
}

function unquote(value: string): string {
  const text = value.trim();
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/gu, "'");
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return JSON.parse(text) as string;
  return text;
}

/**
 * Reads the update info electron-builder writes (js-yaml's dump of a flat map with a `files`
 * list of maps). Only that shape is understood; anything else is refused with a reason rather
 * than half-read, since lanes would then download the wrong thing.
 */
export function parseUpdateInfo(text: string, source: string): UpdateInfo {
  const top = new Map<string, string>();
  const files: Record<string, string>[] = [];
  let section: string | undefined;
  for (const [index, line] of text.split(/\r?\n/u).entries()) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const topField = /^([A-Za-z0-9]+):(.*)$/u.exec(line);
    if (topField) {
      section = topField[1]!;
      top.set(section, unquote(topField[2]!));
      continue;
    }
    if (!line.startsWith(' ') || section === undefined) throw new Error(`${source}:${index + 1}: not electron-builder's update info: ${line.slice(0, 80)}`);
    // Indented lines belong to the key above them; of those only the `files` list matters here.
    if (section !== 'files') continue;
    const item = /^ {2}- ([A-Za-z0-9]+):(.*)$/u.exec(line);
    const field = /^ {4}([A-Za-z0-9]+):(.*)$/u.exec(line);
    if (item) files.push({ [item[1]!]: unquote(item[2]!) });
    else if (field && files.length > 0) files[files.length - 1]![field[1]!] = unquote(field[2]!);
  }
  const version = top.get('version');
  if (!version || !/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/u.test(version)) throw new Error(`${source}: no semantic version (version: 1.2.3)`);
  if (files.length === 0) throw new Error(`${source}: lists no files`);
  const entries = files.map((file, index): UpdateFileEntry => {
    if (!file.url || !updateFileNamePattern.test(file.url)) throw new Error(`${source}: files.${index}.url: ${file.url ?? '(none)'} is not a plain file name`);
    if (!file.sha512 || !/^[A-Za-z0-9+/]{86}==$/u.test(file.sha512)) throw new Error(`${source}: files.${index}.sha512: not a base64 SHA-512`);
    const size = file.size === undefined ? undefined : Number(file.size);
    return { url: file.url, sha512: file.sha512, ...(size !== undefined && Number.isSafeInteger(size) ? { size } : {}) };
  });
  const percentage = top.get('stagingPercentage');
  const releaseDate = top.get('releaseDate');
  return {
    version,
    files: entries,
    ...(releaseDate ? { releaseDate } : {}),
    ...(percentage !== undefined ? { stagingPercentage: Number(percentage) } : {}),
  };
}

/** The same update info offered to `percent` % of installs (electron-updater's stagingPercentage), or to all. */
export function withStagingPercentage(text: string, percent: number | undefined): string {
  const kept = text.split(/\r?\n/u).filter((line) => !/^stagingPercentage:/u.test(line));
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  if (percent !== undefined) kept.push(`stagingPercentage: ${percent}`);
  return `${kept.join('\n')}\n`;
}

/** -1, 0 or 1 as semantic versions order (build metadata ignored). */
export function compareVersions(a: string, b: string): number {
  const split = (version: string) => {
    const [core, pre] = version.split('+')[0]!.split(/-(.*)/su) as [string, string | undefined];
    return { core: core.split('.').map(Number), pre: pre === undefined ? [] : pre.split('.') };
  };
  const left = split(a);
  const right = split(b);
  for (let i = 0; i < 3; i++) if (left.core[i] !== right.core[i]) return left.core[i]! < right.core[i]! ? -1 : 1;
  if (left.pre.length === 0 || right.pre.length === 0) return left.pre.length === right.pre.length ? 0 : left.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(left.pre.length, right.pre.length); i++) {
    const [x, y] = [left.pre[i], right.pre[i]];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const [xNumeric, yNumeric] = [/^\d+$/u.test(x), /^\d+$/u.test(y)];
    // Numeric identifiers sort numerically and before alphanumeric ones (semver 11.4).
    if (xNumeric !== yNumeric) return xNumeric ? -1 : 1;
    return (xNumeric ? Number(x) < Number(y) : x < y) ? -1 : 1;
  }
  return 0;
}

async function sha512Of(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

async function isPlainFile(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isFile() ?? false;
}

// ─── Publishing ─────────────────────────────────────────────────────────────────────────────

export interface PublishedInfo {
  readonly infoFile: string;
  readonly version: string;
  readonly files: readonly string[];
  readonly stagingPercentage?: number;
}

export interface PublishResult {
  readonly channel: UpdateChannel;
  readonly published: readonly PublishedInfo[];
  readonly pruned: readonly string[];
}

/** Writes through a hidden temporary name, so a lane never reads half a file. */
async function replaceFile(target: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const temporary = join(resolve(target, '..'), `.partial-${process.pid}-${target.split(/[/\\]/u).pop()!}`);
  try {
    await write(temporary);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Publishes an electron-builder output folder to a channel: every artifact the update info
 * names (with its blockmap, for differential downloads) is checked against its SHA-512 and
 * copied first; the update info, carrying `stagingPercentage`, is written last, so lanes see
 * the new version only once all its files are there. A version lower than the one the channel
 * offers is refused: lanes never install a lower version (rollback is a higher one).
 */
export async function publishUpdate(options: { readonly from: string; readonly updatesDir: string; readonly channel: UpdateChannel; readonly percent?: number | undefined; readonly prune?: boolean }): Promise<PublishResult> {
  const { from, channel, percent } = options;
  if (percent !== undefined && (!Number.isInteger(percent) || percent < 0 || percent > 100)) throw new Error(`--percent: ${percent} is not a whole number from 0 to 100`);
  const infoNames = (await readdir(from).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${from}: ${error.code ?? error.message}`);
  })).filter((name) => updateInfoNamePattern.test(name));
  if (infoNames.length === 0) throw new Error(`no latest.yml or latest-linux.yml in ${from}: give electron-builder's output folder (dist/packages), built with a publish configuration`);
  const target = join(resolve(options.updatesDir), channel);

  const plans = [];
  for (const infoName of infoNames) {
    const text = await readFile(join(from, infoName), 'utf8');
    const info = parseUpdateInfo(text, infoName);
    for (const file of info.files) {
      const path = join(from, file.url);
      if (!(await isPlainFile(path))) throw new Error(`${infoName} names ${file.url}, which is not in ${from}`);
      if ((await sha512Of(path)) !== file.sha512) throw new Error(`${file.url}: its SHA-512 is not the one ${infoName} gives; rebuild rather than publish a file lanes would refuse`);
    }
    const current = await readFile(join(target, infoName), 'utf8').then(
      (existing) => parseUpdateInfo(existing, `${channel}/${infoName}`),
      () => undefined,
    );
    if (current) {
      const order = compareVersions(info.version, current.version);
      if (order < 0) throw new Error(`${channel} offers ${current.version}; lanes never install the lower ${info.version}. To roll back, build the previous release with a version above ${current.version} and publish that`);
      if (order === 0 && current.files.some((file) => !info.files.some((each) => each.url === file.url && each.sha512 === file.sha512))) {
        throw new Error(`${channel} already offers ${info.version} with other files; lanes that took it would not take these. Give the new build a higher version`);
      }
    }
    const blockmaps = [];
    for (const file of info.files) if (await isPlainFile(join(from, `${file.url}.blockmap`))) blockmaps.push(`${file.url}.blockmap`);
    plans.push({ infoName, text, info, copies: [...info.files.map((file) => file.url), ...blockmaps] });
  }

  await mkdir(target, { recursive: true });
  for (const plan of plans) {
    for (const name of plan.copies) await replaceFile(join(target, name), (temporary) => copyFile(join(from, name), temporary));
  }
  for (const plan of plans) {
    await replaceFile(join(target, plan.infoName), (temporary) => writeFile(temporary, withStagingPercentage(plan.text, percent)));
  }
  const pruned = options.prune ? await pruneChannel(target) : [];
  return {
    channel,
    published: plans.map((plan) => ({ infoFile: plan.infoName, version: plan.info.version, files: plan.copies, ...(percent !== undefined ? { stagingPercentage: percent } : {}) })),
    pruned,
  };
}

/** Removes files no update info in the channel names any more (older versions' installers). */
async function pruneChannel(target: string): Promise<string[]> {
  const status = await channelStatus(target);
  for (const name of status.unreferenced) await rm(join(target, name), { force: true });
  return status.unreferenced;
}

/** Changes the share of installs offered what a channel already publishes. */
export async function setStagingPercentage(options: { readonly updatesDir: string; readonly channel: UpdateChannel; readonly percent: number | undefined }): Promise<readonly PublishedInfo[]> {
  const { percent } = options;
  if (percent !== undefined && (!Number.isInteger(percent) || percent < 0 || percent > 100)) throw new Error(`--percent: ${percent} is not a whole number from 0 to 100`);
  const target = join(resolve(options.updatesDir), options.channel);
  const names = (await readdir(target).catch(() => [] as string[])).filter((name) => updateInfoNamePattern.test(name));
  if (names.length === 0) throw new Error(`nothing is published on ${options.channel} (${target})`);
  const changed: PublishedInfo[] = [];
  for (const name of names) {
    const text = await readFile(join(target, name), 'utf8');
    const info = parseUpdateInfo(text, `${options.channel}/${name}`);
    await replaceFile(join(target, name), (temporary) => writeFile(temporary, withStagingPercentage(text, percent)));
    changed.push({ infoFile: name, version: info.version, files: info.files.map((file) => file.url), ...(percent !== undefined ? { stagingPercentage: percent } : {}) });
  }
  return changed;
}

// ─── Status ─────────────────────────────────────────────────────────────────────────────────

export interface ChannelOffer {
  readonly infoFile: string;
  readonly version?: string;
  readonly releaseDate?: string;
  /** 100 when the update info sets no stagingPercentage. */
  readonly stagingPercentage?: number;
  readonly files: readonly { readonly name: string; readonly bytes: number | null }[];
  /** Set when the update info cannot be read or names a file that is missing: lanes will fail. */
  readonly problem?: string;
}

export interface ChannelStatus {
  readonly channel: UpdateChannel;
  readonly offers: readonly ChannelOffer[];
  /** Files no update info names (older versions, leftovers). */
  readonly unreferenced: readonly string[];
}

async function channelStatus(target: string): Promise<{ offers: ChannelOffer[]; unreferenced: string[] }> {
  const names = (await readdir(target).catch(() => [] as string[])).sort();
  const referenced = new Set<string>();
  const offers: ChannelOffer[] = [];
  for (const infoFile of names.filter((name) => updateInfoNamePattern.test(name))) {
    referenced.add(infoFile);
    try {
      const info = parseUpdateInfo(await readFile(join(target, infoFile), 'utf8'), infoFile);
      const files = [];
      for (const url of [...info.files.map((file) => file.url), ...info.files.map((file) => `${file.url}.blockmap`)]) {
        referenced.add(url);
        const stats = await lstat(join(target, url)).catch(() => undefined);
        if (stats?.isFile() || !url.endsWith('.blockmap')) files.push({ name: url, bytes: stats?.isFile() ? stats.size : null });
      }
      const missing = files.filter((file) => file.bytes === null).map((file) => file.name);
      offers.push({
        infoFile,
        version: info.version,
        ...(info.releaseDate ? { releaseDate: info.releaseDate } : {}),
        stagingPercentage: info.stagingPercentage ?? 100,
        files,
        ...(missing.length > 0 ? { problem: `missing ${missing.join(', ')}` } : {}),
      });
    } catch (error) {
      offers.push({ infoFile, files: [], problem: error instanceof Error ? error.message : String(error) });
    }
  }
  const unreferenced = [];
  // Only plain files: a folder or a link someone put there is not the feed's to remove.
  for (const name of names) if (!referenced.has(name) && updateFileNamePattern.test(name) && (await isPlainFile(join(target, name)))) unreferenced.push(name);
  return { offers, unreferenced };
}

/** What each channel offers, as lanes will see it. */
export async function updatesStatus(updatesDir: string): Promise<ChannelStatus[]> {
  const statuses: ChannelStatus[] = [];
  for (const channel of updateChannels) statuses.push({ channel, ...(await channelStatus(join(resolve(updatesDir), channel))) });
  return statuses;
}
