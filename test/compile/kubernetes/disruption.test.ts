import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  datastoreDisruptionBudgets,
  splitDisruptionBudget,
  streamDisruptionBudget,
  toleratedFailures,
} from "../../../src/compile/kubernetes/disruption.js";
import { compile, manifest, SHOP } from "./helpers.js";

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

  it("never lets concurrent drains in every region together exceed f, and wastes no allowance", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("a", "b", "c", "d", "e"), fc.integer({ min: 1, max: 7 }), {
          minKeys: 1,
        }),
        fc.integer({ min: 0, max: 20 }),
        (counts, f) => {
          const budget = splitDisruptionBudget(placement(counts), f);
          const total = Object.values(counts).reduce((s, n) => s + n, 0);
          const sum = [...budget.values()].reduce((s, n) => s + n, 0);
          expect(sum).toBe(Math.min(f, total));
          for (const [region, n] of budget) {
            expect(n).toBeGreaterThanOrEqual(0);
            expect(n).toBeLessThanOrEqual(counts[region]!);
          }
          // Fair: regions not capped at their replica count differ by at most one.
          const uncapped = [...budget].filter(([r, n]) => n < counts[r]!).map(([, n]) => n);
          if (uncapped.length > 0)
            expect(Math.max(...uncapped) - Math.min(...uncapped)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it("datastore budgets: a 5-replica store over 2/2/1 regions allows 2 disruptions in all", () => {
    const budget = datastoreDisruptionBudgets({
      replicas: 5,
      quorum: { write: 3, read: 3 },
      placement: placement({ "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 }),
    });
    expect([...budget.values()].reduce((s, n) => s + n, 0)).toBe(2);
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
