/**
 * CockroachDB: every range is a Raft group; nodes find each other through `--join` and place
 * replicas by their `--locality`. One StatefulSet per zone: a pod cannot read its node's zone label
 * through the downward API, so pinning each StatefulSet to one zone (required node affinity) makes
 * `--locality=region=<r>,zone=<z>` a static argument that is true for every pod of the set.
 *
 * Secure mode only (https://www.cockroachlabs.com/docs/v24.3/secure-a-cluster): node certificates
 * from the Secret `<component>-node-certs` (ca.crt, node.crt, node.key; SANs for every member's
 * host names — cluster-local, and clusterset with several regions — and the client Service, by
 * its clusterset name too where callers run in regions without members) and root client
 * certificates from `<component>-client-root`
 * (ca.crt, client.root.crt, client.root.key) — created by the operator of the cluster, listed in
 * `requires`. The first region runs `cockroach init` once and the placement SQL
 * (cockroachdb-placement.ts) as Jobs.
 */
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { Placed } from "../compile/kubernetes/placements.js";
import type { EngineContainer } from "../compile/kubernetes/pod.js";
import { objectNames, statefulSetResource } from "../compile/kubernetes/workloads.js";
import { kubernetesName } from "../compile/names.js";
import { selector } from "../compile/observability/promql.js";
import type { PlannedResource } from "../compile/plan.js";
import type { Model, ResolvedDatastore } from "../model/types.js";
import { shellQuote } from "../shell.js";
import { ENGINE_CAPABILITIES } from "./capabilities.js";
import {
  conversionStatements,
  DATABASE_REGION_PREFIX,
  databaseName,
  databaseRegionsQuery,
  placementStatements,
  REGION_COUNT_PREFIX,
  regionCountQuery,
  revertStatements,
  STALE_PREFIX,
  staleRegionsQuery,
} from "./cockroachdb-placement.js";
import { retryScript, retryShell, setupJobResources } from "./jobs.js";
import { allMembers, MCS_NOT_READY_RECORDS, type MemberSet, memberSets, peerHost } from "./members.js";
import type { EngineComponent, EngineDefinition, Indicators, Member } from "./types.js";

const CAPS = ENGINE_CAPABILITIES.cockroachdb;
const PORTS = CAPS.ports;
const BINARY = "/cockroach/cockroach";
const DATA_DIR = "/cockroach/cockroach-data";
const CERTS_DIR = "/cockroach/cockroach-certs";
/**
 * The image supports running as a non-root user; CockroachDB's Helm chart runs it as UID/GID 1000
 * (https://github.com/cockroachdb/helm-charts, `securityContext`).
 */
const USER_ID = 1000;
/** `--join` lists at most this many members per region (docs: "3-5 nodes", in every region). */
const JOIN_PER_REGION = 3;

/** Secrets the cluster's operator provides (see the file comment). */
export const cockroachSecrets = (component: string) => ({
  node: kubernetesName([component, "node-certs"]),
  clientRoot: kubernetesName([component, "client-root"]),
});

interface Cluster {
  readonly sets: readonly MemberSet[];
  /** A member's name as seen from region `from` (members.ts peerHost); without it, from anywhere. */
  readonly hostOf: (member: Member, from?: string) => string;
}

function cluster(store: ResolvedDatastore, namespace: string): Cluster {
  const sets = memberSets(store, "zone");
  const multiRegion = new Set(sets.map((s) => s.region)).size > 1;
  const peers = objectNames(store.name).peers;
  return { sets, hostOf: (m, from) => peerHost(m, peers, namespace, multiRegion, from) };
}

/**
 * Up to three members of every region, in member order, named as nodes of `region` reach them:
 * the same members on every node, the region's own by their local names.
 */
export function joinHosts(c: Cluster, region: string): string[] {
  const byRegion = new Map<string, Member[]>();
  for (const m of allMembers(c.sets)) byRegion.set(m.region, [...(byRegion.get(m.region) ?? []), m]);
  return [...byRegion.values()].flatMap((ms) =>
    ms.slice(0, JOIN_PER_REGION).map((m) => `${c.hostOf(m, region)}:${PORTS.client}`),
  );
}

/**
 * `cockroach start` flags (https://www.cockroachlabs.com/docs/v24.3/cockroach-start#flags):
 * `--listen-addr` on every interface, `--advertise-addr` the member's own peer host name (what
 * other nodes dial), and with several regions `--locality-advertise-addr` its local name for nodes
 * of its own region (first match wins; cockroachdb/docs#5941), so they do not wait for the
 * clusterset name that exists only once the member is ready. Across regions that is not enough:
 * since v23.1 a node answers the first heartbeat of a new connection only after dialling the caller
 * back at its advertised address (`rpc.dialback.enabled`, default true: pkg/rpc `VerifyDialback`,
 * BLOCKING for a node that has no id yet), so a joining node in another region is refused until
 * its clusterset name resolves, and it turns ready (`/health?ready=1`) only once joined: across
 * regions the MCS implementation must publish not-ready endpoints (`requires`). The peers Service
 * sets `publishNotReadyAddresses`, so its EndpointSlices mark every endpoint ready
 * (kubernetes/endpointslice `podToEndpoint`): implementations that follow that condition do.
 * `--http-addr` the DB Console port that also serves `/health` and
 * `/_status/vars`, the store on the data volume, `--cache` and `--max-sql-memory` at 25% each of
 * the container's memory limit (docs, "Recommended production settings": `.25` each; CockroachDB
 * reads the cgroup limit).
 */
export function cockroachArgs(c: Cluster, set: MemberSet): string[] {
  const own = set.members[0];
  const self = own === undefined ? undefined : { ...own, name: "$(POD_NAME)" };
  const ownHost = self === undefined ? "" : c.hostOf(self);
  const localHost = self === undefined ? "" : c.hostOf(self, set.region);
  return [
    "start",
    `--join=${joinHosts(c, set.region).join(",")}`,
    `--locality=region=${set.region},zone=${set.zone ?? set.region}`,
    `--advertise-addr=${ownHost}:${PORTS.client}`,
    ...(localHost === ownHost
      ? []
      : [`--locality-advertise-addr=region=${set.region}@${localHost}:${PORTS.client}`]),
    `--listen-addr=:${PORTS.client}`,
    `--http-addr=:${PORTS.metrics}`,
    `--store=path=${DATA_DIR}`,
    `--certs-dir=${CERTS_DIR}`,
    "--cache=25%",
    "--max-sql-memory=25%",
  ];
}

/** Projected Secret with the files cockroach expects, read-only for the owner. */
function certsVolume(name: string, secret: string, files: Readonly<Record<string, string>>): IVolume {
  return {
    name,
    projected: {
      // 0400; the kubelet still adds group read when fsGroup is set (kubernetes/kubernetes#57923).
      defaultMode: 0o400,
      sources: [
        { secret: { name: secret, items: Object.entries(files).map(([key, path]) => ({ key, path })) } },
      ],
    },
  };
}

/**
 * cockroach refuses key files with any group permission; the kubelet makes Secret files
 * group-readable whenever fsGroup is set (kubernetes/kubernetes#57923), so the check is skipped —
 * the files sit in the pod's own tmpfs, readable by its one user and group.
 */
const SKIP_KEY_PERMISSION_CHECK = { name: "COCKROACH_SKIP_KEY_PERMISSION_CHECK", value: "true" };

function container(c: Cluster, set: MemberSet, component: string): EngineContainer {
  // Secure mode: the DB Console (and so /health) speaks HTTPS.
  const health = (path: string) => ({ httpGet: { path, port: PORTS.metrics, scheme: "HTTPS" as const } });
  return {
    command: [BINARY],
    args: cockroachArgs(c, set),
    env: [SKIP_KEY_PERMISSION_CHECK],
    userId: USER_ID,
    dataMountPath: DATA_DIR,
    zones: set.zones,
    volumes: [
      certsVolume("certs", cockroachSecrets(component).node, {
        "ca.crt": "ca.crt",
        "node.crt": "node.crt",
        "node.key": "node.key",
      }),
    ],
    volumeMounts: [{ name: "certs", mountPath: CERTS_DIR, readOnly: true }],
    probes: {
      // https://www.cockroachlabs.com/docs/v24.3/monitoring-and-alerting#health-ready-1: 503 until
      // the node is live and accepting SQL; as in CockroachDB's Kubernetes manifests.
      readinessProbe: {
        ...health("/health?ready=1"),
        initialDelaySeconds: 10,
        periodSeconds: 5,
        failureThreshold: 2,
      },
      // /health answers while the process runs: a node cut off from its peers is not restarted.
      livenessProbe: { ...health("/health"), initialDelaySeconds: 30, periodSeconds: 5, failureThreshold: 6 },
    },
  };
}

/** The init and placement Jobs, from the first region (`cockroach init` must run exactly once). */
function setupJobs(model: Model, store: ResolvedDatastore, c: Cluster, placed: Placed): PlannedResource[] {
  const first = allMembers(c.sets)[0];
  if (first === undefined) return [];
  // The Jobs run in the first member's region (`placed`), before any member is ready.
  const host = `--host=${c.hostOf(first, first.region)}:${PORTS.client}`;
  const certs = `--certs-dir=${CERTS_DIR}`;
  const common = {
    image: placed.deploy.image,
    userId: USER_ID,
    env: [SKIP_KEY_PERMISSION_CHECK],
    volumes: [
      certsVolume("client-certs", cockroachSecrets(store.name).clientRoot, {
        "ca.crt": "ca.crt",
        "client.root.crt": "client.root.crt",
        "client.root.key": "client.root.key",
      }),
    ],
    volumeMounts: [{ name: "client-certs", mountPath: CERTS_DIR, readOnly: true }],
  };
  // https://www.cockroachlabs.com/docs/v24.3/cockroach-init: run once against any node; a second
  // run fails with "cluster has already been initialized", which counts as done.
  const init = retryScript([BINARY, "init", host, certs], "cluster has already been initialized");
  const sql = placementScript(store, [BINARY, "sql", host, certs], placementStatements(model, store));
  return [
    ...setupJobResources(model.name, placed, { ...common, suffix: "init", script: init }, PORTS.client),
    ...setupJobResources(model.name, placed, { ...common, suffix: "placement", script: sql }, PORTS.client),
  ];
}

/**
 * The placement Job's script; only words the queries prefixed are read back, and a region only if
 * it is a region code, each then dropped with one `DROP REGION`.
 * - Zone-configuration form: the database created; a database the multi-region form made turned
 *   back into one without regions (cockroachdb-placement.ts `databaseRegionsQuery`,
 *   `revertStatements`: its regions dropped, the primary last); then the zone configuration.
 * - Multi-region form: the database created; converted when it has no regions (one the
 *   zone-configuration form made: `conversionStatements`); the other statements; then every
 *   database region outside the placement dropped (`staleRegionsQuery`), after the primary and
 *   secondary regions are set (neither can be dropped).
 */
export function placementScript(
  store: ResolvedDatastore,
  client: readonly string[],
  statements: readonly string[],
): string {
  const run = (...words: string[]) => [...client, ...words].map(shellQuote).join(" ");
  // One `--execute` per statement, not one joined batch (since CockroachDB v22.1 the statements of
  // one batch share one implicit transaction: cockroach#76834): one schema change at a time, as the
  // multi-region docs run them. That the CLI sends each `--execute` as a batch of its own is from
  // its synopsis, not run here. Every statement is idempotent: a failure exits non-zero and the Job
  // runs them all again.
  const execute = (sql: readonly string[]) => run(...sql.map((statement) => `--execute=${statement};`));
  // placementStatements begins with CREATE DATABASE: what the database's regions call for goes
  // between it and the rest.
  const [create, ...rest] = statements;
  // The database name is an SQL identifier of [a-z0-9_] (databaseName): safe inside "…".
  const drop = `${run()} "--execute=ALTER DATABASE \\"${databaseName(store.name)}\\" DROP REGION \\"$r\\""`;
  /** Each region a query (prefixed words) lists, dropped in its order; the Job retries on any failure. */
  const dropListed = (variable: string, prefix: string) =>
    [
      `for w in $${variable}; do`,
      `case "$w" in ${prefix}*) r="\${w#${prefix}}" ;; *) continue ;; esac;`,
      `case "$r" in ""|*[!a-z0-9-]*) echo "not a region code: $r"; exit 1 ;; esac;`,
      `${drop} || exit 1;`,
      "done",
    ].join(" ");
  const stale = staleRegionsQuery(store);
  // No pathname expansion of the words read back (a header such as `?column?` is a glob).
  if (stale === undefined)
    return retryShell(
      [
        `{ set -f; ${execute([create!])}`,
        `&& regions=$(${run("--format=tsv", `--execute=${databaseRegionsQuery(store)}`)})`,
        `&& case " $(echo $regions) " in *" ${DATABASE_REGION_PREFIX}"*) ${execute(revertStatements(store))} ;; esac`,
        `&& ${dropListed("regions", DATABASE_REGION_PREFIX)}`,
        `&& ${execute(rest)}; }`,
      ].join(" "),
    );
  return retryShell(
    [
      `{ set -f; ${execute([create!])}`,
      `&& count=$(${run("--format=tsv", `--execute=${regionCountQuery(store)}`)})`,
      `&& case " $(echo $count) " in`,
      `*" ${REGION_COUNT_PREFIX}0 "*) ${execute(conversionStatements(store))} ;;`,
      `*" ${REGION_COUNT_PREFIX}"[1-9]*) true ;;`,
      `*) echo "no region count: $count"; false ;; esac`,
      `&& ${execute(rest)}`,
      `&& regions=$(${run("--format=tsv", `--execute=${stale}`)})`,
      `&& ${dropListed("regions", STALE_PREFIX)}; }`,
    ].join(" "),
  );
}

/**
 * Metrics of `/_status/vars` (Prometheus text; CockroachDB's dotted names with `.` → `_`), as
 * CockroachDB lists them:
 * - `sql.service.latency` (histogram, NANOSECONDS: "Latency of SQL request execution"),
 *   `sql.query.count`, `sql.failure.count` ("statements resulting in a planning or runtime error"):
 *   cockroachdb/cockroach `pkg/sql/exec_util.go` (MetaSQLServiceLatency, MetaQueryExecuted,
 *   MetaFailure); `sql.exec.latency`, `sql.select.count`, `sql.insert.count`, `sql.update.count`,
 *   `sql.delete.count` from the same file.
 * - `ranges.unavailable` ("ranges with fewer live replicas than needed for quorum"),
 *   `ranges.underreplicated`, `replicas.leaders`, `replicas.leaseholders`: cockroachdb/docs
 *   `src/current/_data/v24.3/metrics/metrics-list.csv`.
 * - `liveness.livenodes`: `pkg/kv/kvserver/liveness` (metaLiveNodes).
 * CockroachDB's own alert rules use the same names (`monitoring/rules/alerts.rules.yml`:
 * `sql_query_count`, `ranges_unavailable`, `liveness_livenodes`; `aggregation.rules.yml`:
 * `sql_exec_latency_bucket`).
 */
export const COCKROACH_METRICS = [
  "sql_service_latency_bucket",
  "sql_service_latency_sum",
  "sql_service_latency_count",
  "sql_exec_latency_bucket",
  "sql_query_count",
  "sql_failure_count",
  "sql_select_count",
  "sql_insert_count",
  "sql_update_count",
  "sql_delete_count",
  "ranges_unavailable",
  "ranges_underreplicated",
  "replicas_leaders",
  "replicas_leaseholders",
  "liveness_livenodes",
] as const;

/** CockroachDB histograms count nanoseconds (metric.Unit_NANOSECONDS); the indicators want seconds. */
const NANOSECONDS = 1e-9;

/**
 * Availability: failed statements over executed statements. Known limit: `sql.failure.count`
 * ("statements resulting in a planning or runtime error", MetaFailure) counts every error a client
 * is sent, with no code to tell them apart — constraint violations, syntax and permission errors,
 * and serialization failures (SQLSTATE 40001) that the client is expected to retry, besides
 * unavailability (ranges without quorum, timeouts). CockroachDB exports no count of server-side
 * failures alone, so an application bug or heavy contention burns this error budget too, unlike
 * the HTTP indicators (5xx only). Read a burn-rate alert with the failing statements beside it
 * (DB Console Insights, `crdb_internal.node_statement_statistics`). Latency: `sql.service.latency`, the
 * server-side time of a SQL request (parse, plan, execute), so the one histogram holds reads and
 * writes. Leader: every range has a quorum (`ranges_unavailable` sums to 0): CockroachDB has a
 * Raft leader per range, not one per cluster. No replication-lag metric in seconds exists.
 */
function indicators(component: EngineComponent): Indicators {
  const s = selector(component.name);
  return {
    requestRate: (w) => `sum(rate(sql_query_count${s}[${w}]))`,
    errorRatio: (w) =>
      `(sum(rate(sql_failure_count${s}[${w}])) or vector(0)) / sum(rate(sql_query_count${s}[${w}]))`,
    avgLatencySeconds: `(sum(rate(sql_service_latency_sum${s}[5m])) / sum(rate(sql_service_latency_count${s}[5m]))) * ${NANOSECONDS}`,
    p99LatencySeconds: `histogram_quantile(0.99, sum by (le) (rate(sql_service_latency_bucket${s}[5m]))) * ${NANOSECONDS}`,
    leaderPresent: `sum(ranges_unavailable${s}) == bool 0`,
    presence: {
      availability: `sql_query_count${s}`,
      latency: `sql_service_latency_bucket${s}`,
    },
  };
}

export const cockroachdb: EngineDefinition = {
  id: "cockroachdb",
  capabilities: CAPS,
  requires: [
    // A caller in a region without members dials the client Service's clusterset name
    // (endpoints.ts clientEndpoint) and, with sslmode=verify-full, checks it against node.crt.
    "Secret <component>-node-certs (ca.crt, node.crt, node.key; SANs: every member's peer host names, its cluster-local one and with several regions its clusterset one, and the client Service as <component>.<namespace>.svc.cluster.local and, where a caller runs in a region without members, <component>.<namespace>.svc.clusterset.local)",
    "Secret <component>-client-root (ca.crt, client.root.crt, client.root.key)",
    "multicluster-services with a flat pod network (for members in several regions)",
    // A node joins only once the node it dials has dialled it back at its advertised (clusterset)
    // name, and it turns ready only after joining; see cockroachArgs.
    MCS_NOT_READY_RECORDS,
    "a CockroachDB license key for multi-region SQL (survive: region)",
  ],
  managedBy: "statefulset",
  // `cockroach init` and the placement SQL run in Jobs without a sidecar (jobs.ts); the port still
  // demands TLS with a client certificate signed by the cluster's CA (secure mode only).
  sidecarlessClients: [{ port: PORTS.client, from: "the init and placement Jobs" }],
  // Secure mode serves /_status/vars over HTTPS only; the node certificate names the client Service.
  scrapeTls: (component, namespace) => ({
    caSecret: { name: cockroachSecrets(component.name).node, key: "ca.crt" },
    serverName: `${kubernetesName([component.name])}.${namespace}.svc.cluster.local`,
  }),
  metricNames: COCKROACH_METRICS,
  indicators,
  compileRegion({ model, component, placed, regions }) {
    const store = component as ResolvedDatastore;
    const c = cluster(store, placed.namespace);
    const own = c.sets.filter((s) => s.region === placed.region);
    return [
      ...own.map((set) =>
        statefulSetResource(model.name, placed, {
          name: set.statefulSet,
          replicas: set.members.length,
          engine: container(c, set, store.name),
        }),
      ),
      ...(placed.region === regions[0] ? setupJobs(model, store, c, placed) : []),
    ];
  },
};
