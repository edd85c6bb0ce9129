import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { analyse, compareAnalyses } from "../analysis/index.js";
import type { Failure } from "../analysis/types.js";
import { type Diagnostic, InputError } from "../diagnostics/diagnostic.js";
import type { EngineDefinition, LocalMember } from "../engines/types.js";
import type { Model, ResolvedDatastore } from "../model/types.js";
import { CLIENT_DRIVERS } from "./clients/index.js";
import { compareLab, MIN_SETTLED_MS, minimumFailMs, TOLERANCE } from "./compare.js";
import { atLabLoad } from "./lab-load.js";
import { predictedAlerts } from "./prometheus.js";
import { buildReport, type LabReport, machineWasBottleneck } from "./report.js";
import { type LabObservation, type LabSchedule, runLab } from "./run.js";
import { siteLayout } from "./sites.js";
import { median } from "./stats.js";
import { removeStaleLabs } from "./supervisor.js";

/**
 * `topoplan lab`: runs one datastore for real on this machine across an emulated WAN and holds the
 * analysis's predictions against what it does. The only part of topoplan that starts processes.
 *
 * Defaults (estimates, sized for two shared cores): 3 s warm-up (leader moved, sessions open);
 * 20 s baseline, i.e. ~100 writes and ~100 reads per origin at 10 ops/s and half writes, enough for
 * a median and, just, a nearest-rank p99; 16 s of failure (its settled part is the second half);
 * 8 s after healing; 3 s per request, discovery included (above every WAN path the catalog has).
 */
export const DEFAULT_SCHEDULE: LabSchedule = {
  warmupMs: 3000,
  baselineMs: 20_000,
  failMs: 16_000,
  recoverMs: 8000,
  opsPerSec: 10,
  timeoutMs: 3000,
};

const environment = (message: string, fix: string): Diagnostic => ({
  code: "lab/environment",
  severity: "error",
  path: "topoplan lab",
  message,
  fix,
});

function onPath(binary: string): boolean {
  try {
    if (binary.startsWith("/")) accessSync(binary, constants.X_OK);
    else execFileSync("sh", ["-c", 'command -v "$1"', "sh", binary], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Root, `ip`, and every binary the members and their setup need; each problem says how to install. */
export function preflight(
  locals: readonly LocalMember[],
  extra: readonly { binary: string; pkg: string }[] = [],
) {
  const problems: Diagnostic[] = [];
  if (process.getuid?.() !== 0)
    problems.push(
      environment(
        "the lab creates network namespaces and needs root",
        "run it as root (e.g. `sudo topoplan lab …`) on a machine you may change",
      ),
    );
  const needs = new Map<string, string>([
    ["ip", "iproute2"],
    ["setpriv", "util-linux"],
    ...extra.map((e) => [e.binary, e.pkg] as const),
  ]);
  for (const local of locals) {
    needs.set(local.command[0]!, local.debianPackage);
    for (const [binary, pkg] of Object.entries(local.binaries ?? {})) needs.set(binary, pkg);
    for (const step of local.setup) needs.set(step[0]!, local.debianPackage);
    for (const sidecar of local.sidecars ?? [])
      needs.set(sidecar.command[0]!, sidecarPackage(sidecar.command[0]!));
  }
  for (const [binary, pkg] of needs)
    if (!onPath(binary))
      problems.push(environment(`${binary} is not installed`, `apt-get install -y ${pkg}`));
  if (problems.length > 0) throw new InputError(problems);
}

/** The Debian package of a sidecar binary: its file name, as Debian names exporters (`prometheus-postgres-exporter`). */
const sidecarPackage = (binary: string) => binary.split("/").at(-1) ?? binary;

/**
 * Time after the predicted failover's resume that the failure window still lasts, ms: promotion,
 * the clients finding the new primary, then enough settled writes and reads to judge.
 */
export const AFTER_FAILOVER_MS = 25_000;

/**
 * How long the failures last unless `--fail-for` says: the default, or, when the model predicts
 * that the failures take the leader and a failover resumes writes, long enough to see it happen.
 */
export function failureWindowMs(model: Model, ds: ResolvedDatastore, failures: readonly Failure[]): number {
  const resume = predictedResumeSeconds(model, ds, failures);
  return resume === undefined
    ? DEFAULT_SCHEDULE.failMs
    : Math.max(DEFAULT_SCHEDULE.failMs, resume * 1000 + AFTER_FAILOVER_MS);
}

/** Seconds until a predicted failover resumes writes, where the failures take the leader; else undefined. */
function predictedResumeSeconds(model: Model, ds: ResolvedDatastore, failures: readonly Failure[]) {
  if (failures.length === 0) return undefined;
  const resume = analyse(model, failures).datastores.find((d) => d.name === ds.name)?.dataLoss
    ?.resumeAfterSeconds;
  return resume === undefined || resume === 0 ? undefined : resume;
}

/**
 * Refuses a failure window too short to judge (exit 2, before anything starts): the failure's
 * figures come from its settled part (compare.ts `settledFrom`), which must last `MIN_SETTLED_MS`.
 */
function checkFailureWindow(
  failMs: number,
  model: Model,
  ds: ResolvedDatastore,
  failures: readonly Failure[],
) {
  if (failures.length === 0) return;
  const resume = predictedResumeSeconds(model, ds, failures);
  const needed = minimumFailMs(resume);
  if (failMs >= needed) return;
  const after =
    resume === undefined
      ? `from ${TOLERANCE.failoverLateSeconds} s after the failure`
      : `from the predicted failover's RTO (${resume} s) + ${TOLERANCE.failoverLateSeconds} s`;
  throw new InputError([
    {
      code: "lab/fail-for",
      severity: "error",
      path: "topoplan lab --fail-for",
      message: `--fail-for ${failMs / 1000}s is too short to judge the failure: the lab reads it ${after} until healing, and needs ${MIN_SETTLED_MS / 1000} s of that`,
      fix: `use --fail-for ${needed / 1000}s or more, or leave it unset (${failureWindowMs(model, ds, failures) / 1000} s)`,
    },
  ]);
}

export interface LabOptions {
  readonly model: Model;
  readonly datastore: ResolvedDatastore;
  readonly engine: EngineDefinition;
  readonly failures: readonly Failure[];
  readonly failureTexts: readonly string[];
  readonly schedule?: Partial<LabSchedule>;
  readonly log?: (line: string) => void;
}

/** Engines the lab has a client for (it also needs the catalog's `local()`). */
export const LAB_ENGINES = Object.keys(CLIENT_DRIVERS).sort();

/** Why the lab cannot run a datastore's engine, or undefined when it can. */
export function unsupported(engine: EngineDefinition): string | undefined {
  if (engine.local === undefined)
    return `${engine.capabilities.title} has no Debian package: the lab cannot run it`;
  if (CLIENT_DRIVERS[engine.id] === undefined)
    return `the lab has no client for ${engine.capabilities.title}`;
  return undefined;
}

export async function runLabReport(options: LabOptions): Promise<LabReport> {
  const { model, datastore: ds, engine } = options;
  const reason = unsupported(engine);
  if (reason !== undefined)
    throw new InputError([environment(reason, "pick a datastore on etcd or PostgreSQL with --datastore")]);
  const schedule = {
    ...DEFAULT_SCHEDULE,
    failMs: failureWindowMs(model, ds, options.failures),
    ...options.schedule,
  };
  checkFailureWindow(schedule.failMs, model, ds, options.failures);
  // Resolve the members once without side effects, to check binaries before touching the machine.
  preflight(engine.local!(model, ds, siteLayout("/nonexistent").layout));
  removeStaleLabs();
  const baseline = analyse(model).datastores.find((d) => d.name === ds.name)!;
  const origins = baseline.write.byOrigin.filter((o) => o.share > 0).map((o) => o.origin);
  const traffic = ds.traffic;
  const writeShare =
    traffic === undefined || traffic.readsPerSec + traffic.writesPerSec === 0
      ? 0.5
      : traffic.writesPerSec / (traffic.readsPerSec + traffic.writesPerSec);
  const observation: LabObservation = await runLab({
    model,
    component: ds,
    engine,
    origins,
    strongReads: ds.consistency === "strong",
    writeShare,
    failures: options.failures,
    schedule,
    log: options.log ?? (() => {}),
  });
  // Predicted for the workload that ran (its rate and mix), not the spec's declared traffic.
  const labModel = atLabLoad(model, ds.name, schedule.opsPerSec, origins.length, writeShare);
  const comparison = compareLab(
    labModel,
    labModel.datastores.find((d) => d.name === ds.name)!,
    options.failures,
    observation,
  );
  const skipped = observation.saturated;
  const skippedInBaseline = observation.saturatedInBaseline;
  const lagSamples = observation.lag.map((s) => s.ms);
  const lagMedian: Record<string, number> = {};
  for (const name of new Set(lagSamples.flatMap((s) => Object.keys(s))))
    lagMedian[name] = median(lagSamples.flatMap((s) => (s[name] === undefined ? [] : [s[name]!]))) ?? 0;
  const changes =
    options.failures.length === 0 ? [] : compareAnalyses(analyse(model), analyse(model, options.failures));
  // Alerts seen from the failure to the end of the run, by state (`name:state` samples).
  const during = observation.alerts.filter(
    (a) => a.at >= (observation.phases.failAt ?? Number.POSITIVE_INFINITY),
  );
  const named = (state: string) =>
    [...new Set(during.filter((a) => a.name.endsWith(`:${state}`)).map((a) => a.name.split(":")[0]!))].sort();
  return buildReport(
    {
      topology: model.name,
      datastore: ds.name,
      engine: engine.capabilities.title,
      members: observation.members,
      failures: options.failureTexts,
      errors: observation.errors,
      schedule: { ...schedule },
      machine: {
        loadPerCore: observation.machineLoad,
        skippedRequests: skipped,
        skippedInBaseline,
        sendLateMs: comparison.sendLateMs,
        bottleneck: machineWasBottleneck(
          observation.machineLoad,
          comparison.relayOverheadMs,
          skippedInBaseline,
          comparison.sendLateMs,
        ),
      },
      ...(Object.keys(lagMedian).length > 0 ? { replicationLagMs: lagMedian } : {}),
      ...(observation.prometheus
        ? {
            alerts: {
              predicted: predictedAlerts(ds, options.failures, changes),
              pending: named("pending"),
              fired: named("firing"),
              note: "the generated alerts wait 1–10 minutes (`for:`) and read 5-minute or longer windows: a lab failure shows them pending, rarely firing; shown, not judged",
            },
          }
        : {}),
    },
    comparison,
  );
}

export type { LabReport } from "./report.js";
export { renderLabJson, renderLabMarkdown, renderLabText } from "./report.js";
