import type { Model, ResolvedDatastore } from "../model/types.js";
import { byText } from "../order.js";
import { userDistance } from "./leader.js";
import { networkView } from "./network.js";

/**
 * The regions the leadership moves to when the preferred leader's region is lost, best first, as
 * `electLeader` ranks them with every other region up: the eligible regions (`leaderRegions`)
 * with the most voters, then the nearest to the users (demand-weighted RTT), then by code.
 * Engines with ordered leader preferences (CockroachDB's lease_preferences) list them after the
 * leader so that the engine moves the leadership where the analysis predicts it.
 */
export function leaderSuccession(model: Model, store: ResolvedDatastore): string[] {
  const net = networkView(model, []);
  const voters = new Map(store.placement.map((p) => [p.region, p.voters]));
  return store.leaderRegions
    .filter((region) => region !== store.leader && (voters.get(region) ?? 0) > 0)
    .map((region) => ({
      region,
      voters: voters.get(region)!,
      distance: userDistance(region, model.users, net),
    }))
    .sort((a, b) => b.voters - a.voters || a.distance - b.distance || byText(a.region, b.region))
    .map((r) => r.region);
}
