import { buildCatalog, type Catalog } from "../catalog/catalog.js";
import { ENGINE_CAPABILITIES } from "../engines/capabilities.js";
import { ENGINE_IMAGES } from "../engines/ids.js";
import { byText } from "../order.js";
import { type PlacementEntryInput, roleCounts, totalOf } from "../spec/roles.js";
import { Metrics as MetricsSchema } from "../spec/schema/common.js";
import type { Datastore, Service, Stream, Topology } from "../spec/schema/topology.js";
import { engineTraits } from "./engine-traits.js";
import { apportion, autoPlacement, expandPlacement, majority, spansZones } from "./placement.js";
import { resolveFailover } from "./roles.js";
import type {
  ComponentKind,
  Model,
  RegionPlacement,
  ResolvedCall,
  ResolvedDatastore,
  ResolvedDeploy,
  ResolvedLink,
  ResolvedService,
  ResolvedStream,
  UserOrigin,
} from "./types.js";

const DEFAULT_METRICS = MetricsSchema.parse({});
const DEFAULT_CHAOS = { enabled: false, schedule: "@weekly" } as const;

const byName = <T>(record: Readonly<Record<string, T>>): [string, T][] =>
  Object.entries(record).sort(([a], [b]) => byText(a, b));

/**
 * Resolves a validated topology (run `validateTopology` first: references are assumed to resolve).
 * Pure and deterministic.
 */
export function resolveModel(
  topology: Topology,
  catalog: Catalog = buildCatalog(topology),
  chosen: Readonly<Record<string, ChosenPlacement>> = {},
): Model {
  const users = resolveUsers(topology);
  const zonesOf = zonesIn(catalog);
  const kinds = componentKinds(topology);

  const datastores = byName(topology.datastores).map(([name, spec]) =>
    resolveDatastore(name, spec, users, catalog, zonesOf, chosen[name]),
  );
  const workers = streamWorkers(topology);
  const services = byName(topology.services).map(([name, spec]) =>
    resolveService(name, spec, kinds, zonesOf, workers.has(name)),
  );
  const streams = byName(topology.streams).map(([name, spec]) =>
    resolveStream(name, spec, topology.services, zonesOf),
  );
  const links: ResolvedLink[] = topology.network.links.map((link, index) => {
    const between = [...link.between].sort() as [string, string];
    return {
      between,
      index,
      rttMs: catalog.rttMs(between[0], between[1]) ?? 0,
      ...(link.bandwidthMbps === undefined ? {} : { bandwidthMbps: link.bandwidthMbps }),
      ...(link.egressUsdPerGb === undefined ? {} : { egressUsdPerGb: link.egressUsdPerGb }),
    };
  });
  const regions = new Set<string>(users.map((user) => user.region));
  for (const component of [...datastores, ...services, ...streams])
    for (const r of component.regions) regions.add(r);

  return deepFreeze({
    name: topology.name,
    ...(topology.description === undefined ? {} : { description: topology.description }),
    users,
    catalog,
    settings: {
      ...(topology.model.tailFactor === undefined ? {} : { tailFactor: topology.model.tailFactor }),
      processingTailFactor: topology.model.processingTailFactor,
      crossZoneRttMs: topology.network.crossZoneRttMs,
      zoneFailureProbability: topology.model.zoneFailureProbability ?? catalog.failure.zoneFailureProbability,
      regionFailureProbability:
        topology.model.regionFailureProbability ?? catalog.failure.regionFailureProbability,
      regionFailureRates: topology.model.failureRates?.regions ?? {},
      zoneFailureRates: topology.model.failureRates?.zones ?? {},
      commonModeProbability: topology.model.commonModeProbability ?? catalog.failure.commonModeProbability,
    },
    links,
    datastores,
    services,
    streams,
    regions: [...regions].sort(),
    policies: topology.policies,
    topology,
  });
}

/** A placement chosen for `placement: "auto"` by the solver (src/solve); the datastore stays auto-placed. */
export interface ChosenPlacement {
  /** Region → a count of voters, or replicas by role (as a spec's placement entry). */
  readonly placement: Readonly<Record<string, PlacementEntryInput>>;
  readonly leader?: string;
}

/**
 * Zones a component uses in a cloud region unless its spec names them (a datastore's `zones`):
 * the first {@link DEFAULT_CLOUD_ZONES} of the catalog's, fewer where an account may use fewer
 * (`accountZoneLimit`). Estimate: every AWS region has "a minimum of three, isolated, and
 * physically separate AZs" (https://aws.amazon.com/about-aws/global-infrastructure/regions_az/)
 * and a production cluster commonly spans three; us-east-1 lists six, and the analysis and the
 * pods' zone spread (a zone the cluster lacks leaves pods Pending) must count the same ones. A
 * site of the user's own (`regions`) keeps every zone it declares.
 */
export const DEFAULT_CLOUD_ZONES = 3;

export const zonesIn =
  (catalog: Catalog) =>
  (region: string): readonly string[] => {
    const known = catalog.regions.get(region);
    if (known === undefined) return [`${region}-zone`];
    if (known.custom) return known.zones;
    return known.zones.slice(0, Math.min(DEFAULT_CLOUD_ZONES, known.accountZoneLimit ?? DEFAULT_CLOUD_ZONES));
  };

/**
 * One datastore of a resolved model, resolved again from another spec (the solver's candidates):
 * everything else — users, catalog, zones — as in the model.
 */
export function resolveDatastoreIn(model: Model, name: string, spec: Datastore): ResolvedDatastore {
  return resolveDatastore(name, spec, model.users, model.catalog, zonesIn(model.catalog));
}

/** Declared demand, normalised; without `users`, demand is spread evenly over the service regions. */
function resolveUsers(topology: Topology): UserOrigin[] {
  let weights = Object.entries(topology.users ?? {});
  if (weights.length === 0) {
    const fallback = new Set<string>();
    for (const service of Object.values(topology.services)) for (const r of service.regions) fallback.add(r);
    if (fallback.size === 0) {
      for (const store of Object.values(topology.datastores)) if (store.leader) fallback.add(store.leader);
      for (const stream of Object.values(topology.streams))
        for (const r of stream.regions ?? []) fallback.add(r);
    }
    weights = [...fallback].map((region) => [region, 1]);
  }
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  return weights
    .map(([region, weight]) => ({ region, share: weight / total }))
    .sort((a, b) => byText(a.region, b.region));
}

function componentKinds(topology: Topology): Map<string, ComponentKind> {
  const kinds = new Map<string, ComponentKind>();
  for (const name of Object.keys(topology.datastores)) kinds.set(name, "datastore");
  for (const name of Object.keys(topology.streams)) kinds.set(name, "stream");
  for (const name of Object.keys(topology.services)) kinds.set(name, "service");
  return kinds;
}

/**
 * Failed requests, as the default metrics (Istio's) tell them: a 5xx answer; for a gRPC service the
 * statuses google.rpc.Code maps to HTTP 5xx (googleapis google/rpc/code.proto, "HTTP Mapping":
 * UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS), since gRPC answers
 * HTTP 200 and Istio labels the status `grpc_response_status` (its number).
 */
export const DEFAULT_ERROR_SELECTORS = {
  http: 'response_code=~"5.."',
  grpc: 'grpc_response_status=~"2|4|12|13|14|15"',
} as const;

function commonParts(spec: Datastore | Service | Stream) {
  const deploy = spec.deploy as { readonly protocol?: "http" | "grpc" } | undefined;
  return {
    ...(spec.residency === undefined ? {} : { residency: spec.residency }),
    metrics: {
      ...DEFAULT_METRICS,
      ...spec.observability?.metrics,
      // The gRPC default reads Istio's label; another requests metric keeps the HTTP default.
      errorSelector:
        spec.observability?.metrics?.errorSelector ??
        DEFAULT_ERROR_SELECTORS[
          deploy?.protocol === "grpc" &&
          (spec.observability?.metrics?.requests ?? DEFAULT_METRICS.requests) === DEFAULT_METRICS.requests
            ? "grpc"
            : "http"
        ],
    },
    metricsDeclared: spec.observability?.metrics !== undefined,
    chaos: spec.chaos ?? DEFAULT_CHAOS,
  };
}

/**
 * The zones a Kubernetes datastore's pods take in a region: with fewer pods than zones, the first
 * ones by name, one pod each (src/engines/members.ts pins replica i to the i-th sorted zone), so
 * that the model's replicas, the pods and the chaos experiments' zones agree. Across every zone
 * the model would rotate partitions into a zone that holds no pod; a managed service places its
 * instances itself (Aurora takes three zones whatever the count) and keeps every zone listed.
 */
function podZones(
  deploy: Datastore["deploy"],
  replicas: number,
  zones: readonly string[],
): readonly string[] {
  if (deploy.target !== "kubernetes" || replicas <= 0 || replicas >= zones.length) return zones;
  return [...zones].sort(byText).slice(0, replicas);
}

function resolveDatastore(
  name: string,
  spec: Datastore,
  users: readonly UserOrigin[],
  catalog: Catalog,
  zonesOf: (region: string) => readonly string[],
  chosen?: ChosenPlacement,
): ResolvedDatastore {
  const autoPlaced = spec.placement === "auto";
  const counts =
    chosen?.placement ??
    (spec.placement === "auto"
      ? autoPlacement(spec.replicas, spec.survive, spec.residency, users, catalog, spec.leaderRegions)
      : spec.placement);
  const placement: RegionPlacement[] = Object.entries(counts)
    .map(([region, entry]) => {
      const roles = roleCounts(entry);
      const replicas = totalOf(roles);
      const zones = spec.zones?.[region] ?? zonesOf(region);
      return { region, replicas, ...roles, zones: podZones(spec.deploy, replicas, zones) };
    })
    .sort((a, b) => byText(a.region, b.region));
  // A solver's choice may change the replica count (topoplan solve --replicas): its total counts.
  const replicas = chosen === undefined ? spec.replicas : placement.reduce((sum, p) => sum + p.replicas, 0);
  const regions = placement.map((p) => p.region);
  const userShare = (region: string) => users.find((user) => user.region === region)?.share ?? 0;
  // Only regions with a voter may lead (witnesses and read-only replicas never do), and only the
  // declared leader regions when given.
  const leaderRegions = placement
    .filter(
      (p) => p.voters > 0 && (spec.leaderRegions === undefined || spec.leaderRegions.includes(p.region)),
    )
    .map((p) => p.region);
  const eligible = leaderRegions.length > 0 ? leaderRegions : regions;
  const preferred = chosen?.leader ?? spec.leader;
  const leader =
    preferred && eligible.includes(preferred)
      ? preferred
      : ([...placement]
          .filter((p) => eligible.includes(p.region))
          .sort(
            (a, b) =>
              b.voters - a.voters || userShare(b.region) - userShare(a.region) || byText(a.region, b.region),
          )[0]?.region ??
        regions[0] ??
        "");
  const voting = placement.reduce((sum, p) => sum + p.voters + p.witnesses, 0);
  const dataVoters = placement.reduce((sum, p) => sum + p.voters, 0);
  const writeRegions = {
    consensus: [leader],
    "primary-replica": [leader],
    "multi-leader": spec.leaders ?? regions,
    leaderless: regions,
  }[spec.replication];
  const quorum = {
    consensus: { write: majority(voting), read: majority(voting) },
    "primary-replica": {
      write: { sync: dataVoters, "semi-sync": Math.min(2, dataVoters), async: 1 }[spec.sync],
      read: 1,
    },
    "multi-leader": { write: 1, read: 1 },
    leaderless: {
      write: spec.quorum?.write ?? majority(replicas),
      read: spec.quorum?.read ?? majority(replicas),
    },
  }[spec.replication];

  // Geo partitioning homes each partition's leader near its users (any placement region can lead
  // a single-leader partition; multi-leader and leaderless stores write in their write regions);
  // otherwise every partition prefers `leader`.
  const singleLeader = spec.replication === "consensus" || spec.replication === "primary-replica";
  const geoCandidates = singleLeader ? eligible : writeRegions;
  const geoLeaders =
    spec.partitions.strategy === "geo"
      ? apportion(
          spec.partitions.count,
          geoCandidates.map((region) => ({ region, weight: userShare(region) })),
        )
      : undefined;
  const deploy = resolveDeploy(spec.deploy);
  const groups = expandPlacement(
    spec.partitions.count,
    placement,
    (p) => geoLeaders?.[p] ?? leader,
    spansZones(deploy),
  );

  return {
    kind: "datastore",
    name,
    path: `datastores.${name}`,
    ...commonParts(spec),
    replication: spec.replication,
    consistency: spec.consistency ?? (spec.replication === "consensus" ? "strong" : "eventual"),
    partitions: spec.partitions,
    replicas,
    placement,
    autoPlaced,
    regions,
    leader,
    leaderRegions: eligible,
    failover: resolveFailover(spec),
    ...engineTraits(
      deploy,
      { survive: spec.survive, replicas, placement, leader, leaderRegions: eligible },
      spec.replication,
    ),
    writeRegions,
    quorum,
    sync: spec.sync,
    survive: spec.survive,
    backupRegions: spec.backup?.regions ?? [],
    ...(spec.traffic === undefined ? {} : { traffic: spec.traffic }),
    slo: spec.slo ?? {},
    deploy,
    groups,
  };
}

function resolveService(
  name: string,
  spec: Service,
  kinds: ReadonlyMap<string, ComponentKind>,
  zonesOf: (region: string) => readonly string[],
  streamWorker: boolean,
): ResolvedService {
  const calls: ResolvedCall[] = spec.calls.map((call, index) => {
    const targetKind = kinds.get(call.to) ?? "service";
    const defaultOp = ({ datastore: "read", stream: "produce", service: "request" } as const)[targetKind];
    return {
      to: call.to,
      targetKind,
      op: call.op ?? defaultOp,
      timeoutMs: call.timeoutMs,
      perTryTimeoutMs: call.perTryTimeoutMs ?? call.timeoutMs,
      retries: call.retries,
      ...(call.backoff === undefined ? {} : { backoff: call.backoff }),
      hard: call.hard,
      callsPerRequest: call.callsPerRequest,
      path: `services.${name}.calls[${index}]`,
    };
  });
  return {
    kind: "service",
    name,
    path: `services.${name}`,
    ...commonParts(spec),
    regions: [...spec.regions].sort(),
    replicasPerRegion: spec.replicasPerRegion,
    zones: Object.fromEntries(spec.regions.map((region) => [region, zonesOf(region)])),
    processingMs: spec.processingMs,
    calls,
    streamWorker,
    ...(spec.traffic === undefined ? {} : { traffic: spec.traffic }),
    slo: spec.slo ?? {},
    deploy: resolveDeploy(spec.deploy),
  };
}

/**
 * Services that consume a stream, that no service calls and that declare no traffic of their own
 * (ResolvedService.streamWorker). One with `traffic` is an entry service that also consumes: the
 * ingress gateway sends it requests, which the mesh sees.
 */
function streamWorkers(topology: Topology): Set<string> {
  const consumers = new Set(Object.values(topology.streams).flatMap((stream) => stream.consumers));
  for (const [name, service] of Object.entries(topology.services)) {
    if (service.traffic !== undefined) consumers.delete(name);
    for (const call of service.calls) consumers.delete(call.to);
  }
  return consumers;
}

function resolveStream(
  name: string,
  spec: Stream,
  services: Topology["services"],
  zonesOf: (region: string) => readonly string[],
): ResolvedStream {
  const regions = spec.regions ?? [
    ...new Set(spec.producers.flatMap((producer) => services[producer]?.regions ?? [])),
  ];
  const sorted = [...regions].sort();
  return {
    kind: "stream",
    name,
    path: `streams.${name}`,
    ...commonParts(spec),
    regions: sorted,
    // Mirror regions hold a cluster of the stream too (MSK Replicator, MirrorMaker 2).
    zones: Object.fromEntries(
      [...new Set([...sorted, ...(spec.mirrorRegions ?? [])])]
        .sort()
        .map((region) => [region, zonesOf(region)]),
    ),
    ...metadataQuorumOf(spec.deploy),
    partitions: spec.partitions,
    ...(spec.key === undefined ? {} : { key: spec.key }),
    replicas: spec.replicas,
    minInSync: spec.minInSync,
    delivery: spec.delivery,
    idempotentProducers: spec.idempotentProducers,
    transactions: spec.transactions,
    uncleanLeaderElection: spec.uncleanLeaderElection,
    commitIntervalMs:
      spec.commitIntervalMs ?? (spec.delivery === "exactly-once" || spec.transactions ? 100 : 0),
    mirrorRegions: [...(spec.mirrorRegions ?? [])].sort(),
    producers: spec.producers,
    consumers: spec.consumers,
    ...(spec.traffic === undefined ? {} : { traffic: spec.traffic }),
    retentionHours: spec.retentionHours,
    slo: spec.slo ?? {},
    deploy: resolveDeploy(spec.deploy),
  };
}

/**
 * Freezes plain data recursively (Maps and class instances such as the catalog are left alone).
 * A frozen value was frozen with everything under it (the model shares sub-objects): skipped.
 */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    for (const child of value) deepFreeze(child);
    Object.freeze(value);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const key in record) deepFreeze(record[key]);
    Object.freeze(value);
  }
  return value;
}

/**
 * Kubernetes: the engine's pinned image unless the spec names one. Only a declared engine
 * configures the cluster: a v1 spec that names an engine's image keeps its generic StatefulSet
 * (the coverage rule suggests the engine).
 */
function resolveDeploy(deploy: Datastore["deploy"]): ResolvedDeploy {
  if (deploy.target !== "kubernetes") return deploy;
  const { engine, image, ...rest } = deploy;
  // Validation guarantees an image or an engine.
  const resolvedImage = image ?? (engine === undefined ? "" : ENGINE_IMAGES[engine].image);
  return { ...rest, image: resolvedImage, ...(engine === undefined ? {} : { engine }) };
}

/** The metadata quorum the stream's engine runs (src/engines/capabilities.ts), if any. */
function metadataQuorumOf(deploy: Stream["deploy"]): { metadataQuorum?: number } {
  const engine = deploy.target === "kubernetes" ? deploy.engine : undefined;
  const members = engine === undefined ? undefined : ENGINE_CAPABILITIES[engine].metadataQuorum?.value;
  return members === undefined ? {} : { metadataQuorum: members };
}
