import { describe, expect, it } from "vitest";
import { runPolicies } from "../../policies/run.js";
import { analyse } from "../../src/analysis/index.js";
import { resolveModel } from "../../src/model/resolve.js";
import { keyOf } from "../../src/solve/candidate.js";
import { trade } from "../../src/solve/explain.js";
import { LISTED_FINDINGS, renderMarkdown, renderText } from "../../src/solve/render.js";
import { solve } from "../../src/solve/solve.js";
import { bruteForce, build, SHOP_API, shop } from "./helpers.js";

const EU5 = ["eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-3"];

const CASES: { title: string; store: Record<string, unknown>; regions: string[] }[] = [
  {
    title: "consensus, 3 replicas, zone survival, tight reads",
    store: { replicas: 3, survive: "zone", slo: { readP99Ms: 30, writeP99Ms: 80 } },
    regions: EU5,
  },
  {
    title: "consensus, 5 replicas, region survival, EU residency",
    store: { replicas: 5, survive: "region", residency: ["EU"], slo: { writeP99Ms: 70, readP99Ms: 45 } },
    regions: EU5,
  },
  {
    title: "primary-replica semi-sync, bounded-staleness reads",
    store: {
      replication: "primary-replica",
      sync: "semi-sync",
      consistency: "bounded-staleness",
      replicas: 3,
      survive: "zone",
      slo: { readP99Ms: 5, writeP99Ms: 60, availability: 0.9995 },
    },
    regions: ["eu-central-1", "eu-west-1", "eu-west-2", "us-east-1"],
  },
  {
    title: "leaderless N=3, region survival, availability",
    store: {
      replication: "leaderless",
      consistency: "eventual",
      replicas: 3,
      survive: "region",
      slo: { writeP99Ms: 60, availability: 0.99999 },
    },
    regions: ["eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3"],
  },
  {
    // One copy per other region, passed on there (src/analysis/bandwidth.ts): the bound must price
    // the copies passed on as cross-zone, below Asia Pacific's inter-region egress. (CloudNativePG
    // copies per region too, but cannot survive a region: it promotes elsewhere only by hand.)
    title: "Cassandra (one copy per other datacenter), 4 replicas, region survival, Asia Pacific egress",
    store: {
      replication: "leaderless",
      consistency: "eventual",
      replicas: 4,
      quorum: { read: 2, write: 2 },
      survive: "region",
      slo: { writeP99Ms: 400 },
      deploy: { target: "kubernetes", engine: "cassandra" },
    },
    regions: ["ap-south-1", "ap-southeast-1", "ap-southeast-2"],
  },
  {
    // Seven over one region's three zones: two followers share the leader's zone, and their copies
    // are not billed (src/analysis/bandwidth.ts); a bound charging every follower's copy was above
    // the cost of such a placement, and could stop the search before it.
    title: "consensus, 7 replicas, heavy writes: copies inside the leader's zone are free",
    store: {
      replicas: 7,
      survive: "zone",
      traffic: { readsPerSec: 1, writesPerSec: 5000, itemBytes: 20000 },
      slo: { writeP99Ms: 200 },
    },
    regions: ["eu-central-1", "eu-west-1"],
  },
  // Requirements that depend on where a replica is (write regions; standbys in the primary's
  // region): every placement was once pruned as unable to survive.
  {
    title: "multi-leader with declared write regions, zone survival",
    store: {
      replication: "multi-leader",
      consistency: "eventual",
      replicas: 4,
      leaders: ["eu-west-1", "eu-central-1"],
      survive: "zone",
      slo: { writeP99Ms: 20 },
    },
    regions: ["eu-central-1", "eu-west-1", "eu-west-2"],
  },
  {
    title: "multi-leader writing everywhere it is placed, region survival",
    store: {
      replication: "multi-leader",
      consistency: "eventual",
      replicas: 3,
      survive: "region",
      slo: { writeP99Ms: 40 },
    },
    regions: ["eu-central-1", "eu-west-1", "eu-west-2"],
  },
  {
    title: "CloudNativePG semi-sync (standbys in the primary's region), zone survival",
    store: {
      replication: "primary-replica",
      sync: "semi-sync",
      replicas: 3,
      survive: "zone",
      slo: { writeP99Ms: 60 },
      deploy: { target: "kubernetes", engine: "postgresql" },
    },
    regions: ["eu-central-1", "eu-west-1", "eu-west-2"],
  },
];

describe("solve finds the brute-force optimum", () => {
  for (const { title, store, regions } of CASES) {
    it(title, () => {
      const model = shop(store);
      const brute = bruteForce(model, "orders", regions);
      const report = solve(model, { regions, explain: false, top: 0 });
      const solution = report.datastores[0]!;
      expect(solution.mode).toBe("exact");
      expect(brute).toBeDefined();
      const chosen = solution.chosen!;
      expect(Math.round(chosen.costUsdPerMonth * 100)).toBe(brute!.costCents);
      expect(Math.round(chosen.latencyMs * 100)).toBe(brute!.latencyHundredths);
      // Same placement too: ties are broken by the same rule (the current placement, then replicas
      // nearest the demand, then the key; the leader only where there is one).
      if (store.replication === "leaderless" || store.replication === "multi-leader")
        expect(chosen.placement).toEqual(brute!.candidate.placement);
      else
        expect(keyOf({ placement: chosen.placement, leader: chosen.leader })).toBe(keyOf(brute!.candidate));
      // The pruning and the bound did work: fewer evaluations than the brute force.
      expect(solution.stats.evaluated).toBeLessThan(brute!.total);
    });
  }

  // `check` refuses such a spec as input (exit 2): a leaderRegions region must hold a voter.
  it("chooses only placements the spec's validation accepts: every leaderRegions region keeps a voter", () => {
    const model = shop({ replicas: 3, survive: "zone", leaderRegions: ["eu-west-1", "eu-north-1"] });
    const solution = solve(model, { regions: EU5 }).datastores[0]!;
    const placed = (c: { placement: Record<string, unknown> }) => Object.keys(c.placement);
    expect(placed(solution.chosen!)).toEqual(expect.arrayContaining(["eu-west-1", "eu-north-1"]));
    expect(solution.alternatives.length).toBeGreaterThan(0);
    for (const next of solution.alternatives) expect(placed(next)).toContain("eu-north-1");
  });

  // Said only that no placement met the goal, and that relaxing it admitted none.
  it("a replica count whose quorum needs every member survives nothing: infeasible, and says so", () => {
    const model = shop({ replicas: 3, survive: "region" });
    const solution = solve(model, { replicas: { min: 2, max: 2 }, regions: EU5 }).datastores[0]!;
    expect(solution.chosen).toBeUndefined();
    expect(solution.infeasible!.message).toContain(
      ": with 2 replicas a quorum needs 2 of the 2 members it counts, so losing any one breaks it wherever they are",
    );
    // Nor when a count in the range has a member to spare: W = 3 drops the 2 (short of members),
    // leaves the 3 with none to spare and the 4 with one. It said "with 2 replicas a quorum needs
    // 3 of the 2".
    const leaderless = build({
      users: { "us-east-1": 0.5, "eu-west-1": 0.5 },
      datastores: {
        db: {
          replication: "leaderless",
          consistency: "eventual",
          replicas: 3,
          quorum: { read: 2, write: 3 },
          placement: { "us-east-1": 3 },
          survive: "zone",
          traffic: { readsPerSec: 1000, writesPerSec: 500, itemBytes: 1024 },
          slo: { writeP99Ms: 2 },
        },
      },
    } as never);
    const range = solve(leaderless, {
      replicas: { min: 2, max: 4 },
      regions: ["us-east-1", "eu-west-1", "us-east-2"],
    }).datastores[0]!;
    expect(range.infeasible?.message).toBeDefined();
    expect(range.infeasible!.message).not.toContain("members it counts");
    // With a member to spare the reason is not given.
    const three = solve(model, { replicas: { min: 3, max: 3 }, regions: ["eu-west-1"] }).datastores[0]!;
    expect(three.infeasible?.message ?? "").not.toContain("members it counts");
  });

  it("an objective below the RTT floor: infeasible, the floor named, the smallest relaxation exact", () => {
    const store = (writeP99Ms: number) => ({ replicas: 3, survive: "zone", slo: { writeP99Ms } });
    const regions = ["us-east-1", "us-east-2", "us-west-2"];
    const model = shop(store(60));
    expect(bruteForce(model, "orders", regions)).toBeUndefined();
    const solution = solve(model, { regions }).datastores[0]!;
    expect(solution.chosen).toBeUndefined();
    expect(solution.infeasible!.message).toMatch(
      /^no placement meets writeP99Ms 60 ms from eu-(central|west)-1: the floor is [\d.]+ ms via us-east-[12]/,
    );
    const relax = solution.infeasible!.relaxations.find((r) => r.path.endsWith("writeP99Ms"))!;
    // The smallest target any placement meets (to 0.1 ms), checked by brute force on both sides.
    expect(typeof relax.to).toBe("number");
    expect(bruteForce(shop(store(relax.to as number)), "orders", regions)).toBeDefined();
    expect(bruteForce(shop(store((relax.to as number) - 0.1)), "orders", regions)).toBeUndefined();
  });

  it("is deterministic", () => {
    const model = shop({ replicas: 5, survive: "region", slo: { writeP99Ms: 70 } });
    const a = JSON.stringify(solve(model, { regions: EU5 }));
    const b = JSON.stringify(solve(model, { regions: EU5 }));
    expect(a).toBe(b);
  });

  it("beyond --limit it runs the heuristic and reports a gap to a lower bound", () => {
    const model = shop({ replicas: 5, survive: "region", slo: { writeP99Ms: 70 } });
    const exact = solve(model, { regions: EU5, top: 0, explain: false }).datastores[0]!;
    const heuristic = solve(model, { regions: EU5, top: 0, explain: false, limit: 20 }).datastores[0]!;
    expect(heuristic.mode).toBe("heuristic");
    const gap = heuristic.stats.gap!;
    expect(gap.lowerBound).toBeLessThanOrEqual(exact.chosen!.costUsdPerMonth + 1e-9);
    expect(gap.found).toBeGreaterThanOrEqual(exact.chosen!.costUsdPerMonth - 1e-9);
    expect(gap.ratio).toBeGreaterThanOrEqual(0);
  });

  it("two datastores are solved one after the other; together they pass check", () => {
    const model = build({
      users: { "eu-west-1": 0.6, "eu-central-1": 0.4 },
      datastores: {
        orders: {
          replication: "consensus",
          replicas: 3,
          placement: "auto",
          residency: ["EU"],
          traffic: { readsPerSec: 1000, writesPerSec: 300, itemBytes: 2048 },
          slo: { writeP99Ms: 60, readP99Ms: 40 },
        },
        carts: {
          replication: "leaderless",
          consistency: "eventual",
          replicas: 3,
          placement: "auto",
          survive: "region",
          residency: ["EU"],
          slo: { writeP99Ms: 50 },
        },
      },
      services: {
        api: {
          regions: ["eu-west-1", "eu-central-1"],
          calls: [
            { to: "orders", op: "write", timeoutMs: 500 },
            { to: "carts", op: "write", timeoutMs: 500 },
          ],
        },
      },
    });
    const told: string[] = [];
    const report = solve(model, {
      top: 0,
      explain: false,
      progress: ({ name, index, total }) => told.push(`${name} ${index + 1}/${total}`),
    });
    expect(report.datastores.map((s) => s.name)).toEqual(["carts", "orders"]);
    expect(told).toEqual(["carts 1/2", "orders 2/2"]);
    const chosen = Object.fromEntries(report.datastores.map((s) => [s.name, s.chosen!]));
    const resolved = resolveModel(model.topology, model.catalog, chosen);
    const errors = runPolicies(resolved, analyse(resolved)).findings.filter((f) => f.severity === "error");
    expect(errors).toEqual([]);
  });

  it("the chosen placement of an auto datastore is what the model resolves to", () => {
    const model = shop({
      replicas: 3,
      survive: "zone",
      residency: ["EU"],
      consistency: "bounded-staleness",
      slo: { readP99Ms: 20 },
    });
    const chosen = solve(model, { top: 0 }).datastores[0]!.chosen!;
    const resolved = resolveModel(model.topology, model.catalog, { orders: chosen });
    const ds = resolved.datastores[0]!;
    expect(ds.autoPlaced).toBe(true);
    expect(Object.fromEntries(ds.placement.map((p) => [p.region, p.replicas]))).toEqual(chosen.placement);
    expect(analyse(resolved).datastores[0]!.read.worstP99Ms).toBeLessThanOrEqual(20);
  });
});

describe("findings no placement clears", () => {
  // A reporting job in us-east-1 reads the EU-only orders: a residency breach wherever the replicas go.
  const withReports = () =>
    shop(
      { replicas: 3, survive: "zone", residency: ["EU"], slo: { writeP99Ms: 80 } },
      {
        services: {
          api: SHOP_API,
          reports: { regions: ["us-east-1"], calls: [{ to: "orders", op: "read", timeoutMs: 2000 }] },
        },
      },
    );

  it("a caller's failure the current placement has too does not make the problem infeasible", () => {
    const model = withReports();
    const solution = solve(model, { regions: EU5, explain: false, top: 1 }).datastores[0]!;
    expect(solution.infeasible).toBeUndefined();
    expect(solution.chosen).toBeDefined();
    expect(solution.standing?.map((f) => [f.code, f.path])).toEqual([
      ["residency", "services.reports.calls[0]"],
    ]);
    // The chosen placement, checked in full, fails nothing else.
    const resolved = resolveModel(model.topology, model.catalog, {
      orders: { placement: solution.chosen!.placement, leader: solution.chosen!.leader },
    });
    const errors = runPolicies(resolved, analyse(resolved)).findings.filter((f) => f.severity === "error");
    expect(errors.map((f) => f.path)).toEqual(["services.reports.calls[0]"]);
    expect(solution.alternatives.length).toBeLessThanOrEqual(1);
  });

  it("text and Markdown list a few such findings and count the rest", () => {
    const model = withReports();
    const report = solve(model, { regions: EU5, explain: false, top: 1 });
    const many = {
      ...report,
      datastores: report.datastores.map((s) => ({
        ...s,
        standing: Array.from({ length: 25 }, (_, i) => ({
          ...s.standing![0]!,
          path: `services.r${i}.calls[0]`,
        })),
      })),
    };
    const text = renderText(many, { color: false });
    expect(text).toContain("still failing, as with the current placement");
    expect(text).toContain("services.r9.calls[0]");
    expect(text).not.toContain("services.r10.calls[0]");
    expect(text).toContain(`… and ${25 - LISTED_FINDINGS} more`);
    const markdown = renderMarkdown(many);
    expect(markdown).toContain("Still failing, as with the current placement");
    expect(markdown).toContain(`… and ${25 - LISTED_FINDINGS} more`);
  });
});

describe("trade", () => {
  it("says ±0 for a difference that rounds to nothing, not −0", () => {
    const scored = (cost: number, latency: number) =>
      ({
        costUsdPerMonth: cost,
        latencyMs: latency,
        analysis: {
          write: { worstP99Ms: 40 },
          read: { worstP99Ms: 30 },
          availability: { write: 0.9999, read: 0.9999 },
        },
      }) as never;
    expect(trade(scored(100, 19.4), scored(100.001, 19.38))).toBe("±$0.00/month, ±0 ms weighted p99");
    expect(trade(scored(100, 19.4), scored(98, 21))).toBe("−$2.00/month, +1.6 ms weighted p99");
  });
});

describe("placements equally good by cost and latency", () => {
  // A 3-voter store led from us-east-2: the third voter commits nothing while the other two are
  // up, so any region ties on both figures. solve chose af-south-1 (first by name) for a US-only
  // app, and --write then wrote that move, which diff calls destructive.
  // The shipped tails (measured jitter), not the formula tests' flat factor: as `topoplan solve` runs.
  const model = build({
    model: { tailFactor: undefined },
    users: { "us-east-1": 0.5, "us-west-2": 0.5 },
    datastores: {
      orders: {
        replication: "consensus",
        consistency: "strong",
        replicas: 3,
        placement: { "us-east-1": 1, "us-east-2": 1, "us-west-2": 1 },
        leader: "us-east-2",
        survive: "region",
        traffic: { readsPerSec: 2000, writesPerSec: 200, itemBytes: 1024 },
        slo: { availability: 0.999, readP99Ms: 100, writeP99Ms: 150 },
        deploy: { target: "kubernetes", engine: "cockroachdb" },
      },
    },
  });
  const solution = solve(model, { explain: false, top: 3 }).datastores[0]!;

  it("keep the current placement", () => {
    expect(solution.chosen!.placement).toEqual({ "us-east-1": 1, "us-east-2": 1, "us-west-2": 1 });
    expect(solution.chosen!.leader).toBe("us-east-2");
  });

  it("rank the others by how near their replicas are to the demand, not by name", () => {
    const third = (p: Record<string, unknown>) =>
      Object.keys(p).find((r) => r !== "us-east-1" && r !== "us-east-2");
    const next = solution.alternatives.map((a) => third(a.placement));
    expect(next).not.toContain("af-south-1");
    expect(next.every((r) => r !== undefined && /^(us|ca)-/.test(r))).toBe(true);
  });
});
