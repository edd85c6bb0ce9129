import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { apportion, autoPlacement, expandPlacement, majority } from "../../src/model/placement.js";
import { resolveModel } from "../../src/model/resolve.js";
import type { Model, ResolvedDatastore } from "../../src/model/types.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { validateTopology } from "../../src/spec/validate.js";

/** Validates (so defaults apply exactly as in the CLI) and resolves. */
function model(spec: TopologyInput): Model {
  const result = validateTopology(spec);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.path}: ${d.message}`).join("\n"));
  return resolveModel(result.topology);
}

function store(spec: Omit<TopologyInput, "name">, name = "db"): ResolvedDatastore {
  const found = model({ name: "t", ...spec }).datastores.find((d) => d.name === name);
  if (found === undefined) throw new Error(`no datastore ${name}`);
  return found;
}

const catalog = buildCatalog();
const EU_USERS = [
  { region: "eu-west-1", share: 0.6 },
  { region: "eu-central-1", share: 0.4 },
];

describe("auto placement", () => {
  it("region survival spreads 5 replicas 2-2-1 over the 3 allowed regions nearest the users", () => {
    const placement = autoPlacement(5, "region", ["EU"], EU_USERS, catalog);
    expect(Object.values(placement).sort()).toEqual([1, 2, 2]);
    expect(Object.keys(placement)).toHaveLength(3);
    // The two user regions get the pairs; the third is the next-nearest EU region.
    expect(placement["eu-west-1"]).toBe(2);
    expect(placement["eu-central-1"]).toBe(2);
  });

  it("respects residency: every chosen region is in the allowed jurisdiction", () => {
    const us = autoPlacement(5, "region", ["US"], EU_USERS, catalog);
    expect(Object.keys(us).every((r) => catalog.regions.get(r)?.country === "US")).toBe(true);
    const jp = autoPlacement(3, "zone", ["JP"], [{ region: "ap-southeast-1", share: 1 }], catalog);
    expect(Object.keys(jp).every((r) => catalog.regions.get(r)?.jurisdiction === "JP")).toBe(true);
    expect(Object.values(jp).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it("zone survival keeps every replica in the users' nearest region", () => {
    expect(autoPlacement(3, "zone", ["EU"], [{ region: "eu-north-1", share: 1 }], catalog)).toEqual({
      "eu-north-1": 3,
    });
  });

  it("region survival never lets one region hold a majority", () => {
    for (const replicas of [3, 4, 5, 6, 7, 9]) {
      const placement = autoPlacement(replicas, "region", undefined, EU_USERS, catalog);
      const counts = Object.values(placement);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(replicas);
      expect(counts.length).toBeGreaterThanOrEqual(3);
      for (const inRegion of counts) expect(replicas - inRegion).toBeGreaterThanOrEqual(majority(replicas));
    }
  });

  it("is deterministic and never picks custom sites", () => {
    const withSite = buildCatalog({
      regions: { "dc-1": { country: "IE", zones: ["a", "b", "c"], rttMs: { "eu-west-1": 1 } } },
    });
    const first = autoPlacement(5, "region", ["EU"], EU_USERS, withSite);
    expect(autoPlacement(5, "region", ["EU"], EU_USERS, withSite)).toEqual(first);
    expect(Object.keys(first)).not.toContain("dc-1");
  });

  it('resolving placement: "auto" marks the datastore as auto-placed', () => {
    const db = store({
      users: { "eu-west-1": 0.6, "eu-central-1": 0.4 },
      datastores: {
        db: {
          replication: "consensus",
          replicas: 5,
          placement: "auto",
          survive: "region",
          residency: ["EU"],
        },
      },
    });
    expect(db.autoPlaced).toBe(true);
    expect(db.placement.map((p) => p.replicas).sort()).toEqual([1, 2, 2]);
    expect(db.leader).toBe("eu-west-1");
  });
});

describe("zones and placement groups", () => {
  it("a partition's replicas in one region use distinct zones when there are enough", () => {
    const db = store({
      datastores: {
        db: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 3 },
          partitions: { count: 6 },
        },
      },
    });
    for (const group of db.groups) {
      const zones = group.replicas.map((r) => r.zone);
      expect(new Set(zones).size).toBe(3);
    }
  });

  it("zones rotate with the partition number, so each zone carries the same share of replicas and leaders", () => {
    const zones = ["z-a", "z-b", "z-c"];
    const groups = expandPlacement(6, [{ region: "r", replicas: 2, zones }], () => "r");
    const replicasPerZone = new Map<string, number>();
    const leadersPerZone = new Map<string, number>();
    for (const group of groups) {
      for (const slot of group.replicas)
        replicasPerZone.set(slot.zone, (replicasPerZone.get(slot.zone) ?? 0) + group.partitions.length);
      leadersPerZone.set(
        group.leader.zone,
        (leadersPerZone.get(group.leader.zone) ?? 0) + group.partitions.length,
      );
    }
    expect(Object.fromEntries(replicasPerZone)).toEqual({ "z-a": 4, "z-b": 4, "z-c": 4 });
    expect(Object.fromEntries(leadersPerZone)).toEqual({ "z-a": 2, "z-b": 2, "z-c": 2 });
  });

  it("more replicas than zones wrap around: 5 replicas over 3 zones use all 3", () => {
    const [group] = expandPlacement(1, [{ region: "r", replicas: 5, zones: ["a", "b", "c"] }], () => "r");
    expect(group?.replicas.map((r) => r.zone)).toEqual(["a", "a", "b", "b", "c"]);
  });

  it("64 partitions over 3 regions with 3 zones each collapse into 3 placement groups", () => {
    const db = store({
      datastores: {
        db: {
          replication: "consensus",
          replicas: 5,
          partitions: { count: 64 },
          placement: { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
          leader: "eu-west-1",
        },
      },
    });
    expect(db.groups).toHaveLength(3);
    expect(db.groups.map((g) => g.partitions.length)).toEqual([22, 21, 21]);
    expect(db.groups.flatMap((g) => g.partitions).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 64 }, (_, i) => i),
    );
    for (const group of db.groups) {
      expect(group.leader.region).toBe("eu-west-1");
      expect(group.replicas).toContain(group.leader);
      expect(group.replicas).toHaveLength(5);
    }
  });

  it("declared zones restrict placement", () => {
    const db = store({
      datastores: {
        db: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 3 },
          zones: { "eu-west-1": ["eu-west-1a", "eu-west-1b"] },
          partitions: { count: 4 },
        },
      },
    });
    const used = new Set(db.groups.flatMap((g) => g.replicas.map((r) => r.zone)));
    expect([...used].sort()).toEqual(["eu-west-1a", "eu-west-1b"]);
  });

  it("every partition appears in exactly one group, for any placement", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (count, regions) => {
          const placement = regions.map(([replicas, zoneCount], i) => ({
            region: `r${i}`,
            replicas,
            zones: Array.from({ length: zoneCount }, (_, z) => `r${i}-${z}`),
          }));
          const groups = expandPlacement(count, placement, () => "r0");
          const partitions = groups.flatMap((g) => g.partitions).sort((a, b) => a - b);
          expect(partitions).toEqual(Array.from({ length: count }, (_, i) => i));
          const replicas = regions.reduce((sum, [n]) => sum + n, 0);
          for (const g of groups) expect(g.replicas).toHaveLength(replicas);
        },
      ),
    );
  });
});

describe("geo partitioning", () => {
  it("apportions partition leaders by user share (largest remainder)", () => {
    expect(
      apportion(10, [
        { region: "a", weight: 0.5 },
        { region: "b", weight: 0.3 },
        { region: "c", weight: 0.2 },
      ]),
    ).toEqual(["a", "a", "a", "a", "a", "b", "b", "b", "c", "c"]);
    const leaders = apportion(7, [
      { region: "a", weight: 1 },
      { region: "b", weight: 1 },
    ]);
    expect(leaders).toEqual(["a", "a", "a", "a", "b", "b", "b"]);
    expect(
      apportion(4, [
        { region: "a", weight: 0 },
        { region: "b", weight: 0 },
      ]),
    ).toEqual(["a", "a", "b", "b"]);
  });

  it("a geo-partitioned datastore homes partition leaders near their users", () => {
    const db = store({
      users: { "eu-west-1": 0.5, "us-east-1": 0.3, "ap-northeast-1": 0.2 },
      datastores: {
        db: {
          replication: "consensus",
          replicas: 3,
          partitions: { count: 10, strategy: "geo" },
          placement: { "eu-west-1": 1, "us-east-1": 1, "ap-northeast-1": 1 },
        },
      },
    });
    const leaders: Record<string, number> = {};
    for (const g of db.groups)
      leaders[g.leader.region] = (leaders[g.leader.region] ?? 0) + g.partitions.length;
    expect(leaders).toEqual({ "eu-west-1": 5, "us-east-1": 3, "ap-northeast-1": 2 });
  });
});

describe("users", () => {
  it("declared shares are normalised (rounding) and sorted", () => {
    const users = model({
      name: "t",
      users: { "us-east-1": 0.33, "eu-west-1": 0.33, "ap-south-1": 0.33 },
    }).users;
    expect(users.map((u) => u.region)).toEqual(["ap-south-1", "eu-west-1", "us-east-1"]);
    for (const u of users) expect(u.share).toBeCloseTo(1 / 3, 12);
  });

  it("without users, demand is spread evenly over the service regions", () => {
    const m = model({
      name: "t",
      services: {
        api: { regions: ["us-east-1", "eu-west-1"] },
        web: { regions: ["eu-west-1", "ap-south-1"] },
      },
    });
    expect(m.users).toEqual([
      { region: "ap-south-1", share: 1 / 3 },
      { region: "eu-west-1", share: 1 / 3 },
      { region: "us-east-1", share: 1 / 3 },
    ]);
  });

  it("without users or services, demand comes from the datastores' leaders", () => {
    const m = model({
      name: "t",
      datastores: {
        db: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 }, leader: "eu-west-1" },
      },
    });
    expect(m.users).toEqual([{ region: "eu-west-1", share: 1 }]);
  });
});

describe("quorum and write regions per replication model", () => {
  const placement = { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 };
  const cases = [
    [{ replication: "consensus" }, { write: 3, read: 3 }, ["eu-west-1"], "strong"],
    [{ replication: "primary-replica", sync: "sync" }, { write: 5, read: 1 }, ["eu-west-1"], "eventual"],
    [{ replication: "primary-replica", sync: "semi-sync" }, { write: 2, read: 1 }, ["eu-west-1"], "eventual"],
    [{ replication: "primary-replica" }, { write: 1, read: 1 }, ["eu-west-1"], "eventual"],
    [
      { replication: "multi-leader" },
      { write: 1, read: 1 },
      ["eu-central-1", "eu-north-1", "eu-west-1"],
      "eventual",
    ],
    [
      { replication: "multi-leader", leaders: ["eu-west-1", "eu-central-1"] },
      { write: 1, read: 1 },
      ["eu-west-1", "eu-central-1"],
      "eventual",
    ],
    [
      { replication: "leaderless" },
      { write: 3, read: 3 },
      ["eu-central-1", "eu-north-1", "eu-west-1"],
      "eventual",
    ],
    [
      { replication: "leaderless", quorum: { read: 1, write: 5 } },
      { write: 5, read: 1 },
      ["eu-central-1", "eu-north-1", "eu-west-1"],
      "eventual",
    ],
  ] as const;

  it.each(cases)(
    "%j → quorum %j, writes in %j, consistency %s",
    (settings, quorum, writeRegions, consistency) => {
      const db = store({
        users: { "eu-west-1": 1 },
        datastores: { db: { replicas: 5, placement, ...settings } as never },
      });
      expect(db.quorum).toEqual(quorum);
      expect(db.writeRegions).toEqual(writeRegions);
      expect(db.consistency).toBe(consistency);
    },
  );

  it("the default leader is the region with most replicas, then most users", () => {
    const db = store({
      users: { "eu-central-1": 0.7, "eu-west-1": 0.3 },
      datastores: { db: { replication: "consensus", replicas: 5, placement } },
    });
    expect(db.leader).toBe("eu-central-1");
  });

  it("majority is ⌊n/2⌋+1", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(majority)).toEqual([1, 2, 2, 3, 3, 4, 4]);
  });
});

describe("the model", () => {
  const spec: TopologyInput = {
    name: "t",
    users: { "eu-west-1": 1 },
    datastores: { db: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
    services: {
      api: {
        regions: ["eu-west-1"],
        calls: [
          { to: "db", timeoutMs: 100 },
          { to: "clicks", timeoutMs: 50 },
        ],
      },
    },
    streams: { clicks: { partitions: 6, producers: ["api"] } },
    network: { links: [{ between: ["us-east-1", "eu-west-1"], bandwidthMbps: 1000 }] },
  };

  it("is deeply frozen", () => {
    const m = model(spec);
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(m.datastores)).toBe(true);
    expect(Object.isFrozen(m.datastores[0]?.groups[0]?.replicas)).toBe(true);
    expect(Object.isFrozen(m.services[0]?.calls[0])).toBe(true);
    expect(Object.isFrozen(m.topology.datastores)).toBe(true);
    expect(() => {
      (m.users as { region: string; share: number }[]).push({ region: "x", share: 1 });
    }).toThrow(TypeError);
  });

  it("is deterministic: the same spec resolves to equal models", () => {
    const { catalog: _a, ...first } = model(spec);
    const { catalog: _b, ...second } = model(spec);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it("resolves call kinds and default operations, stream regions and links", () => {
    const m = model(spec);
    expect(m.services[0]?.calls.map((c) => [c.to, c.targetKind, c.op, c.perTryTimeoutMs, c.path])).toEqual([
      ["db", "datastore", "read", 100, "services.api.calls[0]"],
      ["clicks", "stream", "produce", 50, "services.api.calls[1]"],
    ]);
    expect(m.streams[0]?.regions).toEqual(["eu-west-1"]);
    expect(m.links).toEqual([
      {
        between: ["eu-west-1", "us-east-1"],
        index: 0,
        rttMs: catalog.rttMs("eu-west-1", "us-east-1"),
        bandwidthMbps: 1000,
      },
    ]);
    expect(m.regions).toEqual(["eu-west-1"]);
    expect(m.settings).toEqual({
      processingTailFactor: 1.5,
      crossZoneRttMs: 1,
      zoneFailureProbability: catalog.failure.zoneFailureProbability,
      regionFailureProbability: catalog.failure.regionFailureProbability,
      regionFailureRates: {},
      zoneFailureRates: {},
      commonModeProbability: catalog.failure.commonModeProbability,
    });
  });
});
