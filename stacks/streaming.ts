import { defineTopology } from "../src/spec/define.js";

/**
 * Stream processing of payment and click events for fraud detection, in two EU regions.
 *
 *   ingest-api ─► raw-events ─► sessionizer ─► sessions ─► enricher ─► enriched-events ─► fraud-scorer ─► fraud-scores ─► sink
 *                                                             │                               │                          │
 *                                                      customer-profiles                  risk-state                events-archive
 *
 * Each stream is its own Kafka cluster per region on Kubernetes, managed by Strimzi
 * (`deploy.engine: "kafka"`: brokers and KRaft controllers spread over 3 zones with rack awareness;
 * replicas 3, min.insync.replicas 2, acks=all, unclean leader election off), the layout for durable
 * topics. A processor therefore reads one cluster and writes another, and no Kafka transaction
 * spans two clusters (nor does Kafka Streams, which talks to one): delivery is at-least-once with
 * idempotent producers, and every record carries the client-generated event id, which each
 * consumer dedupes on — a record written twice after a processor restarts is read once. (Declaring
 * exactly-once here is what `check`'s exactly-once rule refuses.)
 *
 * Everything stays in the EU (card data, GDPR): eu-west-1 (Ireland) and eu-central-1 (Frankfurt).
 */
export default defineTopology({
  name: "streaming",
  description:
    "Fraud-detection pipeline on Kafka (Strimzi) in two EU regions, at-least-once with consumers deduping by event id",
  users: { "eu-west-1": 0.55, "eu-central-1": 0.45 },

  streams: {
    "raw-events": {
      description: "Card authorisations and click events as received; keyed by cardId.",
      regions: ["eu-west-1", "eu-central-1"],
      // 96 partitions ≈ 625 msg/s each at peak: headroom for 3× bursts on kafka.m7g.xlarge brokers.
      partitions: 96,
      // One card's events in one partition, in order (diff refuses a partition increase that moves them).
      key: "cardId",
      replicas: 3,
      minInSync: 2,
      delivery: "at-least-once",
      idempotentProducers: true,
      producers: ["ingest-api"],
      consumers: ["sessionizer"],
      traffic: { messagesPerSec: 60_000, messageBytes: 700 },
      // Three days: enough to replay a bad deploy of any downstream processor over a weekend.
      retentionHours: 72,
      residency: ["EU"],
      slo: { availability: 0.9995, endToEndP99Ms: 200, consumerLagMs: 10_000 },
      // Every broker holds a replica of every partition: 72 h × 21 MB/s into each region ≈ 5.2 TiB
      // (check's stream-storage rule sizes each stream's volumes the same way).
      deploy: { target: "kubernetes", engine: "kafka", storageGi: 6_500, cpu: "4", memory: "16Gi" },
    },
    sessions: {
      description: "Events grouped into user sessions (30-minute inactivity gap).",
      regions: ["eu-west-1", "eu-central-1"],
      partitions: 48,
      replicas: 3,
      minInSync: 2,
      delivery: "at-least-once",
      idempotentProducers: true,
      producers: ["sessionizer"],
      consumers: ["enricher"],
      traffic: { messagesPerSec: 8_000, messageBytes: 2_048 },
      retentionHours: 168,
      residency: ["EU"],
      slo: { availability: 0.9995, endToEndP99Ms: 1_000, consumerLagMs: 30_000 },
      deploy: { target: "kubernetes", engine: "kafka", storageGi: 5_500, cpu: "2", memory: "8Gi" },
    },
    "enriched-events": {
      description: "Events joined with the customer profile and session features.",
      regions: ["eu-west-1", "eu-central-1"],
      partitions: 96,
      replicas: 3,
      minInSync: 2,
      delivery: "at-least-once",
      idempotentProducers: true,
      producers: ["enricher"],
      consumers: ["fraud-scorer", "sink"],
      traffic: { messagesPerSec: 60_000, messageBytes: 1_200 },
      // Short: the archive in S3 is the long-term copy.
      retentionHours: 24,
      residency: ["EU"],
      slo: { availability: 0.9995, endToEndP99Ms: 1_000, consumerLagMs: 30_000 },
      deploy: { target: "kubernetes", engine: "kafka", storageGi: 3_600, cpu: "4", memory: "16Gi" },
    },
    "fraud-scores": {
      description: "A risk score per authorisation; read by the card authoriser and archived.",
      regions: ["eu-west-1", "eu-central-1"],
      partitions: 24,
      replicas: 3,
      minInSync: 2,
      delivery: "at-least-once",
      idempotentProducers: true,
      producers: ["fraud-scorer"],
      consumers: ["sink"],
      traffic: { messagesPerSec: 2_000, messageBytes: 256 },
      // 30 days, for dispute investigations.
      retentionHours: 720,
      residency: ["EU"],
      slo: { availability: 0.9999, endToEndP99Ms: 2_500, consumerLagMs: 5_000 },
      deploy: { target: "kubernetes", engine: "kafka", storageGi: 800, cpu: "2", memory: "8Gi" },
    },
  },

  datastores: {
    "risk-state": {
      description:
        "Fraud features per card (velocity counters, last locations): TiKV, Raft over 3 zones of eu-west-1 " +
        "plus 2 voters in eu-central-1. A quorum of 3 commits inside eu-west-1, so losing that region " +
        "loses the updates not yet in Frankfurt (the plan's rpo, ~14 ms): features rebuild from the stream.",
      replication: "consensus",
      // Follower reads (TiKV stale reads): a feature a few hundred ms old scores just as well, and
      // Frankfurt scorers then read locally instead of from the Irish leader.
      consistency: "bounded-staleness",
      partitions: { count: 128, key: "cardId", strategy: "hash" },
      replicas: 5,
      placement: { "eu-west-1": 3, "eu-central-1": 2 },
      leader: "eu-west-1",
      // With two regions only zone survival is achievable: 3 + 2 cannot keep a majority without eu-west-1.
      survive: "zone",
      residency: ["EU"],
      traffic: { readsPerSec: 60_000, writesPerSec: 20_000, itemBytes: 512 },
      // Writes from Frankfurt pay the round trip to the Irish leader (~25 ms) plus the quorum.
      slo: { availability: 0.9995, readP99Ms: 10, writeP99Ms: 60, replicationLagMs: 500 },
      deploy: {
        target: "kubernetes",
        image: "pingcap/tikv:v8.1.1",
        port: 20160,
        metricsPort: 20180,
        storageGi: 500,
        storageClass: "io2-encrypted",
        cpu: "8",
        memory: "32Gi",
      },
    },
    "customer-profiles": {
      description: "Customer profile snapshots used for enrichment; a read replica of the core banking DB.",
      replication: "primary-replica",
      sync: "async",
      consistency: "eventual",
      // Writer and a reader in two zones of Ireland: without a reader there Aurora re-creates a
      // lost writer in its own zone, which a zone outage does not allow (Aurora User Guide).
      replicas: 3,
      placement: { "eu-west-1": 2, "eu-central-1": 1 },
      leader: "eu-west-1",
      residency: ["EU"],
      traffic: { readsPerSec: 8_000, writesPerSec: 50, itemBytes: 4_096 },
      // Aurora global replication: typically under a second, seconds in the tail (docs/model.md).
      slo: { availability: 0.999, readP99Ms: 15, replicationLagMs: 10_000 },
      deploy: {
        target: "aws",
        service: "aurora-postgresql",
        instanceClass: "db.r6g.large",
        engineVersion: "16.4",
      },
    },
    "events-archive": {
      description: "Parquet archive of enriched events and scores; S3 cross-region replication for DR.",
      replication: "primary-replica",
      sync: "async",
      replicas: 2,
      placement: { "eu-west-1": 1, "eu-central-1": 1 },
      leader: "eu-west-1",
      residency: ["EU"],
      // 60k events/s × 1.2 kB ≈ 72 MB/s raw, ~15 MB/s as compressed Parquet: one 128 MiB file every ~9 s.
      traffic: { readsPerSec: 0.05, writesPerSec: 0.12, itemBytes: 134_217_728 },
      // RTC's 15 minutes plus shipping a 128 MiB file across: alert at 16 minutes.
      slo: { replicationLagMs: 960_000 },
      // Replication Time Control: 99.99% of objects within 15 minutes (without it, hours in the tail).
      deploy: { target: "aws", service: "s3", replicationTimeControl: true },
    },
  },

  services: {
    "ingest-api": {
      description: "HTTPS endpoint for authorisation and click events; produces to raw-events.",
      regions: ["eu-west-1", "eu-central-1"],
      replicasPerRegion: 6,
      processingMs: 2,
      residency: ["EU"],
      traffic: { requestsPerSec: 60_000 },
      slo: { availability: 0.9995, latencyP99Ms: 150 },
      calls: [
        // delivery.timeout.ms; the idempotent producer retries internally without duplicates.
        {
          to: "raw-events",
          op: "produce",
          timeoutMs: 120,
          perTryTimeoutMs: 40,
          retries: 2,
          backoff: { baseMs: 10, maxMs: 40, jitter: true },
        },
      ],
      deploy: { target: "kubernetes", image: "ghcr.io/acme-risk/ingest-api:1.14.2", cpu: "1", memory: "1Gi" },
    },
    sessionizer: {
      description: "Stream processor: dedupes by event id and builds sessions (windowed state in RocksDB).",
      regions: ["eu-west-1", "eu-central-1"],
      replicasPerRegion: 12,
      processingMs: 1,
      residency: ["EU"],
      slo: { availability: 0.999 },
      calls: [
        {
          to: "sessions",
          op: "produce",
          timeoutMs: 30_000,
          retries: 5,
          backoff: { baseMs: 100, maxMs: 1_000, jitter: true },
        },
      ],
      deploy: {
        target: "kubernetes",
        image: "ghcr.io/acme-risk/sessionizer:2.6.0",
        cpu: "2",
        memory: "4Gi",
        // No storageGi: a service gets no volume, its RocksDB state lives in /tmp (a 1 GiB
        // emptyDir) and is restored from the changelog topic after a restart.
        env: { PROCESSING_GUARANTEE: "at_least_once", COMMIT_INTERVAL_MS: "100" },
      },
    },
    enricher: {
      description: "Stream processor: joins sessions with customer profiles; dedupes by event id.",
      regions: ["eu-west-1", "eu-central-1"],
      replicasPerRegion: 12,
      processingMs: 2,
      residency: ["EU"],
      slo: { availability: 0.999 },
      calls: [
        {
          to: "customer-profiles",
          op: "read",
          timeoutMs: 50,
          perTryTimeoutMs: 20,
          retries: 2,
          backoff: { baseMs: 5, maxMs: 20, jitter: true },
          callsPerRequest: 0.2,
        },
        {
          to: "enriched-events",
          op: "produce",
          timeoutMs: 30_000,
          retries: 5,
          backoff: { baseMs: 100, maxMs: 1_000, jitter: true },
        },
      ],
      deploy: {
        target: "kubernetes",
        image: "ghcr.io/acme-risk/enricher:3.1.4",
        cpu: "2",
        memory: "4Gi",
        env: { PROCESSING_GUARANTEE: "at_least_once" },
      },
    },
    "fraud-scorer": {
      description: "Scores each authorisation with the fraud model and its card features.",
      regions: ["eu-west-1", "eu-central-1"],
      replicasPerRegion: 8,
      processingMs: 8,
      residency: ["EU"],
      slo: { availability: 0.9995, latencyP99Ms: 100 },
      calls: [
        {
          to: "risk-state",
          op: "read",
          timeoutMs: 40,
          perTryTimeoutMs: 15,
          retries: 2,
          backoff: { baseMs: 5, maxMs: 15, jitter: true },
        },
        {
          to: "risk-state",
          op: "write",
          timeoutMs: 80,
          perTryTimeoutMs: 40,
          retries: 1,
          backoff: { baseMs: 10, jitter: true },
        },
        {
          to: "fraud-scores",
          op: "produce",
          timeoutMs: 30_000,
          retries: 5,
          backoff: { baseMs: 100, maxMs: 1_000, jitter: true },
        },
      ],
      deploy: {
        target: "kubernetes",
        image: "ghcr.io/acme-risk/fraud-scorer:7.0.3",
        cpu: "4",
        memory: "8Gi",
        env: { PROCESSING_GUARANTEE: "at_least_once", MODEL_VERSION: "gbm-2024-09" },
      },
    },
    sink: {
      description:
        "Batches enriched events and scores into Parquet files in S3 (offsets committed after upload).",
      // In both regions so archiving continues through a regional outage; each writes to the primary bucket.
      regions: ["eu-west-1", "eu-central-1"],
      replicasPerRegion: 2,
      processingMs: 5,
      residency: ["EU"],
      slo: { availability: 0.99 },
      calls: [
        {
          to: "events-archive",
          op: "write",
          timeoutMs: 60_000,
          perTryTimeoutMs: 20_000,
          retries: 2,
          backoff: { baseMs: 500, maxMs: 5_000, jitter: true },
        },
      ],
      deploy: {
        target: "kubernetes",
        image: "ghcr.io/acme-risk/parquet-sink:1.3.0",
        cpu: "2",
        memory: "6Gi",
      },
    },
  },

  network: {
    // Bandwidth reserved for MSK Replicator, TiKV and S3 replication between the two regions.
    links: [{ between: ["eu-west-1", "eu-central-1"], bandwidthMbps: 2_000 }],
  },
  policies: { "bandwidth.headroom": 0.7 },
});
