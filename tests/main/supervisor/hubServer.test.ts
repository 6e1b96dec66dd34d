import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { AssistantDirectory } from '../../../main/assistants/assistantDirectory';
import { demoAssistants } from '../../../main/assistants/demoAssistants';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { startSupervisorHub, type RunningSupervisorHub, type SupervisorHubServerOptions } from '../../../main/supervisor/hubServer';
import { BridgeCallError } from '../../../shared/bridge/rpc';
import type { LaneTile, QueuedIntervention } from '../../../shared/supervisor/stationService';
import { createRecordingLogger, type RecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';
import { laneStatus } from './fixtures';
import { FakeLane, connectStation, refusedUpgrade, type StationClient } from './hubClients';

const indexHtml = '<!doctype html><title>Lanewise</title><script type="module" src="./assets/x.js"></script>\n';
const assetJs = 'console.log("station");\n';
const outside = 'SECRET-OUTSIDE-THE-PAGE-FOLDER';
const [anna, ivan] = demoAssistants;

function httpGet(port: number, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('supervisor hub server', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let catalogFile: string;
  let staticDir: string;
  let hubCount = 0;
  let running: RunningSupervisorHub | undefined;
  let log: RecordingLogger;
  const lanes: FakeLane[] = [];
  const stations: StationClient[] = [];
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    dir = makeTempDir();
    catalogFile = join(dir.path, 'catalog.sqlite');
    const store = CatalogStore.open(catalogFile);
    const directory = new AssistantDirectory(store.db);
    for (const assistant of demoAssistants) await directory.upsert(assistant);
    store.close();
    staticDir = join(dir.path, 'www');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), indexHtml);
    writeFileSync(join(staticDir, 'assets', 'x.js'), assetJs);
    writeFileSync(join(dir.path, 'secret.txt'), outside);
  });
  afterAll(() => dir.remove());

  afterEach(async () => {
    for (const lane of lanes.splice(0)) lane.close();
    for (const station of stations.splice(0)) station.close();
    await running?.close();
    running = undefined;
  });

  async function start(options: Partial<SupervisorHubServerOptions> = {}): Promise<RunningSupervisorHub> {
    log = createRecordingLogger();
    running = await startSupervisorHub({ dataDir: join(dir.path, `hub-${++hubCount}`), catalogFile, staticDir, port: 0, log, ...options });
    for (const laneId of ['L01', 'L02', 'L03']) {
      const added = running.registry.addLane(laneId);
      if (!added.ok) throw new Error(added.error);
      secrets.set(laneId, added.value);
    }
    return running;
  }

  async function laneOnline(hub: RunningSupervisorHub, laneId: string, secret = secrets.get(laneId)!): Promise<FakeLane> {
    const { lane, answer } = await FakeLane.connect(hub.laneUrl, laneId, secret);
    lanes.push(lane);
    expect(answer).toMatchObject({ type: 'welcome', laneId });
    return lane;
  }

  async function station(hub: RunningSupervisorHub, origin: string | null = `http://127.0.0.1:${hub.port}`): Promise<StationClient> {
    // As a browser would: the page's origin, and the same host name in the request (a page from localhost asks localhost).
    const client = await connectStation(`ws://127.0.0.1:${hub.port}/station/bridge`, origin === null ? {} : { origin, headers: { host: new URL(origin).host } });
    stations.push(client);
    return client;
  }

  const auditRows = (hub: RunningSupervisorHub) => hub.hub.audit.list({ limit: 1000 }).reverse();

  describe('station page', () => {
    it('redirects to /station/, serves the page under it with a strict policy, and nothing outside it', async () => {
      const hub = await start();
      expect(hub.url).toBe(`http://127.0.0.1:${hub.port}/station/`);
      expect(hub.laneUrl).toBe(`ws://127.0.0.1:${hub.port}/lane`);

      for (const path of ['/', '/station']) {
        const reply = await httpGet(hub.port, path);
        expect(reply.status, path).toBe(302);
        expect(reply.headers.location).toBe('/station/');
      }
      for (const path of ['/station/', '/station/lanes/L01', '/station/reports']) {
        const page = await httpGet(hub.port, path);
        expect(page.status, path).toBe(200);
        expect(page.body).toBe(indexHtml);
        expect(page.headers['content-security-policy']).toContain("connect-src 'self';");
        expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(page.headers['x-content-type-options']).toBe('nosniff');
      }
      const asset = await httpGet(hub.port, '/station/assets/x.js');
      expect(asset).toMatchObject({ status: 200, body: assetJs });
      expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');

      expect((await httpGet(hub.port, '/index.html')).status).toBe(404);
      expect((await httpGet(hub.port, '/stationx/')).status).toBe(404);
      expect((await httpGet(hub.port, '/station/assets/missing.js')).status).toBe(404);
      for (const path of ['/station/../secret.txt', '/station/%2e%2e/secret.txt', '/station/..%2f..%2fsecret.txt', '/station/%2e%2e%2f%2e%2e%2fsecret.txt']) {
        const reply = await httpGet(hub.port, path);
        expect(reply.body, path).not.toContain(outside);
      }
    });
  });

  describe('lanes', () => {
    it('welcomes a lane that proves its secret; its statuses reach the hub', async () => {
      const hub = await start();
      const lane = await laneOnline(hub, 'L01');
      expect(lane.messages.map((message) => message.type)).toEqual(['challenge', 'welcome']);
      expect(hub.hub.tile('L01').online).toBe(true);
      lane.send({ type: 'status', status: laneStatus('L01', 1, { interventions: [{ kind: 'help' }] }) });
      await vi.waitFor(() => expect(hub.hub.tile('L01').status?.version).toBe(1));
      expect(hub.hub.queue().map((item) => item.id)).toEqual(['L01:help']);
      expect(log.find('info', 'lane connected')).toHaveLength(1);
    });

    it('refuses a wrong secret, an unknown lane, a disabled lane, another protocol and a non-hello; each audited', async () => {
      const hub = await start();
      hub.registry.disableLane('L03');
      const wrongSecret = hub.registry.addLane('L09');
      if (!wrongSecret.ok) throw new Error(wrongSecret.error);
      hub.registry.removeLane('L09');

      const attempts = [
        { laneId: 'L01', secret: secrets.get('L02')!, reason: 'badProof' },
        { laneId: 'L09', secret: wrongSecret.value, reason: 'unknownLane' },
        { laneId: 'L03', secret: secrets.get('L03')!, reason: 'disabled' },
      ];
      for (const attempt of attempts) {
        const { lane, answer } = await FakeLane.connect(hub.laneUrl, attempt.laneId, attempt.secret);
        lanes.push(lane);
        expect(answer, attempt.laneId).toEqual({ type: 'refused', reason: attempt.reason });
        expect(await lane.closed()).toBe(1008);
      }
      expect(hub.hub.tile('L01').online).toBe(false);

      // A lane speaking another protocol version, and a client that does not start with hello.
      for (const first of [{ type: 'hello', laneId: 'L01', proof: 'x', protocol: 99 }, { type: 'status', status: laneStatus('L01', 1) }]) {
        const { default: WebSocket } = await import('ws');
        const ws = new WebSocket(hub.laneUrl);
        const answers: unknown[] = [];
        ws.on('message', (data) => {
          const message = JSON.parse(String(data)) as { type: string };
          answers.push(message);
          if (message.type === 'challenge') ws.send(JSON.stringify(first));
        });
        const code = await new Promise<number>((resolve) => ws.once('close', (closeCode) => resolve(closeCode)));
        expect(code).toBe(1008);
        expect(answers.at(-1)).toEqual({ type: 'refused', reason: 'badMessage' });
      }

      expect(auditRows(hub).map((row) => [row.action, row.laneId, row.reason, row.outcome, row.via])).toEqual([
        ['laneRefused', 'L01', 'badProof', 'rejected', 'supervisor'],
        ['laneRefused', 'L09', 'unknownLane', 'rejected', 'supervisor'],
        ['laneRefused', 'L03', 'disabled', 'rejected', 'supervisor'],
        ['laneRefused', 'L01', 'badMessage', 'rejected', 'supervisor'],
        ['laneRefused', null, 'badMessage', 'rejected', 'supervisor'],
      ]);
      expect(log.find('warn', 'lane refused')).toHaveLength(5);
      // No secret or proof ever reaches the log.
      const logged = JSON.stringify(log.records);
      for (const secret of secrets.values()) expect(logged).not.toContain(secret);
    });

    it('drops a lane that says nothing, and lets a new connection replace the old one', async () => {
      const hub = await start({ helloTimeoutMs: 50 });
      const { default: WebSocket } = await import('ws');
      const silent = new WebSocket(hub.laneUrl);
      silent.on('error', () => undefined);
      expect(await new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)))).toBe(1008);
      expect(log.find('warn', 'lane said no hello in time; disconnected')).toHaveLength(1);

      const first = await laneOnline(hub, 'L01');
      const firstClosed = first.closed();
      const second = await laneOnline(hub, 'L01');
      expect(await firstClosed).toBe(4000);
      expect(hub.hub.tile('L01').online).toBe(true);
      // The old connection closing did not take the lane offline; the new one is heard.
      second.send({ type: 'status', status: laneStatus('L01', 5) });
      await vi.waitFor(() => expect(hub.hub.tile('L01').status?.version).toBe(5));
    });

    it('logs and drops malformed or oversized lane messages without harm to the hub or other lanes', async () => {
      const hub = await start();
      const lane = await laneOnline(hub, 'L01');
      const other = await laneOnline(hub, 'L02');
      lane.ws.send('not JSON');
      lane.ws.send(Buffer.from([1, 2, 3]));
      lane.send({ type: 'status', status: { ...laneStatus('L01', 1), recentEvents: Array.from({ length: 51 }, () => 'x') } });
      lane.send({ type: 'status', status: { ...laneStatus('L01', 1), storeName: 'x'.repeat(101) } });
      lane.send({ type: 'status', status: laneStatus('L01', 1, { interventions: [{ kind: 'fire' as 'help' }] }) });
      lane.send({ type: 'sale', sale: { saleId: 's', number: 1, status: 'open', startedAt: 0, closedAt: 0, itemCount: 0, totalMinor: 0, currency: 'EUR' } });
      lane.send({ type: 'commandResult', id: 'x'.repeat(65), outcome: 'done', at: 0 });
      lane.send({ type: 'hello', laneId: 'L02', proof: 'again', protocol: 1 });
      await vi.waitFor(() => expect(log.find('warn', 'lane message refused')).toHaveLength(7));
      expect(log.find('warn', 'binary lane message dropped')).toHaveLength(1);
      expect(hub.hub.tile('L01').status).toBeNull();

      // Extra fields are dropped, not passed on to stations.
      lane.send({ type: 'status', status: { ...laneStatus('L01', 2), injected: '<script>' } });
      await vi.waitFor(() => expect(hub.hub.tile('L01').status?.version).toBe(2));
      expect(JSON.stringify(hub.hub.tile('L01'))).not.toContain('injected');

      // Over 1 MiB: that connection is closed (1009), nothing else.
      const closed = lane.closed();
      lane.send({ type: 'status', status: { ...laneStatus('L01', 3), storeName: 'x'.repeat(1024 * 1024) } });
      expect(await closed).toBe(1009);
      other.send({ type: 'status', status: laneStatus('L02', 1) });
      await vi.waitFor(() => expect(hub.hub.tile('L02').status?.version).toBe(1));
    });

    it('disconnects a lane that is disabled, removed or re-keyed while connected', async () => {
      const hub = await start({ heartbeatMs: 50 });
      const disabled = await laneOnline(hub, 'L01');
      const removed = await laneOnline(hub, 'L02');
      const rekeyed = await laneOnline(hub, 'L03');
      hub.registry.disableLane('L01');
      hub.registry.removeLane('L02');
      hub.registry.addLane('L03', { rotate: true });
      expect(await Promise.all([disabled.closed(), removed.closed(), rekeyed.closed()])).toEqual([1008, 1008, 1008]);
      expect([disabled, removed, rekeyed].map((lane) => lane.messages.at(-1))).toEqual([
        { type: 'refused', reason: 'disabled' },
        { type: 'refused', reason: 'unknownLane' },
        { type: 'refused', reason: 'badProof' },
      ]);
      await vi.waitFor(() => expect(hub.hub.tile('L03').online).toBe(false));
    });
  });

  describe('station bridge', () => {
    it('refuses pages from other origins (and rebound names on loopback); accepts its own and non-browser clients', async () => {
      const hub = await start();
      const bridge = `ws://127.0.0.1:${hub.port}/station/bridge`;
      expect(await refusedUpgrade(bridge, { origin: 'http://evil.example' })).toBe(403);
      expect(await refusedUpgrade(bridge, { origin: `http://127.0.0.1:${hub.port + 1}` })).toBe(403);
      expect(await refusedUpgrade(bridge, { origin: `https://127.0.0.1:${hub.port}` })).toBe(403);
      expect(await refusedUpgrade(bridge, { origin: 'null' })).toBe(403);
      // DNS rebinding: the evil name resolves to us, so Host and Origin agree, but it is no loopback name.
      expect(await refusedUpgrade(bridge, { origin: `http://evil.example:${hub.port}`, headers: { host: `evil.example:${hub.port}` } })).toBe(403);
      expect(await refusedUpgrade(`ws://127.0.0.1:${hub.port}/bridge`, { origin: `http://127.0.0.1:${hub.port}` })).toBe(403);
      expect(log.find('warn', 'WebSocket connection refused')).toHaveLength(6);

      for (const origin of [`http://127.0.0.1:${hub.port}`, `http://localhost:${hub.port}`, null]) {
        const client = await station(hub, origin);
        expect((await client.service.getOverview({})).assistant).toBeNull();
      }
    });

    it('shows the overview without a session, and nothing else', async () => {
      const hub = await start();
      const lane = await laneOnline(hub, 'L02');
      lane.send({ type: 'status', status: laneStatus('L02', 1, { interventions: [{ kind: 'ageCheck', detail: '18' }] }) });
      await vi.waitFor(() => expect(hub.hub.queue()).toHaveLength(1));
      const client = await station(hub);
      const overview = await client.service.getOverview({});
      expect(overview).toMatchObject({ assistant: null, shifts: [6, 14, 22], queue: [{ id: 'L02:ageCheck', laneId: 'L02', kind: 'ageCheck' }] });
      expect(Math.abs(overview.hubTime - Date.now())).toBeLessThan(60_000);
      expect(overview.lanes.map((tile) => [tile.laneId, tile.online])).toEqual([
        ['L01', false],
        ['L02', true],
        ['L03', false],
      ]);

      expect(await client.service.sendCommand({ laneId: 'L02', action: { kind: 'approveAge' } })).toEqual({ outcome: 'signedOut' });
      expect(lane.commands).toEqual([]);
      for (const [method, args] of [
        ['laneDetail', { laneId: 'L02' }],
        ['audit', {}],
        ['exportAuditCsv', { from: Date.now() - 3_600_000, to: Date.now() }],
        ['report', { kind: 'day', date: '2025-01-15' }],
        ['exportReportCsv', { kind: 'day', date: '2025-01-15' }],
      ] as const) {
        await expect(client.call(method, args), method).rejects.toThrow(/signedOut/);
      }
      expect(await client.service.signOut({})).toEqual({ signedOut: true });
    });

    it('locks an assistant out after five wrong PINs, auditing every attempt and never the PIN', async () => {
      const hub = await start();
      const client = await station(hub);
      const results = [];
      for (const pin of ['1111', '2222', '3333', '4444', '5555']) results.push(await client.service.signIn({ assistantId: anna.id, pin }));
      expect(results.slice(0, 4)).toEqual(Array.from({ length: 4 }, () => ({ ok: false, problem: 'wrongPin' })));
      expect(results[4]).toMatchObject({ ok: false, problem: 'lockedOut', retryAfterMs: expect.any(Number) });
      // Now even the right PIN is refused.
      expect(await client.service.signIn({ assistantId: anna.id, pin: anna.pin })).toMatchObject({ ok: false, problem: 'lockedOut' });
      expect(await client.service.signIn({ assistantId: '4040', pin: '1234' })).toEqual({ ok: false, problem: 'unknown' });

      expect(auditRows(hub).map((row) => [row.action, row.assistantId, row.outcome, row.reason, row.via])).toEqual([
        ...Array.from({ length: 4 }, () => ['signInFailed', anna.id, 'failed', 'wrongPin', 'supervisor']),
        ['signInFailed', anna.id, 'lockedOut', 'lockedOut', 'supervisor'],
        ['signInFailed', anna.id, 'lockedOut', 'lockedOut', 'supervisor'],
        ['signInFailed', '4040', 'failed', 'unknown', 'supervisor'],
      ]);
      const everything = JSON.stringify([log.records, auditRows(hub)]);
      for (const pin of ['1111', '2222', '3333', '4444', '5555', anna.pin]) expect(everything).not.toContain(`"${pin}"`);
      expect(client.events.filter((event) => event.name === 'session')).toEqual([]);
    });

    it('signs in by badge, sends a command the lane verifies, and pushes tiles, queue, timeline and session', async () => {
      const hub = await start();
      const lane = await laneOnline(hub, 'L01');
      const client = await station(hub);
      const signedIn = await client.service.signIn({ badge: ivan.badge, pin: ivan.pin });
      expect(signedIn).toEqual({ ok: true, assistant: { id: ivan.id, name: ivan.name, role: 'supervisor' } });
      await vi.waitFor(() => expect(client.events).toContainEqual({ name: 'session', payload: { id: ivan.id, name: ivan.name, role: 'supervisor' } }));
      expect((await client.service.getOverview({})).assistant).toEqual({ id: ivan.id, name: ivan.name, role: 'supervisor' });

      lane.send({ type: 'status', status: laneStatus('L01', 1, { state: 'scanning.awaitingAgeCheck', interventions: [{ kind: 'ageCheck', detail: '18' }] }) });
      await vi.waitFor(() => expect(client.events.some((event) => event.name === 'queue' && (event.payload as QueuedIntervention[]).length === 1)).toBe(true));
      expect(client.events.find((event) => event.name === 'lane' && (event.payload as LaneTile).status !== null)?.payload).toMatchObject({ laneId: 'L01', online: true, status: { version: 1 } });
      expect(client.events).toContainEqual({ name: 'timeline', payload: { laneId: 'L01', entry: expect.objectContaining({ kind: 'intervention', detail: 'ageCheck' }) } });

      const result = await client.service.sendCommand({ laneId: 'L01', action: { kind: 'approveAge' }, reason: 'clearly over 25', saleId: 'L01-sale-1' });
      expect(result).toEqual({ outcome: 'done' });
      expect(lane.commands).toEqual([expect.objectContaining({ laneId: 'L01', by: { id: ivan.id, name: ivan.name, role: 'supervisor' }, action: { kind: 'approveAge' }, saleId: 'L01-sale-1' })]);

      lane.answer = () => ({ outcome: 'notNow', reason: 'staleSale' });
      expect(await client.service.sendCommand({ laneId: 'L01', action: { kind: 'sendMessage', message: 'assistantComing' }, saleId: null })).toEqual({ outcome: 'notNow', reason: 'staleSale' });
      expect(await client.service.sendCommand({ laneId: 'L02', action: { kind: 'closeLane' } })).toEqual({ outcome: 'offline' });

      expect(auditRows(hub).map((row) => [row.action, row.assistantId, row.role, row.laneId, row.saleId, row.outcome, row.reason])).toEqual([
        ['signIn', ivan.id, 'supervisor', null, null, 'done', null],
        ['approveAge', ivan.id, 'supervisor', 'L01', 'L01-sale-1', 'done', 'clearly over 25'],
        ['sendMessage', ivan.id, 'supervisor', 'L01', null, 'notNow', null],
        ['closeLane', ivan.id, 'supervisor', 'L02', null, 'offline', null],
      ]);

      const detail = await client.service.laneDetail({ laneId: 'L01' });
      expect(detail.tile).toMatchObject({ laneId: 'L01', online: true, status: { state: 'scanning.awaitingAgeCheck' } });
      expect(detail.timeline.filter((entry) => entry.kind === 'command')).toEqual([
        expect.objectContaining({ detail: 'approveAge: done', by: ivan.name }),
        expect.objectContaining({ detail: 'sendMessage: notNow (staleSale)', by: ivan.name }),
      ]);
      await expect(client.service.laneDetail({ laneId: 'L77' })).rejects.toThrow(/no lane L77/);

      const { entries } = await client.service.audit({ limit: 2 });
      expect(entries.map((entry) => entry.action)).toEqual(['closeLane', 'sendMessage']);
      expect((await client.service.audit({ laneId: 'L02' })).entries.map((entry) => entry.action)).toEqual(['closeLane']);
      const exported = await client.service.exportAuditCsv({ from: Date.now() - 7 * 86_400_000, to: Date.now() + 1000 });
      expect(exported.filename).toMatch(/^lanewise-audit-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
      await expect(client.service.exportAuditCsv({ from: 0, to: Date.now() })).rejects.toThrow(/at most a year apart/);
      expect(exported.csv.split('\r\n').filter(Boolean)).toHaveLength(5);

      const today = new Date().toISOString().slice(0, 10);
      expect(await client.service.report({ kind: 'day', date: today })).toMatchObject({ request: { kind: 'day', date: today }, shifts: [6, 14, 22] });
      expect(await client.service.exportReportCsv({ kind: 'shift', date: today, shift: 14 })).toMatchObject({ filename: `lanewise-report-${today}-shift-14.csv`, csv: expect.stringContaining('section,key,metric,value') });
      await expect(client.service.report({ kind: 'shift', date: today, shift: 7 })).rejects.toThrow(/no shift starts at 7/);

      expect(await client.service.signOut({})).toEqual({ signedOut: true });
      await vi.waitFor(() => expect(client.events.filter((event) => event.name === 'session').at(-1)).toEqual({ name: 'session', payload: null }));
      expect(await client.service.sendCommand({ laneId: 'L01', action: { kind: 'approveAge' } })).toEqual({ outcome: 'signedOut' });
      expect(auditRows(hub).at(-1)).toMatchObject({ action: 'signOut', assistantId: ivan.id, outcome: 'done' });
    });

    it('keeps sessions per connection, enforces roles, and refuses actions the station may not send', async () => {
      const hub = await start();
      const lane = await laneOnline(hub, 'L01');
      const desk = await station(hub);
      const phone = await station(hub, `http://localhost:${hub.port}`);
      expect((await phone.service.signIn({ assistantId: anna.id, pin: anna.pin })).ok).toBe(true);
      expect(await desk.service.sendCommand({ laneId: 'L01', action: { kind: 'approveAge' } })).toEqual({ outcome: 'signedOut' });
      expect(await phone.service.sendCommand({ laneId: 'L01', action: { kind: 'voidSale' }, saleId: 'L01-sale-1' })).toEqual({ outcome: 'forbidden' });
      expect(lane.commands).toEqual([]);

      for (const action of [{ kind: 'confirmTender', tender: 'cash', tenderedMinor: 100 }, { kind: 'reprintLastReceipt' }, { kind: 'sendMessage', message: 'freeText' }, { kind: 'approveAge', by: ivan.id }]) {
        await expect(phone.call('sendCommand', { laneId: 'L01', action }), JSON.stringify(action)).rejects.toSatisfy(
          (error: unknown) => error instanceof BridgeCallError && error.body.code === 'badArguments',
        );
      }
      await expect(phone.call('sendCommand', { laneId: '../L01', action: { kind: 'approveAge' } })).rejects.toThrow(/badArguments/);
      await expect(phone.call('signIn', { assistantId: anna.id, pin: anna.pin, role: 'supervisor' })).rejects.toThrow(/badArguments/);
      expect(lane.commands).toEqual([]);
      expect(log.find('warn', 'station message refused').length).toBeGreaterThanOrEqual(6);
    });

    it('signs an idle station out and tells the page', async () => {
      const hub = await start({ stationIdleMs: 100 });
      const client = await station(hub);
      expect((await client.service.signIn({ assistantId: anna.id, pin: anna.pin })).ok).toBe(true);
      await vi.waitFor(() => expect(client.events.filter((event) => event.name === 'session').map((event) => event.payload)).toEqual([expect.objectContaining({ id: anna.id }), null]));
      expect((await client.service.getOverview({})).assistant).toBeNull();
      expect(auditRows(hub).at(-1)).toMatchObject({ action: 'signOut', assistantId: anna.id, reason: 'idle' });
    });
  });
});
