import { recoveryVerdicts } from "../analysis/recovery.js";
import { sloViolations } from "../analysis/slo.js";
import type { Analysis, DatastoreAnalysis, SurvivalAnalysis, SurvivalCheck } from "../analysis/types.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { ResolvedDatastore } from "../model/types.js";
import { byText } from "../order.js";

/**
 * What a candidate must meet before the full check runs: the datastore's own objectives and its
 * survival goal, each only while the policy that enforces it is enabled at error level (a rule a
 * user turned into a warning does not constrain the search — `check` would not fail on it).
 */
export interface Constraint {
  /** `writeP99Ms`, `readP99Ms`, `availability`, `replicationLagMs`, `rpoSeconds`, `rtoSeconds` or `survive`. */
  readonly id: string;
  /** Spec path, e.g. `datastores.accounts.slo.writeP99Ms`. */
  readonly path: string;
  readonly rule: string;
  /**
   * Where `rule` reports this constraint broken: the objective's own path; survival reports on the
   * placement (`datastores.accounts.placement`). What a relaxation may leave failing.
   */
  readonly reportedAt: string;
  readonly target: number | string;
  /** Latency objectives only: the operation, for the RTT floor. */
  readonly op?: "read" | "write";
}

/** The policy that enforces each objective: a table, so a new objective cannot go unenforced silently. */
const RULE_OF: Readonly<Record<string, { rule: string; op?: "read" | "write" }>> = {
  writeP99Ms: { rule: "latency-slo", op: "write" },
  readP99Ms: { rule: "latency-slo", op: "read" },
  availability: { rule: "availability-slo" },
  replicationLagMs: { rule: "replication-lag-slo" },
  // What losing the leader's region loses and how long writes stop (the same rule's `recovery`).
  rpoSeconds: { rule: "replication-lag-slo" },
  rtoSeconds: { rule: "replication-lag-slo" },
};

/** Objectives read through the RPO / RTO verdicts (src/analysis/recovery.ts). */
const RECOVERY: ReadonlySet<string> = new Set(["rpoSeconds", "rtoSeconds"]);

export function constraintsOf(ds: ResolvedDatastore, errorRules: ReadonlySet<string>): Constraint[] {
  const out: Constraint[] = [];
  if (errorRules.has("survival"))
    out.push({
      id: "survive",
      path: `${ds.path}.survive`,
      rule: "survival",
      reportedAt: `${ds.path}.placement`,
      target: ds.survive,
    });
  for (const [id, target] of Object.entries(ds.slo).sort(([a], [b]) => byText(a, b))) {
    const enforced = RULE_OF[id];
    if (target === undefined || enforced === undefined || !errorRules.has(enforced.rule)) continue;
    out.push({
      id,
      path: `${ds.path}.slo.${id}`,
      rule: enforced.rule,
      reportedAt: `${ds.path}.slo.${id}`,
      target,
      ...(enforced.op === undefined ? {} : { op: enforced.op }),
    });
  }
  return out;
}

/** A constraint a candidate breaks, with the figure that breaks it. */
export interface Violation {
  readonly constraint: Constraint;
  /** The analysed figure (undefined: cannot be served at all, or a goal not met). */
  readonly actual?: number;
  readonly message: string;
}

/**
 * Not a declared objective but always required: every origin with demand can complete reads and
 * writes. The analysis leaves an origin it cannot serve (no quorum reachable, a link past its
 * capacity) out of the p99s, so a placement whose writes are down would otherwise score 0 ms.
 * Never relaxed (no search tolerates it).
 */
export const SERVED = "served";

/**
 * Not a declared objective either: a store asked to survive a region must survive a zone still
 * when that goal is relaxed (the least goal any store has, `survive`'s default), so advice never
 * names a placement one zone's loss stops. Never relaxed.
 */
export const SURVIVE_ZONE = "survive-zone";

/** Operations some origin with demand cannot complete, with those origins. */
export function downOps(analysis: DatastoreAnalysis): { op: "read" | "write"; origins: string[] }[] {
  return (["write", "read"] as const)
    .filter((op) => (analysis[op].unavailableShare ?? 0) > 0)
    .map((op) => ({
      op,
      origins: analysis[op].byOrigin.filter((o) => o.unavailable && o.share > 0).map((o) => o.origin),
    }));
}

/** The constraints `analysis` breaks, judged by the same code as `check` (sloViolations, survival). */
export function violations(constraints: readonly Constraint[], analysis: DatastoreAnalysis): Violation[] {
  const out: Violation[] = [];
  const alone: Analysis = {
    datastores: [analysis],
    services: [],
    streams: [],
    links: [],
    cost: { basis: "", replicasUsdPerMonth: 0, egressUsdPerMonth: 0, totalUsdPerMonth: 0 },
    failures: [],
  };
  const broken = new Map(sloViolations(alone).map((v) => [v.path, v]));
  for (const constraint of constraints) {
    if (constraint.id === "survive") {
      if (!analysis.survival.meetsGoal) {
        const check = analysis.survival[analysis.survival.goal];
        out.push({ constraint, message: notSurviving(check, analysis.survival.operatorNeeded) });
      }
      if (constraint.target === "region" && !analysis.survival.zone.survives)
        out.push({
          constraint: { ...constraint, id: SURVIVE_ZONE, target: "zone" },
          message: notSurviving(analysis.survival.zone),
        });
      continue;
    }
    const v = broken.get(constraint.path);
    if (v !== undefined)
      out.push({ constraint, ...(v.actual === undefined ? {} : { actual: v.actual }), message: v.message });
  }
  for (const { op, origins } of downOps(analysis))
    out.push({
      constraint: {
        id: SERVED,
        path: analysis.path,
        rule: "solve",
        reportedAt: analysis.path,
        target: "every origin served",
      },
      message: `${op}s from ${origins.join(", ")} are down (cannot complete: no quorum reachable or a link past its capacity)`,
    });
  return out;
}

/** Whether `finding` is `constraint` itself reported broken by its rule. */
export function isBreachOf(constraint: Constraint, finding: Pick<Diagnostic, "code" | "path">): boolean {
  return finding.code === constraint.rule && finding.path === constraint.reportedAt;
}

/**
 * The figure a constraint reads from an analysis (for slack and relaxations); none for an RPO or
 * RTO that no recovery meets (every copy of the data in one region, writes stopping: recovery.ts).
 */
export function figureOf(constraint: Constraint, analysis: DatastoreAnalysis): number | undefined {
  if (RECOVERY.has(constraint.id))
    return recoveryVerdicts(analysis).find((v) => v.objective === constraint.id)?.actual;
  const unserved = (profile: DatastoreAnalysis["write"]) =>
    profile.byOrigin.some((o) => o.unavailable) ? undefined : profile.worstP99Ms;
  const FIGURES: Readonly<Record<string, () => number | undefined>> = {
    writeP99Ms: () => unserved(analysis.write),
    readP99Ms: () => unserved(analysis.read),
    availability: () => Math.min(analysis.availability.write, analysis.availability.read),
    replicationLagMs: () =>
      analysis.replicationLag.some((lag) => lag.unbounded)
        ? undefined
        : Math.max(0, ...analysis.replicationLag.map((lag) => lag.p99Ms)),
  };
  return FIGURES[constraint.id]?.();
}

/**
 * Why a survival check fails, in the words of its reason, naming the domain that reason is about:
 * where enough replicas outlive every loss but one needs an operator (`operator`, the goal's, or
 * the region check's `operatorDomain`), that domain — the primary's zone or region — not the
 * one whose loss leaves the fewest replicas.
 */
function notSurviving(check: SurvivalCheck, operator?: SurvivalAnalysis["operatorNeeded"]): string {
  const lead = `does not survive a ${check.goal} failure: losing`;
  const worst = check.worstDomain ?? "a domain";
  if (check.promotionVotes !== undefined)
    return `${lead} ${worst} takes the primary and leaves ${check.replicasLeft} members, fewer than the ${check.promotionVotes} votes a failover needs`;
  if (check.noLeader === true)
    return `${lead} ${worst} leaves a quorum (${check.replicasLeft}) but no voter allowed to lead it`;
  const waits = operator?.domain ?? check.operatorDomain;
  if (waits !== undefined && check.replicasLeft >= check.quorum)
    return `${lead} ${waits} stops writes until an operator promotes a replica`;
  return `${lead} ${worst} leaves ${check.replicasLeft} of ${check.quorum} needed`;
}
