import { describe, expect, it } from "vitest";
import { runPolicies } from "../../policies/run.js";
import { analyse } from "../../src/analysis/index.js";
import { resolveModel } from "../../src/model/resolve.js";
import { keyOf, replicasOf } from "../../src/solve/candidate.js";
import { allowedRoles } from "../../src/solve/roles.js";
import { type SolveOptions, solve } from "../../src/solve/solve.js";
import { type BruteForceDomain, bruteForce, shop } from "./helpers.js";

const EU3 = ["eu-central-1", "eu-west-1", "eu-west-2"];

/** Callers in Europe and in the US: reads from us-east-1 need a replica there. */
const transatlantic = {
  services: {
    api: {
      regions: ["eu-west-1", "us-east-1"],
      calls: [
        { to: "orders", op: "write" as const, timeoutMs: 500 },
        { to: "orders", op: "read" as const, timeoutMs: 500 },
      ],
    },
  },
};

const CASES: {
  title: string;
  store: Record<string, unknown>;
  regions: string[];
  options: SolveOptions;
  domain: BruteForceDomain;
  extra?: Parameters<typeof shop>[1];
  /** What the optimum must contain, so the case exercises what it says. */
  expects?: (key: string) => boolean;
}[] = [
  {
    title: "roles: consensus, 3 replicas, region survival — a witness replaces a voter (cheaper)",
    store: { replicas: 3, survive: "region", slo: { writeP99Ms: 80 } },
    regions: EU3,
    options: { roles: "all" },
    domain: { roles: ["readOnly", "witnesses"] },
    expects: (key) => /w1/.test(key),
  },
  {
    title: "roles: consensus, 4 replicas, follower reads from the US — a read-only replica",
    store: {
      replicas: 4,
      survive: "zone",
      consistency: "bounded-staleness",
      slo: { readP99Ms: 10, writeP99Ms: 120 },
    },
    regions: ["eu-central-1", "eu-west-1", "us-east-1"],
    options: { roles: ["readOnly"] },
    domain: { roles: ["readOnly"] },
    extra: transatlantic,
    expects: (key) => /r1/.test(key),
  },
  {
    title: "roles: primary-replica semi-sync, every role allowed",
    store: {
      replication: "primary-replica",
      sync: "semi-sync",
      consistency: "eventual",
      replicas: 3,
      survive: "zone",
      slo: { writeP99Ms: 60, availability: 0.9995 },
    },
    regions: EU3,
    options: { roles: "all" },
    domain: { roles: ["readOnly", "witnesses"] },
  },
  {
    title: "count: consensus, --replicas 1-5 (odd voting members), zone survival",
    store: { replicas: 5, survive: "zone", slo: { writeP99Ms: 60 } },
    regions: EU3,
    options: { replicas: { min: 1, max: 5 } },
    domain: { counts: [1, 2, 3, 4, 5], oddVoting: true },
    // Fewer than the declared 5: the cheapest count that survives a zone is 3.
    expects: (key) => key.split(",").reduce((sum, part) => sum + Number(/=(\d+)/.exec(part)![1]), 0) === 3,
  },
  {
    title: "count: leaderless, --replicas 1-5, region survival",
    store: {
      replication: "leaderless",
      consistency: "eventual",
      replicas: 5,
      survive: "region",
      slo: { writeP99Ms: 60 },
    },
    regions: EU3,
    options: { replicas: { min: 1, max: 5 } },
    domain: { counts: [1, 2, 3, 4, 5] },
  },
  {
    title: "count and roles: consensus, --replicas 2-4 with witnesses, region survival",
    store: { replicas: 3, survive: "region", slo: { writeP99Ms: 80 } },
    regions: EU3,
    options: { replicas: { min: 2, max: 4 }, roles: ["witnesses"] },
    domain: { counts: [2, 3, 4], roles: ["witnesses"], oddVoting: true },
  },
];

describe("solve with roles and a searched replica count finds the brute-force optimum", () => {
  for (const { title, store, regions, options, domain, extra, expects } of CASES) {
    it(title, () => {
      const model = shop({ ...store, deploy: { target: "external" } }, extra);
      const brute = bruteForce(model, "orders", regions, domain);
      const solution = solve(model, { regions, explain: false, top: 0, ...options }).datastores[0]!;
      expect(solution.mode).toBe("exact");
      expect(brute).toBeDefined();
      const chosen = solution.chosen!;
      expect(Math.round(chosen.costUsdPerMonth * 100)).toBe(brute!.costCents);
      expect(Math.round(chosen.latencyMs * 100)).toBe(brute!.latencyHundredths);
      if (store.replication === "leaderless") expect(chosen.placement).toEqual(brute!.candidate.placement);
      else expect(keyOf(chosen)).toBe(keyOf(brute!.candidate));
      expect(chosen.replicas).toBe(replicasOf(chosen));
      if (expects) expect(expects(keyOf(chosen))).toBe(true);
      expect(solution.stats.evaluated).toBeLessThan(brute!.total);
      // The chosen placement, count and roles included, passes check as the model resolves it.
      const resolved = resolveModel(model.topology, model.catalog, { orders: chosen });
      expect(resolved.datastores[0]!.replicas).toBe(chosen.replicas);
      const errors = runPolicies(resolved, analyse(resolved)).findings.filter(
        (f) => f.severity === "error" && (f.status ?? "fail") === "fail",
      );
      expect(errors).toEqual([]);
    });
  }
});

describe("which roles the search may use", () => {
  const base = { replicas: 3, survive: "region", slo: { writeP99Ms: 80 } };
  const placementOf = (store: Record<string, unknown>, options: SolveOptions) =>
    solve(shop(store), { regions: EU3, explain: false, top: 0, ...options }).datastores[0]!.chosen!;
  const roleful = (p: { placement: Readonly<Record<string, unknown>> }) =>
    Object.values(p.placement).some((e) => typeof e === "object");

  it("voters only unless asked (or the declared placement uses roles)", () => {
    expect(roleful(placementOf({ ...base, deploy: { target: "external" } }, {}))).toBe(false);
    expect(roleful(placementOf({ ...base, deploy: { target: "external" } }, { roles: "all" }))).toBe(true);
    const declared = {
      ...base,
      deploy: { target: "external" },
      placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-west-2": { witnesses: 1 } },
    };
    expect(roleful(placementOf(declared, { datastores: ["orders"] }))).toBe(true);
  });

  it("never roles the deploy target cannot build, nor roles the replication model lacks", () => {
    const etcd = { target: "kubernetes", engine: "etcd" };
    expect(roleful(placementOf({ ...base, deploy: etcd }, { roles: "all" }))).toBe(false);
    // What each engine runs in any region (src/engines/capabilities.ts replicaRoles).
    const rolesOf = (store: Record<string, unknown>) =>
      allowedRoles(shop({ ...base, ...store }).datastores[0]!, "all");
    // CockroachDB: non-voting replicas, no witnesses (every replica holds data).
    expect(rolesOf({ deploy: { target: "kubernetes", engine: "cockroachdb" } })).toEqual([
      "voters",
      "readOnly",
    ]);
    // PostgreSQL runs read-only replicas only outside the primary's region: the search does not place by region.
    const postgres = { replication: "primary-replica", consistency: "eventual" };
    expect(rolesOf({ ...postgres, deploy: { target: "kubernetes", engine: "postgresql" } })).toEqual([
      "voters",
    ]);
    expect(rolesOf({ deploy: { target: "kubernetes", image: "ghcr.io/acme/db:1.0.0" } })).toEqual(["voters"]);
    expect(rolesOf({ deploy: { target: "aws", service: "aurora-postgresql" }, ...postgres })).toEqual([
      "voters",
    ]);
    const leaderless = { ...base, replication: "leaderless", consistency: "eventual" };
    expect(roleful(placementOf({ ...leaderless, deploy: { target: "external" } }, { roles: "all" }))).toBe(
      false,
    );
  });
});

describe("survival needs a voter outside the failed domain", () => {
  it("a quorum of witnesses elects no leader: survive fails and says why", () => {
    const model = shop({
      replicas: 3,
      survive: "region",
      deploy: { target: "external" },
      placement: { "eu-west-1": 1, "eu-central-1": { witnesses: 1 }, "eu-west-2": { witnesses: 1 } },
    });
    const findings = runPolicies(model, analyse(model)).findings.filter((f) => f.code === "survival");
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toMatch(/losing eu-west-1 leaves a quorum .* but no voter to lead it/);
  });
});
