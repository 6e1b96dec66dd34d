import { createServer, type Server } from 'node:http';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../support/faultProxy';

/** The store-sync proof leans on this proxy: it must really pass, delay, cut, reset and partition. */
describe('fault proxy', () => {
  let server: Server;
  let port: number;
  let proxy: FaultProxy | undefined;

  beforeEach(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => res.end(`echo:${body}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (through: number, body: string, timeoutMs = 2_000) =>
    new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: through, method: 'POST', path: '/', agent: false, timeout: timeoutMs }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });

  it('passes traffic through, delayed, when told to do no harm', async () => {
    proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: port, maxDelayMs: 20 });
    expect(await post(proxy.port, 'hello')).toBe('echo:hello');
    expect(proxy.stats).toMatchObject({ connections: 1, passed: 1 });
  });

  it('cuts, resets and black-holes connections, and every failure reaches the client as an error', async () => {
    proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: port, seed: 7, faults: { cut: 0.3, reset: 0.3, blackhole: 0.2 } });
    const outcomes = await Promise.all(Array.from({ length: 60 }, (_, i) => post(proxy!.port, `n${i}`, 300).then((text) => text, (error: Error) => `error:${error.message}`)));
    const { stats } = proxy;
    expect(stats.connections).toBe(60);
    expect(stats.cut).toBeGreaterThan(0);
    expect(stats.reset).toBeGreaterThan(0);
    expect(stats.blackholed).toBeGreaterThan(0);
    // Whatever got through is whole; nothing arrives altered.
    for (const [i, outcome] of outcomes.entries()) expect(outcome === `echo:n${i}` || outcome.startsWith('error:') || outcome === '').toBe(true);
    expect(outcomes.filter((outcome) => outcome.startsWith('echo:')).length).toBeGreaterThanOrEqual(stats.passed);
  });

  it('partitions: existing and new connections fail until healed', async () => {
    proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: port });
    proxy.partition();
    await expect(post(proxy.port, 'x')).rejects.toThrow();
    expect(proxy.stats.refused).toBe(1);
    proxy.heal();
    expect(await post(proxy.port, 'y')).toBe('echo:y');
  });
});
