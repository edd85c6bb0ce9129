import type { UserOrigin } from "../model/types.js";
import { byText } from "../order.js";
import type { DatastoreEvaluator } from "./datastores.js";
import { mayLead } from "./replication/common.js";
import type { LinkLoad } from "./types.js";

/**
 * Demand-weighted write p50 with the leader moved to each eligible region (`leaderRegions`, or
 * every region with a voter), for the typical placement group: the latency floor is the minimum;
 * the `leader-placement` policy proposes it when the declared leader is worse. Leader-based
 * stores only; origins are the write callers (src/analysis/origins.ts).
 */
export function leaderOptions(
  ev: DatastoreEvaluator,
  origins: readonly UserOrigin[],
): { region: string; writeP50Ms: number }[] | undefined {
  if (!ev.behaviour.leaderBased || ev.ds.leaderRegions.length < 2 || origins.length === 0) return undefined;
  const total = origins.reduce((sum, o) => sum + o.share, 0);
  if (total === 0) return undefined;
  const options: { region: string; writeP50Ms: number }[] = [];
  for (const region of ev.ds.leaderRegions) {
    if (!ev.main.alive.some((slot) => slot.region === region && mayLead(slot))) continue;
    const state = { ...ev.main, leader: region };
    let sum = 0;
    let served = true;
    for (const origin of origins) {
      const p50 = ev.behaviour.writeP50(state, origin.region);
      if (p50 === undefined) served = false;
      else sum += origin.share * p50;
    }
    if (served) options.push({ region, writeP50Ms: sum / total });
  }
  return options.sort((a, b) => a.writeP50Ms - b.writeP50Ms || byText(a.region, b.region));
}

/** Voting followers of the typical group whose link from the leader runs at ρ ≥ 1. */
export function saturatedFollowers(
  ev: DatastoreEvaluator,
  links: ReadonlyMap<string, LinkLoad>,
): { region: string; utilisation: number }[] {
  const leader = ev.main.leader;
  if (leader === undefined) return [];
  const out = new Map<string, number>();
  for (const slot of ev.main.alive) {
    if (slot.region === leader || !ev.main.requirements.write.counts(slot)) continue;
    const rho = links.get(`${leader}|${slot.region}`)?.utilisation;
    if (rho !== undefined && rho >= 1) out.set(slot.region, rho);
  }
  return [...out].map(([region, utilisation]) => ({ region, utilisation }));
}
