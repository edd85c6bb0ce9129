import { baselineNearest, storeDestination, streamDestination } from "../../analysis/destinations.js";
import { modelIndex } from "../../model/model-index.js";
import type { Model, ResolvedComponent, ResolvedService, ResolvedStream } from "../../model/types.js";
import { rolesOf } from "./msk-access.js";

/** The region of a component's leader (primary), where writes go; `fallback` for one without. */
export const leaderOf = (c: ResolvedComponent, fallback: string): string =>
  "leader" in c && typeof c.leader === "string" ? c.leader : fallback;

/**
 * The region whose copy a pod in `region` sends `op` calls of `component` to: where the analysis
 * prices them on the baseline network. A store's as analysis/destinations.ts `storeDestination`
 * (a write at the nearest write region, a strong read at the leader, another read at the nearest
 * region holding data); a stream's as `streamDestination` (a consumer reads its region's cluster,
 * a mirror's too; a producer writes to the nearest stream region's). Ties go to the region that
 * sorts first; the leader's (else the first region's) when nothing is reachable, which a valid
 * spec rules out (every pair of its regions has a round trip).
 */
export function regionFor(
  model: Model,
  component: ResolvedComponent,
  region: string,
  op: "read" | "write",
): string {
  const nearest = baselineNearest(model);
  const index = modelIndex(model);
  const store = component.kind === "datastore" ? index.datastore(component.name) : undefined;
  const stream = component.kind === "stream" ? index.stream(component.name) : undefined;
  const found =
    store !== undefined
      ? storeDestination(store, op, region, nearest)
      : stream !== undefined
        ? streamDestination(stream, op, region, nearest)
        : nearest(region, component.regions);
  return found ?? leaderOf(component, component.regions[0]!);
}

/**
 * The regions whose cluster `consumer` (a service) dials for `stream`: access.ts gives each of its
 * pods the bootstrap of {@link regionFor}'s cluster. Its consumer group commits there, and only
 * there does MSK publish its lag.
 */
export function dialledBy(model: Model, stream: ResolvedStream, consumer: string): string[] {
  const regions = modelIndex(model).service(consumer)?.regions ?? [];
  return [...new Set(regions.map((region) => regionFor(model, stream, region, "read")))];
}

/**
 * The regions whose VPC a pod of `caller` in `region` connects to, per AWS service: the endpoints
 * access.ts gives it. DynamoDB and S3 are reached over their public HTTPS endpoints
 * (IAM-authenticated), so they need no network path; Aurora's writer and reader, MSK's clusters to
 * produce to (a producer) and consume from (a consumer), as {@link regionFor} picks them.
 */
const CONNECTS: Readonly<
  Record<
    "dynamodb" | "aurora-postgresql" | "s3" | "msk",
    (model: Model, c: ResolvedComponent, region: string, caller: ResolvedService) => string[]
  >
> = {
  dynamodb: () => [],
  s3: () => [],
  "aurora-postgresql": (model, c, region) => [
    regionFor(model, c, region, "write"),
    regionFor(model, c, region, "read"),
  ],
  msk: (model, c, region, caller) => {
    const roles = rolesOf(c, caller);
    return [
      ...(roles.includes("produce") ? [regionFor(model, c, region, "write")] : []),
      ...(roles.includes("consume") ? [regionFor(model, c, region, "read")] : []),
    ];
  },
};

/** The datastore VPC regions a pod of `caller` in `region` reaches for `component` (none for other targets). */
export function connectsTo(
  model: Model,
  component: ResolvedComponent,
  region: string,
  caller: ResolvedService,
): string[] {
  if (component.deploy.target !== "aws") return [];
  return [...new Set(CONNECTS[component.deploy.service](model, component, region, caller))].sort();
}
