import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { atLeast, type FailureProbabilities } from "../../src/analysis/availability.js";
import { type AvailabilityUnit, deploymentUnit, jointAvailability } from "../../src/analysis/joint.js";

/**
 * jointAvailability looks a unit's value up again only when a level it reads changed, shares memos
 * across calls and evaluates deployments on the state arrays (issue #15, fourth pass). The
 * reference below is the plain enumeration those replace: every unit's `given` through a view at
 * every state, products in unit order, states depth first. The two must agree to the last bit.
 */
const REGIONS = ["r-a", "r-b", "r-c", "r-d"] as const;
const ZONES: Record<string, readonly string[]> = Object.fromEntries(
  REGIONS.map((r) => [r, [`${r}1`, `${r}2`, `${r}3`]]),
);
/** The same, with one zone name two regions share (a custom catalog may do that). */
const OVERLAPPING: Record<string, readonly string[]> = { ...ZONES, "r-c": ["r-a1", "r-c2", "r-c3"] };

function reference(
  units: readonly AvailabilityUnit[],
  base: FailureProbabilities,
  domains: readonly { region: string; zones: readonly string[] }[],
): number {
  const regionState = new Map<string, number>();
  const zoneState = new Map<string, number>();
  const view: FailureProbabilities = {
    regionDownProbability: (r) => regionState.get(r) ?? base.regionDownProbability(r),
    zoneDownProbability: (z) => zoneState.get(z) ?? base.zoneDownProbability(z),
  };
  let total = 0;
  const descend = (d: number, p: number): void => {
    if (d === domains.length) {
      let q = p;
      for (const unit of units) {
        q *= unit.given(view);
        if (q === 0) break;
      }
      total += q;
      return;
    }
    const { region, zones } = domains[d]!;
    const pr = base.regionDownProbability(region);
    if (pr > 0) {
      regionState.set(region, 1);
      descend(d + 1, p * pr);
    }
    if (pr < 1) {
      regionState.set(region, 0);
      const before = zones.map((z) => zoneState.get(z));
      for (let mask = 0; mask < 1 << zones.length; mask++) {
        let q = p * (1 - pr);
        zones.forEach((z, i) => {
          const down = (mask >> i) & 1;
          q *= down ? base.zoneDownProbability(z) : 1 - base.zoneDownProbability(z);
          zoneState.set(z, down);
        });
        if (q > 0) descend(d + 1, q);
      }
      zones.forEach((z, i) => {
        const was = before[i];
        if (was === undefined) zoneState.delete(z);
        else zoneState.set(z, was);
      });
    }
    regionState.delete(region);
  };
  descend(0, 1);
  return total;
}

/** The shared domains jointAvailability enumerates exactly (what it does before enumerating). */
function sharedDomains(units: readonly AvailabilityUnit[]) {
  const count = new Map<string, number>();
  for (const u of units) for (const r of u.domains.keys()) count.set(r, (count.get(r) ?? 0) + 1);
  return [...count.keys()]
    .filter((r) => count.get(r)! >= 2)
    .sort()
    .map((region) => {
      const zones = new Set<string>();
      for (const u of units) for (const z of u.domains.get(region) ?? []) zones.add(z);
      return { region, zones: [...zones].sort().slice(0, 8) };
    });
}

const arbUnitSpec = fc.record({
  kind: fc.constantFrom("deployment", "quorum"),
  regions: fc.subarray([...REGIONS], { minLength: 1, maxLength: 3 }),
  zoneMask: fc.integer({ min: 1, max: 7 }),
  needed: fc.integer({ min: 1, max: 4 }),
});

const arbCase = fc.record({
  units: fc.array(arbUnitSpec, { minLength: 1, maxLength: 6 }),
  pr: fc.array(fc.double({ min: 0, max: 0.3, noNaN: true }), { minLength: 4, maxLength: 4 }),
  pz: fc.double({ min: 0, max: 0.3, noNaN: true }),
  shareMemos: fc.boolean(),
  overlap: fc.boolean(),
});

type UnitSpec = { kind: "deployment" | "quorum"; regions: string[]; zoneMask: number; needed: number };

function build(spec: UnitSpec, i: number, memo: boolean, overlap: boolean): AvailabilityUnit {
  const zones = overlap ? OVERLAPPING : ZONES;
  const zonesOf = (r: string) => zones[r]!.filter((_, z) => (spec.zoneMask >> z) & 1);
  if (spec.kind === "deployment") {
    const unit = deploymentUnit(`u${i}`, spec.regions, zonesOf);
    return memo ? { ...unit, memo: new Map() } : unit;
  }
  const slots = spec.regions.flatMap((region) => zonesOf(region).map((zone) => ({ region, zone })));
  return {
    key: `u${i}`,
    domains: new Map(spec.regions.map((r) => [r, zonesOf(r)])),
    given: (view) => atLeast(slots, Math.min(spec.needed, slots.length), view),
    ...(memo ? { memo: new Map<string | number, number>() } : {}),
  };
}

describe("joint availability, incremental look-ups", () => {
  it("equals the plain enumeration to the last bit, with and without shared memos, called twice", () => {
    let overlapping = 0;
    fc.assert(
      fc.property(arbCase, ({ units: specs, pr, pz, shareMemos, overlap }) => {
        const base: FailureProbabilities = {
          regionDownProbability: (r) => pr[REGIONS.indexOf(r as (typeof REGIONS)[number])] ?? 0,
          zoneDownProbability: () => pz,
        };
        const units = specs.map((s, i) => build(s, i, shareMemos, overlap));
        const domains = sharedDomains(units);
        const zoneStates = domains.reduce((n, d) => n * (1 + 2 ** d.zones.length), 1);
        // Only the exact enumeration is compared (the fallbacks are the same code as before).
        fc.pre(domains.length > 0 && zoneStates <= 256);
        if (overlap && domains.filter((d) => d.zones.includes("r-a1")).length > 1) overlapping++;
        const expected = reference(units, base, domains);
        expect(jointAvailability(units, base)).toBe(expected);
        // Again with the memos filled by the first call (and, reversed, with other units first).
        expect(jointAvailability(units, base)).toBe(expected);
        const reversed = [...units].reverse();
        expect(jointAvailability(reversed, base)).toBe(reference(reversed, base, domains));
      }),
      { numRuns: 400 },
    );
    // The shared zone name was enumerated by two regions in some cases.
    expect(overlapping).toBeGreaterThan(0);
  });
});
