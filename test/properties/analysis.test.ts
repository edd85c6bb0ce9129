import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyse, compareAnalyses } from "../../src/analysis/index.js";
import { buildCatalog, type Catalog } from "../../src/catalog/catalog.js";
import { resolveModel } from "../../src/model/resolve.js";
import { Topology, type TopologyInput } from "../../src/spec/schema/topology.js";
import globalKv from "../../stacks/global-kv.js";
import serviceMesh from "../../stacks/service-mesh.js";
import streaming from "../../stacks/streaming.js";

const REGIONS = ["eu-west-1", "eu-central-1", "eu-north-1", "us-east-1", "ap-northeast-1"] as const;
const MODELS = ["consensus", "primary-replica", "multi-leader", "leaderless"] as const;

/** A random datastore topology: 1–4 regions of REGIONS with 1–3 replicas each. */
const arbTopology = fc
  .record({
    counts: fc.array(fc.integer({ min: 0, max: 3 }), {
      minLength: REGIONS.length,
      maxLength: REGIONS.length,
    }),
    replication: fc.constantFrom(...MODELS),
    sync: fc.constantFrom("sync", "semi-sync", "async"),
    consistency: fc.constantFrom("strong", "bounded-staleness", "eventual"),
    pz: fc.double({ min: 1e-6, max: 0.2, noNaN: true }),
    pr: fc.double({ min: 1e-6, max: 0.2, noNaN: true }),
    partitions: fc.integer({ min: 1, max: 8 }),
  })
  .filter(({ counts }) => counts.some((c) => c > 0))
  .map(({ counts, replication, sync, consistency, pz, pr, partitions }): TopologyInput => {
    const placement = Object.fromEntries(
      REGIONS.flatMap((r, i) => ((counts[i] ?? 0) > 0 ? [[r, counts[i]!]] : [])),
    );
    const replicas = Object.values(placement).reduce((a, b) => a + b, 0);
    return {
      name: "p",
      users: { "eu-west-1": 0.5, "us-east-1": 0.3, "ap-northeast-1": 0.2 },
      model: { zoneFailureProbability: pz, regionFailureProbability: pr },
      datastores: {
        d: {
          replication,
          ...(replication === "multi-leader" ? {} : { consistency }),
          ...(replication === "primary-replica" ? { sync } : {}),
          replicas,
          placement,
          partitions: { count: partitions },
          traffic: { writesPerSec: 100, readsPerSec: 100, itemBytes: 1000 },
        },
      },
      services: {
        api: {
          regions: ["eu-west-1", "us-east-1"],
          calls: [{ to: "d", op: "write", timeoutMs: 500, retries: 1 }],
        },
      },
    };
  });

const model = (spec: TopologyInput, catalog?: Catalog) => {
  const topology = Topology.parse(spec);
  return resolveModel(topology, catalog ?? buildCatalog(topology));
};

/** The shipped catalog with every inter-region RTT multiplied by `factor`. */
const scaled = (base: Catalog, factor: number): Catalog => ({
  ...base,
  rttMs: (a, b) => {
    const value = base.rttMs(a, b);
    return value === undefined ? undefined : value * factor;
  },
});

describe("analysis properties", () => {
  it("what-if with no failures equals the baseline, and nothing changes", () => {
    fc.assert(
      fc.property(arbTopology, (spec) => {
        const m = model(spec);
        const baseline = analyse(m);
        expect(analyse(m, [])).toEqual(baseline);
        expect(compareAnalyses(baseline, analyse(m, []))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("output is JSON-serialisable and deterministic", () => {
    fc.assert(
      fc.property(arbTopology, (spec) => {
        const a = analyse(model(spec));
        expect(JSON.parse(JSON.stringify(a))).toEqual(a);
        expect(JSON.stringify(analyse(model(spec)))).toBe(JSON.stringify(a));
      }),
      { numRuns: 40 },
    );
  });

  it("region survival implies zone survival (a zone lies inside a region)", () => {
    fc.assert(
      fc.property(arbTopology, (spec) => {
        for (const ds of analyse(model(spec)).datastores)
          if (ds.survival.region.survives) expect(ds.survival.zone.survives).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("availability is a probability", () => {
    fc.assert(
      fc.property(arbTopology, (spec) => {
        const a = analyse(model(spec));
        for (const ds of a.datastores)
          for (const p of [ds.availability.write, ds.availability.read]) {
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1);
          }
        for (const s of a.services) {
          expect(s.availability).toBeGreaterThanOrEqual(0);
          expect(s.availability).toBeLessThanOrEqual(s.ownAvailability);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("with a fixed quorum (leaderless W/R), adding a replica in a region already used never lowers availability", () => {
    // Not true for consensus, whose majority grows with n (see availability-survival.test.ts).
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        (counts, grow, w) => {
          const spec = (cs: number[]): TopologyInput => ({
            name: "m",
            datastores: {
              d: {
                replication: "leaderless",
                replicas: cs.reduce((a, b) => a + b, 0),
                placement: { "eu-west-1": cs[0]!, "eu-central-1": cs[1]!, "eu-north-1": cs[2]! },
                quorum: { write: w, read: 1 },
              },
            },
          });
          const bigger = counts.map((c, i) => (i === grow ? c + 1 : c));
          const before = analyse(model(spec(counts))).datastores[0]!.availability;
          const after = analyse(model(spec(bigger))).datastores[0]!.availability;
          expect(after.write).toBeGreaterThanOrEqual(before.write - 1e-15);
          expect(after.read).toBeGreaterThanOrEqual(before.read - 1e-15);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("latency never decreases when every inter-region RTT grows (uniform factor ≥ 1)", () => {
    const specs = [globalKv, serviceMesh, streaming].map((s) => s as TopologyInput);
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...specs), arbTopology),
        fc.double({ min: 1, max: 4, noNaN: true }),
        (spec, factor) => {
          const topology = Topology.parse(spec);
          const base = buildCatalog(topology);
          const before = analyse(resolveModel(topology, base));
          const after = analyse(resolveModel(topology, scaled(base, factor)));
          const pairs = <T>(xs: readonly T[], ys: readonly T[]) => xs.map((x, i) => [x, ys[i]!] as const);
          const profiles = (a: typeof before) => [
            ...a.datastores.flatMap((d) => [d.write, d.read]),
            ...a.services.map((s) => s.latency),
            ...a.streams.map((s) => s.produce),
          ];
          for (const [p, q] of pairs(profiles(before), profiles(after)))
            for (const [o, r] of pairs(p.byOrigin, q.byOrigin)) {
              expect(r.p50Ms).toBeGreaterThanOrEqual(o.p50Ms - 1e-9);
              expect(r.p99Ms).toBeGreaterThanOrEqual(o.p99Ms - 1e-9);
            }
          // An unavailable stream (no figure) is worse than any latency.
          for (const [s, t] of pairs(before.streams, after.streams))
            if (t.endToEndP99Ms !== undefined)
              expect(t.endToEndP99Ms).toBeGreaterThanOrEqual(
                (s.endToEndP99Ms ?? Number.POSITIVE_INFINITY) - 1e-9,
              );
        },
      ),
      { numRuns: 40 },
    );
  });
});
