import { CatalogStore } from '../../../main/catalog/catalogStore';
import { decodeLaneSecret, verifyCommand, type SeenCommands } from '../../../main/supervisor/commandAuth';
import { SupervisorHub } from '../../../main/supervisor/hub';
import { openHubDatabase } from '../../../main/supervisor/hubDatabase';
import { LaneRegistry } from '../../../main/supervisor/laneRegistry';
import { defaultShifts } from '../../../main/supervisor/reports';
import { createStationSession, type StationSession } from '../../../main/supervisor/stationSession';
import { eventMessage } from '../../../shared/bridge/rpc';
import { callMessageSchema, serveConnection } from '../../../shared/bridge/rpcServer';
import type { AssistantRef } from '../../../shared/checkout/sale';
import type { Disposable } from '../../../shared/event';
import type { HubToLane } from '../../../shared/supervisor/protocol';
import { mayPerform } from '../../../shared/supervisor/remoteActions';
import { stationEvents, type SupervisorService } from '../../../shared/supervisor/stationService';
import { stationServiceSchema } from '../../../shared/supervisor/stationServiceSchema';
import { asParsed, generateMessage, jsonSeeds, type JsonSeeds } from '../jsonMutate';
import { FuzzLogger, describeLogLine, errorText, shown, type Findings, type MessageRig } from '../messageTarget';
import type { Random } from '../mutate';
import { MemoryConnection } from './memoryConnection';
import { FuzzDirectory, fuzzStaff, writeFuzzStaff } from './staff';
import { laneStatusSeed, remoteActionSeeds, saleSummarySeed } from './supervisorSeeds';

/**
 * `hub.stationMessages`: what a supervisor station page sends the hub — sign-in by number or
 * badge, sign-out, commands to lanes (approve, unlock, lock…), lane details, the audit trail,
 * reports and exports — through the real bridge server (`serveConnection` with
 * `stationServiceSchema`) into real station sessions (`createStationSession`) on a real
 * `SupervisorHub` with its database, wired as hubServer.ts wires a station socket. Provisioned
 * lanes are connected to the hub and check every command they get as a lane does.
 *
 * Violations: a sign-in without the right PIN, a command reaching a lane from a session nobody is
 * signed in on, naming someone else, beyond the assistant's role, or failing the lane's own check;
 * a call the schema refuses reaching the session; an invalid call answered as if it were valid.
 */

type Method = keyof SupervisorService;
const laneIds = ['L01', 'L02', 'L03'];
const disabledLaneId = 'L04';

/** Errors the station service throws on purpose (the bridge answers them as `failed`). */
const expectedFailures = [/^signedOut$/u, /^no lane /u, / is not a date /u, /^no shift starts at /u];

function seedCalls(now: number): Map<Method, unknown[]> {
  const today = new Date(now).toISOString().slice(0, 10);
  const staff = fuzzStaff.flatMap((assistant) => [
    { assistantId: assistant.id, pin: assistant.pin },
    { badge: assistant.badge, pin: assistant.pin },
  ]);
  const lanes = [...laneIds, disabledLaneId, 'L09'];
  const actions = remoteActionSeeds();
  return new Map<Method, unknown[]>([
    ['getOverview', [{}]],
    ['signIn', [...staff, ...staff, { assistantId: '1001', pin: '9999' }, { badge: 'LW:A:NOBODY', pin: '1234' }, { assistantId: '424242', pin: '1234' }]],
    ['signOut', [{}]],
    [
      'sendCommand',
      actions.flatMap((action, index) => [
        { laneId: lanes[index % lanes.length], action },
        { laneId: laneIds[index % laneIds.length], action, reason: 'shopper asked', saleId: null },
        { laneId: laneIds[(index + 1) % laneIds.length], action, saleId: `${laneIds[(index + 1) % laneIds.length]}-e1-${index}` },
      ]),
    ],
    ['laneDetail', lanes.map((laneId) => ({ laneId }))],
    ['audit', [{}, { limit: 5 }, { limit: 1000, laneId: 'L01' }, { before: now, laneId: 'L02', limit: 50 }]],
    ['exportAuditCsv', [{ from: now - 3_600_000, to: now + 1 }, { from: 0, to: 366 * 24 * 3_600_000 }]],
    ['report', [{ kind: 'day', date: today }, ...defaultShifts.map((shift) => ({ kind: 'shift', date: today, shift }))]],
    ['exportReportCsv', [{ kind: 'day', date: today }, { kind: 'shift', date: today, shift: defaultShifts[0] }]],
  ]);
}

interface Station {
  readonly connection: MemoryConnection;
  readonly session: StationSession;
  readonly subscriptions: Disposable[];
}

export async function startHubStationRig(): Promise<MessageRig> {
  const log = new FuzzLogger();
  const db = openHubDatabase(':memory:');
  const registry = new LaneRegistry(db);
  const keys = new Map<string, Buffer>();
  for (const laneId of [...laneIds, disabledLaneId]) {
    const added = registry.addLane(laneId);
    if (!added.ok) throw new Error(added.error);
    keys.set(laneId, decodeLaneSecret(added.value));
  }
  registry.disableLane(disabledLaneId);
  // Commands that nobody answers end as `timeout`: kept short, as a few cases wait for it.
  const hub = new SupervisorHub({ db, registry, log, commandTimeoutMs: 30 });
  const catalog = CatalogStore.open(':memory:');
  writeFuzzStaff(catalog.db);
  const directory = new FuzzDirectory(catalog.db);

  /** Who the case being run is signed in as, and what the lanes got while it ran. */
  let current: { text: string; station: Station; by: AssistantRef | null; findings: Findings; random: Random } | undefined;
  const commandsSeen: string[] = [];

  for (const laneId of laneIds) {
    const seen = new Set<string>();
    const nonces: SeenCommands = { remember: (id) => (seen.has(id) ? false : (seen.add(id), true)) };
    hub.laneConnected(laneId, (message: HubToLane) => {
      if (message.type !== 'command') return;
      const verified = verifyCommand(keys.get(laneId)!, message, { laneId, now: Date.now(), seen: nonces });
      const context = current;
      if (!context) return;
      commandsSeen.push(laneId);
      if (!verified.ok) {
        context.findings.violation(shown(context.text), `the hub sent ${laneId} a command its lane refuses: ${verified.rejection}`);
        return;
      }
      const { by, action } = verified.body;
      if (!context.by || by.id !== context.by.id || by.role !== context.by.role) {
        context.findings.violation(shown(context.text), `a command reached ${laneId} as ${JSON.stringify(by)} from a session signed in as ${JSON.stringify(context.by)}`);
      }
      if (!mayPerform(by.role, action.kind)) context.findings.violation(shown(context.text), `a ${by.role} command ${action.kind} reached ${laneId}`);
      // The lane's answer; now and then none, so the hub's timeout is fuzzed too.
      if (context.random.chance(1) && context.random.chance(20)) return;
      const outcome = context.random.pick(['done', 'notNow', 'rejected'] as const);
      queueMicrotask(() => hub.laneMessage(laneId, { type: 'commandResult', id: verified.body.id, outcome, ...(outcome === 'done' ? {} : { reason: 'staleSale' }), at: Date.now() }));
    });
  }

  function openStation(): Station {
    const connection = new MemoryConnection();
    const session = createStationSession({ hub, directory, db, shifts: defaultShifts, idleMs: 15 * 60_000, log });
    const subscriptions = [
      serveConnection(connection, session.service, stationServiceSchema, () => undefined),
      session.onSession((assistant) => connection.send(eventMessage(stationEvents.session, assistant))),
      hub.onLaneTile((tile) => connection.send(eventMessage(stationEvents.lane, tile))),
      hub.onQueue((queue) => connection.send(eventMessage(stationEvents.queue, queue))),
    ];
    return { connection, session, subscriptions };
  }
  const stations = [openStation(), openStation()];

  const byMethod = seedCalls(Date.now());
  // Commands are what matters most, and need a signed-in session: picked more often than signing out.
  const methods: Method[] = [...byMethod.keys(), 'sendCommand', 'sendCommand', 'signIn'];
  const seeds: JsonSeeds = jsonSeeds([...byMethod.keys()].flatMap((method) => byMethod.get(method)!.map((args) => ({ kind: 'call', id: 0, method, args }))));
  let nextId = 1;
  let version = 1;

  async function runCase(random: Random, findings: Findings): Promise<void> {
    const station = random.pick(stations);
    const method = random.pick(methods);
    const seed = { kind: 'call', id: nextId++, method, args: random.pick(byMethod.get(method)!) };
    const text = generateMessage(random, seeds, { valid: 25, garbage: 5, damaged: 15 }, seed);
    const envelope = callMessageSchema.safeParse(asParsed(text));
    const known = envelope.success && Object.hasOwn(stationServiceSchema, envelope.data.method);
    const args = known && envelope.success ? stationServiceSchema[envelope.data.method as Method].safeParse(envelope.data.args) : undefined;
    const before = station.session.assistant;
    current = { text, station, by: before, findings, random };
    commandsSeen.length = 0;
    if (envelope.success) station.connection.results.delete(envelope.data.id);
    try {
      station.connection.receive(text);
    } catch (error) {
      findings.crash(shown(text), `the bridge server threw: ${errorText(error)}`);
    }
    if (envelope.success) {
      if (!(await station.connection.waitForResult(envelope.data.id, 10_000))) findings.violation(shown(text), 'a call got no answer within 10 s');
    } else {
      await null;
    }
    current = undefined;
    for (const line of log.takeErrors()) findings.crash(shown(text), describeLogLine(line));
    if (!envelope.success) {
      findings.count('refused:badMessage');
      if (commandsSeen.length > 0) findings.violation(shown(text), 'a message that is not a call sent a command to a lane');
      return;
    }
    const result = station.connection.results.get(envelope.data.id);
    if (!result) return;
    if (!args?.success) {
      findings.count(known ? 'refused:badArguments' : 'refused:unknownMethod');
      if (result.ok || result.error.code !== (known ? 'badArguments' : 'unknownMethod')) findings.violation(shown(text), `an invalid call was answered ${JSON.stringify(result).slice(0, 300)}`);
      if (commandsSeen.length > 0) findings.violation(shown(text), 'an invalid call sent a command to a lane');
      return;
    }
    const called = envelope.data.method as Method;
    if (!result.ok) {
      findings.count(`failed:${called}`);
      if (result.error.code !== 'failed' || !expectedFailures.some((pattern) => pattern.test(result.error.message))) findings.crash(shown(text), `the station service failed: ${result.error.code}: ${result.error.message}`);
      return;
    }
    const value = result.value as Record<string, unknown>;
    if (called === 'signIn') {
      const given = args.data as { assistantId?: string; badge?: string; pin: string };
      const who = fuzzStaff.find((assistant) => (given.assistantId !== undefined ? assistant.id === given.assistantId : assistant.badge === given.badge));
      const rightPin = who !== undefined && who.active && who.pin === given.pin;
      findings.count(`signIn:${value.ok ? 'ok' : String(value.problem)}`);
      if (value.ok && !rightPin) findings.violation(shown(text), `signed in without the right PIN: ${JSON.stringify(value)}`);
    } else if (called === 'sendCommand') {
      findings.count(`sendCommand:${String(value.outcome)}`);
      if (!before && (value.outcome !== 'signedOut' || commandsSeen.length > 0)) findings.violation(shown(text), `a command from a signed-out station: ${JSON.stringify(value)}`);
      if (commandsSeen.some((laneId) => laneId !== (args.data as { laneId: string }).laneId)) findings.violation(shown(text), `a command for ${(args.data as { laneId: string }).laneId} went to ${commandsSeen.join(', ')}`);
    } else {
      findings.count(`ok:${called}`);
    }
  }

  /** The lanes keep reporting: statuses with interventions to approve, closed sales for the reports. */
  function lanesReport(random: Random): void {
    for (const laneId of laneIds) {
      version++;
      hub.laneMessage(laneId, { type: 'status', status: laneStatusSeed(laneId, version, random.below(1_000)) });
      if (random.chance(10)) hub.laneMessage(laneId, { type: 'sale', sale: saleSummarySeed(laneId, version, random.below(1_000)) });
    }
  }

  return {
    async runBatch(random, size, findings) {
      lanesReport(random);
      for (const line of log.takeErrors()) findings.crash('(lane statuses between batches)', describeLogLine(line));
      for (let index = 0; index < size; index++) await runCase(random, findings);
    },
    async close() {
      for (const station of stations) {
        for (const subscription of station.subscriptions) subscription.dispose();
        station.session.dispose();
      }
      hub.close();
      db.close();
      catalog.close();
    },
  };
}
