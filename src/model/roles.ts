import { FAILOVER_DEFAULTS, IN_REGION_FAILOVER, MANUAL_RTO_SECONDS } from "../catalog/data/replication.js";
import { ENGINE_CAPABILITIES } from "../engines/capabilities.js";
import type { Datastore } from "../spec/schema/topology.js";
import type { ResolvedFailover } from "./types.js";

/**
 * Failover as declared, else the timing of the engine (deploy.engine: its failure detector, from its
 * capabilities), of the managed service (deploy.service), else of the replication model
 * (src/catalog/data/replication.ts names each source).
 */
export function resolveFailover(spec: Datastore): ResolvedFailover {
  const service = spec.deploy.target === "aws" ? spec.deploy.service : undefined;
  const defaults: Readonly<Record<string, (typeof FAILOVER_DEFAULTS)[keyof typeof FAILOVER_DEFAULTS]>> =
    FAILOVER_DEFAULTS;
  const engine = spec.deploy.target === "kubernetes" ? spec.deploy.engine : undefined;
  const timing = engine === undefined ? undefined : ENGINE_CAPABILITIES[engine].failover;
  const fallback =
    timing === undefined
      ? ((service !== undefined ? defaults[service] : undefined) ?? defaults[spec.replication]!)
      : { mode: "automatic" as const, ...timing.value, source: timing.source };
  if (spec.failover === undefined) {
    const inRegion =
      service === undefined ? undefined : IN_REGION_FAILOVER[service as keyof typeof IN_REGION_FAILOVER];
    return { ...fallback, ...(inRegion === undefined ? {} : { inRegion: { ...inRegion } }) };
  }
  return {
    mode: spec.failover.mode,
    rtoSeconds:
      spec.failover.rtoSeconds ??
      (spec.failover.mode === fallback.mode
        ? fallback.rtoSeconds
        : spec.failover.mode === "manual"
          ? MANUAL_RTO_SECONDS
          : FAILOVER_DEFAULTS["primary-replica"].rtoSeconds),
    // The engine's earliest resume holds only for its own detector's RTO.
    ...(spec.failover.rtoSeconds === undefined &&
    spec.failover.mode === fallback.mode &&
    "earliestSeconds" in fallback
      ? { earliestSeconds: fallback.earliestSeconds }
      : {}),
    // The source of the figure used: the default's, or the estimate that replaced it for the other mode.
    source:
      spec.failover.rtoSeconds !== undefined
        ? "declared"
        : spec.failover.mode === fallback.mode
          ? `declared mode; RTO: ${fallback.source}`
          : spec.failover.mode === "manual"
            ? `declared manual; RTO: an operator's promotion, ${MANUAL_RTO_SECONDS} s, an estimate`
            : `declared automatic; RTO: a failover manager's, ${FAILOVER_DEFAULTS["primary-replica"].source}, an estimate`,
  };
}
