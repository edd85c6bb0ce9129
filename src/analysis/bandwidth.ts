import type { Catalog } from "../catalog/catalog.js";
import { PROVIDER_EGRESS } from "../catalog/data/defaults.js";
import { modelIndex } from "../model/model-index.js";
import type { Model, ResolvedLink } from "../model/types.js";
import { byText } from "../order.js";
import type { DatastoreEvaluator } from "./datastores.js";
import type { LinkLoad } from "./types.js";

/** Seconds in the 730-hour month AWS price calculators use. */
export const SECONDS_PER_MONTH = 730 * 3600;

/** One component's replication bytes/s from one region to another (same region: cross-zone). */
export interface Flow {
  readonly component: string;
  readonly from: string;
  readonly to: string;
  readonly bytesPerSec: number;
  /** Cross-zone bytes the provider does not bill (MSK's intra-cluster replication). */
  readonly unbilled?: boolean;
}

/**
 * Replication flows of a datastore: every write is shipped from where it enters (the leader, the
 * users' nearest write region, or the coordinator) to every other live replica it can reach —
 * writesPerSec × itemBytes per destination replica, split over placement groups by their share
 * of partitions. The replica at the source itself (the group's leader, else the first live one in
 * the source region) receives nothing over the network; the source region's other replicas in
 * other zones are cross-zone flows (from = to), those in its own zone none (no provider bills a
 * copy inside a zone). An engine that sends one copy per region (`wanCopyPerRegion`: Cassandra's
 * forwarding, CloudNativePG's replica clusters) has it passed on there: one flow from the source,
 * then cross-zone flows inside that region from the replica it reached, to the other zones.
 */
export function datastoreFlows(ev: DatastoreEvaluator): Flow[] {
  const { ds } = ev;
  const traffic = ds.traffic;
  if (traffic === undefined || traffic.writesPerSec === 0) return [];
  const total = ds.partitions.count;
  // A managed service (DynamoDB global tables, Aurora global, S3 CRR) replicates ONCE per region,
  // however many replicas it keeps there, and its in-region copies are its own (not billed).
  const managed = ds.deploy.target === "aws";
  const perRegion = !managed && ds.wanCopyPerRegion;
  const flows = new Map<string, Flow>();
  for (const state of ev.states) {
    const weight = state.group.partitions.length / total;
    for (const source of ev.sources(state)) {
      const bytes = traffic.writesPerSec * traffic.itemBytes * weight * source.share;
      const { leader } = state.group;
      const self =
        state.alive.includes(leader) && leader.region === source.region
          ? leader
          : state.alive.find((slot) => slot.region === source.region);
      const reached = new Set<string>();
      // Per region, the zone of the replica a copy comes from there (the source's in its own).
      const zoneIn = new Map<string, string>(self === undefined ? [] : [[self.region, self.zone]]);
      for (const slot of state.alive) {
        if (slot === self || !state.net.connected(source.region, slot.region)) continue;
        if (managed && (slot.region === source.region || reached.has(slot.region))) continue;
        // Passed on inside a region the copy has reached already.
        const from = perRegion && reached.has(slot.region) ? slot.region : source.region;
        reached.add(slot.region);
        if (from !== slot.region) {
          if (!zoneIn.has(slot.region)) zoneIn.set(slot.region, slot.zone);
        } else if (zoneIn.get(slot.region) === slot.zone) continue;
        const key = `${from}|${slot.region}`;
        const previous = flows.get(key)?.bytesPerSec ?? 0;
        flows.set(key, { component: ds.name, from, to: slot.region, bytesPerSec: previous + bytes });
      }
    }
  }
  return [...flows.values()];
}

export const mbps = (bytesPerSec: number): number => (bytesPerSec * 8) / 1e6;

/** {@link egressUsdPerGb} with the price declared on the pair's link in the model, if any. */
export const modelEgressUsdPerGb = (model: Model, from: string, to: string): number =>
  egressUsdPerGb(model.catalog, from, to, modelIndex(model).link(from, to));

/**
 * USD per GB from `from` to `to`: the price declared on their link (`network.links[].egressUsdPerGb`:
 * a Direct Connect or Interconnect), else, from a site of the user's own (provider "custom"), its
 * declared `egressUsdPerGb`; to another provider or to such a site, the source provider's internet
 * egress (traffic leaves the cloud); else the pair price, else (GCP, Azure) the between-continents
 * price when the regions' geographic groups differ, else the source region's price, else the
 * default (src/catalog/data/defaults.ts).
 */
export function egressUsdPerGb(
  catalog: Catalog,
  from: string,
  to: string,
  link?: Pick<ResolvedLink, "egressUsdPerGb">,
): number {
  if (link?.egressUsdPerGb !== undefined) return link.egressUsdPerGb;
  const a = catalog.regions.get(from);
  const b = catalog.regions.get(to);
  if (a !== undefined && b !== undefined && a.provider !== b.provider && a.provider !== "custom")
    return a.internetEgressUsdPerGb;
  const pair = catalog.egress.pairOutUsdPerGb?.[from]?.[to];
  if (pair !== undefined) return pair;
  // Only GCP and Azure price by continent; a custom site's group ("Custom") is no continent.
  if (
    a !== undefined &&
    b !== undefined &&
    (a.provider === "gcp" || a.provider === "azure") &&
    a.geoGroup !== b.geoGroup
  )
    return PROVIDER_EGRESS[a.provider].otherContinentUsdPerGb;
  return a?.egressUsdPerGb ?? catalog.egress.interRegionUsdPerGb;
}

/** Monthly cost of a steady byte rate at a USD/GB price. */
export const monthlyUsd = (bytesPerSec: number, usdPerGb: number): number =>
  ((bytesPerSec * SECONDS_PER_MONTH) / 1e9) * usdPerGb;

/** Direct: a flow crosses its own pair's link. */
const direct = (from: string, to: string): readonly string[] => [from, to];

/**
 * Sums the inter-region flows of every component per directed link; utilisation against the
 * capacity declared for the pair in `network.links` (per direction). A flow whose pair's link is cut
 * loads (and is billed on) every hop of the relay path `route` gives (NetworkView.route).
 */
export function linkLoads(
  model: Model,
  flows: readonly Flow[],
  route: (from: string, to: string) => readonly string[] = direct,
): LinkLoad[] {
  const links = modelIndex(model);
  const byLink = new Map<string, Map<string, number>>();
  const add = (key: string, flow: Flow) => {
    const contributors = byLink.get(key) ?? new Map<string, number>();
    contributors.set(flow.component, (contributors.get(flow.component) ?? 0) + flow.bytesPerSec);
    byLink.set(key, contributors);
  };
  for (const flow of flows) {
    if (flow.from === flow.to || flow.bytesPerSec === 0) continue;
    const path = route(flow.from, flow.to);
    for (let i = 1; i < path.length; i++) add(`${path[i - 1]}|${path[i]}`, flow);
  }
  return [...byLink]
    .map(([key, contributors]) => {
      const [from, to] = key.split("|") as [string, string];
      const bytes = [...contributors.values()].reduce((sum, b) => sum + b, 0);
      const declared = links.link(from, to);
      const load = mbps(bytes);
      const capacity = declared?.bandwidthMbps;
      return {
        from,
        to,
        mbps: load,
        ...(capacity === undefined ? {} : { capacityMbps: capacity, utilisation: load / capacity }),
        ...(declared === undefined ? {} : { linkIndex: declared.index }),
        contributors: [...contributors]
          .map(([component, b]) => ({ component, mbps: mbps(b) }))
          .sort((a, b) => byText(a.component, b.component)),
        egressUsdPerMonth: monthlyUsd(bytes, egressUsdPerGb(model.catalog, from, to, declared)),
      };
    })
    .sort((a, b) => byText(a.from, b.from) || byText(a.to, b.to));
}

/**
 * Share of a region's client bytes that cross zones: clients spread evenly over the region's
 * `zones`, each request routed to a replica or broker without regard to its zone (a Kubernetes
 * Service, a DNS endpoint), so a client meets its own zone one time in `zones` — whichever of
 * those zones the replicas take. An estimate (topology-aware routing or zonal endpoints would keep
 * more at home).
 */
export function crossZoneShare(zones: number): number {
  return zones <= 1 ? 0 : (zones - 1) / zones;
}
