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
      // Not an engine image: these tests cover the generic workload and declared metrics.
      deploy: { target: "kubernetes", image: "ghcr.io/acme/accounts-db:1.0.0", port: 26257 },
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
    },
  },
};

export const smallModel = (): Model => modelOf(SMALL);
