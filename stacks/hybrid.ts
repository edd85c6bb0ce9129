import { defineTopology } from "../src/spec/define.js";

/**
 * A shop whose state lives in AWS-managed services while its services run on Kubernetes in two
 * EU regions. Everything stays in the EU:
 *   - carts: a DynamoDB global table, multi-active in Ireland and Frankfurt (last writer wins);
 *   - orders: an Aurora PostgreSQL global database, writer in Ireland, reader cluster in Frankfurt;
 *   - media: product images in S3, replicated from Ireland to Frankfurt;
 *   - order-events: an MSK (Kafka) stream in Ireland between checkout and fulfilment.
 * Deployed with `pulumi up --stack hybrid` (stacks/Pulumi.hybrid.yaml).
 */
export default defineTopology({
  name: "hybrid-shop",
  description: "Kubernetes services over AWS-managed datastores, EU residency",
  users: { "eu-west-1": 0.6, "eu-central-1": 0.4 },
  datastores: {
    carts: {
      description: "Shopping carts; written wherever the shopper is, eventually consistent",
      replication: "multi-leader",
      consistency: "eventual",
      partitions: { count: 1, key: "cartId", strategy: "hash" },
      replicas: 2,
      placement: { "eu-west-1": 1, "eu-central-1": 1 },
      leader: "eu-west-1",
      survive: "region",
      residency: ["EU"],
      traffic: { readsPerSec: 4_000, writesPerSec: 800, itemBytes: 2048 },
      // DynamoDB global tables usually replicate within a second; a request takes single-digit
      // milliseconds in the service, plus the network.
      slo: { availability: 0.9999, readP99Ms: 15, writeP99Ms: 25, replicationLagMs: 1500 },
      deploy: { target: "aws", service: "dynamodb" },
    },
    orders: {
      description: "Orders and payments; one writer region, read replicas for failover",
      replication: "primary-replica",
      // Reads go to the nearest reader; read-your-writes paths use the writer endpoint explicitly.
      consistency: "bounded-staleness",
      partitions: { count: 1, key: "orderId", strategy: "hash" },
      replicas: 3,
      // Writer + reader in Ireland (in-region failover in seconds), one reader cluster in Frankfurt.
      placement: { "eu-west-1": 2, "eu-central-1": 1 },
      leader: "eu-west-1",
      sync: "async",
      survive: "zone",
      residency: ["EU"],
      backup: { regions: ["eu-central-1"] },
      traffic: { readsPerSec: 1_500, writesPerSec: 150, itemBytes: 1024 },
      // Aurora global storage replication: "typically under a second", RPO "typically seconds"
      // (docs/model.md): a p99 target of one second is not what the service promises.
      slo: { availability: 0.9995, readP99Ms: 15, writeP99Ms: 60, replicationLagMs: 10_000 },
      deploy: {
        target: "aws",
        service: "aurora-postgresql",
        instanceClass: "db.r6g.large",
        engineVersion: "16.6",
      },
    },
    media: {
      description: "Product images; copied to Frankfurt for regional failover",
      replication: "primary-replica",
      consistency: "eventual",
      replicas: 2,
      placement: { "eu-west-1": 1, "eu-central-1": 1 },
      leader: "eu-west-1",
      residency: ["EU"],
      traffic: { readsPerSec: 300, writesPerSec: 5, itemBytes: 262_144 },
      // S3 replication without RTC: most objects within minutes; 15 minutes is the alarm line.
      // S3 Replication Time Control: 99.99% of objects within 15 minutes (without it: hours at the tail).
      slo: { availability: 0.999, replicationLagMs: 1_000_000 },
      deploy: { target: "aws", service: "s3", replicationTimeControl: true },
    },
  },
  streams: {
    "order-events": {
      description: "Order lifecycle events from checkout to fulfilment",
      regions: ["eu-west-1"],
      partitions: 24,
      replicas: 3,
      minInSync: 2,
      delivery: "at-least-once",
      idempotentProducers: true,
      producers: ["checkout"],
      consumers: ["fulfilment"],
      traffic: { messagesPerSec: 400, messageBytes: 1024 },
      retentionHours: 168,
      residency: ["EU"],
      slo: { availability: 0.999, endToEndP99Ms: 2000, consumerLagMs: 30_000 },
      deploy: { target: "aws", service: "msk", instanceClass: "kafka.m7g.large", storageGi: 500 },
    },
  },
  services: {
    storefront: {
      description: "Web storefront: carts and product media",
      regions: ["eu-west-1", "eu-central-1"],
      replicasPerRegion: 3,
      processingMs: 5,
      residency: ["EU"],
      calls: [
        {
          to: "carts",
          op: "read",
          timeoutMs: 100,
          perTryTimeoutMs: 20,
          retries: 2,
          backoff: { baseMs: 10, jitter: true },
        },
        {
          to: "carts",
          op: "write",
          timeoutMs: 150,
          perTryTimeoutMs: 60,
          retries: 1,
          backoff: { baseMs: 20, jitter: true },
        },
        {
          to: "media",
          op: "read",
          timeoutMs: 300,
          perTryTimeoutMs: 120,
          retries: 1,
          backoff: { baseMs: 25, jitter: true },
        },
        { to: "checkout", timeoutMs: 1500, retries: 0 },
      ],
      traffic: { requestsPerSec: 3_000 },
      slo: { availability: 0.999, latencyP99Ms: 400 },
      deploy: { target: "kubernetes", image: "ghcr.io/acme/storefront:5.2.0", port: 8080 },
    },
    checkout: {
      description: "Places orders: writes the order, empties the cart, emits an event",
      regions: ["eu-west-1", "eu-central-1"],
      replicasPerRegion: 3,
      processingMs: 10,
      residency: ["EU"],
      calls: [
        {
          to: "orders",
          op: "write",
          timeoutMs: 400,
          perTryTimeoutMs: 150,
          retries: 1,
          backoff: { baseMs: 50, jitter: true },
        },
        {
          to: "carts",
          op: "write",
          timeoutMs: 150,
          perTryTimeoutMs: 60,
          retries: 1,
          backoff: { baseMs: 20, jitter: true },
        },
        {
          to: "order-events",
          op: "produce",
          timeoutMs: 500,
          perTryTimeoutMs: 100,
          retries: 2,
          backoff: { baseMs: 50, jitter: true },
        },
      ],
      traffic: { requestsPerSec: 150 },
      slo: { availability: 0.9995, latencyP99Ms: 1000 },
      deploy: { target: "kubernetes", image: "ghcr.io/acme/checkout:3.7.1", port: 8080 },
    },
    fulfilment: {
      description: "Consumes order events and updates order state",
      regions: ["eu-west-1"],
      replicasPerRegion: 3,
      processingMs: 20,
      residency: ["EU"],
      calls: [
        {
          to: "order-events",
          op: "consume",
          timeoutMs: 1000,
          perTryTimeoutMs: 200,
          retries: 2,
          backoff: { baseMs: 100, jitter: true },
        },
        {
          to: "orders",
          op: "write",
          timeoutMs: 400,
          perTryTimeoutMs: 80,
          retries: 2,
          backoff: { baseMs: 50, jitter: true },
        },
      ],
      slo: { availability: 0.999, latencyP99Ms: 2000 },
      deploy: { target: "kubernetes", image: "ghcr.io/acme/fulfilment:1.9.0", port: 8080 },
    },
  },
  network: {
    links: [{ between: ["eu-west-1", "eu-central-1"], bandwidthMbps: 1000 }],
  },
});
