import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { defaultUpdatesDir, publishUpdate, setStagingPercentage, updateChannels, updatesStatus, type ChannelStatus, type PublishedInfo, type UpdateChannel } from '../store/updateFiles';

interface FeedOptions {
  readonly dataDir?: string;
  readonly updatesDir?: string;
}

/** The feed's folder: `--updates-dir`, or `<data-dir>/updates` as `store serve` uses it. */
function feedDir(options: FeedOptions): string {
  if (options.updatesDir !== undefined) return resolve(options.updatesDir);
  if (options.dataDir !== undefined) return defaultUpdatesDir(options.dataDir);
  throw new Error('give the store’s --data-dir <dir> (its feed is <dir>/updates) or --updates-dir <dir> (a PostgreSQL store’s feed)');
}

function parsePercent(value: string): number {
  const percent = Number(value);
  if (!/^\d{1,3}$/u.test(value) || percent > 100) throw new Error(`--percent: ${value} is not a whole number from 0 to 100`);
  return percent;
}

const share = (percent: number | undefined) => (percent === undefined ? 'every lane' : `${percent} % of lanes`);

function publishedLine(channel: UpdateChannel, info: PublishedInfo): string {
  return `${channel}: ${info.version} (${info.infoFile}: ${info.files.filter((name) => !name.endsWith('.blockmap')).join(', ')}) for ${share(info.stagingPercentage)}`;
}

function statusLines(status: ChannelStatus): string[] {
  if (status.offers.length === 0) return [`${status.channel}: nothing published`];
  const lines = status.offers.map((offer) => {
    const what = offer.version === undefined ? '(unreadable)' : `${offer.version} for ${offer.stagingPercentage ?? 100} % of lanes${offer.releaseDate ? `, built ${offer.releaseDate}` : ''}`;
    return `${status.channel}: ${offer.infoFile.padEnd(24)} ${what}${offer.problem ? `  PROBLEM: ${offer.problem}` : ''}`;
  });
  if (status.unreferenced.length > 0) lines.push(`${status.channel}: not offered any more: ${status.unreferenced.join(', ')} (publish --prune removes them)`);
  return lines;
}

/**
 * `lanewise store updates …`: the store server's update feed (main/store/updateFiles.ts), which
 * lanes' electron-updater reads at /updates/<channel>/. Exit status: 0 done, 1 a problem found
 * (status: a channel offers a file that is missing), 2 could not run.
 */
export function registerStoreUpdatesCommands(store: Command, setExitCode: (code: number) => void): void {
  const updates = store.command('updates').description('the Lanewise versions the store server offers its lanes (pilot and stable channels)');
  const feedOptions = (command: Command) =>
    command
      .addOption(new Option('--data-dir <dir>', 'the store server’s data folder: its feed is <dir>/updates').conflicts('updatesDir'))
      .addOption(new Option('--updates-dir <dir>', 'the feed folder itself (as given to store serve --updates-dir)').conflicts('dataDir'));
  const channelOption = () => new Option('--channel <channel>', 'pilot (the pilot lanes) or stable (everyone else)').choices(updateChannels).makeOptionMandatory();

  feedOptions(
    updates
      .command('publish')
      .description('offer a build to a channel: copies the update info and installers from electron-builder’s output folder into the feed')
      .argument('<dir>', 'electron-builder’s output folder (dist/packages), with latest.yml or latest-linux.yml'),
  )
    .addOption(channelOption())
    .option('--percent <n>', 'offer it to this share of the channel’s lanes (staged rollout; default: all)', parsePercent)
    .option('--prune', 'remove files the channel no longer offers (older installers)')
    .action(async (dir: string, options: FeedOptions & { channel: UpdateChannel; percent?: number; prune?: boolean }) => {
      const result = await publishUpdate({ from: resolve(dir), updatesDir: feedDir(options), channel: options.channel, percent: options.percent, prune: options.prune ?? false });
      for (const info of result.published) process.stdout.write(`${publishedLine(result.channel, info)}\n`);
      if (result.pruned.length > 0) process.stdout.write(`removed ${result.pruned.join(', ')}\n`);
      setExitCode(0);
    });

  feedOptions(updates.command('rollout').description('change the share of a channel’s lanes offered what it already publishes'))
    .addOption(channelOption())
    .addOption(new Option('--percent <n>', 'the share of lanes, 0 to 100').argParser(parsePercent).conflicts('all'))
    .addOption(new Option('--all', 'every lane of the channel').conflicts('percent'))
    .action(async (options: FeedOptions & { channel: UpdateChannel; percent?: number; all?: boolean }) => {
      if (options.percent === undefined && !options.all) throw new Error('give --percent <n> or --all');
      const changed = await setStagingPercentage({ updatesDir: feedDir(options), channel: options.channel, percent: options.all ? undefined : options.percent });
      for (const info of changed) process.stdout.write(`${publishedLine(options.channel, info)}\n`);
      setExitCode(0);
    });

  feedOptions(updates.command('status').description('what each channel offers; exit status 1 when an offered file is missing or unreadable'))
    .option('--json', 'print a JSON array, one entry per channel')
    .action(async (options: FeedOptions & { json?: boolean }) => {
      const statuses = await updatesStatus(feedDir(options));
      if (options.json) process.stdout.write(`${JSON.stringify(statuses)}\n`);
      else process.stdout.write(`${statuses.flatMap(statusLines).join('\n')}\n`);
      setExitCode(statuses.some((status) => status.offers.some((offer) => offer.problem !== undefined)) ? 1 : 0);
    });
}
