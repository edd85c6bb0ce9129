import { compileAws } from "../../../src/compile/aws/index.js";
import type { AwsCompileOptions } from "../../../src/compile/aws/options.js";
import { isRef, type PlannedResource, type ResourcePlan } from "../../../src/compile/plan.js";
import { resolveModel } from "../../../src/model/resolve.js";
import type { Model } from "../../../src/model/types.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { validateTopology } from "../../../src/spec/validate.js";

/** Validates and resolves a spec; fails the test with the diagnostics when it is invalid. */
export function modelOf(spec: TopologyInput): Model {
  const result = validateTopology(spec);
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics, null, 2));
  return resolveModel(result.topology);
}

export function plan(spec: TopologyInput, options?: AwsCompileOptions): ResourcePlan {
  return compileAws(modelOf(spec), undefined, options);
}

export function byType(plan: ResourcePlan, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type);
}

export function named(plan: ResourcePlan, name: string): PlannedResource {
  const found = plan.resources.find((r) => r.name === name);
  if (found === undefined)
    throw new Error(`no resource "${name}" in ${plan.resources.map((r) => r.name).join(", ")}`);
  return found;
}

/** `inputs.a.b[0].c` without casts in every test. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Every ref anywhere in a value. */
export function refsIn(value: unknown): { $ref: string; property: string }[] {
  if (isRef(value)) return [value];
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(refsIn);
  return [];
}

/** Every string anywhere in a value. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/** A small EU topology with one component of each AWS service, for focused tests. */
export function euSpec(overrides: Partial<Record<"carts" | "orders" | "media", object>> = {}): TopologyInput {
  return {
    name: "shop",
    users: { "eu-west-1": 0.5, "eu-central-1": 0.5 },
    datastores: {
      carts: {
        replication: "multi-leader",
        partitions: { count: 1, key: "cartId" },
        replicas: 3,
        placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 },
        leader: "eu-west-1",
        residency: ["EU"],
        traffic: { readsPerSec: 3000, writesPerSec: 600 },
        slo: { availability: 0.999, replicationLagMs: 1200 },
        deploy: { target: "aws", service: "dynamodb" },
        ...overrides.carts,
      },
      orders: {
        replication: "primary-replica",
        replicas: 5,
        placement: { "eu-west-1": 3, "eu-central-1": 2 },
        leader: "eu-west-1",
        residency: ["EU"],
        backup: { regions: ["eu-central-1"] },
        slo: { replicationLagMs: 800 },
        deploy: { target: "aws", service: "aurora-postgresql" },
        ...overrides.orders,
      },
      media: {
        replication: "primary-replica",
        replicas: 2,
        placement: { "eu-west-1": 1, "eu-central-1": 1 },
        leader: "eu-west-1",
        residency: ["EU"],
        slo: { replicationLagMs: 600_000 },
        deploy: { target: "aws", service: "s3" },
        ...overrides.media,
      },
    },
    streams: {
      events: {
        regions: ["eu-west-1", "eu-central-1"],
        partitions: 12,
        replicas: 3,
        minInSync: 2,
        producers: ["api"],
        consumers: ["worker"],
        traffic: { messagesPerSec: 1000 },
        residency: ["EU"],
        slo: { consumerLagMs: 20_000 },
        deploy: { target: "aws", service: "msk" },
      },
    },
    services: {
      api: {
        regions: ["eu-west-1", "eu-central-1"],
        calls: [
          { to: "carts", timeoutMs: 100 },
          { to: "orders", op: "write", timeoutMs: 300 },
          { to: "media", timeoutMs: 300 },
          { to: "events", timeoutMs: 300 },
        ],
        deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
      },
      worker: {
        regions: ["eu-central-1"],
        calls: [{ to: "orders", op: "write", timeoutMs: 300 }],
        deploy: { target: "kubernetes", image: "ghcr.io/acme/worker:1.0.0" },
      },
    },
  } as TopologyInput;
}
