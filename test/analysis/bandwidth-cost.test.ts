import { describe, expect, it } from "vitest";
import { SECONDS_PER_MONTH } from "../../src/analysis/bandwidth.js";
import { analyse } from "../../src/analysis/index.js";
import { linkLag, oneWayMs } from "../../src/analysis/lag.js";
import { loadedNetwork } from "../../src/analysis/loaded.js";
import { networkView } from "../../src/analysis/network.js";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { build, rtt, TAIL } from "./helpers.js";

/**
 * A one-way p99 from a round trip of median r under the test tail factor: half the median plus the
 * whole p99 − p50 excess (a queue holds up one direction: src/analysis/lag.ts oneWayMs).
 */
const oneWay99 = (r: number) => r / 2 + r * (TAIL - 1);

const catalog = buildCatalog();
const price = (region: string) => catalog.regions.get(region)!.egressUsdPerGb;

describe("replication bandwidth, utilisation, lag and cost", () => {
  const writes = 5000;
  const bytes = 1024;
  const m = build({
    users: { "eu-west-1": 1 },
    datastores: {
      kv: {
        replication: "consensus",
        replicas: 5,
        placement: { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
        leader: "eu-west-1",
        traffic: { writesPerSec: writes, itemBytes: bytes },
        deploy: { target: "kubernetes", image: "x:1", storageGi: 200 },
      },
      carts: {
        replication: "multi-leader",
        replicas: 2,
        placement: { "eu-west-1": 1, "eu-central-1": 1 },
        traffic: { writesPerSec: 1000, itemBytes: 500 },
      },
    },
    network: { links: [{ between: ["eu-central-1", "eu-west-1"], bandwidthMbps: 100 }] },
  });
  const a = analyse(m);
  const link = (from: string, to: string) => a.links.find((l) => l.from === from && l.to === to);

  it("leader → each follower in another region: writes × bytes per replica, summed over components", () => {
    // kv: 2 followers in eu-central-1. carts: every user is in eu-west-1, so writes enter there.
    const kvBps = writes * bytes * 2;
    const cartsBps = 1000 * 500;
    const l = link("eu-west-1", "eu-central-1")!;
    expect(l.mbps).toBeCloseTo(((kvBps + cartsBps) * 8) / 1e6, 9);
    expect(l.contributors).toEqual([
      { component: "carts", mbps: (cartsBps * 8) / 1e6 },
      { component: "kv", mbps: (kvBps * 8) / 1e6 },
    ]);
    expect(l.capacityMbps).toBe(100);
    expect(l.utilisation).toBeCloseTo(((kvBps + cartsBps) * 8) / 1e6 / 100, 9);
    expect(l.linkIndex).toBe(0);
    expect(link("eu-west-1", "eu-north-1")!.mbps).toBeCloseTo((writes * bytes * 8) / 1e6, 9);
    expect(link("eu-west-1", "eu-north-1")!.utilisation).toBeUndefined();
    expect(link("eu-central-1", "eu-west-1")).toBeUndefined();
  });

  // Its unit of leadership is the region: one copy crosses, the region passes it on across zones.
  it("multi-leader without an engine: one copy to each other region, however many replicas there", () => {
    const twoPerRegion = build({
      users: { "eu-west-1": 1 },
      datastores: {
        carts: {
          replication: "multi-leader",
          replicas: 4,
          placement: { "eu-west-1": 2, "eu-central-1": 2 },
          traffic: { writesPerSec: 1000, itemBytes: 500 },
        },
      },
    });
    const { flows } = loadedNetwork(twoPerRegion, networkView(twoPerRegion, []));
    const bps = (from: string, to: string) =>
      flows.filter((f) => f.from === from && f.to === to).reduce((sum, f) => sum + f.bytesPerSec, 0);
    expect(bps("eu-west-1", "eu-central-1")).toBeCloseTo(1000 * 500, 9);
    expect(bps("eu-central-1", "eu-central-1")).toBeCloseTo(1000 * 500, 9);
    expect(bps("eu-west-1", "eu-west-1")).toBeCloseTo(1000 * 500, 9);
  });

  it("egress per link: GB per 730-hour month × the source region's price", () => {
    const l = link("eu-west-1", "eu-north-1")!;
    expect(l.egressUsdPerMonth).toBeCloseTo(
      ((writes * bytes * SECONDS_PER_MONTH) / 1e9) * price("eu-west-1"),
      6,
    );
  });

  it("the datastore's lag to a region uses the link's utilisation (ρ = 0.8592 here)", () => {
    const kv = a.datastores.find((d) => d.name === "kv")!;
    const rho = ((writes * bytes * 2 + 1000 * 500) * 8) / 1e6 / 100;
    const service = ((bytes * 8) / (100 * 1e6)) * 1000;
    const lag = kv.replicationLag.find((l) => l.region === "eu-central-1")!;
    const r = rtt("eu-west-1", "eu-central-1");
    // Its own transfer plus the M/M/1 wait's quantile: P(wait > t) = ρ·e^(−(1−ρ)t/τ).
    const wait = (above: number) => (service / (1 - rho)) * Math.log(rho / above);
    expect(lag.p50Ms).toBeCloseTo(r / 2 + service + wait(0.5), 9);
    expect(lag.p99Ms).toBeCloseTo(oneWay99(r) + service + wait(0.01), 9);
    // No capacity declared to eu-north-1: propagation only. eu-west-1's second replica: cross-zone.
    const north = rtt("eu-west-1", "eu-north-1");
    expect(kv.replicationLag.map((l) => [l.region, l.p50Ms])).toEqual([
      ["eu-central-1", lag.p50Ms],
      ["eu-north-1", north / 2],
      ["eu-west-1", 0.5],
    ]);
    expect(kv.rpoMs).toBe(0);
  });

  it("lag formula", () => {
    const r = rtt("eu-west-1", "eu-central-1");
    const service = ((1024 * 8) / (100 * 1e6)) * 1000; // ms per item on a 100 Mbit/s link
    const rho = 0.5;
    const pair = { p50Ms: r, p99Ms: r * TAIL };
    const lag = linkLag(pair, 1024, [
      {
        from: "a",
        to: "b",
        mbps: 50,
        capacityMbps: 100,
        utilisation: rho,
        contributors: [],
        egressUsdPerMonth: 0,
      },
    ]);
    // At ρ = 0.5 half the items find the link idle: the median is the transfer alone.
    expect(lag.p50Ms).toBeCloseTo(r / 2 + service, 12);
    expect(lag.p99Ms).toBeCloseTo(oneWay99(r) + service + (service / (1 - rho)) * Math.log(rho / 0.01), 12);
    expect(lag.unbounded).toBe(false);
    const over = linkLag(pair, 1024, [
      {
        from: "a",
        to: "b",
        mbps: 150,
        capacityMbps: 100,
        utilisation: 1.5,
        contributors: [],
        egressUsdPerMonth: 0,
      },
    ]);
    expect(over.unbounded).toBe(true);
    expect(over.p50Ms).toBeCloseTo(r / 2 + 0.5 * 3_600_000, 6); // backlog after one hour of overload
    // Around a cut link the item queues on each hop of the relay: the sojourns add.
    const hop = {
      from: "a",
      to: "b",
      mbps: 50,
      capacityMbps: 100,
      utilisation: rho,
      contributors: [],
      egressUsdPerMonth: 0,
    };
    const relayed = linkLag(pair, 1024, [hop, { ...hop, from: "b", to: "c" }]);
    expect(relayed.p99Ms - oneWay99(r)).toBeCloseTo(2 * (lag.p99Ms - oneWay99(r)), 12);
    expect(linkLag(pair, 1024, [hop, { ...hop, utilisation: 1.5 }]).unbounded).toBe(true);
    const idle = linkLag(pair, 1024, [undefined]);
    expect(idle).toEqual({ p50Ms: r / 2, p99Ms: expect.any(Number), unbounded: false });
    expect(idle.p99Ms).toBeCloseTo(oneWay99(r), 12);
    // The tail does not halve with the direction: the one-way p99 keeps the whole excess.
    expect(idle.p99Ms - idle.p50Ms).toBeCloseTo(pair.p99Ms - pair.p50Ms, 12);
    // An unreachable pair stays unreachable (Infinity − Infinity is NaN).
    expect(oneWayMs({ p50Ms: Infinity, p99Ms: Infinity })).toEqual({ p50Ms: Infinity, p99Ms: Infinity });
  });

  it("replica cost: one node per replica; Kubernetes pods from their requests (Fargate rates) + gp3", () => {
    const kv = a.datastores.find((d) => d.name === "kv")!;
    // Default requests 500m / 1Gi: (0.5 × 0.04048 + 1 × 0.004445) × 730 h (Fargate's GB is 1 GiB),
    // + 200 GiB × 0.08.
    const perNode = (0.5 * 0.04048 + 1 * 0.004445) * 730 + 200 * 0.08;
    expect(kv.costUsdPerMonth.replicas).toBeCloseTo(5 * perNode, 9);
    const carts = a.datastores.find((d) => d.name === "carts")!;
    expect(carts.costUsdPerMonth.replicas).toBeCloseTo(2 * catalog.replicaCost.totalUsdPerMonth, 9);
  });

  it("egress per component: inter-region at the source price + cross-zone × 2", () => {
    const kv = a.datastores.find((d) => d.name === "kv")!;
    const gb = (bps: number) => (bps * SECONDS_PER_MONTH) / 1e9;
    const interRegion = gb(writes * bytes * 3) * price("eu-west-1");
    const crossZone = gb(writes * bytes * 1) * catalog.egress.crossZoneUsdPerGb * 2;
    expect(kv.costUsdPerMonth.egress).toBeCloseTo(interRegion + crossZone, 6);
    expect(a.cost.totalUsdPerMonth).toBeCloseTo(a.cost.replicasUsdPerMonth + a.cost.egressUsdPerMonth, 9);
  });
});

describe("writes with no declared demand (no users, no callers)", () => {
  it("enter every write region alike: replicated and billed, not dropped", () => {
    const store = (users?: Record<string, number>) =>
      analyse(
        build({
          ...(users === undefined ? {} : { users }),
          datastores: {
            tbl: {
              replication: "multi-leader",
              replicas: 2,
              placement: { "us-east-1": 1, "eu-west-1": 1 },
              traffic: { writesPerSec: 100, readsPerSec: 0, itemBytes: 1000 },
              deploy: { target: "aws", service: "dynamodb" },
            },
          },
        }),
      );
    const none = store();
    // Half the writes each way: 50 kB/s from each region, at its source price.
    for (const [from, to] of [
      ["us-east-1", "eu-west-1"],
      ["eu-west-1", "us-east-1"],
    ] as const)
      expect(none.links.find((l) => l.from === from && l.to === to)?.mbps).toBeCloseTo((50_000 * 8) / 1e6, 9);
    // The same as users split evenly between the two.
    expect(none.datastores[0]!.costUsdPerMonth.egress).toBeCloseTo(
      store({ "us-east-1": 0.5, "eu-west-1": 0.5 }).datastores[0]!.costUsdPerMonth.egress,
      9,
    );
    expect(none.datastores[0]!.costUsdPerMonth.egress).toBeGreaterThan(0);
  });
});

describe("copies inside one zone cost nothing", () => {
  const gb = (bps: number) => (bps * SECONDS_PER_MONTH) / 1e9;
  const egressOf = (region: string, zones?: string[]) =>
    analyse(
      build({
        users: { [region]: 1 },
        datastores: {
          kv: {
            replication: "consensus",
            replicas: 3,
            placement: { [region]: 3 },
            ...(zones === undefined ? {} : { zones: { [region]: zones } }),
            traffic: { writesPerSec: 1000, itemBytes: 1000 },
            deploy: { target: "kubernetes", image: "x:1", storageGi: 100 },
          },
        },
      }),
    ).datastores[0]!.costUsdPerMonth.egress;
  const copy = gb(1000 * 1000) * 0.01 * 2;

  it("three zones: both followers' copies cross zones", () => {
    expect(egressOf("us-east-1")).toBeCloseTo(2 * copy, 6);
  });

  it("every replica pinned to one zone: none crosses", () => {
    expect(egressOf("us-east-1", ["us-east-1a"])).toBe(0);
  });

  it("three replicas over a region's two zones: only the follower in the other zone's copy", () => {
    // us-west-1 has two zones: 2 + 1, led from the zone of two.
    expect(egressOf("us-west-1")).toBeCloseTo(copy, 6);
  });
});

describe("engines that send one copy per region (wanFanOut)", () => {
  const writes = 1000;
  const bytes = 2048;
  // RF 3 in each of three regions, every write entering in ap-southeast-2 (egress $0.098/GB, not
  // the $0.02 of a cross-zone GB billed both ways, so the two kinds of copy cost apart).
  const store = (engine?: "cassandra") => ({
    replication: "leaderless" as const,
    replicas: 9,
    placement: { "ap-southeast-2": 3, "ap-southeast-1": 3, "ap-south-1": 3 },
    quorum: { read: 2, write: 2 },
    traffic: { writesPerSec: writes, itemBytes: bytes },
    deploy: { target: "kubernetes" as const, ...(engine ? { engine } : { image: "x:1" }), storageGi: 100 },
  });
  const a = analyse(
    build({ users: { "ap-southeast-2": 1 }, datastores: { ring: store("cassandra"), generic: store() } }),
  );
  const mbpsOf = (from: string, to: string, component: string) =>
    a.links.find((l) => l.from === from && l.to === to)?.contributors.find((c) => c.component === component)
      ?.mbps;
  const copy = (writes * bytes * 8) / 1e6;

  it("Cassandra: one copy crosses to each other datacenter; a store without an engine sends one per replica", () => {
    for (const region of ["ap-southeast-1", "ap-south-1"]) {
      expect(mbpsOf("ap-southeast-2", region, "ring")).toBeCloseTo(copy, 9);
      expect(mbpsOf("ap-southeast-2", region, "generic")).toBeCloseTo(3 * copy, 9);
    }
  });

  it("the forwarded copies are cross-zone traffic inside each region, billed both ways", () => {
    const ds = (name: string) => a.datastores.find((d) => d.name === name)!;
    const usd = (bytesPerSec: number, perGb: number) => ((bytesPerSec * SECONDS_PER_MONTH) / 1e9) * perGb;
    const wan = usd(writes * bytes, price("ap-southeast-2"));
    const zone = usd(writes * bytes, 0.01 * 2);
    // Both: 2 cross-zone copies in ap-southeast-2. Cassandra: 1 WAN + 2 cross-zone copies per other
    // region; without an engine: 3 WAN copies per other region.
    expect(ds("ring").costUsdPerMonth.egress).toBeCloseTo(2 * zone + 2 * (wan + 2 * zone), 6);
    expect(ds("generic").costUsdPerMonth.egress).toBeCloseTo(2 * zone + 2 * 3 * wan, 6);
  });
});

describe("Aurora I/O: billed as Aurora counts it", () => {
  const HOUR = 730;
  const aurora = (bytes: number, bufferCacheHitRatio?: number) =>
    analyse(
      build({
        users: { "us-east-1": 1 },
        datastores: {
          ledger: {
            replication: "primary-replica",
            replicas: 2,
            placement: { "us-east-1": 1, "us-west-2": 1 },
            leader: "us-east-1",
            traffic: { readsPerSec: 1000, writesPerSec: 100, itemBytes: bytes },
            deploy: {
              target: "aws",
              service: "aurora-postgresql",
              ...(bufferCacheHitRatio === undefined ? {} : { bufferCacheHitRatio }),
            },
          },
        },
      }),
    ).datastores[0]!.costUsdPerMonth.replicas;
  const instances = 2 * 0.26 * HOUR;
  const io = (perSec: number) => ((perSec * SECONDS_PER_MONTH) / 1e6) * 0.2;

  it("a write is log records in 4 KB units, also replicated to each other region; a read is a page of 8 KB", () => {
    // 10 KB items: 3 write units (and 3 replicated), 2 pages per read (every read billed: ratio 0).
    expect(aurora(10_240, 0)).toBeCloseTo(instances + io(100 * 3 + 1000 * 2) + io(100 * 3), 6);
    expect(aurora(1024, 0)).toBeCloseTo(instances + io(100 + 1000) + io(100), 6);
  });

  it("reads served by the buffer cache are not billed (declared hit ratio)", () => {
    expect(aurora(1024, 0.9)).toBeCloseTo(instances + io(100 + 1000 * 0.1) + io(100), 6);
  });

  // Billed every read by default, ~100× what an OLTP database whose working set fits the cache pays.
  it("without a declared ratio, 99% of page reads come from the buffer cache (an estimate)", () => {
    expect(aurora(1024)).toBeCloseTo(instances + io(100 + 1000 * 0.01) + io(100), 6);
  });
});

// Client traffic inside a region was left out of the totals (review): a read-heavy cache's
// clients in the other zones of its region pay $0.01/GB each way for every item.
describe("clients in another zone of the region they are served in", () => {
  /** `kv`, read 1,000 times a second (1 KB items) by a service in its region, deployed as given. */
  const egress = (kv: object) =>
    analyse(
      build({
        users: { "eu-west-1": 1 },
        datastores: {
          kv: {
            replicas: 3,
            placement: { "eu-west-1": 3 },
            traffic: { readsPerSec: 1000, writesPerSec: 0, itemBytes: 1000 },
            ...kv,
          },
        },
        services: {
          api: {
            regions: ["eu-west-1"],
            calls: [{ to: "kv", timeoutMs: 100 }],
            deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
          },
        },
      } as never),
    ).datastores[0]!.costUsdPerMonth.egress;

  it("on Kubernetes: two thirds of the bytes cross zones (three zones, zone-blind routing), billed both ways", () => {
    const gb = (1000 * 1000 * (2 / 3) * 730 * 3600) / 1e9;
    expect(
      egress({ replication: "consensus", deploy: { target: "kubernetes", image: "kv:1", port: 6379 } }),
    ).toBeCloseTo(gb * 0.02, 6);
  });

  it("DynamoDB's regional endpoint bills no zone crossing", () => {
    expect(
      egress({
        replication: "multi-leader",
        replicas: 1,
        placement: { "eu-west-1": 1 },
        deploy: { target: "aws", service: "dynamodb" },
      }),
    ).toBe(0);
  });
});

describe("cross-zone prices follow the region's provider", () => {
  const writes = 1000;
  const bytes = 4096;
  /** Three voters in one region: every write's two follower copies cross zones there. */
  const egressIn = (region: string, site?: { crossZoneUsdPerGb?: number }) =>
    analyse(
      build({
        users: { [region]: 1 },
        ...(site === undefined
          ? {}
          : { regions: { [region]: { country: "DE", zones: ["a", "b", "c"], rttMs: {}, ...site } } }),
        datastores: {
          kv: {
            replication: "consensus",
            replicas: 3,
            placement: { [region]: 3 },
            traffic: { writesPerSec: writes, itemBytes: bytes },
            deploy: { target: "kubernetes", image: "x:1", storageGi: 100 },
          },
        },
      } as never),
    ).datastores[0]!.costUsdPerMonth.egress;
  const twoCopies = (usdPerGb: number) => ((2 * writes * bytes * SECONDS_PER_MONTH) / 1e9) * usdPerGb;

  it("AWS bills both sides, GCP the sender, Azure nothing, a site of its own what it declares", () => {
    expect(egressIn("eu-west-1")).toBeCloseTo(twoCopies(0.02), 6);
    expect(egressIn("europe-west1")).toBeCloseTo(twoCopies(0.01), 6);
    expect(egressIn("westeurope")).toBe(0);
    expect(egressIn("dc-frankfurt", {})).toBe(0);
    expect(egressIn("dc-frankfurt", { crossZoneUsdPerGb: 0.004 })).toBeCloseTo(twoCopies(0.004), 6);
  });
});
