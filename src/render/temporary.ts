import { readdir, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";

/*
 * Writing beside a target (render's directory, an --output file): where the target may go, and
 * temporary names for what is written before it is moved into place.
 */

/**
 * Temporary files and directories are named `<prefix><pid>-<random><suffix>` beside their target,
 * so a later run can tell which ones a killed run left behind (its process is gone) and remove
 * them, without touching those of a run still in progress.
 */
export function temporaryName(prefix: string, random: string, suffix: string): string {
  return `${prefix}${process.pid}-${random}${suffix}`;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as { code?: string }).code === "EPERM";
  }
}

/** Removes leftovers of killed runs in `dir`: names `<prefix><pid>-…<suffix>` whose pid is gone. */
export async function sweepLeftovers(
  dir: string,
  prefix: string,
  suffixes: readonly string[],
): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !suffixes.some((s) => entry.endsWith(s))) continue;
    const pid = Number(entry.slice(prefix.length).match(/^(\d+)-/)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid))
      await rm(join(dir, entry), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The nearest existing ancestor of `dir` (itself included) when it is not a directory. */
export async function nearestFile(dir: string): Promise<string | undefined> {
  for (let at = dir; ; at = dirname(at)) {
    const entry = await stat(at).catch(() => undefined);
    if (entry !== undefined) return entry.isDirectory() ? undefined : at;
    if (dirname(at) === at) return undefined;
  }
}
