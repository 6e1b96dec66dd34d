import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExportedSale, FlaggedSaleReport, OutboxStatusReport } from '../../../main/cli/laneOutboxCommand';
import { lanePaths, loadLaneConfig } from '../../../main/config/laneConfig';
import { Journal } from '../../../main/lane/journal';
import { SalesUploader } from '../../../main/lane/storeLink/salesUploader';
import type { Sale } from '../../../shared/checkout/sale';
import type { UploadedSale } from '../../../shared/store/syncProtocol';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';
import { runCliInProcess as inProcess, type CliRun as Run } from '../helpers/runCli';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** The real `lanewise` command, as store IT runs it (a spawn starts tsx: about a second). */
function lanewise(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/lanewise.mjs', ...args], { cwd: repoRoot, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** One after another: each run captures the process's stdout and stderr while it lasts. */
async function inSequence<const Runs extends readonly (readonly string[])[]>(runs: Runs): Promise<{ -readonly [K in keyof Runs]: Run }> {
  const results: Run[] = [];
  for (const args of runs) results.push(await inProcess(args));
  return results as { -readonly [K in keyof Runs]: Run };
}

const json = <T>(run: Run): T => JSON.parse(run.stdout) as T;

const devices = { scanner: { driver: 'serial', path: '/dev/test-scanner' }, printer: { driver: 'escpos-serial', path: '/dev/test-printer' }, paymentTerminal: { driver: 'tcp', port: 9 } };

function saleOf(journal: Journal, number: number, closedAt: number): Sale {
  return {
    id: `L01-${journal.epoch}-${number}`,
    number,
    startedAt: closedAt - 60_000,
    lines: [{ lineId: 1, gtin: '04750001000016', scannedCode: '4750001000016', name: { en: 'Milk «2,5%»' }, pricing: 'unit', quantity: 1, unitPriceMinor: 119, priceMinor: 119, vatClass: 'B', vatRateBp: 1200 }],
    nextLineId: 2,
    status: 'completed',
    closedAt,
    payments: [],
    language: 'en',
  };
}

/** Closes `count` sales a minute apart, as the runtime would: each with the event that closed it. */
function closeSales(journal: Journal, count: number, firstClosedAt: number): Sale[] {
  const first = journal.lastUsedSaleNumber() + 1;
  return Array.from({ length: count }, (_, index) => {
    const at = firstClosedAt + index * 60_000;
    const sale = saleOf(journal, first + index, at);
    journal.commit({ at, event: { type: 'xstate.done.actor.payment' }, saleId: sale.id, state: 'receipt.printing', closedSale: sale });
    return sale;
  });
}

const rawPayload = (journal: Journal, saleId: string) => (journal.db.prepare('SELECT payload FROM outbox WHERE sale_id = ?').pluck().get(saleId) as string);

describe('lanewise lane outbox', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let configFile: string;
  /** The lane's own connection, open throughout: the CLI works beside a running lane. */
  let journal: Journal;
  let sales: Sale[];
  let closedAt: number;

  beforeEach(() => {
    dir = makeTempDir('lanewise-outbox-cli-');
    configFile = join(dir.path, 'lane.json');
    const store = { url: 'http://store.lan:8200', laneToken: randomBytes(32).toString('base64url'), outbox: { alertAfterHours: 2 } };
    writeFileSync(configFile, JSON.stringify({ laneId: 'L01', storeName: 'Outbox Store', dataDir: 'data', devices, store }));
    journal = Journal.open(lanePaths(loadLaneConfig(configFile)).journal);
    closedAt = Date.now() - 3 * 3_600_000;
    // 1 sent; 2 a conflict and 3 refused, both flagged; 4 and 5 waiting.
    sales = closeSales(journal, 5, closedAt);
    journal.markSalesSent([sales[0]!.id], closedAt + 600_000);
    journal.flagSale(sales[1]!.id, 'conflict', 'the store has a different sale under this id', closedAt + 700_000);
    journal.flagSale(sales[2]!.id, 'invalid', 'payload: too big', closedAt + 800_000);
  });

  afterEach(() => {
    journal.close();
    dir.remove();
  });

  it('keeps `lane --config` running the lane, and dispatches `lane outbox …` with --config before or after it', async () => {
    const badConfig = join(dir.path, 'bad.json');
    writeFileSync(badConfig, '{ not json');
    const [runLane, noConfig, after, before, outboxNoConfig, outboxBadConfig, readyJson] = await inSequence([
      // The lane's own action: it reads the configuration (and stops at a bad one, with its exit status).
      ['lane', '--config', badConfig],
      ['lane'],
      ['lane', 'outbox', 'status', '--config', configFile, '--json'],
      ['lane', '--config', configFile, 'outbox', 'status', '--json'],
      ['lane', 'outbox', 'status'],
      ['lane', 'outbox', 'status', '--config', badConfig],
      ['lane', 'outbox', 'status', '--config', configFile, '--ready-json'],
    ]);
    expect(runLane).toMatchObject({ code: 78, stdout: '' });
    expect(runLane.stderr).toMatch(/^lanewise: invalid lane configuration .*bad\.json:\n {2}- \(file\): not valid JSON/);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain("required option '--config <file>' not specified");

    expect(after.code).toBe(0);
    expect(json<OutboxStatusReport>(after)).toMatchObject({ laneId: 'L01', unsent: 2 });
    expect(before).toEqual(after);

    expect(outboxNoConfig.code).toBe(2);
    expect(outboxNoConfig.stderr).toContain("required option '--config <file>' not specified");
    expect(outboxBadConfig.code).toBe(78);
    expect(outboxBadConfig.stderr).toMatch(/^lanewise: invalid lane configuration /);
    expect(readyJson.code).toBe(2);
    expect(readyJson.stderr).toContain('--ready-json is for running a lane');
  });

  it('status: unsent, the oldest one’s age, flagged, sent kept and the alert, as JSON and in words', async () => {
    const [asJson, inWords] = await inSequence([['lane', 'outbox', 'status', '--config', configFile, '--json'], ['lane', 'outbox', 'status', '--config', configFile]]);
    expect(asJson.code).toBe(0);
    const report = json<OutboxStatusReport>(asJson);
    const oldestUnsentAt = closedAt + 3 * 60_000;
    expect(report).toEqual({
      laneId: 'L01',
      journal: join(dir.path, 'data', 'journal-L01.sqlite'),
      store: 'http://store.lan:8200',
      unsent: 2,
      oldestUnsentAt,
      oldestUnsentAgeSeconds: expect.any(Number) as number,
      flagged: 2,
      sentKept: 1,
      // The oldest waits nearly 3 h; this lane alerts after 2.
      alert: true,
    });
    expect(report.oldestUnsentAgeSeconds).toBeGreaterThanOrEqual(Math.floor((Date.now() - oldestUnsentAt) / 1000) - 60);
    expect(report.oldestUnsentAgeSeconds).toBeLessThanOrEqual(Math.ceil((Date.now() - oldestUnsentAt) / 1000));

    expect(inWords.code).toBe(0);
    expect(inWords.stdout).toContain('lane L01 outbox (');
    expect(inWords.stdout).toContain('store link: http://store.lan:8200');
    expect(inWords.stdout).toMatch(/unsent: +2 \(oldest closed 2 h 5\d min ago, \d{4}-\d\d-\d\dT.*Z\) ALERT/);
    expect(inWords.stdout).toMatch(/flagged: +2 \(see: lanewise lane outbox flagged --config /);
    expect(inWords.stdout).toMatch(/sent, kept: 1\n$/);
  });

  it('flagged: id, number, flag, when and detail, oldest first, with --limit; exit 1 when none', async () => {
    const [asJson, inWords, limited, limitedJson, badLimit] = await inSequence([
      ['lane', 'outbox', 'flagged', '--config', configFile, '--json'],
      ['lane', 'outbox', 'flagged', '--config', configFile],
      ['lane', 'outbox', 'flagged', '--config', configFile, '--limit', '1'],
      ['lane', 'outbox', 'flagged', '--config', configFile, '--limit', '1', '--json'],
      ['lane', 'outbox', 'flagged', '--config', configFile, '--limit', '0'],
    ]);
    expect(asJson.code).toBe(0);
    expect(json<FlaggedSaleReport[]>(asJson)).toEqual([
      { saleId: sales[1]!.id, saleNumber: 2, flag: 'conflict', flaggedAt: closedAt + 700_000, detail: 'the store has a different sale under this id' },
      { saleId: sales[2]!.id, saleNumber: 3, flag: 'invalid', flaggedAt: closedAt + 800_000, detail: 'payload: too big' },
    ]);
    expect(inWords.code).toBe(0);
    expect(inWords.stdout.trim().split('\n')).toEqual([
      `${sales[1]!.id}  no. 2  conflict  ${new Date(closedAt + 700_000).toISOString()}  the store has a different sale under this id`,
      `${sales[2]!.id}  no. 3  invalid   ${new Date(closedAt + 800_000).toISOString()}  payload: too big`,
    ]);
    expect(limited.stdout).toContain(`${sales[1]!.id}  no. 2`);
    expect(limited.stdout).not.toContain(sales[2]!.id);
    expect(limited.stdout).toContain('… the first 1 of 2; see more with --limit');
    expect(json<FlaggedSaleReport[]>(limitedJson).map((sale) => sale.saleNumber)).toEqual([2]);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('--limit: 0 is not a number from 1 to 100000');

    journal.unflagSales();
    const [none, noneJson] = await inSequence([['lane', 'outbox', 'flagged', '--config', configFile], ['lane', 'outbox', 'flagged', '--config', configFile, '--json']]);
    expect(none).toMatchObject({ code: 1, stdout: 'no flagged sales\n' });
    expect(noneJson).toMatchObject({ code: 1, stdout: '[]\n' });
  });

  it('retry: one id puts it back in the queue; unknown, sent or unflagged ids change nothing and exit 1; --all takes the rest', async () => {
    const mixed = await inProcess(['lane', 'outbox', 'retry', '--config', configFile, '--sale', sales[1]!.id, 'L01-nope-99', sales[0]!.id, sales[3]!.id]);
    expect(mixed.code).toBe(1);
    expect(mixed.stdout).toBe('');
    expect(mixed.stderr).toContain('lanewise: nothing was retried:');
    expect(mixed.stderr).toContain('L01-nope-99: not in this lane’s outbox');
    expect(mixed.stderr).toContain(`${sales[0]!.id}: already sent to the store`);
    expect(mixed.stderr).toContain(`${sales[3]!.id}: not flagged`);
    expect(mixed.stderr).not.toContain(`${sales[1]!.id}:`);
    expect(journal.outboxBacklog()).toMatchObject({ unsent: 2, flagged: 2 });

    const one = await inProcess(['lane', 'outbox', 'retry', '--config', configFile, '--sale', sales[1]!.id]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^1 flagged sale put back in the queue/);
    expect(journal.unsentSales(10).map((row) => row.saleNumber)).toEqual([2, 4, 5]);
    expect(journal.flaggedSales().map((row) => row.saleNumber)).toEqual([3]);

    const again = await inProcess(['lane', 'outbox', 'retry', '--config', configFile, '--sale', sales[1]!.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${sales[1]!.id}: not flagged`);

    const all = await inProcess(['lane', 'outbox', 'retry', '--config', configFile, '--all']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^1 flagged sale put back in the queue/);
    expect(journal.outboxBacklog()).toMatchObject({ unsent: 4, flagged: 0 });
    const nothing = await inProcess(['lane', 'outbox', 'retry', '--config', configFile, '--all']);
    expect(nothing).toMatchObject({ code: 0, stdout: 'no flagged sales to retry\n' });

    const [neither, both] = await inSequence([
      ['lane', 'outbox', 'retry', '--config', configFile],
      ['lane', 'outbox', 'retry', '--config', configFile, '--all', '--sale', sales[2]!.id],
    ]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('give --sale <saleId>… or --all');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with/);
  });

  it('retry --sale takes several ids, repeated or listed', async () => {
    journal.flagSale(sales[3]!.id, 'conflict', 'another', closedAt + 900_000);
    const run = await inProcess(['lane', 'outbox', 'retry', '--config', configFile, '--sale', sales[1]!.id, sales[2]!.id, '--sale', sales[3]!.id]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^3 flagged sales put back in the queue/);
    expect(journal.outboxBacklog()).toMatchObject({ unsent: 4, flagged: 0 });
  });

  it('export: the sale exactly as the uploader sends it, with its digest, to stdout or a new file; exit 1 when not in the outbox', async () => {
    // What the uploader really sends for sale 4: captured from it, with the store answering "conflict" (it is flagged).
    const uploaded: UploadedSale[] = [];
    journal.unflagSales();
    journal.markSalesSent([sales[1]!.id, sales[2]!.id, sales[4]!.id], Date.now());
    const uploader = new SalesUploader({
      laneId: 'L01',
      currency: 'EUR',
      outbox: journal,
      upload: (upload) => {
        uploaded.push(...upload.sales);
        return Promise.resolve({ results: upload.sales.map((sale) => ({ saleId: sale.saleId, outcome: 'conflict' as const })) });
      },
      log: createRecordingLogger(),
    });
    await uploader.uploadNow();
    await uploader.stop();
    expect(uploaded.map((sale) => sale.saleId)).toEqual([sales[3]!.id]);
    const sent = uploaded[0]!;

    const output = join(dir.path, 'exports', 'sale-4.json');
    mkdirSync(join(dir.path, 'exports'));
    const [toStdout, toFile, payloadOnly, unknown] = await inSequence([
      ['lane', 'outbox', 'export', '--config', configFile, '--sale', sent.saleId],
      ['lane', 'outbox', 'export', '--config', configFile, '--sale', sent.saleId, '--output', output],
      ['lane', 'outbox', 'export', '--config', configFile, '--sale', sent.saleId, '--payload-only'],
      ['lane', 'outbox', 'export', '--config', configFile, '--sale', 'L01-nope-99'],
    ]);
    expect(toStdout.code).toBe(0);
    const exported = json<ExportedSale>(toStdout);
    expect(exported).toEqual({
      laneId: 'L01',
      saleId: sent.saleId,
      epoch: sent.epoch,
      number: sent.number,
      status: sent.status,
      closedAt: sent.closedAt,
      totalMinor: sent.totalMinor,
      digest: sent.digest,
      payload: sent.payload,
      outbox: { sentAt: null, flag: 'conflict', flaggedAt: expect.any(Number) as number, flagDetail: 'the store has a different sale under this id' },
    });
    expect(exported.epoch).toBe(journal.epoch);
    expect(exported.payload).toBe(rawPayload(journal, sent.saleId));

    expect(toFile.code).toBe(0);
    expect(toFile.stdout).toBe(`sale ${sent.saleId} written to ${output} (sha256 ${sent.digest})\n`);
    expect(readFileSync(output, 'utf8')).toBe(toStdout.stdout);

    // Byte for byte: its SHA-256 is the digest the store keeps.
    expect(payloadOnly.code).toBe(0);
    expect(payloadOnly.stdout).toBe(sent.payload);
    expect(createHash('sha256').update(payloadOnly.stdout, 'utf8').digest('hex')).toBe(sent.digest);

    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('L01-nope-99 is not in lane L01’s outbox');

    // A sale already sent exports too, and an existing file is never overwritten.
    const [sentSale, overwrite] = await inSequence([
      ['lane', 'outbox', 'export', '--config', configFile, '--sale', sales[0]!.id],
      ['lane', 'outbox', 'export', '--config', configFile, '--sale', sales[0]!.id, '--output', output],
    ]);
    expect(json<ExportedSale>(sentSale).outbox).toEqual({ sentAt: closedAt + 600_000, flag: null, flaggedAt: null, flagDetail: null });
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toContain(`--output: ${output} exists; give a new file`);
    expect(readFileSync(output, 'utf8')).toBe(toStdout.stdout);
  });

  it('refuses a configuration whose journal does not exist, without making one', async () => {
    const otherConfig = join(dir.path, 'other.json');
    writeFileSync(otherConfig, JSON.stringify({ laneId: 'L02', storeName: 'Outbox Store', dataDir: 'elsewhere', devices }));
    const run = await inProcess(['lane', 'outbox', 'status', '--config', otherConfig]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`no journal at ${join(dir.path, 'elsewhere', 'journal-L02.sqlite')}: lane L02 has not run with this configuration`);
    expect(existsSync(join(dir.path, 'elsewhere', 'journal-L02.sqlite'))).toBe(false);
  });

  it('answers beside a lane that holds a write transaction open (WAL: readers do not wait)', async () => {
    journal.db.prepare('BEGIN IMMEDIATE').run();
    try {
      closeSales(journal, 1, Date.now());
      const run = await inProcess(['lane', 'outbox', 'status', '--config', configFile, '--json']);
      expect(run.code).toBe(0);
      // The sale closing inside the open transaction is not seen yet.
      expect(json<OutboxStatusReport>(run)).toMatchObject({ unsent: 2, flagged: 2 });
    } finally {
      journal.db.prepare('COMMIT').run();
    }
    expect(journal.outboxBacklog().unsent).toBe(3);
  });

  it('runs from the real entry point', { timeout: 60_000 }, async () => {
    const run = await lanewise(['lane', 'outbox', 'status', '--config', configFile, '--json']);
    expect(run.code).toBe(0);
    expect(json<OutboxStatusReport>(run)).toMatchObject({ laneId: 'L01', unsent: 2, flagged: 2, sentKept: 1 });
  });
});
