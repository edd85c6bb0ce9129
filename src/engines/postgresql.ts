/**
 * PostgreSQL on CloudNativePG (https://cloudnative-pg.io/documentation/current/): the primary's
 * region runs a `Cluster` of its replicas (one primary, hot standbys, synchronous replication as
 * declared, automatic failover by the operator); every other region runs a replica cluster that
 * streams from it asynchronously (https://cloudnative-pg.io/documentation/current/replica_cluster/).
 * `local` runs the same settings with Debian's postgresql: what the operator would configure
 * (postgresql-local.ts).
 */
import { crossRegionClientPort, type OnKubernetes } from "../compile/kubernetes/endpoints.js";
import { componentLabels, planned } from "../compile/kubernetes/manifest.js";
import { zoneSpread } from "../compile/kubernetes/pod.js";
import { serviceExport } from "../compile/kubernetes/workloads.js";
import { selector } from "../compile/observability/promql.js";
import type { PlannedResource } from "../compile/plan.js";
import type { Model, ResolvedDatastore } from "../model/types.js";
import { ENGINE_CAPABILITIES } from "./capabilities.js";
import { ENGINE_IMAGES } from "./ids.js";
import { postgresqlLocal } from "./postgresql-local.js";
import { replicationIndicators } from "./postgresql-replication.js";
import { postgresSettings } from "./postgresql-settings.js";
import { apiServerEgress } from "./security.js";
import type { EngineComponent, EngineDefinition } from "./types.js";

const CAPS = ENGINE_CAPABILITIES.postgresql;
const ZONE_KEY = "topology.kubernetes.io/zone";
/** Namespace the CloudNativePG operator runs in (its default install). */
export const CNPG_OPERATOR_NAMESPACE = "cnpg-system";
/** The operator talks to each instance manager on this port (https://cloudnative-pg.io/documentation/current/security/). */
const INSTANCE_STATUS_PORT = 8000;

/** Cluster name per region: CloudNativePG names pods `<cluster>-<n>` and Services `<cluster>-rw`. */
export function clusterName(store: ResolvedDatastore, region: string): string {
  return `${store.name}-${region}`.slice(0, 50).replace(/-+$/, "");
}

/**
 * The primary cluster's read-write Service as the other regions' clusters reach it: exported to
 * the clusterset (MCS). Replica clusters connect to it with `sslmode: verify-full`, so the
 * primary's server certificate must name it (CloudNativePG's own names stop at the cluster
 * domain: `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`, `<svc>.<ns>.svc.cluster.local`).
 */
export function primaryClustersetHost(primary: string, namespace: string): string {
  return `${primary}-rw.${namespace}.svc.clusterset.local`;
}

function clusterResource(
  model: Model,
  store: ResolvedDatastore,
  region: string,
  namespace: string,
): Record<string, unknown> {
  const settings = postgresSettings(store);
  const deploy = store.deploy.target === "kubernetes" ? store.deploy : undefined;
  const placement = store.placement.find((p) => p.region === region);
  const name = clusterName(store, region);
  const primary = clusterName(store, settings.primaryRegion);
  const isPrimary = region === settings.primaryRegion;
  const replicaRegions = store.placement.filter((p) => p.replicas > 0 && p.region !== settings.primaryRegion);
  const labels = componentLabels(model.name, {
    kind: "datastore",
    name: store.name,
    region,
  } as Parameters<typeof componentLabels>[1]);
  return {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: { name, namespace, labels },
    spec: {
      instances: placement?.replicas ?? 1,
      imageName: deploy?.image ?? ENGINE_IMAGES.postgresql.image,
      // Pods and Services the operator makes carry the component's labels: NetworkPolicies and
      // the PodMonitor select them like any other component.
      inheritedMetadata: { labels },
      primaryUpdateStrategy: "unsupervised",
      // Operator-made certificates, plus the clusterset name the replica clusters verify (see
      // primaryClustersetHost).
      ...(isPrimary && replicaRegions.length > 0
        ? { certificates: { serverAltDNSNames: [primaryClustersetHost(primary, namespace)] } }
        : {}),
      storage: {
        size: `${deploy?.storageGi ?? 100}Gi`,
        ...(deploy?.storageClass === undefined ? {} : { storageClass: deploy.storageClass }),
      },
      resources: {
        requests: { cpu: deploy?.cpu ?? "500m", memory: deploy?.memory ?? "1Gi" },
        limits: { memory: deploy?.memory ?? "1Gi" },
      },
      affinity: {
        // One instance per node; instances spread over the placement's zones.
        enablePodAntiAffinity: true,
        podAntiAffinityType: "required",
        topologyKey: "kubernetes.io/hostname",
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: ZONE_KEY, operator: "In", values: [...(placement?.zones ?? [])].sort() },
                ],
              },
            ],
          },
        },
      },
      topologySpreadConstraints: [
        zoneSpread({ "cnpg.io/cluster": name }, placement?.zones.length ?? 0, placement?.replicas ?? 1),
      ],
      postgresql: {
        // Only settings the operator lets a user set: its webhook refuses the ones it fixes
        // (hot_standby among them, always on; FixedConfigurationParameters in CloudNativePG's
        // pkg/postgres/configuration.go).
        parameters: { max_wal_senders: "10" },
        ...(isPrimary && settings.synchronousStandbys > 0
          ? {
              // Quorum-based synchronous replication among this cluster's standbys
              // (https://cloudnative-pg.io/documentation/current/replication/#synchronous-replication):
              // a commit waits for `number` of them; `required` blocks writes rather than degrade.
              synchronous: {
                method: "any",
                number: settings.synchronousStandbys,
                dataDurability: "required",
              },
            }
          : {}),
      },
      ...(isPrimary
        ? { bootstrap: { initdb: { database: "app", owner: "app" } } }
        : {
            replica: { enabled: true, source: primary },
            bootstrap: { pg_basebackup: { source: primary } },
            externalClusters: [
              {
                name: primary,
                // The primary cluster's read-write Service, exported to the clusterset (MCS).
                connectionParameters: {
                  host: primaryClustersetHost(primary, namespace),
                  user: "streaming_replica",
                  sslmode: "verify-full",
                  dbname: "postgres",
                },
                // The primary cluster's replication client certificate and CA, copied into this
                // region's namespace (a documented prerequisite).
                sslKey: { name: `${primary}-replication`, key: "tls.key" },
                sslCert: { name: `${primary}-replication`, key: "tls.crt" },
                sslRootCert: { name: `${primary}-ca`, key: "ca.crt" },
              },
            ],
          }),
    },
  };
}

/**
 * Indicators over the CloudNativePG exporter's default metrics
 * (https://cloudnative-pg.io/documentation/current/monitoring/, `default-monitoring.yaml`):
 * `cnpg_pg_replication_lag` (seconds), `cnpg_pg_replication_in_recovery`,
 * `cnpg_pg_stat_database_xact_commit` / `_xact_rollback`; the WAL receiver's link and the primary's
 * count of standbys, since the lag reads 0 on a standby cut off from the primary
 * (postgresql-replication.ts). PostgreSQL exports no request latency
 * histogram, so a latency SLO has no indicator here. Availability is time-based: the share of
 * time an instance answers as a primary (not in recovery). That holds in the primary's region
 * only: every instance of a replica cluster, its designated primary too, is in recovery
 * (`pg_is_in_recovery()`), so there a "no primary" alert would page forever and the error ratio
 * read 100%; a replica region's Prometheus gets the lag and the transaction rate.
 *
 * No primary to be seen counts as down, not as a gap: when Prometheus has the component's scrape
 * targets (`up`, 0 while it cannot scrape them) but no instance reports `in_recovery` (every
 * instance or its exporter unreachable), `primaryUp` is 0, so a full outage inside a window is
 * errors in the SLI (`avg_over_time` of a subquery averages only the steps that have a sample). The
 * fallback needs `up`, so the time before the cluster existed, or while Prometheus itself was down,
 * stays a gap rather than an outage. Parenthesised: `or` binds looser than the `== 0` after it.
 *
 * With synchronous standbys (semi-sync, sync), a primary that is up commits nothing while fewer
 * than `synchronousStandbys` of its region's standbys stream from it: the Cluster's
 * `dataDurability: required` makes commits wait (CloudNativePG, "Synchronous replication"). That
 * time counts as errors too: `commitsFlow` is 0 while fewer standbys in this region's Prometheus
 * report a WAL receiver up (a replica cluster's designated primary streams too, but from another
 * region: it is not a synchronous candidate, and the primary's own count would include it). A
 * standby whose exporter cannot be scraped counts as not streaming (its member-down alert says so).
 */
function indicators(component: EngineComponent, region?: string) {
  const sel = selector(component.name);
  const primaryUp = `(max(1 - cnpg_pg_replication_in_recovery${sel}) or on() (0 * max(up${sel})))`;
  const needed = postgresSettings(component as ResolvedDatastore).synchronousStandbys;
  const streaming = `count(cnpg_pg_replication_is_wal_receiver_up${sel} == 1 and on(instance) (cnpg_pg_replication_in_recovery${sel} == 1))`;
  // No standby streaming is 0 while the targets exist (as primaryUp), not a gap; not vector(0),
  // which would make every step of a 3-day window a sample of its own.
  const commitsFlow = `((${streaming}) or on() (0 * max(up${sel}))) >= bool ${needed}`;
  const serving = needed === 0 ? primaryUp : `(${primaryUp} * on() (${commitsFlow}))`;
  const replicaRegion =
    region !== undefined && region !== postgresSettings(component as ResolvedDatastore).primaryRegion;
  const replication = replicationIndicators(component as ResolvedDatastore, region);
  if (replicaRegion)
    return {
      requestRate: (w: string) =>
        `sum(rate(cnpg_pg_stat_database_xact_commit${sel}[${w}])) + sum(rate(cnpg_pg_stat_database_xact_rollback${sel}[${w}]))`,
      ...replication,
    };
  return {
    requestRate: (w: string) =>
      `sum(rate(cnpg_pg_stat_database_xact_commit${sel}[${w}])) + sum(rate(cnpg_pg_stat_database_xact_rollback${sel}[${w}]))`,
    errorRatio: (w: string) => `1 - avg_over_time(${serving}[${w}:30s])`,
    ...replication,
    leaderPresent: primaryUp,
    presence: { availability: `cnpg_pg_replication_in_recovery${sel}`, ...replication.presence },
  };
}

/**
 * The operator reaches each instance's status port; the default-deny policies would block it.
 * Replication between instances uses 5432, already allowed between the component's pods.
 */
function operatorAccess(model: Model, store: ResolvedDatastore, region: string, namespace: string) {
  const policy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: `${store.name}-cnpg-operator`.slice(0, 63),
      namespace,
      labels: { "app.kubernetes.io/part-of": model.name },
    },
    spec: {
      podSelector: {
        matchLabels: { "app.kubernetes.io/name": store.name, "app.kubernetes.io/part-of": model.name },
      },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": CNPG_OPERATOR_NAMESPACE } },
            },
          ],
          ports: [{ port: INSTANCE_STATUS_PORT, protocol: "TCP" }],
        },
      ],
    },
  };
  return planned(region, store.name, policy);
}

export const postgresql: EngineDefinition = {
  id: "postgresql",
  capabilities: CAPS,
  requires: [
    "cloudnative-pg operator (namespace cnpg-system)",
    "multicluster-services (for replica clusters in other regions)",
    "for replica clusters: the primary cluster's <cluster>-replication and <cluster>-ca Secrets copied into each replica region's namespace",
  ],
  managedBy: "operator",
  // Clients read and write through the primary cluster's `-rw` Service: a replica cluster's `-rw`
  // points at its designated primary, a read-only standby. (A caller that only reads stale data
  // could use its own region's `<cluster>-ro`; the topology does not say which calls those are.)
  clientService: (component, region) => `${clusterName(component as ResolvedDatastore, region)}-rw`,
  servingRegions: (component) => [postgresSettings(component as ResolvedDatastore).primaryRegion],
  // The primary region exports its -rw Service (compileRegion below): replica regions' clients reach it.
  clientServiceExported: true,
  // The operator, outside the mesh, polls every instance manager's status port (operatorAccess).
  sidecarlessClients: [
    { port: INSTANCE_STATUS_PORT, from: `the CloudNativePG operator (${CNPG_OPERATOR_NAMESPACE})` },
  ],
  podMetricsPort: "metrics",
  metricNames: [
    "cnpg_pg_replication_lag",
    "cnpg_pg_replication_in_recovery",
    "cnpg_pg_replication_is_wal_receiver_up",
    "cnpg_pg_replication_streaming_replicas",
    "cnpg_pg_stat_database_xact_commit",
    "cnpg_pg_stat_database_xact_rollback",
  ],
  indicators,
  compileRegion({ model, component, placed }): PlannedResource[] {
    const store = component as ResolvedDatastore;
    return [
      planned(
        placed.region,
        store.name,
        clusterResource(model, store, placed.region, placed.namespace) as never,
        {
          protect: true,
          retainOnDelete: true,
        },
      ),
      operatorAccess(model, store, placed.region, placed.namespace),
      // Every instance's manager talks to the API server (bootstrap Jobs included): without this,
      // no instance starts under the default deny (cloudnative-pg discussion #1192, issue #2525).
      planned(
        placed.region,
        store.name,
        apiServerEgress(
          {
            name: `${store.name}-cnpg-api`.slice(0, 63),
            namespace: placed.namespace,
            labels: { "app.kubernetes.io/part-of": model.name },
          },
          { "app.kubernetes.io/name": store.name, "app.kubernetes.io/part-of": model.name },
        ),
      ),
      // The replica clusters of other regions bootstrap and stream from this one's -rw Service by
      // its clusterset name (primaryClustersetHost), and callers in other regions dial it so: export it.
      ...(placed.region === postgresSettings(store).primaryRegion &&
      (store.regions.length > 1 || crossRegionClientPort(model, store as OnKubernetes) !== undefined)
        ? [serviceExport(model.name, placed, `${clusterName(store, placed.region)}-rw`)]
        : []),
    ];
  },
  local: postgresqlLocal,
};
