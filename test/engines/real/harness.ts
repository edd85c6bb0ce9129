/**
 * Real engine processes for tests: each started in its own process group from a LocalMember, all
 * stopped (SIGTERM, then SIGKILL) and their folders removed when the test ends — also when it
 * fails, and on process exit. Only loopback addresses are used.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import type { LocalMember } from "../../../src/engines/types.js";

export function hasBinary(path: string): boolean {
  return spawnSync(path, ["--version"], { encoding: "utf8" }).error === undefined;
}

/** `describe` or `describe.skip` with a warning; under CI=true a missing binary fails instead. */
export function requireBinaries(paths: readonly string[]): boolean {
  const missing = paths.filter((p) => !hasBinary(p));
  if (missing.length === 0) return true;
  if (process.env.CI === "true") throw new Error(`missing ${missing.join(", ")}: .ci/run installs them`);
  console.warn(`skipping real-engine tests: missing ${missing.join(", ")}`);
  return false;
}

/**
 * A block of loopback addresses no other test uses: 127.<a>.<b>.<1..>. Each suite passes its own
 * seed (etcd 11, PostgreSQL 21 and 22, Redis 31, Patroni 41): two suites with one seed share their
 * addresses whenever their worker processes' pids agree modulo 100.
 */
export function loopbackBlock(seed: number): (i: number) => string {
  const a = 100 + (process.pid % 100);
  const b = seed % 250;
  return (i) => `127.${a}.${b}.${i + 1}`;
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? "" : `: ${String(last)}`}`,
  );
}

export function portOpen(host: string, port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(undefined));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.connect(port, host);
  });
}

/**
 * A test process stopped by a signal (the runner interrupted or killed) leaves without Node's `exit`
 * event, and the members run in process groups of their own: while any Processes is live, such a
 * signal exits the process instead, so each one's `exit` backstop runs.
 */
const live = new Set<Processes>();
const EXIT_CODES: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
const exitOnSignal = (signal: NodeJS.Signals) => process.exit(EXIT_CODES[signal] ?? 1);
function setLive(instance: Processes, isLive: boolean): void {
  const before = live.size;
  if (isLive) live.add(instance);
  else live.delete(instance);
  if (before === 0 && live.size === 1) for (const s of Object.keys(EXIT_CODES)) process.on(s, exitOnSignal);
  if (before > 0 && live.size === 0)
    for (const s of Object.keys(EXIT_CODES)) process.removeListener(s, exitOnSignal);
}

/**
 * Processes and folders of one test file; `cleanup()` in afterAll, and on exit (or a stopping
 * signal) as a backstop.
 */
export class Processes {
  readonly root = mkdtempSync(join(tmpdir(), "topoplan-engine-"));
  private readonly running = new Map<string, ChildProcess>();
  readonly logs = new Map<string, string[]>();
  private readonly onExit = () => {
    this.killAll("SIGKILL");
    rmSync(this.root, { recursive: true, force: true });
  };

  constructor() {
    process.once("exit", this.onExit);
    setLive(this, true);
    // Members that run as their own user (postgres) must reach their folders.
    chmodSync(this.root, 0o755);
  }

  dir(...parts: string[]): string {
    const path = join(this.root, ...parts);
    mkdirSync(path, { recursive: true, mode: 0o700 });
    return path;
  }

  start(
    name: string,
    command: readonly string[],
    env: Readonly<Record<string, string>> = {},
    user?: { uid: number; gid: number },
  ): ChildProcess {
    const [binary = "", ...args] = command;
    const child = spawn(binary, args, {
      detached: true,
      ...(user ?? {}),
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    });
    const log: string[] = [];
    this.logs.set(name, log);
    const keep = (chunk: Buffer) => {
      log.push(chunk.toString());
      if (log.length > 200) log.shift();
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.running.set(name, child);
    return child;
  }

  /**
   * Writes a member's files and runs its setup (as its user), starts it, waits for its client
   * port, then starts its sidecars.
   */
  async startMember(
    member: LocalMember,
    address: string,
    dataDir: string,
    timeoutMs = 30_000,
  ): Promise<void> {
    const user = member.runAs === undefined ? undefined : userIds(member.runAs);
    for (const [path, content] of Object.entries(member.files)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content, { mode: 0o600 });
    }
    if (user !== undefined) spawnSync("chown", ["-R", `${user.uid}:${user.gid}`, dataDir]);
    for (const step of member.setup) {
      const [binary = "", ...args] = step;
      const run = spawnSync(binary, args, {
        encoding: "utf8",
        env: { ...process.env, ...member.env },
        ...(user ?? {}),
      });
      if (run.status !== 0)
        throw new Error(
          `setup of ${member.member.name} failed: ${step.join(" ")}\n${run.stdout}${run.stderr}`,
        );
    }
    this.start(member.member.name, member.command, member.env, user);
    await waitFor(
      `${member.member.name} on ${address}:${member.clientPort}`,
      () => portOpen(address, member.clientPort),
      timeoutMs,
    );
    for (const sidecar of member.sidecars ?? []) this.start(sidecar.name, sidecar.command, sidecar.env);
  }

  async stop(name: string): Promise<void> {
    const child = this.running.get(name);
    if (child === undefined) return;
    this.running.delete(name);
    await killGroup(child);
  }

  /**
   * Kills a member at once, as a crash would: its process group, and whatever runs from its data
   * folder in a session of its own (Patroni starts postgres with setsid).
   */
  crash(name: string, dataDir: string): void {
    const child = this.running.get(name);
    this.running.delete(name);
    if (child !== undefined) signalGroup(child, "SIGKILL");
    killUnder(`${dataDir}/`);
  }

  async cleanup(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stop(name)));
    killUnder(this.root);
    process.removeListener("exit", this.onExit);
    setLive(this, false);
    rmSync(this.root, { recursive: true, force: true });
  }

  log(name: string): string {
    return (this.logs.get(name) ?? []).join("");
  }

  private killAll(signal: NodeJS.Signals): void {
    for (const child of this.running.values()) signalGroup(child, signal);
    killUnder(this.root);
  }
}

/** Kills every process whose command line names a path under `dir` (the tests' own temp folders). */
function killUnder(dir: string): void {
  spawnSync("pkill", ["-KILL", "-f", dir.replace(/[^A-Za-z0-9/_-]/g, ".")]);
}

function userIds(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync("id", [flag, name], { encoding: "utf8" }).stdout.trim());
  return { uid: id("-u"), gid: id("-g") };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** A scrape target as the generated ServiceMonitor would find it, with its component label. */
export interface Target {
  readonly address: string;
  readonly port: number;
  readonly path: string;
  readonly component: string;
}

/** Starts a real Prometheus scraping `targets` every second with `groups` as its rules. */
export async function startPrometheus(
  processes: Processes,
  targets: readonly Target[],
  groups: readonly unknown[],
): Promise<string> {
  const dir = processes.dir("prometheus");
  const port = await freePort();
  const byPath = new Map<string, Target[]>();
  for (const t of targets)
    byPath.set(`${t.component}|${t.path}`, [...(byPath.get(`${t.component}|${t.path}`) ?? []), t]);
  const config = {
    global: { scrape_interval: "1s", evaluation_interval: "1s", scrape_timeout: "900ms" },
    rule_files: ["rules.yaml"],
    scrape_configs: [...byPath.values()].map((ts, i) => ({
      job_name: `job-${i}`,
      metrics_path: ts[0]?.path,
      static_configs: [
        // The ServiceMonitor's relabelling puts topoplan_component on every series; so does this.
        {
          targets: ts.map((t) => `${t.address}:${t.port}`),
          labels: { topoplan_component: ts[0]?.component },
        },
      ],
    })),
  };
  writeFileSync(join(dir, "prometheus.yml"), stringify(config));
  writeFileSync(join(dir, "rules.yaml"), stringify({ groups }));
  processes.start("prometheus", [
    "/usr/bin/prometheus",
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor("prometheus ready", async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined));
  return url;
}

export async function promQuery(url: string, expr: string): Promise<unknown[]> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; data?: { result: unknown[] }; error?: string };
  if (body.status !== "success") throw new Error(`query failed: ${expr}: ${body.error}`);
  return body.data?.result ?? [];
}

export interface ActiveAlert {
  readonly labels: Record<string, string>;
  readonly state: "pending" | "firing";
}

export async function activeAlerts(url: string): Promise<ActiveAlert[]> {
  const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { data: { alerts: ActiveAlert[] } };
  return body.data.alerts;
}

/**
 * An alert's expression with its thresholds opened (`> x` → `> -Inf`, `>= x` → `>= -Inf`, `== 0`
 * kept): non-empty iff every series it reads exists. `absent(...)` and `== 0` alerts are left out.
 */
export function openedThresholds(expr: string): string {
  return expr.replace(/(>=?)\s*(\([^()]*\)|[0-9.eE+-]+)/g, "$1 -Inf");
}

/**
 * Every generated alert reads series that exist: an `absent()` alert's inner series is present (so
 * it stays silent), every other alert evaluates to data once its thresholds are opened.
 */
export async function expectEveryAlertHasData(
  prometheus: string,
  alerts: readonly { readonly alert?: string; readonly expr: string }[],
): Promise<void> {
  for (const rule of alerts) {
    if (rule.expr.startsWith("absent(")) {
      const inner = rule.expr.slice("absent(".length, -1);
      await waitFor(`series ${inner}`, async () =>
        (await promQuery(prometheus, inner)).length > 0 ? true : undefined,
      );
      const fired = await promQuery(prometheus, rule.expr);
      if (fired.length > 0) throw new Error(`${rule.expr} is not empty although ${inner} exists`);
      continue;
    }
    const opened = rule.expr.includes("== 0")
      ? rule.expr.replace("== 0", ">= 0")
      : openedThresholds(rule.expr);
    await waitFor(
      `${rule.alert}: ${opened}`,
      async () => ((await promQuery(prometheus, opened)).length > 0 ? true : undefined),
      60_000,
    );
  }
}
