import { createHmac, randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { SupervisorLink } from '../../../main/lane/supervisorLink';
import { decodeLaneSecret, helloProofMatches, newLaneSecret, newNonce } from '../../../main/supervisor/commandAuth';
import { clockSkewToleranceMs, commandLifetimeMs, supervisorLanePath, type CommandBody, type HubToLane, type LaneToHub } from '../../../shared/supervisor/protocol';
import { mayPerform, remoteCommandKinds } from '../../../shared/supervisor/remoteActions';
import { asParsed, damageText, generateMessage, jsonSeeds, mutatedTree, writeJson, type JsonSeeds } from '../jsonMutate';
import { describeLogLine, shown, type Findings, type MessageRig } from '../messageTarget';
import { randomBytes, type Random } from '../mutate';
import { startFuzzLane } from './fuzzLane';
import { fuzzStaff } from './staff';
import { remoteActionSeeds } from './supervisorSeeds';

/**
 * `lane.supervisorCommands`: what a hub sends a lane, through the lane's real SupervisorLink (its
 * WebSocket client, the frame schema, `verifyCommand` with the lane's journal as the nonce store)
 * into a real LaneRuntime. The rig plays the hub on a loopback WebSocket: it answers the link's
 * hello, then sends commands — rightly signed ones, replays of them, altered ones, ones signed
 * with another lane's key, mutated bodies signed with the right key (a hub gone wrong) — and
 * other frames, garbage and binary among them.
 *
 * Every command frame gets exactly one answer. A violation: a command carried out (`done` or
 * `notNow`) that was not signed with the lane's key, names another lane, has expired, was seen
 * before or goes beyond its assistant's role; a right one refused; one unanswered. A crash: the
 * link or the runtime logging an error (their last-resort catches), or an exception escaping.
 */

const laneId = 'L01';
const idPattern = /^[0-9a-f]{32}$/u;
const anyRemoteKind = new Set<string>([...remoteCommandKinds, 'sendMessage']);

function mac(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('base64url');
}

/** What the link's frame schema takes for a command: both fields there, whatever they hold (verifyCommand checks them). */
function isCommandFrame(parsed: { type?: unknown; payload?: unknown; mac?: unknown } | undefined): parsed is { type: 'command'; payload: unknown; mac: unknown } {
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && parsed.type === 'command' && 'payload' in parsed && 'mac' in parsed;
}

/** The link's limit for one hub frame (supervisorLink.ts): beyond it the WebSocket layer closes the connection, before any handling. */
const maxHubFrameBytes = 64 * 1024;

type Sent =
  | { readonly command: true; readonly text: string; readonly payload: unknown; readonly mac: unknown; readonly kind: string; readonly sentAt: number }
  | { readonly command: false; readonly text: string; readonly kind: string };

/** The rig's side of the lane's hub connection. */
class FakeHub {
  readonly #server: WebSocketServer;
  socket: WebSocket | undefined;
  readonly results: Extract<LaneToHub, { type: 'commandResult' }>[] = [];
  readonly reports = new Map<string, number>();
  helloProblems: string[] = [];
  #online: (() => void) | undefined;

  private constructor(
    server: WebSocketServer,
    readonly key: Buffer,
  ) {
    this.#server = server;
    server.on('connection', (ws) => this.#accept(ws));
  }

  static async start(key: Buffer): Promise<FakeHub> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: supervisorLanePath });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new FakeHub(server, key);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.#server.address() as AddressInfo).port}${supervisorLanePath}`;
  }

  #accept(ws: WebSocket): void {
    const nonce = newNonce();
    let welcomed = false;
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      let message: LaneToHub;
      try {
        message = JSON.parse(String(data)) as LaneToHub;
      } catch {
        this.helloProblems.push('a frame from the lane that is not JSON');
        return;
      }
      if (!welcomed) {
        if (message.type !== 'hello' || message.laneId !== laneId || !helloProofMatches(this.key, laneId, nonce, message.proof)) {
          this.helloProblems.push(`a wrong hello from the lane: ${JSON.stringify(message).slice(0, 200)}`);
          ws.close();
          return;
        }
        welcomed = true;
        this.socket = ws;
        ws.send(JSON.stringify({ type: 'welcome', laneId, hubTime: Date.now() } satisfies HubToLane));
        this.#online?.();
        return;
      }
      if (message.type === 'commandResult') this.results.push(message);
      else this.reports.set(message.type, (this.reports.get(message.type) ?? 0) + 1);
    });
    ws.send(JSON.stringify({ type: 'challenge', nonce, hubTime: Date.now() } satisfies HubToLane));
  }

  get online(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Resolves true once the link has said hello again and been welcomed (after a refusal closed it). */
  waitOnline(timeoutMs: number): Promise<boolean> {
    if (this.online) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#online = undefined;
        resolve(false);
      }, timeoutMs);
      this.#online = () => {
        clearTimeout(timer);
        this.#online = undefined;
        resolve(true);
      };
    });
  }

  /** Resolves once the link has handled every frame sent before (it answers a ping after them), with its answers in. */
  barrier(): Promise<boolean> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), 10_000);
      const onPong = () => finish(true);
      const onClose = () => finish(false);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        socket.off('pong', onPong);
        socket.off('close', onClose);
        resolve(ok);
      };
      socket.on('pong', onPong);
      socket.on('close', onClose);
      socket.ping();
    });
  }

  async close(): Promise<void> {
    for (const client of this.#server.clients) client.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

export async function startLaneCommandsRig(): Promise<MessageRig> {
  const lane = await startFuzzLane(laneId);
  const secret = newLaneSecret();
  const key = decodeLaneSecret(secret);
  const otherKey = decodeLaneSecret(newLaneSecret());
  const hub = await FakeHub.start(key);
  const link = new SupervisorLink({
    runtime: lane.runtime,
    commands: lane.journal,
    url: hub.url,
    laneSecret: secret,
    log: lane.log,
    timing: { firstRetryMs: 2, maxRetryMs: 10, refusedRetryMs: 2, handshakeTimeoutMs: 5_000, pingIntervalMs: 60_000 },
  });
  link.start();
  if (!(await hub.waitOnline(10_000))) throw new Error(`the lane's supervisor link did not come online: ${hub.helloProblems.join('; ')}`);

  const staff = fuzzStaff.filter((assistant) => assistant.active).map(({ id, name, role }) => ({ id, name, role }));
  const actions = remoteActionSeeds();
  /** Ids the lane has recorded as seen (a command got past its checks to the nonce store). */
  const remembered = new Set<string>();
  /** Frames the lane carried out, to replay. */
  const carriedOut: string[] = [];

  /** A command as the hub signs it (main/supervisor/commandAuth.ts `signCommand`), fresh. */
  function commandBody(by: CommandBody['by'], action: CommandBody['action'], now: number, extra: Pick<CommandBody, 'reason' | 'saleId'> = {}): CommandBody {
    return { id: cryptoRandomBytes(16).toString('hex'), laneId, issuedAt: now, expiresAt: now + commandLifetimeMs, by, action, ...extra };
  }

  function body(random: Random, now: number): CommandBody {
    const saleId = lane.runtime.view.context.sale?.id;
    return commandBody(random.pick(staff), random.pick(actions), now, {
      ...(random.chance(30) ? { reason: 'shopper asked' } : {}),
      ...(random.chance(30) ? { saleId: random.chance(50) && saleId ? saleId : random.pick([null, 'L01-old-1']) } : {}),
    });
  }

  const startedAt = Date.now();
  const frameSeeds: JsonSeeds = jsonSeeds([
    { type: 'command', payload: JSON.stringify(commandBody(staff[0]!, actions[0]!, startedAt)), mac: 'x'.repeat(43) },
    { type: 'challenge', nonce: 'a'.repeat(32), hubTime: startedAt },
    { type: 'welcome', laneId, hubTime: startedAt },
    { type: 'refused', reason: 'badProof' },
  ]);
  const bodySeeds: JsonSeeds = jsonSeeds(actions.map((action, index) => commandBody(staff[index % staff.length]!, action, startedAt, { reason: 'damaged', saleId: null })));

  /** One frame as the hub would send it: right, replayed, altered, forged, re-signed after mutation, or something else. */
  function frame(random: Random): Sent {
    const now = Date.now();
    const roll = random.below(100);
    if (roll < 25) {
      const payload = JSON.stringify(body(random, now));
      return { command: true, text: JSON.stringify({ type: 'command', payload, mac: mac(key, payload) }), payload, mac: mac(key, payload), kind: 'right', sentAt: now };
    }
    if (roll < 33 && carriedOut.length > 0) {
      const text = random.pick(carriedOut);
      const parsed = JSON.parse(text) as { payload: string; mac: string };
      return { command: true, text, payload: parsed.payload, mac: parsed.mac, kind: 'replayed', sentAt: now };
    }
    if (roll < 58) {
      // A hub gone wrong: a mutated body, signed with the lane's own key.
      const tree = mutatedTree(random, body(random, now), bodySeeds);
      let payload = writeJson(tree);
      if (random.chance(10)) payload = damageText(random, payload);
      const signed = mac(key, payload);
      return { command: true, text: JSON.stringify({ type: 'command', payload, mac: signed }), payload, mac: signed, kind: 'resigned', sentAt: now };
    }
    if (roll < 78) {
      // Altered on the way: the frame mutated, its MAC not redone.
      const payload = JSON.stringify(body(random, now));
      const text = generateMessage(random, frameSeeds, { valid: 0, garbage: 0, damaged: 15 }, { type: 'command', payload, mac: mac(key, payload) });
      const parsed = asParsed(text) as { type?: unknown; payload?: unknown; mac?: unknown } | undefined;
      if (isCommandFrame(parsed)) return { command: true, text, payload: parsed.payload, mac: parsed.mac, kind: 'altered', sentAt: now };
      return { command: false, text, kind: 'altered' };
    }
    if (roll < 88) {
      const payload = JSON.stringify(body(random, now));
      const forged = mac(otherKey, payload);
      return { command: true, text: JSON.stringify({ type: 'command', payload, mac: forged }), payload, mac: forged, kind: 'otherKey', sentAt: now };
    }
    const other = random.below(10);
    if (other === 0) return { command: false, text: new TextDecoder().decode(randomBytes(random, 300)), kind: 'garbage' };
    // A refusal ends the connection (the link reconnects): rarer than the frames a lane ignores once online.
    const text = generateMessage(random, frameSeeds, { valid: 10, garbage: 0, damaged: 20 }, frameSeeds.values[random.chance(5) ? 3 : 1 + random.below(2)]);
    const parsed = asParsed(text) as { type?: unknown; payload?: unknown; mac?: unknown } | undefined;
    if (isCommandFrame(parsed)) return { command: true, text, payload: parsed.payload, mac: parsed.mac, kind: 'otherFrame', sentAt: now };
    return { command: false, text, kind: 'otherFrame' };
  }

  /** What the lane must do with a command frame: our own reading of the protocol, not the link's code. */
  function check(sent: Extract<Sent, { command: true }>, result: Extract<LaneToHub, { type: 'commandResult' }>, findings: Findings): void {
    // `notNow` for `laneError` is the lane failing to check the command (logged as an error, a crash here), not carrying it out.
    const carried = result.outcome === 'done' || (result.outcome === 'notNow' && result.reason !== 'laneError');
    const authentic = typeof sent.payload === 'string' && typeof sent.mac === 'string' && Buffer.from(sent.mac, 'base64url').equals(Buffer.from(mac(key, sent.payload), 'base64url'));
    const parsed = typeof sent.payload === 'string' ? (asParsed(sent.payload) as Partial<CommandBody> | undefined) : undefined;
    const id = typeof parsed?.id === 'string' ? parsed.id : undefined;
    findings.count(`command:${sent.kind}:${result.outcome}${result.reason ? `:${result.reason}` : ''}`);
    if (carried || (result.outcome === 'rejected' && result.reason === 'forbidden')) {
      const problems: string[] = [];
      if (!authentic) problems.push('not signed with the lane key');
      if (!parsed || typeof parsed !== 'object') problems.push('no command body');
      else {
        if (parsed.laneId !== laneId) problems.push(`for lane ${String(parsed.laneId)}`);
        if (!id || !idPattern.test(id)) problems.push('an id that is no nonce');
        else if (remembered.has(id)) problems.push('seen before');
        const { issuedAt, expiresAt } = parsed;
        if (typeof issuedAt !== 'number' || typeof expiresAt !== 'number' || expiresAt <= sent.sentAt - 1_000 || expiresAt - issuedAt > commandLifetimeMs || issuedAt > sent.sentAt + clockSkewToleranceMs + 1_000) problems.push('outside its time');
        const kind = parsed.action?.kind;
        if (typeof kind !== 'string' || !anyRemoteKind.has(kind)) problems.push(`an action ${String(kind)} the station may not send`);
        if (carried && (!parsed.by || !['assistant', 'supervisor'].includes(String(parsed.by.role)) || (typeof kind === 'string' && !mayPerform(parsed.by.role, kind as never)))) problems.push('beyond the role of who gave it');
      }
      if (problems.length > 0) findings.violation(shown(sent.text), `the lane ${carried ? 'carried out' : 'got as far as the role check with'} a command ${problems.join(', ')} (${sent.kind})`);
      if (id) remembered.add(id);
      if (carried && sent.kind === 'right') carriedOut.push(sent.text);
      if (carriedOut.length > 1_000) carriedOut.splice(0, 500);
      return;
    }
    if (sent.kind === 'right') findings.violation(shown(sent.text), `a rightly signed, fresh command was refused: ${result.reason}`);
    // A replay after the command's lifetime is refused as expired first: the time is checked before the nonce.
    if (sent.kind === 'replayed' && result.reason !== 'replayed' && result.reason !== 'expired') findings.violation(shown(sent.text), `a replayed command was refused as ${result.reason}, not as replayed`);
    if (!authentic && result.reason !== 'badMac') findings.violation(shown(sent.text), `a command not signed with the lane key was refused as ${result.reason}, not badMac`);
  }

  /** Each command frame sent again on its own, to find the one that made the link or the runtime log an error. */
  async function attribute(batch: readonly Sent[], findings: Findings): Promise<void> {
    let found = 0;
    for (const sent of batch) {
      if (!hub.online) return;
      hub.socket!.send(sent.text);
      await hub.barrier();
      const errors = lane.log.takeErrors();
      for (const line of errors) findings.crash(shown(sent.text), describeLogLine(line));
      if (errors.length > 0 && ++found >= 3) return;
    }
    if (found === 0) findings.crash('(a frame in this batch; not again when each was sent alone)', 'the lane logged an error');
  }

  return {
    async runBatch(random, size, findings) {
      let done = 0;
      while (done < size) {
        if (!(await hub.waitOnline(10_000))) {
          findings.violation('(after a refusal)', `the lane's supervisor link did not come back: ${hub.helloProblems.splice(0).join('; ')}`);
          return;
        }
        const batch: Sent[] = [];
        const resultsBefore = hub.results.length;
        let closing = false;
        while (done < size && !closing) {
          const sent = random.chance(1) ? ({ command: false, text: '', kind: 'binary' } as const) : frame(random);
          done++;
          if (sent.kind === 'binary') {
            hub.socket!.send(randomBytes(random, 100), { binary: true });
            continue;
          }
          if (Buffer.byteLength(sent.text) > maxHubFrameBytes) {
            findings.count('frame:overMaxPayload');
            continue;
          }
          hub.socket!.send(sent.text);
          batch.push(sent);
          const parsed = sent.command ? undefined : (asParsed(sent.text) as { type?: unknown; reason?: unknown } | undefined);
          // A refusal the link believes ends the connection: the rest of the batch goes on the next one.
          closing = parsed?.type === 'refused' && typeof parsed.reason === 'string' && parsed.reason.length <= 100;
          if (closing) findings.count('frame:refused');
        }
        const handled = await hub.barrier();
        const results = hub.results.splice(resultsBefore);
        const commands = batch.filter((sent): sent is Extract<Sent, { command: true }> => sent.command);
        if (!handled && !closing) findings.violation('(a frame in this batch)', 'the lane closed its hub connection');
        if (handled && results.length !== commands.length) findings.violation(shown(commands.at(-1)?.text ?? ''), `${commands.length} command frames, ${results.length} answers`);
        commands.forEach((sent, index) => {
          const result = results[index];
          if (result) check(sent, result, findings);
        });
        if (lane.log.errors.length > 0) {
          lane.log.takeErrors();
          await attribute(batch, findings);
        }
        for (const problem of hub.helloProblems.splice(0)) findings.violation('(the lane reconnecting)', problem);
      }
      // The lane sells on meanwhile: a scan now and then gives commands a sale to act on.
      if (random.chance(20)) lane.devices.scanner.emitScan(random.pick(lane.keyedCodes));
      findings.count(`state:${lane.runtime.view.state}`);
    },
    async close() {
      await link.stop();
      await hub.close();
      await lane.close();
    },
  };
}
