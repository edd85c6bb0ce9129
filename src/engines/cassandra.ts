/**
 * Apache Cassandra: Dynamo-style replication over a token ring, datacenter = region and rack =
 * zone through the GossipingPropertyFileSnitch. One StatefulSet per zone, so each pod's rack is a
 * static, true setting (a pod cannot read its node's zone label); seeds are the first member of
 * every region; a keyspace Job sets `NetworkTopologyStrategy` replication per region from the
 * declared placement. Metrics come from the criteo/cassandra_exporter sidecar over local JMX.
 *
 * The official image (https://hub.docker.com/_/cassandra, `docker-entrypoint.sh`) writes
 * `CASSANDRA_SEEDS`, `CASSANDRA_CLUSTER_NAME`, `CASSANDRA_ENDPOINT_SNITCH` into `cassandra.yaml`
 * and `CASSANDRA_DC` / `CASSANDRA_RACK` into `cassandra-rackdc.properties`, in place under
 * `$CASSANDRA_CONF`. With a read-only root filesystem the container first copies `/etc/cassandra`
 * to a writable emptyDir and points `CASSANDRA_CONF` there (Cassandra's `cassandra.in.sh` honours
 * it). It runs as the image's `cassandra` user, UID 999.
 */
import type { IContainer } from "kubernetes-models/v1/Container";
import type { Placed } from "../compile/kubernetes/placements.js";
import type { EngineContainer } from "../compile/kubernetes/pod.js";
import { objectNames, statefulSetResource } from "../compile/kubernetes/workloads.js";
import { selector } from "../compile/observability/promql.js";
import type { PlannedResource } from "../compile/plan.js";
import type { ResolvedDatastore } from "../model/types.js";
import { ENGINE_CAPABILITIES } from "./capabilities.js";
import { retryScript, setupJobResources } from "./jobs.js";
import { allMembers, type MemberSet, memberSets, peerHost } from "./members.js";
import { HELPER_RESOURCES, RESTRICTED_CONTAINER } from "./security.js";
import type { EngineComponent, EngineDefinition, Indicators, Member } from "./types.js";

const CAPS = ENGINE_CAPABILITIES.cassandra;
const PORTS = CAPS.ports;
/** The official image's `cassandra` user (docker-library/cassandra Dockerfile: `useradd --uid=999`). */
const USER_ID = 999;
const CONF_DIR = "/config";
const DATA_DIR = "/var/lib/cassandra";
/** The exporter image; its `run.sh` reads `CASSANDRA_EXPORTER_CONFIG_<key>` into config.yml. */
export const EXPORTER_IMAGE = "criteord/cassandra_exporter:2.3.8";
/** Cassandra's JMX port; `cassandra-env.sh` binds it to localhost only (LOCAL_JMX=yes), so only the sidecar reaches it. */
const JMX_PORT = 7199;
/**
 * How long a first start waits for each earlier member to serve before starting without it,
 * seconds. An estimate: a node joins an empty ring in about a minute (Cassandra's 30 s ring delay,
 * schema agreement, no data to stream); the rest leaves room for scheduling and image pulls.
 */
export const JOIN_WAIT_SECONDS = 900;
/** Seconds the JVM is given to open the storage port once the gate has passed (estimate). */
const JVM_START_SECONDS = 600;

interface Cluster {
  readonly sets: readonly MemberSet[];
  /** A member's name as seen from region `from` (members.ts peerHost); without it, from anywhere. */
  readonly hostOf: (member: Member, from?: string) => string;
  readonly name: string;
}

function cluster(topology: string, store: ResolvedDatastore, namespace: string): Cluster {
  const sets = memberSets(store, "zone");
  const multiRegion = new Set(sets.map((s) => s.region)).size > 1;
  const peers = objectNames(store.name).peers;
  return {
    sets,
    hostOf: (m, from) => peerHost(m, peers, namespace, multiRegion, from),
    name: `${topology}-${store.name}`,
  };
}

/**
 * The first member of every region, named as members of `region` reach them: every datacenter
 * bootstraps from a local seed, which resolves before it is ready.
 */
export function seedHosts(c: Cluster, region: string): string[] {
  const seen = new Set<string>();
  return allMembers(c.sets)
    .filter((m) => !seen.has(m.region) && seen.add(m.region) !== undefined)
    .map((m) => c.hostOf(m, region));
}

/**
 * Every member in the order they first join, as members of `region` reach them, as
 * `<pod>=<host>:<CQL port>` words for {@link JOIN_GATE}. A member serves CQL once it has joined the
 * ring; another region's clusterset name resolves only once that member is ready (MCS publishes
 * ready endpoints only), so the same check waits for both.
 */
export function joinOrder(c: Cluster, region: string): string {
  return allMembers(c.sets)
    .map((m) => `${m.name}=${c.hostOf(m, region)}:${PORTS.client}`)
    .join(" ");
}

/**
 * Run before the entrypoint. On a first start (no system keyspace on the volume yet) a node waits
 * until every member before it in TOPOPLAN_JOIN_ORDER serves CQL, each for at most
 * TOPOPLAN_JOIN_WAIT_SECONDS, so nodes join one at a time: Cassandra refuses to bootstrap while
 * another node is bootstrapping ("Other bootstrapping/leaving/moving nodes detected, cannot
 * bootstrap while cassandra.consistent.rangemovement is true", StorageService.joinTokenRing in
 * apache/cassandra), so pods started together crash-loop; and a region's first member starts only
 * once the regions before it serve, so its remote seeds resolve and it joins their ring instead of
 * forming its own. A restart (the volume holds data) starts at once. Bash only: /dev/tcp and
 * coreutils' timeout, both in the official image.
 */
export const JOIN_GATE = [
  `if [ ! -d ${DATA_DIR}/data/system ]; then`,
  "  for entry in $TOPOPLAN_JOIN_ORDER; do",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a template
  '    pod="${entry%%=*}"; address="${entry#*=}"',
  '    if [ "$pod" = "$POD_NAME" ]; then break; fi',
  "    since=$SECONDS",
  `    until timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "\${address%:*}" "\${address##*:}" 2>/dev/null; do`,
  '      if [ $((SECONDS - since)) -ge "$TOPOPLAN_JOIN_WAIT_SECONDS" ]; then',
  '        echo "topoplan: $pod does not serve CQL after $TOPOPLAN_JOIN_WAIT_SECONDS s; starting without it"',
  "        break",
  "      fi",
  "      sleep 2",
  "    done",
  "  done",
  "fi",
].join("\n");

/** Mebibytes of a Kubernetes memory quantity ("4Gi", "512Mi", "2G"). */
export function memoryMiB(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(quantity.trim());
  if (match === null) throw new Error(`memory quantity "${quantity}" is not a Kubernetes quantity`);
  const factor: Record<string, number> = {
    "": 1 / 1048576,
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    Ti: 1048576,
    K: 1e3 / 1048576,
    M: 1e6 / 1048576,
    G: 1e9 / 1048576,
    T: 1e12 / 1048576,
  };
  return Number(match[1]) * (factor[match[2] ?? ""] ?? 1);
}

/** Cores of a CPU quantity ("500m", "2"). */
export function cpuCores(quantity: string): number {
  const q = quantity.trim();
  return q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q);
}

/**
 * `cassandra-env.sh` (`calculate_heap_sizes`) sizes the heap from the host's `free -m`, not the
 * container's limit, so both sizes are set from the limit with the script's own formulas:
 * max heap = max(min(½ RAM, 1024 MB), min(¼ RAM, 8192 MB)); new generation = min(¼ heap, 100 MB
 * per core). The script wants MAX_HEAP_SIZE and HEAP_NEWSIZE set together.
 */
export function heapSizes(memory: string, cpu: string): { maxHeapMiB: number; newGenMiB: number } {
  const ram = memoryMiB(memory);
  const maxHeapMiB = Math.floor(Math.max(Math.min(ram / 2, 1024), Math.min(ram / 4, 8192)));
  const newGenMiB = Math.max(1, Math.floor(Math.min(maxHeapMiB / 4, 100 * Math.max(1, cpuCores(cpu)))));
  return { maxHeapMiB, newGenMiB };
}

function exporter(): IContainer {
  return {
    name: "cassandra-exporter",
    image: EXPORTER_IMAGE,
    env: [
      { name: "CASSANDRA_EXPORTER_CONFIG_host", value: `localhost:${JMX_PORT}` },
      { name: "CASSANDRA_EXPORTER_CONFIG_listenPort", value: String(PORTS.metrics) },
    ],
    resources: HELPER_RESOURCES,
    securityContext: RESTRICTED_CONTAINER,
    // run.sh copies its config.yml to /tmp before starting.
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
  };
}

function container(c: Cluster, set: MemberSet, placed: Placed): EngineContainer {
  const { maxHeapMiB, newGenMiB } = heapSizes(placed.deploy.memory, placed.deploy.cpu);
  const earlier = allMembers(c.sets).length - 1;
  return {
    command: [
      "/bin/bash",
      "-c",
      [
        // -R, not -a: -a also copies the source directory's times onto the volume's root, which
        // root owns (fsGroup changes only its group) and uid 999 may not touch; cp then fails.
        `cp -R /etc/cassandra/. ${CONF_DIR}/ || exit 1`,
        JOIN_GATE,
        "exec docker-entrypoint.sh cassandra -f",
      ].join("\n"),
    ],
    args: [],
    env: [
      { name: "TOPOPLAN_JOIN_ORDER", value: joinOrder(c, set.region) },
      { name: "TOPOPLAN_JOIN_WAIT_SECONDS", value: String(JOIN_WAIT_SECONDS) },
      { name: "CASSANDRA_CONF", value: CONF_DIR },
      // Older docker-entrypoint.sh revisions edit "$CASSANDRA_CONFIG" instead.
      { name: "CASSANDRA_CONFIG", value: CONF_DIR },
      { name: "CASSANDRA_CLUSTER_NAME", value: c.name },
      { name: "CASSANDRA_SEEDS", value: seedHosts(c, set.region).join(",") },
      { name: "CASSANDRA_ENDPOINT_SNITCH", value: "GossipingPropertyFileSnitch" },
      { name: "CASSANDRA_DC", value: set.region },
      { name: "CASSANDRA_RACK", value: set.zone ?? set.region },
      { name: "MAX_HEAP_SIZE", value: `${maxHeapMiB}M` },
      { name: "HEAP_NEWSIZE", value: `${newGenMiB}M` },
    ],
    userId: USER_ID,
    dataMountPath: DATA_DIR,
    zones: set.zones,
    volumes: [
      { name: "config", emptyDir: { sizeLimit: "16Mi" } },
      { name: "logs", emptyDir: { sizeLimit: "1Gi" } },
    ],
    volumeMounts: [
      { name: "config", mountPath: CONF_DIR },
      { name: "logs", mountPath: "/var/log/cassandra" },
    ],
    sidecars: [exporter()],
    probes: {
      // The CQL port opens only once the node has joined the ring and serves clients.
      readinessProbe: {
        tcpSocket: { port: PORTS.client },
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 3,
      },
      // The storage port opens early in start-up (before bootstrap streaming, which can take
      // hours): liveness only asks that the process serves it, once it has first done so. Until
      // then the join gate may wait for every earlier member in turn.
      startupProbe: {
        tcpSocket: { port: PORTS.peer },
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: Math.ceil((earlier * JOIN_WAIT_SECONDS + JVM_START_SECONDS) / 10),
      },
      livenessProbe: {
        tcpSocket: { port: PORTS.peer },
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 6,
      },
    },
  };
}

/** Keyspace of a component: its name with `-` → `_`. */
export function keyspaceName(component: string): string {
  return component.replace(/-/g, "_");
}

/**
 * `NetworkTopologyStrategy` with the declared replicas per datacenter (= region)
 * (https://cassandra.apache.org/doc/4.1/cassandra/architecture/dynamo.html#network-topology-strategy);
 * within a datacenter it places replicas on distinct racks (= zones) first. Created if missing,
 * then altered, so a changed placement is applied on the next run (followed by `nodetool repair`,
 * which stays an operator's step).
 */
export function keyspaceStatements(store: ResolvedDatastore): string[] {
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const perRegion = store.placement
    .filter((p) => p.replicas > 0)
    .map((p) => `${quote(p.region)}: ${p.replicas}`);
  const replication = `{'class': 'NetworkTopologyStrategy', ${perRegion.join(", ")}}`;
  const ks = `"${keyspaceName(store.name).replace(/"/g, '""')}"`;
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = ${replication}`,
    `ALTER KEYSPACE ${ks} WITH replication = ${replication}`,
  ];
}

function keyspaceJob(
  topology: string,
  store: ResolvedDatastore,
  c: Cluster,
  placed: Placed,
): PlannedResource[] {
  const first = allMembers(c.sets)[0];
  if (first === undefined) return [];
  const cql = `${keyspaceStatements(store).join("; ")};`;
  // The Job runs in the first member's region (`placed`).
  const script = retryScript(["cqlsh", c.hostOf(first, first.region), String(PORTS.client), "-e", cql]);
  return setupJobResources(
    topology,
    placed,
    { suffix: "keyspace", image: placed.deploy.image, userId: USER_ID, script },
    PORTS.client,
  );
}

/**
 * The exporter's one gauge `cassandra_stats{cluster, datacenter, keyspace, table, name}`, `name`
 * being the MBean path with `.`, `:type=` and `,key=` turned into `:`, lower-cased, plus the
 * attribute (criteo/cassandra_exporter README and `JmxScraper.getMetricPath`). The ClientRequest
 * MBeans (https://cassandra.apache.org/doc/4.1/cassandra/operating/metrics.html#client-request-metrics)
 * `org.apache.cassandra.metrics:type=ClientRequest,scope=<Read|Write>,name=<Latency|Timeouts|
 * Unavailables|Failures>` become the `name` values below. Latency timers count microseconds
 * (CassandraMetricsRegistry registers JmxTimer with TimeUnit.MICROSECONDS); their percentiles are
 * the JMX reporter's (recent-decaying reservoir), not a Prometheus histogram.
 */
export const CASSANDRA_MBEANS = [
  "org.apache.cassandra.metrics:type=ClientRequest,scope=Read,name=Latency",
  "org.apache.cassandra.metrics:type=ClientRequest,scope=Write,name=Latency",
  "org.apache.cassandra.metrics:type=ClientRequest,scope=Read,name=Timeouts",
  "org.apache.cassandra.metrics:type=ClientRequest,scope=Write,name=Timeouts",
  "org.apache.cassandra.metrics:type=ClientRequest,scope=Read,name=Unavailables",
  "org.apache.cassandra.metrics:type=ClientRequest,scope=Write,name=Unavailables",
  "org.apache.cassandra.metrics:type=ClientRequest,scope=Read,name=Failures",
  "org.apache.cassandra.metrics:type=ClientRequest,scope=Write,name=Failures",
] as const;

const CLIENT_REQUEST = "org:apache:cassandra:metrics:clientrequest";
const MICROSECONDS = 1e-6;

/**
 * Requests: coordinator read and write latency counts. Errors: timeouts, unavailables and
 * failures of the same requests. p99: the largest per-node read or write p99 (an upper bound of
 * the cluster's p99; the exporter exposes percentiles, not buckets). Leaderless: no leader, and
 * no replication-lag metric in seconds (hints are counted, not timed).
 */
function indicators(component: EngineComponent): Indicators {
  const stat = (names: string) =>
    `cassandra_stats${selector(component.name, `name=~"${CLIENT_REQUEST}:${names}"`)}`;
  const requests = stat("(read|write):latency:count");
  const failed = stat("(read|write):(timeouts|unavailables|failures):count");
  const p99 = stat("(read|write):latency:99thpercentile");
  return {
    requestRate: (w) => `sum(rate(${requests}[${w}]))`,
    errorRatio: (w) => `(sum(rate(${failed}[${w}])) or vector(0)) / sum(rate(${requests}[${w}]))`,
    p99LatencySeconds: `max(${p99}) * ${MICROSECONDS}`,
    presence: { availability: requests, latency: p99 },
  };
}

export const cassandra: EngineDefinition = {
  id: "cassandra",
  capabilities: CAPS,
  requires: ["multicluster-services with a flat pod network (for datacenters in several regions)"],
  managedBy: "statefulset",
  // On a first start each member waits for the members before it to serve CQL (JOIN_GATE).
  otherPeerPorts: [PORTS.client],
  // The keyspace Job runs without a sidecar (jobs.ts) and dials CQL in plaintext: Cassandra's
  // default authenticator is kept (AllowAll, see the file comment), so the NetworkPolicies are what
  // limit who reaches it (the Job, declared callers, the component's own pods).
  sidecarlessClients: [{ port: PORTS.client, from: "the keyspace Job (cqlsh)" }],
  // Drivers connect to every node system.peers lists, by its IP (the Java driver's default
  // load-balancing policy: https://docs.datastax.com/en/developer/java-driver/4.17/manual/core/load_balancing/).
  clientsDialMembers: true,
  metricNames: ["cassandra_stats"],
  indicators,
  compileRegion({ model, component, placed, regions }) {
    const store = component as ResolvedDatastore;
    const c = cluster(model.name, store, placed.namespace);
    return [
      ...c.sets
        .filter((s) => s.region === placed.region)
        .map((set) =>
          statefulSetResource(model.name, placed, {
            name: set.statefulSet,
            replicas: set.members.length,
            engine: container(c, set, placed),
          }),
        ),
      ...(placed.region === regions[0] ? keyspaceJob(model.name, store, c, placed) : []),
    ];
  },
};
