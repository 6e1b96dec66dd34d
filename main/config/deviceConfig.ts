import { z } from 'zod';

/**
 * Which driver serves each of a lane's device roles, and where the device is.
 * Store IT writes this in the lane's configuration file under `devices`; every
 * problem is reported with the path of the bad field (`devices.scale.path: …`).
 *
 * Serial devices: `path` is the OS device (`/dev/ttyUSB0`, better a stable
 * `/dev/serial/by-id/…` link; `COM3` on Windows). Line settings default to what
 * the driver's protocol table says the device uses (Mettler 8217: 9600 7E1,
 * Magellan single-cable: 9600 7O1, …); set them only when the device was
 * programmed differently.
 * USB HID POS devices: `usb` is `vendor:product` in hex as `lsusb` prints it.
 */

const serialPath = z.string().min(1, 'a serial device path such as /dev/ttyUSB0');

/** Overrides of the protocol's line settings; absent fields keep the protocol's. */
const lineOverrides = {
  baudRate: z.number().int().positive().optional(),
  dataBits: z.union([z.literal(7), z.literal(8)]).optional(),
  parity: z.enum(['none', 'even', 'odd']).optional(),
  stopBits: z.union([z.literal(1), z.literal(2)]).optional(),
};

/** A Magellan host command without its CR: printable ASCII. */
const magellanCommand = z.string().regex(/^[\x20-\x7e]{1,16}$/, 'printable ASCII, without the CR, e.g. S2');

const usbId = z
  .string()
  .regex(/^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$/, 'vendor:product in hex, e.g. 05f9:4204 (as lsusb prints it)')
  .transform((value) => value.toLowerCase());

const hidDevice = {
  driver: z.literal('hidpos'),
  usb: usbId,
  /** When two identical devices are attached (rare at one lane): which one. */
  serialNumber: z.string().min(1).optional(),
};

/** Weighing-scale polling: a reading every 200 ms shows motion settling without flooding a 9600-baud line. */
const pollIntervalMs = z.number().int().min(50).max(5_000).default(200);

export const scannerConfigSchema = z.discriminatedUnion('driver', [
  z
    .object({
      /** A plain RS-232 / USB-CDC scanner. */
      driver: z.literal('serial'),
      path: serialPath,
      baudRate: z.number().int().positive().default(9600),
      framing: z
        .object({
          prefix: z.string().max(8).default(''),
          suffix: z.enum(['CR', 'LF', 'CRLF']).default('CR'),
          aimIdentifiers: z.boolean().default(false),
        })
        .strict()
        .default({ prefix: '', suffix: 'CR', aimIdentifiers: false }),
    })
    .strict(),
  z
    .object({
      /** Datalogic Magellan scanner-scale on one RS-232 cable (its scale is `scale: { driver: 'magellan' }`). */
      driver: z.literal('magellan'),
      path: serialPath,
      ...lineOverrides,
      /** What the scale half reports in: kg (5 digits, thousandths) or lb (4 digits, hundredths). */
      weightUnit: z.enum(['kg', 'lb']).default('kg'),
      /**
       * Host commands public sources do not document for single-cable (scanner enable and
       * disable, scale zero): set them from the model's programming guide. Without them
       * scans are gated on the host and zeroing is left to the scale's own button.
       */
      commands: z
        .object({ scannerEnable: magellanCommand, scannerDisable: magellanCommand, zero: magellanCommand })
        .partial()
        .strict()
        .optional(),
    })
    .strict(),
  z
    .object({
      ...hidDevice,
      /** The scanned-data report's layout, for scanners that differ from the usual report 2 with the flag last. */
      report: z
        .object({
          /** Report id, or null for a device without numbered reports. */
          id: z.number().int().min(1).max(255).nullable().optional(),
          /** Byte index of the "continued" flag (report id = byte 0), or "last". */
          continuedFlag: z.union([z.literal('last'), z.number().int().min(1).max(63)]).optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
]);

const serialScale = (driver: 'mettler8217' | 'scp01') =>
  z
    .object({
      driver: z.literal(driver),
      path: serialPath,
      ...lineOverrides,
      pollIntervalMs,
    })
    .strict();

/** Smallest load sold by weight: 20 intervals of the scale (class III minimum); 40 g for a 2 g interval. */
const minimumWeightGrams = z.number().int().min(1).max(1_000).default(40);

export const scaleConfigSchema = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('magellan'), pollIntervalMs, minimumWeightGrams }).strict(),
  serialScale('mettler8217').extend({ minimumWeightGrams }),
  serialScale('scp01').extend({ minimumWeightGrams }),
  z.object({ ...hidDevice, pollIntervalMs, minimumWeightGrams }).strict(),
]);

/** Settling: what counts as "the bagging area has come to rest". */
const settle = z
  .object({
    /** Readings must agree this long. */
    settleMs: z.number().int().min(100).max(5_000).optional(),
    /** … within this many grams of each other. */
    toleranceGrams: z.number().int().min(0).max(500).optional(),
  })
  .strict()
  .default({});

export const baggingScaleConfigSchema = z.discriminatedUnion('driver', [
  serialScale('mettler8217').extend({ settle }),
  serialScale('scp01').extend({ settle }),
  z.object({ ...hidDevice, pollIntervalMs, settle }).strict(),
]);

export const printerConfigSchema = z
  .object({
    driver: z.literal('escpos-serial'),
    path: serialPath,
    baudRate: z.number().int().positive().default(9600),
    /** Characters per line in font A: 42 on 80 mm paper, 32 on 58 mm. */
    columns: z.number().int().min(24).max(64).default(42),
    /** Ask the printer to report status changes by itself (ESC/POS GS a); polling stays as the fallback. */
    automaticStatusBack: z.boolean().default(true),
  })
  .strict();

export const paymentTerminalConfigSchema = z
  .object({
    driver: z.literal('tcp'),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(1).max(65535),
    /** How long a shopper may take at the terminal before the lane gives up waiting. */
    timeoutSeconds: z.number().int().min(10).max(600).default(120),
  })
  .strict();

const relayChannel = z.number().int().min(1).max(8);

export const laneLightConfigSchema = z
  .object({
    /** A USB-serial relay board (CH340 "LCUS" type) switching the tower light's lamps. */
    driver: z.literal('relay-serial'),
    path: serialPath,
    baudRate: z.number().int().positive().default(9600),
    /** Which relay switches which lamp, as wired. */
    channels: z
      .object({ green: relayChannel, yellow: relayChannel, red: relayChannel, /** Absent: the tower has no buzzer. */ buzzer: relayChannel.optional() })
      .strict()
      .refine((channels) => new Set(Object.values(channels)).size === Object.values(channels).length, 'each lamp (and the buzzer) needs its own relay')
      .default({ green: 1, yellow: 2, red: 3, buzzer: 4 }),
  })
  .strict();

export const devicesConfigSchema = z
  .object({
    scanner: scannerConfigSchema,
    scale: scaleConfigSchema.optional(),
    baggingScale: baggingScaleConfigSchema.optional(),
    printer: printerConfigSchema,
    paymentTerminal: paymentTerminalConfigSchema,
    laneLight: laneLightConfigSchema.optional(),
  })
  .strict()
  .superRefine((devices, context) => {
    if (devices.scale?.driver === 'magellan' && devices.scanner.driver !== 'magellan') {
      context.addIssue({ code: 'custom', path: ['scale', 'driver'], message: 'a "magellan" scale shares the scanner\'s cable: devices.scanner.driver must be "magellan" too' });
    }
    // One device per serial port: two roles on one path would fight over the port lock.
    const seen = new Map<string, string>();
    for (const [role, device] of Object.entries(devices)) {
      const path = device && 'path' in device ? device.path : undefined;
      if (!path) continue;
      const other = seen.get(path);
      if (other) context.addIssue({ code: 'custom', path: [role, 'path'], message: `${path} is already used by devices.${other}` });
      else seen.set(path, role);
    }
  });

export type DevicesConfig = z.infer<typeof devicesConfigSchema>;
export type ScannerConfig = z.infer<typeof scannerConfigSchema>;
export type ScaleConfig = z.infer<typeof scaleConfigSchema>;
export type BaggingScaleConfig = z.infer<typeof baggingScaleConfigSchema>;
export type PrinterConfig = z.infer<typeof printerConfigSchema>;
export type LaneLightConfig = z.infer<typeof laneLightConfigSchema>;
