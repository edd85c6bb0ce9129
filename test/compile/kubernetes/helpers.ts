// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
import { compileKubernetes, type KubernetesOptions } from "../../../src/compile/kubernetes/index.js";
import type { PlannedResource } from "../../../src/compile/plan.js";
import { resolveModel } from "../../../src/model/resolve.js";
import type { Model } from "../../../src/model/types.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { validateTopology } from "../../../src/spec/validate.js";

/** Validates and resolves an inline topology; fails the test with the diagnostics if it is invalid. */
export function modelOf(topology: TopologyInput): Model {
  const result = validateTopology(topology);
  if (!result.ok) throw new Error(`invalid test topology: ${JSON.stringify(result.diagnostics, null, 2)}`);
  return resolveModel(result.topology);
}

export function compile(topology: TopologyInput, options?: KubernetesOptions): PlannedResource[] {
  return compileKubernetes(modelOf(topology), options);
}

/** The manifest of the resource with this logical name; fails when absent. */
export function manifest(resources: readonly PlannedResource[], name: string): Record<string, any> {
  const found = resources.find((r) => r.name === name);
  if (found === undefined)
    throw new Error(`no resource ${name}; have:\n${resources.map((r) => r.name).join("\n")}`);
  return found.inputs as Record<string, any>;
}

export const k8s = (image: string, extra: Record<string, unknown> = {}) =>
  ({ target: "kubernetes", image, ...extra }) as const;

/**
 * A small topology touching every branch: a 5-replica consensus store over three regions, a
 * single-region primary-replica store, a Kafka-like stream, an AWS-managed table, an external API
 * and three services with calls within and across regions.
 */
export const SHOP: TopologyInput = {
  name: "shop",
  users: { "eu-west-1": 0.6, "eu-central-1": 0.4 },
  datastores: {
    orders: {
      replication: "consensus",
      replicas: 5,
      placement: { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
      survive: "region",
      deploy: k8s("cockroachdb/cockroach:v24.1.4", {
        port: 26257,
        metricsPort: 8080,
        storageGi: 50,
        storageClass: "gp3",
      }),
    },
    carts: {
      replication: "primary-replica",
      replicas: 3,
      placement: { "eu-west-1": 3 },
      deploy: k8s("postgres:16", { port: 5432, peerPort: 5433, metricsPort: 9187, namespace: "shop-data" }),
    },
    catalog: {
      replication: "multi-leader",
      replicas: 2,
      placement: { "eu-west-1": 1, "eu-central-1": 1 },
      deploy: { target: "aws", service: "dynamodb" },
    },
  },
  services: {
    web: {
      regions: ["eu-west-1", "eu-central-1"],
      replicasPerRegion: 3,
      calls: [
        { to: "checkout", timeoutMs: 500 },
        { to: "catalog", timeoutMs: 100 },
      ],
      deploy: k8s("ghcr.io/acme/web:1.0.0"),
    },
    checkout: {
      regions: ["eu-west-1"],
      calls: [
        { to: "orders", op: "write", timeoutMs: 300 },
        { to: "carts", timeoutMs: 100 },
        { to: "payments", timeoutMs: 1000 },
      ],
      deploy: k8s("ghcr.io/acme/checkout:1.0.0", { port: 8081, metricsPort: 8081, healthPath: "/ready" }),
    },
    payments: { regions: ["eu-west-1"], deploy: { target: "external" } },
    audit: {
      regions: ["eu-central-1"],
      deploy: k8s("ghcr.io/acme/audit:1.0.0"),
    },
  },
  streams: {
    events: {
      partitions: 12,
      replicas: 3,
      minInSync: 2,
      regions: ["eu-west-1"],
      producers: ["checkout"],
      consumers: ["audit"],
      deploy: k8s("apache/kafka:3.8.0", { port: 9092, peerPort: 9093, metricsPort: 9308 }),
    },
  },
};

/**
 * A service calling engine-backed components with no `deploy.port` of their own (the spec default
 * 8080 would be wrong for each): etcd, CloudNativePG over a primary and a replica region, and a
 * Strimzi Kafka stream it produces to, from two regions.
 */
export const ENGINE_SHOP: TopologyInput = {
  name: "shop",
  users: { "eu-west-1": 0.6, "us-east-1": 0.4 },
  datastores: {
    meta: {
      replication: "consensus",
      replicas: 3,
      placement: { "eu-west-1": 3 },
      deploy: { target: "kubernetes", engine: "etcd" },
    },
    orders: {
      replication: "primary-replica",
      sync: "async",
      replicas: 3,
      placement: { "eu-west-1": 2, "us-east-1": 1 },
      leader: "eu-west-1",
      deploy: { target: "kubernetes", engine: "postgresql" },
    },
  },
  services: {
    api: {
      regions: ["eu-west-1", "us-east-1"],
      calls: [
        { to: "meta", timeoutMs: 100 },
        { to: "orders", op: "write", timeoutMs: 100 },
      ],
      deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
    },
  },
  streams: {
    events: {
      regions: ["eu-west-1"],
      partitions: 6,
      replicas: 3,
      minInSync: 2,
      producers: ["api"],
      deploy: { target: "kubernetes", engine: "kafka" },
    },
  },
};
