import { resolveModel } from "../../../src/model/resolve.js";
import type { Model } from "../../../src/model/types.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { validateTopology } from "../../../src/spec/validate.js";

/** Validates and resolves a topology; throws with every diagnostic when it is invalid. */
export function modelOf(topology: TopologyInput): Model {
  const result = validateTopology(topology);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.path}: ${d.message}`).join("\n"));
  return resolveModel(result.topology);
}

/**
 * OpenTelemetry HTTP server metrics, as a component whose image exports them declares them (the
 * metric-driven indicators; engines and the mesh's defaults have tests of their own).
 */
export const OTEL_METRICS = {
  requests: "http_server_request_duration_seconds_count",
  errorSelector: 'http_response_status_code=~"5.."',
  latencyBucket: "http_server_request_duration_seconds_bucket",
  latencySum: "http_server_request_duration_seconds_sum",
  replicationLag: "topoplan_replication_lag_seconds",
} as const;

/**
 * A small topology exercising every rule kind: a 5-way consensus store over three regions, a
 * service with an availability and latency SLO calling it and another service, and a stream.
 */
export const SMALL: TopologyInput = {
  name: "shop",
  datastores: {
    accounts: {
      replication: "consensus",
      replicas: 5,
      placement: { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
      leader: "eu-west-1",
      survive: "region",
      traffic: { readsPerSec: 5000, writesPerSec: 500 },
      slo: { availability: 0.9999, readP99Ms: 20, writeP99Ms: 120, replicationLagMs: 1000 },
      deploy: { target: "kubernetes", image: "cockroachdb/cockroach:v24.1.4", port: 26257 },
      observability: { metrics: OTEL_METRICS },
      chaos: { enabled: true },
    },
  },
  services: {
    api: {
      regions: ["eu-west-1", "eu-central-1"],
      replicasPerRegion: 3,
      calls: [
        { to: "accounts", op: "write", timeoutMs: 250, perTryTimeoutMs: 100, retries: 2 },
        { to: "ledger", timeoutMs: 500, retries: 1 },
      ],
      traffic: { requestsPerSec: 1200 },
      slo: { availability: 0.999, latencyP99Ms: 200 },
      deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
      observability: { metrics: OTEL_METRICS },
    },
    ledger: {
      regions: ["eu-west-1"],
      deploy: { target: "kubernetes", image: "ghcr.io/acme/ledger:1.0.0", namespace: "payments" },
    },
  },
  streams: {
    clicks: {
      regions: ["eu-west-1"],
      partitions: 12,
      replicas: 3,
      minInSync: 2,
      producers: ["api"],
      deploy: { target: "kubernetes", image: "apache/kafka:3.7.0" },
      observability: { metrics: OTEL_METRICS },
      chaos: { enabled: true },
    },
  },
};

export const smallModel = (): Model => modelOf(SMALL);

/**
 * Engines whose indicators differ by region: CloudNativePG (a replica cluster in us-west-2, whose
 * instances are all in recovery, so that region records no error ratio and has no leader alert)
 * and Redis with Sentinel (members in both regions, the primary in us-east-1), beside a service.
 */
export const ENGINES: TopologyInput = {
  name: "engines",
  datastores: {
    orders: {
      replication: "primary-replica",
      sync: "semi-sync",
      replicas: 3,
      placement: { "us-east-1": 2, "us-west-2": 1 },
      leader: "us-east-1",
      slo: { availability: 0.999, replicationLagMs: 1_000 },
      deploy: { target: "kubernetes", engine: "postgresql" },
    },
    cache: {
      replication: "primary-replica",
      consistency: "eventual",
      sync: "async",
      replicas: 3,
      placement: { "us-east-1": 2, "us-west-2": 1 },
      leader: "us-east-1",
      slo: { availability: 0.999, replicationLagMs: 1_000 },
      deploy: { target: "kubernetes", engine: "redis" },
    },
  },
  services: {
    web: {
      regions: ["us-east-1", "us-west-2"],
      calls: [
        { to: "orders", timeoutMs: 500 },
        { to: "cache", timeoutMs: 50 },
      ],
      slo: { availability: 0.999, latencyP99Ms: 400 },
      deploy: { target: "kubernetes", image: "ghcr.io/acme/web:1.0.0" },
    },
  },
};
