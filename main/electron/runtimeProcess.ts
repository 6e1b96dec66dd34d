import { laneEvents } from '../../shared/bridge/laneService';
import { laneServiceSchema } from '../../shared/bridge/laneServiceSchema';
import type { LaneView } from '../../shared/bridge/laneView';
import { eventMessage, type BridgeConnection } from '../../shared/bridge/rpc';
import { serveConnection } from '../../shared/bridge/rpcServer';
import { Emitter } from '../../shared/event';
import type { Logger } from '../../shared/log';
import type { LaneRuntime } from '../lane/runtime';
import { toRuntimeSchema, type FromRuntime } from './runtimeMessages';

/** `process.parentPort` in an Electron utility process. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { readonly data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/** A started lane, as `startLane` returns it (the parts the shell uses). */
export interface HostedLane {
  readonly runtime: Pick<LaneRuntime, 'service' | 'onView' | 'onShellRequest' | 'view' | 'restored'>;
  /** The lane's own log, once it is open. */
  readonly log?: Logger;
  stop(): Promise<void>;
}

/** An update may install only with no sale in progress and the lane closed for sales. */
export function readyToInstall(view: Pick<LaneView, 'state' | 'context'>): boolean {
  return view.state === 'closed' && view.context.sale === null;
}

/**
 * The lane runtime's side of the kiosk shell, in the utility process: serves the lane's bridge
 * service to the page through main, pushes every view, tells main when an update may install,
 * and carries the lane's requests to leave kiosk mode (and to return to it when maintenance ends).
 * A lane that cannot start exits with status 1, and main starts it again later. `stop` (also
 * what main's "stop" message does) closes the lane and exits with status 0.
 */
export async function hostLaneInShell(options: {
  readonly port: ParentPortLike;
  readonly startLane: () => Promise<HostedLane>;
  readonly log: Logger;
  readonly exit: (code: number) => void;
}): Promise<{ readonly lane: HostedLane | undefined; stop(): Promise<void> }> {
  const { port, log } = options;
  const post = (message: FromRuntime) => port.postMessage(message);
  const messages = new Emitter<string>();
  let lane: HostedLane | undefined;
  let stopRequested = false;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      try {
        await lane?.stop();
      } catch (error) {
        log.error({ error: String(error) }, 'the lane did not stop cleanly');
      }
      options.exit(0);
    })());
  /** A stop asked for while the lane is still starting waits for it to have started. */
  const requestStop = () => {
    stopRequested = true;
    return lane ? stop() : Promise.resolve();
  };

  port.on('message', ({ data }) => {
    const parsed = toRuntimeSchema.safeParse(data);
    if (!parsed.success) {
      log.warn({}, 'message from the shell not understood; dropped');
      return;
    }
    if (parsed.data.kind === 'stop') {
      void requestStop();
      return;
    }
    try {
      messages.fire(parsed.data.message);
    } catch (error) {
      log.error({ error: String(error) }, 'a bridge message could not be served');
    }
  });

  try {
    lane = await options.startLane();
  } catch (error) {
    log.error({ error: error instanceof Error ? error.message : String(error) }, 'the lane could not start');
    options.exit(1);
    return { lane: undefined, stop: async () => undefined };
  }
  if (stopRequested) {
    await stop();
    return { lane: undefined, stop };
  }

  const { runtime } = lane;
  const laneLog = lane.log ?? log;
  const connection: BridgeConnection = {
    send: (message) => post({ kind: 'bridge', message }),
    onMessage: messages.event,
    // The page's end is main's; a reloaded page simply calls again.
    onClose: new Emitter<void>().event,
  };
  serveConnection(connection, runtime.service, laneServiceSchema, (reason) => laneLog.warn({ code: reason.code, detail: reason.message }, 'bridge message refused'));

  let state = runtime.view.state;
  let ready = readyToInstall(runtime.view);
  runtime.onView((view) => {
    connection.send(eventMessage(laneEvents.view, view));
    if (state === 'maintenance' && view.state !== 'maintenance') post({ kind: 'kiosk', on: true });
    state = view.state;
    if (readyToInstall(view) !== ready) {
      ready = !ready;
      post({ kind: 'readiness', readyToInstall: ready });
    }
  });
  runtime.onShellRequest((request) => {
    laneLog.warn({ assistantId: request.by.id, role: request.by.role }, 'leaving kiosk mode, as an assistant asked');
    post({ kind: 'kiosk', on: false, by: { id: request.by.id, name: request.by.name, role: request.by.role } });
  });

  post({ kind: 'ready', restored: runtime.restored, state });
  post({ kind: 'readiness', readyToInstall: ready });
  // After a restart outside maintenance, the shell is back in kiosk mode whatever it was in.
  if (state !== 'maintenance') post({ kind: 'kiosk', on: true });
  return { lane, stop: requestStop };
}
