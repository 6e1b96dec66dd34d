import { createServer, connect, type Server, type Socket } from 'node:net';
import { seededRandom } from '../../shared/random';

/**
 * A TCP proxy on loopback that gets in the way of a lane and its store like a bad network
 * does: it delays bytes, cuts connections part-way (a clean FIN), resets them (RST), swallows
 * them (a black hole: the bytes go nowhere and nothing answers), and partitions (every
 * connection killed and new ones refused for a while). Faults are drawn from a seeded random,
 * so a failing run can be repeated.
 */
export interface FaultProxyOptions {
  readonly targetHost: string;
  readonly targetPort: number;
  readonly seed?: number;
  /** Chance per connection of each fault; the rest pass (delayed, perhaps). */
  readonly faults?: Partial<Record<'cut' | 'reset' | 'blackhole', number>>;
  /** Extra latency per chunk, drawn between 0 and this (ms). */
  readonly maxDelayMs?: number;
}

export interface FaultProxyStats {
  connections: number;
  passed: number;
  cut: number;
  reset: number;
  blackholed: number;
  refused: number;
}

export interface FaultProxy {
  readonly port: number;
  readonly stats: FaultProxyStats;
  /** Kills every connection and refuses new ones until `heal()`. */
  partition(): void;
  heal(): void;
  /** Changes the fault chances from now on (e.g. none, to let everything settle). */
  setFaults(faults: FaultProxyOptions['faults'], maxDelayMs?: number): void;
  close(): Promise<void>;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed ?? 1);
  let faults = { cut: 0, reset: 0, blackhole: 0, ...options.faults };
  let maxDelayMs = options.maxDelayMs ?? 0;
  let partitioned = false;
  const stats: FaultProxyStats = { connections: 0, passed: 0, cut: 0, reset: 0, blackholed: 0, refused: 0 };
  const open = new Set<Socket>();

  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    // A fault is the point: errors on either side are expected, never fatal.
    socket.on('error', () => {});
  };

  const server: Server = createServer((client) => {
    track(client);
    stats.connections++;
    if (partitioned) {
      stats.refused++;
      client.resetAndDestroy();
      return;
    }
    const roll = random();
    if (roll < faults.blackhole) {
      stats.blackholed++;
      // Read and drop everything; the peer waits until its own timeout.
      client.on('data', () => {});
      return;
    }
    const upstream = connect(options.targetPort, options.targetHost);
    track(upstream);
    const kill = (how: 'cut' | 'reset') => {
      if (how === 'reset') {
        client.resetAndDestroy();
        upstream.destroy();
      } else {
        client.end();
        upstream.end();
      }
    };
    let fault: 'cut' | 'reset' | null = null;
    if (roll < faults.blackhole + faults.cut) fault = 'cut';
    else if (roll < faults.blackhole + faults.cut + faults.reset) fault = 'reset';
    if (fault) stats[fault]++;
    else stats.passed++;
    // A faulty connection dies after a random number of bytes from either side: before the
    // request arrives, mid-request, after the server acted but before its answer got back…
    let budget = fault ? Math.floor(random() * 4096) : Number.POSITIVE_INFINITY;

    // Each direction is a queue: a delayed chunk holds back the ones after it and the end, so
    // the bytes arrive late but in order, as on a slow link.
    const pipe = (from: Socket, to: Socket) => {
      let queue = Promise.resolve();
      const later = (step: () => void) => {
        const delay = maxDelayMs > 0 ? Math.floor(random() * maxDelayMs) : 0;
        queue = queue.then(() => (delay > 0 ? new Promise<void>((resolve) => setTimeout(resolve, delay)) : undefined)).then(step);
      };
      from.on('data', (chunk: Buffer) => {
        later(() => {
          if (to.destroyed) return;
          const allowed = Math.min(chunk.length, budget);
          budget -= allowed;
          if (allowed > 0) to.write(allowed === chunk.length ? chunk : chunk.subarray(0, allowed));
          if (budget <= 0 && fault) kill(fault);
        });
      });
      from.on('end', () => later(() => !to.destroyed && to.end()));
      from.on('close', () => later(() => !to.destroyed && to.destroy()));
    };
    pipe(client, upstream);
    pipe(upstream, client);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fault proxy: no port');

  return {
    port: address.port,
    stats,
    partition() {
      partitioned = true;
      for (const socket of open) socket.destroy();
    },
    heal() {
      partitioned = false;
    },
    setFaults(next, delay) {
      faults = { cut: 0, reset: 0, blackhole: 0, ...next };
      if (delay !== undefined) maxDelayMs = delay;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
