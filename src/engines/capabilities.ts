/**
 * What each engine can give, checked at validation: a spec asking an engine for a replication
 * model, a consistency level, a sync mode, a partition count or a placement role it does not
 * implement is invalid input, since topoplan would analyse a system the engine does not run. Each entry cites the
 * engine's documentation. Light on purpose: the spec imports it, not the compilers.
 */
import { type DatastoreLayout, leaseSuccessionUncontrolled } from "./cockroachdb-layout.js";
import type { EngineId } from "./ids.js";

export interface EngineCapabilities {
  readonly title: string;
  readonly kind: "datastores" | "streams";
  /** Replication models the engine implements (datastores). */
  readonly replication?: readonly string[];
  readonly consistency?: readonly string[];
  /** primary-replica sync modes it implements. */
  readonly sync?: readonly string[];
  /**
   * "primary-region": synchronous standbys can only be in the primary's own region (cluster);
   * standbys elsewhere replicate asynchronously.
   */
  readonly syncScope?: "primary-region";
  /** Largest `partitions.count` the engine's topology can hold (single-group engines: 1). */
  readonly maxPartitions?: number;
  /** Why, in the engine's own terms (used in messages). */
  readonly why: string;
  /** The engine's own ports; with an engine, `deploy.port` / `peerPort` / `metricsPort` are these. */
  readonly ports: { readonly client: number; readonly peer: number; readonly metrics: number };
  /** HTTP path of its Prometheus endpoint. */
  readonly metricsPath: string;
  /**
   * What clients speak on the client port. `tcp`: a wire protocol the Istio sidecar passes through
   * as opaque TCP (PostgreSQL, CQL, RESP, Kafka), so the mesh's HTTP routes (timeouts, retries) can
   * never apply to it; `grpc`: HTTP/2, routed (and retried) like any HTTP. Here, not in the
   * engine definition, because the analysis reads it too (who retries a call: src/model/retry-backoff.ts).
   */
  readonly clientProtocol: "grpc" | "tcp";
  /**
   * Consensus engines: how the leader serves a strong (linearizable) read. `lease`: the
   * leaseholder answers from its own state, no round trip beyond the client's; `read-index`: the
   * leader first confirms it still leads with a heartbeat round to a quorum (Raft thesis §6.4).
   * Absent: the model's default, `lease`.
   */
  readonly strongRead?: EngineTrait<"lease" | "read-index">;
  /**
   * Single-leader engines: whether leadership returns to a preferred region after a failover
   * (lease preferences). `false`: whichever up-to-date voter's election timer fires first leads,
   * so after a failover the model can only name the candidate regions. Absent: the model's
   * default, `true`. `unlessLayout`: the layouts the engine is deployed with where it has none
   * after all (CockroachDB's multi-region form without a secondary region).
   */
  readonly leaderPreference?: EngineTrait<boolean> & {
    readonly unlessLayout?: { readonly when: (store: DatastoreLayout) => boolean; readonly source: string };
  };
  /**
   * How long writes stop when the leader is lost, s: `rtoSeconds` at the latest (the failure
   * detector's full period, then the promotion), `earliestSeconds` at the soonest (a crash just
   * before the detector's next check). Absent: the model's default per replication model.
   */
  readonly failover?: EngineTrait<{ readonly rtoSeconds: number; readonly earliestSeconds: number }>;
  /**
   * Single-leader engines whose automatic failover stays inside the primary's region (one cluster
   * per region, the others replica clusters promoted only by hand): after losing that region no
   * leader is elected elsewhere. Absent: any eligible region may take over.
   */
  readonly failoverScope?: EngineTrait<"primary-region">;
  /**
   * Who decides a failover. `kubernetes`: the operator, from the kubelet's probes of the primary
   * and what it sees through the API server; a network partition between the members cuts neither,
   * so the primary stays (src/compile/chaos). Absent: the members themselves (a Raft vote,
   * Sentinels beside the data), which such a partition does reach.
   */
  readonly failoverDetector?: EngineTrait<"kubernetes">;
  /**
   * Votes a failover needs. `member-majority`: a majority of every member's vote, live or not
   * (Redis: one Sentinel per member, and a failover is authorised by a majority of all Sentinels),
   * so a side holding fewer promotes no one (a primary there keeps writing), and a side holding
   * that many promotes one even while the old primary writes on elsewhere. Absent: the write
   * quorum decides.
   */
  readonly promotionVotes?: EngineTrait<"member-majority">;
  /**
   * What a primary cut off from the members that promote another does. `keeps-writing`: nothing
   * demotes it (Redis without `min-replicas-to-write`, which topoplan does not compile), so the
   * clients still connected to it write there until the partition heals, and those writes are
   * lost when it rejoins as a replica. Absent: it stops taking writes (Patroni demotes a primary
   * that loses its leader lock; a Raft leader without a quorum commits nothing).
   */
  readonly cutOffPrimary?: EngineTrait<"keeps-writing">;
  /**
   * How a write reaches another region's replicas. `per-region`: one copy crosses to each region,
   * and a replica there passes it on to the others (in-region, cross-zone). Absent: every replica
   * receives its own copy from the source (Raft leaders, Redis and Kafka followers).
   */
  readonly wanFanOut?: EngineTrait<"per-region">;
  /**
   * Where clients' requests go whatever the read consistency. `primary`: every read and write
   * through the primary (the compiled client Service reaches it alone). Absent: non-strong reads
   * go to the nearest replica holding data.
   */
  readonly clientReads?: EngineTrait<"primary">;
  /**
   * Where a client's request enters. `any-member`: at whichever member the client Service hands the
   * connection to, which serves it or forwards it (a CockroachDB SQL gateway, an etcd member passing
   * a proposal to the leader), so a client in a region without members, dialling the clusterset
   * name, enters in any member region. `discovered-primary`: the client asks its region's members
   * which is the primary (Redis Sentinel) and dials it wherever it is; other requests go to the
   * local members.
   * Absent: the client reaches the member it needs itself (a topology-aware driver's local
   * members, an operator's Service of the primary alone).
   */
  readonly clientEntry?: EngineTrait<"any-member" | "discovered-primary">;
  /**
   * Set when the compiled cluster leads every partition from one place, so `partitions.strategy:
   * geo` (partition leaders homed near their users) would be analysed as something it does not
   * run: refused at validation, saying `why`. Absent: no objection (single-partition engines hold
   * one leader anyway; leaderless and multi-leader ones write in every write region).
   */
  readonly geoPartitionsUnsupported?: { readonly why: string; readonly source: string };
  /**
   * Metadata quorum members a cluster runs, dealt round-robin over the sorted zones of its region
   * (Kafka's KRaft controllers): a majority must stay up for leader elections and ISR changes.
   */
  readonly metadataQuorum?: EngineTrait<number>;
  /**
   * Placement roles besides voters (`{ readOnly, witnesses }`) and whether the compiled cluster
   * really gives them. A role the engine does not implement is invalid input: it would run those
   * replicas as voting, data-holding members, so its quorums would differ from the analysis's.
   */
  readonly replicaRoles: { readonly readOnly: RoleSupport; readonly witnesses: RoleSupport };
  /**
   * Finest replication lag the engine's metrics can tell apart, ms. A lag target below it gets a
   * warning: healthy replicas read up to this much. Absent: the metric is finer than any target.
   */
  readonly lagResolutionMs?: EngineTrait<number>;
}

/**
 * How an engine runs a placement role. `anywhere`: in every region; `outside-primary-region`:
 * only in regions other than the primary's (where the engine never promotes nor waits for a
 * replica); `none`: not at all. `how` says what the compiled cluster makes of it, or why not.
 */
export interface RoleSupport {
  readonly where: "anywhere" | "outside-primary-region" | "none";
  readonly how: string;
  readonly source: string;
}

/** A behaviour the analysis prices, with the engine documentation that states it. */
export interface EngineTrait<T> {
  readonly value: T;
  readonly source: string;
}

export const ENGINE_CAPABILITIES: Readonly<Record<EngineId, EngineCapabilities>> = {
  // https://www.cockroachlabs.com/docs/stable/architecture/replication-layer (Raft per range);
  // follower reads: https://www.cockroachlabs.com/docs/stable/follower-reads (bounded staleness).
  cockroachdb: {
    title: "CockroachDB",
    kind: "datastores",
    replication: ["consensus"],
    consistency: ["strong", "bounded-staleness"],
    why: "every range is a Raft group; reads are serializable, or bounded-staleness follower reads",
    // One port for SQL and inter-node RPC; the DB Console port serves /_status/vars
    // (https://www.cockroachlabs.com/docs/stable/cockroach-start#networking).
    ports: { client: 26257, peer: 26257, metrics: 8080 },
    metricsPath: "/_status/vars",
    // Clients speak the PostgreSQL wire protocol (TCP to the sidecar) on 26257.
    clientProtocol: "tcp",
    strongRead: {
      value: "lease",
      source:
        "https://www.cockroachlabs.com/docs/stable/architecture/replication-layer#leases (the leaseholder serves reads without going through Raft)",
    },
    clientEntry: {
      value: "any-member",
      source:
        "https://www.cockroachlabs.com/docs/stable/architecture/life-of-a-distributed-transaction (any node a SQL client connects to is its gateway and sends the request on to the leaseholders)",
    },
    leaderPreference: {
      value: true,
      source:
        "https://www.cockroachlabs.com/docs/stable/configure-replication-zones#lease_preferences (leases move back to the preferred region)",
      // SURVIVE REGION FAILURE's four-region layout gets no secondary region (it would add a
      // replica): its lease preferences name the primary region only (cockroachdb-layout.ts).
      unlessLayout: {
        when: leaseSuccessionUncontrolled,
        source:
          "https://www.cockroachlabs.com/docs/v24.3/multiregion-overview#secondary-regions (without one, the leases leave a failed primary region for any other)",
      },
    },
    geoPartitionsUnsupported: {
      why: "topoplan sets one zone configuration for the whole database (cockroachdb-placement.ts), so every range has the same lease preferences; rows homed by region need REGIONAL BY ROW tables, which topoplan does not create",
      source: "https://www.cockroachlabs.com/docs/stable/table-localities#regional-by-row-tables",
    },
    replicaRoles: {
      readOnly: {
        where: "anywhere",
        how: "non-voting replicas: the zone configuration's num_voters and voter_constraints count only voters and witnesses (cockroachdb-placement.ts)",
        source:
          "https://www.cockroachlabs.com/docs/stable/configure-replication-zones#num_voters (non-voting replicas serve follower reads and never vote)",
      },
      // Compiling a witness as a voter kept the quorums but not the data: the analysis priced no
      // follower reads, replication lag or failover copy in its region, where the pod held all three.
      witnesses: {
        where: "none",
        how: "every replica holds its range's data (there is no witness replica), and a voting one serves follower reads and can take the lease",
        source:
          "https://www.cockroachlabs.com/docs/stable/configure-replication-zones#num_voters (every replica holds data; voters are the Raft group)",
      },
    },
  },
  // https://www.postgresql.org/docs/current/warm-standby.html (one primary, streaming standbys),
  // https://www.postgresql.org/docs/current/runtime-config-replication.html (synchronous_standby_names).
  postgresql: {
    title: "PostgreSQL",
    kind: "datastores",
    replication: ["primary-replica"],
    // session: read-your-writes by reading from the primary (or a standby that has replayed the
    // session's commit LSN, pg_last_wal_replay_lsn()).
    consistency: ["strong", "session", "eventual"],
    sync: ["sync", "semi-sync", "async"],
    // CloudNativePG manages synchronous_standby_names among a cluster's own instances; replica
    // clusters in other regions stream asynchronously
    // (https://cloudnative-pg.io/documentation/current/replica_cluster/).
    syncScope: "primary-region",
    maxPartitions: 1,
    why: "one primary streams its WAL to hot standbys; reads on the primary are strong, on standbys eventually consistent",
    // CloudNativePG instance ports: 5432, metrics exporter 9187 (https://cloudnative-pg.io/documentation/current/monitoring/).
    ports: { client: 5432, peer: 5432, metrics: 9187 },
    metricsPath: "/metrics",
    // The PostgreSQL wire protocol: TCP to the sidecar.
    clientProtocol: "tcp",
    // Clients get the primary cluster's `-rw` Service (src/engines/postgresql.ts clientService),
    // which points at the primary instance alone.
    clientReads: {
      value: "primary",
      source:
        "https://cloudnative-pg.io/documentation/current/service_management/ (`-rw`: the primary only; `-ro`/`-r` are not handed to clients)",
    },
    // The operator fails over once the primary's readiness probe has failed three times at a 10 s
    // period (failoverDelay 0): 20–30 s after a crash, plus a promotion of about a second.
    // A replica cluster in another region is promoted by an operator, never by CloudNativePG itself.
    failoverScope: {
      value: "primary-region",
      source:
        "https://cloudnative-pg.io/documentation/current/replica_cluster/ (promoting a replica cluster is a declarative change made by hand)",
    },
    failover: {
      value: { rtoSeconds: 30, earliestSeconds: 20 },
      source:
        "https://cloudnative-pg.io/documentation/1.21/instance_manager/ (probes fail after 3 checks 10 s apart) and /failover/ (failoverDelay 0)",
    },
    // The kubelet probes the instance manager from the node, and the operator watches the pods
    // through the API server: cutting the primary from its standbys leaves both seeing it healthy.
    failoverDetector: {
      value: "kubernetes",
      source:
        "https://cloudnative-pg.io/documentation/current/failover/ (a failover starts when the primary's readiness probe fails) and /instance_manager/ (the kubelet's probes)",
    },
    // A replica cluster's designated primary streams from the primary cluster; its other instances
    // stream from the designated primary (cascading), so the WAL crosses once per replica region.
    wanFanOut: {
      value: "per-region",
      source:
        "https://cloudnative-pg.io/documentation/current/replica_cluster/ (the designated primary replicates from the source cluster; the other instances of the replica cluster from it)",
    },
    replicaRoles: {
      readOnly: {
        where: "outside-primary-region",
        how: "instances of another region's replica cluster: never synchronous, never promoted by the operator; in the primary's cluster any standby may be made synchronous or promoted",
        source:
          "https://cloudnative-pg.io/documentation/current/replica_cluster/ (a replica cluster is promoted only by hand) and /replication/ (synchronous standbys are chosen among the cluster's instances)",
      },
      witnesses: {
        where: "none",
        how: "every CloudNativePG instance is a full PostgreSQL holding data; there is no witness instance",
        source: "https://cloudnative-pg.io/documentation/current/architecture/",
      },
    },
  },
  // https://etcd.io/docs/v3.5/learning/api_guarantees/ (linearizable or serializable reads).
  etcd: {
    title: "etcd",
    kind: "datastores",
    replication: ["consensus"],
    consistency: ["strong", "eventual"],
    maxPartitions: 1,
    why: "the whole keyspace is one Raft group; reads are linearizable, or serializable from any member",
    // https://etcd.io/docs/v3.5/op-guide/configuration/ (2379 client, 2380 peer; --listen-metrics-urls).
    ports: { client: 2379, peer: 2380, metrics: 2381 },
    metricsPath: "/metrics",
    // The v3 API is gRPC (HTTP/2): the mesh's routes apply.
    clientProtocol: "grpc",
    // etcd has no leader leases for reads: a linearizable Range waits for a ReadIndex round
    // (etcdserver's linearizableReadLoop → raft ReadOnlySafe: a heartbeat to every member, answered
    // once a quorum acknowledges), then for its state machine to apply that index.
    strongRead: {
      value: "read-index",
      source:
        "https://etcd.io/docs/v3.5/learning/api_guarantees/ (linearizable reads go through a quorum); Ongaro, Consensus: Bridging Theory and Practice (2014) §6.4; go.etcd.io/raft ReadOnlySafe",
    },
    clientEntry: {
      value: "any-member",
      source:
        "https://etcd.io/docs/v3.5/faq/ (a client may send requests to any member: followers forward proposals to the leader)",
    },
    // No leader priority: any member whose log is up to date may win an election (Raft §5.4.1,
    // randomised election timeouts §5.2); leadership moves only by `etcdctl move-leader`. Election
    // priorities were proposed and not adopted (etcd-io/etcd#10201, closed).
    // Followers call an election once the leader has been silent for the election timeout, which
    // each randomises in [T, 2T] (T = 1 s, etcd's default, kept while the RTTs stay under 100 ms:
    // src/engines/etcd.ts); pre-vote and vote take a round trip each. Estimate: 1–3 s.
    failover: {
      value: { rtoSeconds: 3, earliestSeconds: 1 },
      source:
        "https://etcd.io/docs/v3.5/tuning/#time-parameters (election timeout 1000 ms default); Raft §5.2 (randomised in [T, 2T]); estimate",
    },
    leaderPreference: {
      value: false,
      source:
        "Raft (Ongaro & Ousterhout 2014) §5.2 randomised election timeouts, §5.4.1 up-to-date voters; etcd has no election priority (etcd-io/etcd#10201, closed), only `etcdctl move-leader`",
    },
    // Learners (https://etcd.io/docs/v3.5/learning/design-learner/) neither vote nor count in a
    // quorum and answer only serializable reads, but they join by `member add --learner` on a
    // running cluster (at most one by default) and cannot be named in --initial-cluster.
    replicaRoles: {
      readOnly: {
        where: "none",
        how: "--initial-cluster makes every member a voter; etcd's non-voting learners join a running cluster by `member add --learner` (one at a time) and topoplan does not compile them",
        source: "https://etcd.io/docs/v3.5/learning/design-learner/ and /op-guide/runtime-configuration/",
      },
      witnesses: {
        where: "none",
        how: "every member in --initial-cluster votes and holds the whole keyspace; etcd has no witness member",
        source: "https://etcd.io/docs/v3.5/op-guide/configuration/ (--initial-cluster)",
      },
    },
  },
  // https://cassandra.apache.org/doc/latest/cassandra/architecture/dynamo.html (tunable consistency).
  cassandra: {
    title: "Apache Cassandra",
    kind: "datastores",
    replication: ["leaderless"],
    consistency: ["strong", "eventual"],
    why: "Dynamo-style replication with per-request consistency levels (strong needs R + W > N)",
    // CQL 9042, storage (gossip, replication) 7000; metrics from the cassandra_exporter sidecar
    // (https://github.com/criteo/cassandra_exporter, default listen port 8080).
    ports: { client: 9042, peer: 7000, metrics: 8080 },
    metricsPath: "/metrics",
    // CQL: a binary protocol the sidecar passes through as TCP.
    clientProtocol: "tcp",
    // The coordinator sends a write to one replica in each other datacenter (region) with the list
    // of that datacenter's other replicas, and that replica forwards it to them.
    wanFanOut: {
      value: "per-region",
      source:
        "https://docs.datastax.com/en/cassandra-oss/3.x/cassandra/dml/dmlClientRequestsMultiDCWrites.html (one replica per remote datacenter forwards to the others); Apache Cassandra StorageProxy (forwarding to remote DCs)",
    },
    replicaRoles: {
      readOnly: {
        where: "none",
        how: "every node owns token ranges and counts toward the consistency level; NetworkTopologyStrategy has no non-voting replica",
        source: "https://cassandra.apache.org/doc/latest/cassandra/architecture/dynamo.html",
      },
      witnesses: {
        where: "none",
        how: "Cassandra's transient replicas (4.0, experimental) are not compiled; every node holds its ranges' data",
        source:
          "https://cassandra.apache.org/doc/latest/cassandra/architecture/dynamo.html#transient-replication",
      },
    },
  },
  // https://redis.io/docs/latest/operate/oss_and_stack/management/replication/ ("Redis uses by
  // default asynchronous replication"; WAIT "does not make Redis a strongly consistent store").
  redis: {
    title: "Redis",
    kind: "datastores",
    replication: ["primary-replica"],
    consistency: ["eventual"],
    sync: ["async"],
    maxPartitions: 1,
    why: "replication is asynchronous and a Sentinel failover can lose acknowledged writes",
    // 6379 (replication uses the client port), Sentinel 26379; redis_exporter 9121
    // (https://github.com/oliver006/redis_exporter).
    ports: { client: 6379, peer: 6379, metrics: 9121 },
    metricsPath: "/metrics",
    // RESP: passed through by the sidecar as TCP.
    clientProtocol: "tcp",
    // Sentinel could skip a replica for promotion (`replica-priority 0`) and a Sentinel without a
    // data member could vote; neither is compiled: every member is a promotable data replica.
    replicaRoles: {
      readOnly: {
        where: "none",
        how: "every member is a replica Sentinel may promote (no replica-priority 0 is compiled)",
        source: "https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#replica-priority",
      },
      witnesses: {
        where: "none",
        how: "every member runs redis-server with data beside its Sentinel; no Sentinel-only member is compiled",
        source: "https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/",
      },
    },
    clientEntry: {
      value: "discovered-primary",
      source:
        "https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#sentinel-api (clients ask SENTINEL get-master-addr-by-name, then connect to the primary)",
    },
    // Sentinel promotes the replica with the lowest replica-priority, then the largest replication
    // offset, then the lowest run ID; every member has the default priority here, and no Sentinel
    // moves the primary back once its region recovers: after a failover the model can only name
    // the candidate regions (the analysis prices the worst, as for etcd).
    leaderPreference: {
      value: false,
      source:
        "https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#replica-selection-and-priority (priority, then replication offset, then run ID; no replica-priority is compiled)",
    },
    // A primary is down for the Sentinels after down-after-milliseconds, 5 s as compiled while
    // every member RTT stays under 250 ms (redis.ts sentinelTiming); then they agree (ODOWN), vote
    // a leader and promote, checking the replica's INFO once a second. Estimate: 5–7 s.
    failover: {
      value: { rtoSeconds: 7, earliestSeconds: 5 },
      source:
        "https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/ (down-after-milliseconds; failover after ODOWN and the Sentinel leader's election); src/engines/redis.ts sentinelTiming (5 s floor); estimate",
    },
    // `sentinel monitor … <quorum>` only detects the failure; the failover itself needs the
    // Sentinel elected by a majority of all Sentinels (one per member here: redis.ts).
    promotionVotes: {
      value: "member-majority",
      source:
        "https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#configuring-sentinel (the failover needs authorisation from a majority of the Sentinel processes)",
    },
    cutOffPrimary: {
      value: "keeps-writing",
      source:
        "https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/ (Example 2: a partitioned old master keeps accepting writes, lost when it is reconfigured as a replica, unless min-replicas-to-write is set; redis.ts compiles none)",
    },
    // A replica acknowledges its offset once a second (replicationCron → replicationSendAck), so
    // the primary knows how far each is only as of its last second.
    lagResolutionMs: {
      value: 1000,
      source:
        "redis/redis src/replication.c replicationCron (every 1000 ms: replicationSendAck, REPLCONF ACK <offset>)",
    },
  },
  // https://kafka.apache.org/documentation/#replication
  kafka: {
    title: "Apache Kafka (Strimzi)",
    kind: "streams",
    why: "Kafka runs topics, not datastores",
    // Strimzi listeners 9092 (plain) / 9093 (tls); JMX Prometheus exporter on 9404
    // (https://strimzi.io/docs/operators/latest/deploying#assembly-metrics-str).
    ports: { client: 9093, peer: 9091, metrics: 9404 },
    metricsPath: "/metrics",
    // The Kafka protocol: TCP to the sidecar.
    clientProtocol: "tcp",
    // Three KRaft controllers: a quorum of 2 survives one controller (or zone) down.
    metadataQuorum: {
      value: 3,
      source:
        "https://kafka.apache.org/documentation/#kraft_voter (a majority of controllers must be available; 3 tolerate 1 failure)",
    },
    replicaRoles: {
      readOnly: {
        where: "none",
        how: "streams have no placement roles",
        source: "https://kafka.apache.org/documentation/#replication",
      },
      witnesses: {
        where: "none",
        how: "streams have no placement roles",
        source: "https://kafka.apache.org/documentation/#replication",
      },
    },
  },
};
