import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import type { LatencyProfile } from "../../src/analysis/types.js";
import { build, kth, rtt, TAIL, XZ } from "./helpers.js";

const at = (profile: LatencyProfile, origin: string) => {
  const o = profile.byOrigin.find((x) => x.origin === origin);
  if (o === undefined) throw new Error(`no origin ${origin}`);
  return o;
};

const USERS = { "eu-west-1": 0.5, "us-east-1": 0.3, "ap-northeast-1": 0.2 };

describe("consensus latency (5 voters eu-west-1 ×2, eu-central-1 ×2, eu-north-1 ×1, leader eu-west-1)", () => {
  const spec = (consistency: "strong" | "bounded-staleness") =>
    build({
      users: USERS,
      datastores: {
        kv: {
          replication: "consensus",
          consistency,
          replicas: 5,
          placement: { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
          leader: "eu-west-1",
        },
      },
    });
  // q = 3: the leader plus the 2nd-fastest of the other four (1 cross-zone, 2 × Frankfurt, 1 × Stockholm).
  const commit = kth(
    [XZ, rtt("eu-west-1", "eu-central-1"), rtt("eu-west-1", "eu-central-1"), rtt("eu-west-1", "eu-north-1")],
    2,
  );
  const ds = analyse(spec("strong")).datastores[0]!;

  it.each([
    ["eu-west-1", XZ + commit],
    ["us-east-1", rtt("us-east-1", "eu-west-1") + commit],
    ["ap-northeast-1", rtt("ap-northeast-1", "eu-west-1") + commit],
  ])("write from %s = RTT(origin, leader) + commit", (origin, p50) => {
    expect(ds.commitP50Ms).toBeCloseTo(commit, 9);
    expect(at(ds.write, origin).p50Ms).toBeCloseTo(p50, 9);
    expect(at(ds.write, origin).p99Ms).toBeCloseTo(p50 * TAIL, 9);
  });

  it.each([
    ["eu-west-1", XZ],
    ["us-east-1", rtt("us-east-1", "eu-west-1")],
  ])("strong read from %s = RTT(origin, leader)", (origin, p50) => {
    expect(at(ds.read, origin).p50Ms).toBeCloseTo(p50, 9);
  });

  it("bounded-staleness read goes to the nearest replica", () => {
    const stale = analyse(spec("bounded-staleness")).datastores[0]!;
    const nearest = Math.min(
      rtt("us-east-1", "eu-west-1"),
      rtt("us-east-1", "eu-central-1"),
      rtt("us-east-1", "eu-north-1"),
    );
    expect(at(stale.read, "us-east-1").p50Ms).toBeCloseTo(nearest, 9);
    expect(at(stale.read, "eu-west-1").p50Ms).toBeCloseTo(XZ, 9);
  });

  it("worst and demand-weighted p99 over origins", () => {
    const p99 = (o: string) => at(ds.write, o).p99Ms;
    expect(ds.write.worstP99Ms).toBeCloseTo(p99("ap-northeast-1"), 9);
    expect(ds.write.weightedP99Ms).toBeCloseTo(
      0.5 * p99("eu-west-1") + 0.3 * p99("us-east-1") + 0.2 * p99("ap-northeast-1"),
      9,
    );
  });
});

describe("primary-replica latency (primary us-east-1; replicas us-west-2, eu-west-1)", () => {
  const toW2 = rtt("us-east-1", "us-west-2");
  const toEu = rtt("us-east-1", "eu-west-1");
  it.each([
    ["sync", Math.max(toW2, toEu)], // waits for every replica
    ["semi-sync", Math.min(toW2, toEu)], // waits for the nearest one
    ["async", 0], // waits for none
  ] as const)("%s: write from eu-west-1 = RTT(eu-west-1, primary) + %s wait", (sync, wait) => {
    const model = build({
      users: { "eu-west-1": 1 },
      datastores: {
        db: {
          replication: "primary-replica",
          sync,
          replicas: 3,
          placement: { "us-east-1": 1, "us-west-2": 1, "eu-west-1": 1 },
          leader: "us-east-1",
        },
      },
    });
    const ds = analyse(model).datastores[0]!;
    expect(ds.commitP50Ms).toBeCloseTo(wait, 9);
    expect(at(ds.write, "eu-west-1").p50Ms).toBeCloseTo(toEu + wait, 9);
    // eventual (the default for primary-replica): reads at the local replica.
    expect(at(ds.read, "eu-west-1").p50Ms).toBeCloseTo(XZ, 9);
  });
});

describe("multi-leader latency", () => {
  const model = build({
    users: { "eu-central-1": 0.6, "us-west-2": 0.4 },
    datastores: {
      carts: {
        replication: "multi-leader",
        replicas: 3,
        placement: { "us-east-1": 1, "eu-west-1": 1, "ap-northeast-1": 1 },
        leaders: ["us-east-1", "eu-west-1"],
      },
    },
  });
  const ds = analyse(model).datastores[0]!;
  it("write = RTT(origin, nearest write region); read = nearest replica", () => {
    expect(at(ds.write, "eu-central-1").p50Ms).toBeCloseTo(
      Math.min(rtt("eu-central-1", "us-east-1"), rtt("eu-central-1", "eu-west-1")),
      9,
    );
    expect(at(ds.write, "us-west-2").p50Ms).toBeCloseTo(
      Math.min(rtt("us-west-2", "us-east-1"), rtt("us-west-2", "eu-west-1")),
      9,
    );
    expect(at(ds.read, "us-west-2").p50Ms).toBeCloseTo(
      Math.min(
        rtt("us-west-2", "us-east-1"),
        rtt("us-west-2", "eu-west-1"),
        rtt("us-west-2", "ap-northeast-1"),
      ),
      9,
    );
    expect(ds.commitP50Ms).toBe(0);
  });
});

describe("leaderless N/R/W latency (N=3: us-east-1, us-east-2, eu-west-1)", () => {
  const model = (write: number, read: number) =>
    build({
      users: { "us-east-1": 0.5, "eu-central-1": 0.5 },
      datastores: {
        ring: {
          replication: "leaderless",
          replicas: 3,
          placement: { "us-east-1": 1, "us-east-2": 1, "eu-west-1": 1 },
          quorum: { write, read },
        },
      },
    });
  it.each([
    [2, 1],
    [3, 2],
    [1, 3],
  ])("W=%i R=%i: coordinator in the nearest replica region, W-th / R-th nearest replica from it", (w, r) => {
    const ds = analyse(model(w, r)).datastores[0]!;
    // From us-east-1 the coordinator is in us-east-1 (cross-zone away from the local replica).
    const fromUsEast = [XZ, rtt("us-east-1", "us-east-2"), rtt("us-east-1", "eu-west-1")];
    expect(at(ds.write, "us-east-1").p50Ms).toBeCloseTo(XZ + kth(fromUsEast, w), 9);
    expect(at(ds.read, "us-east-1").p50Ms).toBeCloseTo(XZ + kth(fromUsEast, r), 9);
    // From eu-central-1 the nearest replica region is eu-west-1.
    const coord = rtt("eu-central-1", "eu-west-1");
    const fromEu = [XZ, rtt("eu-west-1", "us-east-1"), rtt("eu-west-1", "us-east-2")];
    expect(at(ds.write, "eu-central-1").p50Ms).toBeCloseTo(coord + kth(fromEu, w), 9);
    expect(at(ds.write, "eu-central-1").p99Ms).toBeCloseTo((coord + kth(fromEu, w)) * TAIL, 9);
  });
});

describe("streams: acks=all inside the region's zones", () => {
  const model = build({
    users: { "eu-west-1": 1 },
    services: {
      producer: { regions: ["eu-west-1", "us-east-1"] },
      consumer: { regions: ["us-east-1"] },
    },
    streams: {
      events: {
        regions: ["eu-west-1"],
        partitions: 12,
        replicas: 3,
        minInSync: 2,
        producers: ["producer"],
        consumers: ["consumer"],
      },
    },
  });
  const stream = analyse(model).streams[0]!;
  it("produce = RTT(producer region, nearest cluster) + the (minInSync−1)-th cross-zone ack", () => {
    expect(at(stream.produce, "eu-west-1").p50Ms).toBeCloseTo(XZ + XZ, 9);
    expect(at(stream.produce, "us-east-1").p50Ms).toBeCloseTo(rtt("us-east-1", "eu-west-1") + XZ, 9);
  });
  it("end-to-end p99 = produce × tail + one-way delivery to the consumer's region at p99, worst producer", () => {
    const produce = rtt("us-east-1", "eu-west-1") + XZ;
    // One way at p99: half the median round trip plus its whole tail excess, not half the p99 RTT.
    const back = rtt("eu-west-1", "us-east-1");
    const delivery = back / 2 + back * (TAIL - 1);
    expect(stream.endToEndP99Ms).toBeCloseTo(produce * TAIL + delivery, 9);
    expect(stream.endToEndP99Ms).toBeGreaterThan((produce + back / 2) * TAIL);
  });
  it("keeps every copy inside the region: no inter-region replication traffic", () => {
    expect(analyse(model).links).toEqual([]);
  });
});
