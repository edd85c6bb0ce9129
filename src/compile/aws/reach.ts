import type { ResolvedComponent } from "../../model/types.js";

/** The region of a component's leader (primary), where writes go; `fallback` for one without. */
export const leaderOf = (c: ResolvedComponent, fallback: string): string =>
  "leader" in c && typeof c.leader === "string" ? c.leader : fallback;

/** The copy a pod in `region` uses: the one there, else the home (leader) region's. */
export function regionFor(component: ResolvedComponent, region: string): string {
  const regions = component.regions;
  return regions.includes(region) ? region : leaderOf(component, regions[0]!);
}

/**
 * The regions whose VPC a pod in `region` connects to, per AWS service: the endpoints access.ts
 * gives it. DynamoDB and S3 are reached over their public HTTPS endpoints (IAM-authenticated), so
 * they need no network path; Aurora's writer is the leader's cluster, its reader the local copy.
 */
const CONNECTS: Readonly<
  Record<"dynamodb" | "aurora-postgresql" | "s3" | "msk", (c: ResolvedComponent, region: string) => string[]>
> = {
  dynamodb: () => [],
  s3: () => [],
  "aurora-postgresql": (c, region) => {
    const local = regionFor(c, region);
    const leader = leaderOf(c, local);
    return [...new Set([leader, local])].sort();
  },
  msk: (c, region) => [regionFor(c, region)],
};

/** The datastore VPC regions a pod in `region` reaches for `component` (none for other targets). */
export function connectsTo(component: ResolvedComponent, region: string): string[] {
  return component.deploy.target === "aws" ? CONNECTS[component.deploy.service](component, region) : [];
}
