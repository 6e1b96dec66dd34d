import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { showcase } from '../../../main/catalog/demoCatalog';
import { SupervisorLink, type SupervisorLinkTiming } from '../../../main/lane/supervisorLink';
import { decodeLaneSecret, newLaneSecret } from '../../../main/supervisor/commandAuth';
import type { CommandRejection, HubToLane } from '../../../shared/supervisor/protocol';
import type { RemoteAction } from '../../../shared/supervisor/remoteActions';
import { auditRef } from '../../../main/lane/laneAudit';
import { FakeHub, type FakeHubOptions } from './fakeHub';
import { annaRef, ivanRef, LaneHarness, payByCard, send, waitForState, type TestLane } from './laneHarness';

/**
 * The lane's link to the supervisor hub, against a fake hub on a real socket: the handshake,
 * statuses, sales and audit lines out; signed commands in, each forged, altered, replayed,
 * expired, misaddressed or forbidden one refused, journaled and reported; and a lane that
 * keeps selling while its hub is away.
 */
const laneSecret = newLaneSecret();
/** Fast retries: these tests restart hubs; production waits 0.5 s → 10 s, and 60 s after a refusal. */
const timing: Partial<SupervisorLinkTiming> = { firstRetryMs: 20, maxRetryMs: 100, refusedRetryMs: 100, handshakeTimeoutMs: 2000, pingIntervalMs: 1000 };

describe('the supervisor link', () => {
  const harness = new LaneHarness();
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(() => harness.setUpCatalog());
  afterAll(() => harness.removeCatalog());
  beforeEach(() => harness.setUpLaneDir());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await harness.tearDownLanes();
  });

  async function startHub(options: Omit<FakeHubOptions, 'laneId' | 'laneSecret'> = {}): Promise<FakeHub> {
    const hub = await FakeHub.start({ laneId: 'L01', laneSecret, ...options });
    cleanups.push(() => hub.close());
    return hub;
  }

  function startLink(lane: TestLane, url: string, ca?: Buffer): SupervisorLink {
    const link = new SupervisorLink({ runtime: lane.runtime, commands: lane.journal, url, laneSecret, ca, log: lane.log, timing });
    link.start();
    // Before the lane's own cleanup (the harness closes lanes after these).
    cleanups.push(() => link.stop());
    return link;
  }

  async function online(link: SupervisorLink): Promise<void> {
    await vi.waitFor(() => expect(link.state).toBe('online'));
  }

  /** A lane, a hub and the link between them, up. */
  async function connected(hubOptions: Parameters<typeof startHub>[0] = {}): Promise<{ lane: TestLane; hub: FakeHub; link: SupervisorLink }> {
    const hub = await startHub(hubOptions);
    const lane = await harness.startLane();
    const link = startLink(lane, hub.url);
    await online(link);
    await vi.waitFor(() => expect(hub.latestStatus?.version).toBe(lane.runtime.view.version));
    return { lane, hub, link };
  }

  it('answers the hub’s challenge with its proof, and sends its status as soon as it is welcomed', async () => {
    const states: string[] = [];
    const hub = await startHub();
    const lane = await harness.startLane();
    const link = new SupervisorLink({ runtime: lane.runtime, commands: lane.journal, url: hub.url, laneSecret, log: lane.log, timing });
    link.onStateChange((state) => states.push(state));
    link.start();
    cleanups.push(() => link.stop());
    await online(link);
    expect(states).toEqual(['connecting', 'online']);
    expect(hub.hellos).toEqual([expect.objectContaining({ laneId: 'L01', protocol: 1 })]);
    await vi.waitFor(() => expect(hub.statuses).toHaveLength(1));
    expect(hub.latestStatus).toMatchObject({ laneId: 'L01', storeName: 'Test Store', state: 'idle', version: lane.runtime.view.version, stateSince: lane.runtime.stateSince, sale: null });
    expect(JSON.stringify(lane.log.records)).not.toContain(laneSecret);
  });

  it('sends a new status after every change at the lane', async () => {
    const { lane, hub } = await connected();
    lane.devices.scanner.emitScan(showcase.milk);
    await vi.waitFor(() => expect(hub.latestStatus?.version).toBe(lane.runtime.view.version));
    expect(hub.latestStatus).toMatchObject({ state: 'scanning.ready', sale: { itemCount: 1, totalMinor: 119, lines: [expect.objectContaining({ priceMinor: 119 })] } });
    expect(hub.latestStatus?.recentEvents.at(-1)).toMatch(/scanner\.scanned \(item\)$/);
    lane.devices.scanner.emitScan(showcase.bread);
    await vi.waitFor(() => expect(hub.latestStatus?.sale?.itemCount).toBe(2));
    // In order, none skipped while the socket keeps up.
    const versions = hub.statuses.map((status) => status.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('shows a device that sent unreadable input as a device problem, and sends the status again once that has passed', async () => {
    const hub = await startHub();
    const lane = await harness.startLane();
    let clockAheadMs = 0;
    const link = new SupervisorLink({ runtime: lane.runtime, commands: lane.journal, url: hub.url, laneSecret, log: lane.log, timing, clock: () => Date.now() + clockAheadMs });
    link.start();
    cleanups.push(() => link.stop());
    await online(link);
    for (let i = 0; i < 5; i++) lane.devices.scanner.emitGarbage('nonPrintable', 64);
    const problem = { kind: 'deviceFault', detail: 'scanner: unreadable input' };
    // The runtime batches garbage into one event a second.
    await vi.waitFor(() => expect(hub.latestStatus?.interventions).toContainEqual(problem), { timeout: 3_000 });
    // Nearly ten seconds on at the lane: still a problem when the next change sends the status.
    clockAheadMs = 9_800;
    await send(lane, { type: 'ui.setLanguage', language: 'lv' });
    await vi.waitFor(() => expect(hub.latestStatus?.language).toBe('lv'));
    expect(hub.latestStatus?.interventions).toContainEqual(problem);
    // Nothing changes at the lane after that, yet the station hears that the problem has passed.
    await vi.waitFor(() => expect(hub.latestStatus?.interventions).toEqual([]), { timeout: 3_000 });
  });

  it('carries out a supervisor’s age approval from the station, recorded in the sale as given via the station and by whom', async () => {
    const { lane, hub } = await connected();
    lane.devices.scanner.emitScan(showcase.vodka);
    await send(lane, { type: 'ui.pay' });
    await waitForState(lane, 'scanning.awaitingAgeCheck');
    const saleId = lane.runtime.view.context.sale!.id;
    await vi.waitFor(() => expect(hub.latestStatus?.interventions).toContainEqual(expect.objectContaining({ kind: 'ageCheck' })));

    const { id, frame } = hub.sign({ kind: 'approveAge' }, ivanRef, { saleId, reason: 'ID seen on camera' });
    expect(await hub.command(frame, id)).toMatchObject({ id, outcome: 'done' });
    expect(lane.runtime.view.state).toBe('payment.choosing');
    expect(lane.runtime.view.context.sale?.ageApproval).toMatchObject({ by: ivanRef, via: 'supervisor', age: 18 });
    expect(lane.journal.assistantActions({ saleId }).at(-1)).toMatchObject({ action: 'approveAge', via: 'supervisor', by: ivanRef });
    expect(lane.journal.supervisorCommand(id)).toMatchObject({ byId: ivanRef.id, action: 'approveAge', outcome: 'done', reason: null });
    await vi.waitFor(() => expect(hub.latestStatus?.sale?.ageApprovedBy).toBe(ivanRef.name));
    // The hub audits its own commands: the lane does not send them back.
    expect(hub.audits.filter((entry) => entry.via === 'supervisor')).toEqual([]);
  });

  it('approves a shopper’s request to take an item off from the station (an assistant may)', async () => {
    const { lane, hub } = await connected();
    lane.devices.scanner.emitScan(showcase.milk);
    lane.devices.scanner.emitScan(showcase.coffee);
    // Dearer than a shopper may take off alone: the lane asks for an assistant.
    await send(lane, { type: 'ui.removeLine', lineId: 2 });
    expect(lane.runtime.view.context.voidRequest).toMatchObject({ lineId: 2 });
    const { id, frame } = hub.sign({ kind: 'setQuantity', lineId: 2, quantity: 0 }, annaRef, { saleId: lane.runtime.view.context.sale!.id });
    expect(await hub.command(frame, id)).toMatchObject({ outcome: 'done' });
    expect(lane.runtime.view.context.voidRequest ?? null).toBeNull();
    expect(lane.runtime.view.context.sale?.lines.map((line) => line.lineId)).toEqual([1]);
  });

  it('shows the station’s message on the lane, once: the same command again is a replay, also after the lane restarts', async () => {
    const { lane, hub } = await connected();
    const { id, frame } = hub.sign({ kind: 'sendMessage', message: 'assistantComing' }, annaRef);
    expect(await hub.command(frame, id)).toMatchObject({ outcome: 'done' });
    expect(lane.runtime.view.context.laneMessage).toMatchObject({ key: 'assistantComing', from: annaRef.name });
    await send(lane, { type: 'ui.dismissMessage' });

    expect(await hub.command(frame, id)).toMatchObject({ outcome: 'rejected', reason: 'replayed' });
    expect(lane.runtime.view.context.laneMessage ?? null).toBeNull();

    // Switched off and on within the command's lifetime: the nonce is on disk.
    await cleanups.pop()!();
    await lane.close();
    const again = await harness.startLane();
    const link = startLink(again, hub.url);
    await online(link);
    expect(await hub.command(frame, id)).toMatchObject({ outcome: 'rejected', reason: 'replayed' });
    expect(again.runtime.view.context.laneMessage ?? null).toBeNull();
    expect(again.journal.securityEvents().map((row) => row.event)).toEqual([
      expect.objectContaining({ kind: 'commandRejected', rejection: 'replayed', commandId: id }),
      expect.objectContaining({ kind: 'commandRejected', rejection: 'replayed', commandId: id }),
    ]);
  });

  describe('refuses, journals and reports to the hub, leaving the lane as it was:', () => {
    const otherKey = decodeLaneSecret(newLaneSecret());
    const cases: { name: string; rejection: CommandRejection; claimed: boolean; make(hub: FakeHub): { id: string; frame: HubToLane & { type: 'command' } } }[] = [
      { name: 'a forged command (signed with another key)', rejection: 'badMac', claimed: false, make: (hub) => hub.sign({ kind: 'voidSale' }, ivanRef, { key: otherKey }) },
      {
        name: 'an altered command (one character of the payload changed)',
        rejection: 'badMac',
        claimed: false,
        make: (hub) => {
          const signed = hub.sign({ kind: 'voidSale' }, ivanRef, { laneId: 'L02' });
          return { id: signed.id, frame: { ...signed.frame, payload: signed.frame.payload.replace('"laneId":"L02"', '"laneId":"L01"') } };
        },
      },
      { name: 'an expired command', rejection: 'expired', claimed: true, make: (hub) => hub.sign({ kind: 'voidSale' }, ivanRef, { at: hub.now() - 40_000 }) },
      { name: 'a command for another lane', rejection: 'wrongLane', claimed: true, make: (hub) => hub.sign({ kind: 'voidSale' }, ivanRef, { laneId: 'L02' }) },
      { name: 'a command beyond the assistant’s role (an assistant voids the sale)', rejection: 'forbidden', claimed: true, make: (hub) => hub.sign({ kind: 'voidSale' }, annaRef) },
    ];

    for (const { name, rejection, claimed, make } of cases) {
      it(name, async () => {
        const { lane, hub } = await connected();
        lane.devices.scanner.emitScan(showcase.milk);
        await vi.waitFor(() => expect(hub.latestStatus?.version).toBe(lane.runtime.view.version));
        const before = { version: lane.runtime.view.version, state: lane.runtime.view.state, sale: lane.runtime.view.context.sale };

        const { id, frame } = make(hub);
        expect(await hub.command(frame, id)).toMatchObject({ id, outcome: 'rejected', reason: rejection });

        expect({ version: lane.runtime.view.version, state: lane.runtime.view.state, sale: lane.runtime.view.context.sale }).toEqual(before);
        expect(lane.runtime.view.context.sale?.status).toBe('open');
        const [security] = lane.journal.securityEvents();
        expect(security?.event).toMatchObject({ kind: 'commandRejected', rejection, commandId: id, by: claimed ? expect.objectContaining({ id: expect.any(String) }) : null });
        await vi.waitFor(() => expect(hub.audits).toContainEqual(expect.objectContaining({ ref: auditRef('security', security!.seq, lane.journal.epoch), action: 'commandRejected', outcome: 'rejected', reason: rejection })));
        const audit = hub.audits.find((entry) => entry.ref === auditRef('security', security!.seq, lane.journal.epoch));
        expect(audit?.by ?? null).toEqual(claimed ? expect.objectContaining({ role: expect.any(String) }) : null);
        expect(lane.log.find('warn', 'command from the supervisor hub rejected')).toEqual([expect.objectContaining({ fields: expect.objectContaining({ rejection, commandId: id }) })]);
        // Neither the MAC nor the command's text is ever logged.
        const logged = JSON.stringify(lane.log.records);
        expect(logged).not.toContain(frame.mac);
        expect(logged).not.toContain(String(frame.payload));
        // Only a command that passed authentication uses up its id; a refused role is recorded against it.
        expect(lane.journal.supervisorCommand(id)).toEqual(rejection === 'forbidden' ? expect.objectContaining({ outcome: 'rejected', reason: 'forbidden', byId: annaRef.id }) : undefined);
      });
    }
  });

  it('answers notNow when the lane’s state does not allow a command, or the station was looking at a sale that has ended', async () => {
    const { lane, hub } = await connected();
    const open = hub.sign({ kind: 'openLane' }, annaRef);
    expect(await hub.command(open.frame, open.id)).toMatchObject({ outcome: 'notNow' });
    expect(lane.runtime.view.state).toBe('idle');

    lane.devices.scanner.emitScan(showcase.milk);
    const stale = hub.sign({ kind: 'approveBagging' }, annaRef, { saleId: 'L01-0000-000099' });
    expect(await hub.command(stale.frame, stale.id)).toMatchObject({ outcome: 'notNow', reason: 'staleSale' });
    expect(lane.journal.supervisorCommand(stale.id)).toMatchObject({ outcome: 'notNow', reason: 'staleSale' });
    expect(lane.journal.securityEvents()).toEqual([]);
  });

  it('accepts fresh commands from a hub whose clock is a little behind the lane’s', async () => {
    const { lane, hub } = await connected({ clockOffsetMs: -45_000 });
    // Signed at the hub's now: by the lane's own clock it expired 15 s ago.
    const { id, frame } = hub.sign({ kind: 'sendMessage', message: 'pleaseWait' } satisfies RemoteAction, annaRef);
    expect(await hub.command(frame, id)).toMatchObject({ outcome: 'done' });
    expect(lane.runtime.view.context.laneMessage).toMatchObject({ key: 'pleaseWait' });
  });

  it('sends the lane’s own audit lines and closed sales as they happen', async () => {
    const { lane, hub } = await connected();
    await send(lane, { type: 'ui.assistantSignIn', assistantId: annaRef.id, pin: '0000' });
    await send(lane, { type: 'ui.assistantSignIn', assistantId: annaRef.id, pin: '1234' });
    await vi.waitFor(() => expect(hub.audits.map((entry) => entry.action)).toEqual(['signInFailed', 'signIn']));
    expect(hub.audits[0]).toMatchObject({ by: null, assistantId: annaRef.id, via: 'lane', outcome: 'rejected', reason: 'wrongPin' });
    expect(hub.audits[1]).toMatchObject({ ref: auditRef('action', lane.journal.assistantActions()[0]!.seq, lane.journal.epoch), by: annaRef, via: 'lane', outcome: 'done' });
    expect(JSON.stringify(hub.audits)).not.toContain('0000');

    lane.devices.scanner.emitScan(showcase.milk);
    await payByCard(lane);
    await vi.waitFor(() => expect(hub.sales).toHaveLength(1));
    expect(hub.sales[0]).toMatchObject({ status: 'completed', itemCount: 1, totalMinor: 119, currency: 'EUR', number: 1 });
  });

  it('keeps selling while the hub is away, reconnects, and resends its status and the sales the hub missed', async () => {
    const { lane, hub, link } = await connected();
    lane.devices.scanner.emitScan(showcase.milk);
    await vi.waitFor(() => expect(hub.latestStatus?.sale?.itemCount).toBe(1));
    const port = hub.port;
    await hub.close();
    await vi.waitFor(() => expect(link.state).toBe('connecting'));

    // Nothing at the lane waits for the hub.
    await send(lane, { type: 'ui.assistantSignIn', assistantId: annaRef.id, pin: '0000' });
    lane.devices.scanner.emitScan(showcase.bread);
    expect(lane.runtime.view.context.sale?.lines).toHaveLength(2);
    const saleId = lane.runtime.view.context.sale!.id;
    await payByCard(lane);
    await send(lane, { type: 'ui.finish' });
    expect(lane.runtime.view.state).toBe('idle');

    const back = await startHub({ port });
    await vi.waitFor(() => expect(back.welcomes).toBe(1));
    await vi.waitFor(() => expect(back.latestStatus?.version).toBe(lane.runtime.view.version));
    expect(back.latestStatus).toMatchObject({ state: 'idle', sale: null });
    await vi.waitFor(() => expect(back.sales).toEqual([expect.objectContaining({ saleId, status: 'completed', itemCount: 2, totalMinor: 119 + 189 })]));
    await vi.waitFor(() => expect(back.audits).toContainEqual(expect.objectContaining({ action: 'signInFailed', assistantId: annaRef.id, reason: 'wrongPin' })));
    // One line for the loss, however many retries it took.
    expect(lane.log.find('warn', 'supervisor hub link lost; the lane keeps selling and reconnects')).toHaveLength(1);
  });

  it('stops and says so when the hub refuses the lane, journals it once, and asks again slowly', async () => {
    const hub = await startHub({ refuse: 'unknownLane' });
    const lane = await harness.startLane();
    const link = startLink(lane, hub.url);
    await vi.waitFor(() => expect(link.state).toBe('refused'));
    const refusal = 'the supervisor hub refused this lane: store IT must re-provision its credentials (lanewise supervisor add-lane); the lane keeps selling';
    expect(lane.log.find('error', refusal)[0]?.fields).toMatchObject({ reason: 'unknownLane', laneId: 'L01' });
    await vi.waitFor(() => expect(hub.hellos.length).toBeGreaterThanOrEqual(2));
    expect(lane.journal.securityEvents().map((row) => row.event)).toEqual([{ kind: 'laneRefusedByHub', reason: 'unknownLane' }]);
    // The lane sells regardless.
    lane.devices.scanner.emitScan(showcase.milk);
    expect(lane.runtime.view.context.sale?.lines).toHaveLength(1);
  });

  describe('over TLS', () => {
    const tlsFile = (name: string) => readFileSync(new URL(`./fixtures/tls/${name}`, import.meta.url));

    it('trusts a hub whose certificate the store’s CA signed', async () => {
      const hub = await startHub({ tls: { cert: tlsFile('hub-cert.pem'), key: tlsFile('hub-key.pem') } });
      expect(hub.url).toMatch(/^wss:/);
      const lane = await harness.startLane();
      const link = startLink(lane, hub.url, tlsFile('store-ca.pem'));
      await online(link);
      const { id, frame } = hub.sign({ kind: 'sendMessage', message: 'useAnotherLane' }, annaRef);
      expect(await hub.command(frame, id)).toMatchObject({ outcome: 'done' });
    });

    it('never signs in to a hub whose certificate another CA signed', async () => {
      const hub = await startHub({ tls: { cert: tlsFile('hub-cert.pem'), key: tlsFile('hub-key.pem') } });
      const lane = await harness.startLane();
      const link = startLink(lane, hub.url, tlsFile('other-ca.pem'));
      await vi.waitFor(() => expect(lane.log.find('warn', 'supervisor hub cannot be reached; the lane keeps selling and retries')).toHaveLength(1));
      expect(lane.log.find('warn', 'supervisor hub cannot be reached; the lane keeps selling and retries')[0]?.fields.error).toMatch(/certificate/i);
      expect(link.state).toBe('connecting');
      expect(hub.hellos).toEqual([]);
    });
  });
});
