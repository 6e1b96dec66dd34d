import { cpus, totalmem } from 'node:os';

/** The machine a benchmark or a proof ran on, as every report names it. */
export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function thisMachine(): Machine {
  const all = cpus();
  return { cpuModel: all[0]?.model ?? 'unknown', cores: all.length, memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version, platform: `${process.platform}-${process.arch}` };
}

/** One line for a chart's caption or a summary: `2 × AMD EPYC, 23.5 GiB, Node v20.20.2`. */
export function machineLine(machine: Machine = thisMachine()): string {
  return `${machine.cores} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`;
}
