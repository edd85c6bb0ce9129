import { describe, expect, it } from "vitest";
import { survival as survivalRule } from "../../policies/rules/survival.js";
import { runPolicies } from "../../policies/run.js";
import { analyse, parseFailures } from "../../src/analysis/index.js";
import { build } from "./helpers.js";

/**
 * A primary-replica store's survival goal needs more than a replica left: one promoted without an
 * operator (src/analysis/failover.ts `withFailover`). The analysis and the survival rule together,
 * as `check` runs them.
 */
const store = (placement: Record<string, number>, extra: Record<string, unknown> = {}) =>
  build({
    users: { "us-east-1": 1 },
    datastores: {
      orders: {
        replication: "primary-replica",
        sync: "async",
        consistency: "session",
        replicas: Object.values(placement).reduce((a, b) => a + b, 0),
        placement,
        leader: "us-east-1",
        survive: "zone",
        ...extra,
      },
    },
  } as never);

const survivalOf = (m: ReturnType<typeof store>) => {
  const analysis = analyse(m);
  const findings = runPolicies(m, analysis, { rules: [survivalRule] }).findings;
  return { survival: analysis.datastores[0]!.survival, findings };
};

describe("survival of a primary-replica store under failover", () => {
  it("a lone primary with its replica in another region does not survive its zone (two regions cannot promote)", () => {
    // Read "goal met" (a replica outlives the zone) while whatif said writes wait ~600 s for an
    // operator to promote the replica in us-west-2.
    const { survival, findings } = survivalOf(store({ "us-east-1": 1, "us-west-2": 1 }));
    expect(survival.zone.survives).toBe(true); // the count alone holds
    expect(survival.meetsGoal).toBe(false);
    expect(survival.operatorNeeded?.domain).toBe("us-east-1a");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      path: "datastores.orders.placement",
      message:
        "survive: zone does not hold: losing us-east-1a takes the primary and leaves no other voter in us-east-1 to promote; a replica in another region is promoted only by an operator (automatic failover across regions needs a majority of the observers to outlive any one region, and us-east-1 holds 1 of the 2 observers (voters and witnesses))",
      fix: "add a standby in another zone of us-east-1 (one more voter there), which the region promotes by itself, or a witness in another zone of us-east-1, so that a majority of the observers outlives the primary's zone and promotes a replica elsewhere, or replicas or witnesses elsewhere so that no region holds half of the observers or more and a failover across regions is automatic",
      data: { worstDomain: "us-east-1a" },
    });
  });

  it("a standby in another zone of the primary's region is promoted there: met", () => {
    const { survival, findings } = survivalOf(store({ "us-east-1": 2, "us-west-2": 1 }));
    expect(survival.meetsGoal).toBe(true);
    expect(findings).toEqual([]);
  });

  it("observers in three regions promote across regions by themselves: met without a standby beside the primary", () => {
    const { survival, findings } = survivalOf(store({ "us-east-1": 1, "us-west-2": 1, "eu-west-1": 1 }));
    expect(survival.meetsGoal).toBe(true);
    expect(findings).toEqual([]);
  });

  it("an engine that fails over only in the primary's region needs the standby there, whatever the regions", () => {
    const { findings } = survivalOf(
      store({ "us-east-1": 1, "us-west-2": 1 }, { deploy: { target: "kubernetes", engine: "postgresql" } }),
    );
    expect(findings.map((f) => [f.message, f.fix])).toEqual([
      [
        "survive: zone does not hold: losing us-east-1a takes the primary and leaves no other voter in us-east-1 to promote; a replica in another region is promoted only by an operator (the engine fails over only inside the primary's region)",
        "add a standby in another zone of us-east-1 (one more voter there), which the region promotes by itself",
      ],
    ]);
  });

  it("a declared manual failover stops writes on the primary's zone even with a standby beside it", () => {
    const { findings } = survivalOf(
      store({ "us-east-1": 2, "us-west-2": 1 }, { failover: { mode: "manual" } }),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toMatch(
      /^survive: zone does not hold: failover inside us-east-1 is manual: losing us-east-1a, the primary's zone, stops writes until an operator promotes a replica \(RTO [0-9]+ s\)$/,
    );
    expect(findings[0]!.fix).toBe(
      "declare failover: { mode: automatic } with a standby in another zone of us-east-1",
    );
  });

  // That fix's witness, taken: losing the primary's zone leaves 2 of the 3 observers, whose side
  // takes the lock and promotes us-west-2's replica by itself. It was asked of an operator (600 s),
  // the observer rule counting regions only.
  it("a witness in another zone of the primary's region: its zone's loss fails over by itself", () => {
    const m = build({
      users: { "us-east-1": 1 },
      datastores: {
        orders: {
          replication: "primary-replica",
          sync: "async",
          consistency: "session",
          replicas: 3,
          placement: { "us-east-1": { voters: 1, witnesses: 1 }, "us-west-2": 1 },
          leader: "us-east-1",
          survive: "zone",
          failover: { mode: "automatic", rtoSeconds: 30 },
        },
      },
    } as never);
    const { survival, findings } = survivalOf(m);
    expect(survival.meetsGoal).toBe(true);
    expect(findings).toEqual([]);
    const zone = m.datastores[0]!.groups[0]!.leader.zone;
    const loss = analyse(m, parseFailures(m, [`zone:${zone}`]), analyse(m)).datastores[0]!.dataLoss;
    expect(loss).toMatchObject({ mode: "automatic", resumeAfterSeconds: 30 });
    expect(loss?.manualBecause).toBeUndefined();
    // The region's loss takes 2 of the 3 observers: still an operator's.
    const region = analyse(m, parseFailures(m, ["region:us-east-1"]), analyse(m)).datastores[0]!.dataLoss;
    expect(region).toMatchObject({ mode: "manual", resumeAfterSeconds: 600 });
  });

  it("a region goal with a manual failover says so, not that a count is short", () => {
    // Said "losing us-east-1 leaves 2 of 3 replicas and a quorum needs 1" and asked for "at most 0
    // in any one region": the count holds, the failover does not.
    const { findings } = survivalOf(
      store(
        { "us-east-1": 1, "us-west-2": 1, "us-east-2": 1 },
        { survive: "region", failover: { mode: "manual" } },
      ),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toMatch(
      /^survive: region does not hold: failover is manual: after losing us-east-1 writes stop until an operator promotes a replica \(RTO [0-9]+ s\)$/,
    );
    expect(findings[0]!.fix).toBe(
      "declare failover: { mode: automatic } where the engine or your tooling promotes a replica by itself (the side holding a majority of the voters and witnesses decides, and no region holds half of them or more here), use consensus replication, or set survive: zone",
    );
    // Observers a majority of which does not outlive every region: automatic alone would not do.
    const twoPlusOne = survivalOf(
      store({ "us-east-1": 2, "us-west-2": 1 }, { survive: "region", failover: { mode: "manual" } }),
    ).findings.find((f) => f.message.includes("failover is manual"));
    expect(twoPlusOne?.fix).toContain(
      "so place them so that no region holds half of them or more: us-east-1 holds 2 of the 3 observers (voters and witnesses)",
    );
    // CloudNativePG never fails over across regions: declaring automatic would not help.
    const cnpg = survivalOf(
      store(
        { "us-east-1": 2, "us-west-2": 1, "us-east-2": 1 },
        {
          survive: "region",
          failover: { mode: "manual" },
          deploy: { target: "kubernetes", engine: "postgresql" },
        },
      ),
    ).findings.find((f) => f.message.includes("failover is manual"));
    expect(cnpg?.fix).toBe(
      "this engine fails over automatically only inside the primary's region: use consensus replication (e.g. CockroachDB) to survive a region, or set survive: zone",
    );
  });

  it("a standby in the primary's own zone does not count: the zone takes both (availability too)", () => {
    // us-east-1 listed with one zone for the store: both voters sit in us-east-1a.
    const oneZone = store({ "us-east-1": 2, "us-west-2": 1 }, { zones: { "us-east-1": ["us-east-1a"] } });
    const spread = store({ "us-east-1": 2, "us-west-2": 1 });
    const { survival } = survivalOf(oneZone);
    expect(survival.meetsGoal).toBe(false);
    const write = (m: ReturnType<typeof store>) => analyse(m).datastores[0]!.availability.write;
    expect(write(oneZone)).toBeLessThan(write(spread));
  });
});

describe("the region line of a store whose goal is a zone", () => {
  it("fails when losing the primary's region waits for an operator (manual failover), though a replica is left", () => {
    // 2 in the primary's region, 1 elsewhere, manual failover (service-mesh's Aurora global
    // cluster is the same across regions: the whatif says writes wait ~600 s).
    const { survival } = survivalOf(
      store({ "us-east-1": 2, "us-west-2": 1 }, { failover: { mode: "manual" } }),
    );
    expect(survival.goal).toBe("zone");
    expect(survival.region.replicasLeft).toBeGreaterThanOrEqual(survival.region.quorum);
    expect(survival.region.survives).toBe(false);
    expect(survival.region.operatorDomain).toBe("us-east-1");
  });

  it("survives when a majority of the observers outside the primary's region promotes (2 + 2 + 1)", () => {
    const { survival } = survivalOf(
      store({ "us-east-1": 2, "us-west-2": 2, "eu-west-1": 1 }, { failover: { mode: "automatic" } }),
    );
    expect(survival.region.operatorDomain).toBeUndefined();
  });

  // Passed as "observers in 3 regions": losing us-east-1 leaves 2 of the 4 observers, and a DCS
  // (etcd under Patroni) grants no leader lock without a majority.
  // A reviewer's run: 1 + 2 led from the 1 passed survive: region, though losing the 2 leaves
  // the primary without its lock's majority (Patroni demotes it).
  it("1 + 2 led from the 1: the 2's region holds a majority of the observers, so no region goal", () => {
    const { survival } = survivalOf(
      store({ "us-east-1": 1, "us-west-2": 2 }, { survive: "region", failover: { mode: "automatic" } }),
    );
    expect(survival.meetsGoal).toBe(false);
    expect(survival.note).toContain("us-west-2 holds 2 of the 3 observers");
  });

  it("three regions are not enough without that majority (2 + 1 + 1): an operator promotes", () => {
    const { survival } = survivalOf(
      store({ "us-east-1": 2, "us-west-2": 1, "eu-west-1": 1 }, { failover: { mode: "automatic" } }),
    );
    expect(survival.region.operatorDomain).toBe("us-east-1");
  });
});

describe("an engine that fails over only inside the primary's region, survive: region", () => {
  it("is told so, not to add or spread replicas, whatever the count (CloudNativePG, semi-sync)", () => {
    // 2 in the primary's region (its synchronous standby there) and one each in two more: three
    // outlive the primary's region, but nothing promotes there; the count said "leaves 0 of 4"
    // and "place at least 3 replicas over 3 regions", which the engine rule then refused.
    const { survival, findings } = survivalOf(
      store(
        { "us-east-1": 2, "us-east-2": 1, "us-west-2": 1 },
        {
          sync: "semi-sync",
          survive: "region",
          deploy: { target: "kubernetes", engine: "postgresql", storageGi: 10 },
        },
      ),
    );
    expect(survival.meetsGoal).toBe(false);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain("this engine fails over only inside the primary's region");
    expect(findings[0]!.message).not.toMatch(/leaves 0/);
    expect(findings[0]!.fix).toMatch(/consensus replication .* or set survive: zone/);
    expect(findings[0]!.fix).not.toMatch(/place at least/);
  });
});

describe("an engine that fails over only inside the primary's region, every replica there", () => {
  it("is told the count: no replica is outside the region for an operator to promote", () => {
    const { findings } = survivalOf(
      store(
        { "us-east-1": 3 },
        { survive: "region", deploy: { target: "kubernetes", engine: "postgresql", storageGi: 10 } },
      ),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toMatch(/losing us-east-1 leaves 0 of 3 replicas/);
    expect(findings[0]!.message).not.toContain("promotes a replica elsewhere");
  });
});
