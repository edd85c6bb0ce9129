/**
 * The reference table of issue #11: each row's published figure or verdict, with the arithmetic,
 * through the real pipeline (parse → resolve → analyse) and the shipped catalog — no flat tail
 * factor: these run the measured model. Numbers within 10% unless exact.
 */
import { describe, expect, it } from "vitest";
import { runPolicies } from "../../../policies/run.js";
import { analyse, compareAnalyses, parseFailures, sloViolations } from "../../../src/analysis/index.js";
import { buildCatalog } from "../../../src/catalog/catalog.js";
import { RTT_JITTER_P99_MS } from "../../../src/catalog/data/jitter.generated.js";
import { resolveModel } from "../../../src/model/resolve.js";
import { Topology, type TopologyInput } from "../../../src/spec/schema/topology.js";

const catalog = buildCatalog();
const rtt = (a: string, b: string) => {
  const v = catalog.rttMs(a, b);
  if (v === undefined) throw new Error(`no RTT ${a} ↔ ${b}`);
  return v;
};
const model = (spec: Omit<TopologyInput, "name">) => resolveModel(Topology.parse({ name: "ref", ...spec }));
const within10 = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * 0.1);
const XZ = 1;

describe("reference rows (issue #11)", () => {
  describe("Spanner nam-eur-asia1: 2+2 read-write voters in us-central1/2, 1 witness in us-east1, read-only replicas in Europe and Asia", () => {
    const m = model({
      users: { "us-central1": 1 },
      datastores: {
        spanner: {
          replication: "consensus",
          replicas: 9,
          placement: {
            "us-central1": 2,
            "us-central2": 2,
            "europe-west1": { readOnly: 2 },
            "asia-east1": { readOnly: 2 },
            "us-east1": { witnesses: 1 },
          },
          leader: "us-central1",
          leaderRegions: ["us-central1", "us-central2"],
          survive: "region",
        },
      },
    });
    const base = analyse(m);
    const ds = base.datastores[0]!;

    it("quorum 3 of the 5 voting members (4 read-write + 1 witness); read-only replicas do not vote", () => {
      expect(ds.replicas).toBe(9);
      expect(ds.quorum.write).toBe(3); // ⌊5/2⌋ + 1
    });

    it("commit = RTT(us-central1, us-central2): the leader, its zone peer and one us-central2 voter", () => {
      // Voting members' RTTs from the leader: [XZ, uc2, uc2, us-east1]; the (3 − 1)-th smallest.
      const uc2 = rtt("us-central1", "us-central2");
      expect(uc2).toBeLessThan(rtt("us-central1", "us-east1"));
      expect(ds.commitP50Ms).toBeCloseTo(uc2, 9);
      // Not the every-replica-votes figure (quorum 5 of 9 reaches Europe).
      expect(ds.commitP50Ms).toBeLessThan(rtt("us-central1", "europe-west1"));
    });

    it("losing us-central1 elects the leader in us-central2 (leader option), never a read-only European region", () => {
      const failed = analyse(m, parseFailures(m, ["region:us-central1"]));
      const after = failed.datastores[0]!;
      expect(after.effectiveLeader).toBe("us-central2");
      expect(after.partitionsWithoutQuorum).toBe(0);
      // Quorum 3 of the 3 survivors that vote: the us-central2 pair + the us-east1 witness.
      expect(after.commitP50Ms).toBeCloseTo(rtt("us-central2", "us-east1"), 9);
    });

    it("a region survival check counts voters and witnesses only", () => {
      expect(ds.survival.region.survives).toBe(true);
      expect(ds.survival.region.quorum).toBe(3);
    });
  });

  describe("DynamoDB global tables", () => {
    const writes = 1000;
    const bytes = 2048;
    const spec = (replicasPerRegion: number) =>
      model({
        users: { "us-east-1": 1 },
        datastores: {
          orders: {
            replication: "multi-leader",
            replicas: 3 * replicasPerRegion,
            placement: {
              "us-east-1": replicasPerRegion,
              "us-east-2": replicasPerRegion,
              "us-west-2": replicasPerRegion,
            },
            traffic: { writesPerSec: writes, readsPerSec: 0, itemBytes: bytes },
            deploy: { target: "aws", service: "dynamodb" },
          },
        },
      });

    it("with 3 replicas per region it replicates once per region: bandwidth and egress × 1, not × 3", () => {
      const one = analyse(spec(1));
      const three = analyse(spec(3));
      const link = (a: ReturnType<typeof analyse>, to: string) =>
        a.links.find((l) => l.from === "us-east-1" && l.to === to)!;
      const expectedMbps = (writes * bytes * 8) / 1e6; // 16.384 Mbit/s per destination region
      for (const to of ["us-east-2", "us-west-2"]) {
        expect(link(three, to).mbps).toBeCloseTo(expectedMbps, 9);
        expect(link(three, to).egressUsdPerMonth).toBeCloseTo(link(one, to).egressUsdPerMonth, 9);
      }
      expect(three.datastores[0]!.costUsdPerMonth.egress).toBeCloseTo(
        one.datastores[0]!.costUsdPerMonth.egress,
        9,
      );
    });

    it("3 regions: designed 99.999% (AWS Prescriptive Guidance), not the independent-failure 99.9999999%", () => {
      const a = analyse(spec(1)).datastores[0]!.availability.write;
      // Unavailability 1e-5 (±10%).
      within10(1 - a, 1e-5);
    });

    it("replication lag: 'usually within a second' from region to region, the network inside it", () => {
      const lag = analyse(spec(1)).datastores[0]!.replicationLag.find((l) => l.region === "us-west-2")!;
      // DynamoDB's figure (its ReplicationLatency metric) is end to end: not the second + one way.
      expect(rtt("us-east-1", "us-west-2") / 2).toBeLessThan(500);
      expect(lag.p50Ms).toBe(500);
      expect(lag.p99Ms).toBe(1000);
    });
  });

  describe("Aurora global database (primary us-east-1, secondary us-west-2)", () => {
    const m = model({
      users: { "us-east-1": 1 },
      datastores: {
        ledger: {
          replication: "primary-replica",
          sync: "async",
          replicas: 3,
          placement: { "us-east-1": 2, "us-west-2": 1 },
          leader: "us-east-1",
          survive: "region",
          traffic: { writesPerSec: 200, readsPerSec: 1000, itemBytes: 1024 },
          deploy: { target: "aws", service: "aurora-postgresql" },
        },
      },
    });
    const ds = analyse(m).datastores[0]!;

    it("cross-region lag typically under a second; RPO in seconds", () => {
      const lag = ds.replicationLag.find((l) => l.region === "us-west-2")!;
      expect(lag.p50Ms).toBeLessThan(1000); // 500 ms from region to region, the network inside it
      expect(ds.failover.rpoSeconds).toBeGreaterThanOrEqual(1);
      expect(ds.failover.rpoSeconds).toBeLessThan(60);
      within10(
        ds.rpoMs,
        5000 + (rtt("us-east-1", "us-west-2") + catalog.rttJitterMs("us-east-1", "us-west-2")) / 2,
      );
    });

    it("unplanned failover is operator-driven with RTO in minutes, so the region goal is not met", () => {
      expect(ds.failover.mode).toBe("manual");
      expect(ds.failover.rtoSeconds).toBeGreaterThanOrEqual(60);
      expect(ds.survival.meetsGoal).toBe(false);
      expect(ds.survival.note).toMatch(/manual/);
    });

    it("losing the primary's region reports the data-loss window, the writes at risk and the time to resume", () => {
      const failed = analyse(m, parseFailures(m, ["region:us-east-1"])).datastores[0]!;
      const loss = failed.dataLoss!;
      expect(loss.lostRegion).toBe("us-east-1");
      expect(loss.windowMs).toBeCloseTo(ds.rpoMs, 6);
      expect(loss.writesAtRisk).toBeCloseTo((200 * loss.windowMs) / 1000, 6); // ≈ 1,000 writes
      expect(loss.resumeAfterSeconds).toBe(ds.failover.rtoSeconds);
      expect(loss.mode).toBe("manual");
    });
  });

  describe("S3 cross-region replication", () => {
    const s3 = (replicationTimeControl: boolean) =>
      analyse(
        model({
          users: { "eu-west-1": 1 },
          datastores: {
            objects: {
              replication: "primary-replica",
              replicas: 2,
              placement: { "eu-west-1": 1, "eu-central-1": 1 },
              leader: "eu-west-1",
              deploy: { target: "aws", service: "s3", replicationTimeControl },
            },
          },
        }),
      ).datastores[0]!.replicationLag[0]!;

    it("without RTC most objects replicate in seconds to minutes, with a tail of hours", () => {
      const lag = s3(false);
      expect(lag.p50Ms).toBeGreaterThanOrEqual(1000);
      expect(lag.p50Ms).toBeLessThanOrEqual(15 * 60_000);
      expect(lag.p99Ms).toBeGreaterThan(15 * 60_000);
    });

    it("with RTC 99.99% within 15 minutes: p99 ≤ 15 min (+ one way)", () => {
      const lag = s3(true);
      within10(lag.p99Ms, 15 * 60_000);
      expect(lag.p99Ms).toBeLessThanOrEqual(15 * 60_000 + rtt("eu-west-1", "eu-central-1"));
    });
  });

  describe("async primary-replica over 2 regions, survive: region", () => {
    const placement = (third: boolean) =>
      model({
        datastores: {
          db: {
            replication: "primary-replica",
            sync: "async",
            replicas: third ? 3 : 2,
            placement: third
              ? { "us-east-1": 1, "us-west-2": 1, "us-east-2": { witnesses: 1 } }
              : { "us-east-1": 1, "us-west-2": 1 },
            leader: "us-east-1",
            survive: "region",
          },
        },
      });

    it("automatic failover needs a majority of the observers to outlive any one region: not met, and the note says so", () => {
      const ds = analyse(placement(false)).datastores[0]!;
      expect(ds.failover.mode).toBe("automatic");
      expect(ds.failover.observerRegions).toBe(2);
      expect(ds.survival.meetsGoal).toBe(false);
      expect(ds.survival.note).toMatch(
        /needs a majority of its observers to outlive the loss of any one region, and us-east-1 holds 1 of the 2/,
      );
    });

    it("a witness in a third region makes automatic failover safe: met", () => {
      const ds = analyse(placement(true)).datastores[0]!;
      expect(ds.failover.observerRegions).toBe(3);
      expect(ds.survival.meetsGoal).toBe(true);
    });
  });

  it("service and two datastores sharing one region (pZ 1e-3, pR 1e-4): joint 99.9897%, not the product 99.9694%", () => {
    const pZ = 1e-3;
    const pR = 1e-4;
    const m = model({
      model: { zoneFailureProbability: pZ, regionFailureProbability: pR },
      datastores: {
        a: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } },
        b: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } },
      },
      services: {
        api: {
          regions: ["eu-west-1"],
          calls: [
            { to: "a", timeoutMs: 100 },
            { to: "b", timeoutMs: 100 },
          ],
        },
      },
    });
    const api = analyse(m).services[0]!;
    // Region up, and ≥ 2 of its 3 zones (both stores' quorums; the service then serves too).
    const joint = (1 - pR) * (1 - 3 * pZ ** 2 * (1 - pZ) - pZ ** 3);
    expect(joint).toBeCloseTo(0.999897, 6);
    expect(api.availability).toBeCloseTo(joint, 12);
    const product = (1 - pR) * (1 - pZ ** 3) * joint * joint;
    expect(product).toBeCloseTo(0.999694, 6);
    expect(api.availability).toBeGreaterThan(product);
  });

  it("a quorum follower behind a link at utilisation ≥ 1 leaves the commit quorum, and the finding says so", () => {
    const spec = (bandwidthMbps: number) =>
      model({
        users: { "eu-west-1": 1 },
        datastores: {
          kv: {
            replication: "consensus",
            replicas: 5,
            placement: { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
            leader: "eu-west-1",
            traffic: { writesPerSec: 1000, readsPerSec: 0, itemBytes: 1024 },
          },
        },
        network: { links: [{ between: ["eu-west-1", "eu-central-1"], bandwidthMbps }] },
      });
    // Without load: 2nd smallest of [XZ, central, central, north] = RTT(eu-west-1, eu-central-1).
    expect(analyse(spec(10_000)).datastores[0]!.commitP50Ms).toBeCloseTo(rtt("eu-west-1", "eu-central-1"), 1);
    // 2 followers × 1000 × 1024 B × 8 = 16.4 Mbit/s on a 10 Mbit/s link: ρ = 1.64.
    const saturated = spec(10);
    const a = analyse(saturated);
    const kv = a.datastores[0]!;
    expect(kv.commitP50Ms).toBeCloseTo(rtt("eu-west-1", "eu-north-1"), 9);
    expect(kv.commitExcludes?.map((c) => c.region)).toEqual(["eu-central-1"]);
    const finding = runPolicies(saturated, a).findings.find((f) => f.code === "bandwidth");
    expect(finding?.message).toMatch(/eu-central-1's voters leave the commit quorum of kv/);
  });

  it("multi-leader store during a partition: lag unbounded, the lag SLO broken", () => {
    const m = model({
      datastores: {
        carts: {
          replication: "multi-leader",
          replicas: 2,
          placement: { "eu-west-1": 1, "us-east-1": 1 },
          traffic: { writesPerSec: 100, readsPerSec: 0, itemBytes: 512 },
          slo: { replicationLagMs: 1000 },
        },
      },
      users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
    });
    const baseline = analyse(m);
    expect(sloViolations(baseline)).toEqual([]);
    const cut = analyse(m, parseFailures(m, ["link:eu-west-1/us-east-1"]));
    expect(cut.datastores[0]!.replicationLag.every((l) => l.unbounded)).toBe(true);
    const broken = compareAnalyses(baseline, cut).filter((c) => c.kind === "slo-broken");
    expect(broken.map((c) => c.path)).toContain("datastores.carts.slo.replicationLagMs");
  });

  it("Kafka acks=all with minISR 1 and RF 2: the leader waits for the full ISR (one cross-zone round)", () => {
    const m = model({
      streams: { events: { partitions: 6, replicas: 2, minInSync: 1, regions: ["eu-west-1"] } },
      users: { "eu-west-1": 1 },
    });
    const produce = analyse(m).streams[0]!.produce.byOrigin[0]!;
    // Producer in eu-west-1 → leader (cross-zone) + the follower's acknowledgement (cross-zone).
    expect(produce.p50Ms).toBeCloseTo(XZ + XZ, 9);
  });

  it("p99/p50 of long-haul RTT (AWS 2020 ping data, pairs ≥ 80 ms) is at most 1.06, not a flat 1.5", () => {
    let pairs = 0;
    let worst = 1;
    for (const [a, row] of Object.entries(RTT_JITTER_P99_MS))
      for (const b of Object.keys(row)) {
        const p50 = catalog.rttMs(a, b);
        if (p50 === undefined || p50 < 80 || catalog.regions.get(a)?.provider !== "aws") continue;
        pairs++;
        worst = Math.max(worst, (p50 + catalog.rttJitterMs(a, b)) / p50);
      }
    expect(pairs).toBeGreaterThan(100);
    expect(worst).toBeLessThanOrEqual(1.06);
    expect(worst).toBeGreaterThan(1);
    // Through the analysis: a long-haul strong read's p99/p50.
    const m = model({
      users: { "ap-northeast-1": 1 },
      datastores: { kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
      services: {},
    });
    const read = analyse(m).datastores[0]!.read.byOrigin[0]!;
    expect(read.p99Ms / read.p50Ms).toBeLessThanOrEqual(1.06);
  });

  describe("cost: per instance class and managed pricing", () => {
    const aurora = (instanceClass: string) =>
      analyse(
        model({
          datastores: {
            db: {
              replication: "primary-replica",
              replicas: 2,
              placement: { "us-east-1": 2 },
              deploy: { target: "aws", service: "aurora-postgresql", instanceClass },
            },
          },
        }),
      ).datastores[0]!.costUsdPerMonth.replicas;

    it("Aurora is priced per instance class, not as m6i.large nodes", () => {
      expect(aurora("db.r6g.large")).toBeCloseTo(2 * 0.26 * 730, 6);
      expect(aurora("db.r6g.xlarge")).toBeCloseTo(2 * 0.519 * 730, 6);
    });

    it("MSK: brokers by class + storage, no charge for replication inside the cluster, the clients' traffic across zones charged", () => {
      const a = analyse(
        model({
          streams: {
            events: {
              partitions: 12,
              regions: ["us-east-1"],
              traffic: { messagesPerSec: 10_000, messageBytes: 1024 },
              deploy: { target: "aws", service: "msk", instanceClass: "kafka.m5.large", storageGi: 500 },
            },
          },
        }),
      ).streams[0]!;
      // Replication between the brokers is free; the producers' records reaching a leader in
      // another zone are not (2 of 3 zones; no consumer here): 10 MB/s × 2/3 at $0.01/GB each way.
      const gbPerMonth = (10_000 * 1024 * (2 / 3) * 730 * 3600) / 1e9;
      expect(a.costUsdPerMonth.egress).toBeCloseTo(gbPerMonth * 0.02, 6);
      expect(a.costUsdPerMonth.replicas).toBeCloseTo(3 * (0.21 * 730 + 500 * 0.1), 6);
    });

    it("DynamoDB on demand: write units, replicated write units per other region, read units; labelled an estimate", () => {
      const a = analyse(
        model({
          datastores: {
            t: {
              replication: "multi-leader",
              replicas: 2,
              placement: { "us-east-1": 1, "us-west-2": 1 },
              traffic: { writesPerSec: 100, readsPerSec: 1000, itemBytes: 1024 },
              deploy: { target: "aws", service: "dynamodb" },
            },
          },
        }),
      );
      const month = 730 * 3600;
      const expected =
        ((100 * month) / 1e6) * 0.625 + ((100 * month) / 1e6) * 0.625 + ((1000 * 0.5 * month) / 1e6) * 0.125;
      expect(a.datastores[0]!.costUsdPerMonth.replicas).toBeCloseTo(expected, 6);
      expect(a.cost.basis).toMatch(/^estimate/);
    });
  });
});
