import { hostLaneInShell, type ParentPortLike } from '../../../main/electron/runtimeProcess';
import type { Logger } from '../../../shared/log';
import type { TestLane } from '../lane/laneHarness';
import { FakeRuntimeProcess } from './fakeElectron';

/**
 * A "utility process" that runs the real lane runtime (runtime.cjs's code, hostLaneInShell) in
 * this process, with messages copied and delivered asynchronously as Electron's would be.
 * `crash()` ends it the hard way: the lane is gone, whatever it was doing.
 */
export class InProcessRuntime extends FakeRuntimeProcess {
  lane: TestLane | undefined;
  readonly started: Promise<unknown>;
  #listener: ((event: { readonly data: unknown }) => void) | undefined;

  constructor(startLane: () => Promise<TestLane>, log: Logger) {
    super();
    const port: ParentPortLike = {
      on: (_event, listener) => {
        this.#listener = listener;
      },
      postMessage: (message) => {
        const copy = structuredClone(message);
        setImmediate(() => {
          if (!this.exited) this.emit('message', copy);
        });
      },
    };
    this.started = hostLaneInShell({
      port,
      log,
      exit: (code) => this.exit(code),
      startLane: async () => {
        const lane = await startLane();
        this.lane = lane;
        return { runtime: lane.runtime, log: lane.log, stop: () => lane.close() };
      },
    });
  }

  override postMessage(message: unknown): void {
    super.postMessage(message);
    const copy = structuredClone(message);
    setImmediate(() => {
      if (!this.exited) this.#listener?.({ data: copy });
    });
  }

  async crash(): Promise<void> {
    await this.lane?.close();
    this.exit(134);
  }
}
