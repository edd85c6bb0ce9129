import { modelIndex } from "../model/model-index.js";
import type { Model, ReplicaSlot, ResolvedStream } from "../model/types.js";
import { atLeast } from "./availability.js";
import type { Flow } from "./bandwidth.js";
import { type Figure, network } from "./latency.js";
import type { NetworkView } from "./network.js";
import { nearest } from "./replication/common.js";
import type { Requirements } from "./replication/types.js";
import { survivalCheck, worseCheck } from "./survival.js";
import type { SurvivalAnalysis, SurvivalCheck } from "./types.js";

/**
 * A stream: one Kafka-like cluster per region, each partition's `replicas` spread over the
 * region's zones (replica i of partition p in zone (p + i) mod zones, as for datastores), produced
 * with acks=all: a produce needs `minInSync` live replicas and waits for the (minInSync − 1)-th
 * cross-zone acknowledgement. Clusters do not replicate across regions, so streams add no
 * inter-region traffic; a producer whose local cluster is down fails over to the nearest live one.
 */
export interface StreamEvaluator {
  readonly stream: ResolvedStream;
  produce(origin: string): Figure | undefined;
  /** The clusters that can take produces now. */
  readonly liveRegions: readonly string[];
  readonly availability: number;
  readonly survival: SurvivalAnalysis;
}

/** Distinct zone layouts of a partition in one region's cluster (they repeat every |zones| partitions). */
export function partitionLayouts(stream: ResolvedStream, region: string): ReplicaSlot[][] {
  const zones = stream.zones[region] ?? [`${region}-zone`];
  const layouts: ReplicaSlot[][] = [];
  for (let p = 0; p < Math.min(stream.partitions, zones.length); p++)
    layouts.push(
      Array.from({ length: stream.replicas }, (_, i) => ({ region, zone: zones[(p + i) % zones.length]! })),
    );
  return layouts;
}

export function evaluateStream(stream: ResolvedStream, net: NetworkView): StreamEvaluator {
  const all = () => true;
  const req: Requirements = {
    write: { needed: stream.minInSync, counts: all },
    read: { needed: 1, counts: all },
  };
  const ackP50 = stream.minInSync >= 2 ? net.model.settings.crossZoneRttMs : 0;
  const layouts = new Map(stream.regions.map((region) => [region, partitionLayouts(stream, region)]));
  const liveRegions = stream.regions.filter((region) =>
    (layouts.get(region) ?? []).every((layout) => layout.filter(net.slotUp).length >= stream.minInSync),
  );
  const produce = (origin: string): Figure | undefined => {
    const target = nearest(
      origin,
      liveRegions.filter((region) => net.connected(origin, region)),
      net,
    );
    // Producer → partition leader, then the ISR acknowledgement (both network round trips).
    return target === undefined ? undefined : network(target.rttMs + ackP50, net.tailFactor);
  };

  let down = 1;
  let zone: SurvivalCheck | undefined;
  for (const region of stream.regions) {
    const regionLayouts = layouts.get(region) ?? [];
    const up = Math.min(1, ...regionLayouts.map((slots) => atLeast(slots, stream.minInSync, net)));
    down *= 1 - up;
    for (const slots of regionLayouts) {
      const check = survivalCheck("zone", slots, req);
      zone = zone === undefined ? check : worseCheck(zone, check);
    }
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
    liveRegions,
    availability: 1 - down,
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
 * Demand for a stream's produce latency: its producers' live regions, one share per producer and
 * region — producers are often pipelines that write whether or not users are routed to them.
 */
export function producerOrigins(model: Model, stream: ResolvedStream, net: NetworkView) {
  const weights = new Map<string, number>();
  for (const producer of stream.producers) {
    const service = modelIndex(model).service(producer);
    for (const region of service?.regions ?? [])
      if (net.regionUp(region)) weights.set(region, (weights.get(region) ?? 0) + 1);
  }
  if (weights.size === 0) for (const region of stream.regions) weights.set(region, 1);
  const total = [...weights.values()].reduce((sum, w) => sum + w, 0);
  return [...weights]
    .map(([region, weight]) => ({ region, share: weight / total }))
    .sort((a, b) => a.region.localeCompare(b.region));
}

/**
 * Produce-to-consume p99: produce from each producer origin, plus (transactions / exactly-once) one
 * more acks=all round for the commit markers read_committed consumers wait for, plus the one-way
 * delivery to a long-polling consumer in the consumer service's region nearest that cluster.
 */
export function endToEndP99(model: Model, ev: StreamEvaluator, net: NetworkView): number {
  const { stream } = ev;
  const transactional = stream.transactions || stream.delivery === "exactly-once";
  let worst = 0;
  for (const origin of producerOrigins(model, stream, net)) {
    const produced = ev.produce(origin.region);
    if (produced === undefined) continue;
    const cluster = nearest(
      origin.region,
      ev.liveRegions.filter((r) => net.connected(origin.region, r)),
      net,
    );
    const commit = transactional
      ? produced.p50Ms - (cluster?.rttMs ?? 0) + net.model.settings.crossZoneRttMs
      : 0;
    const deliveries = stream.consumers.map((name) => {
      const consumer = modelIndex(model).service(name);
      const to = nearest(
        cluster?.region ?? origin.region,
        (consumer?.regions ?? []).filter((r) => net.regionUp(r) && net.connected(cluster?.region ?? r, r)),
        net,
      );
      return to === undefined ? 0 : to.rttMs / 2;
    });
    const p50 = produced.p50Ms + commit + Math.max(0, ...deliveries);
    worst = Math.max(worst, p50 * net.tailFactor);
  }
  return worst;
}

/** Follower copies within each region cross zones: (replicas − 1) per message. */
export function streamFlows(ev: StreamEvaluator): Flow[] {
  const { stream } = ev;
  const traffic = stream.traffic;
  if (traffic === undefined || ev.liveRegions.length === 0) return [];
  const perRegion = (traffic.messagesPerSec * traffic.messageBytes) / ev.liveRegions.length;
  return ev.liveRegions.map((region) => ({
    component: stream.name,
    from: region,
    to: region,
    bytesPerSec: perRegion * (stream.replicas - 1),
  }));
}
