import type { ReplicaSlot } from "../model/types.js";
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
 */
export function survivorDistribution(slots: readonly ReplicaSlot[], net: FailureProbabilities): number[] {
  const byRegion = new Map<string, Map<string, number>>();
  for (const slot of slots) {
    const zones = byRegion.get(slot.region) ?? new Map<string, number>();
    zones.set(slot.zone, (zones.get(slot.zone) ?? 0) + 1);
    byRegion.set(slot.region, zones);
  }
  let total = [1];
  for (const [region, zones] of [...byRegion].sort(([a], [b]) => a.localeCompare(b))) {
    total = convolve(total, regionDistribution(net.regionDownProbability(region), [...zones], net));
  }
  return total;
}

function regionDistribution(
  regionDown: number,
  zones: readonly (readonly [string, number])[],
  net: FailureProbabilities,
): number[] {
  const replicas = zones.reduce((sum, [, count]) => sum + count, 0);
  const dist = new Array<number>(replicas + 1).fill(0);
  dist[0] = regionDown;
  const up = 1 - regionDown;
  if (up === 0) return dist;
  for (let state = 0; state < 1 << zones.length; state++) {
    let p = up;
    let alive = 0;
    zones.forEach(([zone, count], i) => {
      const q = net.zoneDownProbability(zone);
      if (state & (1 << i)) {
        p *= 1 - q;
        alive += count;
      } else p *= q;
    });
    dist[alive] = dist[alive]! + p;
  }
  return dist;
}

function convolve(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length - 1).fill(0);
  a.forEach((pa, i) => {
    if (pa === 0) return;
    b.forEach((pb, j) => {
      out[i + j] = out[i + j]! + pa * pb;
    });
  });
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
