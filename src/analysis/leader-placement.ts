import type { Model, UserOrigin } from "../model/types.js";
import { byText } from "../order.js";
import { datastoreFlows, mbps } from "./bandwidth.js";
import { type DatastoreEvaluator, declaredCapacityMbps, type LinkUse } from "./datastores.js";
import { pathLoads } from "./lag.js";
import type { NetworkView } from "./network.js";
import { mayLead } from "./replication/common.js";
import { clientFlows } from "./traffic.js";
import type { LinkLoad } from "./types.js";

/**
 * The link loads with this datastore's leader of the typical group moved to `region`: its own
 * replication and client flows leave the old leader's links and load the new one's; everything
 * else's stay. Each link is worked out when the commit asks for it (a few per option, of hundreds).
 */
function movedLoads(
  model: Model,
  net: NetworkView,
  ev: DatastoreEvaluator,
  region: string,
  links: ReadonlyMap<string, LinkLoad>,
): Pick<ReadonlyMap<string, LinkUse>, "get"> {
  const moved = { ...ev.main, leader: region };
  const evMoved = { ...ev, main: moved, states: ev.states.map((s) => (s === ev.main ? moved : s)) };
  const own = new Map<string, number>();
  for (const flow of [...datastoreFlows(evMoved), ...clientFlows(model, evMoved, net)]) {
    if (flow.from === flow.to) continue;
    // Each hop it crosses (more than one around a cut link), as linkLoads sums them.
    const path = net.route(flow.from, flow.to);
    for (let i = 1; i < path.length; i++) {
      const key = `${path[i - 1]}|${path[i]}`;
      own.set(key, (own.get(key) ?? 0) + mbps(flow.bytesPerSec));
    }
  }
  const use = (capacity: number | undefined, load: number): LinkUse | undefined =>
    capacity === undefined ? undefined : { capacityMbps: capacity, utilisation: load / capacity };
  return {
    get(key) {
      const link = links.get(key);
      if (link !== undefined) {
        const mine = link.contributors.find((c) => c.component === ev.ds.name)?.mbps ?? 0;
        return use(link.capacityMbps, link.mbps - mine + (own.get(key) ?? 0));
      }
      const load = own.get(key);
      if (load === undefined) return undefined;
      const [from, to] = key.split("|") as [string, string];
      return use(declaredCapacityMbps(model, from, to), load);
    },
  };
}

/**
 * Demand-weighted write p50 with the leader moved to each eligible region (`leaderRegions`, or
 * every region with a voter), for the typical placement group: the latency floor is the minimum;
 * the `leader-placement` policy proposes it when the declared leader is worse. Leader-based
 * stores only; origins are the write callers (src/analysis/origins.ts). A moved leader ships over
 * other links: its followers' acknowledgements wait on the loads its own flows would make there.
 */
export function leaderOptions(
  ev: DatastoreEvaluator,
  origins: readonly UserOrigin[],
  model: Model,
  net: NetworkView,
  links: ReadonlyMap<string, LinkLoad>,
): { region: string; writeP50Ms: number }[] | undefined {
  if (!ev.behaviour.leaderBased || ev.ds.leaderRegions.length < 2 || origins.length === 0) return undefined;
  const total = origins.reduce((sum, o) => sum + o.share, 0);
  if (total === 0) return undefined;
  const options: { region: string; writeP50Ms: number }[] = [];
  for (const region of ev.ds.leaderRegions) {
    if (!ev.main.alive.some((slot) => slot.region === region && mayLead(slot))) continue;
    const state =
      region === ev.main.leader
        ? ev.main
        : {
            ...ev.main,
            leader: region,
            shipDelay: ev.shipDelayOver(movedLoads(model, net, ev, region, links), "p50"),
          };
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
    // The worst hop from the leader (one unless their link is cut).
    const hops = pathLoads(links, ev.main.net.route, leader, slot.region);
    const rho = Math.max(0, ...hops.map((link) => link?.utilisation ?? 0));
    if (rho >= 1) out.set(slot.region, rho);
  }
  return [...out].map(([region, utilisation]) => ({ region, utilisation }));
}
