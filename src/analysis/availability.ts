import type { ReplicaSlot } from "../model/types.js";
import { byText } from "../order.js";
import type { NetworkView } from "./network.js";

/** What the availability formulas read from a network view: each domain's down probability. */
export type FailureProbabilities = Pick<NetworkView, "regionDownProbability" | "zoneDownProbability">;

/**
 * Exact availability over the failure states of the regions and zones that hold replicas.
 *
 * Regions fail independently with probability pR; a region that is up has zones failing
 * independently with pZ (a region failure takes all its zones). Per region we enumerate the 2^z
 * up/down states of the zones that hold replicas (z ≤ 6 in every catalog region) to get the
 * distribution of surviving replicas, then convolve the regions' distributions: the result is
 * the exact distribution of surviving replicas, in O(regions × replicas²) after enumeration.
 * A zone-spanning replica (a managed regional service) survives whenever its region is up.
 */
export function survivorDistribution(slots: readonly ReplicaSlot[], net: FailureProbabilities): number[] {
  let total: number[] | undefined;
  for (const { region, zones, counts, spanning } of layoutOf(slots)) {
    const dist = regionDistribution(net.regionDownProbability(region), zones, counts, spanning, net);
    // The first region's distribution is the convolution with [1] already (0 + 1·x is x exactly
    // for these non-negative figures): no copy, the same numbers.
    total = total === undefined ? dist : convolve(total, dist);
  }
  return total ?? [1];
}

/** Replicas per zone, zones in slot order, regions sorted: what survivorDistribution convolves. */
interface RegionLayout {
  readonly region: string;
  readonly zones: readonly string[];
  readonly counts: readonly number[];
  /** Zone-spanning replicas (managed regional services): up whenever the region is. */
  readonly spanning: number;
}

/**
 * The layout of a slot list, kept per list: joint availability asks for the same datastore's
 * slots under hundreds of thousands of failure states (issue #15), and the grouping and sort
 * do not depend on the state.
 */
const layouts = new WeakMap<readonly ReplicaSlot[], readonly RegionLayout[]>();
function layoutOf(slots: readonly ReplicaSlot[]): readonly RegionLayout[] {
  const known = layouts.get(slots);
  if (known !== undefined) return known;
  const byRegion = new Map<string, Map<string, number>>();
  const spanning = new Map<string, number>();
  for (const slot of slots) {
    const zones = byRegion.get(slot.region) ?? new Map<string, number>();
    if (slot.spansZones === true) spanning.set(slot.region, (spanning.get(slot.region) ?? 0) + 1);
    else zones.set(slot.zone, (zones.get(slot.zone) ?? 0) + 1);
    byRegion.set(slot.region, zones);
  }
  const layout = [...byRegion]
    .sort(([a], [b]) => byText(a, b))
    .map(([region, zones]) => ({
      region,
      zones: [...zones.keys()],
      counts: [...zones.values()],
      spanning: spanning.get(region) ?? 0,
    }));
  // Slot lists are built once per datastore and never mutated; a frozen one is safe to key on.
  layouts.set(slots, layout);
  return layout;
}

function regionDistribution(
  regionDown: number,
  zones: readonly string[],
  counts: readonly number[],
  spanning: number,
  net: FailureProbabilities,
  /** Only the states (bit i: zone i up) it keeps count, with the region up; the region's loss always counts. */
  keeps?: (state: number) => boolean,
): number[] {
  let replicas = spanning;
  for (const count of counts) replicas += count;
  const dist = new Array<number>(replicas + 1).fill(0);
  dist[0] = regionDown;
  const up = 1 - regionDown;
  if (up === 0) return dist;
  // Each zone's probability read once, not once per state; products in the same order as before.
  const q = zones.map((zone) => net.zoneDownProbability(zone));
  for (let state = 0; state < 1 << zones.length; state++) {
    if (keeps !== undefined && !keeps(state)) continue;
    let p = up;
    let alive = spanning;
    for (let i = 0; i < zones.length; i++) {
      if (state & (1 << i)) {
        p *= 1 - q[i]!;
        alive += counts[i]!;
      } else p *= q[i]!;
    }
    dist[alive] = dist[alive]! + p;
  }
  return dist;
}

function convolve(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length - 1).fill(0);
  for (let i = 0; i < a.length; i++) {
    const pa = a[i]!;
    if (pa === 0) continue;
    for (let j = 0; j < b.length; j++) out[i + j] = out[i + j]! + pa * b[j]!;
  }
  return out;
}

/** P(at least `needed` of `slots` survive). */
export function atLeast(slots: readonly ReplicaSlot[], needed: number, net: FailureProbabilities): number {
  if (needed <= 0) return 1;
  const dist = survivorDistribution(slots, net);
  let p = 0;
  for (let k = needed; k < dist.length; k++) p += dist[k]!;
  return clamp01(p);
}

/**
 * P(at least `needed` of `slots` survive, one of `leaders` among the survivors): a quorum of
 * witnesses alone elects no leader; a primary nothing promotes outside its region is a replica
 * there. `leaders` may hold replicas `slots` does not count (an Aurora reader, promoted but not
 * acknowledging). P(≥ needed) less P(≥ needed and every leader down), the second over the same
 * region and zone states with the leaders' zones down.
 */
export function atLeastLed(
  slots: readonly ReplicaSlot[],
  needed: number,
  leaders: readonly ReplicaSlot[],
  net: FailureProbabilities,
): number {
  const all = atLeast(slots, needed, net);
  if (needed <= 0) return all;
  const layout = leaderlessLayoutOf(slots, leaders);
  // Every survivor counted is a leader: at least one survives whenever `needed` do.
  if (layout === undefined) return all;
  let leaderless: number[] = [1];
  for (const { region, zones, counts, spanning, keeps } of layout) {
    const dist = regionDistribution(net.regionDownProbability(region), zones, counts, spanning, net, keeps);
    leaderless = convolve(leaderless, dist);
  }
  let none = 0;
  for (let k = needed; k < leaderless.length; k++) none += leaderless[k]!;
  return clamp01(all - none);
}

/** Per region, the zones of counted slots and of leaders, and which zone states leave no leader up. */
type LeaderlessLayout = readonly (RegionLayout & { readonly keeps: (state: number) => boolean })[];

/**
 * The layout {@link atLeastLed} enumerates, kept per pair of lists (asked per failure view in
 * joint availability); undefined when every counted slot is a leader.
 */
const leaderlessLayouts = new WeakMap<
  readonly ReplicaSlot[],
  WeakMap<readonly ReplicaSlot[], LeaderlessLayout | null>
>();
function leaderlessLayoutOf(
  slots: readonly ReplicaSlot[],
  leaders: readonly ReplicaSlot[],
): LeaderlessLayout | undefined {
  let byLeaders = leaderlessLayouts.get(slots);
  if (byLeaders === undefined) {
    byLeaders = new WeakMap();
    leaderlessLayouts.set(slots, byLeaders);
  }
  const known = byLeaders.get(leaders);
  if (known !== undefined) return known ?? undefined;
  const made = slots.every((slot) => leaders.includes(slot)) ? null : makeLeaderlessLayout(slots, leaders);
  byLeaders.set(leaders, made);
  return made ?? undefined;
}

function makeLeaderlessLayout(
  slots: readonly ReplicaSlot[],
  leaders: readonly ReplicaSlot[],
): LeaderlessLayout {
  const regions = [...new Set([...slots, ...leaders].map((slot) => slot.region))].sort(byText);
  const zoned = (list: readonly ReplicaSlot[]) => list.filter((slot) => slot.spansZones !== true);
  return regions.map((region) => {
    const counted = slots.filter((slot) => slot.region === region);
    const leading = leaders.filter((slot) => slot.region === region);
    const zones = [...new Set([...zoned(counted), ...zoned(leading)].map((slot) => slot.zone))];
    const counts = zones.map((zone) => zoned(counted).filter((slot) => slot.zone === zone).length);
    const leaderZones = zones.map((zone) => zoned(leading).some((slot) => slot.zone === zone));
    // A zone-spanning leader is up whenever its region is: only the region's loss leaves none.
    const spanningLeads = leading.some((slot) => slot.spansZones === true);
    const keeps = spanningLeads
      ? () => false
      : (state: number) => leaderZones.every((has, i) => !has || !(state & (1 << i)));
    return { region, zones, counts, spanning: counted.length - zoned(counted).length, keeps };
  });
}

/** A primary's own domains that must be up for it to take writes (src/analysis/primary-dependence.ts). */
export interface PrimaryDomains {
  readonly region: string;
  readonly zone?: string;
}

/**
 * P(the primary's region — and zone, when given — is up, at least `needed` of `slots` survive and
 * a promotable replica there does): nothing promotes a replica outside those domains (that is why
 * they are needed), so the primary is a survivor inside them. Regions fail independently and a
 * zone's failure is conditioned on its region being up, so this is P(region up) · P(zone up) ·
 * P(at least `needed` survive, one inside | both up).
 */
export function atLeastWithPrimary(
  slots: readonly ReplicaSlot[],
  needed: number,
  primary: PrimaryDomains,
  net: FailureProbabilities,
  /** The replicas that may be primary (the engine's promotable roles), wherever they are. */
  promotable: readonly ReplicaSlot[] = slots,
): number {
  const { up, given } = primaryUp(primary, net);
  return up === 0 ? 0 : clamp01(up * atLeastLed(slots, needed, promotableInside(promotable, primary), given));
}

/** The promotable replicas inside the primary's domains, one list per pair (atLeastLed keys on it). */
const insideLists = new WeakMap<readonly ReplicaSlot[], Map<string, readonly ReplicaSlot[]>>();
function promotableInside(
  promotable: readonly ReplicaSlot[],
  primary: PrimaryDomains,
): readonly ReplicaSlot[] {
  let byDomains = insideLists.get(promotable);
  if (byDomains === undefined) {
    byDomains = new Map();
    insideLists.set(promotable, byDomains);
  }
  const key = `${primary.region}/${primary.zone ?? ""}`;
  let inside = byDomains.get(key);
  if (inside === undefined) {
    inside = promotable.filter(
      (slot) => slot.region === primary.region && (primary.zone === undefined || slot.zone === primary.zone),
    );
    byDomains.set(key, inside);
  }
  return inside;
}

/** P(the primary's domains are up), and the failure probabilities given that they are. */
function primaryUp(
  primary: PrimaryDomains,
  net: FailureProbabilities,
): { readonly up: number; readonly given: FailureProbabilities } {
  const regionUp = 1 - net.regionDownProbability(primary.region);
  const zoneUp = primary.zone === undefined ? 1 : 1 - net.zoneDownProbability(primary.zone);
  const given: FailureProbabilities = {
    regionDownProbability: (r) => (r === primary.region ? 0 : net.regionDownProbability(r)),
    zoneDownProbability: (z) => (z === primary.zone ? 0 : net.zoneDownProbability(z)),
  };
  return { up: regionUp * zoneUp, given };
}

/**
 * Writes of a store whose failover needs `votes` of `slots` (Redis: a majority of all Sentinels):
 * they go on while the primary lives with at least `needed` of `slots`, or, once it is lost, while
 * `votes` survive to promote another. P(≥ votes) + P(primary up) · P(needed ≤ survivors < votes |
 * primary up).
 */
export function primaryOrVotes(
  slots: readonly ReplicaSlot[],
  needed: number,
  votes: number,
  primary: PrimaryDomains,
  net: FailureProbabilities,
  /** Domains the writes need whoever is primary (primary-dependence.ts): the figure is given them up. */
  required?: PrimaryDomains,
): number {
  if (required !== undefined) {
    const { up, given } = primaryUp(required, net);
    return up === 0 ? 0 : clamp01(up * primaryOrVotes(slots, needed, votes, primary, given));
  }
  if (votes <= needed) return atLeast(slots, needed, net);
  const { up, given } = primaryUp(primary, net);
  const keeps = up === 0 ? 0 : up * (atLeast(slots, needed, given) - atLeast(slots, votes, given));
  return clamp01(atLeast(slots, votes, net) + keeps);
}

/**
 * A stateless deployment spread over zones: a region serves while the region is up and at least
 * one of its zones is; the deployment serves while any of its regions does.
 */
export function deploymentAvailability(
  regions: readonly string[],
  zonesOf: (region: string) => readonly string[],
  net: FailureProbabilities,
): number {
  let allDown = 1;
  for (const region of regions) {
    let zonesDown = 1;
    for (const zone of zonesOf(region)) zonesDown *= net.zoneDownProbability(zone);
    const regionServes = (1 - net.regionDownProbability(region)) * (1 - zonesDown);
    allDown *= 1 - regionServes;
  }
  return clamp01(1 - allDown);
}

export const clamp01 = (p: number): number => Math.min(1, Math.max(0, p));
