/**
 * Automatic failover for a local PostgreSQL run: Patroni (Debian `patroni` 3.0) with an etcd
 * leader lock, standing in for the CloudNativePG operator that the Kubernetes manifests rely on.
 * It mirrors what the operator does, so the lab judges what topoplan deploys, not Patroni:
 * - **Who may be promoted**: only members of the primary's region. CloudNativePG fails over inside
 *   one `Cluster`; a replica cluster in another region is promoted only by hand
 *   (https://cloudnative-pg.io/documentation/current/replica_cluster/). The other regions' members
 *   carry Patroni's `nofailover` and `nosync` tags.
 * - **Which one**: the most advanced standby (CloudNativePG elects by received LSN; Patroni's
 *   candidates promote only when no other eligible member is ahead, `_is_healthiest_node`), with no
 *   lag limit (`maximum_lag_on_failover` unbounded; CloudNativePG has none by default).
 * - **Synchronous commits**: `synchronous_standby_names = ANY n (…)` over the primary region's
 *   members, exactly as the operator writes it, left in place when standbys are missing
 *   (`dataDurability: required`). Patroni's own synchronous mode is off: it would name n fixed
 *   standbys (priority, not quorum) and, strict, fall back to `*`, which admits any region.
 * - **When**: CloudNativePG fails over once the primary's readiness probe has failed 3 times at a
 *   10 s period (https://cloudnative-pg.io/documentation/1.21/instance_manager/: "the probe command
 *   fails three times with a 10-second interval"; `failoverDelay` 0), so 20–30 s after a crash.
 *   Patroni is set to land in that window: the leader lock (`ttl` 25 s) is refreshed every
 *   `loop_wait` 2 s, so it expires 23–25 s after the primary stops; a standby notices on its next
 *   loop (≤ 2 s) and asks the other candidates' REST APIs for their WAL position (≤ 2 s for a
 *   lost one to time out) before it promotes: 23–29 s in all. Patroni's defaults (30 s / 10 s)
 *   would take 20–42 s, measured in this lab as 34.9 s. Patroni requires `ttl` ≥ `loop_wait` +
 *   2 × `retry_timeout` (https://patroni.readthedocs.io/en/latest/dynamic_configuration.html).
 * - **The lock's home**: three etcd members in three zones of the primary's region, as the
 *   Kubernetes control plane the operator talks to (EKS runs its etcd across three Availability
 *   Zones of the cluster's region, https://docs.aws.amazon.com/eks/latest/userguide/disaster-recovery-resiliency.html).
 *   Losing a zone keeps its quorum; losing the region stops promotion, as it stops the operator.
 * - **Healing**: a former primary rejoins as a standby, rewound to the new timeline (`pg_rewind`,
 *   which Patroni runs with `use_pg_rewind`), as the operator restarts it as a replica.
 */
import type { Model, ResolvedDatastore } from "../model/types.js";
import type { LocalLayout, LocalMember, Member } from "./types.js";

export const PATRONI_BINARY = "/usr/bin/patroni";
/** Patroni's REST API: candidates ask each other's WAL position there before taking the lock. */
export const PATRONI_API_PORT = 8008;
const ETCD_BINARY = "/usr/bin/etcd";
const ETCD_PORTS = { client: 2379, peer: 2380 } as const;

/** Patroni's timing, matched to CloudNativePG's probe window (see above): a promotion 23–29 s after a crash. */
export const FAILOVER_TIMING = { ttlSeconds: 25, loopWaitSeconds: 2, retryTimeoutSeconds: 10 } as const;

/** The control plane's members: one per zone of the primary's region, at most three. */
export function controlPlaneMembers(model: Model, store: ResolvedDatastore, primaryRegion: string): Member[] {
  const zones = [...(model.catalog.regions.get(primaryRegion)?.zones ?? [`${primaryRegion}-zone`])]
    .sort()
    .slice(0, 3);
  // Three members even in a one- or two-zone region: a lock needs a majority of three.
  return Array.from({ length: 3 }, (_, ordinal) => ({
    name: `${store.name}-dcs-${ordinal}`.slice(0, 63),
    region: primaryRegion,
    zone: zones[ordinal % zones.length]!,
    ordinal,
  }));
}

/** etcd members of the lock store (https://etcd.io/docs/v3.4/op-guide/clustering/#static). */
export function controlPlaneLocal(
  model: Model,
  store: ResolvedDatastore,
  members: readonly Member[],
  layout: LocalLayout,
): LocalMember[] {
  const url = (member: Member, port: number) => `http://${layout.address(member)}:${port}`;
  const cluster = members.map((m) => `${m.name}=${url(m, ETCD_PORTS.peer)}`).join(",");
  return members.map((member) => ({
    member,
    debianPackage: "etcd-server",
    command: [
      ETCD_BINARY,
      `--name=${member.name}`,
      `--data-dir=${layout.dataDir(member)}/etcd`,
      `--listen-client-urls=${url(member, ETCD_PORTS.client)}`,
      `--advertise-client-urls=${url(member, ETCD_PORTS.client)}`,
      `--listen-peer-urls=${url(member, ETCD_PORTS.peer)}`,
      `--initial-advertise-peer-urls=${url(member, ETCD_PORTS.peer)}`,
      `--initial-cluster=${cluster}`,
      "--initial-cluster-state=new",
      `--initial-cluster-token=${model.name}-${store.name}-dcs`,
    ],
    env: {},
    files: {},
    setup: [],
    clientPort: ETCD_PORTS.client,
    peerPort: ETCD_PORTS.peer,
    controlPlane: true,
  }));
}

export interface PatroniMember {
  readonly member: Member;
  /** May be promoted and may acknowledge synchronous commits: a member of the primary's region. */
  readonly candidate: boolean;
}

export interface PatroniCluster {
  readonly scope: string;
  readonly binDir: string;
  readonly port: number;
  /** `synchronous_standby_names`, or "" for asynchronous replication. */
  readonly synchronousStandbyNames: string;
  /** Lines of pg_hba.conf. */
  readonly hba: readonly string[];
  readonly dcs: readonly Member[];
}

/**
 * One member's Patroni configuration (https://patroni.readthedocs.io/en/latest/yaml_configuration.html),
 * as JSON, which is YAML: no quoting of member names or paths can go wrong.
 */
export function patroniConfig(
  cluster: PatroniCluster,
  { member, candidate }: PatroniMember,
  layout: LocalLayout,
): string {
  const dir = layout.dataDir(member);
  const address = layout.address(member);
  const config = {
    scope: cluster.scope,
    name: member.name,
    restapi: {
      listen: `${address}:${PATRONI_API_PORT}`,
      connect_address: `${address}:${PATRONI_API_PORT}`,
    },
    etcd3: { hosts: cluster.dcs.map((m) => `${layout.address(m)}:${ETCD_PORTS.client}`) },
    bootstrap: {
      dcs: {
        ttl: FAILOVER_TIMING.ttlSeconds,
        loop_wait: FAILOVER_TIMING.loopWaitSeconds,
        retry_timeout: FAILOVER_TIMING.retryTimeoutSeconds,
        // No lag limit: CloudNativePG promotes the most advanced standby whatever its lag.
        maximum_lag_on_failover: 2 ** 40,
        postgresql: {
          use_pg_rewind: true,
          parameters: {
            wal_level: "replica",
            hot_standby: "on",
            max_wal_senders: 10,
            wal_log_hints: "on",
            fsync: "on",
            synchronous_standby_names: cluster.synchronousStandbyNames,
          },
        },
      },
      initdb: [{ auth: "trust" }],
    },
    postgresql: {
      listen: `${address}:${cluster.port}`,
      connect_address: `${address}:${cluster.port}`,
      data_dir: `${dir}/pgdata`,
      bin_dir: cluster.binDir,
      pgpass: `${dir}/pgpass`,
      authentication: { superuser: { username: "postgres" }, replication: { username: "postgres" } },
      parameters: { unix_socket_directories: dir },
      pg_hba: cluster.hba,
    },
    tags: candidate ? {} : { nofailover: true, nosync: true },
    watchdog: { mode: "off" },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
