import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CatalogStore } from '../../../main/catalog/catalogStore';
import { decodeLaneSecret, helloProof } from '../../../main/supervisor/commandAuth';
import { laneStatusSchema } from '../../../main/supervisor/laneMessageSchema';
import { startSupervisorHub, type RunningSupervisorHub } from '../../../main/supervisor/hubServer';
import { interventionKinds } from '../../../shared/supervisor/laneStatus';
import { supervisorProtocolVersion, type HubToLane } from '../../../shared/supervisor/protocol';
import { asParsed, generateMessage, jsonSeeds, writeJson, type JsonSeeds } from '../jsonMutate';
import { FuzzLogger, describeLogLine, errorText, scratchDir, shown, type Findings, type MessageRig } from '../messageTarget';
import { randomBytes, type Random } from '../mutate';
import { writeFuzzStaff } from './staff';
import { laneReportSeeds } from './supervisorSeeds';

/**
 * `hub.laneMessages`: what lanes send the supervisor hub, through the real hub server
 * (`startSupervisorHub`: its WebSocket endpoint, the hello handshake, the message schemas and
 * `SupervisorHub` on a hub database) over loopback WebSockets. Authenticated lanes send mutated
 * statuses, sales, audit lines and command answers; now and then a new connection tries a hello —
 * right, forged, stale, for another lane, a disabled one, or mutated — and must be welcomed
 * exactly when its proof is right.
 *
 * A crash: an error the hub logs while handling a message (its last-resort catch), an exception
 * escaping into the process. A violation: a forged hello welcomed (or a right one refused), an
 * authenticated lane dropped for what it sent, a status the hub keeps that its schema refuses or
 * that names another lane.
 */

const reportLaneIds = ['L01', 'L02', 'L03', 'L04'];
const helloLaneIds = ['H01', 'H02'];
const disabledLaneId = 'D01';
/** The hub's limit for one lane message (hubServer.ts): beyond it the WebSocket layer closes the connection, before any handling. */
const maxLaneMessageBytes = 1024 * 1024;
/** Generous: on a loaded machine the hub may take a while to answer, and a slow answer is not what is being looked for. */
const answerTimeoutMs = 10_000;

/** A connection to the hub's lane endpoint, with the hub's messages kept in order. */
class LaneSocket {
  readonly received: HubToLane[] = [];
  closeCode: number | undefined;
  #listeners = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      try {
        this.received.push(JSON.parse(String(data)) as HubToLane);
      } catch {
        this.received.push({ type: 'unreadable' } as never);
      }
      this.#wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.#wake();
    });
  }

  static open(url: string): Promise<LaneSocket> {
    const ws = new WebSocket(url, { maxPayload: 64 * 1024 });
    const socket = new LaneSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  #wake(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** The first message satisfying `test`, or undefined when the socket closed or the time ran out. */
  next<T extends HubToLane>(test: (message: HubToLane) => message is T, timeoutMs = answerTimeoutMs): Promise<T | undefined> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.received.find(test);
        if (found || this.closeCode !== undefined) {
          clearTimeout(timer);
          this.#listeners.delete(check);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        resolve(undefined);
      }, timeoutMs);
      this.#listeners.add(check);
      check();
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Resolves once the hub has handled everything sent before: it answers a ping only after the frames ahead of it. */
  barrier(): Promise<boolean> {
    if (!this.open) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), answerTimeoutMs);
      const onPong = () => finish(true);
      const onClose = () => finish(false);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.ws.off('pong', onPong);
        this.ws.off('close', onClose);
        resolve(ok);
      };
      this.ws.on('pong', onPong);
      this.ws.on('close', onClose);
      this.ws.ping();
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

const isChallenge = (message: HubToLane): message is Extract<HubToLane, { type: 'challenge' }> => message.type === 'challenge';
const isAnswer = (message: HubToLane): message is Extract<HubToLane, { type: 'welcome' | 'refused' }> => message.type === 'welcome' || message.type === 'refused';

/** A hub with its provisioned lanes, and an authenticated connection for each lane that reports. */
export interface HubUnderTest {
  readonly running: RunningSupervisorHub;
  readonly log: FuzzLogger;
  readonly secrets: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

export async function startHubUnderTest(laneIds: readonly string[]): Promise<HubUnderTest> {
  const dir = scratchDir('hub');
  const catalogFile = join(dir.path, 'catalog.sqlite');
  const catalog = CatalogStore.open(catalogFile);
  writeFuzzStaff(catalog.db);
  catalog.close();
  mkdirSync(join(dir.path, 'www'));
  const log = new FuzzLogger();
  const running = await startSupervisorHub({ dataDir: join(dir.path, 'hub'), catalogFile, staticDir: join(dir.path, 'www'), port: 0, log });
  const secrets = new Map<string, string>();
  for (const laneId of laneIds) {
    const added = running.registry.addLane(laneId);
    if (!added.ok) throw new Error(`could not provision ${laneId}: ${added.error}`);
    secrets.set(laneId, added.value);
  }
  return {
    running,
    log,
    secrets,
    async close() {
      await running.close();
      dir.remove();
    },
  };
}

/** Connects and proves the lane's secret; throws unless the hub welcomes it. */
async function authenticatedLane(hub: HubUnderTest, laneId: string): Promise<LaneSocket> {
  const socket = await LaneSocket.open(hub.running.laneUrl);
  const challenge = await socket.next(isChallenge);
  if (!challenge) throw new Error(`no challenge for ${laneId}`);
  socket.ws.send(JSON.stringify({ type: 'hello', laneId, proof: helloProof(decodeLaneSecret(hub.secrets.get(laneId)!), laneId, challenge.nonce), protocol: supervisorProtocolVersion }));
  const answer = await socket.next(isAnswer);
  if (answer?.type !== 'welcome') throw new Error(`${laneId} was not welcomed: ${JSON.stringify(answer)}`);
  return socket;
}

/** Whether a hello (as the hub's JSON.parse sees it) proves a provisioned, enabled lane's secret for this nonce: our own reading of the protocol. */
function helloShouldPass(parsed: unknown, nonce: string, hub: HubUnderTest): boolean {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const hello = parsed as Record<string, unknown>;
  const { type, laneId, proof, protocol } = hello;
  if (type !== 'hello' || typeof laneId !== 'string' || laneId.length > 64 || typeof proof !== 'string' || proof.length > 128) return false;
  if (protocol !== supervisorProtocolVersion) return false;
  const secret = hub.secrets.get(laneId);
  if (secret === undefined || laneId === disabledLaneId) return false;
  // The hub compares the MAC's bytes, so any text that decodes to them proves it.
  return Buffer.from(proof, 'base64url').equals(Buffer.from(helloProof(decodeLaneSecret(secret), laneId, nonce), 'base64url'));
}

type HelloVariant = 'right' | 'wrongProof' | 'staleProof' | 'otherLanesProof' | 'unknownLane' | 'disabledLane' | 'otherProtocol' | 'mutated' | 'garbage' | 'binaryFirst';
const helloVariants: readonly HelloVariant[] = ['right', 'wrongProof', 'staleProof', 'otherLanesProof', 'unknownLane', 'disabledLane', 'otherProtocol', 'mutated', 'mutated', 'mutated', 'garbage', 'binaryFirst'];

export async function startHubLanesRig(): Promise<MessageRig> {
  const hub = await startHubUnderTest([...reportLaneIds, ...helloLaneIds, disabledLaneId]);
  hub.running.registry.disableLane(disabledLaneId);
  const lanes = new Map<string, LaneSocket>();
  for (const laneId of reportLaneIds) lanes.set(laneId, await authenticatedLane(hub, laneId));
  const reportSeeds = jsonSeeds(reportLaneIds.flatMap((laneId, index) => laneReportSeeds(laneId, index + 1)));
  let counter = 10;
  let staleNonce = 'f'.repeat(32);

  const helloSeeds: JsonSeeds = jsonSeeds([{ type: 'hello', laneId: 'H01', proof: 'x'.repeat(43), protocol: supervisorProtocolVersion }]);

  async function helloCase(random: Random, findings: Findings): Promise<void> {
    const variant = random.pick(helloVariants);
    let socket: LaneSocket;
    try {
      socket = await LaneSocket.open(hub.running.laneUrl);
    } catch (error) {
      findings.crash(`(a new lane connection, ${variant})`, `the hub would not take a connection: ${errorText(error)}`);
      return;
    }
    try {
      const challenge = await socket.next(isChallenge);
      if (!challenge) {
        findings.violation(`(a new lane connection, ${variant})`, 'no challenge from the hub');
        return;
      }
      const laneId = random.pick(helloLaneIds);
      const key = decodeLaneSecret(hub.secrets.get(laneId)!);
      const right = { type: 'hello', laneId, proof: helloProof(key, laneId, challenge.nonce), protocol: supervisorProtocolVersion };
      let text: string;
      switch (variant) {
        case 'right':
        case 'binaryFirst':
          text = JSON.stringify(right);
          break;
        case 'wrongProof':
          text = JSON.stringify({ ...right, proof: Buffer.from(randomBytes(random, 32)).toString('base64url') });
          break;
        case 'staleProof':
          text = JSON.stringify({ ...right, proof: helloProof(key, laneId, staleNonce) });
          break;
        case 'otherLanesProof':
          text = JSON.stringify({ ...right, proof: helloProof(decodeLaneSecret(hub.secrets.get(reportLaneIds[0]!)!), reportLaneIds[0]!, challenge.nonce) });
          break;
        case 'unknownLane':
          text = JSON.stringify({ ...right, laneId: 'X99', proof: helloProof(key, 'X99', challenge.nonce) });
          break;
        case 'disabledLane':
          text = JSON.stringify({ ...right, laneId: disabledLaneId, proof: helloProof(decodeLaneSecret(hub.secrets.get(disabledLaneId)!), disabledLaneId, challenge.nonce) });
          break;
        case 'otherProtocol':
          text = JSON.stringify({ ...right, protocol: supervisorProtocolVersion + 1 });
          break;
        case 'mutated':
          text = generateMessage(random, helloSeeds, { valid: 0, garbage: 0, damaged: 20 }, right);
          break;
        case 'garbage':
          text = new TextDecoder().decode(randomBytes(random, 300));
          break;
      }
      staleNonce = challenge.nonce;
      if (variant === 'binaryFirst') socket.ws.send(randomBytes(random, 100), { binary: true });
      socket.ws.send(text);
      const expected = helloShouldPass(asParsed(text), challenge.nonce, hub);
      const answer = await socket.next(isAnswer);
      const welcomed = answer?.type === 'welcome';
      findings.count(`hello:${variant}:${answer ? (answer.type === 'welcome' ? 'welcome' : `refused:${answer.reason}`) : 'closed'}`);
      if (welcomed !== expected) {
        findings.violation(shown(text), expected ? `a right hello (${variant}) was not welcomed: ${JSON.stringify(answer)}` : `a hello that proves nothing (${variant}) was welcomed`);
      }
      if (welcomed) {
        // A lane's first reports right after its welcome.
        for (let index = 0; index < 3; index++) socket.ws.send(generateMessage(random, reportSeeds, undefined, random.pick(laneReportSeeds(right.laneId, ++counter))));
        await socket.barrier();
      }
      for (const line of hub.log.takeErrors()) findings.crash(shown(text), describeLogLine(line));
    } finally {
      socket.close();
    }
  }

  /** Sends each report again on its own, to find which one made the hub log an error. */
  async function attribute(sent: readonly { laneId: string; text: string }[], findings: Findings): Promise<void> {
    let found = 0;
    for (const { laneId, text } of sent) {
      const socket = lanes.get(laneId);
      if (!socket?.open) continue;
      socket.ws.send(text);
      await socket.barrier();
      const errors = hub.log.takeErrors();
      for (const line of errors) findings.crash(shown(text), describeLogLine(line));
      if (errors.length > 0 && ++found >= 3) return;
    }
    if (found === 0) findings.crash('(a report in this batch; it did not happen again when each was sent alone)', 'the hub logged an error');
  }

  function checkHubState(findings: Findings): void {
    for (const laneId of reportLaneIds) {
      const tile = hub.running.hub.tile(laneId);
      if (!tile.online) findings.violation(`(lane ${laneId})`, 'the hub no longer counts an authenticated, connected lane as online');
      if (tile.status === null) continue;
      if (tile.status.laneId !== laneId) findings.violation(writeJson(tile.status).slice(0, 2_000), `the hub keeps, for ${laneId}, a status naming ${tile.status.laneId}`);
      const parsed = laneStatusSchema.safeParse(tile.status);
      if (!parsed.success) findings.violation(writeJson(tile.status).slice(0, 2_000), `the hub keeps a status its own schema refuses: ${parsed.error.issues[0]?.message}`);
    }
    const ids = new Set<string>();
    for (const queued of hub.running.hub.queue()) {
      if (ids.has(queued.id)) findings.violation(queued.id, 'the same intervention is queued twice');
      ids.add(queued.id);
      if (!hub.secrets.has(queued.laneId) || !(interventionKinds as readonly string[]).includes(queued.kind)) findings.violation(JSON.stringify(queued), 'the queue holds an intervention of no provisioned lane or of no kind there is');
    }
  }

  return {
    async runBatch(random, size, findings) {
      const sent: { laneId: string; text: string }[] = [];
      let hellos = 0;
      for (let index = 0; index < size; index++) {
        if (random.chance(1) && random.chance(50)) {
          hellos++;
          continue;
        }
        const laneId = random.pick(reportLaneIds);
        const socket = lanes.get(laneId)!;
        if (random.chance(1)) {
          socket.ws.send(randomBytes(random, 200), { binary: true });
          findings.count('report:binary');
          continue;
        }
        const text = generateMessage(random, reportSeeds, undefined, random.pick(laneReportSeeds(laneId, ++counter)));
        if (Buffer.byteLength(text) > maxLaneMessageBytes) {
          findings.count('report:overMaxPayload');
          continue;
        }
        socket.ws.send(text);
        sent.push({ laneId, text });
        findings.count('report:sent');
      }
      const barriers = await Promise.all([...lanes.values()].map((socket) => socket.barrier()));
      if (hub.log.takeErrors().length > 0) await attribute(sent, findings);
      barriers.forEach((ok, index) => {
        if (ok) return;
        const laneId = reportLaneIds[index]!;
        findings.violation(`(one of this batch's reports on ${laneId})`, `the hub closed an authenticated lane's connection (code ${lanes.get(laneId)?.closeCode})`);
      });
      for (const [laneId, socket] of lanes) if (!socket.open) lanes.set(laneId, await authenticatedLane(hub, laneId));
      checkHubState(findings);
      for (let index = 0; index < hellos; index++) await helloCase(random, findings);
    },
    async close() {
      for (const socket of lanes.values()) socket.close();
      await hub.close();
    },
  };
}
