import { PIPELINES } from "../catalog/data/replication.js";
import { modelIndex } from "../model/model-index.js";
import { isMirrorOnly } from "../model/msk-clusters.js";
import type { Model, ReplicaSlot, ResolvedStream } from "../model/types.js";
import { crossZoneCopies, onKafkaEngine, perZone } from "../model/zone-deal.js";
import { byText } from "../order.js";
import { list } from "../report/words.js";
import type { FailureProbabilities } from "./availability.js";
import { crossZoneShare, type Flow } from "./bandwidth.js";
import { holdsRecordsOf } from "./destinations.js";
import { DEFAULT_ITEM_BYTES, linkLag, oneWayBetween, pathLoads } from "./lag.js";
import type { Figure } from "./latency.js";
import type { NetworkView } from "./network.js";
import { nearestReachable } from "./replication/common.js";
import type { Requirements } from "./replication/types.js";
import { survivalCheck, worseCheck } from "./survival.js";
import type { LinkLoad, StreamAnalysis, SurvivalAnalysis, SurvivalCheck } from "./types.js";

/**
 * A stream: one Kafka-like cluster per region, each partition's `replicas` spread over the
 * region's zones (replica i of partition p in zone (p + i) mod zones, as for datastores), produced
 * with acks=all: a produce needs `minInSync` live replicas to be accepted, and the leader then
 * waits for EVERY in-sync replica (the whole ISR, not just minInSync; Kafka docs, `acks`), one
 * cross-zone acknowledgement. Clusters replicate across regions only to `mirrorRegions`
 * (MirrorMaker 2 / MSK Replicator); a producer whose local cluster is down fails over to the
 * nearest live one.
 */
export interface StreamEvaluator {
  readonly stream: ResolvedStream;
  produce(origin: string): Figure | undefined;
  /**
   * A consumer's fetch from `origin`: one round trip to the partition leader in the nearest live
   * cluster (a fetch waits for no acknowledgement; with records waiting it returns at once).
   */
  consume(origin: string): Figure | undefined;
  /** The clusters that can take produces now. */
  readonly liveRegions: readonly string[];
  readonly availability: number;
  readonly survival: SurvivalAnalysis;
  /**
   * Availability under other failure probabilities (src/analysis/joint.ts): any cluster taking
   * produces, or any of `regions`' (the clusters a client's pods use: a mirror region's too).
   */
  availabilityGiven(view: FailureProbabilities, regions?: readonly string[]): number;
}

/**
 * Distinct zone layouts of a partition in one region's cluster. On the Kafka engine one: every
 * partition has a replica on each broker, and the brokers, as many as replicas, are dealt over
 * the sorted zones (src/engines/kafka.ts node pools), so with RF 2 over three zones the third
 * holds none. Otherwise replica i of partition p in zone (p + i) mod |zones| (rack-aware
 * assignment spreads each partition; the layouts repeat every |zones| partitions).
 */
export function partitionLayouts(stream: ResolvedStream, region: string): ReplicaSlot[][] {
  const zones = stream.zones[region] ?? [`${region}-zone`];
  if (onKafkaEngine(stream))
    return [
      [...perZone(stream.replicas, zones)].flatMap(([zone, n]) =>
        Array.from({ length: n }, () => ({ region, zone })),
      ),
    ];
  const layouts: ReplicaSlot[][] = [];
  for (let p = 0; p < Math.min(stream.partitions, zones.length); p++)
    layouts.push(
      Array.from({ length: stream.replicas }, (_, i) => ({ region, zone: zones[(p + i) % zones.length]! })),
    );
  return layouts;
}

/**
 * The live cluster a client in `origin` produces to or fetches from: the nearest one it reaches;
 * on Kubernetes, where it has a cluster of its own, that one only. Its clients dial the region's
 * own bootstrap Service (compile/kubernetes/endpoints.ts `clientEndpoint`), cluster-local and not
 * exported, and its egress policy admits the local brokers only: when that cluster is down the
 * client fails, it does not fail over to another region (policies' cluster-reach refuses a client
 * in a region without one, where the nearest is only a price).
 */
function clusterFor(
  stream: ResolvedStream,
  origin: string,
  liveRegions: readonly string[],
  net: NetworkView,
): ReturnType<typeof nearestReachable> {
  const local = stream.deploy.target === "kubernetes" && stream.regions.includes(origin);
  return nearestReachable(origin, local ? liveRegions.filter((r) => r === origin) : liveRegions, net);
}

/**
 * Whether a region's cluster of the stream takes writes now: a majority of its metadata quorum, and
 * acks=all writes need `minInSync` live replicas of every partition — a producer's in a stream region, the mirror's in a mirror region
 * (MirrorMaker 2 runs in Kafka Connect, whose source tasks' producers default to acks=all:
 * Kafka's connect/runtime Worker.producerConfigs; MSK Replicator is assumed to write alike, an
 * estimate: AWS does not say). A mirror that cannot write stops copying, and its consumers stop
 * receiving.
 */
function clusterLive(
  stream: ResolvedStream,
  region: string,
  net: NetworkView,
  layouts: readonly (readonly ReplicaSlot[])[] = partitionLayouts(stream, region),
): boolean {
  // And a majority of its metadata quorum up, as clusterStates counts it (Kafka's KRaft controllers).
  const total = stream.metadataQuorum ?? 0;
  let controllers = 0;
  for (const [zone, n] of metadataMembers(stream, region))
    if (net.regionUp(region) && net.zoneUp(zone)) controllers += n;
  return (
    (total === 0 || controllers >= Math.floor(total / 2) + 1) &&
    layouts.every((layout) => layout.filter(net.slotUp).length >= stream.minInSync)
  );
}

/**
 * The cluster a consumer's pods in `origin` read: a mirror region's own, which MirrorMaker 2 or
 * MSK Replicator fills with every source's records (their bootstrap is that cluster's, live or not:
 * destinations.ts streamDestination), else as `clusterFor`. Undefined when none is live and reachable.
 */
function readCluster(
  stream: ResolvedStream,
  origin: string,
  liveRegions: readonly string[],
  net: NetworkView,
): string | undefined {
  if (isMirrorOnly(stream, origin)) return clusterLive(stream, origin, net) ? origin : undefined;
  return clusterFor(stream, origin, liveRegions, net)?.region;
}

export function evaluateStream(stream: ResolvedStream, net: NetworkView): StreamEvaluator {
  const all = () => true;
  const req: Requirements = {
    write: { needed: stream.minInSync, counts: all },
    read: { needed: 1, counts: all },
  };
  const layouts = new Map(stream.regions.map((region) => [region, partitionLayouts(stream, region)]));
  const liveRegions = stream.regions.filter((region) =>
    clusterLive(stream, region, net, layouts.get(region)),
  );
  // Asked once per caller region and per origin of every producer service: the same few origins.
  const produced = new Map<string, Figure | undefined>();
  const produce = (origin: string): Figure | undefined => {
    if (produced.has(origin)) return produced.get(origin);
    const figure = produceFrom(origin);
    produced.set(origin, figure);
    return figure;
  };
  const produceFrom = (origin: string): Figure | undefined => {
    const target = clusterFor(stream, origin, liveRegions, net);
    if (target === undefined) return undefined;
    // Producer → partition leader, then the whole ISR's acknowledgement (every live follower).
    const ack = isrAck(stream, target.region, net, layouts.get(target.region));
    return {
      p50Ms: target.rttMs + ack.p50Ms,
      p99Ms: net.rtt99(origin, target.region) + ack.p99Ms,
    };
  };

  const consume = (origin: string): Figure | undefined => {
    const cluster = readCluster(stream, origin, liveRegions, net);
    return cluster === undefined
      ? undefined
      : { p50Ms: net.rtt(origin, cluster), p99Ms: net.rtt99(origin, cluster) };
  };

  // Which zone states of each region's cluster let every partition take produces: worked out once,
  // the availability then only weighs them (joint.ts asks under many failure probabilities).
  // A mirror-only region's cluster too: its consumers read it (made when first asked for).
  const clusters = new Map(
    stream.regions.map((region) => [region, clusterStates(region, layouts.get(region) ?? [], stream)]),
  );
  const clusterOf = (region: string) => {
    let cluster = clusters.get(region);
    if (cluster === undefined) {
      cluster = clusterStates(region, partitionLayouts(stream, region), stream);
      clusters.set(region, cluster);
    }
    return cluster;
  };
  const availabilityGiven = (view: FailureProbabilities, regions?: readonly string[]) => {
    let down = 1;
    for (const region of regions ?? stream.regions) down *= 1 - clusterUp(clusterOf(region), view);
    return 1 - down;
  };
  let zone: SurvivalCheck | undefined;
  for (const region of stream.regions) {
    const regionLayouts = layouts.get(region) ?? [];
    for (const slots of regionLayouts) {
      const check = survivalCheck("zone", slots, req);
      zone = zone === undefined ? check : worseCheck(zone, check);
    }
    const quorumLoss = metadataQuorumLoss(stream, region);
    if (quorumLoss !== undefined) zone = quorumLoss;
  }
  const regionCheck: SurvivalCheck = {
    goal: "region",
    // Producers fail over to another region's cluster (records in the lost one wait for it).
    survives: liveRegions.length >= 2,
    ...(stream.regions[0] === undefined ? {} : { worstDomain: stream.regions[0] }),
    replicasLeft: liveRegions.length >= 2 ? stream.replicas : 0,
    quorum: stream.minInSync,
  };
  const zoneCheck = zone ?? survivalCheck("zone", [], req);
  return {
    stream,
    produce,
    consume,
    liveRegions,
    availability: availabilityGiven(net),
    availabilityGiven,
    survival: {
      zone: zoneCheck,
      region: regionCheck,
      goal: "zone",
      meetsGoal: zoneCheck.survives,
      // MSK: RF 3 with min.insync.replicas 2 over 3 AZs tolerates one AZ loss.
      minReplicas: stream.minInSync + 1,
      minRegions: 1,
    },
  };
}

/**
 * The metadata quorum's members per zone of a region's cluster: dealt round-robin over its sorted
 * zones, as the engine places them (src/engines/kafka.ts perZone); empty without one.
 */
function metadataMembers(stream: ResolvedStream, region: string): Map<string, number> {
  return perZone(stream.metadataQuorum ?? 0, stream.zones[region] ?? []);
}

/**
 * A zone whose loss takes the cluster's metadata quorum (two of Kafka's three controllers in a
 * region with two zones): leaders can no longer be elected nor ISRs shrink, so the partitions
 * that lost a replica there stop taking acks=all produces whatever minInSync says.
 */
function metadataQuorumLoss(stream: ResolvedStream, region: string): SurvivalCheck | undefined {
  const members = metadataMembers(stream, region);
  const total = stream.metadataQuorum ?? 0;
  const majority = Math.floor(total / 2) + 1;
  for (const [zone, n] of [...members].sort(([, a], [, b]) => b - a))
    if (total - n < majority)
      return { goal: "zone", survives: false, worstDomain: zone, replicasLeft: total - n, quorum: majority };
  return undefined;
}

/** A region's cluster: the zones its partitions use and, per up/down state of them, whether it serves. */
interface ClusterStates {
  readonly region: string;
  readonly zones: readonly string[];
  /** Indexed by a bit mask of the zones that are up (bit i: zones[i]). */
  readonly serves: readonly boolean[];
}

/**
 * A cluster takes produces while EVERY partition keeps minInSync live replicas (a produce to a
 * partition below it is refused): per state of the zones its replicas use, all layouts are checked
 * together, not each alone — one zone's loss may stop one layout and spare another.
 */
function clusterStates(
  region: string,
  layouts: readonly (readonly ReplicaSlot[])[],
  stream: ResolvedStream,
): ClusterStates {
  // The metadata quorum's zones count too: without a majority of it nothing serves.
  const members = metadataMembers(stream, region);
  const zones = [
    ...new Set([...layouts.flatMap((layout) => layout.map((slot) => slot.zone)), ...members.keys()]),
  ].sort();
  const total = stream.metadataQuorum ?? 0;
  const serves: boolean[] = [];
  for (let mask = 0; mask < 1 << zones.length; mask++) {
    const up = (zone: string) => (mask & (1 << zones.indexOf(zone))) !== 0;
    let live = 0;
    for (const [zone, n] of members) if (up(zone)) live += n;
    const quorum = total === 0 || live >= Math.floor(total / 2) + 1;
    serves.push(
      quorum && layouts.every((layout) => layout.filter((slot) => up(slot.zone)).length >= stream.minInSync),
    );
  }
  return { region, zones, serves };
}

/** P(the cluster serves): its region up, then the sum over the zone states in which it serves. */
function clusterUp(cluster: ClusterStates, view: FailureProbabilities): number {
  const up = 1 - view.regionDownProbability(cluster.region);
  if (up === 0) return 0;
  const q = cluster.zones.map((zone) => view.zoneDownProbability(zone));
  let p = 0;
  cluster.serves.forEach((serves, mask) => {
    if (!serves) return;
    let state = up;
    for (let i = 0; i < q.length; i++) state *= mask & (1 << i) ? 1 - q[i]! : q[i]!;
    p += state;
  });
  return p;
}

/**
 * acks=all: the leader answers once every in-sync replica has the record. With the followers in
 * other zones of the region that is one cross-zone round trip when the ISR holds a follower, at
 * any minInSync (minInSync only decides when produces are refused).
 */
export function isrAck(
  stream: ResolvedStream,
  region: string,
  net: NetworkView,
  layouts: readonly (readonly ReplicaSlot[])[] = partitionLayouts(stream, region),
): Figure {
  const isr = Math.min(stream.replicas, ...layouts.map((layout) => layout.filter(net.slotUp).length));
  if (isr < 2) return { p50Ms: 0, p99Ms: 0 };
  return { p50Ms: net.rtt(region, region), p99Ms: net.rtt99(region, region) };
}

/**
 * Demand for a stream's produce latency: its producers' live regions, one share per producer and
 * region — producers are often pipelines that write whether or not users are routed to them.
 */
export function producerOrigins(model: Model, stream: ResolvedStream, net: NetworkView) {
  const weights = new Map<string, number>();
  let declared = false;
  for (const producer of stream.producers) {
    const service = modelIndex(model).service(producer);
    for (const region of service?.regions ?? []) {
      declared = true;
      if (net.regionUp(region)) weights.set(region, (weights.get(region) ?? 0) + 1);
    }
  }
  // No producer declared: the stream's live regions stand for them. Declared producers that are
  // all down produce nothing: no origin (a failed region's produces are not priced).
  if (!declared) for (const region of stream.regions) if (net.regionUp(region)) weights.set(region, 1);
  const total = [...weights.values()].reduce((sum, w) => sum + w, 0);
  return [...weights]
    .map(([region, weight]) => ({ region, share: weight / total }))
    .sort((a, b) => byText(a.region, b.region));
}

/**
 * Produce-to-consume p99, each leg at its p99: produce from each producer origin (acks=all, the
 * whole ISR); with transactions / exactly-once, the transaction commit (one round to the
 * coordinator plus an acks=all write of the commit markers read_committed consumers wait for) and
 * the commit interval (a record becomes visible when its transaction commits, every
 * `commitIntervalMs` — the p99 record waits the whole interval); then the delivery (long polling)
 * to the first of the consumer service's groups to get it (`readers`: the pods on one cluster),
 * among those reading the cluster it went to (a one-way hop on) or a mirror holding it
 * (holdsRecordsOf: the hop to the mirror, the mirror pipeline of src/catalog/data/replication.ts
 * and the queueing on a link with a declared capacity, as lag.ts `linkLag` has an asynchronous
 * copy's lag; the hop on); in a group, at its farthest region (the record's partition may be owned by any
 * member). A one-way hop's p99 is lag.ts `oneWayMs`'s (not half the round trip's). No figure when
 * nothing is produced (no producer origin reaches a live cluster), or when a consumer with pods up
 * reads no cluster holding some records (`undelivered`: they never reach it; consumer-coverage
 * reports it in `check`).
 */
export function endToEndP99(
  model: Model,
  ev: StreamEvaluator,
  net: NetworkView,
  /** Link loads by `from|to`: a mirror's copies queue on a link with a declared capacity. */
  links: Pick<ReadonlyMap<string, LinkLoad>, "get"> = new Map(),
): {
  readonly p99Ms?: number;
  readonly unbounded?: true;
  /** The slowest mirror hop a consumer's first copy comes through (one way, pipeline, queueing). */
  readonly mirrorLag?: { readonly p99Ms: number; readonly unbounded?: true };
  readonly undelivered?: readonly string[];
} {
  const { stream } = ev;
  const transactional = stream.transactions || stream.delivery === "exactly-once";
  const mirror = PIPELINES["kafka-mirroring"];
  const oneWay99 = (from: string, to: string) => oneWayBetween(net, from, to).p99Ms;
  // The mirror's hop as an asynchronous copy's lag (lag.ts linkLag): one way, the pipeline, and
  // the link's queueing, or an hour's backlog on an overloaded link (records copied at a quarter
  // of their rate do not arrive in the pipeline's 5 s).
  const messageBytes = stream.traffic?.messageBytes ?? DEFAULT_ITEM_BYTES;
  const mirrored = (from: string, to: string) =>
    linkLag(
      { p50Ms: net.rtt(from, to), p99Ms: net.rtt99(from, to) },
      messageBytes,
      pathLoads(links, net.route, from, to),
      mirror,
    );
  type Hop = ReturnType<typeof mirrored>;
  // The worst delivery's mirror hop (its unboundedness is the figure's), and the slowest first hop.
  let worstHop: Hop | undefined;
  let mirrorLag: Hop | undefined;
  let worst: number | undefined;
  const undelivered = new Set<string>();
  // Per consumer: its groups, and whether any of its pods is up (all down is its own outage).
  const consumers = stream.consumers.map((name) => ({
    name,
    groups: readers(model, stream, name, ev.liveRegions, net),
    up: (modelIndex(model).service(name)?.regions ?? []).some((region) => net.regionUp(region)),
  }));
  for (const origin of producerOrigins(model, stream, net)) {
    const produced = ev.produce(origin.region);
    if (produced === undefined) continue;
    const cluster = nearestReachable(origin.region, ev.liveRegions, net);
    if (cluster === undefined) continue;
    const ack = isrAck(stream, cluster.region, net);
    const commit = transactional ? net.rtt99(cluster.region, cluster.region) + ack.p99Ms : 0;
    const interval = transactional ? stream.commitIntervalMs : 0;
    const mirrors = liveMirrors(stream, cluster.region, net);
    const deliveries = consumers.map(({ name, groups, up }) => {
      const candidates = [...groups].flatMap(([read, regions]) => {
        if (
          !holdsRecordsOf(stream, read, cluster.region) ||
          (read !== cluster.region && !mirrors.includes(read))
        )
          return [];
        const hop = read === cluster.region ? undefined : mirrored(cluster.region, read);
        const toRead = hop?.p99Ms ?? 0;
        return [{ ms: toRead + Math.max(...regions.map((region) => oneWay99(read, region))), hop }];
      });
      // Pods that are up but read nothing holding the record (or no cluster at all).
      if (candidates.length === 0 && up) undelivered.add(name);
      if (candidates.length === 0) return { ms: 0, hop: undefined };
      const first = candidates.reduce((best, c) => (c.ms < best.ms ? c : best));
      if (first.hop !== undefined && (mirrorLag === undefined || first.hop.p99Ms > mirrorLag.p99Ms))
        mirrorLag = first.hop;
      return first;
    });
    const slowest = deliveries.reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, hop: undefined });
    const total = produced.p99Ms + commit + interval + slowest.ms;
    if (worst === undefined || total > worst) {
      worst = total;
      worstHop = slowest.hop;
    }
  }
  if (undelivered.size > 0) return { undelivered: [...undelivered].sort() };
  if (worst === undefined) return {};
  const flag = (hop: Hop | undefined) => (hop?.unbounded ? { unbounded: true as const } : {});
  return {
    p99Ms: worst,
    ...flag(worstHop),
    ...(mirrorLag === undefined ? {} : { mirrorLag: { p99Ms: mirrorLag.p99Ms, ...flag(mirrorLag) } }),
  };
}

/**
 * Where a stream's bytes go, per second. Producers: each producer origin (producerOrigins) sends
 * its share of the traffic to its nearest live cluster, as produce latency routes it — across
 * regions when that cluster is elsewhere. Each cluster: follower copies across its zones,
 * (replicas − 1) per message it takes, and what it takes once to every mirror region (MirrorMaker
 * 2 / MSK Replicator copy what the source cluster received), where the target cluster's followers
 * copy it again (the same replication factor). Consumers: a consuming service's pods read one
 * cluster each, as their bootstraps point (`readers`), and the pods on one cluster (one consumer
 * group) read every record it holds once — what it took and the mirrors' copies read there
 * (holdsRecordsOf) — split over their regions, across regions for pods away from it; a cluster
 * none of them reads, they never see
 * (consumer-coverage reports what they miss). Clients cross zones too: producers
 * send each record to its partition's leader and consumers read from the leaders (no follower
 * fetching is configured), a share `crossZoneShare` of them from another zone — billed on MSK as
 * on Kubernetes (MSK bills data in and out of the cluster at EC2 rates; only broker-to-broker
 * traffic is free).
 */
export function streamFlows(model: Model, ev: StreamEvaluator, net: NetworkView): Flow[] {
  const { stream } = ev;
  if (stream.traffic === undefined || ev.liveRegions.length === 0) return [];
  const flows: Flow[] = [];
  const flow = (from: string, to: string, bytesPerSec: number, unbilled = false) => {
    if (bytesPerSec > 0)
      flows.push({ component: stream.name, from, to, bytesPerSec, ...(unbilled ? { unbilled: true } : {}) });
  };
  // Client bytes at each region's brokers: what producers send there and consumers read there.
  const atBrokers = new Map<string, number>();
  const client = (region: string, bytes: number) =>
    atBrokers.set(region, (atBrokers.get(region) ?? 0) + bytes);
  const taken = new Map<string, number>();
  for (const { origin, cluster, bytesPerSec } of produced(model, stream, ev.liveRegions, net)) {
    taken.set(cluster, (taken.get(cluster) ?? 0) + bytesPerSec);
    client(cluster, bytesPerSec);
    if (cluster !== origin) flow(origin, cluster, bytesPerSec);
  }
  // MSK bills no data transfer between the brokers of a cluster (Amazon MSK pricing page).
  const brokersFree = stream.deploy.target === "aws" && stream.deploy.service === "msk";
  // On the Kafka engine each broker holds a replica of every partition, dealt over the zones: a
  // follower in its leader's zone copies within it (RF 3 over two zones: 4/3 copies cross, not 2).
  const followerCopies = (region: string) =>
    onKafkaEngine(stream)
      ? crossZoneCopies(stream.replicas, stream.zones[region] ?? [])
      : stream.replicas - 1;
  const copies = new Map<string, string[]>();
  for (const region of ev.liveRegions) {
    const own = taken.get(region) ?? 0;
    const mirrors = liveMirrors(stream, region, net);
    copies.set(region, [region, ...mirrors]);
    flow(region, region, own * followerCopies(region), brokersFree);
    // The mirror writes its copy into the target cluster's topic, which replicates it in turn.
    for (const m of mirrors) {
      flow(region, m, own);
      flow(m, m, own * followerCopies(m), brokersFree);
      // MirrorMaker 2's producer is a client of the target cluster (its pod in one zone, the
      // partitions' leaders in all): its writes cross zones as any producer's. (MSK Replicator's
      // writes are AWS's, priced by its own rate: not counted here.)
      if (stream.deploy.target === "kubernetes") client(m, own);
    }
  }
  // What each cluster holds: what it took, and the copies mirrors write into it.
  const held = new Map<string, number>();
  for (const [source, holders] of copies)
    for (const cluster of holders)
      if (holdsRecordsOf(stream, cluster, source))
        held.set(cluster, (held.get(cluster) ?? 0) + (taken.get(source) ?? 0));
  for (const name of stream.consumers)
    for (const [cluster, regions] of readers(model, stream, name, ev.liveRegions, net)) {
      // One consumer group per cluster: its pods share what the cluster holds, region by region.
      const share = (held.get(cluster) ?? 0) / regions.length;
      for (const region of regions) {
        if (region === cluster) client(cluster, share);
        else flow(cluster, region, share);
      }
    }
  // Where topoplan runs the brokers (an external stream's clients are its owner's business).
  const billed = stream.deploy.target === "kubernetes" || stream.deploy.target === "aws";
  if (billed)
    for (const [region, bytes] of atBrokers)
      flow(region, region, bytes * crossZoneShare(stream.zones[region]?.length ?? 1));
  return flows;
}

/**
 * What each live cluster takes from producers: each producer origin's share of the stream's bytes,
 * routed as produce latency routes it (the nearest live cluster it reaches).
 */
function produced(model: Model, stream: ResolvedStream, liveRegions: readonly string[], net: NetworkView) {
  const total = (stream.traffic?.messagesPerSec ?? 0) * (stream.traffic?.messageBytes ?? 0);
  return producerOrigins(model, stream, net).flatMap((origin) => {
    const cluster = clusterFor(stream, origin.region, liveRegions, net)?.region;
    return cluster === undefined
      ? []
      : [{ origin: origin.region, cluster, bytesPerSec: total * origin.share }];
  });
}

/**
 * Bytes per second written to each region's cluster of the stream (`liveRegions`: those taking
 * produces): what its producers send there and what mirrors copy in from the other live clusters
 * (each copy replicated in turn, as streamFlows counts it). Empty without traffic figures.
 */
export function clusterIntake(
  model: Model,
  stream: ResolvedStream,
  liveRegions: readonly string[],
  net: NetworkView,
): Map<string, number> {
  const intake = new Map<string, number>();
  const add = (region: string, bytes: number) => intake.set(region, (intake.get(region) ?? 0) + bytes);
  if (stream.traffic === undefined) return intake;
  for (const { cluster, bytesPerSec } of produced(model, stream, liveRegions, net)) {
    add(cluster, bytesPerSec);
    for (const mirror of liveMirrors(stream, cluster, net)) add(mirror, bytesPerSec);
  }
  return intake;
}

/**
 * Why a stream has no end-to-end figure, when that misses its objective: no cluster takes
 * produces, a consumer's pods read no cluster holding some of the records, or the producers that
 * are up reach none. Undefined when it has one, or when every
 * producer is down (nothing is produced, so nothing is late: the producers' loss is reported).
 */
export function endToEndMissing(
  stream: Pick<StreamAnalysis, "endToEndP99Ms" | "unavailable" | "noProducer" | "undelivered">,
): string | undefined {
  if (stream.endToEndP99Ms !== undefined) return undefined;
  if (stream.unavailable) return "no cluster of the stream can take produces";
  if (stream.undelivered !== undefined)
    return `records produced into a cluster reach no pod of ${list(stream.undelivered)} that is up (none reads that cluster, or a mirror holding its records that still takes the mirror's writes)`;
  if (stream.noProducer) return undefined;
  return "no producer that is up reaches a live cluster of the stream";
}

/**
 * The clusters a consumer service's live pods read (readCluster: as their bootstraps point), each
 * with the regions of the pods reading it. The pods on one cluster form one consumer group, which
 * reads every record the cluster holds once; a cluster none of them reads, they never see.
 */
function readers(
  model: Model,
  stream: ResolvedStream,
  consumer: string,
  liveRegions: readonly string[],
  net: NetworkView,
): Map<string, string[]> {
  const byCluster = new Map<string, string[]>();
  for (const region of modelIndex(model).service(consumer)?.regions ?? []) {
    if (!net.regionUp(region)) continue;
    const cluster = readCluster(stream, region, liveRegions, net);
    if (cluster === undefined) continue;
    const regions = byCluster.get(cluster);
    if (regions === undefined) byCluster.set(cluster, [region]);
    else regions.push(region);
  }
  return byCluster;
}

/** The mirror regions that copy a cluster in `region` now: reachable from it, their cluster taking writes. */
const liveMirrors = (stream: ResolvedStream, region: string, net: NetworkView): string[] =>
  stream.mirrorRegions.filter((m) => m !== region && net.connected(region, m) && clusterLive(stream, m, net));
