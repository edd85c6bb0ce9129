import { formatPath } from "../../diagnostics/diagnostic.js";
import { ENGINE_CAPABILITIES } from "../../engines/capabilities.js";
import type { EngineId } from "../../engines/ids.js";
import { type CheckContext, entriesOf } from "./context.js";

/**
 * Managed services with one writer region: every partition is led there, whatever the strategy.
 * (DynamoDB writes in every region, so geo partitioning changes nothing it does not run.)
 */
const ONE_WRITER_REGION: Readonly<Record<string, string>> = {
  "aurora-postgresql": "an Aurora global database has one writer region (the primary cluster)",
  s3: "S3 replication copies objects from one source bucket",
};

interface GeoInput {
  partitions?: { strategy?: string | undefined } | undefined;
  deploy?: DeployInput | undefined;
}

interface DeployInput {
  target?: string;
  engine?: string | undefined;
  service?: string | undefined;
}

/** Why the deployment cannot home partition leaders near their users; undefined when it can. */
export function geoPartitionsUnsupported(deploy: DeployInput | undefined): string | undefined {
  // Own keys only: the checks also run on specs the shape check refused (`service: constructor`).
  if (deploy?.target === "aws" && deploy.service !== undefined)
    return Object.hasOwn(ONE_WRITER_REGION, deploy.service) ? ONE_WRITER_REGION[deploy.service] : undefined;
  const engine =
    deploy?.target === "kubernetes" &&
    deploy.engine !== undefined &&
    Object.hasOwn(ENGINE_CAPABILITIES, deploy.engine)
      ? ENGINE_CAPABILITIES[deploy.engine as EngineId]
      : undefined;
  const unsupported = engine?.geoPartitionsUnsupported;
  return unsupported === undefined ? undefined : `on ${engine!.title} ${unsupported.why}`;
}

/**
 * `partitions.strategy: geo` homes each partition's leader near its users (model/resolve.ts): a
 * deployment that leads every partition from one place would be analysed as something it does not
 * run, so the spec is refused where the target cannot home partitions.
 */
export function checkGeoPartitions(context: CheckContext): void {
  for (const [name, store] of entriesOf<GeoInput>(context.topology.datastores)) {
    if (store.partitions?.strategy !== "geo") continue;
    const why = geoPartitionsUnsupported(store.deploy);
    if (why === undefined) continue;
    context.report({
      code: store.deploy?.target === "aws" ? "spec/deploy-mismatch" : "spec/engine-mismatch",
      path: formatPath(["datastores", name, "partitions", "strategy"]),
      message: `partitions.strategy "geo" homes partition leaders near their users, but ${why}`,
      fix: `set partitions.strategy to "hash" (every partition led from leader), or split the data into one datastore per home region`,
    });
  }
}
