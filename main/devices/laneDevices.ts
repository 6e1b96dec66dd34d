import { HidScaleService } from '../../devices/hid/scaleService';
import { HidScannerService } from '../../devices/hid/scannerService';
import { hidSelectorFromUsbId, hidUsagePages, NodeHidTransport } from '../../devices/hid/transport';
import { LaneLightService } from '../../devices/laneLight/service';
import { magellanSingleCableProtocol } from '../../devices/magellan/codec';
import { MagellanService } from '../../devices/magellan/service';
import { TcpPaymentTerminal } from '../../devices/payment/tcpTerminal';
import { EscPosPrinterService } from '../../devices/printer/service';
import { scaleProtocols } from '../../devices/scale/protocol';
import { SerialScaleService } from '../../devices/scale/service';
import { SerialScannerService } from '../../devices/scanner/service';
import { SerialPortTransport, type SerialSettings } from '../../devices/serial/transport';
import type { Logger } from '../../shared/log';
import type { BaggingScaleConfig, DevicesConfig, ScaleConfig } from '../config/deviceConfig';
import type { LaneConfig } from '../config/laneConfig';
import type { LaneDevices, ScannerPort } from '../lane/ports';
import { LaneLightPortAdapter, MonitoredScalePort, type ScaleDevice } from './adapters';

/**
 * The device manager's factory: each role in the lane's configuration becomes the
 * driver it names (transport → codec → service), wrapped so the lane runtime sees
 * the same ports whatever hardware is behind them. Nothing is opened here; the
 * runtime starts every device and each reconnects on its own when it goes away.
 */

interface LineOverrides {
  readonly baudRate?: number | undefined;
  readonly dataBits?: 7 | 8 | undefined;
  readonly parity?: 'none' | 'even' | 'odd' | undefined;
  readonly stopBits?: 1 | 2 | undefined;
}

/** The protocol's line settings with the configuration's overrides on top. */
export function lineSettings(protocol: SerialSettings, overrides: LineOverrides): SerialSettings {
  return {
    ...protocol,
    ...(overrides.baudRate !== undefined && { baudRate: overrides.baudRate }),
    ...(overrides.dataBits !== undefined && { dataBits: overrides.dataBits }),
    ...(overrides.parity !== undefined && { parity: overrides.parity }),
    ...(overrides.stopBits !== undefined && { stopBits: overrides.stopBits }),
  };
}

/** 8N1 at the configured speed: how serial scanners, receipt printers and relay boards are set up for POS use. */
function serial8N1(baudRate: number): SerialSettings {
  return { baudRate, dataBits: 8, parity: 'none', stopBits: 1 };
}

function createScaleDriver(config: Exclude<ScaleConfig, { driver: 'magellan' }> | BaggingScaleConfig, role: 'scale' | 'baggingScale', log: Logger): ScaleDevice {
  const roleLog = log.child({ role });
  if (config.driver === 'hidpos') {
    return new HidScaleService(new NodeHidTransport(hidSelectorFromUsbId(config.usb, { serialNumber: config.serialNumber, usagePage: hidUsagePages.scale }), { log: roleLog }), roleLog);
  }
  const protocol = scaleProtocols[config.driver];
  return new SerialScaleService(new SerialPortTransport(config.path, lineSettings(protocol.serial, config)), protocol, roleLog);
}

export interface CreatedLaneDevices {
  readonly devices: LaneDevices;
  /** The Magellan scanner-scale's shared line, when the lane has one (diagnostics). */
  readonly magellan?: MagellanService | undefined;
}

export function createLaneDevices(config: Pick<LaneConfig, 'laneId' | 'devices'>, log: Logger): CreatedLaneDevices {
  const devices: DevicesConfig = config.devices;
  const { scanner: scannerConfig, printer, paymentTerminal } = devices;

  let magellan: MagellanService | undefined;
  let scanner: ScannerPort;
  switch (scannerConfig.driver) {
    case 'serial':
      scanner = new SerialScannerService(new SerialPortTransport(scannerConfig.path, serial8N1(scannerConfig.baudRate)), scannerConfig.framing, log);
      break;
    case 'magellan':
      magellan = new MagellanService(new SerialPortTransport(scannerConfig.path, lineSettings(magellanSingleCableProtocol.serial, scannerConfig)), log, { unit: scannerConfig.weightUnit, commands: scannerConfig.commands });
      scanner = magellan.scanner;
      break;
    case 'hidpos': {
      const scannerLog = log.child({ role: 'scanner' });
      // The usage page picks the scanner interface of a scanner-scale that is one USB device.
      const selector = hidSelectorFromUsbId(scannerConfig.usb, { serialNumber: scannerConfig.serialNumber, usagePage: hidUsagePages.barcodeScanner });
      const layout = scannerConfig.report && { reportId: scannerConfig.report.id, continuedFlagIndex: scannerConfig.report.continuedFlag };
      scanner = new HidScannerService(new NodeHidTransport(selector, { log: scannerLog }), scannerLog, layout ? { layout } : {});
      break;
    }
  }

  let scale: MonitoredScalePort | undefined;
  if (devices.scale) {
    const driver: ScaleDevice = devices.scale.driver === 'magellan' ? magellan!.scale : createScaleDriver(devices.scale, 'scale', log);
    // The weighing scale reports every change; settling is the bagging scale's business.
    scale = new MonitoredScalePort(driver, { pollIntervalMs: devices.scale.pollIntervalMs, log: log.child({ role: 'scale' }) });
  }

  let baggingScale: MonitoredScalePort | undefined;
  if (devices.baggingScale) {
    const { settle, pollIntervalMs } = devices.baggingScale;
    baggingScale = new MonitoredScalePort(createScaleDriver(devices.baggingScale, 'baggingScale', log), {
      pollIntervalMs,
      settleMs: settle.settleMs,
      settleToleranceGrams: settle.toleranceGrams,
      log: log.child({ role: 'baggingScale' }),
    });
  }

  const laneLight = devices.laneLight
    ? new LaneLightPortAdapter(
        new LaneLightService(new SerialPortTransport(devices.laneLight.path, serial8N1(devices.laneLight.baudRate)), log, { channels: { ...devices.laneLight.channels, buzzer: devices.laneLight.channels.buzzer ?? null } }),
        log.child({ role: 'laneLight' }),
      )
    : undefined;

  return {
    magellan,
    devices: {
      scanner,
      scale,
      baggingScale,
      printer: new EscPosPrinterService(new SerialPortTransport(printer.path, serial8N1(printer.baudRate)), log, { columns: printer.columns, automaticStatusBack: printer.automaticStatusBack }),
      paymentTerminal: new TcpPaymentTerminal({
        host: paymentTerminal.host,
        port: paymentTerminal.port,
        lane: config.laneId,
        logger: log.child({ device: 'paymentTerminal' }),
        authorizeTimeoutMs: paymentTerminal.timeoutSeconds * 1000,
      }),
      laneLight,
    },
  };
}
