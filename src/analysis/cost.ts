import type { Catalog } from "../catalog/catalog.js";
import type { ResolvedDatastore, ResolvedStream } from "../model/types.js";
import { type Flow, monthlyUsd } from "./bandwidth.js";
import type { CostEstimate, LinkLoad } from "./types.js";

/**
 * One replica is one node (pod or instance) holding that replica of every partition: a
 * placement of 2+2+1 is 5 nodes whatever the partition count. Its monthly cost is the catalog's
 * per-replica figure; Kubernetes replicas with their own `storageGi` swap the catalog's storage
 * for theirs at the same price per GiB.
 */
export function nodeUsdPerMonth(catalog: Catalog, deploy: ResolvedDatastore["deploy"]): number {
  const cost = catalog.replicaCost;
  if (deploy.target !== "kubernetes") return cost.totalUsdPerMonth;
  return cost.instanceUsdPerMonth + deploy.storageGi * (cost.storageUsdPerMonth / cost.storageGiB);
}

export function datastoreReplicaCost(catalog: Catalog, ds: ResolvedDatastore): number {
  return ds.replicas * nodeUsdPerMonth(catalog, ds.deploy);
}

/** A stream runs `replicas` brokers in each of its regions (the fewest that hold every replica). */
export function streamReplicaCost(catalog: Catalog, stream: ResolvedStream): number {
  return stream.replicas * stream.regions.length * nodeUsdPerMonth(catalog, stream.deploy);
}

/**
 * Egress of a component: its share of every inter-region link's cost, plus cross-zone flows
 * charged in both directions (crossZoneUsdPerGb × 2).
 */
export function componentEgress(
  catalog: Catalog,
  component: string,
  flows: readonly Flow[],
  links: readonly LinkLoad[],
): number {
  let usd = 0;
  for (const link of links) {
    const mine = link.contributors.find((c) => c.component === component);
    if (mine !== undefined && link.mbps > 0) usd += link.egressUsdPerMonth * (mine.mbps / link.mbps);
  }
  for (const flow of flows)
    if (flow.component === component && flow.from === flow.to && !flow.unbilled)
      usd += monthlyUsd(flow.bytesPerSec, catalog.egress.crossZoneUsdPerGb * 2);
  return usd;
}

export function totalCost(
  components: readonly { readonly costUsdPerMonth: { readonly replicas: number; readonly egress: number } }[],
): CostEstimate {
  const replicas = components.reduce((sum, c) => sum + c.costUsdPerMonth.replicas, 0);
  const egress = components.reduce((sum, c) => sum + c.costUsdPerMonth.egress, 0);
  return { replicasUsdPerMonth: replicas, egressUsdPerMonth: egress, totalUsdPerMonth: replicas + egress };
}
