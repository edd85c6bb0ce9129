import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../diagnostics/diagnostic.js";

/**
 * Owns everything a lab run creates: process groups, network namespaces and one temp folder. Every
 * process starts in its own process group (detached), so stopping it stops its children too.
 * Cleanup is synchronous (it also runs from `process.on("exit")`), idempotent, and runs on normal
 * exit, on SIGINT/SIGTERM/SIGHUP (a closed terminal or SSH session) and on failure. Names carry the owning pid (`tpl-<pid>-<n>`), so the next
 * run removes what a killed run left behind without touching a live one.
 */
export const NAME_PREFIX = "tpl";
/**
 * Signals that end a run and its clean-up first, with their numbers (signal(7)). SIGHUP too: without
 * a handler it kills the lab without 'exit', leaving members running until the next run.
 */
const SIGNALS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
const TEMP_PREFIX = "topoplan-lab-";
let runs = 0;

/** Data folders live in memory where possible: the model has no disk term, so fsync is kept out of the figures. */
const tempRoot = () => (existsSync("/dev/shm") ? "/dev/shm" : tmpdir());

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

const quiet = (argv: readonly string[]) => {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "ignore"] }).toString();
  } catch {
    return "";
  }
};

/** Kills the processes left in a namespace and deletes it. */
function removeNamespace(name: string) {
  for (const pid of quiet(["ip", "netns", "pids", name]).split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // already gone
    }
  }
  quiet(["ip", "netns", "del", name]);
}

/** Namespaces and temp folders of lab runs whose process is gone. Returns what it removed. */
export function removeStaleLabs(): string[] {
  const removed: string[] = [];
  const pattern = new RegExp(`^${NAME_PREFIX}-(\\d+)-\\d+-`);
  for (const line of quiet(["ip", "netns", "list"]).split("\n")) {
    const name = line.split(" ")[0] ?? "";
    const match = pattern.exec(name);
    if (match && !alive(Number(match[1]))) {
      removeNamespace(name);
      removed.push(name);
    }
  }
  for (const base of new Set([tempRoot(), tmpdir()]))
    for (const entry of readdirSync(base)) {
      const match = /^topoplan-lab-(\d+)-/.exec(entry);
      if (match && !alive(Number(match[1]))) {
        rmSync(join(base, entry), { recursive: true, force: true });
        removed.push(join(base, entry));
      }
    }
  return removed;
}

export interface SpawnOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Run as this uid/gid (via setpriv) inside the namespace. */
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly cwd?: string;
  /** Where stdout/stderr go: "pipe" for agents, a log file descriptor for members. */
  readonly stdio?: "pipe" | number;
}

export class Supervisor {
  readonly prefix: string;
  readonly root: string;
  private readonly groups = new Set<ChildProcess>();
  private readonly namespaces: string[] = [];
  private cleaned = false;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.cleanup();
    // 128 + the signal's number, as a shell reports a process the signal ended.
    process.exit(128 + (SIGNALS[signal] ?? 15));
  };
  private readonly onExit = () => this.cleanup();

  constructor() {
    runs += 1;
    this.prefix = `${NAME_PREFIX}-${process.pid}-${runs}`;
    this.root = mkdtempSync(join(tempRoot(), `${TEMP_PREFIX}${process.pid}-${runs}-`));
    for (const signal of Object.keys(SIGNALS)) process.on(signal, this.onSignal);
    process.on("exit", this.onExit);
  }

  /** Records a namespace before it is created, so a half-built network is removed too. */
  ownNamespace(name: string) {
    this.namespaces.push(name);
  }

  /**
   * Runs one network command (`ip …`, `sysctl` in a namespace). Its failure is the machine's, not a
   * bug (a container without CAP_NET_ADMIN/CAP_SYS_ADMIN, a kernel without veth or bridge): an
   * InputError (exit 2) that quotes the command and what it said.
   */
  run(argv: readonly string[]) {
    try {
      execFileSync(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      const said = String((error as { stderr?: unknown }).stderr ?? "").trim() || (error as Error).message;
      throw new InputError([
        {
          code: "lab/environment",
          severity: "error",
          path: "topoplan lab",
          message: `the lab could not build its network: \`${argv.join(" ")}\` failed: ${said.slice(0, 300)}`,
          fix: "run it as root on a host or VM, or in a container with CAP_NET_ADMIN and CAP_SYS_ADMIN (e.g. `docker run --privileged`) whose kernel has veth and bridge",
        },
      ]);
    }
  }

  /** Starts `argv` inside namespace `ns` in a new process group. */
  spawn(ns: string, argv: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const user = options.user
      ? ["setpriv", `--reuid=${options.user.uid}`, `--regid=${options.user.gid}`, "--clear-groups"]
      : [];
    const child = spawn("ip", ["netns", "exec", ns, ...user, ...argv], {
      detached: true,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...options.env },
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdio:
        options.stdio === undefined || options.stdio === "pipe"
          ? ["pipe", "pipe", "pipe"]
          : ["ignore", options.stdio, options.stdio],
    });
    this.groups.add(child);
    child.on("exit", () => this.groups.delete(child));
    return child;
  }

  /** Stops a process group now (a crash, as a region outage is). */
  kill(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL") {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }

  /**
   * Kills every process in a namespace except `keep` (the site's relay): a site down as a whole.
   * Process groups are not enough: PostgreSQL's children leave the postmaster's session (setsid).
   */
  killNamespace(ns: string, keep: readonly (number | undefined)[]) {
    for (const pid of quiet(["ip", "netns", "pids", ns]).split(/\s+/).filter(Boolean).map(Number)) {
      if (keep.includes(pid)) continue;
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }

  cleanup() {
    if (this.cleaned) return;
    this.cleaned = true;
    for (const child of this.groups) this.kill(child);
    for (const name of [...this.namespaces].reverse()) removeNamespace(name);
    // For debugging a run: its members' logs, copied where the caller asks before the folder goes.
    const keep = process.env.TOPOPLAN_LAB_KEEP_LOGS;
    if (keep !== undefined && existsSync(join(this.root, "logs")))
      cpSync(join(this.root, "logs"), keep, { recursive: true });
    rmSync(this.root, { recursive: true, force: true });
    for (const signal of Object.keys(SIGNALS)) process.off(signal, this.onSignal);
    process.off("exit", this.onExit);
  }
}
