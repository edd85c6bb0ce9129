/**
 * Generators of realistic topologies at any scale, deterministic from a seed.
 *
 * Shape of what comes out (every figure scales with the options):
 * - `regions` catalog regions, all of them user origins (demand weighted by geography);
 * - services in a layered call graph `depth` layers deep: edge services spread worldwide call
 *   1..`fanOut` services of the next layer (mostly of their own business domain), the deepest
 *   layer calls datastores; callers' timeouts exceed their callees', most retries back off with
 *   jitter (a few do not, as in real systems);
 * - datastores of mixed replication models (consensus, primary-replica, multi-leader,
 *   leaderless) on Kubernetes or managed AWS services, each placed in its domain's geography with
 *   placements that add up to `replicas`, residency where the data stays in one jurisdiction,
 *   and together holding exactly `partitions` partitions;
 * - streams with producers and consumers, network links with capacities between the regions
 *   that replicate to each other, SLOs and traffic everywhere.
 * The result is a plain `TopologyInput`, the same data a TypeScript spec's default export holds.
 */
import { AWS_REGIONS } from "../src/catalog/data/aws-regions.generated.js";
import { AWS_RTT_MS } from "../src/catalog/data/aws-rtt.generated.js";
import { byText } from "../src/order.js";
import type { TopologyInput } from "../src/spec/schema/topology.js";
import { createRandom, type Random } from "./prng.js";

export interface GenerateOptions {
  readonly seed: number;
  /** Topology name. @default `bench-<seed>` */
  readonly name?: string;
  /** Datastore partitions in the whole topology (split unevenly over the datastores). @default 1000 */
  readonly partitions?: number;
  /** Replicas of every datastore partition. @default 5 */
  readonly replicas?: number;
  /** Catalog regions the topology uses, 1..32 (oldest regions first). @default 25 */
  readonly regions?: number;
  /** @default 200 */
  readonly services?: number;
  /** @default services / 5, at most `partitions` */
  readonly datastores?: number;
  /** @default services / 10 */
  readonly streams?: number;
  /** Layers of the service call graph (longest call chain between services = depth − 1). @default 4 */
  readonly depth?: number;
  /** Most services of the next layer one service calls. @default 3 */
  readonly fanOut?: number;
}

type Geo = "europe" | "north-america" | "asia-pacific" | "other";
type TopologyDatastores = NonNullable<TopologyInput["datastores"]>;
type DatastoreInput = TopologyDatastores[string];
type ServiceInput = NonNullable<TopologyInput["services"]>[string];
type StreamInput = NonNullable<TopologyInput["streams"]>[string];
type CallInput = NonNullable<ServiceInput["calls"]>[number];

/** Catalog regions by launch order, oldest first: a 25-region topology uses the established ones. */
export const REGIONS_BY_AGE: readonly string[] = [
  "us-east-1",
  "us-west-2",
  "eu-west-1",
  "ap-northeast-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "sa-east-1",
  "us-west-1",
  "eu-central-1",
  "ap-northeast-2",
  "ap-south-1",
  "us-east-2",
  "ca-central-1",
  "eu-west-2",
  "eu-west-3",
  "ap-northeast-3",
  "eu-north-1",
  "ap-east-1",
  "me-south-1",
  "af-south-1",
  "eu-south-1",
  "ap-southeast-3",
  "eu-central-2",
  "eu-south-2",
  "ap-south-2",
  "me-central-1",
  "il-central-1",
  "ap-southeast-4",
  "ca-west-1",
  "mx-central-1",
  "ap-southeast-5",
  "ap-southeast-7",
];

const DOMAINS = [
  "orders",
  "payments",
  "catalog",
  "search",
  "identity",
  "inventory",
  "shipping",
  "pricing",
  "reviews",
  "recommend",
  "notify",
  "messaging",
  "billing",
  "ledger",
  "fraud",
  "analytics",
  "media",
  "geo",
  "sessions",
  "profile",
  "cart",
  "checkout",
  "loyalty",
  "ads",
] as const;
const ROLES_BY_LAYER = [
  ["edge", "gateway", "bff"],
  ["api", "svc"],
  ["core", "engine"],
  ["worker", "backend"],
];
const ENTITIES = ["account", "order", "item", "user", "event", "session", "tenant", "device"];

const GEO_DEMAND: Readonly<Record<Geo, number>> = {
  "north-america": 0.4,
  europe: 0.32,
  "asia-pacific": 0.23,
  other: 0.05,
};

const JURISDICTION: ReadonlyMap<string, string> = new Map(AWS_REGIONS.map((r) => [r.code, r.jurisdiction]));

function geoOf(region: string): Geo {
  if (region.startsWith("eu-")) return "europe";
  if (region.startsWith("us-") || region.startsWith("ca-") || region.startsWith("mx-"))
    return "north-america";
  if (region.startsWith("ap-")) return "asia-pacific";
  return "other";
}

function rtt(a: string, b: string): number {
  return a === b ? 0 : (AWS_RTT_MS[a]?.[b] ?? Number.POSITIVE_INFINITY);
}

/** Regions of a geography, padded with the regions nearest to it so every pool has ≥ 5 where possible. */
function regionPool(geo: Geo, regions: readonly string[]): string[] {
  const own = regions.filter((r) => geoOf(r) === geo);
  const anchor = own[0] ?? regions[0]!;
  const nearest = regions
    .filter((r) => !own.includes(r))
    .sort((a, b) => rtt(anchor, a) - rtt(anchor, b) || byText(a, b));
  return [...own, ...nearest].slice(0, Math.max(own.length, Math.min(5, regions.length)));
}

/** Splits `total` into `parts` integers ≥ 1 with random (heavy-tailed) weights; exact sum. */
function split(random: Random, total: number, parts: number): number[] {
  const weights = Array.from({ length: parts }, () => Math.exp(random.next() * 3));
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = total - parts;
  const exact = weights.map((w) => (spare * w) / sum);
  const counts = exact.map((x) => 1 + Math.floor(x));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, frac: x - Math.floor(x) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  return counts;
}

const majority = (n: number) => Math.floor(n / 2) + 1;
const version = (random: Random) => `${random.int(1, 4)}.${random.int(0, 30)}.${random.int(0, 9)}`;

interface Domain {
  readonly name: string;
  readonly geo: Geo;
  readonly pool: readonly string[];
}

export function generateTopology(options: GenerateOptions): TopologyInput {
  const random = createRandom(options.seed);
  const regionCount = options.regions ?? 25;
  if (!Number.isInteger(regionCount) || regionCount < 1 || regionCount > REGIONS_BY_AGE.length)
    throw new RangeError(`regions must be an integer in 1..${REGIONS_BY_AGE.length}, got ${regionCount}`);
  const serviceCount = options.services ?? 200;
  const partitionTotal = options.partitions ?? 1000;
  const replicas = options.replicas ?? 5;
  const datastoreCount = Math.min(
    options.datastores ?? Math.max(1, Math.ceil(serviceCount / 5)),
    partitionTotal,
  );
  const streamCount = options.streams ?? Math.ceil(serviceCount / 10);
  const depth = Math.min(options.depth ?? 4, Math.max(1, serviceCount));
  const fanOut = options.fanOut ?? 3;
  for (const [what, n] of Object.entries({ partitionTotal, replicas, serviceCount, depth, fanOut }))
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer, got ${n}`);

  const regions = REGIONS_BY_AGE.slice(0, regionCount);
  const geos = [...new Set(regions.map(geoOf))];
  const demand = Object.fromEntries(geos.map((g) => [g, GEO_DEMAND[g]])) as Record<Geo, number>;
  const domainCount = Math.min(DOMAINS.length, Math.max(1, Math.ceil(serviceCount / 10)));
  const domains: Domain[] = DOMAINS.slice(0, domainCount).map((name) => {
    const geo = random.weighted(demand);
    return { name, geo, pool: regionPool(geo, regions) };
  });

  // Shares of demand add up to 1 (validation refuses anything else); rounding stays within tolerance.
  const weights = regions.map((region) => GEO_DEMAND[geoOf(region)] * (0.2 + random.next()));
  const total = weights.reduce((sum, w) => sum + w, 0);
  const users: Record<string, number> = {};
  regions.forEach((region, i) => {
    users[region] = Math.round((weights[i]! / total) * 10_000) / 10_000;
  });

  // Datastores.
  const datastores: TopologyDatastores = {};
  const datastoresOf = new Map<string, string[]>();
  const domainOfStore = new Map<string, string>();
  const partitionCounts = split(random, partitionTotal, datastoreCount);
  const replicationPairs = new Set<string>();
  partitionCounts.forEach((count, i) => {
    const domain = domains[i % domains.length]!;
    const entity = random.pick(ENTITIES);
    const name = `${domain.name}-${entity}-db-${i}`;
    const store = generateDatastore(random, domain, count, replicas, entity);
    datastores[name] = store;
    datastoresOf.set(domain.name, [...(datastoresOf.get(domain.name) ?? []), name]);
    domainOfStore.set(name, domain.name);
    const placed = Object.keys(store.placement as Record<string, number>).sort();
    for (let a = 0; a < placed.length; a++)
      for (let b = a + 1; b < placed.length; b++) replicationPairs.add(`${placed[a]}|${placed[b]}`);
  });
  const datastoreNames = Object.keys(datastores);

  // Services, layer by layer: sizes grow ×1.5 per layer, every layer has at least one service.
  const layerWeights = Array.from({ length: depth }, (_, l) => 1.5 ** l);
  const weightSum = layerWeights.reduce((a, b) => a + b, 0);
  const layerSizes = layerWeights.map((w) => Math.max(1, Math.floor((serviceCount * w) / weightSum)));
  for (let l = depth - 1; layerSizes.reduce((a, b) => a + b, 0) < serviceCount; l = (l + depth - 1) % depth)
    layerSizes[l]!++;
  for (let l = depth - 1; layerSizes.reduce((a, b) => a + b, 0) > serviceCount; l = (l + depth - 1) % depth)
    if (layerSizes[l]! > 1) layerSizes[l]!--;

  const layers: { name: string; domain: Domain; layer: number }[][] = [];
  let index = 0;
  for (let l = 0; l < depth; l++) {
    const layer = [];
    for (let k = 0; k < layerSizes[l]!; k++, index++) {
      const domain = domains[index % domains.length]!;
      const role = random.pick(ROLES_BY_LAYER[Math.min(l, ROLES_BY_LAYER.length - 1)]!);
      layer.push({ name: `${domain.name}-${role}-${index}`, domain, layer: l });
    }
    layers.push(layer);
  }

  const services: Record<string, ServiceInput> = {};
  const calledStores = new Set<string>();
  for (const layer of layers) {
    for (const { name, domain, layer: l } of layer) {
      const calls: CallInput[] = [];
      const next = layers[l + 1];
      if (next !== undefined) {
        const own = next.filter((s) => s.domain === domain);
        const targets = new Set<string>();
        const wanted = random.int(1, Math.min(fanOut, next.length));
        for (let tries = 0; targets.size < wanted && tries < wanted * 4; tries++)
          targets.add(random.pick(own.length > 0 && random.chance(0.7) ? own : next).name);
        for (const to of [...targets].sort()) calls.push(serviceCall(random, to, l));
      }
      const isDeepest = next === undefined;
      if (isDeepest || random.chance(0.25)) {
        const mine = datastoresOf.get(domain.name) ?? datastoreNames;
        const candidates = mine.length > 0 ? mine : datastoreNames;
        for (const to of random.sample(candidates, isDeepest ? random.int(1, 2) : 1).sort()) {
          calls.push(datastoreCall(random, to));
          calledStores.add(to);
        }
      }
      const edge = l === 0;
      services[name] = {
        description: `${domain.name} ${edge ? "edge service" : `layer-${l} service`}`,
        regions: random
          .sample(edge ? regions : domain.pool, edge ? random.int(3, 6) : random.int(2, 4))
          .sort(),
        replicasPerRegion: random.int(2, 6),
        processingMs: random.int(1, 20),
        calls,
        traffic: { requestsPerSec: Math.round(random.int(500, 50_000) / (l + 1)) },
        slo: {
          availability: random.pick([0.99, 0.999, 0.9995]),
          latencyP99Ms: Math.max(50, Math.round(2000 * 0.6 ** l)),
        },
        deploy: {
          target: "kubernetes",
          image: `ghcr.io/acme/${name}:${version(random)}`,
          port: 8080,
          cpu: random.pick(["250m", "500m", "1"]),
          memory: random.pick(["512Mi", "1Gi", "2Gi"]),
        },
      };
    }
  }
  // Every datastore has a caller: a deepest-layer service of its domain (or any) takes it on.
  const deepest = layers[layers.length - 1]!;
  for (const store of datastoreNames) {
    if (calledStores.has(store)) continue;
    const caller = deepest.find((s) => s.domain.name === domainOfStore.get(store)) ?? random.pick(deepest);
    (services[caller.name]!.calls as CallInput[]).push(datastoreCall(random, store));
  }

  // Streams: producers anywhere below the edge, consumers deeper (workers), produce calls added.
  const allServices = layers.flat();
  const streams: Record<string, StreamInput> = {};
  for (let i = 0; i < streamCount; i++) {
    const domain = domains[i % domains.length]!;
    const name = `${domain.name}-${random.pick(ENTITIES)}-events-${i}`;
    const producerPool = allServices.filter((s) => s.layer > 0 || depth === 1);
    const producers = random.sample(producerPool, random.int(1, 2)).map((s) => s.name);
    const consumers = random
      .sample(allServices, random.int(1, 3))
      .map((s) => s.name)
      .sort();
    for (const producer of producers)
      (services[producer]!.calls as CallInput[]).push({
        to: name,
        op: "produce",
        timeoutMs: random.pick([100, 200, 500]),
        retries: random.int(1, 3),
        backoff: { baseMs: 20, maxMs: 500, jitter: true },
      });
    const delivery = random.weighted({ "at-least-once": 0.6, "exactly-once": 0.3, "at-most-once": 0.1 });
    const exactly = delivery === "exactly-once";
    const onAws = random.chance(0.4);
    streams[name] = {
      description: `${domain.name} event log`,
      ...(random.chance(0.5) ? { regions: random.sample(domain.pool, random.int(1, 2)).sort() } : {}),
      partitions: random.pick([12, 24, 48, 96]),
      replicas: Math.min(3, replicas),
      minInSync: Math.min(2, replicas),
      delivery,
      idempotentProducers: exactly || random.chance(0.3),
      transactions: exactly && random.chance(0.9),
      producers: producers.sort(),
      consumers,
      traffic: {
        messagesPerSec: random.int(1000, 50_000),
        messageBytes: random.pick([256, 512, 1024, 2048]),
      },
      retentionHours: random.pick([24, 72, 168]),
      slo: { availability: 0.999, endToEndP99Ms: random.pick([500, 1000, 2000, 5000]) },
      deploy: onAws
        ? { target: "aws", service: "msk", instanceClass: "kafka.m7g.large" }
        : {
            target: "kubernetes",
            image: "quay.io/strimzi/kafka:0.43.0-kafka-3.8.0",
            port: 9092,
            storageGi: random.pick([200, 500, 1000]),
          },
    };
  }

  const links = [...replicationPairs].sort().map((pair) => {
    const [a, b] = pair.split("|") as [string, string];
    return { between: [a, b] as [string, string], bandwidthMbps: random.pick([1000, 2000, 5000, 10_000]) };
  });

  return {
    name: options.name ?? `bench-${options.seed}`,
    description: `Generated: ${partitionTotal} partitions × ${replicas} replicas, ${regionCount} regions, ${serviceCount} services, depth ${depth}`,
    users,
    datastores,
    services,
    streams,
    network: { links },
    policies: { "bandwidth.headroom": 0.7 },
  };
}

function serviceCall(random: Random, to: string, layer: number): CallInput {
  const timeoutMs = Math.max(50, Math.round(1500 * 0.5 ** layer));
  const retries = Number(random.weighted({ "0": 0.3, "1": 0.45, "2": 0.25 }));
  return {
    to,
    op: "request",
    timeoutMs,
    retries,
    ...(retries > 0
      ? {
          perTryTimeoutMs: Math.floor(timeoutMs / (retries + 1)),
          backoff: { baseMs: random.pick([10, 20, 50]), maxMs: 500, jitter: random.chance(0.85) },
        }
      : {}),
    ...(random.chance(0.1) ? { hard: false } : {}),
  };
}

function datastoreCall(random: Random, to: string): CallInput {
  const retries = random.int(0, 2);
  return {
    to,
    op: random.chance(0.7) ? "read" : "write",
    timeoutMs: random.pick([100, 200, 300, 500]),
    retries,
    ...(retries > 0
      ? { backoff: { baseMs: random.pick([5, 10, 20]), maxMs: 200, jitter: random.chance(0.9) } }
      : {}),
    callsPerRequest: random.pick([1, 1, 1, 2, 3]),
  };
}

function generateDatastore(
  random: Random,
  domain: Domain,
  partitions: number,
  replicas: number,
  entity: string,
): DatastoreInput {
  const replication = random.weighted({
    consensus: 0.4,
    "primary-replica": 0.3,
    "multi-leader": 0.15,
    leaderless: 0.15,
  });
  // Region survival needs ≥ 3 regions and a majority outside any one of them (5 over 3 regions: 2, 2, 1).
  const canSurviveRegion = replicas >= 3 && domain.pool.length >= 3;
  const survive = canSurviveRegion && random.chance(0.6) ? "region" : "zone";
  const regionCount =
    survive === "region"
      ? Math.min(domain.pool.length, replicas, random.pick([3, 3, 5]))
      : Math.min(domain.pool.length, replicas, random.int(1, 2));
  // Regions near each other: the pool is ordered own-geography first, so take a prefix-biased sample.
  const chosen = random.sample(domain.pool.slice(0, Math.max(regionCount, 5)), regionCount);
  const placement: Record<string, number> = {};
  for (let i = 0; i < replicas; i++) {
    const region = chosen[i % chosen.length]!;
    placement[region] = (placement[region] ?? 0) + 1;
  }
  const placed = Object.keys(placement);
  const leader = placed[0]!;
  const jurisdictions = [...new Set(placed.map((r) => JURISDICTION.get(r) ?? "US"))].sort();
  const residency =
    domain.geo === "europe" && random.chance(0.7)
      ? { residency: jurisdictions }
      : ({} as Record<string, never>);
  const readsPerSec = partitions * random.int(50, 500);
  const awsService = {
    consensus: undefined,
    "primary-replica": random.chance(0.3) ? "aurora-postgresql" : undefined,
    "multi-leader": random.chance(0.5) ? "dynamodb" : undefined,
    leaderless: undefined,
  }[replication];
  const image = {
    consensus: "cockroachdb/cockroach:v24.1.4",
    "primary-replica": "postgres:16.4",
    "multi-leader": "couchbase/server:7.6.3",
    leaderless: "scylladb/scylla:6.2.0",
  }[replication];
  const port = { consensus: 26257, "primary-replica": 5432, "multi-leader": 11210, leaderless: 9042 }[
    replication
  ];
  const consistency = {
    consensus: random.chance(0.7) ? "strong" : "bounded-staleness",
    "primary-replica": random.pick(["strong", "session", "eventual"]),
    "multi-leader": random.pick(["session", "eventual"]),
    leaderless: "eventual",
  }[replication] as DatastoreInput["consistency"];
  // Drawn for every store (the random sequence stays the same); one writer region cannot home
  // partitions by geography, which validation refuses (src/spec/semantic/geo-partitions.ts).
  const drawn = random.weighted({ hash: 0.7, range: 0.2, geo: 0.1 });
  const strategy = drawn === "geo" && awsService === "aurora-postgresql" ? "hash" : drawn;
  return {
    description: `${domain.name} ${entity}s (${replication})`,
    replication,
    consistency,
    partitions: {
      count: partitions,
      key: `${entity}Id`,
      strategy,
    },
    replicas,
    placement,
    ...(replication === "multi-leader"
      ? { leaders: placed.slice(0, Math.max(1, Math.min(placed.length, 2))) }
      : { leader }),
    ...(replication === "primary-replica" ? { sync: random.pick(["async", "semi-sync"] as const) } : {}),
    ...(replication === "leaderless"
      ? { quorum: { read: majority(replicas), write: majority(replicas) } }
      : {}),
    survive,
    ...residency,
    ...(random.chance(0.5) ? { backup: { regions: [placed[placed.length - 1]!] } } : {}),
    traffic: {
      readsPerSec,
      writesPerSec: Math.round(readsPerSec * random.pick([0.05, 0.1, 0.2, 0.3])),
      itemBytes: random.pick([256, 512, 1024, 4096]),
    },
    slo: {
      availability: random.pick([0.999, 0.9995, 0.9999]),
      readP99Ms: random.pick([10, 20, 50, 100]),
      writeP99Ms: survive === "region" ? random.pick([100, 200, 300]) : random.pick([20, 50, 100]),
      replicationLagMs: random.pick([500, 1000, 5000]),
    },
    deploy:
      awsService === undefined
        ? {
            target: "kubernetes",
            image,
            port,
            metricsPort: 9100,
            storageGi: random.pick([100, 200, 500]),
            cpu: random.pick(["1", "2", "4"]),
            memory: random.pick(["4Gi", "8Gi", "16Gi"]),
          }
        : { target: "aws", service: awsService as "aurora-postgresql" | "dynamodb" },
  };
}
