import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { lanePaths } from '../config/laneConfig';
import type { TerminalConfig } from '../config/terminalConfig';

/**
 * What `lanewise config check` looks at on this machine, beyond the file's own validity, as the
 * user it runs as (run it as the kiosk's user). The rule: what would stop the terminal from
 * starting is an error; what the terminal survives (a device not plugged in yet, a catalogue the
 * store link has not sent yet) is a warning.
 *
 *   error    a folder (data, logs, the catalogue's) that is not a folder, or cannot be written or
 *            created; a catalogue or journal file that exists but cannot be read and written;
 *            an unreadable CA file (found when the file is loaded: the lane refuses it too)
 *   warning  no catalogue yet; a serial device that is not present or not readable and writable
 *            by this user (udev rules, the dialout group)
 */
export interface TerminalFileChecks {
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/** Why the terminal could not keep files in `folder`, or undefined when it can (now, or by creating it). */
function folderProblem(folder: string): string | undefined {
  let stat;
  try {
    stat = statSync(folder);
  } catch (error) {
    // ENOTDIR: a file stands where a folder on the way should be; said plainly below.
    if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR') return `${folder}: ${errnoOf(error)}`;
    let ancestor = dirname(folder);
    while (!existsSync(ancestor) && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
    try {
      if (!statSync(ancestor).isDirectory()) return `${folder} cannot be created: ${ancestor} is not a folder`;
      accessSync(ancestor, constants.W_OK | constants.X_OK);
    } catch (problem) {
      return `${folder} does not exist and cannot be created by this user (${ancestor}: ${errnoOf(problem)})`;
    }
    return undefined;
  }
  if (!stat.isDirectory()) return `${folder} is not a folder`;
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch (error) {
    return `${folder} is not writable by this user (${errnoOf(error)})`;
  }
  return undefined;
}

/** Why an existing database file cannot be used, or undefined (missing files are judged by the caller). */
function databaseProblem(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return `${file} is not a file`;
    accessSync(file, constants.R_OK | constants.W_OK);
  } catch (error) {
    return `${file} cannot be read and written by this user (${errnoOf(error)})`;
  }
  return undefined;
}

export function checkTerminalFiles(config: TerminalConfig, platform: NodeJS.Platform = process.platform): TerminalFileChecks {
  const errors: string[] = [];
  const warnings: string[] = [];
  const folder = (field: string, path: string) => {
    const problem = folderProblem(path);
    if (problem) errors.push(`${field}: ${problem}`);
  };
  folder('logDir', config.logDir);
  if (config.role === 'lane') {
    const { lane } = config;
    const paths = lanePaths(lane);
    folder('dataDir', lane.dataDir);
    const catalogField = lane.catalogFile ? 'catalogFile' : 'dataDir (catalogue)';
    if (lane.catalogFile && dirname(paths.catalog) !== lane.dataDir) folder(catalogField, dirname(paths.catalog));
    if (existsSync(paths.catalog)) {
      const problem = databaseProblem(paths.catalog);
      if (problem) errors.push(`${catalogField}: ${problem}`);
    } else {
      warnings.push(
        `${catalogField}: no catalogue yet at ${paths.catalog}: the lane starts with an empty one (every scan an unknown item) ${lane.store ? 'until the store server sends it' : 'until one is imported (lanewise catalog import)'}`,
      );
    }
    if (existsSync(paths.journal)) {
      const problem = databaseProblem(paths.journal);
      if (problem) errors.push(`dataDir (journal): ${problem}`);
    }
    // Windows COM ports are not files; the device list shows them.
    if (platform !== 'win32') {
      for (const [role, device] of Object.entries(lane.devices as Record<string, { path?: string } | undefined>)) {
        if (!device?.path) continue;
        const field = `devices.${role}.path`;
        if (!existsSync(device.path)) {
          warnings.push(`${field}: ${device.path} is not present (unplugged, or under another name: see lanewise devices list)`);
          continue;
        }
        try {
          accessSync(device.path, constants.R_OK | constants.W_OK);
        } catch (error) {
          warnings.push(`${field}: ${device.path} cannot be opened by this user (${errnoOf(error)}): install the udev rules or add the user to the dialout group`);
        }
      }
    }
  }
  return { errors, warnings };
}
