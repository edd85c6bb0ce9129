import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RUN_SCRATCH_ENV } from "./sample-dir.js";

/** One sample as the harness records it. */
export interface Sample {
  readonly wallMs: number;
  /** CPU time (user + system) of the measured work; for commands, of the whole process. */
  readonly cpuMs?: number;
  /** Peak resident set of the sample's process, MiB. */
  readonly maxRssMb?: number;
  readonly startRssMb?: number;
  readonly phases?: Readonly<Record<string, number>>;
  readonly info?: Readonly<Record<string, string | number | boolean>>;
}

export type Outcome = { readonly sample: Sample } | { readonly skipped: string } | { readonly error: string };

/** How to take one sample: a subject in dist/bench/child.js, or a whole command timed from outside. */
export type Runner =
  | { readonly kind: "child"; readonly subject: string; readonly params: Readonly<Record<string, unknown>> }
  | {
      readonly kind: "command";
      /** Arguments to node (the node binary is this process's). */
      readonly nodeArgs: readonly string[];
      readonly cwd: string;
      /** Exit codes that count as success (`topoplan check` exits 1 when it reports findings). */
      readonly okExitCodes: readonly number[];
    };

const scratch = mkdtempSync(join(tmpdir(), "topoplan-bench-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
// Interrupted, the run still removes it (it holds every sample's files: gigabytes at 20,000 services).
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
// Samples leave what they write here until the run ends (bench/lib/sample-dir.ts says why).
process.env[RUN_SCRATCH_ENV] = scratch;

/** A file in this run's scratch directory (removed when the harness exits). */
export function scratchFile(name: string): string {
  return join(scratch, name);
}

/**
 * A CommonJS preload (cheaper to load than an ESM one, so it barely moves a cold start) that
 * writes the process's peak RSS and CPU time when it exits: commands are measured from outside,
 * and Node offers no rusage of a child. The CPU time includes the processes it started and waited
 * for (a TypeScript spec loads in one): on Linux, cutime + cstime of /proc/self/stat, in clock
 * ticks of 10 ms (USER_HZ is 100 on Linux); elsewhere its own time only.
 */
const rssPreload = scratchFile("rss-on-exit.cjs");
writeFileSync(
  rssPreload,
  `process.on("exit", () => {
  const fs = require("node:fs");
  const u = process.resourceUsage();
  let childrenUs = 0;
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    childrenUs = (Number(fields[13]) + Number(fields[14])) * 10000;
  } catch {}
  fs.writeFileSync(process.env.TOPOPLAN_BENCH_RSS, JSON.stringify({ maxRSS: u.maxRSS, cpuUs: u.userCPUTime + u.systemCPUTime + (childrenUs || 0) }));
});
`,
);

const childScript = fileURLToPath(new URL("../child.js", import.meta.url));
let counter = 0;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly wallMs: number;
  readonly timedOut: boolean;
}

function run(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < 20_000) stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, wallMs: performance.now() - t0, timedOut });
    });
  });
}

const lastLines = (text: string) => text.trim().split("\n").slice(-6).join("\n");

/** Takes one sample in a fresh process. */
export async function measure(runner: Runner, timeoutMs: number): Promise<Outcome> {
  const id = `${process.pid}-${counter++}`;
  if (runner.kind === "child") {
    const out = scratchFile(`sample-${id}.json`);
    const exit = await run(
      [childScript, runner.subject, JSON.stringify(runner.params), out],
      process.cwd(),
      process.env,
      timeoutMs,
    );
    if (exit.timedOut) return { error: `timed out after ${timeoutMs / 1000} s` };
    let result: Record<string, unknown>;
    try {
      result = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
    } catch {
      return {
        error: `child exited with ${exit.code ?? exit.signal} and no result: ${lastLines(exit.stderr)}`,
      };
    } finally {
      rmSync(out, { force: true });
    }
    if (typeof result.skipped === "string") return { skipped: result.skipped };
    if (typeof result.error === "string") return { error: lastLines(result.error) };
    return { sample: result as unknown as Sample };
  }
  const rssFile = scratchFile(`rss-${id}`);
  const env = { ...process.env, TOPOPLAN_BENCH_RSS: rssFile, NO_COLOR: "1" };
  const exit = await run(["--require", rssPreload, ...runner.nodeArgs], runner.cwd, env, timeoutMs);
  if (exit.timedOut) return { error: `timed out after ${timeoutMs / 1000} s` };
  if (exit.code === null || !runner.okExitCodes.includes(exit.code))
    return { error: `exited with ${exit.code ?? exit.signal}: ${lastLines(exit.stderr)}` };
  let usage: { maxRssMb: number; cpuMs: number } | undefined;
  try {
    const raw = JSON.parse(readFileSync(rssFile, "utf8")) as { maxRSS: number; cpuUs: number };
    usage = { maxRssMb: raw.maxRSS / 1024, cpuMs: raw.cpuUs / 1000 };
  } catch {
    usage = undefined;
  } finally {
    rmSync(rssFile, { force: true });
  }
  return { sample: { wallMs: exit.wallMs, ...usage, info: { exitCode: exit.code } } };
}
