import { deploymentAvailability, type FailureProbabilities } from "./availability.js";
import { type DeploymentShape, deploymentOnStates } from "./joint-deployment.js";

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
  readonly memo?: Map<string | number, number>;
  /** Set for a stateless deployment: `given` is deploymentAvailability over this shape. */
  readonly deployment?: DeploymentShape;
}

/** Largest number of joint failure states enumerated exactly (region × zone states of shared regions). */
export const JOINT_STATE_BUDGET = 256;

/**
 * Which units a request needs, by index into the units: `units` by every request reaching this
 * node, and per branch the share of those requests that make a call (`callsPerRequest` below 1)
 * and what that call needs besides.
 */
export interface RequestShape {
  readonly units: readonly number[];
  /** `times`: calls of this kind each request draws (each made with probability `share`). */
  readonly branches: readonly {
    readonly share: number;
    readonly times: number;
    readonly shape: RequestShape;
  }[];
  /** At the root: units on more than one branch (one component, up or down for all of them). */
  readonly repeated?: readonly number[];
}

/** Units on several branches conditioned on exactly, at most (2^n evaluations of the tree). */
const MAX_REPEATED = 6;

/**
 * The share of requests served, each unit up with probability `values[i]`, independently: the
 * units every request needs, times per branch 1 − s + s × what the branch's requests need —
 * exact when each unit appears once. A unit on several branches is one component: the tree is
 * evaluated with each such unit up and down, weighted by its probability. Past MAX_REPEATED of
 * them, the larger of the tree (each appearance counted on its own) and every unit up, both lower
 * bounds of the share (the events are positively correlated: Harris's inequality).
 */
function servedShare(shape: RequestShape, values: Float64Array | number[]): number {
  const repeated = shape.repeated ?? [];
  if (repeated.length === 0) return treeShare(shape, values);
  if (repeated.length > MAX_REPEATED) {
    let every = 1;
    for (let i = 0; i < values.length; i++) every *= values[i]!;
    return Math.max(every, treeShare(shape, values));
  }
  const kept = repeated.map((i) => values[i]!);
  let served = 0;
  for (let mask = 0; mask < 1 << repeated.length; mask++) {
    let p = 1;
    for (let k = 0; k < repeated.length; k++) {
      const up = (mask >> k) & 1;
      p *= up ? kept[k]! : 1 - kept[k]!;
      values[repeated[k]!] = up;
    }
    if (p > 0) served += p * treeShare(shape, values);
  }
  repeated.forEach((i, k) => {
    values[i] = kept[k]!;
  });
  return served;
}

function treeShare(shape: RequestShape, values: ArrayLike<number>): number {
  let served = 1;
  for (const i of shape.units) served *= values[i]!;
  for (const { share, times, shape: below } of shape.branches) {
    const branch = 1 - share + share * treeShare(below, values);
    served *= times === 1 ? branch : branch ** times;
  }
  return served;
}

/**
 * The share of requests served: P(every unit is up) when every request needs every unit; with
 * `request`, a unit that only some requests need (a call some of them make) fails only those
 * (the calls made independently; a unit needed on several branches is one component, up or down
 * for all of them). Enumerated jointly over the failure domains two or more units share
 * (a region down, or up with each subset of the zones the units use there); given those, the units
 * are independent and their conditional availabilities multiply. Exact when the shared states fit
 * JOINT_STATE_BUDGET; otherwise shared regions are enumerated up/down only (zones independent);
 * beyond that the Fréchet lower bound 1 − Σ sᵢ(1 − aᵢ) (sᵢ at least the share of requests needing
 * unit i, 1 without `shares`), which holds whatever the correlation — so the
 * figure never claims more than its inputs support. Units sharing nothing multiply (exact).
 */
export function jointAvailability(
  units: readonly AvailabilityUnit[],
  base: FailureProbabilities,
  request?: RequestShape,
  /** Per unit, the share of requests needing it (at most): for the bound below. */
  shares?: readonly number[],
): number {
  if (units.length === 0) return 1;
  // Units per region, counted as they are met (not one pass over the units per region).
  const count = new Map<string, number>();
  for (const unit of units)
    for (const region of unit.domains.keys()) count.set(region, (count.get(region) ?? 0) + 1);
  const shared = [...count.keys()].filter((region) => count.get(region)! >= 2).sort();
  if (shared.length === 0)
    return request === undefined
      ? units.reduce((p, u) => p * alone(u, base), 1)
      : servedShare(
          request,
          units.map((u) => alone(u, base)),
        );

  // Zone sets only for the shared regions (most regions of most services are not shared).
  const withZones = shared.map((region) => ({ region, zones: sharedZones(units, region) }));
  const zoneStates = withZones.reduce((n, r) => n * (1 + 2 ** r.zones.length), 1);
  if (zoneStates <= JOINT_STATE_BUDGET) return enumerate(units, base, withZones, request);
  if (2 ** shared.length <= JOINT_STATE_BUDGET)
    return enumerate(
      units,
      base,
      shared.map((region) => ({ region, zones: [] })),
      request,
    );
  // A request fails when a unit it needs is down: at most the sum over units of their shares.
  return Math.max(0, 1 - units.reduce((sum, u, i) => sum + (shares?.[i] ?? 1) * (1 - alone(u, base)), 0));
}

/** The zones the units use in a shared region, sorted, at most 8 (2⁸ zone states). */
function sharedZones(units: readonly AvailabilityUnit[], region: string): string[] {
  const zones = new Set<string>();
  for (const unit of units) for (const zone of unit.domains.get(region) ?? []) zones.add(zone);
  return [...zones].sort().slice(0, 8);
}

/**
 * A unit's availability with no domain fixed, memoised under the empty key: what `enumerate` stores
 * for a unit touching none of the shared domains (its view then reads the base probabilities).
 */
function alone(unit: AvailabilityUnit, base: FailureProbabilities): number {
  if (unit.memo === undefined) return unit.given(base);
  // Nothing fixed: code 0 in the numeric key, "" in the text one (see unitCode).
  const empty = codeDigits(unit) <= MAX_CODE_DIGITS ? 0 : "";
  let a = unit.memo.get(empty);
  if (a === undefined) {
    a = unit.given(base);
    unit.memo.set(empty, a);
  }
  return a;
}

/** Radix-3 digits a unit's local state code may have before it stops being an exact integer. */
const MAX_CODE_DIGITS = 30;

function enumerate(
  units: readonly AvailabilityUnit[],
  base: FailureProbabilities,
  domains: readonly { region: string; zones: readonly string[] }[],
  request: RequestShape | undefined,
): number {
  // States as typed arrays indexed by domain and zone slot (per domain: 1 down, 0 up; per zone
  // slot: 1 down, 0 up, −1 not fixed, its region down: the base probability applies) rather than
  // maps: this function runs once per service (issue #15). Products are taken in the same order
  // as ever, so the figures are unchanged to the last bit.
  const regionSlot = new Map(domains.map((d, i) => [d.region, i]));
  const zoneSlot = new Map<string, number>();
  // The last level (domain index) that sets each zone slot (a zone name two regions share is one slot).
  const zoneLevel: number[] = [];
  domains.forEach((d, level) => {
    for (const z of d.zones) {
      const slot = zoneSlot.get(z);
      if (slot === undefined) {
        zoneSlot.set(z, zoneSlot.size);
        zoneLevel.push(level);
      } else zoneLevel[slot] = level;
    }
  });
  // A unit's conditional availability depends only on the states of its own domains: memoise it
  // per unit on a radix-3 code over all of them (0 not fixed, 1 up, 2 down; a domain not
  // enumerated here is never fixed), which is the same number in every enumeration, so the map
  // shared across services (`memo`) takes it directly. Units with too many domains for an exact
  // integer fall back to a text key of the same states.
  const touched = units.map((unit) => {
    const regionSlots: number[] = [];
    const regionWeights: number[] = [];
    const zoneSlots: number[] = [];
    const zoneWeights: number[] = [];
    const digits = codeDigits(unit);
    let weight = 1;
    let lastLevel = -1;
    for (const [region, zones] of unit.domains) {
      const slot = regionSlot.get(region);
      if (slot !== undefined) {
        regionSlots.push(slot);
        regionWeights.push(weight);
        lastLevel = Math.max(lastLevel, slot);
      }
      weight *= 3;
      for (const zone of zones) {
        const z = zoneSlot.get(zone);
        if (z !== undefined) {
          zoneSlots.push(z);
          zoneWeights.push(weight);
          lastLevel = Math.max(lastLevel, zoneLevel[z]!);
        }
        weight *= 3;
      }
    }
    return {
      unit,
      // Made at the first look-up that misses the memo (most units are found there).
      onStates: undefined as ((regions: Int8Array, zones: Int8Array) => number) | undefined,
      lastLevel,
      numeric: digits <= MAX_CODE_DIGITS,
      regionSlots,
      regionWeights,
      zoneSlots,
      zoneWeights,
      memo: unit.memo ?? new Map<string | number, number>(),
    };
  });
  // The joint states, depth first over the domains in order: the same states in the same order,
  // with the same products, as expanding them domain by domain, but written into one pair of
  // arrays instead of two new arrays per state (hundreds of thousands at 20,000 services).
  const regions = new Int8Array(domains.length);
  const zones = new Int8Array(zoneSlot.size).fill(-1);
  const view: FailureProbabilities = {
    regionDownProbability: (r) => {
      const slot = regionSlot.get(r);
      return slot === undefined ? base.regionDownProbability(r) : regions[slot]!;
    },
    zoneDownProbability: (z) => {
      const slot = zoneSlot.get(z);
      const fixed = slot === undefined ? -1 : zones[slot]!;
      return fixed < 0 ? base.zoneDownProbability(z) : fixed;
    },
  };
  const levels = domains.map(({ region, zones: names }) => ({
    pr: base.regionDownProbability(region),
    slots: names.map((z) => zoneSlot.get(z)!),
    pz: names.map((z) => base.zoneDownProbability(z)),
    // What the zone slots held before this level set them, restored after (one array per level).
    saved: new Int8Array(names.length),
  }));
  // A unit's value only changes when a level it reads (at most its `lastLevel`) takes a new state:
  // each state a level takes gets a fresh stamp, and a unit's value is looked up again only when
  // the stamp of its last level differs from the one it was looked up under. Still looked up
  // lazily, at the leaf, in unit order (so `given` runs for no state it did not run for before).
  const stamps = new Float64Array(levels.length);
  let nextStamp = 0;
  const valueStamps = new Float64Array(touched.length).fill(-1);
  const values = new Float64Array(touched.length);
  const lookUp = (t: (typeof touched)[number]): number => {
    let key: string | number;
    if (t.numeric) {
      let code = 0;
      for (let i = 0; i < t.regionSlots.length; i++)
        code += (regions[t.regionSlots[i]!]! + 1) * t.regionWeights[i]!;
      for (let i = 0; i < t.zoneSlots.length; i++) code += (zones[t.zoneSlots[i]!]! + 1) * t.zoneWeights[i]!;
      key = code;
    } else key = textKey(t.unit, regions, zones, regionSlot, zoneSlot);
    let a = t.memo.get(key);
    if (a === undefined) {
      const { deployment } = t.unit;
      if (deployment === undefined) a = t.unit.given(view);
      else {
        t.onStates ??= deploymentOnStates(deployment, regionSlot, zoneSlot, base);
        a = t.onStates(regions, zones);
      }
      t.memo.set(key, a);
    }
    return a;
  };
  let total = 0;
  const leaf = (stateP: number) => {
    let p = stateP;
    for (let i = 0; i < touched.length; i++) {
      const t = touched[i]!;
      const stamp = t.lastLevel < 0 ? 0 : stamps[t.lastLevel]!;
      if (valueStamps[i] !== stamp) {
        values[i] = lookUp(t);
        valueStamps[i] = stamp;
      }
      if (request !== undefined) continue;
      p *= values[i]!;
      if (p === 0) break;
    }
    total += request === undefined ? p : p * servedShare(request, values);
  };
  const descend = (d: number, stateP: number): void => {
    if (d === levels.length) {
      leaf(stateP);
      return;
    }
    const { pr, slots, pz, saved } = levels[d]!;
    if (pr > 0) {
      // Region down: its zones keep what the states above fixed (not fixed: base probabilities).
      regions[d] = 1;
      stamps[d] = ++nextStamp;
      descend(d + 1, stateP * pr);
      regions[d] = 0;
    }
    if (pr < 1) {
      for (let i = 0; i < slots.length; i++) saved[i] = zones[slots[i]!]!;
      for (let mask = 0; mask < 1 << slots.length; mask++) {
        let p = stateP * (1 - pr);
        for (let i = 0; i < slots.length; i++) {
          const down = (mask >> i) & 1;
          p *= down ? pz[i]! : 1 - pz[i]!;
          zones[slots[i]!] = down;
        }
        stamps[d] = ++nextStamp;
        if (p > 0) descend(d + 1, p);
      }
      for (let i = 0; i < slots.length; i++) zones[slots[i]!] = saved[i]!;
    }
  };
  descend(0, 1);
  return total;
}

/** Radix-3 digits of a unit's code: one per region it touches and one per zone it uses there. */
function codeDigits(unit: AvailabilityUnit): number {
  let digits = 0;
  for (const zones of unit.domains.values()) digits += 1 + zones.length;
  return digits;
}

/** The states of a unit's own domains as text, for units whose code would not be an exact integer. */
function textKey(
  unit: AvailabilityUnit,
  regions: Int8Array,
  zones: Int8Array,
  regionSlot: ReadonlyMap<string, number>,
  zoneSlot: ReadonlyMap<string, number>,
): string {
  let key = "";
  for (const [region, own] of unit.domains) {
    const slot = regionSlot.get(region);
    key += `${region}:${slot === undefined ? "" : regions[slot]}`;
    for (const zone of own) {
      const z = zoneSlot.get(zone);
      const fixed = z === undefined ? -1 : zones[z]!;
      if (fixed >= 0) key += `${zone}=${fixed}`;
    }
    key += "|";
  }
  return key;
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
    deployment: { regions, zones: regions.map(zonesOf) },
  };
}
