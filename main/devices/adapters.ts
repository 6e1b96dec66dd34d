import type { LaneLightIndication } from '../../shared/checkout/laneLight';
import type { DeviceStatus } from '../../shared/devices';
import type { Event } from '../../shared/event';
import type { Logger } from '../../shared/log';
import type { ScaleReadFailure, ScaleReading, ScaleWeight } from '../../shared/scale';
import { laneLightSignals } from '../../devices/laneLight/codec';
import type { LaneLightService } from '../../devices/laneLight/service';
import { ScaleMonitor, type MonitoredScale, type ScaleMonitorOptions } from '../../devices/scale/monitor';
import type { BaggingScalePort, DeviceGarbage, LaneLightPort, WeighingScalePort } from '../lane/ports';

/** A scale driver's logical device: lifecycle and status plus `readWeight`/`zero`. */
export interface ScaleDevice extends MonitoredScale {
  readonly onStatus: Event<DeviceStatus>;
  /** Bytes that answered nothing (a serial scale's line noise); drivers that cannot tell have none. */
  readonly onGarbage?: Event<DeviceGarbage>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A scale as the checkout uses it: the driver (any protocol) read continuously by
 * a ScaleMonitor, whose changes and settled weights become the lane's events.
 * Serves both the weighing scale and the bagging scale.
 */
export class MonitoredScalePort implements WeighingScalePort, BaggingScalePort {
  readonly #scale: ScaleDevice;
  readonly #monitor: ScaleMonitor;
  readonly onStatus: Event<DeviceStatus>;
  readonly onReading: Event<ScaleReading>;
  readonly onSettled: Event<ScaleWeight>;
  readonly onReadFailure: Event<ScaleReadFailure>;
  readonly onGarbage?: Event<DeviceGarbage>;

  constructor(scale: ScaleDevice, options: ScaleMonitorOptions) {
    this.#scale = scale;
    this.#monitor = new ScaleMonitor(scale, options);
    this.onStatus = scale.onStatus;
    if (scale.onGarbage) this.onGarbage = scale.onGarbage;
    this.onReading = this.#monitor.onReading;
    this.onSettled = this.#monitor.onSettled;
    this.onReadFailure = this.#monitor.onReadFailure;
  }

  get status(): DeviceStatus {
    return this.#scale.status;
  }

  /** The driver behind the port (zeroing, diagnostics). */
  get scale(): ScaleDevice {
    return this.#scale;
  }

  get monitor(): ScaleMonitor {
    return this.#monitor;
  }

  async start(): Promise<void> {
    await this.#scale.start();
    this.#monitor.start();
  }

  async stop(): Promise<void> {
    await this.#monitor.stop();
    await this.#scale.stop();
  }
}

/** The tower light: the checkout's indication turned into lamp patterns. */
export class LaneLightPortAdapter implements LaneLightPort {
  readonly #service: LaneLightService;
  readonly #log: Logger;
  readonly onStatus: Event<DeviceStatus>;

  constructor(service: LaneLightService, log: Logger) {
    this.#service = service;
    this.#log = log;
    this.onStatus = service.onStatus;
  }

  get status(): DeviceStatus {
    return this.#service.status;
  }

  start(): Promise<void> {
    return this.#service.start();
  }

  stop(): Promise<void> {
    return this.#service.stop();
  }

  show(indication: LaneLightIndication): void {
    // The service keeps the signal and shows it once the board is back: a failure here is only worth a log line.
    void this.#service.show(laneLightSignals[indication]).then(
      (result) => {
        if (!result.ok) this.#log.debug({ indication, reason: result.error.reason }, 'lane light signal deferred');
      },
      (error: unknown) => this.#log.error({ indication, error: String(error) }, 'lane light failed'),
    );
  }
}
