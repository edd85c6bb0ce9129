import { FAILOVER_DEFAULTS } from "../catalog/data/replication.js";
import type { Datastore } from "../spec/schema/topology.js";
import type { ResolvedFailover } from "./types.js";

/**
 * Failover as declared, else the default of the managed service (deploy.service), else of the
 * replication model (src/catalog/data/replication.ts names each source).
 */
export function resolveFailover(spec: Datastore): ResolvedFailover {
  const service = spec.deploy.target === "aws" ? spec.deploy.service : undefined;
  const defaults: Readonly<Record<string, (typeof FAILOVER_DEFAULTS)[keyof typeof FAILOVER_DEFAULTS]>> =
    FAILOVER_DEFAULTS;
  const fallback = (service !== undefined ? defaults[service] : undefined) ?? defaults[spec.replication]!;
  if (spec.failover === undefined) return { ...fallback };
  return {
    mode: spec.failover.mode,
    rtoSeconds:
      spec.failover.rtoSeconds ??
      (spec.failover.mode === fallback.mode
        ? fallback.rtoSeconds
        : spec.failover.mode === "manual"
          ? 600
          : 30),
    source: spec.failover.rtoSeconds === undefined ? `declared mode; RTO: ${fallback.source}` : "declared",
  };
}
