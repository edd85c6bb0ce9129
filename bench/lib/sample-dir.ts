import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The run's scratch directory, handed to each sample's process (bench/lib/measure.ts sets it and
 * removes the directory when the run ends).
 */
export const RUN_SCRATCH_ENV = "TOPOPLAN_BENCH_SCRATCH";

/**
 * A fresh directory for what one sample writes (render's files), and how to let it go. Within a
 * bench run it is left in the run's scratch directory, which goes when the run ends: deleting each
 * sample's files right after it billed the next sample for them. ext4 does not reuse an inode
 * freed in the last 60 s (longer while its table block is dirty: `recently_deleted` in
 * fs/ext4/ialloc.c), so creating files soon after thousands were deleted walks past them: on
 * this machine's disk, 3,538 files cost 0.5–1.0 s of system time after the previous sample's
 * were deleted and 36–87 ms otherwise (perf: `recently_deleted` under `__ext4_new_inode`).
 * A render in CI, into a fresh checkout, pays no such cost. Run alone (a child started by hand),
 * the directory is removed when released.
 */
export function sampleDir(prefix: string): { readonly dir: string; release(): void } {
  const run = process.env[RUN_SCRATCH_ENV];
  const dir = mkdtempSync(join(run ?? tmpdir(), prefix));
  return {
    dir,
    release() {
      if (run === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
