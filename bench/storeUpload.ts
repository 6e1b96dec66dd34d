import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeProcess } from '../main/demo/keptProcess';
import { createLogger } from '../main/log/logger';
import { openStoreBackend } from '../main/store/openStoreBackend';
import { laneIdHeader, storePaths, type SalesUploadResult, type UploadedSale } from '../shared/store/syncProtocol';

/**
 * Sales into the store server: the server in its own process (`lanewise store serve`, as in a
 * store), `lanes` lanes uploading at once in batches, each sale a realistic closed basket
 * (~25 lines, ~6 KB of JSON). Throughput = sales acknowledged ÷ wall time.
 */
export interface StoreUploadOptions {
  /** A data folder (SQLite) or a postgres:// URL. */
  readonly target?: string;
  readonly lanes?: number;
  readonly salesPerLane?: number;
  readonly batch?: number;
}

function salePayload(laneId: string, number: number): string {
  const lines = Array.from({ length: 25 }, (_, index) => ({
    id: index + 1,
    gtin: String(4750900000000 + ((number * 31 + index) % 6000)).padStart(14, '0'),
    name: { en: `Item ${index}`, lv: `Prece ${index}` },
    quantity: 1 + (index % 3),
    unitPriceMinor: 99 + index * 10,
    totalMinor: (99 + index * 10) * (1 + (index % 3)),
    vatRateBp: 2100,
  }));
  return JSON.stringify({ id: `${laneId}-bench-${number}`, number, status: 'completed', currency: 'EUR', lines, payments: [{ kind: 'card', amountMinor: 12_345 }] });
}

function sale(laneId: string, number: number): UploadedSale {
  const payload = salePayload(laneId, number);
  return {
    saleId: `${laneId}-bench-${String(number).padStart(6, '0')}`,
    epoch: 'bench',
    number,
    status: 'completed',
    closedAt: Date.now(),
    totalMinor: 12_345,
    currency: 'EUR',
    digest: createHash('sha256').update(payload).digest('hex'),
    payload,
  };
}

function post(url: URL, laneId: string, token: string, body: string): Promise<SalesUploadResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(storePaths.sales, url),
      { method: 'POST', headers: { authorization: `Bearer ${token}`, [laneIdHeader]: laneId, 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text}`));
          else resolve(JSON.parse(text) as SalesUploadResult);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function benchStoreUpload(options: StoreUploadOptions = {}) {
  const lanes = options.lanes ?? 4;
  const salesPerLane = options.salesPerLane ?? 2_500;
  const batch = options.batch ?? 100;
  const dir = mkdtempSync(join(tmpdir(), 'lanewise-bench-store-'));
  const target = options.target ?? join(dir, 'store');
  const log = createLogger({ file: join(dir, 'bench.jsonl') });
  const laneIds = Array.from({ length: lanes }, (_, index) => `U${String(index + 1).padStart(2, '0')}`);
  const tokens = new Map<string, string>();
  const backend = await openStoreBackend(target);
  for (const laneId of laneIds) tokens.set(laneId, (await backend.lanes.add(laneId, { rotate: true })).token);
  await backend.close();
  const server = storeProcess([...(target.includes('://') ? ['--database', target] : ['--data-dir', target]), '--port', '0'], log);
  try {
    const ready = await server.start();
    const url = new URL(ready.url);
    // Build the bodies first: the measure is the server, not JSON.stringify here.
    const bodies = laneIds.map((laneId) =>
      Array.from({ length: Math.ceil(salesPerLane / batch) }, (_, chunk) =>
        JSON.stringify({ laneId, sales: Array.from({ length: Math.min(batch, salesPerLane - chunk * batch) }, (_, index) => sale(laneId, chunk * batch + index + 1)) }),
      ),
    );
    let stored = 0;
    const started = performance.now();
    await Promise.all(
      laneIds.map(async (laneId, index) => {
        for (const body of bodies[index]!) {
          const { results } = await post(url, laneId, tokens.get(laneId)!, body);
          stored += results.filter((result) => result.outcome === 'stored').length;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { backend: ready.backend, lanes, batch, sales: lanes * salesPerLane, stored, seconds: Math.round(seconds * 1000) / 1000, salesPerSecond: Math.round(stored / seconds), target: '≥ 1,000 sales/s' };
  } finally {
    await server.stop();
    log.flush();
    rmSync(dir, { recursive: true, force: true });
  }
}
