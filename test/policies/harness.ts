/**
 * The shared rule harness (cdk-nag style): each rule gets Compliance and Noncompliance cases over small
 * specs. Analyses are built by hand — a stub in which everything is healthy, patched per case — so rule
 * tests stay exact and independent of the analysis model's numbers.
 */
import { describe, expect, it } from "vitest";
import { runPolicies } from "../../policies/run.js";
import type { Rule } from "../../policies/types.js";
import { failoverAnalysis } from "../../src/analysis/failover.js";
import type {
  Analysis,
  DatastoreAnalysis,
  LatencyProfile,
  LinkLoad,
  ServiceAnalysis,
  StreamAnalysis,
  SurvivalAnalysis,
} from "../../src/analysis/types.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { resolveModel } from "../../src/model/resolve.js";
import type { Model } from "../../src/model/types.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { validateTopology } from "../../src/spec/validate.js";

type Patch<T> = {
  -readonly [K in keyof T]?: T[K] extends readonly unknown[]
    ? T[K]
    : T[K] extends object
      ? Patch<T[K]>
      : T[K];
};

/** Per-component overrides of the healthy stub analysis. */
export interface AnalysisPatch {
  readonly datastores?: Readonly<Record<string, Patch<DatastoreAnalysis>>>;
  readonly services?: Readonly<Record<string, Patch<ServiceAnalysis>>>;
  readonly streams?: Readonly<Record<string, Patch<StreamAnalysis>>>;
  /** Components the analysis has no figures for. */
  readonly missing?: readonly string[];
  readonly links?: readonly LinkLoad[];
}

export interface RuleCase {
  /** Shown in the test name. */
  readonly name?: string;
  readonly spec: TopologyInput;
  readonly analysis?: AnalysisPatch;
  /** Run without any analysis (as when none ran). */
  readonly noAnalysis?: true;
}

export interface ExpectedFinding {
  readonly path: string;
  readonly message: string;
  readonly status?: "fail" | "unknown";
  readonly fix?: string;
}

export interface RuleCases {
  readonly compliant: readonly RuleCase[];
  readonly noncompliant: readonly (RuleCase & { readonly expect: readonly ExpectedFinding[] })[];
}

/** Validates and resolves a spec; a spec that does not validate is a broken test, reported as such. */
export function modelOf(spec: TopologyInput): Model {
  const result = validateTopology(spec);
  if (!result.ok)
    throw new Error(
      `test spec is invalid:\n${result.diagnostics.map((d) => `${d.path}: ${d.message}`).join("\n")}`,
    );
  return resolveModel(result.topology);
}

/** A latency profile from `{ origin: p99 }`; p50 = p99 / 1.5, equal shares. */
export function profile(p99ByOrigin: Readonly<Record<string, number>>): LatencyProfile {
  const entries = Object.entries(p99ByOrigin);
  const byOrigin = entries.map(([origin, p99Ms]) => ({
    origin,
    share: 1 / entries.length,
    p50Ms: p99Ms / 1.5,
    p99Ms,
  }));
  const worst = Math.max(0, ...byOrigin.map((o) => o.p99Ms));
  const weighted = byOrigin.reduce((sum, o) => sum + o.share * o.p99Ms, 0);
  return { byOrigin, worstP99Ms: worst, weightedP99Ms: weighted };
}

function healthySurvival(goal: "zone" | "region", replicas: number): SurvivalAnalysis {
  const quorum = Math.floor(replicas / 2) + 1;
  const check = (g: "zone" | "region") => ({ goal: g, survives: true, replicasLeft: replicas - 1, quorum });
  return {
    zone: check("zone"),
    region: check("region"),
    goal,
    meetsGoal: true,
    minReplicas: goal === "region" ? 5 : 3,
    minRegions: goal === "region" ? 3 : 1,
  };
}

/** Everything healthy: 1 ms latencies, 99.999% availability, survival met, $100 per replica-month. */
export function stubAnalysis(model: Model, patch: AnalysisPatch = {}): Analysis {
  const missing = new Set(patch.missing ?? []);
  const origins = Object.fromEntries(model.users.map((u) => [u.region, 1]));
  const datastores = model.datastores
    .filter((d) => !missing.has(d.name))
    .map(
      (d): DatastoreAnalysis =>
        merge(
          {
            name: d.name,
            path: d.path,
            replication: d.replication,
            replicas: d.replicas,
            quorum: d.quorum,
            leader: d.leader,
            commitP50Ms: 1,
            write: profile(origins),
            read: profile(origins),
            survival: healthySurvival(d.survive, d.replicas),
            availability: { write: 0.99999, read: 0.99999 },
            // The placement's own failover figures (who can promote, and when), with no data loss.
            failover: failoverAnalysis(d, 0),
            partitionsWithoutQuorum: 0,
            partitions: d.partitions.count,
            replicationLag: d.regions
              .filter((r) => r !== d.leader)
              .map((region) => ({ region, p50Ms: 1, p99Ms: 1, unbounded: false })),
            rpoMs: 0,
            costUsdPerMonth: { replicas: 100 * d.replicas, egress: 0 },
            // As the analysis copies them (src/analysis/index.ts): the RPO / RTO verdicts read them.
            ...(Object.keys(d.slo).length === 0 ? {} : { slo: d.slo }),
          },
          patch.datastores?.[d.name],
        ),
    );
  const services = model.services
    .filter((s) => !missing.has(s.name))
    .map(
      (s): ServiceAnalysis =>
        merge(
          {
            name: s.name,
            path: s.path,
            latency: profile(origins),
            availability: 0.99999,
            ownAvailability: 0.99999,
            calls: s.calls.map((c) => ({ to: c.to, path: c.path, attempts: c.retries + 1, p99Ms: 1 })),
          },
          patch.services?.[s.name],
        ),
    );
  const streams = model.streams
    .filter((s) => !missing.has(s.name))
    .map(
      (s): StreamAnalysis =>
        merge(
          {
            name: s.name,
            path: s.path,
            produce: profile(origins),
            endToEndP99Ms: 1,
            survival: healthySurvival("zone", s.replicas),
            availability: 0.99999,
            costUsdPerMonth: { replicas: 100 * s.replicas, egress: 0 },
          },
          patch.streams?.[s.name],
        ),
    );
  return {
    datastores,
    services,
    streams,
    links: patch.links ?? [],
    cost: { basis: "none", replicasUsdPerMonth: 0, egressUsdPerMonth: 0, totalUsdPerMonth: 0 },
    failures: [],
  };
}

function merge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    const current = out[key];
    out[key] =
      value !== null &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      current !== null &&
      typeof current === "object" &&
      !Array.isArray(current)
        ? merge(current, value)
        : value;
  }
  return out as T;
}

/** Runs one rule over a case through the real runner (settings, severities, crash handling). */
export function runRule(rule: Rule, testCase: RuleCase): Diagnostic[] {
  const model = modelOf(testCase.spec);
  const analysis = testCase.noAnalysis ? undefined : stubAnalysis(model, testCase.analysis);
  return [...runPolicies(model, analysis, { rules: [rule] }).findings];
}

/** Compliance / Noncompliance cases for one rule, with exact paths and messages. */
export function describeRule(rule: Rule, cases: RuleCases): void {
  describe(rule.id, () => {
    describe("Compliance", () => {
      cases.compliant.forEach((testCase, i) => {
        it(testCase.name ?? `compliant case ${i + 1}`, () => {
          expect(runRule(rule, testCase)).toEqual([]);
        });
      });
    });
    describe("Noncompliance", () => {
      cases.noncompliant.forEach((testCase, i) => {
        it(testCase.name ?? `noncompliant case ${i + 1}`, () => {
          const findings = runRule(rule, testCase);
          const shape = (expected: ExpectedFinding, actual: Diagnostic | undefined) => ({
            path: actual?.path,
            message: actual?.message,
            ...(expected.status === undefined ? {} : { status: actual?.status ?? "fail" }),
            ...(expected.fix === undefined ? {} : { fix: actual?.fix }),
          });
          expect(findings.map((f, j) => shape(testCase.expect[j] ?? { path: "", message: "" }, f))).toEqual(
            testCase.expect.map((e) => ({ ...e })),
          );
          for (const finding of findings) {
            expect(finding.code).toBe(rule.id);
            expect(finding.fix).toBeTruthy();
          }
        });
      });
    });
  });
}
