import { describe, expect, it } from "vitest";
import { evaluateDatastore } from "../../src/analysis/datastores.js";
import { analyse, compareAnalyses, parseFailures } from "../../src/analysis/index.js";
import { networkView } from "../../src/analysis/network.js";
import { build } from "./helpers.js";

const pZ = 0.001;
const pR = 0.0001;

// A single-Region DynamoDB table, an S3 bucket replicated to Frankfurt (CRR), and an Aurora cluster.
const model = build({
  users: { "eu-west-1": 1 },
  model: { zoneFailureProbability: pZ, regionFailureProbability: pR },
  datastores: {
    table: {
      replication: "multi-leader",
      consistency: "eventual",
      replicas: 1,
      placement: { "eu-west-1": 1 },
      traffic: { readsPerSec: 100, writesPerSec: 10, itemBytes: 1024 },
      deploy: { target: "aws", service: "dynamodb" },
    },
    bucket: {
      replication: "primary-replica",
      consistency: "eventual",
      replicas: 2,
      placement: { "eu-west-1": 1, "eu-central-1": 1 },
      leader: "eu-west-1",
      traffic: { readsPerSec: 100, writesPerSec: 10, itemBytes: 262144 },
      deploy: { target: "aws", service: "s3" },
    },
    orders: {
      replication: "primary-replica",
      consistency: "eventual",
      replicas: 2,
      placement: { "eu-west-1": 2 },
      leader: "eu-west-1",
      deploy: { target: "aws", service: "aurora-postgresql" },
    },
  },
});
const store = (name: string) => model.datastores.find((d) => d.name === name)!;
const baseline = analyse(model);
const result = (a: ReturnType<typeof analyse>, name: string) => a.datastores.find((d) => d.name === name)!;

describe("managed regional services (DynamoDB, S3) span their region's zones", () => {
  it("places DynamoDB and S3 replicas across the region, Aurora instances in zones", () => {
    for (const name of ["table", "bucket"])
      for (const group of store(name).groups)
        for (const slot of group.replicas) expect(slot.spansZones).toBe(true);
    for (const group of store("orders").groups)
      for (const slot of group.replicas) expect(slot.spansZones).toBeUndefined();
  });

  it("a single-Region table fails only with its Region: 1 − pR before any cap, not (1 − pR)(1 − pZ)", () => {
    const ev = evaluateDatastore(store("table"), networkView(model, []), model.users);
    expect(ev.availability.write).toBeCloseTo(1 - pR, 12);
    expect(ev.availability.read).toBeCloseTo(1 - pR, 12);
    // Capped at DynamoDB's designed 99.99% single-Region availability.
    expect(result(baseline, "table").availability.write).toBeCloseTo(0.9999, 12);
  });

  it("a single-Region table meets the zone goal with one replica", () => {
    const survival = result(baseline, "table").survival;
    expect(survival.zone.survives).toBe(true);
    expect(survival.meetsGoal).toBe(true);
    expect(survival.minReplicas).toBe(1);
    expect(survival.region.survives).toBe(false);
  });

  it("losing a zone of eu-west-1 neither moves the bucket's leader nor loses its writes", () => {
    const failed = analyse(model, parseFailures(model, ["zone:eu-west-1a"]));
    for (const name of ["table", "bucket"]) {
      const now = result(failed, name);
      expect(now.dataLoss).toBeUndefined();
      expect(now.partitionsWithoutQuorum).toBe(0);
      expect(now.effectiveLeader ?? now.leader).toBe("eu-west-1");
      expect(now.availability).toEqual(result(baseline, name).availability);
    }
    const changes = compareAnalyses(baseline, failed);
    expect(changes.filter((c) => c.component === "table" || c.component === "bucket")).toEqual([]);
  });

  it("losing eu-west-1 still takes the table and moves the bucket's leader", () => {
    const failed = analyse(model, parseFailures(model, ["region:eu-west-1"]));
    expect(result(failed, "table").partitionsWithoutQuorum).toBe(1);
    expect(result(failed, "bucket").effectiveLeader).toBe("eu-central-1");
    expect(result(failed, "bucket").dataLoss?.lostRegion).toBe("eu-west-1");
  });

  it("Aurora still loses the instance in a failed zone", () => {
    const leaderZone = store("orders").groups[0]!.leader.zone;
    const failed = analyse(model, [{ kind: "zone", zone: leaderZone }]);
    expect(result(failed, "orders").dataLoss?.lostZone).toBe(leaderZone);
  });
});
