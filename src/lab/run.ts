import type { ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Failure } from "../analysis/types.js";
import type { EngineDefinition } from "../engines/types.js";
import type { Model, ResolvedDatastore } from "../model/types.js";
import { AgentHandle } from "./agents/handle.js";
import type { OpRecord, WorkloadConfig } from "./agents/workload.js";
import type { LabEndpoint } from "./clients/types.js";
import { hubOf, linkReroutes, namespaceOf, networkCommands, relayConfig } from "./netns.js";
import { sampleLeader } from "./observed-leader.js";
import { PROMETHEUS_BINARY, PROMETHEUS_PORT, prometheusCommand, prometheusFiles } from "./prometheus.js";
import { loadPerCore } from "./report.js";
import { ECHO_PORT, type PlacedMember, planSites, type Site, type SitePlan, siteLayout } from "./sites.js";
import { Supervisor } from "./supervisor.js";

/** Members run unprivileged: as the engine's `runAs` user, or `nobody`. PostgreSQL refuses root. */
export const LAB_USER = { uid: 65534, gid: 65534, name: "nobody" } as const;

/** uid and gid of a system user (the engine's `runAs`), from the passwd database. */
export function systemUser(name: string | undefined): { uid: number; gid: number } {
  if (name === undefined) return LAB_USER;
  const entry = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .map((line) => line.split(":"))
    .find((fields) => fields[0] === name);
  if (entry === undefined)
    throw new Error(`user ${name} (the engine's runAs) does not exist: install its package`);
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

export interface LabSchedule {
  /** Baseline workload, ms (after a warm-up that is not measured). */
  readonly baselineMs: number;
  readonly warmupMs: number;
  /** How long the failures last, ms. */
  readonly failMs: number;
  /** Observation after healing, ms. */
  readonly recoverMs: number;
  /** Operations per second per origin. */
  readonly opsPerSec: number;
  readonly timeoutMs: number;
}

export interface PhaseTimes {
  readonly start: number;
  readonly baselineFrom: number;
  readonly baselineTo: number;
  readonly failAt?: number;
  readonly healAt?: number;
  readonly end: number;
}

export interface LeaderSample {
  readonly at: number;
  readonly member?: string;
  readonly region?: string;
}

/** What one lab run observed: raw enough to derive every figure, small enough to print as JSON. */
export interface LabObservation {
  readonly members: readonly { name: string; region: string; zone: string; role?: string }[];
  readonly origins: readonly string[];
  readonly ops: Readonly<Record<string, readonly OpRecord[]>>;
  /** Requests the workload skipped because its in-flight cap was hit, per origin. */
  readonly saturated: Readonly<Record<string, number>>;
  /**
   * The same count when the baseline ended: skips there mean the machine fell behind, while skips
   * during a failure are the datastore stalling (requests wait out a failover at the cap).
   */
  readonly saturatedInBaseline: Readonly<Record<string, number>>;
  /** Failed requests by error message, per origin. */
  readonly errors: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Echo RTT through the relays per origin and member site region, ms (median, before the workload). */
  readonly echo: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The same echoes re-timed about once a second during the workload, per origin. */
  readonly echoSamples?: Readonly<
    Record<string, readonly { readonly at: number; readonly ms: Readonly<Record<string, number>> }[]>
  >;
  readonly configuredRtt: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly leaders: readonly LeaderSample[];
  readonly phases: PhaseTimes;
  /** Acknowledged writes missing at the end. */
  readonly lostWrites: readonly string[];
  readonly keysChecked: boolean;
  /** Replication lag per member (engines that report it), sampled with the leader. */
  readonly lag: readonly { readonly at: number; readonly ms: Readonly<Record<string, number>> }[];
  /** Whether a Prometheus ran, and the alerts it reported firing (sampled with the leader). */
  readonly prometheus: boolean;
  readonly alerts: readonly { readonly at: number; readonly name: string }[];
  /** Mean CPU load over the run (1-min loadavg / online CPUs); report.ts says when it shaped the figures. */
  readonly machineLoad: number;
}

/** Finds the agent entry: compiled beside this file, the TypeScript source (run with tsx), or in dist/src from the bundle. */
function agentCommand(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "agents/agent.js"), join(here, "../src/lab/agents/agent.js")])
    if (existsSync(candidate)) return [process.execPath, candidate];
  const source = join(here, "agents/agent.ts");
  if (existsSync(source)) return [process.execPath, "--import", import.meta.resolve("tsx"), source];
  throw new Error(`lab agent not found next to ${here}: run \`npm run build\``);
}

/** Tries of a member's setup before the lab gives up (one second apart). */
const SETUP_ATTEMPTS = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Running {
  readonly placed: PlacedMember;
  process?: ChildProcess;
}

export interface LabRunInput {
  readonly model: Model;
  readonly component: ResolvedDatastore;
  readonly engine: EngineDefinition;
  readonly origins: readonly string[];
  readonly strongReads: boolean;
  readonly writeShare: number;
  readonly failures: readonly Failure[];
  readonly schedule: LabSchedule;
  readonly log: (line: string) => void;
}

/**
 * Runs the component for real: network, relays, members (setup, then start), the declared leader,
 * the workload from every origin, the failures and their healing, and the data-loss check.
 * Everything it started is removed before it returns or throws.
 */
export async function runLab(input: LabRunInput): Promise<LabObservation> {
  const supervisor = new Supervisor();
  try {
    return await runInside(supervisor, input);
  } finally {
    supervisor.cleanup();
  }
}

async function runInside(sup: Supervisor, input: LabRunInput): Promise<LabObservation> {
  const { model, component, engine, schedule, log } = input;
  chmodSync(sup.root, 0o755);
  mkdirSync(join(sup.root, "members"), { mode: 0o755 });
  const layout = siteLayout(join(sup.root, "members"));
  const locals = engine.local!(model, component, layout.layout);
  const plan: SitePlan = planSites(model, locals, layout, input.origins);
  const ns = (site: Site) => namespaceOf(sup.prefix, site);
  const agent = agentCommand();

  log(`network: ${plan.sites.length} namespaces (${sup.prefix}-*), ${plan.members.length} members`);
  sup.ownNamespace(hubOf(sup.prefix));
  for (const site of plan.sites) sup.ownNamespace(ns(site));
  for (const command of networkCommands(sup.prefix, plan)) sup.run(command);

  const configDir = join(sup.root, "agents");
  mkdirSync(configDir, { recursive: true });
  const startAgent = (site: (typeof plan.sites)[number], mode: string, config: object) => {
    const file = join(configDir, `${mode}-${site.index}.json`);
    writeFileSync(file, JSON.stringify(config));
    return new AgentHandle(sup.spawn(ns(site), [...agent, mode, file]));
  };

  // The WAN: one relay per site.
  const relays = plan.sites.map((site) => ({
    site,
    handle: startAgent(site, "relay", relayConfig(plan, site)),
  }));
  await Promise.all(
    relays.map((r) => r.handle.waitFor((m) => (m.ready ? true : undefined), 20_000, "relay")),
  );

  // Clients talk to the data members; the control plane (a failover's lock store) serves only them.
  const dataMembers = plan.members.filter((m) => !m.local.controlPlane);
  const endpoints: LabEndpoint[] = dataMembers.map((m) => ({
    name: m.local.member.name,
    region: m.local.member.region,
    host: m.address,
    port: m.local.clientPort,
    env: m.local.env,
  }));
  const observer = startAgent(plan.observer, "observer", { engine: engine.id, endpoints });
  await observer.waitFor((m) => (m.ready ? true : undefined), 20_000, "observer");

  // Members: files, setup commands, then the member itself, one after the other (a replica's
  // base backup needs its primary up).
  const logs = join(sup.root, "logs");
  mkdirSync(logs, { recursive: true });
  // The control plane first (the primary's failover manager needs its lock store), then the
  // primary, then replicas: a replica's setup copies from its primary.
  const startRank = (m: PlacedMember) =>
    m.local.controlPlane ? 0 : m.local.member.role === "replica" ? 2 : 1;
  const running: Running[] = [...plan.members]
    .sort((a, b) => startRank(a) - startRank(b))
    .map((placed) => ({ placed }));
  const runSetup = async (r: Running, user: { uid: number; gid: number }, dir: string) => {
    const { local } = r.placed;
    for (const step of local.setup) {
      const child = sup.spawn(ns(r.placed.site), step, { env: local.env, user, cwd: dir });
      const output: string[] = [];
      child.stdout?.on("data", (c: Buffer) => output.push(c.toString()));
      child.stderr?.on("data", (c: Buffer) => output.push(c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      if (code !== 0)
        return `setup of ${local.member.name} failed (${step.join(" ")}, exit ${code}): ${output.join("").slice(-600)}`;
    }
    return undefined;
  };
  const spawnLogged = (
    r: Running,
    name: string,
    command: readonly string[],
    env: Readonly<Record<string, string>>,
  ) => {
    const fd = openSync(join(logs, `${name}.log`), "a");
    const child = sup.spawn(ns(r.placed.site), command, {
      env,
      user: systemUser(r.placed.local.runAs),
      cwd: layout.layout.dataDir(r.placed.local.member),
      stdio: fd,
    });
    closeSync(fd);
    return child;
  };
  const start = (r: Running) => {
    r.process = spawnLogged(r, r.placed.local.member.name, r.placed.local.command, r.placed.local.env);
  };
  const startSidecars = (r: Running) => {
    for (const sidecar of r.placed.local.sidecars ?? [])
      spawnLogged(r, sidecar.name, sidecar.command, sidecar.env);
  };
  for (const r of running) {
    const { local } = r.placed;
    const user = systemUser(local.runAs);
    const dir = layout.layout.dataDir(local.member);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chownSync(dir, user.uid, user.gid);
    for (const [path, content] of Object.entries(local.files)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      chownSync(path, user.uid, user.gid);
    }
    // A setup step that needs another member (a base backup) can find it still starting: the port
    // accepts before the server serves. Retry the member's whole setup from its clean folder.
    const before = new Set(readdirSync(dir));
    for (let attempt = 1; ; attempt++) {
      const failure = await runSetup(r, user, dir);
      if (failure === undefined) break;
      if (attempt >= SETUP_ATTEMPTS) throw new Error(failure);
      for (const entry of readdirSync(dir))
        if (!before.has(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
      await sleep(1000);
    }
    log(`start ${local.member.name} in ${local.member.region}/${local.member.zone} at ${r.placed.address}`);
    start(r);
    const ownRelay = relays.find((x) => x.site.index === r.placed.site.index)!.handle;
    await ownRelay
      .request({ op: "tcp", host: r.placed.address, port: local.clientPort }, 30_000)
      .catch((e: Error) => {
        const tail = readFileSync(join(logs, `${local.member.name}.log`), "utf8").slice(-800);
        throw new Error(`${local.member.name} did not start: ${e.message}\n${tail}`);
      });
    startSidecars(r);
  }

  // Prometheus with the generated rules, in the observer's namespace.
  let prometheus = false;
  if (existsSync(PROMETHEUS_BINARY)) {
    const dir = join(sup.root, "prometheus");
    mkdirSync(join(dir, "data"), { recursive: true });
    for (const [path, content] of Object.entries(prometheusFiles(model, component, plan.members, dir)))
      writeFileSync(path, content);
    for (const path of [dir, join(dir, "data")]) chownSync(path, LAB_USER.uid, LAB_USER.gid);
    const fd = openSync(join(logs, "prometheus.log"), "a");
    sup.spawn(ns(plan.observer), prometheusCommand(dir), { user: LAB_USER, cwd: dir, stdio: fd });
    closeSync(fd);
    prometheus = true;
  }

  const regionOf = (name: string | undefined) =>
    dataMembers.find((m) => m.local.member.name === name)?.local.member.region;
  const leaderNow = async (): Promise<string | undefined> =>
    observer.request<string | null>({ op: "leader" }, 1500).then(
      (name) => name ?? undefined,
      () => undefined,
    );
  let leader: string | undefined;
  for (const deadline = Date.now() + 60_000; leader === undefined && Date.now() < deadline; ) {
    leader = await leaderNow();
    if (leader === undefined) await sleep(500);
  }
  if (leader === undefined)
    throw new Error(
      `no leader elected within 60 s; member logs:\n${running
        .map(
          (r) =>
            `${r.placed.local.member.name}: ${readFileSync(join(logs, `${r.placed.local.member.name}.log`), "utf8").slice(-600)}`,
        )
        .join("\n")}`,
    );
  // Engines without leader preferences elect anyone: hand leadership to the declared region.
  const preferred = dataMembers.find(
    (m) => m.local.member.region === component.leader && m.local.member.role !== "replica",
  );
  if (preferred && regionOf(leader) !== component.leader) {
    const moved = await observer
      .request<boolean>({ op: "move-leader", member: preferred.local.member.name }, 5000)
      .catch(() => false);
    log(
      `leader ${leader} (${regionOf(leader)}) → ${preferred.local.member.name}: ${moved ? "moved" : "not moved"}`,
    );
  }

  await observer.request({ op: "prepare" }, 10_000);

  // Workload from every origin.
  const ops: Record<string, OpRecord[]> = {};
  const saturated: Record<string, number> = {};
  const errors: Record<string, Record<string, number>> = {};
  const echo: Record<string, Record<string, number>> = {};
  const echoSamples: Record<string, { at: number; ms: Record<string, number> }[]> = {};
  const configuredRtt: Record<string, Record<string, number>> = {};
  const memberSites = [...new Set(dataMembers.map((m) => m.site))];
  const echoes: Promise<boolean>[] = [];
  const workloads = input.origins.map((origin) => {
    const site = plan.clients.get(origin)!;
    ops[origin] = [];
    configuredRtt[origin] = Object.fromEntries(memberSites.map((s) => [s.region, 2 * plan.delayMs(site, s)]));
    // Non-strong reads: the nearest member, then the next nearest while it fails (ReadTargets).
    const readOrder = [...dataMembers]
      .sort((a, b) => plan.delayMs(site, a.site) - plan.delayMs(site, b.site))
      .map((m) => m.local.member.name);
    const config: WorkloadConfig = {
      engine: engine.id,
      origin,
      endpoints,
      strongReads: input.strongReads,
      readOrder,
      opsPerSec: schedule.opsPerSec,
      writeShare: input.writeShare,
      timeoutMs: schedule.timeoutMs,
      // Estimate: at the default 10 ops/s × 3 s timeout, every request a fully stalled store holds.
      maxInFlight: 32,
      echo: memberSites.map((s) => ({ site: s.region, host: s.echo, port: ECHO_PORT })),
    };
    const handle = startAgent(site, "workload", config);
    echoes.push(handle.waitFor((m) => (m.echo !== undefined ? true : undefined), 60_000, "workload echo"));
    handle.on((m) => {
      if (Array.isArray(m.ops)) ops[origin]!.push(...(m.ops as OpRecord[]));
      if (typeof m.saturated === "number") saturated[origin] = m.saturated;
      if (m.errors !== undefined) errors[origin] = m.errors as Record<string, number>;
      if (m.echo !== undefined) echo[origin] = m.echo as Record<string, number>;
      if (m.echoSample !== undefined) {
        const samples = echoSamples[origin] ?? [];
        samples.push(m.echoSample as { at: number; ms: Record<string, number> });
        echoSamples[origin] = samples;
      }
    });
    return handle;
  });
  const leaders: LeaderSample[] = [];
  const lag: { at: number; ms: Record<string, number> }[] = [];
  const alerts: { at: number; name: string }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      leaders.push(await sampleLeader(leaderNow, regionOf));
      const l = await observer.request<Record<string, number>>({ op: "lag" }, 1000).catch(() => undefined);
      if (prometheus) {
        const firing = await observer
          .request<string[]>({ op: "alerts", port: PROMETHEUS_PORT }, 1000)
          .catch(() => [] as string[]);
        for (const name of firing) alerts.push({ at: Date.now(), name });
      }
      if (l && Object.keys(l).length > 0) lag.push({ at: Date.now(), ms: l });
      await sleep(250);
    }
  })();
  // The workload starts after its relay-overhead probe: the warm-up counts from there.
  await Promise.all(echoes);
  const t0 = Date.now();
  const loads: number[] = [];
  const loadTimer = setInterval(
    () => loads.push(Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0])),
    1000,
  );
  await sleep(schedule.warmupMs);
  const baselineFrom = Date.now();
  await sleep(schedule.baselineMs);
  const baselineTo = Date.now();
  const saturatedInBaseline = { ...saturated };
  let failAt: number | undefined;
  let healAt: number | undefined;
  if (input.failures.length > 0) {
    failAt = Date.now();
    const { stopped, cut, rerouted } = await applyFailures(
      model,
      input.failures,
      running,
      relays,
      sup,
      ns,
      log,
    );
    await sleep(schedule.failMs);
    healAt = Date.now();
    for (const tag of cut) await Promise.all(relays.map((x) => x.handle.request({ tag, cut: false }, 2000)));
    for (const tag of rerouted)
      await Promise.all(relays.map((x) => x.handle.request({ reroute: tag }, 2000)));
    for (const r of stopped) {
      start(r);
      startSidecars(r);
    }
    log(`healed: restarted ${stopped.length} members`);
    await sleep(schedule.recoverMs);
  }
  for (const w of workloads) w.send({ stop: true });
  await Promise.all(
    workloads.map((w) =>
      w.waitFor((m) => (m.finished ? true : undefined), schedule.timeoutMs + 10_000, "workload"),
    ),
  );
  sampling = false;
  await sampler;
  clearInterval(loadTimer);
  const end = Date.now();

  // Data loss: every acknowledged write must still be there.
  const acked = Object.values(ops).flatMap((list) =>
    list.filter((o) => o[1] === "w" && o[3]).map((o) => o[4]),
  );
  let keys: string[] | undefined;
  for (let attempt = 0; attempt < 10 && keys === undefined; attempt++) {
    keys = await observer.request<string[]>({ op: "keys", prefix: "lab/" }, 5000).catch(() => undefined);
    if (keys === undefined) await sleep(1000);
  }
  const present = new Set(keys ?? []);
  return {
    members: dataMembers.map((m) => ({
      name: m.local.member.name,
      region: m.local.member.region,
      zone: m.local.member.zone,
      ...(m.local.member.role ? { role: m.local.member.role } : {}),
    })),
    origins: input.origins,
    ops,
    saturated,
    saturatedInBaseline,
    errors,
    echo,
    echoSamples,
    configuredRtt,
    leaders,
    phases: {
      start: t0,
      baselineFrom,
      baselineTo,
      ...(failAt === undefined ? {} : { failAt }),
      ...(healAt === undefined ? {} : { healAt }),
      end,
    },
    lostWrites: keys === undefined ? [] : acked.filter((k) => !present.has(k)),
    keysChecked: keys !== undefined,
    lag,
    prometheus,
    alerts,
    machineLoad: loadPerCore(loads, cpus().length),
  };
}

/**
 * Executes the failures: a failed region or zone loses every process of its sites (members and
 * anything they started; the relay stays, as the network does), and a region's links are cut as
 * well so it is unreachable rather than refusing connections; a failed link is rerouted in every
 * relay over the shortest remaining path, as a backbone does and the analysis assumes
 * (linkReroutes), and cut only when no path remains.
 */
async function applyFailures(
  model: Model,
  failures: readonly Failure[],
  running: readonly Running[],
  relays: readonly { site: Site; handle: AgentHandle }[],
  sup: Supervisor,
  ns: (site: Site) => string,
  log: (line: string) => void,
): Promise<{ stopped: Running[]; cut: string[]; rerouted: string[] }> {
  const stopped: Running[] = [];
  const downSites = new Set<Site>();
  for (const failure of failures) {
    if (failure.kind === "link") continue;
    for (const r of running) {
      const m = r.placed.local.member;
      const hit = failure.kind === "region" ? m.region === failure.region : m.zone === failure.zone;
      if (hit && !stopped.includes(r)) {
        stopped.push(r);
        downSites.add(r.placed.site);
        log(`down: ${m.name} (${failure.kind} ${failure.kind === "region" ? failure.region : failure.zone})`);
      }
    }
  }
  // A failed zone or region is unreachable (its sites' paths are cut, not refused); the users
  // near it, in their client site, are not part of the failure.
  const reroutes = linkReroutes(model, failures);
  const rerouted = reroutes.filter((r) => r.delayMs !== undefined);
  const cut = [
    ...reroutes.filter((r) => r.delayMs === undefined).map((r) => r.tag),
    ...[...downSites].map((site) => `site:${site.index}`),
  ];
  for (const { tag, delayMs } of rerouted)
    await Promise.all(relays.map((r) => r.handle.request({ reroute: tag, delayMs }, 2000)));
  if (rerouted.length > 0)
    log(`rerouted ${rerouted.map((r) => `${r.tag} (one way ${r.delayMs!.toFixed(1)} ms)`).join(", ")}`);
  for (const tag of cut) await Promise.all(relays.map((r) => r.handle.request({ tag, cut: true }, 2000)));
  if (cut.length > 0) log(`cut ${cut.join(", ")}`);
  for (const site of downSites) {
    const relay = relays.find((r) => r.site.index === site.index)!;
    sup.killNamespace(ns(site), [relay.handle.child.pid]);
    if (process.env.TOPOPLAN_LAB_DEBUG) {
      const { execFileSync } = await import("node:child_process");
      setTimeout(() => {
        const pids = execFileSync("ip", ["netns", "pids", ns(site)])
          .toString()
          .trim()
          .split(/\s+/);
        log(
          `left in ${ns(site)}: ${pids
            .map((p) => {
              try {
                return execFileSync("ps", ["-o", "args=", "-p", p]).toString().trim();
              } catch {
                return p;
              }
            })
            .join(" ; ")}`,
        );
      }, 3000);
    }
  }
  return { stopped, cut, rerouted: rerouted.map((r) => r.tag) };
}
