import { endToEndMissing } from "../../src/analysis/streams.js";
import type { LatencyProfile, StreamAnalysis } from "../../src/analysis/types.js";
import type { Model, ResolvedDatastore } from "../../src/model/types.js";
import { byText } from "../../src/order.js";
import { geoPartitionsUnsupported } from "../../src/spec/semantic/geo-partitions.js";
import {
  datastoreAnalysis,
  engineOffers,
  enginesRunning,
  list,
  ms,
  regionsNear,
  rtt as rttOf,
  serviceAnalysis,
  streamAnalysis,
} from "../lib.js";
import type { Finding, Rule } from "../types.js";

/**
 * p99 latency targets against the model's prediction; when a target is below the physical floor
 * (the quorum round trip the commit cannot avoid) the finding names that floor and the regions.
 */
export const latencySlo: Rule = {
  id: "latency-slo",
  title: "p99 latency SLOs are achievable",
  severity: "error",
  usesAnalysis: true,
  docs: {
    why: "A latency SLO the topology cannot meet burns its error budget from day one; when the target is below the speed of light between the quorum's regions no tuning will meet it.",
    how: "Compares readP99Ms / writeP99Ms (datastores), latencyP99Ms (services) and endToEndP99Ms (streams) with the analysis' worst p99 over user origins, and a stream's consumerLagMs with the lag of the mirror its consumers read (one way, the mirroring pipeline, the link's queueing: no consumer of the copy lags the source less). For leader-based writes the floor is the quorum round trip: the (W−1)-th smallest median RTT from the leader to the other replicas that acknowledge writes (voters and witnesses, not read-only replicas); an SLO below it is reported as impossible. Multi-leader and leaderless stores name no leader: when the slowest origin already commits locally (a write region; leaderless: a write quorum there) the finding names the local commit tail instead of a move.",
    fix: "Move a quorum of replicas (or the leader) closer to the writers, partition by geography, serve reads from the nearest replica (bounded-staleness), or relax the SLO.",
  },
  check(model, analysis) {
    const findings: Finding[] = [];
    for (const store of model.datastores) {
      const { writeP99Ms, readP99Ms } = store.slo;
      if (writeP99Ms === undefined && readP99Ms === undefined) continue;
      const figures = datastoreAnalysis(analysis, store.name);
      if (figures === undefined) {
        findings.push(noFigures(store.path));
        continue;
      }
      if (writeP99Ms !== undefined) {
        const floor = quorumFloor(model, store);
        if (floor !== undefined && writeP99Ms < floor.rttMs) {
          findings.push({
            path: `${store.path}.slo.writeP99Ms`,
            message: `write p99 SLO ${ms(writeP99Ms)} is below the ${ms(floor.rttMs)} quorum round trip ${store.leader} → ${floor.region}`,
            fix: quorumFix(model, store, writeP99Ms, floor.rttMs),
            data: { sloMs: writeP99Ms, floorMs: floor.rttMs, leader: store.leader, region: floor.region },
          });
        } else {
          const over = originsOver(figures.write, writeP99Ms);
          const worst = over[0];
          if (worst !== undefined) {
            findings.push({
              path: `${store.path}.slo.writeP99Ms`,
              data: {
                sloMs: writeP99Ms,
                predictedMs: worst.p99Ms,
                origin: worst.origin,
                origins: names(over),
              },
              ...slowWrite(store, worst.origin, worst.p99Ms, writeP99Ms, andFrom(over)),
            });
          }
        }
      }
      if (readP99Ms !== undefined) {
        const over = originsOver(figures.read, readP99Ms);
        const worst = over[0];
        if (worst !== undefined) {
          const stale = store.consistency === "strong" && store.replication !== "leaderless";
          // Every origin over the SLO: a replica near the worst alone may leave the others over it.
          const where = originList(over);
          // Reads served in the origin's own region already: no replica is nearer.
          const local = !stale && over.every((o) => readsInRegion(store, o.origin));
          const relax = `relax readP99Ms to ${Math.ceil(worst.p99Ms)}`;
          findings.push({
            path: `${store.path}.slo.readP99Ms`,
            message: `read p99 ${ms(worst.p99Ms)} from ${worst.origin}${andFrom(over)} exceeds the SLO ${ms(readP99Ms)}${stale ? ` (strong reads go to the leader in ${store.leader}${store.strongRead === "read-index" ? ", which confirms its leadership with a quorum round first" : ""})` : ""}${local ? `: ${over.length > 1 ? "each reads a replica in its own region" : `${worst.origin} reads a replica in its own region`}, so this is the local read time` : ""}`,
            fix: stale
              ? strongReadFix(store, where, over, worst.p99Ms)
              : local
                ? relax
                : store.readsAtPrimary
                  ? `clients read at the primary in ${store.leader} (a replica near ${where} is not read): move the primary nearer ${where}, or ${relax}`
                  : `add a replica near ${where}, or ${relax}`,
            data: { sloMs: readP99Ms, predictedMs: worst.p99Ms, origin: worst.origin, origins: names(over) },
          });
        }
      }
    }
    for (const service of model.services) {
      const target = service.slo.latencyP99Ms;
      if (target === undefined) continue;
      const figures = serviceAnalysis(analysis, service.name);
      if (figures === undefined) {
        findings.push(noFigures(service.path));
        continue;
      }
      const over = originsOver(figures.latency, target);
      const worst = over[0];
      if (worst === undefined) continue;
      const slowest = [...figures.calls].sort((a, b) => b.p99Ms - a.p99Ms)[0];
      findings.push({
        path: `${service.path}.slo.latencyP99Ms`,
        message: `p99 latency ${ms(worst.p99Ms)} from ${worst.origin}${andFrom(over)} exceeds the SLO ${ms(target)}${slowest ? `; slowest call: ${slowest.to} ${ms(slowest.p99Ms)}` : ""}`,
        fix: `run ${service.name} nearer ${originList(over)}${slowest ? `, speed up the call to ${slowest.to} (${slowest.path})` : ""}, or relax latencyP99Ms to ${Math.ceil(worst.p99Ms)}`,
        data: { sloMs: target, predictedMs: worst.p99Ms, origin: worst.origin, origins: names(over) },
      });
    }
    for (const stream of model.streams) {
      const { endToEndP99Ms, consumerLagMs } = stream.slo;
      if (endToEndP99Ms === undefined && consumerLagMs === undefined) continue;
      const figures = streamAnalysis(analysis, stream.name);
      if (figures === undefined) {
        findings.push(noFigures(stream.path));
        continue;
      }
      if (endToEndP99Ms !== undefined)
        findings.push(...endToEndFindings(stream.path, endToEndP99Ms, figures));
      if (consumerLagMs !== undefined)
        findings.push(...consumerLagFindings(stream.path, consumerLagMs, figures));
    }
    return findings;
  },
};

/** `endToEndP99Ms` against the produce-to-consume p99. */
function endToEndFindings(path: string, target: number, figures: StreamAnalysis): Finding[] {
  const at = `${path}.slo.endToEndP99Ms`;
  const missing = endToEndMissing(figures);
  if (missing !== undefined)
    // Nothing is delivered, so no latency meets the SLO.
    return [
      {
        path: at,
        message: `end-to-end p99 SLO ${ms(target)}: ${missing}, nothing is delivered`,
        fix: figures.unavailable
          ? "run the stream's clusters where their regions are up (its placement), or drop endToEndP99Ms"
          : "give the stream a cluster its producers reach (its regions, or the links between them), or drop endToEndP99Ms",
        data: { sloMs: target },
      },
    ];
  const predicted = figures.endToEndP99Ms;
  // Every producer down: nothing is produced, so nothing is late.
  if (predicted === undefined || predicted <= target) return [];
  if (figures.endToEndUnbounded) return [overloadedMirror(at, "end-to-end p99", predicted, target)];
  return [
    {
      path: at,
      message: `end-to-end p99 ${ms(predicted)} exceeds the SLO ${ms(target)}`,
      fix: `keep producers and consumers in the stream's regions, or relax endToEndP99Ms to ${Math.ceil(predicted)}`,
      data: { sloMs: target, predictedMs: predicted },
    },
  ];
}

/**
 * `consumerLagMs` against the mirror's own lag, where consumers read a copy: none of them lags the
 * source less, and the alert compiled from it (MirrorMaker 2's replication latency, MSK
 * Replicator's ReplicationLatency) then fires all the time. A consumer of the cluster it was
 * produced to has no lag the model can bound: its alert reads the group's own offsets.
 */
function consumerLagFindings(path: string, target: number, figures: StreamAnalysis): Finding[] {
  const lag = figures.mirrorLag;
  if (lag === undefined || lag.p99Ms <= target) return [];
  const at = `${path}.slo.consumerLagMs`;
  if (lag.unbounded) return [overloadedMirror(at, "consumer lag through the mirror", lag.p99Ms, target)];
  return [
    {
      path: at,
      message: `consumer lag SLO ${ms(target)} is below the mirror's own p99 lag ${ms(lag.p99Ms)} (one way, the mirroring pipeline's estimate, the link's queueing): consumers reading the copy run at least that far behind the source, and an alert at the SLO fires all the time`,
      fix: `have those consumers read the stream's own regions, or relax consumerLagMs to ${Math.ceil(lag.p99Ms)}`,
      data: { sloMs: target, predictedMs: lag.p99Ms },
    },
  ];
}

/** A stream objective a mirror's overloaded link breaks whatever its target. */
function overloadedMirror(path: string, what: string, predicted: number, target: number): Finding {
  const objective = path.slice(path.lastIndexOf(".") + 1);
  return {
    path,
    message: `${what} is unbounded: the mirror's copies cross a link at or over capacity, so its backlog grows for as long as the traffic lasts (${ms(predicted)} after an hour; SLO ${ms(target)})`,
    fix: `raise the link's bandwidthMbps (network.links) above the traffic with room to spare, or lower the stream's traffic: no ${objective} holds while the link is overloaded`,
    data: { sloMs: target, predictedMs: predicted, unbounded: true },
  };
}

/**
 * Why writes from `origin` miss the SLO, and what to change. A leader-based store: the leader or a
 * quorum is too far. A multi-leader or leaderless store has no leader: when `origin` commits
 * locally (a write region; leaderless: a write quorum there) nothing is nearer to move to, so
 * what is left is the local commit tail.
 */
function slowWrite(
  store: ResolvedDatastore,
  origin: string,
  p99Ms: number,
  sloMs: number,
  others = "",
): Pick<Finding, "message" | "fix"> {
  const exceeds = `write p99 ${ms(p99Ms)} from ${origin}${others} exceeds the SLO ${ms(sloMs)}`;
  const relax = `relax writeP99Ms to ${Math.ceil(p99Ms)}`;
  if (store.replication !== "multi-leader" && store.replication !== "leaderless")
    return {
      message: `${exceeds} (leader ${store.leader})`,
      // Geography only where the deployment homes partition leaders (spec/semantic/geo-partitions.ts).
      fix: `move the leader or a quorum nearer ${origin}, ${geoPartitionsUnsupported(store.deploy) === undefined ? "partition by geography (partitions.strategy: geo), " : ""}or ${relax}`,
    };
  const here = store.placement.find((p) => p.region === origin);
  const local =
    store.replication === "multi-leader"
      ? store.writeRegions.includes(origin) && (here?.voters ?? 0) + (here?.readOnly ?? 0) > 0
      : (here?.voters ?? 0) >= store.quorum.write;
  if (!local)
    return {
      message: exceeds,
      fix:
        store.replication === "multi-leader"
          ? `add a write region at or near ${origin} (placement and leaders), or ${relax}`
          : `place a write quorum (${store.quorum.write} replicas) at or near ${origin}, or ${relax}`,
    };
  const engine = store.deploy.target === "kubernetes" ? store.deploy.engine : undefined;
  // Only an engine that runs this replication model can be declared (validation refuses the rest).
  const engines = enginesRunning(store.replication);
  return engine === undefined
    ? {
        message: `${exceeds}: ${origin} commits locally, so this is the local commit tail (a flat estimate without an engine)`,
        fix:
          engines.length === 0
            ? relax
            : `set ${store.path}.deploy.engine (${engines.join(" or ")}${store.deploy.target === "kubernetes" ? "" : ", deploy.target: kubernetes"}) to use the engine's measured commit tail, or ${relax}`,
      }
    : {
        message: `${exceeds}: ${origin} commits locally, so this is ${engine}'s local commit tail`,
        fix: relax,
      };
}

/** Regions named in a quorum fix besides the leader's. */
const NEAR_REGIONS_MAX = 3;

/**
 * Where a write quorum must sit for the SLO to be possible: within the SLO's round trip of the
 * leader — the leader's own zones, and the nearest regions of its provider the store's residency
 * allows.
 */
function quorumFix(model: Model, store: ResolvedDatastore, sloMs: number, floorMs: number): string {
  const relax = `relax writeP99Ms to at least ${Math.ceil(floorMs)}`;
  const leader = store.leader;
  const near = regionsNear(model, store, leader, (_region, rttMs) => rttMs < sloMs)
    .slice(0, NEAR_REGIONS_MAX)
    .map((r) => `${r.region} (${ms(r.rttMs)})`);
  const zonesMs = rttOf(model, leader, leader);
  const inLeader = zonesMs !== undefined && zonesMs < sloMs;
  if (!inLeader && near.length === 0)
    return `no placement meets it: even two zones of ${leader} are ${ms(zonesMs ?? floorMs)} apart; ${relax}`;
  const where = [...(inLeader ? [`${leader}'s zones`] : []), ...near].join(", or ");
  return `place ${store.quorum.write} of the ${store.replicas} voting replicas (a write quorum, the leader's among them) within ${ms(sloMs)} of ${leader}: ${where}; or ${relax}`;
}

function noFigures(path: string): Finding {
  return {
    path: `${path}.slo`,
    status: "unknown",
    message: `the analysis has no latency figures for ${path}`,
    fix: "check that the component's regions are in the catalog and have RTT figures",
  };
}

/**
 * The origins with demand whose p99 is over `sloMs`, worst first (ties: locale order of the
 * origin). Origins cut off by the failures are the availability's business, not latency's.
 */
function originsOver(profile: LatencyProfile, sloMs: number) {
  return profile.byOrigin
    .filter((o) => o.share > 0 && o.unavailable !== true && o.p99Ms > sloMs)
    .sort((a, b) => b.p99Ms - a.p99Ms || byText(a.origin, b.origin));
}

type OriginFigure = LatencyProfile["byOrigin"][number];

/** Origins named in a fix: the worst few, then how many more. */
const SHOWN_ORIGINS = 3;
const names = (over: readonly OriginFigure[]) => over.map((o) => o.origin);

/**
 * A read from `region` is served there: a replica that serves reads (a voter or a read-only one),
 * or for a leaderless store a read quorum of replicas.
 */
function readsInRegion(store: ResolvedDatastore, region: string): boolean {
  // Clients that reach only the primary (CloudNativePG's -rw) read there, wherever replicas are.
  if (store.readsAtPrimary) return region === store.leader;
  const here = store.placement.find((p) => p.region === region);
  if (store.replication === "leaderless") return (here?.voters ?? 0) >= store.quorum.read;
  return (here?.voters ?? 0) + (here?.readOnly ?? 0) > 0;
}

/**
 * Strong reads go to the leader: a replica near the readers serves them only as stale reads, so
 * adding one is no fix by itself. What is: reading stale from the nearest replica, or moving the
 * leader nearer (where `leaderRegions` lets it move; writes then start from there).
 */
function strongReadFix(
  store: ResolvedDatastore,
  where: string,
  over: readonly OriginFigure[],
  worstMs: number,
): string {
  const options: string[] = [];
  // Only a level the engine offers, and not where clients reach the primary alone (CloudNativePG).
  if (!store.readsAtPrimary && engineOffers(store, "bounded-staleness"))
    options.push(`serve ${where} reads from the nearest replica (consistency: bounded-staleness)`);
  // A move the engine keeps (a leader preference), that has somewhere to go, and that helps: not
  // when the leader's own region is among the slow origins.
  if (
    store.leaderPreference &&
    store.leaderRegions.some((region) => region !== store.leader) &&
    !over.some((o) => o.origin === store.leader)
  )
    options.push(`move the leader nearer ${where} (a replica there alone serves only stale reads)`);
  options.push(`relax readP99Ms to ${Math.ceil(worstMs)}`);
  return options.length === 1 ? options[0]! : `${options.slice(0, -1).join(", ")}, or ${options.at(-1)}`;
}
function originList(over: readonly OriginFigure[]): string {
  const shown = names(over).slice(0, SHOWN_ORIGINS);
  const more = over.length - shown.length;
  return list(more > 0 ? [...shown, `${more} more`] : shown);
}

/** ` (and 140 ms from B, 120 ms from C)`: the origins over the SLO after the worst, if any. */
function andFrom(over: readonly OriginFigure[]): string {
  const rest = over.slice(1);
  if (rest.length === 0) return "";
  const shown = rest.slice(0, SHOWN_ORIGINS).map((o) => `${ms(o.p99Ms)} from ${o.origin}`);
  const more = rest.length - shown.length;
  return ` (and ${list(more > 0 ? [...shown, `${more} more ${more === 1 ? "origin" : "origins"}`] : shown)})`;
}

/**
 * The commit's unavoidable round trip for leader-based replication: the (W−1)-th smallest median RTT
 * from the leader to the other replicas of a partition that acknowledge writes (voters and
 * witnesses; a read-only replica never counts towards the quorum). Undefined when a write needs no
 * other replica.
 */
export function quorumFloor(
  model: Model,
  store: ResolvedDatastore,
): { rttMs: number; region: string } | undefined {
  if (store.replication === "multi-leader" || store.replication === "leaderless") return undefined;
  const needed = store.quorum.write - 1;
  if (needed <= 0) return undefined;
  const group = store.groups.find((g) => g.leader.region === store.leader) ?? store.groups[0];
  if (group === undefined) return undefined;
  const others = [...group.replicas];
  const leaderIndex = others.findIndex(
    (r) => r.region === group.leader.region && r.zone === group.leader.zone,
  );
  if (leaderIndex >= 0) others.splice(leaderIndex, 1);
  const distances = others
    .filter((replica) => replica.role !== "readOnly")
    .map((replica) => ({ region: replica.region, rttMs: rttOf(model, group.leader.region, replica.region) }))
    .filter((d): d is { region: string; rttMs: number } => d.rttMs !== undefined)
    .sort((a, b) => a.rttMs - b.rttMs || byText(a.region, b.region));
  return distances[needed - 1];
}
