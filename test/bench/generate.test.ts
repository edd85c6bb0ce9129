import { describe, expect, it } from "vitest";
import { generateTopology, REGIONS_BY_AGE } from "../../bench/generate.js";
import { createRandom, mulberry32 } from "../../bench/prng.js";
import { AWS_REGIONS } from "../../src/catalog/data/aws-regions.generated.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { validateTopology } from "../../src/spec/validate.js";

type Services = NonNullable<TopologyInput["services"]>;

/** Longest chain of service → service calls, counted in services (1 = no service calls another). */
function callDepth(services: Services): number {
  const memo = new Map<string, number>();
  const depthOf = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const below = (services[name]?.calls ?? [])
      .filter((call) => services[call.to] !== undefined)
      .map((call) => depthOf(call.to));
    const depth = 1 + Math.max(0, ...below);
    memo.set(name, depth);
    return depth;
  };
  return Math.max(...Object.keys(services).map(depthOf));
}

function totalPartitions(topology: TopologyInput): number {
  return Object.values(topology.datastores ?? {}).reduce((sum, d) => sum + (d.partitions?.count ?? 1), 0);
}

describe("mulberry32", () => {
  it("matches the reference sequence for seed 1", () => {
    // Computed with the reference JavaScript of mulberry32 (bryc/code, jshash/PRNGs.md), × 2^32.
    const next = mulberry32(1);
    expect([next(), next(), next()].map((x) => Math.round(x * 4294967296))).toEqual([
      2693262067, 11749833, 2265367787,
    ]);
  });

  it("samples distinct elements and weighs keys", () => {
    const random = createRandom(7);
    const sample = random.sample([1, 2, 3, 4, 5, 6], 4);
    expect(new Set(sample).size).toBe(4);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 10_000; i++) counts[random.weighted({ a: 0.9, b: 0.1 })]++;
    expect(counts.a / 10_000).toBeGreaterThan(0.87);
    expect(counts.a / 10_000).toBeLessThan(0.93);
  });
});

describe("generateTopology", () => {
  it("is deterministic: the same seed gives deep-equal topologies", () => {
    expect(generateTopology({ seed: 42, partitions: 500 })).toEqual(
      generateTopology({ seed: 42, partitions: 500 }),
    );
  });

  it("differs between seeds", () => {
    expect(generateTopology({ seed: 1 })).not.toEqual(generateTopology({ seed: 2, name: "bench-1" }));
  });

  it.each([
    { seed: 1, partitions: 100, services: 200, regions: 25, depth: 4 },
    { seed: 2, partitions: 1000, services: 200, regions: 25, depth: 4 },
    { seed: 3, partitions: 10_000, services: 200, regions: 25, depth: 4 },
    { seed: 4, partitions: 37, services: 13, regions: 7, depth: 6, replicas: 3 },
    { seed: 5, partitions: 5, services: 3, regions: 1, depth: 3, replicas: 1 },
    { seed: 6, partitions: 2000, services: 60, regions: 32, depth: 2, replicas: 7 },
  ])(
    "has the requested size and validates: $partitions partitions, $services services, $regions regions, depth $depth",
    (options) => {
      const topology = generateTopology(options);
      const replicas = options.replicas ?? 5;
      const services = topology.services ?? {};
      const datastores = Object.values(topology.datastores ?? {});

      expect(totalPartitions(topology)).toBe(options.partitions);
      expect(Object.keys(services)).toHaveLength(options.services);
      expect(datastores.every((d) => d.replicas === replicas)).toBe(true);
      for (const d of datastores) {
        const placement = d.placement as Record<string, number>;
        expect(Object.values(placement).reduce((a, b) => a + b, 0)).toBe(replicas);
      }
      expect(Object.keys(topology.users ?? {}).sort()).toEqual(
        REGIONS_BY_AGE.slice(0, options.regions).sort(),
      );
      expect(callDepth(services)).toBe(Math.min(options.depth, options.services));

      const result = validateTopology(topology);
      expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(result.ok).toBe(true);
    },
  );

  it("uses every replication model and both deploy targets at scale", () => {
    const datastores = Object.values(generateTopology({ seed: 11 }).datastores ?? {});
    expect(new Set(datastores.map((d) => d.replication))).toEqual(
      new Set(["consensus", "primary-replica", "multi-leader", "leaderless"]),
    );
    expect(new Set(datastores.map((d) => d.deploy?.target))).toEqual(new Set(["kubernetes", "aws"]));
  });

  it("only names catalog regions, in launch order", () => {
    const catalog = new Set(AWS_REGIONS.map((r) => r.code));
    expect(REGIONS_BY_AGE).toHaveLength(catalog.size);
    expect(new Set(REGIONS_BY_AGE)).toEqual(catalog);
  });

  it("rejects impossible sizes", () => {
    expect(() => generateTopology({ seed: 1, regions: 33 })).toThrow(RangeError);
    expect(() => generateTopology({ seed: 1, partitions: 0 })).toThrow(RangeError);
  });
});
