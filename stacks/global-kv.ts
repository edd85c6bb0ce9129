import { defineTopology } from "../src/spec/define.js";

/**
 * A global key-value database in the style of CockroachDB: 5-way Raft consensus spread over
 * three EU regions so it survives the loss of a whole region, EU data residency, 64 hash ranges.
 * Users are mostly in Europe, with US and Japanese traffic served through the same EU quorum.
 */
export default defineTopology({
  name: "global-kv",
  description: "Multi-region consensus KV store with EU residency",
  users: { "eu-west-1": 0.45, "eu-central-1": 0.25, "us-east-1": 0.2, "ap-northeast-1": 0.1 },
  datastores: {
    accounts: {
      description: "Account balances and profiles; strongly consistent",
      replication: "consensus",
      consistency: "strong",
      partitions: { count: 64, key: "accountId", strategy: "hash" },
      replicas: 5,
      placement: { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
      leader: "eu-west-1",
      survive: "region",
      residency: ["EU"],
      backup: { regions: ["eu-central-1"] },
      traffic: { readsPerSec: 50_000, writesPerSec: 5_000, itemBytes: 1024 },
      // Strong reads go to the leaseholder in eu-west-1: ~27 ms from Frankfurt, so 50 ms at p99.
      slo: { availability: 0.9999, readP99Ms: 50, writeP99Ms: 120, replicationLagMs: 1000 },
      deploy: {
        target: "kubernetes",
        engine: "cockroachdb",
        image: "cockroachdb/cockroach:v24.1.4",
        port: 26257,
        metricsPort: 8080,
        storageGi: 200,
        cpu: "4",
        memory: "16Gi",
      },
    },
    sessions: {
      description: "Login sessions; read-mostly, tolerates bounded staleness",
      replication: "consensus",
      consistency: "bounded-staleness",
      partitions: { count: 16, key: "sessionId", strategy: "hash" },
      replicas: 3,
      placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 },
      leader: "eu-west-1",
      survive: "region",
      residency: ["EU"],
      traffic: { readsPerSec: 20_000, writesPerSec: 2_000, itemBytes: 512 },
      slo: { availability: 0.999, readP99Ms: 15, writeP99Ms: 100 },
      deploy: {
        target: "kubernetes",
        engine: "cockroachdb",
        image: "cockroachdb/cockroach:v24.1.4",
        port: 26257,
        metricsPort: 8080,
        storageGi: 50,
      },
    },
  },
  services: {
    "kv-gateway": {
      description: "SQL/HTTP gateway in front of the cluster",
      regions: ["eu-west-1", "eu-central-1", "eu-north-1"],
      replicasPerRegion: 3,
      processingMs: 2,
      residency: ["EU"],
      calls: [
        {
          to: "accounts",
          op: "write",
          // 3 attempts × 200 ms + 20 + 40 ms of backoff = 660 ms: inside the 700 ms deadline.
          timeoutMs: 700,
          perTryTimeoutMs: 200,
          retries: 2,
          backoff: { baseMs: 20, maxMs: 200, jitter: true },
        },
        {
          to: "sessions",
          op: "read",
          timeoutMs: 100,
          perTryTimeoutMs: 45,
          retries: 1,
          backoff: { baseMs: 10, jitter: true },
        },
      ],
      traffic: { requestsPerSec: 55_000 },
      // Residency keeps every request in the EU, so Tokyo users pay ~220 ms of round trip to Ireland:
      // the latency target is set for them, not for the EU majority.
      slo: { availability: 0.999, latencyP99Ms: 400 },
      deploy: { target: "kubernetes", image: "ghcr.io/acme/kv-gateway:2.3.1", port: 8080 },
    },
  },
  network: {
    links: [
      { between: ["eu-west-1", "eu-central-1"], bandwidthMbps: 1000 },
      { between: ["eu-west-1", "eu-north-1"], bandwidthMbps: 1000 },
      { between: ["eu-central-1", "eu-north-1"], bandwidthMbps: 1000 },
    ],
  },
  policies: { "bandwidth.headroom": 0.7 },
});
