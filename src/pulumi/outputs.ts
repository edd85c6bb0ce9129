import type * as pulumi from "@pulumi/pulumi";
import type { PlannedResource, ResourcePlan } from "../compile/plan.js";
import { byText } from "../order.js";
import type { InstantiatedPlan } from "./adapter.js";
import type { ClusterSettings } from "./providers.js";

/**
 * Stack outputs: what `pulumi stack output` shows after `up`. Endpoints come from one table keyed
 * by type token (a new datastore target adds a row, not a branch).
 */
export interface StackOutputs {
  /** The topology's name. */
  readonly topology: string;
  /** The spec file relative to the project root; the CrossGuard policy pack reads it. */
  readonly topoplanTopology: string;
  /** Regions that host at least one resource, sorted. */
  readonly regions: readonly string[];
  readonly resourceCount: number;
  /** Resources per region. */
  readonly resourceCounts: Readonly<Record<string, number>>;
  /** Per component, per region: where clients connect (DNS names, ARNs, endpoints), sorted by resource name. */
  readonly endpoints: Readonly<Record<string, Readonly<Record<string, readonly pulumi.Input<string>[]>>>>;
  /** Findings of the pre-deployment check that did not stop it. */
  readonly check: { readonly errors: number; readonly warnings: number; readonly unknowns: number };
}

type Endpoint = (
  planned: PlannedResource,
  created: pulumi.CustomResource,
  cluster: ClusterSettings | undefined,
) => pulumi.Input<string> | undefined;

const output =
  (property: string): Endpoint =>
  (_planned, created) =>
    (created as unknown as Record<string, pulumi.Output<string>>)[property];

interface Manifest {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/** A Service's in-cluster DNS name; for a headless Service it resolves to every pod. */
const serviceDns: Endpoint = (planned, _created, cluster) => {
  const { metadata } = planned.inputs as Manifest;
  if (typeof metadata?.name !== "string") return undefined;
  const namespace = metadata.namespace ?? cluster?.namespace ?? "default";
  return `${metadata.name}.${namespace}.svc.${cluster?.clusterDomain ?? "cluster.local"}`;
};

/** MSK: the IAM bootstrap brokers when IAM auth is on, else the TLS ones. */
const mskBrokers: Endpoint = (planned, created) => {
  const auth = planned.inputs.clientAuthentication as { sasl?: { iam?: boolean } } | undefined;
  return output(auth?.sasl?.iam ? "bootstrapBrokersSaslIam" : "bootstrapBrokersTls")(
    planned,
    created,
    undefined,
  );
};

/**
 * Aurora: the writer endpoint of the primary cluster; a secondary's writer endpoint is inactive
 * until a failover, so clients there read through its reader endpoint.
 */
const auroraEndpoint: Endpoint = (planned, created) =>
  output(planned.inputs.masterUsername === undefined ? "readerEndpoint" : "endpoint")(
    planned,
    created,
    undefined,
  );

export const ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  "kubernetes:core/v1:Service": serviceDns,
  "aws:dynamodb/table:Table": output("arn"),
  "aws:rds/globalCluster:GlobalCluster": output("arn"),
  "aws:rds/cluster:Cluster": auroraEndpoint,
  "aws:msk/cluster:Cluster": mskBrokers,
  "aws:s3/bucket:Bucket": output("arn"),
  "aws:s3/bucketV2:BucketV2": output("arn"),
};

export function stackOutputs(
  plan: ResourcePlan,
  created: InstantiatedPlan,
  context: {
    readonly topoplanTopology: string;
    readonly clusters: Readonly<Record<string, ClusterSettings>>;
    readonly check?: StackOutputs["check"];
  },
): StackOutputs {
  const resourceCounts: Record<string, number> = {};
  const endpoints: Record<string, Record<string, pulumi.Input<string>[]>> = {};
  const sorted = [...plan.resources].sort((a, b) => byText(a.name, b.name));
  for (const r of sorted) {
    resourceCounts[r.region] = (resourceCounts[r.region] ?? 0) + 1;
    const endpoint = r.component === "" ? undefined : ENDPOINTS[r.type];
    const value = endpoint?.(r, created.get(r.name)!, context.clusters[r.region]);
    if (value === undefined) continue;
    endpoints[r.component] ??= {};
    const byRegion = endpoints[r.component]!;
    byRegion[r.region] ??= [];
    byRegion[r.region]!.push(value);
  }
  return {
    topology: plan.topology,
    topoplanTopology: context.topoplanTopology,
    regions: Object.keys(resourceCounts).sort(),
    resourceCount: plan.resources.length,
    resourceCounts: sortKeys(resourceCounts),
    endpoints: sortKeys(endpoints),
    check: context.check ?? { errors: 0, warnings: 0, unknowns: 0 },
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => byText(a, b)));
}
