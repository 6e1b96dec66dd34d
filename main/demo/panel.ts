import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { getRestrictedTemplate, makeRestrictedBarcode, parseScannerText } from '../../shared/barcode';
import type { Logger } from '../../shared/log';
import { demoSettings, produceGtin, showcase } from '../catalog/demoCatalog';
import { demoDeliPrefix } from '../catalog/ensureDemoCatalog';
import { demoCouponCodes } from '../catalog/demoPromotions';
import { demoAssistants } from '../assistants/demoAssistants';
import type { DemoLane } from './demoStore';
import { scanAndBag } from './shopperHands';

/**
 * The demo's "hardware" panel on loopback: buttons that scan sample barcodes through the
 * simulated scanner's serial line, answer the simulated card terminal, and open the printer
 * cover or take its paper. What a person would otherwise do with their hands at a lane.
 */

export interface SampleScan {
  readonly label: string;
  readonly code: string;
  /** The demo shopper puts it in the bagging area afterwards (not an unknown or rejected code, not produce still to weigh). */
  readonly bag?: boolean;
}

/** A demo shopper's loyalty card (Code 128, store prefix `LW:L:`). */
export const demoLoyaltyCard = 'LW:L:2401000012345';

/** A gift card with €5.00 on it: the terminal approves at most that, and the shopper pays the rest another way. */
export const demoGiftCard = { kind: 'approve', approvedMinor: 500, scheme: 'GIFT', last4: '0500' } as const;

export function demoSampleScans(): SampleScan[] {
  const template = getRestrictedTemplate(demoSettings.restrictedTemplate ?? 'sweden')!;
  return [
    { label: 'Milk', bag: true, code: showcase.milk },
    { label: 'Rye bread', bag: true, code: showcase.bread },
    { label: 'Chocolate', bag: true, code: showcase.chocolate },
    { label: 'Coffee', bag: true, code: showcase.coffee },
    { label: 'Beer (18+)', bag: true, code: showcase.beer },
    { label: 'Bananas (weighed: PLU 4011 card)', code: produceGtin('4011').slice(1) },
    { label: 'Deli cheese, labelled €4.58', bag: true, code: makeRestrictedBarcode(template, { prefix: demoDeliPrefix, itemReference: '000001', priceMinor: 458 }, demoSettings.currency) },
    { label: 'Milk as UPC-A/EAN with AIM ]E0', bag: true, code: `]E0${showcase.milk}` },
    { label: 'GS1-128: milk', bag: true, code: `]C101${showcase.milk.padStart(14, '0')}` },
    { label: 'Digital Link QR: coffee', bag: true, code: `]Q3https://id.gs1.org/01/${showcase.coffee.padStart(14, '0')}` },
    { label: 'Not in the catalogue', code: '4006381333931' },
    { label: 'Wrong check digit', code: '4750001000017' },
    { label: 'Vodka (18+, €9.99: only an assistant may remove it)', bag: true, code: showcase.vodka },
    { label: 'Coupon: €1.00 off coffee', code: `]C0${demoCouponCodes.coffee}` },
    { label: 'Coupon: 10% off from €10.00', code: `]C0${demoCouponCodes.tenPercent}` },
    { label: 'Coupon: expired', code: `]C0${demoCouponCodes.expired}` },
    { label: 'Loyalty card', code: `]C0${demoLoyaltyCard}` },
    { label: `Staff badge: ${demoAssistants[0].name} (PIN ${demoAssistants[0].pin})`, code: `]C0${demoAssistants[0].badge}` },
  ];
}

const laneAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('scan'), code: z.string().min(1).max(512), bag: z.boolean().default(false) }),
  z.object({ action: z.literal('garbage') }),
  /** `approvePart`: a gift card with €5.00 on it — the terminal approves at most that (split tender). */
  z.object({ action: z.literal('terminal'), decision: z.enum(['approve', 'approvePart', 'decline', 'cancel']) }),
  z.object({ action: z.literal('paper'), paper: z.enum(['ok', 'nearEnd', 'end']) }),
  z.object({ action: z.literal('cover'), open: z.boolean() }),
  /** Something put on (or taken off) the weighing platter; `motion` leaves it swinging until the next load. */
  z.object({ action: z.literal('scale'), grams: z.number().int().min(-1_000).max(40_000), motion: z.boolean().default(false) }),
  z.object({ action: z.literal('bagging'), grams: z.number().int().min(0).max(40_000) }),
  /** Put down (positive) or take away (negative) something, relative to what is there. */
  z.object({ action: z.literal('baggingChange'), grams: z.number().int().min(-40_000).max(40_000) }),
  z.object({ action: z.literal('scaleFault'), fault: z.enum(['silent', 'zeroError', 'none']) }),
]);

export interface DevicePanel {
  readonly url: string;
  close(): Promise<void>;
}

export async function startDevicePanel(lanes: readonly DemoLane[], options: { port: number; log: Logger }): Promise<DevicePanel> {
  const samples = demoSampleScans();
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log.warn({ error: String(error) }, 'device panel request failed');
      if (!response.headersSent) send(response, 500, { error: String(error) });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/') return sendText(response, 'text/html; charset=utf-8', panelHtml);
    if (request.method === 'GET' && url.pathname === '/panel.js') return sendText(response, 'text/javascript; charset=utf-8', panelScript);
    if (request.method === 'GET' && url.pathname === '/api/state') {
      return send(response, 200, {
        samples,
        lanes: lanes.map((lane) => ({
          laneId: lane.laneId,
          url: lane.url,
          scannerPath: lane.scannerPty.devicePath,
          laneUp: lane.process.ready !== undefined,
          pending: lane.terminal.pending,
          paper: lane.printer.paper,
          scale: { reading: lane.scale.reading, load: lane.scale.load, silent: lane.scale.silent },
          bagging: { reading: lane.baggingScale.reading },
          lamps: lane.laneLight.lamps,
          receipts: lane.printer.receipts.slice(-3).map((receipt) => receipt.text),
        })),
      });
    }
    const match = /^\/api\/lanes\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    const lane = match && lanes.find((candidate) => candidate.laneId === match[1]);
    if (request.method === 'POST' && lane) {
      const parsed = laneAction.safeParse(await readJson(request));
      if (!parsed.success) return send(response, 400, { error: z.prettifyError(parsed.error) });
      const command = parsed.data;
      switch (command.action) {
        case 'scan':
          if (command.bag && lane.baggingScale) await scanAndBag(lane, command.code);
          else await lane.scanner.scan(parseScannerText(command.code));
          break;
        case 'garbage':
          await lane.scanner.writeRaw(Uint8Array.from([0x00, 0xff, 0x1b, 0x07, 0x80, 0x9f, 0x0d]));
          break;
        case 'terminal':
          lane.terminal.decide(command.decision === 'approvePart' ? demoGiftCard : command.decision);
          break;
        case 'paper':
          lane.printer.setPaper(command.paper);
          break;
        case 'cover':
          lane.printer.setCoverOpen(command.open);
          break;
        case 'scale':
          lane.scale.setLoad(command.grams);
          lane.scale.setMotion(command.motion);
          break;
        case 'bagging':
          lane.baggingScale.setLoad(command.grams);
          break;
        case 'baggingChange':
          lane.baggingScale.setLoad(Math.max(0, lane.baggingScale.load + command.grams));
          break;
        case 'scaleFault':
          lane.scale.silent = command.fault === 'silent';
          lane.scale.setZeroError(command.fault === 'zeroError');
          break;
      }
      return send(response, 200, { ok: true });
    }
    send(response, 404, { error: 'not found' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const securityHeaders = { 'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'", 'X-Content-Type-Options': 'nosniff' };

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...securityHeaders, 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function sendText(response: ServerResponse, type: string, body: string): void {
  response.writeHead(200, { ...securityHeaders, 'Content-Type': type, 'Cache-Control': 'no-cache' }).end(body);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > 4096) throw new Error('request too large');
  }
  try {
    return JSON.parse(body || '{}');
  } catch {
    return undefined;
  }
}

const panelHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lanewise demo — device panel</title>
<style>
body{font:16px system-ui,sans-serif;margin:1rem;background:#f4f4f2;color:#111}
h1{font-size:1.3rem}.lane{background:#fff;border-radius:8px;padding:1rem;margin-bottom:1rem;box-shadow:0 1px 3px #0002}
button{font:inherit;padding:.5rem .8rem;margin:.2rem;border-radius:6px;border:1px solid #888;background:#fafafa;cursor:pointer}
button.go{background:#1b7f3b;color:#fff;border-color:#1b7f3b}button.stop{background:#b3261e;color:#fff;border-color:#b3261e}
pre{background:#111;color:#eee;padding:.6rem;border-radius:6px;max-height:22rem;overflow:auto;font-size:13px}
code{background:#eee;padding:0 .3rem}input{font:inherit;padding:.4rem;width:18rem}
</style></head>
<body><h1>Lanewise demo — simulated devices</h1><p>Everything here goes through the real drivers: scans are written to the scanner's serial line, the card terminal answers over TCP, the printer's status is read with DLE EOT.</p>
<div id="lanes">Loading…</div><script src="panel.js"></script></body></html>`;

const panelScript = `'use strict';
const lanesEl = document.getElementById('lanes');
let samples = [];
function post(laneId, body) {
  return fetch('/api/lanes/' + laneId, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then(refresh);
}
function el(tag, props, children) {
  const node = Object.assign(document.createElement(tag), props || {});
  for (const child of children || []) node.append(child);
  return node;
}
function reading(r) {
  if (!r) return '?';
  if (r.kind === 'stable') return 'stable ' + (r.weight.grams / 1000).toFixed(3) + ' kg';
  return r.kind;
}
function render(state) {
  samples = state.samples;
  lanesEl.replaceChildren(...state.lanes.map((lane) => {
    const input = el('input', { placeholder: 'barcode, e.g. ]C101… or <GS>' });
    const scanButtons = samples.map((s) => el('button', { textContent: s.label, title: s.code + (s.bag ? ' (then put in the bagging area)' : ''), onclick: () => post(lane.laneId, { action: 'scan', code: s.code, bag: Boolean(s.bag) }) }));
    const pending = lane.pending[0];
    return el('section', { className: 'lane' }, [
      el('h2', { textContent: 'Lane ' + lane.laneId + (lane.laneUp ? '' : ' (restarting…)') }),
      el('p', {}, [el('a', { href: lane.url, target: '_blank', textContent: 'Open the kiosk ' + lane.url })]),
      el('p', {}, ['Scanner line: ', el('code', { textContent: lane.scannerPath })]),
      el('div', {}, ['Scan: ', ...scanButtons]),
      el('div', {}, [input, el('button', { textContent: 'Scan typed code', onclick: () => input.value && post(lane.laneId, { action: 'scan', code: input.value }) }),
        el('button', { textContent: 'Send garbage bytes', onclick: () => post(lane.laneId, { action: 'garbage' }) })]),
      el('h3', { textContent: 'Weighing scale: ' + reading(lane.scale.reading) + (lane.scale.silent ? ' (not answering)' : '') }),
      el('div', {}, [
        ...[0, 412, 1234, 2750].map((grams) => el('button', { textContent: grams === 0 ? 'Empty the scale' : 'Put ' + (grams / 1000).toFixed(3) + ' kg', onclick: () => post(lane.laneId, { action: 'scale', grams }) })),
        el('button', { textContent: 'Swinging bag (motion)', onclick: () => post(lane.laneId, { action: 'scale', grams: lane.scale.load || 800, motion: true }) }),
        el('button', { textContent: 'Over capacity', onclick: () => post(lane.laneId, { action: 'scale', grams: 16000 }) }),
        el('button', { textContent: 'Under zero', onclick: () => post(lane.laneId, { action: 'scale', grams: -200 }) }),
        el('button', { textContent: 'Unplug (silent)', onclick: () => post(lane.laneId, { action: 'scaleFault', fault: 'silent' }) }),
        el('button', { textContent: 'Scale OK', onclick: () => post(lane.laneId, { action: 'scaleFault', fault: 'none' }) })]),
      el('h3', { textContent: 'Bagging area: ' + reading(lane.bagging.reading) }),
      el('div', {}, [
        el('button', { textContent: 'Put down an unscanned item (+500 g)', onclick: () => post(lane.laneId, { action: 'baggingChange', grams: 500 }) }),
        el('button', { textContent: 'Take something away (−500 g)', onclick: () => post(lane.laneId, { action: 'baggingChange', grams: -500 }) }),
        el('button', { textContent: 'Put down the weighed item (scale load)', onclick: () => post(lane.laneId, { action: 'baggingChange', grams: lane.scale.load }) }),
        el('button', { textContent: 'Empty', onclick: () => post(lane.laneId, { action: 'bagging', grams: 0 }) })]),
      el('p', { textContent: 'Lane light: ' + (['green', 'yellow', 'red'].filter((lamp) => lane.lamps[lamp]).join(' + ') || 'off') + (lane.lamps.buzzer ? ' + buzzer' : '') }),
      el('h3', { textContent: 'Card terminal' }),
      pending
        ? el('div', {}, ['Waiting for card: ' + (pending.amountMinor / 100).toFixed(2) + ' ' + pending.currency + ' ',
            el('button', { className: 'go', textContent: 'Approve', onclick: () => post(lane.laneId, { action: 'terminal', decision: 'approve' }) }),
            el('button', { className: 'stop', textContent: 'Decline', onclick: () => post(lane.laneId, { action: 'terminal', decision: 'decline' }) }),
            el('button', { textContent: 'Gift card with €5.00 (partial)', onclick: () => post(lane.laneId, { action: 'terminal', decision: 'approvePart' }) }),
            el('button', { textContent: 'Shopper cancels on terminal', onclick: () => post(lane.laneId, { action: 'terminal', decision: 'cancel' }) })])
        : el('p', { textContent: 'Idle: no payment in progress.' }),
      el('h3', { textContent: 'Receipt printer (paper: ' + lane.paper + ')' }),
      el('div', {}, [
        el('button', { textContent: 'Paper OK', onclick: () => post(lane.laneId, { action: 'paper', paper: 'ok' }) }),
        el('button', { textContent: 'Paper near end', onclick: () => post(lane.laneId, { action: 'paper', paper: 'nearEnd' }) }),
        el('button', { textContent: 'Paper out', onclick: () => post(lane.laneId, { action: 'paper', paper: 'end' }) }),
        el('button', { textContent: 'Open cover', onclick: () => post(lane.laneId, { action: 'cover', open: true }) }),
        el('button', { textContent: 'Close cover', onclick: () => post(lane.laneId, { action: 'cover', open: false }) })]),
      ...lane.receipts.slice().reverse().map((text) => el('pre', { textContent: text })),
    ]);
  }));
}
let shown = '';
// Re-render only on change, so a half-typed barcode is not wiped every second.
function refresh() {
  return fetch('/api/state').then((r) => r.text()).then((text) => { if (text !== shown) { shown = text; render(JSON.parse(text)); } }).catch(() => {});
}
refresh();
setInterval(refresh, 1000);
`;
