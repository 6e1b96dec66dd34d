import { createServer, connect, type Server, type Socket } from 'node:net';
import { createPtyPair, type PtyPair } from '../../devices/sim/ptyPair';

/**
 * The cables of the device proof: what a fault does to the wire between a simulated device
 * and the lane's driver.
 */

/**
 * A serial cable: a socat pty pair that can be pulled out and plugged back in at the same
 * paths, as a re-plugged USB-serial adapter comes back as the same /dev/ttyUSB0.
 */
export class SerialCable {
  #pair: PtyPair;

  private constructor(
    readonly directory: string,
    readonly name: string,
    pair: PtyPair,
  ) {
    this.#pair = pair;
  }

  static async create(directory: string, name: string): Promise<SerialCable> {
    return new SerialCable(directory, name, await createPtyPair(directory, name));
  }

  get devicePath(): string {
    return this.#pair.devicePath;
  }

  get hostPath(): string {
    return this.#pair.hostPath;
  }

  get plugged(): boolean {
    return !this.#pair.closed;
  }

  /** socat exits and both links disappear, as when the adapter is pulled. */
  unplug(): Promise<void> {
    return this.#pair.close();
  }

  /** A new pair at the same paths (only once `unplug()` has finished: it removes the old links). */
  async plugBackIn(): Promise<void> {
    if (!this.#pair.closed) return;
    this.#pair = await createPtyPair(this.directory, this.name);
  }

  close(): Promise<void> {
    return this.#pair.close();
  }
}

interface Connection {
  readonly lane: Socket;
  readonly device: Socket;
}

/**
 * The card terminal's network cable: a loopback pass-through between the lane and the
 * simulated terminal. Unplugged, it drops every connection and refuses new ones (the terminal
 * gone, as the simulator's own `setOffline` models it); stalled, it holds every byte in both
 * directions while the connections stay up (a hung terminal or a switch port that stopped
 * forwarding), and lets them through again when it is resumed.
 */
export class TcpCable {
  readonly #server: Server;
  readonly #connections = new Set<Connection>();
  #state: 'plugged' | 'unplugged' | 'stalled' = 'plugged';

  private constructor(server: Server) {
    this.#server = server;
  }

  static async create(targetPort: number): Promise<TcpCable> {
    const server = createServer();
    const cable = new TcpCable(server);
    server.on('connection', (lane) => cable.#accept(lane, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
    });
    return cable;
  }

  get port(): number {
    const address = this.#server.address();
    if (!address || typeof address === 'string') throw new Error('the cable is not listening');
    return address.port;
  }

  get state(): 'plugged' | 'unplugged' | 'stalled' {
    return this.#state;
  }

  unplug(): void {
    this.#state = 'unplugged';
    for (const connection of this.#connections) this.#drop(connection);
  }

  plugBackIn(): void {
    this.#resumeAll();
  }

  stall(): void {
    if (this.#state !== 'plugged') return;
    this.#state = 'stalled';
    for (const { lane, device } of this.#connections) {
      lane.pause();
      device.pause();
    }
  }

  resume(): void {
    this.#resumeAll();
  }

  async close(): Promise<void> {
    this.unplug();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #resumeAll(): void {
    this.#state = 'plugged';
    for (const { lane, device } of this.#connections) {
      lane.resume();
      device.resume();
    }
  }

  #accept(lane: Socket, targetPort: number): void {
    // A fault is the point here: errors on either side are expected, never fatal.
    lane.on('error', () => undefined);
    if (this.#state === 'unplugged') {
      lane.resetAndDestroy();
      return;
    }
    const device = connect(targetPort, '127.0.0.1');
    device.on('error', () => undefined);
    const connection: Connection = { lane, device };
    this.#connections.add(connection);
    lane.setNoDelay(true);
    device.setNoDelay(true);
    lane.on('data', (chunk) => device.write(chunk));
    device.on('data', (chunk) => lane.write(chunk));
    lane.on('close', () => this.#drop(connection));
    device.on('close', () => this.#drop(connection));
    if (this.#state === 'stalled') {
      lane.pause();
      device.pause();
    }
  }

  #drop(connection: Connection): void {
    if (!this.#connections.delete(connection)) return;
    connection.lane.destroy();
    connection.device.destroy();
  }
}
