/**
 * PostgreSQL on CloudNativePG (https://cloudnative-pg.io/documentation/current/): the primary's
 * region runs a `Cluster` of its replicas (one primary, hot standbys, synchronous replication as
 * declared, automatic failover by the operator); every other region runs a replica cluster that
 * streams from it asynchronously (https://cloudnative-pg.io/documentation/current/replica_cluster/).
 * `local` runs the same settings with Debian's postgresql: what the operator would configure.
 */
import { componentLabels, planned } from "../compile/kubernetes/manifest.js";
import { selector } from "../compile/observability/promql.js";
import type { PlannedResource } from "../compile/plan.js";
import type { Model, ResolvedDatastore } from "../model/types.js";
import { ENGINE_CAPABILITIES } from "./capabilities.js";
import { ENGINE_IMAGES } from "./ids.js";
import { allMembers, memberSets } from "./members.js";
import type { EngineComponent, EngineDefinition, LocalLayout, LocalMember, Member } from "./types.js";

const CAPS = ENGINE_CAPABILITIES.postgresql;
const PORT = CAPS.ports.client;
const ZONE_KEY = "topology.kubernetes.io/zone";
/** Namespace the CloudNativePG operator runs in (its default install). */
export const CNPG_OPERATOR_NAMESPACE = "cnpg-system";
/** The operator talks to each instance manager on this port (https://cloudnative-pg.io/documentation/current/security/). */
const INSTANCE_STATUS_PORT = 8000;

/** What every placement turns into, for the operator's Cluster and for local processes alike. */
export interface PostgresSettings {
  readonly primaryRegion: string;
  /** Members in start order: the primary first. */
  readonly members: readonly Member[];
  /** Standbys a commit waits for among the primary region's own (ANY n); 0 for async. */
  readonly synchronousStandbys: number;
}

export function postgresSettings(store: ResolvedDatastore): PostgresSettings {
  const sets = memberSets(store, "region");
  const primarySet = sets.find((s) => s.region === store.leader) ?? sets[0];
  const primaryRegion = primarySet?.region ?? store.leader;
  const localStandbys = (primarySet?.members.length ?? 1) - 1;
  // The model's sync waits for every replica, semi-sync for one; validation guarantees they are
  // in the primary's region, where the operator can make them synchronous.
  const synchronousStandbys = store.sync === "async" ? 0 : store.sync === "semi-sync" ? 1 : localStandbys;
  const members = allMembers(sets).map((m) =>
    m.region === primaryRegion && m.ordinal === 0
      ? { ...m, role: "primary" as const }
      : { ...m, role: "replica" as const },
  );
  members.sort((a, b) => (a.role === "primary" ? -1 : b.role === "primary" ? 1 : 0));
  return { primaryRegion, members, synchronousStandbys };
}

/** Cluster name per region: CloudNativePG names pods `<cluster>-<n>` and Services `<cluster>-rw`. */
export function clusterName(store: ResolvedDatastore, region: string): string {
  return `${store.name}-${region}`.slice(0, 50).replace(/-+$/, "");
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
        {
          maxSkew: 1,
          topologyKey: ZONE_KEY,
          whenUnsatisfiable: "DoNotSchedule",
          labelSelector: { matchLabels: { "cnpg.io/cluster": name } },
        },
      ],
      postgresql: {
        parameters: { max_wal_senders: "10", hot_standby: "on" },
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
                  host: `${primary}-rw.${namespace}.svc.clusterset.local`,
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
 * `cnpg_pg_stat_database_xact_commit` / `_xact_rollback`. PostgreSQL exports no request latency
 * histogram, so a latency SLO has no indicator here. Availability is time-based: the share of
 * time an instance answers as a primary (not in recovery).
 */
function indicators(component: EngineComponent) {
  const sel = selector(component.name);
  const primaryUp = `max(1 - cnpg_pg_replication_in_recovery${sel})`;
  return {
    requestRate: (w: string) =>
      `sum(rate(cnpg_pg_stat_database_xact_commit${sel}[${w}])) + sum(rate(cnpg_pg_stat_database_xact_rollback${sel}[${w}]))`,
    errorRatio: (w: string) => `1 - avg_over_time((${primaryUp})[${w}:30s])`,
    replicationLagSeconds: `max(cnpg_pg_replication_lag${sel})`,
    leaderPresent: primaryUp,
    presence: {
      availability: `cnpg_pg_replication_in_recovery${sel}`,
      replicationLag: `cnpg_pg_replication_lag${sel}`,
    },
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

/** The exporter queries CloudNativePG runs by default, for the local exporter (same metric names). */
export const CNPG_DEFAULT_QUERIES = `cnpg_pg_replication:
  query: "SELECT CASE WHEN (NOT pg_catalog.pg_is_in_recovery() OR pg_catalog.pg_last_wal_receive_lsn() = pg_catalog.pg_last_wal_replay_lsn()) THEN 0 ELSE GREATEST (0, EXTRACT(EPOCH FROM (now() - pg_catalog.pg_last_xact_replay_timestamp()))) END AS lag, pg_catalog.pg_is_in_recovery()::int AS in_recovery, (SELECT count(*) FROM pg_catalog.pg_stat_replication) AS streaming_replicas"
  metrics:
    - lag:
        usage: "GAUGE"
        description: "Replication lag behind primary in seconds"
    - in_recovery:
        usage: "GAUGE"
        description: "Whether the instance is in recovery"
    - streaming_replicas:
        usage: "GAUGE"
        description: "Number of streaming replicas connected to the instance"
cnpg_pg_stat_database:
  query: "SELECT datname, xact_commit, xact_rollback FROM pg_catalog.pg_stat_database WHERE datname IS NOT NULL"
  metrics:
    - datname:
        usage: "LABEL"
        description: "Name of the database"
    - xact_commit:
        usage: "COUNTER"
        description: "Transactions committed"
    - xact_rollback:
        usage: "COUNTER"
        description: "Transactions rolled back"
`;

const BIN = "/usr/lib/postgresql/15/bin";

/**
 * Local members: what the operator configures, with Debian's PostgreSQL — the primary from
 * initdb, standbys from pg_basebackup streaming from it (application_name = member name),
 * `synchronous_standby_names = ANY n (...)` over the primary region's standbys as CloudNativePG
 * writes it, and postgres_exporter running CloudNativePG's default queries.
 */
function local(model: Model, component: EngineComponent, layout: LocalLayout): LocalMember[] {
  const store = component as ResolvedDatastore;
  const settings = postgresSettings(store);
  const primary = settings.members[0];
  if (primary === undefined) return [];
  const localStandbys = settings.members.filter(
    (m) => m.region === settings.primaryRegion && m.role === "replica",
  );
  const syncNames =
    settings.synchronousStandbys > 0
      ? `ANY ${settings.synchronousStandbys} (${localStandbys.map((m) => `"${m.name}"`).join(", ")})`
      : "";
  void model;
  return settings.members.map((member) => {
    const dir = layout.dataDir(member);
    const pgdata = `${dir}/pgdata`;
    const address = layout.address(member);
    const hba = [
      "local all all trust",
      // The members' own addresses: every member may replicate from every other.
      ...settings.members.map((m) => `host all,replication all ${layout.address(m)}/32 trust`),
      // The run's own networks (loopback on one host; the lab's relays and sites), where peers and
      // clients connect from; nothing else is admitted.
      ...layout.networks.map((cidr) => `host all,replication all ${cidr} trust`),
    ].join("\n");
    const common = [
      `-c`,
      `listen_addresses=${address}`,
      `-c`,
      `port=${PORT}`,
      `-c`,
      `unix_socket_directories=${dir}`,
      `-c`,
      `hba_file=${dir}/pg_hba.conf`,
      `-c`,
      "wal_level=replica",
      `-c`,
      "max_wal_senders=10",
      `-c`,
      "hot_standby=on",
      `-c`,
      "fsync=on",
    ];
    const isPrimary = member.role === "primary";
    const command = isPrimary
      ? [`${BIN}/postgres`, "-D", pgdata, ...common, "-c", `synchronous_standby_names=${syncNames}`]
      : [
          `${BIN}/postgres`,
          "-D",
          pgdata,
          ...common,
          "-c",
          `primary_conninfo=host=${layout.address(primary)} port=${PORT} user=postgres application_name=${member.name}`,
        ];
    const setup = isPrimary
      ? [[`${BIN}/initdb`, "-D", pgdata, "-U", "postgres", "--auth=trust", "--no-sync"]]
      : [
          [
            `${BIN}/pg_basebackup`,
            "-h",
            layout.address(primary),
            "-p",
            String(PORT),
            "-U",
            "postgres",
            "-D",
            pgdata,
            "-X",
            "stream",
            "-R",
          ],
        ];
    return {
      member,
      debianPackage: "postgresql",
      command,
      env: {},
      files: { [`${dir}/pg_hba.conf`]: `${hba}\n`, [`${dir}/queries.yaml`]: CNPG_DEFAULT_QUERIES },
      setup,
      clientPort: PORT,
      peerPort: PORT,
      metrics: { port: CAPS.ports.metrics, path: CAPS.metricsPath },
      runAs: "postgres",
      sidecars: [
        {
          name: `${member.name}-exporter`,
          command: [
            "/usr/bin/prometheus-postgres-exporter",
            `--web.listen-address=${address}:${CAPS.ports.metrics}`,
            `--extend.query-path=${dir}/queries.yaml`,
          ],
          env: {
            DATA_SOURCE_NAME: `host=${address} port=${PORT} user=postgres dbname=postgres sslmode=disable`,
          },
        },
      ],
    };
  });
}

export const postgresql: EngineDefinition = {
  id: "postgresql",
  capabilities: CAPS,
  requires: [
    "cloudnative-pg operator (namespace cnpg-system)",
    "multicluster-services (for replica clusters in other regions)",
  ],
  managedBy: "operator",
  podMetricsPort: "metrics",
  metricNames: [
    "cnpg_pg_replication_lag",
    "cnpg_pg_replication_in_recovery",
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
    ];
  },
  local,
};
