import { MANUAL_RTO_SECONDS } from "../catalog/data/replication.js";
import { lostWithZone } from "../model/placement.js";
import type { ReplicaSlot, ResolvedDatastore } from "../model/types.js";
import { byText } from "../order.js";
import type { DatastoreEvaluator } from "./datastores.js";
import { dataRegions } from "./destinations.js";
import { linkLag, OVERLOAD_HORIZON_MS, pathLoads, pipelineOf } from "./lag.js";
import { baselineNetworkView, type NetworkView } from "./network.js";
import { writeDemand } from "./origins.js";
import {
  largestObserverRegion,
  majorityOutlives,
  observerMajority,
  observerRegions,
  observersCanPromote,
  observersDecide,
  observersNeeded,
  observersText,
  observes,
  primaryNeedsZone,
  splitByPartition,
  writesNeedPrimary,
} from "./primary-dependence.js";
import { mayLead } from "./replication/common.js";
import { quorumFitsIn, quorumFitsInSlots } from "./replication/durability.js";
import { REPLICATION } from "./replication/index.js";
import type { GroupState } from "./replication/types.js";
import type {
  DataLoss,
  DatastoreAnalysis,
  FailoverAnalysis,
  Failure,
  LinkLoad,
  SurvivalAnalysis,
} from "./types.js";

/**
 * Who replaces a lost leader, how long writes stop (RTO) and what is lost (RPO), from the declared
 * or default failover (src/catalog/data/replication.ts). A primary-replica store fails over
 * automatically across regions only where a majority of its observers (its voters and witnesses —
 * Patroni's DCS, Orchestrator's raft) outlives any one region, or, for Redis, where the Sentinels
 * outside the lost region are a majority (primary-dependence.ts `observersCanPromote`).
 */
export function failoverAnalysis(ds: ResolvedDatastore, rpoMs: number): FailoverAnalysis {
  const observers = observerRegions(ds);
  const automaticPossible = ds.replication !== "primary-replica" || observersCanPromote(ds);
  const stops = writesStopWith(ds);
  // Witnesses elsewhere vote but hold no data and never lead: no region can take the writes over.
  const holding = dataRegions(ds);
  const figures = {
    mode: ds.failover.mode,
    rtoSeconds: ds.failover.rtoSeconds,
    rpoSeconds: rpoMs / 1000,
    ...(rpoMs > 0 ? { rpoBecause: rpoBecause(ds) } : {}),
    source: ds.failover.source,
    observerRegions: observers,
    automaticPossible,
    ...(stops === undefined ? {} : { writesStop: stops }),
    ...(holding.length < 2
      ? {
          allDataIn: {
            region: holding[0] ?? ds.leader,
            witnessRegions: ds.regions.filter((region) => !holding.includes(region)),
          },
        }
      : {}),
  };
  // A failover declared automatic that cannot promote outside the leader's region by itself: losing
  // that region stops writes until an operator promotes a replica, as what-if prices it (or longer,
  // where the declared failover takes longer anyway). Kept with `writesStop` too: what-if reads it
  // for the losses an operator can still resolve.
  const operatorBecause = ds.failover.mode === "automatic" ? operatorReason(ds, figures) : undefined;
  if (operatorBecause === undefined) return figures;
  const declaredLonger = ds.failover.rtoSeconds > MANUAL_RTO_SECONDS;
  return {
    ...figures,
    rtoSeconds: declaredLonger ? ds.failover.rtoSeconds : MANUAL_RTO_SECONDS,
    source: declaredLonger ? ds.failover.source : "an estimate of an operator's promotion",
    operatorBecause,
  };
}

/** Why writes acknowledged in the leader's region can be lost with it (the RPO is its lag to the others). */
function rpoBecause(ds: ResolvedDatastore): string {
  if (ds.replication !== "primary-replica" && ds.replication !== "consensus")
    return `${ds.replication}: a write commits in the region it entered, before any other has it`;
  if (ds.replication === "primary-replica" && ds.sync === "async")
    return "async: a commit waits for no replica";
  // Of the replicas that acknowledge: voters and witnesses in a consensus group, voters otherwise.
  const consensus = ds.replication === "consensus";
  const acknowledging = ds.placement.reduce((n, p) => n + p.voters + (consensus ? p.witnesses : 0), 0);
  const what = consensus ? "a write quorum" : `the ${ds.sync} acknowledgements a commit needs`;
  return `${what} (${ds.quorum.write} of ${acknowledging}) fit${consensus ? "s" : ""} in ${ds.leader}`;
}

/** Why a cut-off primary keeps taking writes (capability `cutOffPrimary`: Redis). */
export const NOT_FENCED = "no min-replicas-to-write is compiled";

/**
 * Under a partition that elected a primary elsewhere, the region of the old one when it lives,
 * cut off, and keeps taking its side's writes (capability `cutOffPrimary`): they are lost when it
 * rejoins as a replica. Undefined otherwise.
 */
export function oldPrimaryKeepsWriting(
  ev: DatastoreEvaluator,
  net: NetworkView,
  effectiveLeader: string | undefined,
): string | undefined {
  if (!ev.behaviour.leaderBased || !ev.ds.cutOffPrimaryKeepsWriting || effectiveLeader === undefined)
    return undefined;
  const old = ev.main.group.leader;
  return net.slotUp(old) && !net.connected(old.region, effectiveLeader) ? old.region : undefined;
}

/**
 * Under a partition, the old primary of a DCS-style failover (primary-dependence.ts
 * `observersDecide`) that lives cut off from the observers' majority: it cannot renew its leader
 * lock and demotes itself. `acknowledged`: another primary took over and, until the demotion, the
 * old one's side held the acknowledgements a commit needs, so writes it acknowledged after the cut
 * never reach the new primary and are lost when it rejoins as a replica (rewound). Undefined
 * otherwise.
 */
export function demotedPrimary(
  ev: DatastoreEvaluator,
  net: NetworkView,
  failover: FailoverAnalysis,
): DemotedPrimary | undefined {
  // The placement group with the most partitions among those whose primary demoted itself.
  let found: DemotedPrimary | undefined;
  for (const state of ev.states) {
    const demoted = demotedIn(ev.ds, state, net, failover);
    if (demoted !== undefined && (found === undefined || demoted.partitions > found.partitions))
      found = demoted;
  }
  return found;
}

function demotedIn(
  ds: ResolvedDatastore,
  state: GroupState,
  net: NetworkView,
  failover: FailoverAnalysis,
): DemotedPrimary | undefined {
  const { group, alive, requirements, primaryDemoted, leader } = state;
  const old = group.leader;
  if (!net.slotUp(old)) return undefined;
  const side = net.side(old.region);
  const onSide = (counts: (slot: ReplicaSlot) => boolean) =>
    alive.filter((slot) => counts(slot) && net.side(slot.region) === side).length;
  const observers = { onSide: onSide(observes), of: group.replicas.filter(observes).length };
  const partitions = group.partitions.length;
  if (primaryDemoted === true) {
    // With no successor, a side may still hold the majority: with witnesses only (no voter to
    // promote), or too few replicas to acknowledge a commit (leader.ts electLeader wants both).
    const decides = observerMajority(group, alive, net);
    const majority = leader === undefined ? alive.find((slot) => decides(net.side(slot.region))) : undefined;
    const majorityLacks =
      majority === undefined
        ? undefined
        : alive.some((slot) => mayLead(slot) && net.side(slot.region) === net.side(majority.region))
          ? ("write-quorum" as const)
          : ("voter" as const);
    return {
      region: old.region,
      partitions,
      ...(leader === undefined ? {} : { successor: leader }),
      ...(majorityLacks === undefined ? {} : { majorityLacks }),
      // Lost only where another primary took over: with none, it takes its lock back on healing.
      acknowledged: leader !== undefined && onSide(requirements.write.counts) >= requirements.write.needed,
      observers,
    };
  }
  // Without a partition, failures that take the majority but not the primary (1 + 2 led from the
  // 1, the 2's region lost): it demotes itself all the same, and writes wait for an operator to
  // restore it (the figures assume that, as for a lost primary's region) or for the observers.
  if (splitByPartition(alive, net) || !observersDecide(ds) || leader !== old.region) return undefined;
  if (observerMajority(group, alive, net)(side)) return undefined;
  const afterSeconds = failover.operatorBecause === undefined ? MANUAL_RTO_SECONDS : failover.rtoSeconds;
  return {
    region: old.region,
    partitions,
    acknowledged: false,
    observers,
    untilOperatorSeconds: afterSeconds,
  };
}

type DemotedPrimary = NonNullable<DatastoreAnalysis["demotedPrimary"]>;

/** What an automatic failover across regions needs of this placement, for a fix. */
function automaticNeeds(ds: ResolvedDatastore): string {
  if (ds.promotionNeedsMajority)
    return "a majority of all the Sentinels, one per member, must remain outside the lost region";
  return `the side holding a majority of the voters and witnesses decides${observersCanPromote(ds) ? ", and no region holds half of them or more here" : `, so place them so that no region holds half of them or more: ${observersText(ds)}`}`;
}

/** "the failures leave 1 of the 3 observers (voters and witnesses), short of a majority (2)". */
function majorityLostText(ev: DatastoreEvaluator): string {
  const { group, alive } = ev.main;
  return `the failures leave ${alive.filter(observes).length} of the ${group.replicas.filter(observes).length} observers (voters and witnesses), short of a majority (${observersNeeded(group)}): none can take the leader lock`;
}

/** Why losing a region stops writes for good (until it returns), as `writesStopWith` finds it. */
type WritesStop = NonNullable<FailoverAnalysis["writesStop"]>;

/**
 * The first region (by name) whose loss leaves no write quorum, no replica allowed to lead, or
 * (Redis) not the votes to promote one outside it, and which of these: among the regions that
 * lead a placement group (single-leader stores) or take writes (the others), for the groups led
 * there (every group, for a store without a leader). Judged as the new configuration would be:
 * with the leader in a region outside, so an engine whose synchronous standbys are those of the
 * primary's region (CloudNativePG) counts the ones there. The count, an operator's promotion aside.
 */
function writesStopWith(ds: ResolvedDatastore): WritesStop | undefined {
  const behaviour = REPLICATION[ds.replication];
  const losses = behaviour.leaderBased
    ? [...new Set(ds.groups.map((group) => group.leader.region))]
    : [...ds.writeRegions];
  for (const region of losses.sort(byText)) {
    for (const group of ds.groups) {
      if (behaviour.leaderBased && group.leader.region !== region) continue;
      const outside = group.replicas.filter((slot) => slot.region !== region);
      const candidates = behaviour.leaderBased
        ? [...new Set(outside.filter(mayLead).map((slot) => slot.region))]
        : [region];
      const reason = lacking(ds, outside, candidates, group.replicas.length);
      if (reason !== undefined) return { region, reason };
    }
  }
  return undefined;
}

/** What `outside` lacks for writes under every new leader region among `candidates`; undefined when one has all. */
function lacking(
  ds: ResolvedDatastore,
  outside: readonly ReplicaSlot[],
  candidates: readonly string[],
  members: number,
): WritesStop["reason"] | undefined {
  if (ds.promotionNeedsMajority && outside.length <= members / 2) return "votes";
  if (candidates.length === 0) {
    // Nobody outside may lead: the quorum is said first when it is short too (a voter added
    // outside would not mend it alone).
    const { write } = REPLICATION[ds.replication].requirements(ds);
    return outside.filter(write.counts).length < write.needed ? "quorum" : "leader";
  }
  let reason: WritesStop["reason"] = "quorum";
  for (const leader of candidates) {
    const { write, lead } = REPLICATION[ds.replication].requirements({ ...ds, leader });
    if (outside.filter(write.counts).length < write.needed) continue;
    if (lead !== undefined && outside.filter(lead.counts).length < lead.needed) {
      reason = "leader";
      continue;
    }
    return undefined;
  }
  return reason;
}

/**
 * The survival goal under failover. For a primary-replica store the count of replicas left is not
 * enough: losing the primary's domain also needs a replica promoted without an operator.
 * - zone: a standby in another zone of the primary's region, promoted automatically, or an
 *   automatic failover across regions (primary-dependence.ts `primaryNeedsZone`);
 * - region: automatic failover with a majority of the observers outliving any one region
 *   (`observersCanPromote`), on an engine that promotes outside the primary's region.
 * A goal the count already breaks keeps the count's explanation (the survival rule's). The region
 * line fails, whatever the goal, when losing the primary's region waits for an operator.
 */
export function withFailover(
  byCount: SurvivalAnalysis,
  ds: ResolvedDatastore,
  failover: FailoverAnalysis,
): SurvivalAnalysis {
  if (ds.replication !== "primary-replica") return byCount;
  // The region line, whatever the goal: with replicas left elsewhere, losing the primary's region
  // still stops writes until an operator promotes one where nothing promotes by itself.
  const regionWait = byCount.region.survives ? regionOperator(ds, failover) : undefined;
  const survival =
    regionWait === undefined
      ? byCount
      : { ...byCount, region: { ...byCount.region, survives: false, operatorDomain: regionWait.domain } };
  const check = survival.goal === "zone" ? survival.zone : survival.region;
  // An engine that promotes only inside the primary's region never survives losing that region,
  // whatever the count: that is the reason to give (a count or spread to add would not help).
  // Only with replicas outside it: with none, the count (more regions) is the reason.
  const engineBound =
    survival.goal === "region" &&
    ds.failoverInLeaderRegion === true &&
    ds.placement.some((p) => p.region !== ds.leader && p.voters + p.readOnly > 0);
  if (
    !engineBound &&
    !survival.meetsGoal &&
    (check.replicasLeft < check.quorum || check.noLeader === true || check.promotionVotes !== undefined)
  )
    return survival;
  const needed = survival.goal === "zone" ? zoneOperator(ds, failover) : regionOperator(ds, failover);
  if (needed === undefined) return survival;
  const { noCount, minRegions: _regions, ...operatorNeeded } = needed;
  return {
    ...survival,
    meetsGoal: false,
    note: needed.message,
    operatorNeeded,
    ...(noCount === true ? { noCount } : {}),
    ...(needed.minRegions === undefined
      ? {}
      : { minRegions: Math.max(survival.minRegions, needed.minRegions) }),
  };
}

/** With `noCount` where no replica count or spread helps (a manual failover, one kept in the primary's region). */
type OperatorNeeded = NonNullable<SurvivalAnalysis["operatorNeeded"]> & {
  minRegions?: number;
  noCount?: true;
};

/** Why losing the primary's region waits for an operator, with the fix. */
function regionOperator(ds: ResolvedDatastore, failover: FailoverAnalysis): OperatorNeeded | undefined {
  const domain = ds.leader;
  if (failover.mode === "manual")
    return {
      domain,
      noCount: true,
      message: `failover is manual: after losing ${ds.leader} writes stop until an operator promotes a replica (RTO ${failover.rtoSeconds} s)`,
      fix: ds.failoverInLeaderRegion
        ? "this engine fails over automatically only inside the primary's region: use consensus replication (e.g. CockroachDB) to survive a region, or set survive: zone"
        : `declare failover: { mode: automatic } where the engine or your tooling promotes a replica by itself (${automaticNeeds(ds)}), use consensus replication, or set survive: zone`,
    };
  if (ds.failoverInLeaderRegion)
    return {
      domain,
      noCount: true,
      message: `this engine fails over only inside the primary's region: after losing ${ds.leader} writes stop until an operator promotes a replica elsewhere`,
      fix: "use consensus replication (e.g. CockroachDB) to survive a region, or set survive: zone",
    };
  if (!failover.automaticPossible)
    return {
      // The region whose loss takes the majority (led from the 1 of 1 + 2, the 2's: the 1 demotes).
      domain: largestObserverRegion(ds).region,
      message: `automatic failover of a primary needs a majority of its observers to outlive the loss of any one region, and ${observersText(ds)}`,
      fix: `place the voters and witnesses so that no region holds half of them or more (e.g. 1 + 1 and { witnesses: 1 } in a third region, or 2 + 2 + 1), so that the side keeping the majority promotes and the primary keeps its lock`,
    };
  return undefined;
}

/**
 * Why losing the primary's zone waits for an operator (the first placement group whose primary
 * needs its zone), with the fix.
 */
function zoneOperator(ds: ResolvedDatastore, failover: FailoverAnalysis): OperatorNeeded | undefined {
  const needs = writesNeedPrimary(ds);
  if (needs === undefined) return undefined;
  const group = ds.groups.find((g) => primaryNeedsZone(ds, needs, g));
  if (group === undefined) return undefined;
  const { region, zone } = group.leader;
  if (needs.zone) {
    const inRegion = ds.failover.inRegion ?? ds.failover;
    return {
      domain: zone,
      noCount: true,
      message: `failover inside ${region} is manual: losing ${zone}, the primary's zone, stops writes until an operator promotes a replica (RTO ${inRegion.rtoSeconds} s)`,
      fix: `declare failover: { mode: automatic } with a standby in another zone of ${region}`,
    };
  }
  const why =
    failover.mode === "manual"
      ? "failover is manual"
      : ds.failoverInLeaderRegion
        ? "the engine fails over only inside the primary's region"
        : `automatic failover across regions needs a majority of the observers to outlive any one region, and ${observersText(ds)}`;
  const acrossRegions = failover.mode === "automatic" && !ds.failoverInLeaderRegion;
  return {
    domain: zone,
    message: `losing ${zone} takes the primary and leaves no other voter in ${region} to promote; a replica in another region is promoted only by an operator (${why})`,
    fix: `add a standby in another zone of ${region} (one more voter there), which the region promotes by itself${observersDecide(ds) ? `, or a witness in another zone of ${region}, so that a majority of the observers outlives the primary's zone and promotes a replica elsewhere` : ""}${acrossRegions ? ", or replicas or witnesses elsewhere so that no region holds half of the observers or more and a failover across regions is automatic" : ""}`,
  };
}

/**
 * What-if: the write regions a failure took away, the data-loss window (writes acknowledged there
 * but not yet shipped: the lag from the lost leader to the region that takes over), the writes at
 * risk in that window, and the time until writes resume (RTO; never, without a quorum elsewhere).
 */
export function dataLoss(
  ev: DatastoreEvaluator,
  net: NetworkView,
  failures: readonly Failure[],
  links: ReadonlyMap<string, LinkLoad>,
  failover: FailoverAnalysis,
  effectiveLeader: string | undefined,
): DataLoss | undefined {
  const { ds } = ev;
  const failedRegions = new Set(failures.flatMap((f) => (f.kind === "region" ? [f.region] : [])));
  const failedZones = failures.flatMap((f) => (f.kind === "zone" ? [f.zone] : []));
  // Partitions whose preferred leader (single-leader) or write region (others) is gone.
  const leaderBased = ev.behaviour.leaderBased;
  let partitions = 0;
  let from: string | undefined;
  let fromZone: string | undefined;
  let lostSlots: readonly ReplicaSlot[] = [];
  const goneStates: GroupState[] = [];
  for (const state of ev.states) {
    const leaderSlot = state.group.leader;
    const gone = leaderBased
      ? failedRegions.has(leaderSlot.region) || failedZones.some((z) => lostWithZone(leaderSlot, z))
      : ds.writeRegions.some((r) => failedRegions.has(r));
    if (!gone) continue;
    goneStates.push(state);
    partitions += state.group.partitions.length;
    if (from === undefined && leaderBased) {
      fromZone = leaderSlot.zone;
      lostSlots = state.group.replicas.filter((slot) => failedZones.some((z) => lostWithZone(slot, z)));
    }
    from ??= leaderBased ? leaderSlot.region : ds.writeRegions.find((r) => failedRegions.has(r));
  }
  if (partitions === 0 || from === undefined) return undefined;
  // Single-leader: every write of a lost leader's partitions. Others: only those that entered the
  // lost write region, its share of the demand before the failures (the plan's write sources).
  let share = partitions / ds.partitions.count;
  if (!leaderBased) {
    const lost = from;
    const baseline = baselineNetworkView(net.model);
    const demand = writeDemand(net.model, ds.name, baseline);
    share = goneStates.reduce(
      (sum, state) =>
        sum +
        (state.group.partitions.length / ds.partitions.count) *
          writeShareBefore(ev, { ...state, net: baseline, users: demand }, lost),
      0,
    );
  }
  // A write that cannot commit inside the lost region (or, when only the leader's zone is lost,
  // inside that zone) is on a replica elsewhere already. One that can is lost when another region
  // takes over without it; where none can (no quorum survives), writes stop and nothing is lost
  // while the region is down — the plan's RPO says what its permanent loss would take.
  const zoneOnly = leaderBased && net.regionUp(from) && !failedRegions.has(from);
  const durable = zoneOnly ? !quorumFitsInSlots(ds, lostSlots) : !quorumFitsIn(ds, from);
  // Without a leader, a write region up is not enough: every group needs its write quorum alive
  // (W = 2 of three replicas, two of them in the lost region, writes nowhere).
  const { write } = ev.behaviour.requirements(ds);
  const canResume = leaderBased
    ? effectiveLeader !== undefined
    : ds.writeRegions.some((r) => net.regionUp(r)) &&
      ev.states.every((state) => state.alive.filter(write.counts).length >= write.needed);
  // Cut off from it (a partition beside the loss), a region falls behind for as long as the
  // partition lasted: quoted, like an unbounded lag, as one hour.
  const lagTo = (region: string) =>
    net.connected(from, region)
      ? linkLag(
          { p50Ms: net.rtt(from, region), p99Ms: net.rtt99(from, region) },
          ds.traffic?.itemBytes ?? 1024,
          pathLoads(links, net.route, from, region),
          pipelineOf(ds),
        ).p99Ms
      : OVERLOAD_HORIZON_MS;
  // Single-leader: the new leader. Others: a write is held only in the lost region until it
  // reaches any other live one holding data (a witness keeps none), so the one it reaches first
  // (not the first by name).
  const to =
    effectiveLeader ??
    (leaderBased
      ? undefined
      : nearestBy(
          ds.placement
            .filter((p) => p.voters + p.readOnly > 0 && p.region !== from && net.regionUp(p.region))
            .map((p) => p.region),
          lagTo,
        ));
  let windowMs = 0;
  if (!durable && canResume && to !== undefined && to !== from) {
    windowMs = lagTo(to);
  } else if (!durable && canResume && to === from && leaderBased && ds.deploy.target !== "aws") {
    // A standby in another zone of the region takes over: what the old primary acknowledged but
    // had not shipped across the zones is lost (async: a commit waits for no standby). The lag
    // is the region's zone-to-zone round trip and the item's transfer, no WAN link. Not for a
    // managed service: Aurora's writer and readers share a cluster volume written to six copies
    // over three zones, so the reader it promotes has every acknowledged write.
    windowMs = linkLag(
      { p50Ms: net.rtt(from, from), p99Ms: net.rtt99(from, from) },
      ds.traffic?.itemBytes ?? 1024,
      [],
      pipelineOf(ds),
    ).p99Ms;
  }
  const writesPerSec = (ds.traffic?.writesPerSec ?? 0) * share;
  // Only the leader's zone is lost and its region takes over: the in-region failover, where a
  // managed service has its own (Aurora promotes a reader in the cluster, not across regions).
  // Otherwise the declared failover (the analysis' figure is the region's, an operator's where
  // nothing promotes outside the leader's region by itself).
  const inRegion = zoneOnly && to === from ? (ds.failover.inRegion ?? ds.failover) : undefined;
  // Another region takes over, but nothing promotes there by itself (src/analysis/primary-dependence.ts):
  // the failure leaves writes stopped until an operator promotes the replica the figures assume.
  // Unless a majority of the observers outlives this failure (a DCS-style failover promotes by
  // itself where they decide): a zone's loss beside a witness, a region not holding half of them.
  // And where they decide but too few outlive this failure, though enough outlive any one region's
  // (1 + 1 + 1, two regions lost), the operator promotes all the same.
  const observersDo = observersDecide(ds);
  const promotesHere =
    to !== undefined && observersDo && observerMajority(ev.main.group, ev.main.alive, net)(net.side(to));
  const shortOfMajority = observersDo && !promotesHere ? majorityLostText(ev) : undefined;
  const operator =
    leaderBased && canResume && to !== from && !promotesHere
      ? (failover.operatorBecause ?? shortOfMajority)
      : undefined;
  const lost = {
    lostRegion: from,
    ...(zoneOnly && fromZone !== undefined ? { lostZone: fromZone } : {}),
    partitions,
    windowMs,
    writesAtRisk: (writesPerSec * windowMs) / 1000,
  };
  if (operator !== undefined)
    return {
      ...lost,
      resumeAfterSeconds:
        failover.operatorBecause === undefined
          ? Math.max(MANUAL_RTO_SECONDS, failover.rtoSeconds)
          : failover.rtoSeconds,
      mode: "manual",
      manualBecause: operator,
    };
  // Nothing takes over by itself where the engine promotes only inside the lost leader's region
  // (CloudNativePG): what the engines do, as the lab runs them. An operator can still promote
  // where the live replicas could take the writes: the plan's RTO prices that (operatorBecause).
  const byOperator =
    !canResume &&
    ds.failoverInLeaderRegion &&
    failover.operatorBecause !== undefined &&
    operatorCanPromote(ev)
      ? { afterSeconds: failover.rtoSeconds, because: failover.operatorBecause }
      : undefined;
  const held = canResume ? undefined : heldInFailedDomains(ds, net, links, from, failures);
  if (held !== undefined)
    return {
      ...lost,
      held,
      mode: inRegion?.mode ?? failover.mode,
      ...(byOperator === undefined ? {} : { byOperator }),
    };
  return {
    ...lost,
    ...(byOperator === undefined ? {} : { byOperator }),
    ...(canResume
      ? {
          resumeAfterSeconds: leaderBased
            ? (inRegion?.rtoSeconds ?? (promotesHere ? ds.failover.rtoSeconds : failover.rtoSeconds))
            : 0,
        }
      : {}),
    mode: inRegion?.mode ?? failover.mode,
  };
}

/**
 * With writes stopped (no region takes over): when the lost replicas of the typical group could
 * acknowledge a write among them — across the failed domains (two regions, a region and a zone,
 * zones), none of which the plan's RPO covers alone — the newest writes may be on none of the live
 * replicas. They are held in those domains for the p99 lag from `from` to the freshest live
 * replica, and lost with them if none returns. Undefined where one failed region holds a quorum
 * by itself (the plan's RPO says it) or when no replica is live.
 */
function heldInFailedDomains(
  ds: ResolvedDatastore,
  net: NetworkView,
  links: ReadonlyMap<string, LinkLoad>,
  from: string,
  failures: readonly Failure[],
): DataLoss["held"] {
  const replicas = ds.groups[0]?.replicas ?? [];
  const dead = replicas.filter((slot) => !net.slotUp(slot));
  if (!quorumFitsInSlots(ds, dead)) return undefined;
  // The failures that took replicas: a failed region by its code, a failed zone of a live region by its name.
  const domains = failures.flatMap((f) =>
    f.kind === "region"
      ? dead.some((slot) => slot.region === f.region)
        ? [f.region]
        : []
      : f.kind === "zone" && dead.some((slot) => net.regionUp(slot.region) && lostWithZone(slot, f.zone))
        ? [f.zone]
        : [],
  );
  const alone = domains.length === 1 && failures.some((f) => f.kind === "region" && f.region === domains[0]);
  if (domains.length === 0 || alone) return undefined;
  const names = [...new Set(domains)].sort(byText);
  const live = [
    ...new Set(replicas.filter((slot) => net.slotUp(slot) && slot.role !== "witness").map((s) => s.region)),
  ];
  const lags = live
    .filter((region) => net.connected(from, region))
    .map((region) => ({
      region,
      ms: linkLag(
        { p50Ms: net.rtt(from, region), p99Ms: net.rtt99(from, region) },
        ds.traffic?.itemBytes ?? 1024,
        pathLoads(links, net.route, from, region),
        pipelineOf(ds),
      ).p99Ms,
    }))
    .sort((a, b) => a.ms - b.ms || byText(a.region, b.region));
  const nearest = lags[0];
  if (nearest === undefined) return undefined;
  return { domains: names, windowMs: nearest.ms, nearest: nearest.region };
}

/**
 * Whether an operator could promote a live replica so that every group writes again: one allowed
 * to lead, with the write quorum it would need among the live replicas (`lacking`).
 */
function operatorCanPromote(ev: DatastoreEvaluator): boolean {
  return ev.states.every((state) => {
    const candidates = [...new Set(state.alive.filter(mayLead).map((slot) => slot.region))];
    return (
      candidates.length > 0 &&
      lacking(ev.ds, state.alive, candidates, state.group.replicas.length) === undefined
    );
  });
}

/** Why a store whose failover is automatic cannot promote in another region by itself, if so. */
function operatorReason(
  ds: ResolvedDatastore,
  failover: Pick<FailoverAnalysis, "automaticPossible">,
): string | undefined {
  if (writesNeedPrimary(ds)?.region !== true) return undefined;
  if (ds.failoverInLeaderRegion) return "the engine fails over only inside the primary's region";
  // The plan's RTO is the primary's region's loss: where the observers decide, a majority outside
  // it promotes by itself though some other region's loss would not (1 + 2 led from the 1).
  const majorityOutside = ds.groups.every((group) =>
    majorityOutlives(group, (slot) => slot.region === ds.leader),
  );
  if (!failover.automaticPossible && !(observersDecide(ds) && majorityOutside))
    return `automatic failover needs a majority of the observers to outlive any one region, and ${observersText(ds)}`;
  return undefined;
}

/**
 * The share of a group's write demand that entered `region`, in `before` (the group under no
 * failures, with the baseline's writers): each writer region's demand sent where the baseline
 * routes it (its nearest reachable write region or coordinator: ReplicationBehaviour.sources), as
 * the plan's write table shows it.
 */
function writeShareBefore(ev: DatastoreEvaluator, before: GroupState, region: string): number {
  const sources = ev.behaviour.sources({ ...before, alive: before.group.replicas });
  return sources.find((source) => source.region === region)?.share ?? 0;
}

/** The region of `regions` with the smallest `cost`, the first by name on a tie; undefined when none. */
function nearestBy(regions: readonly string[], cost: (region: string) => number): string | undefined {
  let best: string | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const region of regions) {
    const c = cost(region);
    if (best === undefined || c < bestCost) {
      best = region;
      bestCost = c;
    }
  }
  return best;
}
