import { modelIndex } from "../model/model-index.js";
import { servedByLeader } from "../model/placement.js";
import type { Model, PlacementGroup, ReplicaSlot, ResolvedDatastore, UserOrigin } from "../model/types.js";
import { byText } from "../order.js";
import {
  atLeast,
  atLeastLed,
  atLeastWithPrimary,
  clamp01,
  type FailureProbabilities,
  type PrimaryDomains,
  primaryOrVotes,
} from "./availability.js";
import { dataRegions } from "./destinations.js";
import { DEFAULT_ITEM_BYTES, itemTransferMs, linkSojournMs } from "./lag.js";
import { type Figure, mixture } from "./latency.js";
import { electionCandidates, electLeader, servingSide } from "./leader.js";
import type { NetworkView } from "./network.js";
import {
  observerMajority,
  observersDecide,
  observersNeeded,
  observes,
  primaryNeedsZone,
  splitByPartition,
  writesNeedPrimary,
} from "./primary-dependence.js";
import { promotableIn } from "./replication/common.js";
import { REPLICATION } from "./replication/index.js";
import type { GroupState, ReplicationBehaviour, Requirement, WriteSource } from "./replication/types.js";
import { type PromotionVotes, survivalCheck, worseCheck } from "./survival.js";
import { commitMedianMs, commitTailMs, requestTimeMs } from "./tails.js";
import type { LinkLoad, SurvivalCheck } from "./types.js";

export type DatastoreOp = "read" | "write";

/** A region where a client's requests enter a store, and the share of them that enter there. */
export interface ClientEntry {
  readonly region: string;
  readonly share: number;
}

/**
 * One datastore under the applied failures, evaluated once per placement group (partitions with
 * identical placement share every figure) and lazily per origin, so services can ask for the
 * latency from any region they run in.
 */
export interface DatastoreEvaluator {
  readonly ds: ResolvedDatastore;
  readonly behaviour: ReplicationBehaviour;
  readonly states: readonly GroupState[];
  /** The group with the most partitions: the datastore's "typical" partition. */
  readonly main: GroupState;
  latency(origin: string, op: DatastoreOp): Figure | undefined;
  /**
   * What a client on Kubernetes in `origin` sees: {@link latency}, except where clients enter at
   * any member (`ds.entersAtAnyMember`) and none runs in `origin`. That client dials the clusterset
   * name (src/compile/kubernetes/endpoints.ts `clientEndpoint`), which spreads its connections over
   * the pods of every member region: the mixture of entering in each (the RTT there, then that
   * member's figure), weighted by the region's pods.
   */
  clientLatency(origin: string, op: DatastoreOp): Figure | undefined;
  /**
   * Where a Kubernetes client in `origin` enters the store for `op`, with each region's share of
   * its connections: `origin` alone unless it reaches the members through the clusterset name (as
   * {@link clientLatency}), then every live member region by its pods.
   */
  entries(origin: string, op: DatastoreOp): readonly ClientEntry[];
  /**
   * Whether a Kubernetes client in `origin` needs the store's members there for `op` (its calls
   * fail while none is up: {@link clientLatency}).
   */
  needsLocalMembers(origin: string, op: DatastoreOp): boolean;
  /** Whether such a client's calls with `op` fail under this view: it needs its region's members and none is up. */
  localCallFails(origin: string, op: DatastoreOp): boolean;
  /** Where a group's writes enter (memoised per distinct group state). */
  sources(state: GroupState): readonly WriteSource[];
  /** A partition's availability: the worst placement group. */
  readonly availability: { readonly write: number; readonly read: number };
  readonly partitionsWithoutQuorum: number;
  readonly survival: { readonly zone: SurvivalCheck; readonly region: SurvivalCheck };
  /**
   * Hands the evaluator the replication load per directed link (`from|to`), once the flows of every
   * component are known: followers behind a queueing link acknowledge later, and a follower behind
   * a saturated link (ρ ≥ 1) leaves the commit quorum. Call before asking for latencies.
   */
  useLinks(links: ReadonlyMap<string, LinkLoad>): void;
  /**
   * A follower's acknowledgement delay (GroupState.shipDelay) over other link loads: a leader
   * option moves this datastore's own flows (leader-placement.ts).
   */
  shipDelayOver(
    loads: Pick<ReadonlyMap<string, LinkUse>, "get">,
    quantile: "p50" | "p99",
  ): (from: string, to: string) => number;
  /** Regions (and their zones) whose failure states the availability depends on. */
  readonly domains: ReadonlyMap<string, readonly string[]>;
  /** Availability under other failure probabilities (conditioned on shared domains, src/analysis/joint.ts). */
  availabilityGiven(view: FailureProbabilities, op: DatastoreOp): number;
}

/**
 * The zones holding the store's pods in `region`: on Kubernetes its placement's zones are those
 * (src/model/resolve.ts podZones: replica i in zone i mod |zones|, src/engines/members.ts).
 */
export const memberZones = (ds: ResolvedDatastore, region: string): readonly string[] =>
  ds.placement.find((p) => p.region === region)?.zones ?? [];

export function evaluateDatastore(
  ds: ResolvedDatastore,
  net: NetworkView,
  users: readonly UserOrigin[],
): DatastoreEvaluator {
  const behaviour = REPLICATION[ds.replication];
  const requirements = behaviour.requirements(ds);
  let links: ReadonlyMap<string, LinkLoad> = new Map();
  // A shipped item's sojourn in the replication stream's queue (lag.ts): at the median, and at its
  // p99 for the tail view; a client's item takes its transfer at the link's capacity. A direction
  // with no load known (before useLinks, or a leader option that moves the flows) is idle there:
  // the item still takes its transfer.
  const itemBytes = ds.traffic?.itemBytes ?? DEFAULT_ITEM_BYTES;
  // Around a cut link the item crosses each hop of the relay path (NetworkView.route) in turn.
  const hopsOf = (from: string, to: string): [string, string][] => {
    const path = net.route(from, to);
    return path.slice(1).map((b, i) => [path[i]!, b]);
  };
  const hopTransfer = (from: string, to: string) =>
    itemTransferMs(itemBytes, declaredCapacityMbps(net.model, from, to));
  const transfer = (from: string, to: string) => {
    if (!net.hasLinkCuts) return hopTransfer(from, to);
    let ms = 0;
    for (const [a, b] of hopsOf(from, to)) ms += hopTransfer(a, b);
    return ms;
  };
  const shipDelayOver = (loads: () => Pick<ReadonlyMap<string, LinkUse>, "get">, quantile: "p50" | "p99") => {
    const hopDelay = (a: string, b: string) => {
      const load = loads().get(`${a}|${b}`);
      return load === undefined ? hopTransfer(a, b) : linkSojournMs(itemBytes, load, quantile);
    };
    return (from: string, to: string) => {
      // Without cuts the path is the pair itself (no allocation on this hot path).
      if (!net.hasLinkCuts) return hopDelay(from, to);
      let delay = 0;
      for (const [a, b] of hopsOf(from, to)) delay += hopDelay(a, b);
      return delay;
    };
  };
  const shipDelay = shipDelayOver(() => links, "p50");
  const shipDelay99 = shipDelayOver(() => links, "p99");
  // Regions an election may pick at all: only the leader's own where the engine fails over inside it.
  const onlyIn = (group: PlacementGroup) => (ds.failoverInLeaderRegion ? [group.leader.region] : undefined);
  const states: GroupState[] = ds.groups.map((group) => {
    const alive = group.replicas.filter(net.slotUp);
    const base = { ds, group, net, users, requirements, alive, leader: undefined, shipDelay, transfer };
    if (!behaviour.leaderBased) return base;
    if (ds.leaderPreference) {
      // Under a partition a DCS-style failover follows the observers' majority (not the quorum).
      const decides =
        splitByPartition(alive, net) && observersDecide(ds) ? observerMajority(group, alive, net) : undefined;
      const regions = { only: onlyIn(group), preferred: ds.leaderRegions, decides };
      const { leader, outsidePreferred } = electLeader(group, alive, requirements.write, users, net, regions);
      // The old primary, cut off from that majority, demotes itself: it serves no reads either.
      const demoted = decides !== undefined && !decides(net.side(group.leader.region));
      const state = { ...base, ...(demoted ? { primaryDemoted: true as const } : {}) };
      if (outsidePreferred === undefined) return { ...state, leader };
      // No region of `leaderRegions` can lead: the preferences name none of the others, so which
      // one leads is the engine's pick (CockroachDB's allocator); price the worst, as below.
      const worst = outsidePreferred.length === 1 ? leader : worstLeader(state, outsidePreferred, behaviour);
      return { ...state, leader: worst, leaderCandidates: outsidePreferred };
    }
    // No leader preference (etcd): after an election any candidate may lead; price the worst.
    const { regions, elected } = electionCandidates(
      group,
      alive,
      requirements.write,
      net,
      onlyIn(group),
      ds.incumbency,
      ds.promotionNeedsMajority,
    );
    const leader = regions.length <= 1 ? regions[0] : worstLeader(base, regions, behaviour);
    return { ...base, leader, ...(elected && regions.length > 0 ? { leaderCandidates: regions } : {}) };
  });
  const main = [...states].sort((a, b) => b.group.partitions.length - a.group.partitions.length)[0]!;

  // Groups that differ only in zones have identical latencies: key them by leader + live regions.
  const signatures = new Map<string, number>();
  const signature = new Map<GroupState, number>(
    states.map((state) => {
      const key = `${state.leader}|${state.alive.map((s) => s.region).join(",")}`;
      if (!signatures.has(key)) signatures.set(key, signatures.size);
      return [state, signatures.get(key)!];
    }),
  );
  // p50 with median RTTs and queue sojourns; p99 with every leg at its p99 RTT (src/analysis/network.ts)
  // and every replication queue at its p99 sojourn (lag.ts), plus a managed service's request time
  // and, for writes, the engine's durable-commit tail (src/analysis/tails.ts).
  const commitTail = commitTailMs(ds, net);
  const commitMedian = commitMedianMs(ds, net);
  const request = requestTimeMs(ds, net);
  const groupLatency = new Map<string, Figure | undefined>();
  const latencyOf = (state: GroupState, origin: string, op: DatastoreOp): Figure | undefined => {
    const key = `${op}|${origin}|${signature.get(state)}`;
    if (!groupLatency.has(key)) {
      const at = (s: GroupState) =>
        op === "write" ? behaviour.writeP50(s, origin) : behaviour.readP50(s, origin);
      const p50 = at(state);
      const p99 = p50 === undefined ? undefined : at({ ...state, net: net.atP99, shipDelay: shipDelay99 });
      // A write also waits for the commit's storage rounds (commitMedian) and, at p99, their tail.
      const commit = op === "write" ? { p50Ms: commitMedian, p99Ms: commitTail } : NO_COMMIT;
      groupLatency.set(
        key,
        p50 === undefined
          ? undefined
          : {
              p50Ms: p50 + commit.p50Ms + request.p50Ms,
              p99Ms: Math.max(p50, p99 ?? p50) + commit.p50Ms + request.p99Ms + commit.p99Ms,
            },
      );
    }
    return groupLatency.get(key);
  };

  const byOrigin = new Map<string, Figure | undefined>();
  const latency = (origin: string, op: DatastoreOp): Figure | undefined => {
    const key = `${op}|${origin}`;
    if (byOrigin.has(key)) return byOrigin.get(key);
    let relevant = states;
    // Geo partitioning: an origin's requests go to the partitions homed nearest to it.
    if (ds.partitions.strategy === "geo") {
      const distance = (s: GroupState) => net.rtt(origin, s.group.leader.region);
      const best = Math.min(...states.map(distance));
      relevant = states.filter((s) => distance(s) === best);
    }
    let weight = 0;
    let sum = 0;
    let worst = 0;
    for (const state of relevant) {
      const figure = latencyOf(state, origin, op);
      if (figure === undefined) continue;
      weight += state.group.partitions.length;
      sum += state.group.partitions.length * figure.p50Ms;
      worst = Math.max(worst, figure.p99Ms);
    }
    const figure = weight === 0 ? undefined : { p50Ms: sum / weight, p99Ms: worst };
    byOrigin.set(key, figure);
    return figure;
  };

  const memberRegions = ds.placement.filter((p) => p.replicas > 0);
  /**
   * Whether a Kubernetes client in `origin`, where a store on Kubernetes has members, needs them
   * for `op`: it dials its cluster's own client Service (cluster-local, not exported; its
   * NetworkPolicy admits the local members), so with all of them down the call fails rather than
   * move to another region (src/compile/kubernetes/endpoints.ts clientEndpoint, network-policy.ts).
   * Redis' clients ask the local Sentinels for the primary first, for any op. Not where clients
   * read through the primary's Service (CloudNativePG), nor where they know the members
   * (`findsPrimary: itself`) for an op the leader serves, or one the local members cannot serve
   * (a read where only witnesses are, a write outside a multi-leader store's `leaders`).
   */
  const needsLocalMembers = (origin: string, op: DatastoreOp): boolean => {
    if (!ds.localClientService || ds.readsAtPrimary) return false;
    if (!memberRegions.some((p) => p.region === origin)) return false;
    if (ds.findsPrimary !== "itself") return true;
    if (servedByLeader(ds, op)) return false;
    return (op === "write" ? ds.writeRegions : dataRegions(ds)).includes(origin);
  };
  /** Whether a pod of the store in `region` is up (in one of {@link memberZones}). */
  const localMemberUp = (region: string): boolean => {
    if (!net.regionUp(region)) return false;
    const zones = memberZones(ds, region);
    return zones.length === 0 || zones.some(net.zoneUp);
  };
  const localCallFails = (origin: string, op: DatastoreOp): boolean =>
    needsLocalMembers(origin, op) && !localMemberUp(origin);
  // Through the clusterset name a request lands on any member: one that serves or forwards
  // anything, or (a primary the client finds itself by asking the Sentinels) a read the member it
  // lands on serves; such a client writes to the primary it was told of.
  const spreads = (op: DatastoreOp): boolean =>
    ds.entersAtAnyMember ||
    (ds.findsPrimary === "by-local-discovery" && op === "read" && !servedByLeader(ds, op));
  const entriesOf = (origin: string, op: DatastoreOp): readonly ClientEntry[] => {
    if (!spreads(op) || memberRegions.some((p) => p.region === origin)) return [{ region: origin, share: 1 }];
    // A lost region's pods leave the Service's endpoints; a cut one cannot be reached.
    const open = memberRegions.filter((p) => net.regionUp(p.region) && net.connected(origin, p.region));
    const pods = open.reduce((sum, p) => sum + p.replicas, 0);
    return open.map((p) => ({ region: p.region, share: p.replicas / pods }));
  };
  const entered = new Map<string, Figure | undefined>();
  const clientLatency = (origin: string, op: DatastoreOp): Figure | undefined => {
    const entries = entriesOf(origin, op);
    if (entries.length === 1 && entries[0]!.region === origin)
      return localCallFails(origin, op) ? undefined : latency(origin, op);
    const key = `${op}|${origin}`;
    if (entered.has(key)) return entered.get(key);
    const figures: (Figure & { weight: number })[] = [];
    for (const { region, share } of entries) {
      const inside = latency(region, op);
      if (inside === undefined) continue;
      // The item crosses the client's leg too: out with a write, back with a read's reply.
      const carried = op === "write" ? transfer(origin, region) : transfer(region, origin);
      figures.push({
        p50Ms: net.rtt(origin, region) + carried + inside.p50Ms,
        p99Ms: net.rtt99(origin, region) + carried + inside.p99Ms,
        weight: share,
      });
    }
    const figure = mixture(figures);
    entered.set(key, figure);
    return figure;
  };

  // Writes of a primary that nothing replaces without an operator need its own region (and zone):
  // the leader's, as elected under the applied failures (a what-if prices the promoted primary).
  const needsPrimary = behaviour.leaderBased ? writesNeedPrimary(ds) : undefined;
  const canPromote = promotableIn(ds);
  // Patroni-style: a majority of the voters and witnesses decides who is primary (observersDecide).
  const dcs = behaviour.leaderBased && observersDecide(ds);
  const primaryOf = (state: GroupState): PrimaryDomains | undefined => {
    if (needsPrimary === undefined) return undefined;
    const slot = state.group.leader;
    const region = state.leader ?? slot.region;
    const zone =
      region === slot.region && primaryNeedsZone(ds, needsPrimary, state.group) ? slot.zone : undefined;
    if (zone !== undefined) return { region, zone };
    return needsPrimary.region ? { region } : undefined;
  };
  // A requirement a live leader serves needs one among the survivors: witnesses alone elect none.
  const leads = requirements.lead?.counts;
  // One list per serving set (atLeastLed keeps its layout per pair of lists).
  const leaderLists = new WeakMap<readonly ReplicaSlot[], ReplicaSlot[]>();
  const leadersOf = (slots: readonly ReplicaSlot[], may: (slot: ReplicaSlot) => boolean) => {
    let list = leaderLists.get(slots);
    if (list === undefined) {
      list = slots.filter(may);
      leaderLists.set(slots, list);
    }
    return list;
  };
  const survive = (
    slots: readonly ReplicaSlot[],
    requirement: Requirement,
    needed: number,
    view: FailureProbabilities,
  ) =>
    requirement.led === true && leads !== undefined
      ? atLeastLed(slots, needed, leadersOf(slots, leads), view)
      : atLeast(slots, needed, view);
  const readAvailability = (set: ServingSet, view: FailureProbabilities): number =>
    requirements.read.atPrimary === true
      ? primaryServes(set, requirements.read.needed, view)
      : survive(set.read, requirements.read, requirements.read.needed, view);
  const writeAvailability = (set: ServingSet, view: FailureProbabilities): number =>
    primaryServes(set, requirements.write.needed, view);
  // A primary (or a leader) with `needed` of the write set up: writes, and reads the primary alone serves.
  const primaryServes = (set: ServingSet, needed: number, view: FailureProbabilities): number => {
    const promotion = set.promotion;
    if (promotion === undefined || promotion.primaries.length === 0) {
      // Without a primary to keep, writes wait for one the votes promote.
      const enough = promotion === undefined ? needed : Math.max(needed, promotion.votes);
      const acks =
        set.primary === undefined
          ? survive(set.write, requirements.write, enough, view)
          : atLeastWithPrimary(set.write, enough, set.primary, view, set.promotable);
      // A DCS-style failover: a majority of the voters and witnesses decides who is primary,
      // wherever it is — the primary keeps its lock only with that majority up, and the side
      // holding it promotes a voter (the what-if's demotion and failover). Acknowledgements from
      // as many observers as the majority imply it (sync over all of them); the primary's own
      // alone is the lock's figure, exact; between the two, the Fréchet bound P(A ∧ B) ≥ P(A) + P(B) − 1.
      // (Where failover inside the region is declared manual, the primary's domains stay needed.)
      if (set.observers === undefined || enough >= set.observers.needed) return acks;
      const lock = atLeastLed(set.observers.slots, set.observers.needed, set.write, view);
      return enough <= 1 && set.primary === undefined ? lock : Math.max(0, acks + lock - 1);
    }
    // The worst of the members that may be primary now.
    let worst = 1;
    for (const slot of promotion.primaries)
      worst = Math.min(
        worst,
        primaryOrVotes(set.write, needed, promotion.votes, domainsOf(slot), view, set.primary),
      );
    return worst;
  };
  // A failover that needs a majority of all members' votes (Redis Sentinel): the primary, while it
  // lives, needs none of them (leader.ts electionCandidates). The primary now: the incumbent while
  // it lives, else any live member of a candidate region.
  const promotionOf = (state: GroupState): ServingSet["promotion"] => {
    if (!ds.promotionNeedsMajority || !behaviour.leaderBased) return undefined;
    const { group, alive } = state;
    const regions = state.leaderCandidates ?? (state.leader === undefined ? [] : [state.leader]);
    const primaries = alive.includes(group.leader)
      ? [group.leader]
      : alive.filter((slot) => regions.includes(slot.region));
    return { votes: Math.floor(group.replicas.length / 2) + 1, primaries };
  };
  const availabilityCache = new Map<string, { write: number; read: number }>();
  const servingSets: ServingSet[] = [];
  let write = 1;
  let read = 1;
  let partitionsWithoutQuorum = 0;
  let zone: SurvivalCheck | undefined;
  let region: SurvivalCheck | undefined;
  for (const state of states) {
    const { group, alive } = state;
    // Under a network partition only one side serves; replicas elsewhere do not count.
    const sideOf =
      state.leader !== undefined
        ? net.side(state.leader)
        : servingSide(alive, requirements.write, net).map((s) => net.side(s.region))[0];
    const serving = net.hasLinkCuts
      ? group.replicas.filter((slot) => sideOf !== undefined && net.side(slot.region) === sideOf)
      : group.replicas;
    const primary = primaryOf(state);
    const promotion = promotionOf(state);
    const primaries = promotion?.primaries.map((slot) => `${slot.region}/${slot.zone}`).join(",") ?? "";
    // A primary that demoted itself with no successor: no replica takes writes, whatever is left.
    const stopped = state.primaryDemoted === true && state.leader === undefined;
    const key = `${stopped ? "stopped" : ""}|${primary?.region ?? ""}/${primary?.zone ?? ""}|${primaries}|${serving.map((slot) => `${slot.region}/${slot.zone}/${slot.role ?? ""}`).join(",")}`;
    let figures = availabilityCache.get(key);
    if (figures === undefined) {
      const sets: ServingSet = {
        write: stopped ? [] : serving.filter(requirements.write.counts),
        read: serving.filter(requirements.read.counts),
        // The majority decides where a DCS-style primary is: its own domains are not needed, unless
        // failover inside its region is declared manual.
        ...(primary === undefined || (dcs && needsPrimary?.zone !== true)
          ? {}
          : { primary, promotable: serving.filter(canPromote) }),
        ...(promotion === undefined ? {} : { promotion }),
        ...(dcs ? { observers: { slots: serving.filter(observes), needed: observersNeeded(group) } } : {}),
      };
      servingSets.push(sets);
      figures = {
        write: writeAvailability(sets, net),
        read: readAvailability(sets, net),
      };
      availabilityCache.set(key, figures);
    }
    write = Math.min(write, figures.write);
    read = Math.min(read, figures.read);

    const servingAlive = alive.filter((slot) => serving.includes(slot));
    const hasQuorum = behaviour.leaderBased
      ? state.leader !== undefined
      : servingAlive.filter(requirements.write.counts).length >= requirements.write.needed;
    if (!hasQuorum) partitionsWithoutQuorum += group.partitions.length;
    // Survival of what is left: the baseline's full placement, or the survivors of the failures.
    const z = survivalCheck("zone", servingAlive, requirements, promotion);
    const r = survivalCheck("region", servingAlive, requirements, promotion);
    zone = zone === undefined ? z : worseCheck(zone, z);
    region = region === undefined ? r : worseCheck(region, r);
  }
  let domainsMemo: ReadonlyMap<string, readonly string[]> | undefined;
  const sourcesMemo = new Map<number, readonly WriteSource[]>();
  const sources = (state: GroupState) => {
    const key = signature.get(state);
    // A state of no group of this evaluator (a leader option): its own sources, not memoised.
    if (key === undefined) return behaviour.sources(state);
    let known = sourcesMemo.get(key);
    if (known === undefined) {
      known = behaviour.sources(state);
      sourcesMemo.set(key, known);
    }
    return known;
  };
  return {
    ds,
    behaviour,
    states,
    main,
    latency,
    clientLatency,
    needsLocalMembers,
    localCallFails,
    entries: entriesOf,
    sources,
    availability: { write: clamp01(write), read: clamp01(read) },
    partitionsWithoutQuorum,
    // Computed once on first use (every service calling the store reads it; the sets are final).
    get domains() {
      if (domainsMemo !== undefined) return domainsMemo;
      const domains = new Map<string, string[]>();
      const add = (region: string, zone: string | undefined) => {
        const zones = domains.get(region) ?? [];
        if (zone !== undefined && !zones.includes(zone)) zones.push(zone);
        domains.set(region, zones);
      };
      for (const set of servingSets) {
        // A zone-spanning replica depends on its region alone.
        // The promotable replicas too: the writes (and strong reads) need one alive in the primary's domains.
        for (const slot of [
          ...set.write,
          ...set.read,
          ...(set.promotable ?? []),
          ...(set.observers?.slots ?? []),
        ])
          add(slot.region, slot.spansZones === true ? undefined : slot.zone);
        if (set.primary !== undefined) add(set.primary.region, set.primary.zone);
        for (const slot of set.promotion?.primaries ?? []) add(slot.region, domainsOf(slot).zone);
      }
      domainsMemo = domains;
      return domains;
    },
    availabilityGiven(view, op) {
      let worst = 1;
      for (const set of servingSets)
        worst = Math.min(worst, op === "write" ? writeAvailability(set, view) : readAvailability(set, view));
      return worst;
    },
    useLinks(loads) {
      links = loads;
      groupLatency.clear();
      byOrigin.clear();
    },
    shipDelayOver: (loads, quantile) => shipDelayOver(() => loads, quantile),
    survival: {
      zone: zone ?? survivalCheck("zone", [], requirements),
      region: region ?? survivalCheck("region", [], requirements),
    },
  };
}

/** A slot's own failure domains: its region, and its zone unless it spans the region's. */
function domainsOf(slot: ReplicaSlot): PrimaryDomains {
  return slot.spansZones === true ? { region: slot.region } : { region: slot.region, zone: slot.zone };
}

/** The replicas a placement group's writes and reads count, and the primary its writes need up. */
interface ServingSet {
  readonly write: ReplicaSlot[];
  readonly read: ReplicaSlot[];
  readonly primary?: PrimaryDomains;
  /** With `primary`: the replicas that may be promoted there (writes need one alive in its domains). */
  readonly promotable?: ReplicaSlot[];
  /** A DCS-style failover's observers (voters and witnesses) and the majority the primary's lock needs. */
  readonly observers?: { readonly slots: ReplicaSlot[]; readonly needed: number };
  /** Members whose votes a failover needs, and the members that may be primary now (none need them). */
  readonly promotion?: PromotionVotes;
}

/** What a link's sojourn reads of its load. */
export type LinkUse = Pick<LinkLoad, "capacityMbps" | "utilisation">;

/** Declared capacity between two regions (`network.links`, the same each direction). */
export function declaredCapacityMbps(model: Model, a: string, b: string): number | undefined {
  return modelIndex(model).link(a, b)?.bandwidthMbps;
}

/**
 * Of several regions that may win an election, the one whose leadership gives the highest
 * demand-weighted write p50 (ties: read p50, then code): SLO checks and what-if figures then hold
 * whichever of them the engine elects.
 */
function worstLeader(
  base: GroupState,
  regions: readonly string[],
  behaviour: ReplicationBehaviour,
): string | undefined {
  const cost = (leader: string, op: DatastoreOp) => {
    const state = { ...base, leader };
    let sum = 0;
    for (const user of base.users) {
      const ms =
        op === "write" ? behaviour.writeP50(state, user.region) : behaviour.readP50(state, user.region);
      sum += user.share * (ms ?? 0);
    }
    return sum;
  };
  return [...regions]
    .map((region) => ({ region, write: cost(region, "write"), read: cost(region, "read") }))
    .sort((a, b) => b.write - a.write || b.read - a.read || byText(a.region, b.region))[0]?.region;
}

const NO_COMMIT = { p50Ms: 0, p99Ms: 0 } as const;
