import { buildCatalog, type Catalog } from "../../src/catalog/catalog.js";
import { resolveModel } from "../../src/model/resolve.js";
import type { Model } from "../../src/model/types.js";
import { Topology, type TopologyInput } from "../../src/spec/schema/topology.js";

export const TAIL = 1.5;

/**
 * A model through the real pipeline (parse → resolve). These formula tests declare the flat tail
 * factor (model.tailFactor 1.5) unless they set their own, so p99 = p50 × 1.5 for every RTT; the
 * measured tails (jitter per pair, commit tails) are tested in test/analysis/model-v2/.
 */
export function build(spec: Omit<TopologyInput, "name"> & { name?: string }, catalog?: Catalog): Model {
  const topology = Topology.parse({ name: "t", ...spec, model: { tailFactor: TAIL, ...spec.model } });
  return resolveModel(topology, catalog ?? buildCatalog(topology));
}

const catalog = buildCatalog();
/** The shipped catalog's median RTT, ms (throws for an unknown pair so tests cannot silently use 0). */
export function rtt(a: string, b: string): number {
  const value = catalog.rttMs(a, b);
  if (value === undefined) throw new Error(`no RTT ${a} ↔ ${b}`);
  return value;
}

/** The k-th smallest (1-based). */
export const kth = (values: readonly number[], k: number): number =>
  [...values].sort((a, b) => a - b)[k - 1]!;

export const XZ = 1;

/**
 * A Kafka stream `orders` with clusters in eu-west-1 and us-east-1 (80 Mbit/s of traffic), its
 * producer service `producer` and consumer service `consumer` given by `services`; `extra` changes
 * the stream.
 */
export const streamWithClients = (
  extra: Record<string, unknown>,
  services: Record<string, unknown>,
  topology: Record<string, unknown> = {},
) =>
  build({
    users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
    ...topology,
    streams: {
      orders: {
        regions: ["eu-west-1", "us-east-1"],
        partitions: 12,
        replicas: 3,
        minInSync: 2,
        delivery: "at-least-once",
        producers: ["producer"],
        consumers: ["consumer"],
        // 10,000 messages of 1 kB a second: 80 Mbit/s.
        traffic: { messagesPerSec: 10_000, messageBytes: 1_000 },
        retentionHours: 24,
        deploy: { target: "kubernetes", engine: "kafka", storageGi: 100 },
        ...extra,
      },
    },
    services,
  } as never);

/** A service in `regions` that produces to or consumes `orders`. */
export const service = (regions: string[], op: "produce" | "consume") => ({
  regions,
  processingMs: 1,
  calls: [{ to: "orders", op, timeoutMs: 1000, retries: 0 }],
  deploy: { target: "kubernetes", image: `x/${op}:1` },
});
