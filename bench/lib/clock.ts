/**
 * Wall and CPU time of a stretch of work. On a machine shared with other busy processes wall time
 * stretches with the wait for a core; CPU time (user + system, every thread of the process: GC,
 * libuv's file-system pool) barely moves, so the two together tell slow code from a busy machine.
 */
export interface Lap {
  readonly wallMs: number;
  readonly cpuMs: number;
  /**
   * The kernel's part of cpuMs (system time): mostly creating and writing files, which on ext4
   * costs many times more soon after thousands were deleted (bench/lib/sample-dir.ts).
   */
  readonly kernelCpuMs: number;
}

export interface Clock {
  /** Time since the clock started. */
  lap(): Lap;
}

export function startClock(): Clock {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return {
    lap() {
      const used = process.cpuUsage(cpu);
      return {
        wallMs: performance.now() - wall,
        cpuMs: (used.user + used.system) / 1000,
        kernelCpuMs: used.system / 1000,
      };
    },
  };
}
