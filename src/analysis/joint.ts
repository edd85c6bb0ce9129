import { deploymentAvailability, type FailureProbabilities } from "./availability.js";

/**
 * One thing a request needs to be up: a service's own deployment, a datastore (for its op) or a
 * stream. `given` recomputes its availability under other failure probabilities.
 */
export interface AvailabilityUnit {
  readonly key: string;
  /** Regions whose failures it depends on, with the zones it uses there. */
  readonly domains: ReadonlyMap<string, readonly string[]>;
  given(view: FailureProbabilities): number;
  /**
   * Conditional availabilities already computed, keyed by the fixed states of the domains the unit
   * touches; share one map per component across services (the same store under the same states).
   */
  readonly memo?: Map<string, number>;
}

/** Largest number of joint failure states enumerated exactly (region × zone states of shared regions). */
export const JOINT_STATE_BUDGET = 256;

/**
 * P(every unit is up), enumerated jointly over the failure domains two or more units share
 * (a region down, or up with each subset of the zones the units use there); given those, the units
 * are independent and their conditional availabilities multiply. Exact when the shared states fit
 * JOINT_STATE_BUDGET; otherwise shared regions are enumerated up/down only (zones independent);
 * beyond that the Fréchet lower bound 1 − Σ(1 − aᵢ), which holds whatever the correlation — so the
 * figure never claims more than its inputs support. Units sharing nothing multiply (exact).
 */
export function jointAvailability(units: readonly AvailabilityUnit[], base: FailureProbabilities): number {
  if (units.length === 0) return 1;
  const users = new Map<string, Set<string>>();
  for (const unit of units)
    for (const [region, zones] of unit.domains) {
      const set = users.get(region) ?? new Set<string>();
      for (const z of zones) set.add(z);
      users.set(region, set);
    }
  const shared = [...users.keys()]
    .filter((region) => units.filter((u) => u.domains.has(region)).length >= 2)
    .sort();
  if (shared.length === 0) return units.reduce((p, u) => p * u.given(base), 1);

  const withZones = shared.map((region) => ({ region, zones: [...users.get(region)!].sort().slice(0, 8) }));
  const zoneStates = withZones.reduce((n, r) => n * (1 + 2 ** r.zones.length), 1);
  if (zoneStates <= JOINT_STATE_BUDGET) return enumerate(units, base, withZones);
  if (2 ** shared.length <= JOINT_STATE_BUDGET)
    return enumerate(
      units,
      base,
      shared.map((region) => ({ region, zones: [] })),
    );
  return Math.max(0, 1 - units.reduce((sum, u) => sum + (1 - u.given(base)), 0));
}

interface State {
  p: number;
  regions: Map<string, number>;
  zones: Map<string, number>;
}

function enumerate(
  units: readonly AvailabilityUnit[],
  base: FailureProbabilities,
  domains: readonly { region: string; zones: readonly string[] }[],
): number {
  let states: State[] = [{ p: 1, regions: new Map(), zones: new Map() }];
  for (const { region, zones } of domains) {
    const pr = base.regionDownProbability(region);
    const next: State[] = [];
    for (const s of states) {
      if (pr > 0) {
        const regions = new Map(s.regions).set(region, 1);
        next.push({ p: s.p * pr, regions, zones: s.zones });
      }
      if (pr < 1)
        for (let mask = 0; mask < 1 << zones.length; mask++) {
          let p = s.p * (1 - pr);
          const zoneMap = new Map(s.zones);
          zones.forEach((zone, i) => {
            const pz = base.zoneDownProbability(zone);
            const down = (mask >> i) & 1;
            p *= down ? pz : 1 - pz;
            zoneMap.set(zone, down);
          });
          if (p > 0) next.push({ p, regions: new Map(s.regions).set(region, 0), zones: zoneMap });
        }
    }
    states = next;
  }
  // A unit's conditional availability depends only on the shared domains it touches: memoise it
  // per unit on that part of the state (most states differ only elsewhere).
  const touched = units.map((unit) => {
    const regions = domains.filter((d) => unit.domains.has(d.region));
    return { unit, regions, memo: unit.memo ?? new Map<string, number>() };
  });
  let total = 0;
  for (const state of states) {
    const view: FailureProbabilities = {
      regionDownProbability: (r) => state.regions.get(r) ?? base.regionDownProbability(r),
      zoneDownProbability: (z) => state.zones.get(z) ?? base.zoneDownProbability(z),
    };
    let p = state.p;
    for (const { unit, regions, memo } of touched) {
      let key = "";
      for (const d of regions) {
        key += `${d.region}:${state.regions.get(d.region)}`;
        for (const z of d.zones)
          if (unit.domains.get(d.region)?.includes(z)) key += `${z}=${state.zones.get(z)}`;
        key += "|";
      }
      let a = memo.get(key);
      if (a === undefined) {
        a = unit.given(view);
        memo.set(key, a);
      }
      p *= a;
      if (p === 0) break;
    }
    total += p;
  }
  return total;
}

/** A stateless deployment as a unit: serves while any region does (one of its zones up). */
export function deploymentUnit(
  key: string,
  regions: readonly string[],
  zonesOf: (region: string) => readonly string[],
): AvailabilityUnit {
  return {
    key,
    domains: new Map(regions.map((r) => [r, zonesOf(r)])),
    given: (view) => deploymentAvailability(regions, zonesOf, view),
  };
}
