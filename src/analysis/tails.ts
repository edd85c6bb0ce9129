import { COMMIT_TAILS, REQUEST_TIMES } from "../catalog/data/replication.js";
import type { ResolvedDatastore } from "../model/types.js";
import type { Figure } from "./latency.js";
import type { NetworkView } from "./network.js";

/**
 * The engine a datastore runs: `deploy.engine` (Kubernetes, when declared) or the managed service.
 * Read defensively: `deploy.engine` is a newer field that older specs do not have.
 */
export function engineOf(ds: Pick<ResolvedDatastore, "deploy">): string | undefined {
  const deploy = ds.deploy as { readonly engine?: unknown; readonly service?: unknown };
  if (typeof deploy.engine === "string") return deploy.engine;
  if (typeof deploy.service === "string") return deploy.service;
  return undefined;
}

/**
 * What a write's p99 adds for its durable commit (fsync / storage quorum) beyond the network,
 * per engine or managed service (src/catalog/data/replication.ts names each source). None under a
 * declared flat `model.tailFactor`, which stands for the whole tail.
 */
export function commitTailMs(ds: Pick<ResolvedDatastore, "deploy">, net: NetworkView): number {
  if (net.model.settings.tailFactor !== undefined) return 0;
  const engine = engineOf(ds);
  return (engine === undefined ? undefined : COMMIT_TAILS[engine])?.p99Ms ?? COMMIT_TAILS.default!.p99Ms;
}

/**
 * What every commit waits for inside the writer's region beyond the replication the model counts,
 * at the median: a storage quorum's cross-zone rounds (Aurora's 4 of 6 copies over 3 AZs), else
 * nothing. The p99 adds {@link commitTailMs} on top.
 */
export function commitMedianMs(ds: Pick<ResolvedDatastore, "deploy">, net: NetworkView): number {
  const engine = engineOf(ds);
  const rounds = (engine === undefined ? undefined : COMMIT_TAILS[engine])?.zoneRounds ?? 0;
  return rounds * net.model.settings.crossZoneRttMs;
}

/**
 * What the service itself takes per request (reads and writes), beyond the network: a managed
 * service's stated request time (src/catalog/data/replication.ts), else nothing. Under a declared
 * flat `model.tailFactor` the p99 is the median × that factor, as for every other leg.
 */
export function requestTimeMs(ds: Pick<ResolvedDatastore, "deploy">, net: NetworkView): Figure {
  const engine = engineOf(ds);
  const time = engine === undefined ? undefined : REQUEST_TIMES[engine];
  if (time === undefined) return NO_TIME;
  const factor = net.model.settings.tailFactor;
  return { p50Ms: time.p50Ms, p99Ms: factor === undefined ? time.p99Ms : time.p50Ms * factor };
}

const NO_TIME: Figure = { p50Ms: 0, p99Ms: 0 };
