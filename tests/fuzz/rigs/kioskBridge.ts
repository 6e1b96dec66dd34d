import type { LaneService } from '../../../shared/bridge/laneService';
import { laneServiceSchema } from '../../../shared/bridge/laneServiceSchema';
import { callMessageSchema, serveConnection } from '../../../shared/bridge/rpcServer';
import type { AssistantCommand, UiEvent } from '../../../shared/checkout/events';
import { canonicalJson } from '../../../shared/store/catalogEntities';
import { asParsed, generateMessage, jsonSeeds } from '../jsonMutate';
import { describeLogLine, errorText, shown, type Findings, type MessageRig } from '../messageTarget';
import type { Random } from '../mutate';
import { MemoryConnection } from './memoryConnection';
import { startFuzzLane } from './fuzzLane';
import { fuzzStaff } from './staff';

/**
 * `bridge.kioskMessages`: every message a kiosk page can send, through the real bridge server
 * (`serveConnection` with `laneServiceSchema`) into a real LaneRuntime on fake devices, a demo
 * catalogue and a journal. The service is wrapped only to record what reaches it: a call that
 * reaches the lane must be exactly the call on the wire and pass its schema, and every call the
 * schema refuses must be answered with an error and never reach the lane.
 */

type Method = keyof LaneService;
/** Past this many lines the rig ends the sale (see clearLongBasket). */
const maxBasketLines = 25;
const methods = Object.keys(laneServiceSchema) as Method[];

/** Every assistant command, as the kiosk's assistant panel sends them. */
function assistantCommands(lineIds: readonly number[]): AssistantCommand[] {
  const byKind: { [K in AssistantCommand['kind']]: Extract<AssistantCommand, { kind: K }>[] } = {
    approveAge: [{ kind: 'approveAge' }],
    refuseAge: [{ kind: 'refuseAge' }],
    approveBagging: [{ kind: 'approveBagging' }],
    approveSkipBagging: [{ kind: 'approveSkipBagging' }],
    setQuantity: lineIds.flatMap((lineId) => [
      { kind: 'setQuantity', lineId, quantity: 0 },
      { kind: 'setQuantity', lineId, quantity: 3 },
    ]),
    overridePrice: lineIds.map((lineId) => ({ kind: 'overridePrice', lineId, priceMinor: 99, reason: 'damaged' }) as const),
    voidSale: [{ kind: 'voidSale' }],
    suspendSale: [{ kind: 'suspendSale' }],
    reprintLastReceipt: [{ kind: 'reprintLastReceipt' }],
    resumeSale: [{ kind: 'resumeSale' }],
    closeLane: [{ kind: 'closeLane' }],
    openLane: [{ kind: 'openLane' }],
    startMaintenance: [{ kind: 'startMaintenance' }],
    endMaintenance: [{ kind: 'endMaintenance' }],
    leaveKiosk: [{ kind: 'leaveKiosk' }],
    confirmTender: [
      { kind: 'confirmTender', tender: 'cash', tenderedMinor: 2000 },
      { kind: 'confirmTender', tender: 'other', tenderedMinor: 1 },
    ],
  };
  return Object.values(byKind).flat();
}

/** Every event a kiosk screen sends (the record makes the compiler list a new one here). */
function uiEvents(gtins: readonly string[], keyed: readonly string[]): UiEvent[] {
  const lineIds = [1, 2, 3];
  const byType: { [T in UiEvent['type']]: Extract<UiEvent, { type: T }>[] } = {
    'ui.start': [{ type: 'ui.start' }],
    'ui.setLanguage': [
      { type: 'ui.setLanguage', language: 'lv' },
      { type: 'ui.setLanguage', language: 'ru' },
      { type: 'ui.setLanguage', language: 'en' },
    ],
    'ui.setHighContrast': [{ type: 'ui.setHighContrast', on: true }],
    'ui.pay': [{ type: 'ui.pay' }],
    'ui.cancelSale': [{ type: 'ui.cancelSale' }],
    'ui.confirmCancel': [{ type: 'ui.confirmCancel' }],
    'ui.dismiss': [{ type: 'ui.dismiss' }],
    'ui.cancelPayment': [{ type: 'ui.cancelPayment' }],
    'ui.retryPayment': [{ type: 'ui.retryPayment' }],
    'ui.backToBasket': [{ type: 'ui.backToBasket' }],
    'ui.reprint': [{ type: 'ui.reprint' }],
    'ui.acceptWeight': [{ type: 'ui.acceptWeight' }],
    'ui.chooseContainer': [
      { type: 'ui.chooseContainer', containerId: 'bag' },
      { type: 'ui.chooseContainer', containerId: null },
    ],
    'ui.finish': [{ type: 'ui.finish' }],
    'ui.openLookup': [{ type: 'ui.openLookup' }],
    'ui.chooseItem': gtins.map((gtin) => ({ type: 'ui.chooseItem', gtin })),
    'ui.callHelp': [{ type: 'ui.callHelp' }],
    'ui.removeLine': lineIds.map((lineId) => ({ type: 'ui.removeLine', lineId })),
    'ui.setReceiptWanted': [{ type: 'ui.setReceiptWanted', wanted: false }],
    'ui.ownBag': [{ type: 'ui.ownBag' }],
    'ui.cancelHelp': [{ type: 'ui.cancelHelp' }],
    'ui.dismissMessage': [{ type: 'ui.dismissMessage' }],
    'ui.cancelVoidRequest': [{ type: 'ui.cancelVoidRequest' }],
    'ui.skipBagging': [{ type: 'ui.skipBagging' }],
    'ui.payByCard': [{ type: 'ui.payByCard' }],
    'ui.payAtAssistant': [{ type: 'ui.payAtAssistant' }],
    'ui.enterBarcode': keyed.map((code) => ({ type: 'ui.enterBarcode', code })),
    'ui.openSignIn': [{ type: 'ui.openSignIn' }],
    'ui.closeSignIn': [{ type: 'ui.closeSignIn' }],
    'ui.assistantSignIn': [
      ...fuzzStaff.map((assistant) => ({ type: 'ui.assistantSignIn', assistantId: assistant.id, pin: assistant.pin }) as const),
      { type: 'ui.assistantSignIn', assistantId: '1001', pin: '0000' },
    ],
    'ui.assistantSignOut': [{ type: 'ui.assistantSignOut' }],
    'ui.assistantCommand': assistantCommands(lineIds).map((command) => ({ type: 'ui.assistantCommand', command })),
  };
  return Object.values(byType).flat();
}

function seedCalls(gtins: readonly string[], keyed: readonly string[]): { method: Method; args: unknown }[] {
  const calls: { method: Method; args: unknown }[] = [
    { method: 'getView', args: {} },
    { method: 'mostUsedItems', args: {} },
    // Search text as typed, including what full-text query syntax makes of quotes, stars and operators.
    ...['mil', 'piens', '4011', 'banāni', 'ябл', '', 'a'.repeat(64), '"', 'NEAR(a b)', 'milk AND OR', '"unclosed', '*', 'x*', 'col:val', '^', '-milk', '%', '_'].map(
      (text) => ({ method: 'searchItems' as const, args: { text } }),
    ),
  ];
  for (const event of uiEvents(gtins, keyed)) calls.push({ method: 'sendEvent', args: { event } });
  // Shopper-like bursts: more of what moves a sale along.
  for (const code of keyed) calls.push({ method: 'sendEvent', args: { event: { type: 'ui.enterBarcode', code } } });
  for (const type of ['ui.start', 'ui.pay', 'ui.payByCard', 'ui.finish', 'ui.cancelSale', 'ui.confirmCancel'] as const) calls.push({ method: 'sendEvent', args: { event: { type } } });
  return calls;
}

export async function startKioskRig(): Promise<MessageRig> {
  const lane = await startFuzzLane();
  const { runtime, devices, log, keyedCodes: keyed } = lane;

  const calls: { method: string; args: unknown }[] = [];
  const recorded = {} as Record<Method, (args: never) => Promise<unknown>>;
  for (const method of methods) {
    const real = runtime.service[method] as (args: unknown) => Promise<unknown>;
    recorded[method] = (args: unknown) => {
      calls.push({ method, args });
      return real(args);
    };
  }
  const connection = new MemoryConnection();
  let refusedBy = '';
  const served = serveConnection(connection, recorded as unknown as LaneService, laneServiceSchema, (reason) => (refusedBy = reason.code));

  const seeds = jsonSeeds(seedCalls(lane.gtins, keyed).map(({ method, args }) => ({ kind: 'call', id: 0, method, args })));
  let nextId = 1;

  async function runCase(random: Random, findings: Findings): Promise<void> {
    const seed = { ...(random.pick(seeds.values) as object), id: nextId++ };
    const text = generateMessage(random, seeds, { valid: 20, garbage: 5, damaged: 15 }, seed);
    const parsed = asParsed(text);
    const envelope = callMessageSchema.safeParse(parsed);
    const known = envelope.success && Object.hasOwn(laneServiceSchema, envelope.data.method);
    const valid = known && envelope.success && laneServiceSchema[envelope.data.method as Method].safeParse(envelope.data.args).success;
    if (envelope.success) connection.results.delete(envelope.data.id);
    calls.length = 0;
    refusedBy = '';
    try {
      connection.receive(text);
    } catch (error) {
      findings.crash(shown(text), `the bridge server threw: ${errorText(error)}`);
    }
    if (envelope.success) {
      if (!(await connection.waitForResult(envelope.data.id, 10_000))) findings.violation(shown(text), 'a call got no answer within 10 s');
    } else {
      await null;
    }
    for (const line of log.takeErrors()) findings.crash(shown(text), describeLogLine(line));
    if (connection.unreadable.length) findings.violation(shown(text), `the bridge answered with text that is not JSON: ${connection.unreadable.splice(0).join(' | ').slice(0, 300)}`);

    if (!valid) {
      findings.count(`refused:${refusedBy || 'none'}`);
      if (calls.length > 0) findings.violation(shown(text), `a call the schema refuses reached the lane: ${JSON.stringify(calls[0]).slice(0, 300)}`);
      if (envelope.success) {
        const result = connection.results.get(envelope.data.id);
        const expected = known ? 'badArguments' : 'unknownMethod';
        if (result && (result.ok || result.error.code !== expected)) findings.violation(shown(text), `expected a ${expected} error, got ${JSON.stringify(result).slice(0, 300)}`);
      }
      return;
    }
    const { id, method, args } = envelope.data;
    findings.count(`reached:${method}`);
    if (calls.length !== 1 || calls[0]!.method !== method) {
      findings.violation(shown(text), `a valid call reached the lane ${calls.length} times (${calls.map((call) => call.method).join(', ')})`);
    } else if (canonicalJson(calls[0]!.args) !== canonicalJson(args)) {
      findings.violation(shown(text), `the lane got other arguments than were sent: ${canonicalJson(calls[0]!.args).slice(0, 300)}`);
    } else if (!laneServiceSchema[method as Method].safeParse(calls[0]!.args).success) {
      findings.violation(shown(text), 'arguments that fail the schema reached the lane');
    }
    const result = connection.results.get(id);
    if (result && !result.ok) findings.crash(shown(text), `the lane failed a valid call: ${result.error.message}`);
  }

  /**
   * Shoppers finish: a basket the fuzzer has filled with dozens of lines is cancelled (or voided by
   * a supervisor) through the lane's own service, so each event does not persist an ever longer sale.
   */
  async function clearLongBasket(findings: Findings): Promise<void> {
    const lines = () => runtime.view.context.sale?.lines.length ?? 0;
    if (lines() <= maxBasketLines) return;
    const send = (event: UiEvent) => runtime.service.sendEvent({ event });
    for (const type of ['ui.dismiss', 'ui.cancelHelp', 'ui.closeSignIn', 'ui.cancelPayment', 'ui.backToBasket', 'ui.cancelSale', 'ui.confirmCancel'] as const) await send({ type });
    for (const supervisor of fuzzStaff.filter((assistant) => assistant.role === 'supervisor' && assistant.active)) {
      if (lines() <= maxBasketLines) break;
      await send({ type: 'ui.assistantSignIn', assistantId: supervisor.id, pin: supervisor.pin });
      await send({ type: 'ui.assistantCommand', command: { kind: 'voidSale' } });
      await send({ type: 'ui.assistantSignOut' });
    }
    findings.count(lines() <= maxBasketLines ? 'basket:cleared' : 'basket:stillLong');
  }

  return {
    async runBatch(random, size, findings) {
      for (let index = 0; index < size; index++) await runCase(random, findings);
      await clearLongBasket(findings);
      // What the rest of the lane does meanwhile: scans at the scanner, the card terminal answering.
      if (random.chance(30)) devices.scanner.emitScan(random.pick(keyed));
      const request = devices.paymentTerminal.requests.at(-1);
      if (request && random.chance(50)) {
        if (random.chance(70)) devices.paymentTerminal.approve(request.reference);
        else devices.paymentTerminal.decline(request.reference);
        devices.paymentTerminal.requests.length = 0;
      }
      devices.printer.documents.length = 0;
      await null;
      for (const line of log.takeErrors()) findings.crash('(between batches: scans and payments at the fake devices)', describeLogLine(line));
      findings.count(`state:${runtime.view.state}`);
    },
    async close() {
      served.dispose();
      connection.close();
      await lane.close();
    },
  };
}
