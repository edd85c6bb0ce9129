import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runPolicies } from "../../policies/run.js";
import { analyse } from "../../src/analysis/index.js";
import { resolveModel } from "../../src/model/resolve.js";
import { type SolveOptions, solve } from "../../src/solve/solve.js";
import type { PlacementFigures } from "../../src/solve/types.js";
import { shop } from "./helpers.js";

const REGIONS = ["eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "us-east-1"];

/** A random store: model, replicas, goal and objectives drawn from realistic ranges. */
const arbStore = fc.record({
  replication: fc.constantFrom("consensus", "primary-replica", "leaderless", "multi-leader"),
  consistency: fc.constantFrom("strong", "bounded-staleness", "eventual"),
  replicas: fc.constantFrom(3, 5),
  survive: fc.constantFrom("zone", "region"),
  writeP99Ms: fc.integer({ min: 5, max: 200 }),
  readP99Ms: fc.integer({ min: 3, max: 120 }),
  availability: fc.constantFrom(0.999, 0.9999, 0.99999),
});

type Store = typeof arbStore extends fc.Arbitrary<infer T> ? T : never;

const spec = (s: Store) => ({
  replication: s.replication,
  // Multi-leader stores cannot be strong (the spec rejects it).
  consistency: s.replication === "multi-leader" ? "eventual" : s.consistency,
  ...(s.replication === "primary-replica" ? { sync: "semi-sync" } : {}),
  replicas: s.replicas,
  survive: s.survive,
  slo: { writeP99Ms: s.writeP99Ms, readP99Ms: s.readP99Ms, availability: s.availability },
});

const errors = (model: ReturnType<typeof shop>, chosen: Pick<PlacementFigures, "placement" | "leader">) => {
  const resolved = resolveModel(model.topology, model.catalog, { orders: chosen });
  return runPolicies(resolved, analyse(resolved)).findings.filter(
    (f) => f.severity === "error" && (f.status ?? "fail") === "fail",
  );
};

describe("solve properties", () => {
  it("the chosen placement passes check at error level", () => {
    let solved = 0;
    fc.assert(
      fc.property(arbStore, (s) => {
        const model = shop(spec(s));
        const solution = solve(model, { regions: REGIONS, top: 0, explain: false }).datastores[0]!;
        if (solution.chosen === undefined) return;
        solved++;
        expect(errors(model, solution.chosen)).toEqual([]);
      }),
      { numRuns: 25, seed: 17 },
    );
    // Not vacuous: most random problems have a solution.
    expect(solved).toBeGreaterThanOrEqual(8);
  });

  it("a binding constraint buys strictly better figures, never a placement that only ties", () => {
    let bindings = 0;
    fc.assert(
      fc.property(arbStore, (s) => {
        const solution = solve(shop(spec(s)), { regions: REGIONS, top: 0 }).datastores[0]!;
        const chosen = solution.chosen;
        if (chosen === undefined) return;
        for (const b of solution.binding) {
          if (b.without === undefined) continue;
          bindings++;
          const cost = Math.round(b.without.costUsdPerMonth * 100) - Math.round(chosen.costUsdPerMonth * 100);
          const latency = Math.round(b.without.latencyMs * 100) - Math.round(chosen.latencyMs * 100);
          // The default objective is cost, then latency.
          expect(cost < 0 || (cost === 0 && latency < 0)).toBe(true);
        }
      }),
      { numRuns: 25, seed: 17 },
    );
    expect(bindings).toBeGreaterThanOrEqual(3);
  });

  it("tightening an objective never lowers the cost found (and never makes an infeasible problem feasible)", () => {
    let compared = 0;
    fc.assert(
      fc.property(
        arbStore,
        fc.constantFrom("writeP99Ms", "readP99Ms"),
        fc.double({ min: 0.3, max: 1, noNaN: true }),
        (s, objective, factor) => {
          const loose = solve(shop(spec(s)), { regions: REGIONS, top: 0, explain: false }).datastores[0]!;
          const tightened = { ...s, [objective]: Math.max(1, Math.floor(s[objective] * factor)) };
          const tight = solve(shop(spec(tightened)), { regions: REGIONS, top: 0, explain: false })
            .datastores[0]!;
          if (loose.chosen === undefined) {
            expect(tight.chosen).toBeUndefined();
            return;
          }
          if (tight.chosen === undefined) return;
          compared++;
          expect(Math.round(tight.chosen.costUsdPerMonth * 100)).toBeGreaterThanOrEqual(
            Math.round(loose.chosen.costUsdPerMonth * 100),
          );
          // With equal cost, the tie-break (latency) cannot improve either.
          if (
            Math.round(tight.chosen.costUsdPerMonth * 100) === Math.round(loose.chosen.costUsdPerMonth * 100)
          )
            expect(Math.round(tight.chosen.latencyMs * 100)).toBeGreaterThanOrEqual(
              Math.round(loose.chosen.latencyMs * 100),
            );
        },
      ),
      { numRuns: 25, seed: 17 },
    );
    expect(compared).toBeGreaterThanOrEqual(5);
  });

  it("with roles or a searched count too: the choice passes check, tightening never lowers the cost", () => {
    const regions = REGIONS.slice(0, 4);
    const withRoles = fc.record({
      store: arbStore,
      // Roles, or a searched count — both at once grows the space past a test's budget.
      space: fc.constantFrom<SolveOptions[]>({ roles: "all" }, { replicas: { min: 3, max: 5 } }),
      factor: fc.double({ min: 0.3, max: 1, noNaN: true }),
    });
    let solved = 0;
    fc.assert(
      fc.property(withRoles, ({ store, space, factor }) => {
        const run = (s: Store) =>
          solve(shop({ ...spec(s), deploy: { target: "external" } }), {
            regions,
            top: 0,
            explain: false,
            ...space,
          }).datastores[0]!;
        const loose = run(store);
        const tight = run({ ...store, writeP99Ms: Math.max(1, Math.floor(store.writeP99Ms * factor)) });
        if (loose.chosen === undefined) {
          expect(tight.chosen).toBeUndefined();
          return;
        }
        solved++;
        expect(errors(shop({ ...spec(store), deploy: { target: "external" } }), loose.chosen)).toEqual([]);
        if (tight.chosen === undefined) return;
        expect(Math.round(tight.chosen.costUsdPerMonth * 100)).toBeGreaterThanOrEqual(
          Math.round(loose.chosen.costUsdPerMonth * 100),
        );
      }),
      { numRuns: 10, seed: 17 },
    );
    expect(solved).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
