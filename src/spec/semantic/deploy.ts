import { formatPath } from "../../diagnostics/diagnostic.js";
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
};

export function checkDeployFits(context: CheckContext): void {
  for (const kind of ["datastores", "services", "streams"] as const) {
    for (const [name, component] of entriesOf<{
      deploy?: { target?: string; service?: string } | undefined;
      replication?: string | undefined;
    }>(context.topology[kind])) {
      const service = component.deploy?.target === "aws" ? component.deploy.service : undefined;
      const fit = service === undefined ? undefined : AWS_SERVICE_FITS[service];
      if (fit === undefined) continue;
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
