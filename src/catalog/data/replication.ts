/**
 * Replication pipelines, failover defaults and designed availability of managed services and
 * self-managed replication, each with its public source. "estimate" marks a planning figure
 * that no public page states as such; docs/model.md lists them.
 */

/** Delay a replication mechanism adds on top of the network's one-way time, ms. */
export interface Pipeline {
  readonly name: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /**
   * The published figure is the whole delay from region to region, network included (what the
   * service's own replication-latency metric measures): the lag is the larger of it and the
   * network's one-way time, not their sum.
   */
  readonly endToEnd?: true;
  readonly source: string;
}

/**
 * Pipelines by mechanism. Managed services replicate through their own infrastructure and publish
 * the delay from one region's table, cluster or bucket to another's (DynamoDB's ReplicationLatency,
 * Aurora's AuroraGlobalDBReplicationLag, S3's replication time: each measured end to end), so the
 * network is inside their figure; engines shipping their log add only their flush to the network.
 */
export const PIPELINES = {
  /** DynamoDB global tables (MREC, version 2019.11.21): "a newly written item is usually propagated
   * to all replica tables within a second" (awsdocs/amazon-dynamodb-developer-guide
   * V2globaltables_HowItWorks.md, reference-topologies.md §4). p99 = that second ("usually");
   * p50 half of it (estimate). */
  "dynamodb-global-tables": {
    name: "DynamoDB global tables replication",
    p50Ms: 500,
    p99Ms: 1000,
    endToEnd: true,
    source: "AWS DynamoDB developer guide: usually within a second (p50 half of it: estimate)",
  },
  /** Aurora global database storage replication: "typically under a second"; RPO "typically measured
   * in seconds" (awsdocs/amazon-aurora-user-guide aurora-global-database*.md, reference-topologies.md §5).
   * p50 half a second (estimate, "under a second"); p99 5 s (estimate within "seconds"). */
  "aurora-global-storage": {
    name: "Aurora global database storage replication",
    p50Ms: 500,
    p99Ms: 5000,
    endToEnd: true,
    source:
      "AWS Aurora user guide: typically under a second, RPO typically seconds (p50 0.5 s, p99 5 s: estimates)",
  },
  /** S3 cross-region replication without RTC: "most objects replicate within 15 minutes, but sometimes
   * replication can take a couple of hours or more" (S3 user guide, replication troubleshooting);
   * p50 one minute ("seconds to minutes", estimate), p99 two hours. */
  "s3-crr": {
    name: "S3 cross-region replication",
    p50Ms: 60_000,
    p99Ms: 7_200_000,
    endToEnd: true,
    source: "AWS S3 user guide: most objects within 15 minutes, sometimes hours (p50 1 min: estimate)",
  },
  /** S3 Replication Time Control: "replicates 99.99 percent of new objects ... within 15 minutes"
   * (S3 user guide, S3 RTC; backed by an SLA). p99 ≤ the 99.99% bound; p50 one minute (estimate). */
  "s3-crr-rtc": {
    name: "S3 cross-region replication with RTC",
    p50Ms: 60_000,
    p99Ms: 900_000,
    endToEnd: true,
    source: "AWS S3 user guide: S3 RTC replicates 99.99% of objects within 15 minutes (SLA)",
  },
  /** Kafka cross-cluster mirroring (MirrorMaker 2 / MSK Replicator): a consumer-producer pair that
   * batches; estimate p50 1 s, p99 5 s (the MirrorMaker 2 consumer polls and the producer lingers). */
  "kafka-mirroring": {
    name: "Kafka mirroring (MirrorMaker 2 / MSK Replicator)",
    p50Ms: 1000,
    p99Ms: 5000,
    source: "estimate: MirrorMaker 2 consume-produce batching",
  },
  /** An engine shipping its own log (PostgreSQL streaming replication, MySQL binlog, Raft append):
   * the log is sent as it is flushed; nothing beyond the network and the flush tail. */
  "log-shipping": {
    name: "engine log shipping",
    p50Ms: 0,
    p99Ms: 0,
    source: "PostgreSQL docs (warm-standby streaming replication): WAL is streamed as it is generated",
  },
} as const satisfies Readonly<Record<string, Pipeline>>;

export type PipelineId = keyof typeof PIPELINES;

/** Failover defaults: who replaces a lost leader and how long writes stop. */
export interface FailoverDefault {
  readonly mode: "automatic" | "manual";
  readonly rtoSeconds: number;
  readonly source: string;
}

export const FAILOVER_DEFAULTS = {
  /** Raft/Paxos elect a new leader among the surviving voters; CockroachDB's expiration-based
   * leases run 6 s after an election timeout of ~2 s (docs "Replication layer", estimate 10 s). */
  consensus: { mode: "automatic", rtoSeconds: 10, source: "Raft election + lease expiry (estimate)" },
  /** A failover manager (Patroni) promotes a replica once the leader key expires: ttl 30 s default. */
  "primary-replica": {
    mode: "automatic",
    rtoSeconds: 30,
    source: "Patroni ttl default 30 s (leader lock expiry)",
  },
  /** Other write regions keep accepting writes; clients re-route. */
  "multi-leader": { mode: "automatic", rtoSeconds: 0, source: "other write regions keep writing" },
  leaderless: { mode: "automatic", rtoSeconds: 0, source: "no leader: any W replicas accept writes" },
  /** Aurora global database: unplanned failover is "detach and promote", operator-driven; "RTO can be
   * in the order of minutes" (aurora-global-database-disaster-recovery.md). 10 min: estimate. */
  "aurora-postgresql": {
    mode: "manual",
    rtoSeconds: 600,
    source:
      "AWS Aurora user guide: unplanned failover is manual detach-and-promote, RTO minutes (10 min: estimate)",
  },
  /** DynamoDB global tables: every replica accepts writes; clients switch Region. */
  dynamodb: { mode: "automatic", rtoSeconds: 0, source: "DynamoDB global tables: every replica writes" },
  /** S3 CRR: clients must be pointed at the replica bucket (or a Multi-Region Access Point failover). */
  s3: {
    mode: "manual",
    rtoSeconds: 300,
    source: "S3 CRR: clients redirected by an operator (estimate 5 min)",
  },
  msk: { mode: "automatic", rtoSeconds: 30, source: "Kafka controller leader election (estimate)" },
} as const satisfies Readonly<Record<string, FailoverDefault>>;

/**
 * Writes stop this long when an operator must promote a replica and the spec declares no RTO: the
 * same 10 minutes as Aurora's detach-and-promote above ("RTO can be in the order of minutes").
 * An estimate: it is the time for someone to be paged, decide and promote.
 */
export const MANUAL_RTO_SECONDS = 600;

/**
 * Failover inside the leader's region (its zone lost, the region up), where it differs from the
 * region-loss default above. Aurora promotes a reader of the same cluster in another zone by itself;
 * the cross-region "detach and promote" is only for a lost region.
 */
export const IN_REGION_FAILOVER = {
  "aurora-postgresql": {
    mode: "automatic",
    rtoSeconds: 30,
    source:
      "Amazon Aurora FAQ: failover to an Aurora Replica in the cluster typically completes within 30 seconds",
  },
} as const satisfies Readonly<Record<string, FailoverDefault>>;

/**
 * Managed services whose one resource per Region keeps its data in several Availability Zones and
 * serves through the loss of one: a replica of such a store is lost only with its Region. Aurora
 * instances and MSK brokers each live in one AZ, so they are not here.
 */
export const ZONE_SPANNING_SERVICES: Readonly<Record<string, string>> = {
  dynamodb:
    "Amazon DynamoDB API Reference, Welcome: data is automatically replicated across multiple Availability Zones in a Region, providing built-in high availability",
  s3: "Amazon S3 User Guide, Data protection in Amazon S3: S3 Standard stores objects across a minimum of three Availability Zones in a Region",
};

/**
 * Designed availability of managed services: no planner figure may claim more nines than the
 * service is designed for. DynamoDB: AWS Prescriptive Guidance "Overview of global tables":
 * single-Region tables 99.99%, global tables 99.999% (reference-topologies.md §4). S3 Standard:
 * Amazon S3 User Guide, "Data protection in Amazon S3": "designed to provide ... 99.99%
 * availability of objects over a given year"; AWS states no figure for buckets replicated across
 * Regions, so none is assumed (only the common-mode cap applies there).
 */
export const DESIGNED_AVAILABILITY: Readonly<
  Record<string, { readonly singleRegion: number; readonly multiRegion?: number; readonly source: string }>
> = {
  dynamodb: {
    singleRegion: 0.9999,
    multiRegion: 0.99999,
    source: "AWS Prescriptive Guidance, DynamoDB global tables overview",
  },
  s3: {
    singleRegion: 0.9999,
    source: "Amazon S3 User Guide, Data protection in Amazon S3 (S3 Standard: 99.99% availability)",
  },
};

/**
 * Storage/commit tail added to a write's p99 by an engine or managed service: the durable-write
 * step a commit waits for, beyond the network.
 */
export const COMMIT_TAILS: Readonly<
  Record<
    string,
    {
      readonly p99Ms: number;
      /**
       * Cross-zone round trips every commit waits for inside the writer's region, at the median too
       * (`network.crossZoneRttMs` each): a storage quorum spread over zones. Absent: none.
       */
      readonly zoneRounds?: number;
      readonly source: string;
    }
  >
> = {
  /** etcd hardware guide: "99th percentile of wal_fsync_duration_seconds ... less than 10ms". */
  etcd: { p99Ms: 10, source: "etcd docs (hardware): WAL fsync p99 under 10 ms" },
  /** Pebble WAL fsync per commit; same SSD bound as etcd's guidance (estimate). */
  cockroachdb: { p99Ms: 10, source: "WAL fsync per commit, SSD bound as etcd's guidance (estimate)" },
  /** synchronous_commit = on: WAL flush per commit; same SSD bound (estimate). */
  postgresql: { p99Ms: 10, source: "WAL flush per commit, SSD bound as etcd's guidance (estimate)" },
  /** commitlog_sync: periodic (default): writes are acknowledged before the fsync. */
  cassandra: { p99Ms: 0, source: "Cassandra docs: commitlog_sync periodic acknowledges before fsync" },
  /** appendfsync everysec (default): the write returns before the fsync. */
  redis: { p99Ms: 0, source: "Redis persistence docs: appendfsync everysec" },
  /** Kafka relies on replication, not fsync (flush.messages unset by default). */
  kafka: { p99Ms: 0, source: "Kafka docs: log.flush.* unset; durability from replication" },
  /** A write is acknowledged within its request time (REQUEST_TIMES), nothing beyond. */
  dynamodb: { p99Ms: 0, source: "within the request time (REQUEST_TIMES.dynamodb)" },
  /**
   * Aurora acknowledges a commit once 4 of its 6 storage copies over 3 AZs have the log record
   * (Amazon Aurora User Guide, "Amazon Aurora storage": "six copies ... across three Availability
   * Zones"; Verbitski et al., SIGMOD 2017, §2.1: a write quorum of 4/6): at least one cross-AZ
   * round at the median, then about 5 ms more at p99 for the slowest copies and the storage write
   * (estimate).
   */
  "aurora-postgresql": {
    p99Ms: 5,
    zoneRounds: 1,
    source:
      "Aurora 4-of-6 storage quorum across 3 AZs: one cross-AZ round per commit; p99 5 ms more (estimate)",
  },
  s3: { p99Ms: 0, source: "within the request time (REQUEST_TIMES.s3)" },
  msk: { p99Ms: 0, source: "Kafka: durability from replication" },
  /** No engine declared: an SSD fsync per commit (estimate, as etcd's bound). */
  default: { p99Ms: 10, source: "fsync per commit on SSD, etcd's 10 ms bound (estimate)" },
};

/**
 * Time a managed service takes to serve one request, beyond the network, for reads and writes
 * alike: what AWS states for its API. An engine's own query time depends on the query and is not
 * modelled (only its commit tail, COMMIT_TAILS).
 */
export const REQUEST_TIMES: Readonly<
  Record<string, { readonly p50Ms: number; readonly p99Ms: number; readonly source: string }>
> = {
  /**
   * "Single-digit millisecond performance at any scale" (Amazon DynamoDB product page): at most
   * 10 ms at p99; 5 ms at the median (estimate: the middle of that range).
   */
  dynamodb: {
    p50Ms: 5,
    p99Ms: 10,
    source: "AWS DynamoDB product page: single-digit millisecond performance (p50 an estimate)",
  },
  /**
   * Amazon S3 User Guide, "Best practices design patterns: optimizing Amazon S3 performance":
   * latency-sensitive applications "can achieve consistent small object latencies (and
   * first-byte-out latencies for larger objects) of roughly 100–200 milliseconds" — read as
   * 100 ms at the median and 200 ms at p99 (estimate: the guide gives a range, not quantiles).
   */
  s3: {
    p50Ms: 100,
    p99Ms: 200,
    source:
      "Amazon S3 User Guide, optimizing performance: roughly 100–200 ms per small object (quantiles an estimate)",
  },
};
