import { baselineNetworkView } from "../../analysis/network.js";
import { nearest } from "../../analysis/replication/common.js";
import type { Model, ResolvedComponent } from "../../model/types.js";

/** The region of a component's leader (primary), where writes go; `fallback` for one without. */
export const leaderOf = (c: ResolvedComponent, fallback: string): string =>
  "leader" in c && typeof c.leader === "string" ? c.leader : fallback;

/**
 * The copy a pod in `region` uses: the one there, else the nearest by round trip — the one the
 * analysis prices for it (a stream's nearest cluster, a store's nearest replica: analysis/streams.ts
 * `clusterFor`, replication/common.ts `nearest`), ties to the region that sorts first; the home
 * (leader) region's when no round trip is known.
 */
export function regionFor(model: Model, component: ResolvedComponent, region: string): string {
  const regions = component.regions;
  if (regions.includes(region)) return region;
  return nearest(region, regions, baselineNetworkView(model))?.region ?? leaderOf(component, regions[0]!);
}

/**
 * The regions whose VPC a pod in `region` connects to, per AWS service: the endpoints access.ts
 * gives it. DynamoDB and S3 are reached over their public HTTPS endpoints (IAM-authenticated), so
 * they need no network path; Aurora's writer is the leader's cluster, its reader the nearest copy.
 */
const CONNECTS: Readonly<
  Record<
    "dynamodb" | "aurora-postgresql" | "s3" | "msk",
    (model: Model, c: ResolvedComponent, region: string) => string[]
  >
> = {
  dynamodb: () => [],
  s3: () => [],
  "aurora-postgresql": (model, c, region) => {
    const local = regionFor(model, c, region);
    const leader = leaderOf(c, local);
    return [...new Set([leader, local])].sort();
  },
  msk: (model, c, region) => [regionFor(model, c, region)],
};

/** The datastore VPC regions a pod in `region` reaches for `component` (none for other targets). */
export function connectsTo(model: Model, component: ResolvedComponent, region: string): string[] {
  return component.deploy.target === "aws"
    ? CONNECTS[component.deploy.service](model, component, region)
    : [];
}
