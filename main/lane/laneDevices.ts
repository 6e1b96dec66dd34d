import { TcpPaymentTerminal } from '../../devices/payment/tcpTerminal';
import { EscPosPrinterService } from '../../devices/printer/service';
import { SerialScannerService } from '../../devices/scanner/service';
import { SerialPortTransport, type SerialSettings } from '../../devices/serial/transport';
import type { Logger } from '../../shared/log';
import type { LaneConfig } from '../config/laneConfig';
import type { LaneDevices } from './ports';

/** 8N1 at the configured speed: how serial scanners and receipt printers are set up for POS use. */
function serial(baudRate: number): SerialSettings {
  return { baudRate, dataBits: 8, parity: 'none', stopBits: 1 };
}

/** The lane's devices as its configuration names them. */
export function createLaneDevices(config: LaneConfig, log: Logger): LaneDevices {
  const { scanner, printer, paymentTerminal } = config.devices;
  return {
    scanner: new SerialScannerService(new SerialPortTransport(scanner.path, serial(scanner.baudRate)), scanner.framing, log),
    printer: new EscPosPrinterService(new SerialPortTransport(printer.path, serial(printer.baudRate)), log, { columns: printer.columns }),
    paymentTerminal: new TcpPaymentTerminal({
      host: paymentTerminal.host,
      port: paymentTerminal.port,
      lane: config.laneId,
      logger: log.child({ device: 'paymentTerminal' }),
      authorizeTimeoutMs: paymentTerminal.timeoutSeconds * 1000,
    }),
  };
}
