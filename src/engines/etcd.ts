/**
 * etcd: the whole keyspace is one Raft group. One StatefulSet per region; every member lists the
 * whole cluster in `--initial-cluster`; heartbeat and election timeouts follow etcd's tuning guide
 * from the largest member-to-member round trip. etcd has no leader preference, so a declared
 * leader region is where the model expects it, not a setting (etcd elects freely).
 */

import type { EngineContainer } from "../compile/kubernetes/pod.js";
import { objectNames, statefulSetResource } from "../compile/kubernetes/workloads.js";
import { selector } from "../compile/observability/promql.js";
import type { Model, ResolvedDatastore } from "../model/types.js";
import { ENGINE_CAPABILITIES } from "./capabilities.js";
import { localMembersFromContainers } from "./local.js";
import { allMembers, largestMemberRttMs, MCS_NOT_READY_RECORDS, memberSets, peerHost } from "./members.js";
import type { EngineComponent, EngineDefinition, Member } from "./types.js";

const CAPS = ENGINE_CAPABILITIES.etcd;
const PORTS = CAPS.ports;
const DATA_DIR = "/data/etcd";

/**
 * etcd's tuning guide (https://etcd.io/docs/v3.5/tuning/#time-parameters): the heartbeat interval
 * "around the maximum of average round-trip time (RTT) between members"; the election timeout "at
 * least 10 times the round-trip time"; etcd refuses an election timeout under 5 heartbeats.
 * Defaults 100 ms / 1000 ms stay the floor.
 */
export function etcdTimeouts(largestRttMs: number): { heartbeatMs: number; electionMs: number } {
  const heartbeatMs = Math.max(100, Math.ceil(largestRttMs));
  const electionMs = Math.max(1000, Math.ceil(10 * largestRttMs), 5 * heartbeatMs);
  return { heartbeatMs, electionMs: Math.ceil(electionMs / 100) * 100 };
}

interface ClusterShape {
  readonly members: readonly Member[];
  readonly hostOf: (member: Member) => string;
  readonly token: string;
  readonly timeouts: { heartbeatMs: number; electionMs: number };
  /** The backend's space quota, bytes (`--quota-backend-bytes`). */
  readonly quotaBytes: number;
}

const GIB = 1024 ** 3;
/** etcd's suggested largest backend: "8 GB is a suggested maximum" (https://etcd.io/docs/v3.5/dev-guide/limit/). */
const MAX_QUOTA_BYTES = 8 * GIB;

/**
 * The backend quota from the member's volume: half of it, never above 8 GiB, so that the WAL, the
 * snapshots and a defragmentation's copy of the backend fit beside it (an estimate; etcd's default
 * is 2 GiB whatever the volume).
 */
export function quotaBackendBytes(storageGi: number): number {
  return Math.min(MAX_QUOTA_BYTES, Math.floor((storageGi * GIB) / 2));
}

function clusterShape(model: Model, store: ResolvedDatastore, namespace: string): ClusterShape {
  const members = allMembers(memberSets(store, "region"));
  const multiRegion = new Set(members.map((m) => m.region)).size > 1;
  const peers = objectNames(store.name).peers;
  return {
    members,
    hostOf: (m) => peerHost(m, peers, namespace, multiRegion),
    token: `${model.name}-${store.name}`,
    timeouts: etcdTimeouts(largestMemberRttMs(model, members)),
    quotaBytes: quotaBackendBytes(store.deploy.target === "kubernetes" ? store.deploy.storageGi : 100),
  };
}

/** Flags of every member (https://etcd.io/docs/v3.5/op-guide/configuration/); `$(POD_NAME)` is the member. */
function etcdArgs(shape: ClusterShape, ownHost: string): string[] {
  const url = (host: string, port: number) => `http://${host}:${port}`;
  return [
    "--name=$(POD_NAME)",
    `--data-dir=${DATA_DIR}`,
    `--listen-peer-urls=${url("0.0.0.0", PORTS.peer)}`,
    `--listen-client-urls=${url("0.0.0.0", PORTS.client)}`,
    `--listen-metrics-urls=${url("0.0.0.0", PORTS.metrics)}`,
    `--advertise-client-urls=${url(ownHost, PORTS.client)}`,
    `--initial-advertise-peer-urls=${url(ownHost, PORTS.peer)}`,
    `--initial-cluster=${shape.members.map((m) => `${m.name}=${url(shape.hostOf(m), PORTS.peer)}`).join(",")}`,
    "--initial-cluster-state=new",
    `--initial-cluster-token=${shape.token}`,
    `--heartbeat-interval=${shape.timeouts.heartbeatMs}`,
    `--election-timeout=${shape.timeouts.electionMs}`,
    // Pre-vote (Raft thesis §9.6): a member cut off from the others asks whether it could win
    // before it raises its term, so on rejoining it does not depose a healthy leader. Off by
    // default in etcd 3.4 and 3.5 (Debian bookworm ships 3.4.23), on from 3.6
    // (https://etcd.io/docs/v3.5/op-guide/configuration/, --pre-vote).
    "--pre-vote=true",
    // gRPC latency histograms (grpc_server_handling_seconds) are only kept with `extensive`.
    "--metrics=extensive",
    // etcd keeps every revision unless compacted (off by default): the backend grows with each
    // write until the quota, when a NOSPACE alarm makes it refuse writes and /health, the readiness
    // probe, fail on every member. Keep an hour of history (`periodic`, in hours:
    // https://etcd.io/docs/v3.5/op-guide/maintenance/#auto-compaction); the space compaction frees
    // is reused, and `etcdctl defrag` gives it back to the volume.
    "--auto-compaction-mode=periodic",
    "--auto-compaction-retention=1",
    `--quota-backend-bytes=${shape.quotaBytes}`,
  ];
}

function container(
  model: Model,
  store: ResolvedDatastore,
  namespace: string,
  region: string,
): EngineContainer {
  const shape = clusterShape(model, store, namespace);
  const own = shape.members.find((m) => m.region === region);
  // Every member of a region shares the template: its own host is its name's pattern.
  const ownHost = own === undefined ? "" : shape.hostOf({ ...own, name: "$(POD_NAME)" });
  return {
    command: ["/usr/local/bin/etcd"],
    args: etcdArgs(shape, ownHost),
    probes: {
      // /health on the metrics listener answers 200 only while the member sees a leader.
      readinessProbe: {
        httpGet: { path: "/health", port: PORTS.metrics },
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 3,
      },
      // Liveness only asks that the process serves: a member cut off from the quorum must not be killed.
      livenessProbe: {
        tcpSocket: { port: PORTS.client },
        initialDelaySeconds: 30,
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 6,
      },
    },
  };
}

/**
 * gRPC codes that count as failed requests: etcd's own mixin's (etcd-io/etcd
 * `contrib/mixin/alerts/alerts.libsonnet`, etcdHighNumberOfFailedGRPCRequests). Among etcd's server
 * errors (`api/v3rpc/rpctypes/error.go`) these are no leader, leader changed, timeouts, server
 * stopped (Unavailable), database space exceeded and too many requests (ResourceExhausted), corrupt
 * cluster (DataLoss), and not leader / a membership or auth change refused in the cluster's present
 * state (FailedPrecondition); etcd defines no Aborted error. A client's own mistakes — a compacted
 * or future revision (OutOfRange), invalid arguments, unknown leases (NotFound), permissions — are
 * not failures of the store.
 */
const ETCD_FAILED_CODES = [
  "Unknown",
  "FailedPrecondition",
  "ResourceExhausted",
  "Internal",
  "Unavailable",
  "DataLoss",
  "DeadlineExceeded",
] as const;

/**
 * Indicators from etcd's documented metrics (https://etcd.io/docs/v3.5/metrics/ and
 * https://etcd.io/docs/v3.5/op-guide/monitoring/): gRPC request counts and latencies of the v3 API
 * (go-grpc-prometheus), `etcd_server_has_leader`. etcd has no replication-lag metric in seconds.
 */
function indicators(component: EngineComponent) {
  const unary = selector(component.name, 'grpc_type="unary"');
  const failed = selector(component.name, 'grpc_type="unary"', `grpc_code=~"${ETCD_FAILED_CODES.join("|")}"`);
  return {
    requestRate: (w: string) => `sum(rate(grpc_server_handled_total${unary}[${w}]))`,
    errorRatio: (w: string) =>
      `(sum(rate(grpc_server_handled_total${failed}[${w}])) or vector(0)) / sum(rate(grpc_server_handled_total${unary}[${w}]))`,
    avgLatencySeconds: `sum(rate(grpc_server_handling_seconds_sum${unary}[5m])) / sum(rate(grpc_server_handling_seconds_count${unary}[5m]))`,
    p99LatencySeconds: `histogram_quantile(0.99, sum by (le) (rate(grpc_server_handling_seconds_bucket${unary}[5m])))`,
    // Whether any member of this region sees a leader: one member cut off alone loses its leader
    // (raft pre-candidate) while the others write on, so min() paged on every isolated member.
    leaderPresent: `max(etcd_server_has_leader${selector(component.name)})`,
    presence: {
      availability: `grpc_server_handled_total${selector(component.name)}`,
      latency: `grpc_server_handling_seconds_bucket${selector(component.name)}`,
    },
  };
}

export const etcd: EngineDefinition = {
  id: "etcd",
  capabilities: CAPS,
  requires: [
    "multicluster-services (for members in several regions)",
    // etcd resolves its own advertised peer URL at start and needs a quorum to be ready, and the
    // initial cluster must read the same on every member (no per-region local names): across
    // regions its clusterset names must exist before it is ready.
    MCS_NOT_READY_RECORDS,
  ],
  managedBy: "statefulset",
  // The streaming RPCs of the v3 API (etcd api/etcdserverpb/rpc.proto: Watch and LeaseKeepAlive
  // both ways, Snapshot from the server; server/etcdserver/api/v3election/v3electionpb/
  // v3election.proto: Observe): clientv3 keeps a watch and a lease's keep-alive open for as long
  // as they are used.
  streamingMethods: [
    "/etcdserverpb.Watch/Watch",
    "/etcdserverpb.Lease/LeaseKeepAlive",
    "/etcdserverpb.Maintenance/Snapshot",
    "/v3electionpb.Election/Observe",
  ],
  metricNames: [
    "grpc_server_handled_total",
    "grpc_server_handling_seconds_bucket",
    "grpc_server_handling_seconds_sum",
    "grpc_server_handling_seconds_count",
    "etcd_server_has_leader",
  ],
  indicators,
  compileRegion({ model, component, placed }) {
    const store = component as ResolvedDatastore;
    const set = memberSets(store, "region").find((s) => s.region === placed.region);
    if (set === undefined) return [];
    return [
      statefulSetResource(model.name, placed, {
        name: set.statefulSet,
        replicas: set.members.length,
        engine: container(model, store, placed.namespace, placed.region),
      }),
    ];
  },
  local: (model, component, layout) =>
    localMembersFromContainers(model, component as ResolvedDatastore, etcd, layout, {
      debianPackage: "etcd-server",
      binaries: { "/usr/local/bin/etcd": "/usr/bin/etcd" },
      dataPaths: ["/data"],
      metricsPath: CAPS.metricsPath,
    }),
};
