import { describe, expect, it } from "vitest";
import { analyse, parseFailures } from "../../src/analysis/index.js";
import { itemTransferMs, linkSojournMs } from "../../src/analysis/lag.js";
import type { LinkLoad } from "../../src/analysis/types.js";
import { writeLatencyUnder } from "../../src/analysis/whatif.js";
import { build, rtt, TAIL, XZ } from "./helpers.js";

/**
 * Large items over links with declared capacity (docs/model.md, "Load-aware commit and item
 * transfer"): a client's write and a read's reply carry the item's transfer τ; a shipped write
 * (a follower's acknowledgement, a leaderless coordinator's write to a replica) takes the
 * replication stream's sojourn, its median in the p50 and its p99 in the p99. build() declares the
 * flat tail factor 1.5, so every p99 RTT is 1.5 × the median and there is no commit tail.
 */
const itemBytes = 8 * 1024 * 1024; // 8 MiB objects
const tau = ((itemBytes * 8) / 1e9) * 1000; // 67.1 ms at 1 Gbit/s
const r = rtt("eu-west-1", "eu-central-1");
const load = (utilisation: number): LinkLoad => ({
  from: "a",
  to: "b",
  mbps: utilisation * 1000,
  capacityMbps: 1000,
  utilisation,
  contributors: [],
  egressUsdPerMonth: 0,
});
const deploy = { target: "kubernetes" as const, image: "x:1", storageGi: 100 };
const link = { between: ["eu-central-1", "eu-west-1"] as [string, string], bandwidthMbps: 1000 };

describe("link sojourn: the item's transfer plus its M/M/1 wait", () => {
  it("is the transfer alone while at least half the items find the link idle, at the median", () => {
    expect(itemTransferMs(itemBytes, 1000)).toBeCloseTo(tau, 12);
    expect(itemTransferMs(itemBytes, undefined)).toBe(0);
    expect(linkSojournMs(itemBytes, load(0.3), "p50")).toBeCloseTo(tau, 12);
    expect(linkSojournMs(itemBytes, undefined, "p50")).toBe(0);
  });

  it("adds the wait's quantile τ/(1−ρ)·ln(ρ/(1−q)) above ρ = 1 − q, and is unbounded at ρ ≥ 1", () => {
    // P(wait > t) = ρ·e^(−(1−ρ)t/τ): at ρ = 0.8 the median wait is τ/0.2·ln 1.6, the p99 τ/0.2·ln 80.
    expect(linkSojournMs(itemBytes, load(0.8), "p50")).toBeCloseTo(tau + (tau / 0.2) * Math.log(1.6), 9);
    expect(linkSojournMs(itemBytes, load(0.8), "p99")).toBeCloseTo(tau + (tau / 0.2) * Math.log(80), 9);
    expect(linkSojournMs(itemBytes, load(0.3), "p99")).toBeCloseTo(tau + (tau / 0.7) * Math.log(30), 9);
    expect(linkSojournMs(itemBytes, load(1), "p50")).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("item transfer in client latency", () => {
  const m = build({
    users: { "eu-west-1": 0.5, "eu-central-1": 0.5 },
    datastores: {
      blobs: {
        replication: "primary-replica",
        sync: "semi-sync",
        replicas: 2,
        placement: { "eu-west-1": 1, "eu-central-1": 1 },
        leader: "eu-west-1",
        consistency: "strong",
        traffic: { writesPerSec: 2, readsPerSec: 1, itemBytes },
        deploy,
      },
    },
    network: { links: [link] },
  });
  const a = analyse(m);
  const blobs = a.datastores.find((d) => d.name === "blobs")!;
  const shipped = a.links.find((l) => l.from === "eu-west-1" && l.to === "eu-central-1")!;
  const sojourn50 = linkSojournMs(itemBytes, shipped, "p50");
  const sojourn99 = linkSojournMs(itemBytes, shipped, "p99");

  it("a commit waits for the standby's sojourn: its median in the p50, its p99 in the p99", () => {
    expect(shipped.capacityMbps).toBe(1000);
    expect(sojourn99).toBeGreaterThan(sojourn50);
    expect(blobs.commitP50Ms).toBeCloseTo(r + sojourn50, 9);
    const local = blobs.write.byOrigin.find((o) => o.origin === "eu-west-1")!;
    expect(local.p50Ms).toBeCloseTo(XZ + r + sojourn50, 9);
    expect(local.p99Ms).toBeCloseTo(XZ * TAIL + r * TAIL + sojourn99, 9);
  });

  it("a remote client's write carries its item to the primary: one transfer more, at p50 and p99", () => {
    const local = blobs.write.byOrigin.find((o) => o.origin === "eu-west-1")!;
    const remote = blobs.write.byOrigin.find((o) => o.origin === "eu-central-1")!;
    expect(remote.p50Ms).toBeCloseTo(r + tau + blobs.commitP50Ms, 9);
    expect(remote.p99Ms - local.p99Ms).toBeCloseTo(r * TAIL + tau - XZ * TAIL, 9);
  });

  it("a strong read from the other region carries the item back from the primary", () => {
    const remote = blobs.read.byOrigin.find((o) => o.origin === "eu-central-1")!;
    expect(remote.p50Ms).toBeCloseTo(r + tau, 9);
    expect(remote.p99Ms).toBeCloseTo(r * TAIL + tau, 9);
  });

  it("a chaos experiment's expected write latency weighs the baseline's link loads", () => {
    // Without failures, and under one that leaves the loads on the followers' links as they were
    // (the only follower is lost), it equals the analysis; its p99 holds the loaded link's wait.
    for (const under of [writeLatencyUnder(m), writeLatencyUnder(m, a.links)])
      for (const failures of [[], parseFailures(m, ["region:eu-central-1"])])
        expect(under("blobs", failures)).toEqual(analyse(m, failures).datastores[0]!.write);
  });

  it("a leaderless write waits for the replicas' sojourn; a read's remote replicas send digests", () => {
    const leaderless = build({
      users: { "eu-west-1": 1 },
      datastores: {
        kv: {
          replication: "leaderless",
          replicas: 3,
          placement: { "eu-west-1": 2, "eu-central-1": 1 },
          quorum: { read: 3, write: 3 },
          traffic: { writesPerSec: 2, readsPerSec: 1, itemBytes },
          deploy,
        },
      },
      network: { links: [link] },
    });
    const result = analyse(leaderless);
    const kv = result.datastores[0]!;
    const out = result.links.find((l) => l.from === "eu-west-1" && l.to === "eu-central-1")!;
    // The coordinator is in eu-west-1 (cross-zone); all three replicas answer, the remote one last.
    const write = kv.write.byOrigin.find((o) => o.origin === "eu-west-1")!;
    expect(write.p50Ms).toBeCloseTo(XZ + r + linkSojournMs(itemBytes, out, "p50"), 9);
    expect(write.p99Ms).toBeCloseTo(XZ * TAIL + r * TAIL + linkSojournMs(itemBytes, out, "p99"), 9);
    // The data from a replica beside the coordinator, digests from the others: no item crosses.
    const read = kv.read.byOrigin.find((o) => o.origin === "eu-west-1")!;
    expect(read.p50Ms).toBeCloseTo(XZ + r, 9);
  });

  it("a multi-leader write from a region without a write leader carries the item to the nearest one", () => {
    const north = build({
      users: { "eu-north-1": 1 },
      datastores: {
        carts: {
          replication: "multi-leader",
          replicas: 2,
          placement: { "eu-west-1": 1, "eu-central-1": 1 },
          traffic: { writesPerSec: 2, itemBytes },
          deploy,
        },
      },
      network: {
        links: [
          { between: ["eu-central-1", "eu-north-1"], bandwidthMbps: 1000 },
          { between: ["eu-north-1", "eu-west-1"], bandwidthMbps: 1000 },
        ],
      },
    });
    const nearest = Math.min(rtt("eu-north-1", "eu-west-1"), rtt("eu-north-1", "eu-central-1"));
    const carts = analyse(north).datastores[0]!;
    expect(carts.write.byOrigin[0]!.p50Ms).toBeCloseTo(nearest + tau, 9);
    expect(carts.read.byOrigin[0]!.p50Ms).toBeCloseTo(nearest + tau, 9);
  });

  it("an etcd read-index round is a heartbeat: it carries no item, whatever the item size", () => {
    const etcd = (bytes: number) =>
      build({
        users: { "eu-west-1": 1 },
        datastores: {
          kv: {
            replication: "consensus",
            consistency: "strong",
            replicas: 3,
            placement: { "eu-west-1": 1, "eu-central-1": 2 },
            leader: "eu-west-1",
            traffic: { writesPerSec: 2, readsPerSec: 1, itemBytes: bytes },
            deploy: { target: "kubernetes", engine: "etcd" },
          },
        },
        network: { links: [link] },
      });
    const read = (bytes: number) => analyse(etcd(bytes)).datastores[0]!.read.byOrigin[0]!;
    const [small, large] = [read(1024), read(itemBytes)];
    // The read is served in the leader's region: only the round's own RTTs, no transfer.
    expect(large.p50Ms).toBeCloseTo(small.p50Ms, 9);
    expect(large.p99Ms).toBeCloseTo(small.p99Ms, 9);
    // ...while its writes do wait for the 8 MiB item's sojourn to the nearest follower.
    const writes = (bytes: number) => analyse(etcd(bytes)).datastores[0]!.write.byOrigin[0]!.p50Ms;
    expect(writes(itemBytes) - writes(1024)).toBeGreaterThan(tau * 0.99);
  });

  it("a leader option ships over the moved leader's links: it equals the analysis with that leader", () => {
    const withLeader = (leader: string) =>
      build({
        users: { "eu-west-1": 0.4, "eu-central-1": 0.3, "eu-north-1": 0.3 },
        datastores: {
          kv: {
            replication: "consensus",
            replicas: 3,
            partitions: { count: 1 },
            placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 },
            leader,
            traffic: { writesPerSec: 6, itemBytes },
            deploy,
          },
        },
        network: {
          links: [
            link,
            { between: ["eu-central-1", "eu-north-1"], bandwidthMbps: 500 },
            { between: ["eu-north-1", "eu-west-1"], bandwidthMbps: 500 },
          ],
        },
      });
    const options = analyse(withLeader("eu-west-1")).datastores[0]!.leaderOptions!;
    expect(options.map((o) => o.region).sort()).toEqual(["eu-central-1", "eu-north-1", "eu-west-1"]);
    for (const option of options) {
      const moved = analyse(withLeader(option.region)).datastores[0]!;
      const weighted = moved.write.byOrigin.reduce((sum, o) => sum + o.share * o.p50Ms, 0);
      expect(option.writeP50Ms, option.region).toBeCloseTo(weighted, 9);
    }
  });

  it("without a declared capacity nothing is added", () => {
    const bare = build({
      users: { "eu-west-1": 0.5, "eu-central-1": 0.5 },
      datastores: {
        blobs: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 2, "eu-central-1": 1 },
          leader: "eu-west-1",
          traffic: { writesPerSec: 2, itemBytes },
          deploy,
        },
      },
    });
    const ds = analyse(bare).datastores[0]!;
    const remote = ds.write.byOrigin.find((o) => o.origin === "eu-central-1")!;
    // Leader eu-west-1; quorum 2 of 3: the leader and its cross-zone peer.
    expect(remote.p50Ms).toBeCloseTo(r + XZ, 9);
  });
});
