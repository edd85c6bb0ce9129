import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { resolveModel } from "../../src/model/resolve.js";
import { constraintsOf, figureOf, violations } from "../../src/solve/constraints.js";
import { solve } from "../../src/solve/solve.js";
import { build } from "../analysis/helpers.js";

/** The survive constraint's violation for one store, as `solve` prints it for the current placement. */
const surviveMessage = (store: Record<string, unknown>) => {
  const model = build({
    users: { "eu-west-1": 1 },
    datastores: { db: { survive: "region", ...store } },
  } as never);
  const ds = model.datastores[0]!;
  const found = violations(constraintsOf(ds, new Set(["survival"])), analyse(model).datastores[0]!);
  return found.find((v) => v.constraint.id === "survive")?.message;
};

describe("why a placement does not survive, in solve's words", () => {
  it("Redis: the votes a failover needs, not a count the primary's writes already meet", () => {
    // Was: "losing eu-west-1 leaves 2 of 1 needed".
    expect(
      surviveMessage({
        replication: "primary-replica",
        consistency: "eventual",
        replicas: 5,
        placement: { "eu-west-1": 3, "eu-central-1": 1, "eu-north-1": 1 },
        leader: "eu-west-1",
        deploy: { target: "kubernetes", engine: "redis" },
      }),
    ).toBe(
      "does not survive a region failure: losing eu-west-1 takes the primary and leaves 2 members, fewer than the 3 votes a failover needs",
    );
  });

  // Was: "losing eu-central-1a leaves 1 of 1 needed" — the zone losing the fewest replicas, and a
  // count that holds.
  it("a primary nothing promotes elsewhere by itself: the primary's zone, and the operator", () => {
    expect(
      surviveMessage({
        survive: "zone",
        replication: "primary-replica",
        replicas: 2,
        placement: { "eu-west-1": 1, "eu-central-1": 1 },
        leader: "eu-west-1",
      }),
    ).toBe(
      "does not survive a zone failure: losing eu-west-1a stops writes until an operator promotes a replica",
    );
  });

  it("a consensus store short of its quorum: the count", () => {
    expect(
      surviveMessage({
        replication: "consensus",
        replicas: 3,
        placement: { "eu-west-1": 2, "eu-central-1": 1 },
      }),
    ).toBe("does not survive a region failure: losing eu-west-1 leaves 1 of 2 needed");
  });
});

/** An asynchronous primary-replica store written from Dublin, placed as given, with these objectives. */
const primaryStore = (placement: Record<string, number>, slo: Record<string, number>) =>
  build({
    users: { "eu-west-1": 1 },
    datastores: {
      db: {
        replication: "primary-replica",
        sync: "async",
        consistency: "eventual",
        replicas: Object.values(placement).reduce((a, b) => a + b, 0),
        placement,
        slo,
        traffic: { readsPerSec: 100, writesPerSec: 100, itemBytes: 1000 },
        residency: ["EU", "GB"],
      },
    },
    services: { app: { regions: ["eu-west-1"], calls: [{ to: "db", op: "write", timeoutMs: 1000 }] } },
  } as never);

describe("RPO and RTO constrain the search (replication-lag-slo)", () => {
  /** 0.05 s RPO, every replica in one region. */
  const model = (replicas: number) => primaryStore({ "eu-west-1": replicas }, { rpoSeconds: 0.05 });

  it("every copy of the data in one region meets no RPO, whatever the failover figures", () => {
    const m = model(2);
    const ds = m.datastores[0]!;
    const constraints = constraintsOf(ds, new Set(["replication-lag-slo"]));
    const rpo = constraints.find((c) => c.id === "rpoSeconds")!;
    const analysis = analyse(m).datastores[0]!;
    // The words check's rule uses (src/analysis/recovery.ts).
    expect(violations([rpo], analysis).map((v) => v.message)).toEqual([
      "every replica is in eu-west-1: losing eu-west-1 stops writes until it returns, and losing its storage loses every write, so no 0.05 s RPO holds through a region's loss",
    ]);
    expect(figureOf(rpo, analysis)).toBeUndefined();
    const two = analyse(primaryStore({ "eu-west-1": 1, "eu-west-2": 1 }, { rpoSeconds: 0.05 }))
      .datastores[0]!;
    expect(figureOf(rpo, two)).toBe(two.failover.rpoSeconds);
  });

  it("an RPO no placement of the replicas meets with the survival goal is named, with its relaxation", () => {
    // Was: "the 7 best placements … all fail the full check", and no relaxation of the RPO.
    const solution = solve(model(2), { datastores: ["db"], top: 0 }).datastores[0]!;
    expect(solution.infeasible?.message).toContain("rpoSeconds 0.05");
    const rpo = solution.infeasible?.relaxations.find((r) => r.path === "datastores.db.slo.rpoSeconds");
    expect(rpo).toMatchObject({ from: 0.05, to: "(none)", placement: { placement: { "eu-west-1": 2 } } });
  });
});

describe("an RTO an operator's promotion breaks", () => {
  it("spreads the observers of an automatic primary so that a majority outlives any region", () => {
    // Was: eu-west-1: 2, eu-west-2: 1 — the declared automatic failover's 30 s, while losing
    // eu-west-1 waits for an operator (1 of the 3 observers outside it cannot take the lock).
    const m = primaryStore({ "eu-west-1": 2, "eu-west-2": 1 }, { rtoSeconds: 60 });
    const solution = solve(m, { datastores: ["db"], top: 0 }).datastores[0]!;
    expect(solution.current.problems).toEqual([
      expect.stringMatching(
        /^losing eu-west-1 stops writes until an operator promotes .*, after about 600 s /,
      ),
    ]);
    const chosen = solution.chosen!;
    const placed = resolveModel(m.topology, m.catalog, {
      db: { placement: chosen.placement as Record<string, number>, leader: chosen.leader },
    });
    const ds = placed.datastores[0]!;
    const inLeader = ds.placement.find((p) => p.region === ds.leader)!;
    expect(inLeader.voters + inLeader.witnesses).toBeLessThan(ds.replicas / 2);
    expect(analyse(placed).datastores[0]!.failover.rtoSeconds).toBe(30);
  });
});

describe("relaxing a region goal leaves the zone goal", () => {
  it("advice survives a zone's loss: not all three replicas in a region of two zones", () => {
    // Was: "survive region binds: without it eu-west-1: 3 would do", which one zone's loss stops.
    const m = build({
      users: { "eu-west-1": 1 },
      datastores: {
        db: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 1, "eu-west-2": 1, "eu-central-1": 1 },
          zones: { "eu-west-1": ["eu-west-1a", "eu-west-1b"] },
          survive: "region",
          residency: ["EU", "GB"],
          traffic: { readsPerSec: 100, writesPerSec: 100, itemBytes: 1000 },
        },
      },
      services: { app: { regions: ["eu-west-1"], calls: [{ to: "db", op: "write", timeoutMs: 1000 }] } },
    } as never);
    const solution = solve(m, { datastores: ["db"], top: 0 }).datastores[0]!;
    const survive = solution.binding.find((b) => b.path === "datastores.db.survive")!;
    expect(survive.message).toMatch(
      /^survive region binds: surviving a zone's loss only, eu-west-1: 2, eu-west-2: 1 /,
    );
    const advised = resolveModel(m.topology, m.catalog, { db: { placement: survive.without!.placement } });
    expect(analyse(advised).datastores[0]!.survival.zone.survives).toBe(true);
  });
});
