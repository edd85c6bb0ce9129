import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { itemTransferMs, linkSojournMs } from "../../src/analysis/lag.js";
import { build, kth, rtt, TAIL, XZ } from "./helpers.js";

/**
 * Large items over a link with declared capacity: a client's write and a read's reply carry the
 * item's transfer; a follower's acknowledgement waits for the replication stream's sojourn, at its
 * median in the p50 and its p99 in the p99 (docs/model.md, "Load-aware commit and item transfer").
 */
describe("item transfer and link sojourn in client latency", () => {
  const itemBytes = 8 * 1024 * 1024; // 8 MiB objects
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
        deploy: { target: "kubernetes", image: "x:1", storageGi: 100 },
      },
    },
    network: { links: [{ between: ["eu-central-1", "eu-west-1"], bandwidthMbps: 1000 }] },
  });
  const a = analyse(m);
  const blobs = a.datastores.find((d) => d.name === "blobs")!;
  const link = (from: string, to: string) => a.links.find((l) => l.from === from && l.to === to);
  const r = rtt("eu-west-1", "eu-central-1");
  const tau = ((itemBytes * 8) / 1e9) * 1000; // 67.1 ms at 1 Gbit/s

  it("the transfer is the item at the link's capacity, and no sojourn is shorter", () => {
    const shipped = link("eu-west-1", "eu-central-1");
    expect(shipped?.capacityMbps).toBe(1000);
    expect(itemTransferMs(itemBytes, shipped?.capacityMbps)).toBeCloseTo(tau, 9);
    expect(linkSojournMs(itemBytes, shipped, "p50")).toBeGreaterThanOrEqual(tau);
    expect(linkSojournMs(itemBytes, shipped, "p99")).toBeGreaterThanOrEqual(
      linkSojournMs(itemBytes, shipped, "p50"),
    );
    expect(itemTransferMs(itemBytes, undefined)).toBe(0);
  });

  it("a remote client's write carries its item to the primary, then waits for the standby's sojourn", () => {
    const shipped = link("eu-west-1", "eu-central-1");
    const commitP50 = r + linkSojournMs(itemBytes, shipped, "p50");
    expect(blobs.commitP50Ms).toBeCloseTo(commitP50, 9);
    const local = blobs.write.byOrigin.find((o) => o.origin === "eu-west-1")!;
    const remote = blobs.write.byOrigin.find((o) => o.origin === "eu-central-1")!;
    expect(local.p50Ms).toBeCloseTo(XZ + commitP50, 9);
    expect(remote.p50Ms).toBeCloseTo(r + tau + commitP50, 9);
    // The p99 takes the standby's p99 sojourn (and the p99 RTTs), never less than the p50 path.
    const commitP99 = r * TAIL + linkSojournMs(itemBytes, shipped, "p99");
    expect(remote.p99Ms).toBeGreaterThanOrEqual(r * TAIL + tau + commitP99);
  });

  it("a strong read from the other region carries the item back from the primary", () => {
    const remote = blobs.read.byOrigin.find((o) => o.origin === "eu-central-1")!;
    expect(remote.p50Ms).toBeCloseTo(r + tau, 9);
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
          deploy: { target: "kubernetes", image: "x:1", storageGi: 100 },
        },
      },
    });
    const ds = analyse(bare).datastores[0]!;
    const remote = ds.write.byOrigin.find((o) => o.origin === "eu-central-1")!;
    expect(remote.p50Ms).toBeCloseTo(r + kth([XZ, r], 1), 9);
  });
});
