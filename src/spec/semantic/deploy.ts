import { formatPath } from "../../diagnostics/diagnostic.js";
import { type PlacementEntryInput, roleCounts, totalOf } from "../roles.js";
import { type CheckContext, entriesOf } from "./context.js";

/**
 * Which replication model each managed AWS service implements; a spec that asks DynamoDB for
 * consensus would be analysed as something AWS does not run.
 */
const AWS_SERVICE_FITS: Readonly<
  Record<string, { kind: "datastores" | "streams"; replication?: readonly string[]; why: string }>
> = {
  dynamodb: {
    kind: "datastores",
    replication: ["multi-leader"],
    why: "global tables are multi-active (last writer wins)",
  },
  "aurora-postgresql": {
    kind: "datastores",
    replication: ["primary-replica"],
    why: "Aurora global databases have one writer region",
  },
  s3: {
    kind: "datastores",
    replication: ["primary-replica"],
    why: "S3 replication copies objects asynchronously from a source bucket",
  },
  msk: { kind: "streams", why: "MSK runs Kafka clusters" },
};

/** `deploy` fields only some managed services read: anywhere else they would be ignored without a word. */
const SERVICE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  instanceClass: ["aurora-postgresql", "msk"],
  engineVersion: ["aurora-postgresql", "msk"],
  storageGi: ["msk"],
  replicationTimeControl: ["s3"],
  bufferCacheHitRatio: ["aurora-postgresql"],
  homeRegion: ["aurora-postgresql", "dynamodb"],
};

/**
 * Replicas one region's deployment of a managed service can hold. Aurora: one writer and up to 15
 * readers per cluster (Aurora user guide, "Amazon Aurora DB clusters"; RDS API PromotionTier 0–15).
 */
export const AWS_REPLICAS_PER_REGION: Readonly<Record<string, { max: number; why: string }>> = {
  "aurora-postgresql": {
    max: 16,
    why: "an Aurora cluster holds at most 16 instances (1 writer, 15 readers)",
  },
};

/** Explicit placements above the service's per-region limit (an auto placement is checked when compiled). */
function checkReplicasPerRegion(
  context: CheckContext,
  name: string,
  service: string,
  placement: unknown,
): void {
  const limit = AWS_REPLICAS_PER_REGION[service];
  if (limit === undefined || placement === null || typeof placement !== "object") return;
  for (const [region, entry] of Object.entries(placement as Record<string, PlacementEntryInput>)) {
    if (entry === null || (typeof entry !== "number" && typeof entry !== "object")) continue;
    const replicas: unknown = totalOf(roleCounts(entry));
    // A malformed entry (a count given as text) is the schema's to report.
    if (typeof replicas !== "number" || !(replicas > limit.max)) continue;
    context.report({
      code: "spec/deploy-limit",
      path: formatPath(["datastores", name, "placement", region]),
      message: `${replicas} replicas in ${region}, but ${limit.why}`,
      fix: `place at most ${limit.max} replicas in ${region}, or spread them over more regions`,
    });
  }
}

/**
 * Kubernetes `deploy` fields of stateful components: a service runs as a Deployment with no volume
 * (its one writable path is /tmp, a 1 GiB emptyDir: kubernetes/pod.ts) and no peers.
 */
const STATEFUL_FIELDS = ["storageGi", "storageClass", "peerPort"] as const;

export function checkDeployFits(context: CheckContext): void {
  for (const kind of ["datastores", "services", "streams"] as const) {
    for (const [name, component] of entriesOf<{
      deploy?: { target?: string; service?: string } | undefined;
      replication?: string | undefined;
      placement?: unknown;
    }>(context.topology[kind])) {
      // As written: the schema gives every Kubernetes deploy a storageGi.
      const written = (context.written?.services?.[name] as { deploy?: Record<string, unknown> } | undefined)
        ?.deploy;
      if (kind === "services" && component.deploy?.target === "kubernetes" && written !== undefined)
        for (const field of STATEFUL_FIELDS) {
          if (written[field] === undefined) continue;
          context.report({
            code: "spec/not-applicable",
            severity: "warning",
            path: formatPath([kind, name, "deploy", field]),
            message: `a service runs as a Deployment without volumes or peers, so ${field} changes nothing: its only writable path is /tmp, a 1 GiB emptyDir (local state such as a Kafka Streams store is rebuilt from its changelog after every restart, and evicted past 1 GiB)`,
            fix: `remove ${field}; keep state that outgrows 1 GiB in a datastore`,
          });
        }
      const service = component.deploy?.target === "aws" ? component.deploy.service : undefined;
      // Own keys only: the checks also run on specs the shape check refused (`service: constructor`).
      const fit =
        service === undefined || !Object.hasOwn(AWS_SERVICE_FITS, service)
          ? undefined
          : AWS_SERVICE_FITS[service];
      if (fit === undefined) continue;
      if (kind === "datastores") checkReplicasPerRegion(context, name, service!, component.placement);
      for (const [field, services] of Object.entries(SERVICE_FIELDS)) {
        if ((component.deploy as Record<string, unknown>)[field] === undefined || services.includes(service!))
          continue;
        context.report({
          code: "spec/deploy-mismatch",
          path: formatPath([kind, name, "deploy", field]),
          message: `"${service}" does not read ${field} (it applies to ${services.join(" and ")} only), so it would change nothing`,
          fix: `remove ${field}`,
        });
      }
      const path = formatPath([kind, name, "deploy", "service"]);
      if (fit.kind !== kind) {
        context.report({
          code: "spec/deploy-mismatch",
          path,
          message: `AWS service "${service}" cannot host ${kind}: ${fit.why}`,
          fix:
            kind === "services"
              ? 'deploy services with target: "kubernetes"'
              : `choose a service for ${kind}`,
        });
      } else if (fit.replication && !fit.replication.includes(component.replication ?? "")) {
        context.report({
          code: "spec/deploy-mismatch",
          path,
          message: `"${service}" implements replication: ${fit.replication.join(" or ")} (${fit.why}), but this datastore declares ${component.replication}`,
          fix: `set replication: "${fit.replication[0]}", or deploy to a target that implements ${component.replication}`,
        });
      }
    }
  }
}
