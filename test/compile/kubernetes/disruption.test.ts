// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  datastoreDisruptionBudgets,
  quorumMembers,
  regionDrainCap,
  splitDisruptionBudget,
  streamDisruptionBudget,
  toleratedFailures,
} from "../../../src/compile/kubernetes/disruption.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { compile, manifest, modelOf, SHOP } from "./helpers.js";

const placement = (counts: Record<string, number>) =>
  Object.entries(counts).map(([region, replicas]) => ({
    region,
    replicas,
    voters: replicas,
    readOnly: 0,
    witnesses: 0,
    zones: [],
  }));

describe("toleratedFailures: f = replicas − max(W, R)", () => {
  it.each([
    // replicas, W, R, f — hand-calculated
    [5, 3, 3, 2], // 5-way Raft
    [3, 2, 2, 1], // 3-way Raft
    [2, 2, 2, 0], // 2-way Raft tolerates nothing
    [1, 1, 1, 0],
    [3, 1, 1, 2], // async primary-replica
    [5, 4, 2, 1], // leaderless W=4: writes are the binding quorum
    [5, 2, 4, 1], // leaderless R=4: reads are
    [3, 3, 1, 0], // sync primary-replica
  ])("replicas %i, W %i, R %i → f %i", (replicas, write, read, f) => {
    expect(toleratedFailures({ replicas, quorum: { write, read } })).toBe(f);
  });
});

describe("splitDisruptionBudget: per-region maxUnavailable, Σ ≤ f", () => {
  it.each([
    // placement, f, expected — hand-calculated (most replicas first, ties by name, round-robin)
    [
      { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
      2,
      { "eu-central-1": 1, "eu-west-1": 1, "eu-north-1": 0 },
    ],
    [{ a: 1, b: 1, c: 1 }, 1, { a: 1, b: 0, c: 0 }],
    [{ a: 3 }, 1, { a: 1 }],
    [{ a: 5 }, 2, { a: 2 }],
    [{ a: 3, b: 2, c: 2 }, 3, { a: 1, b: 1, c: 1 }],
    [{ a: 3, b: 3, c: 3 }, 4, { a: 2, b: 1, c: 1 }],
    [{ a: 2, b: 1 }, 2, { a: 1, b: 1 }],
    [{ a: 1, b: 1 }, 5, { a: 1, b: 1 }], // capped by the replicas there
    [{ a: 4, b: 1 }, 3, { a: 2, b: 1 }],
    [{ a: 2, b: 2 }, 0, { a: 0, b: 0 }], // f = 0: no voluntary disruption anywhere
  ])("%j with f=%i → %j", (counts, f, expected) => {
    const budget = splitDisruptionBudget(placement(counts), f);
    expect(Object.fromEntries(budget)).toEqual(expected);
  });

  it("never takes a region's last pod where it has several: 3/3/3 with f = 7 → 2/2/2, 2/2/2 with f = 5 → 1/1/1", () => {
    expect(Object.fromEntries(splitDisruptionBudget(placement({ a: 3, b: 3, c: 3 }), 7))).toEqual({
      a: 2,
      b: 2,
      c: 2,
    });
    expect(Object.fromEntries(splitDisruptionBudget(placement({ a: 2, b: 2, c: 2 }), 5))).toEqual({
      a: 1,
      b: 1,
      c: 1,
    });
  });

  it("never lets concurrent drains in every region together exceed f, and wastes no allowance", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("a", "b", "c", "d", "e"), fc.integer({ min: 1, max: 7 }), {
          minKeys: 1,
        }),
        fc.integer({ min: 0, max: 20 }),
        (counts, f) => {
          const budget = splitDisruptionBudget(placement(counts), f);
          const caps = Object.values(counts).reduce((s, n) => s + regionDrainCap(n), 0);
          const sum = [...budget.values()].reduce((s, n) => s + n, 0);
          expect(sum).toBe(Math.min(f, caps));
          for (const [region, n] of budget) {
            expect(n).toBeGreaterThanOrEqual(0);
            expect(n).toBeLessThanOrEqual(regionDrainCap(counts[region]!));
            // A region with several pods keeps one serving its callers.
            if (counts[region]! >= 2) expect(n).toBeLessThan(counts[region]!);
          }
          // Fair: regions not at their cap differ by at most one.
          const uncapped = [...budget].filter(([r, n]) => n < regionDrainCap(counts[r]!)).map(([, n]) => n);
          if (uncapped.length > 0)
            expect(Math.max(...uncapped) - Math.min(...uncapped)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it("datastore budgets: a 5-replica store over 2/2/1 regions allows 2 disruptions in all", () => {
    const budget = datastoreDisruptionBudgets({
      replication: "consensus",
      replicas: 5,
      quorum: { write: 3, read: 3 },
      placement: placement({ "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 }),
    });
    expect([...budget.values()].reduce((s, n) => s + n, 0)).toBe(2);
  });
});

describe("budgets count the quorum's own members", () => {
  const topologyOf = (store: Record<string, unknown>) =>
    ({
      name: "bank",
      users: { "eu-west-1": 1 },
      datastores: { ledger: { deploy: { target: "kubernetes", image: "ghcr.io/acme/kv:1.0.0" }, ...store } },
    }) as unknown as TopologyInput;
  const budgetOf = (store: Record<string, unknown>) => {
    const resources = compile(topologyOf(store));
    return ["eu-west-1", "eu-central-1"].map((region) => {
      const found = resources.find((r) => r.name === `${region}/bank/PodDisruptionBudget/ledger`);
      return (found?.inputs as any)?.spec.maxUnavailable ?? 0;
    });
  };

  // A budget cannot tell a read-only pod from a voter: a drain may take voters first.
  it("consensus with read-only replicas: f over the 3 voters (quorum 2) is 1, not 5 − 2", () => {
    const placement = { "eu-west-1": 3, "eu-central-1": { readOnly: 2 } };
    const store = { replication: "consensus", replicas: 5, placement, leader: "eu-west-1" };
    expect(quorumMembers(modelOf(topologyOf(store)).datastores[0]!)).toBe(3);
    expect(budgetOf(store)).toEqual([1, 0]);
  });

  it("Redis keeps a majority of its Sentinels: 3 members allow 1, though async writes need only the primary", () => {
    const store = {
      replication: "primary-replica",
      consistency: "eventual",
      sync: "async",
      replicas: 3,
      placement: { "eu-west-1": 2, "eu-central-1": 1 },
      leader: "eu-west-1",
      deploy: { target: "kubernetes", engine: "redis" },
    };
    expect(budgetOf(store).reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe("streamDisruptionBudget: replicas − minInSync", () => {
  it.each([
    [3, 2, 1],
    [3, 3, 0],
    [5, 2, 3],
    [1, 1, 0],
  ])("replicas %i, minInSync %i → %i", (replicas, minInSync, expected) => {
    expect(streamDisruptionBudget({ replicas, minInSync })).toBe(expected);
  });
});

describe("compiled PodDisruptionBudgets", () => {
  const resources = compile(SHOP);
  const maxUnavailable = (name: string) => manifest(resources, name).spec.maxUnavailable;

  it("split the 5-replica orders quorum's f = 2 over its three regions", () => {
    expect(maxUnavailable("eu-central-1/shop/PodDisruptionBudget/orders")).toBe(1);
    expect(maxUnavailable("eu-west-1/shop/PodDisruptionBudget/orders")).toBe(1);
    expect(maxUnavailable("eu-north-1/shop/PodDisruptionBudget/orders")).toBe(0);
  });

  it("give a single-region async primary-replica store f = 2 of its 3", () => {
    expect(maxUnavailable("eu-west-1/shop-data/PodDisruptionBudget/carts")).toBe(2);
  });

  it("keep minInSync brokers of a stream", () => {
    expect(maxUnavailable("eu-west-1/shop/PodDisruptionBudget/events")).toBe(1);
  });

  it("select exactly the component's pods", () => {
    expect(manifest(resources, "eu-west-1/shop/PodDisruptionBudget/orders").spec.selector).toEqual({
      matchLabels: { "app.kubernetes.io/name": "orders", "app.kubernetes.io/part-of": "shop" },
    });
  });
});
