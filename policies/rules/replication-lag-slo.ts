import { declaredCapacityMbps } from "../../src/analysis/datastores.js";
import { DEFAULT_ITEM_BYTES, linkLag, pipelineOf } from "../../src/analysis/lag.js";
import { baselineNetworkView } from "../../src/analysis/network.js";
import { recoveryVerdicts } from "../../src/analysis/recovery.js";
import { REPLICATION } from "../../src/analysis/replication/index.js";
import type { FailoverAnalysis, ReplicationLag } from "../../src/analysis/types.js";
import type { Model, ResolvedDatastore } from "../../src/model/types.js";
import { datastoreAnalysis, ms, regionsNear } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/** Replication lag targets against the analysis' lag to each follower region. */
export const replicationLagSlo: Rule = {
  id: "replication-lag-slo",
  title: "Replication lag SLOs are achievable",
  severity: "error",
  usesAnalysis: true,
  docs: {
    why: "Replication lag is the data a failover loses and the staleness followers serve; a target the links cannot meet means stale reads and a larger RPO than promised.",
    how: "Compares `slo.replicationLagMs` with the analysis' p99 lag to every follower region (≈ the one-way delay + transfer + queueing, growing as 1/(1−ρ) with link utilisation ρ; unbounded at ρ ≥ 1); `slo.rpoSeconds` and `slo.rtoSeconds` with what losing the leader's region loses and how long writes stop (docs/model.md, failover), and as unmet whenever every replica is in one region.",
    fix: "Above the lag's floor (the one-way p99 from the leader — half the median round trip plus its p99 excess — plus the replication pipeline, or a managed service's published end-to-end figure when that is larger) the link adds the rest: add bandwidth. Below it no bandwidth helps: move the replica to a region within reach that holds none of the store's replicas yet (so the store keeps its regions for its survival goal), or relax the SLO.",
  },
  check(model, analysis) {
    const findings: Finding[] = [];
    for (const store of model.datastores)
      findings.push(...recovery(store, datastoreAnalysis(analysis, store.name)));
    for (const store of model.datastores) {
      const target = store.slo.replicationLagMs;
      if (target === undefined) continue;
      const figures = datastoreAnalysis(analysis, store.name);
      const followers = store.regions.filter((r) => r !== store.leader);
      if (figures === undefined || (figures.replicationLag.length === 0 && followers.length > 0)) {
        findings.push({
          path: `${store.path}.slo.replicationLagMs`,
          status: "unknown",
          message: `the analysis has no replication lag figures for ${store.path}`,
          fix: `declare ${store.path}.traffic so the lag can be estimated`,
        });
        continue;
      }
      // Where the replicated writes come from: the leader, or (multi-leader, leaderless) every
      // region that takes writes, which has no one name.
      const source = REPLICATION[store.replication].leaderBased ? store.leader : undefined;
      const unbounded = figures.replicationLag.filter((lag) => lag.unbounded);
      if (unbounded.length > 0) {
        const regions = unbounded.map((l) => l.region).join(", ");
        findings.push({
          path: `${store.path}.slo.replicationLagMs`,
          message: `replication lag to ${regions} is unbounded: the link${source === undefined ? `s into ${unbounded.length > 1 ? "them" : "it"}` : ` from ${source}`} ${source === undefined ? "are" : "is"} at or over capacity, or cut off by a network partition (SLO ${ms(target)})`,
          fix: `add bandwidth ${source === undefined ? `into ${regions} from the regions that write` : `between ${source} and ${regions}`} or reduce the replicated write volume`,
          data: { sloMs: target, regions: unbounded.map((l) => l.region) },
        });
        continue;
      }
      const worst = [...figures.replicationLag].sort((a, b) => b.p99Ms - a.p99Ms)[0];
      if (worst === undefined || worst.p99Ms <= target) continue;
      findings.push({
        path: `${store.path}.slo.replicationLagMs`,
        message: `replication lag p99 ${ms(worst.p99Ms)} to ${worst.region} exceeds the SLO ${ms(target)}`,
        fix: lagFix(model, store, source, worst, target),
        data: { sloMs: target, predictedMs: worst.p99Ms, region: worst.region },
      });
    }
    return findings;
  },
};

/** Regions named where a replica could move. */
const NEAR_REGIONS_MAX = 3;

/**
 * What meets a lag SLO: the lag to a region is at least its floor — the one-way p99 from the write
 * source (lag.ts oneWayMs) plus the replication pipeline's p99, or the larger of the two for a
 * managed service's end-to-end figure (linkLag without the link's sojourn).
 * Above the floor the link adds transfer and queueing, which bandwidth removes; below it no
 * bandwidth helps, only a nearer region. The move keeps the store's count of regions (a region
 * holding none of its replicas), so the fix does not trade the lag for its survival goal.
 */
function lagFix(
  model: Model,
  store: ResolvedDatastore,
  leader: string | undefined,
  worst: ReplicationLag,
  target: number,
): string {
  const relax = `relax replicationLagMs to ${Math.ceil(worst.p99Ms)}`;
  const net = baselineNetworkView(model);
  const pipeline = pipelineOf(store);
  const itemBytes = store.traffic?.itemBytes ?? DEFAULT_ITEM_BYTES;
  const floorFrom = (source: string, region: string) =>
    linkLag(
      { p50Ms: net.rtt(source, region), p99Ms: net.rtt99(source, region) },
      itemBytes,
      [],
      region === source ? undefined : pipeline,
    ).p99Ms;
  // Where writes may come from: the leader (each partition's, with geo-partitioned leaders), or
  // (multi-leader, leaderless) every region that takes writes. The analysis ships from those with
  // demand and keeps each region's worst lag, which is at least the floor from its own source:
  // the floor is the largest of the candidates' that does not exceed it.
  const candidates =
    leader !== undefined
      ? [...new Set([leader, ...store.leaderRegions])]
      : store.writeRegions.length > 0
        ? store.writeRegions
        : store.regions;
  const found = candidates
    .map((source) => ({ source, ms: floorFrom(source, worst.region) }))
    .filter((f) => f.ms <= worst.p99Ms + 1e-6)
    .reduce<{ source: string; ms: number } | undefined>(
      (a, b) => (a === undefined || b.ms > a.ms ? b : a),
      undefined,
    );
  if (found === undefined)
    return `move the ${worst.region} replicas nearer the regions that write, add link bandwidth, or ${relax}`;
  const { source, ms: floor } = found;
  const pipelineMs = worst.region === source ? 0 : pipeline.p99Ms;
  const median = net.rtt(source, worst.region);
  const oneWay = `one way from ${source}: half the ${ms(median)} median round trip plus its ${ms(net.rtt99(source, worst.region) - median)} p99 excess`;
  const floorText =
    pipelineMs === 0
      ? oneWay
      : pipeline.endToEnd === true
        ? `the larger of the ${pipeline.name}'s ${ms(pipelineMs)} p99 from region to region, network included, and the ${oneWay}`
        : `${oneWay}, and the ${pipeline.name}'s ${ms(pipelineMs)} p99`;
  // Above the floor only a link with a declared capacity adds (transfer and queueing, lag.ts).
  if (target >= floor && declaredCapacityMbps(model, source, worst.region) === undefined)
    return `move the ${worst.region} replicas nearer ${source}, add link bandwidth, or ${relax}`;
  if (target >= floor)
    return `the link from ${source} to ${worst.region} adds ${ms(worst.p99Ms - floor)} to the ${ms(floor)} floor (${floorText}): add bandwidth between them or replicate fewer bytes, or ${relax}`;
  // A move helps only where one source decides: nearer the leader.
  const held = new Set(store.regions);
  const near =
    leader === undefined
      ? []
      : regionsNear(
          model,
          store,
          leader,
          (region) => !held.has(region) && floorFrom(leader, region) <= target,
        )
          .slice(0, NEAR_REGIONS_MAX)
          .map(({ region }) => `${region} (${ms(floorFrom(leader, region))})`);
  const move =
    near.length === 0
      ? ""
      : `move the ${worst.region} replicas to a region within reach that holds none yet (as many regions for the survival goal; reads near ${worst.region} then travel): ${near.join(", ")}; or `;
  return `no bandwidth meets it: the lag to ${worst.region} cannot go below ${ms(floor)} (${floorText}); ${move}${relax}`;
}

/** RPO / RTO objectives: what a leader-region loss loses and how long writes stop (recovery.ts). */
function recovery(
  store: Model["datastores"][number],
  figures: ReturnType<typeof datastoreAnalysis>,
): Finding[] {
  if (figures === undefined) return [];
  return recoveryVerdicts(figures).flatMap(({ objective, target, actual, cause, message }) =>
    message === undefined
      ? []
      : [
          {
            path: `${store.path}.slo.${objective}`,
            message,
            fix:
              cause === "one-region"
                ? `place a replica in another region (and replicate to it synchronously for an RPO of 0), or drop ${objective}`
                : cause === "lag"
                  ? "replicate synchronously (consensus, or semi-sync) to a replica outside the leader's region, or relax rpoSeconds"
                  : rtoFix(store, figures.failover),
            data: {
              [objective]: target,
              ...(actual === undefined ? {} : { predictedSeconds: actual }),
              ...(cause === "one-region" ? { regions: store.regions } : {}),
            },
          },
        ],
  );
}

/** What shortens the wait after losing the leader's region, by why it is long. */
function rtoFix(store: ResolvedDatastore, failover: FailoverAnalysis): string {
  const stop = failover.writesStop;
  if (stop !== undefined) {
    // No figure to relax: writes stop until the region returns.
    const place = store.failoverInLeaderRegion
      ? "use an engine or replication that promotes outside the leader's region (consensus, e.g. CockroachDB)"
      : store.replication === "primary-replica" && store.sync === "sync"
        ? `replicate semi-sync (sync waits for every replica, so losing ${stop.region} leaves too few to acknowledge)`
        : store.replication === "multi-leader"
          ? `add a write region besides ${stop.region} (leaders)`
          : stop.reason === "votes"
            ? `place the members so that a majority of all of them outlives ${stop.region} (e.g. 2 + 2 + 1 over three regions)`
            : stop.reason === "leader"
              ? `place a voter allowed to lead outside ${stop.region} (witnesses and read-only replicas never lead)`
              : `place the replicas so that a write quorum outlives ${stop.region} (e.g. 2 + 2 + 1 over three regions)`;
    return `${place}, or drop rtoSeconds`;
  }
  if (failover.operatorBecause !== undefined)
    return store.failoverInLeaderRegion
      ? "use an engine or replication that promotes outside the leader's region (consensus, e.g. CockroachDB), or relax rtoSeconds"
      : "place the voters and witnesses so that no region holds half of them or more (e.g. 1 + 1 and { witnesses: 1 } in a third region, or 2 + 2 + 1), so that the side keeping the majority promotes by itself, or relax rtoSeconds";
  return failover.mode === "manual"
    ? "use automatic failover with no region holding half of the voters and witnesses or more (e.g. 1 + 1 and a witness in a third region), or relax rtoSeconds"
    : "declare the failover time your engine or tooling achieves (failover.rtoSeconds), or relax rtoSeconds";
}
