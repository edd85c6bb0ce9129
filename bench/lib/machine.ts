import { availableParallelism, cpus, loadavg, totalmem } from "node:os";

/** What a result depends on besides the code: the machine and how busy it was. */
export function machine() {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    /** 1-minute load average: above the core count, other processes were competing for the CPU. */
    loadavg1: loadavg()[0] ?? 0,
  };
}

export type Machine = ReturnType<typeof machine>;
