/**
 * What a datastore does while one zone or region is partitioned away, per replication model: the
 * quorum arithmetic counts only the replicas the model's write requirement counts (voters and
 * witnesses for consensus — read-only replicas never vote; replicas that may lead for a primary),
 * and a primary is replaced only where src/analysis/primary-dependence.ts says it is (automatic
 * failover, an engine that promotes outside the primary's region, and where the observers decide,
 * a majority of them on the side that takes over — the side without one demotes its primary, as
 * the what-if has it). One entry per model (a Record: a new model cannot fall through).
 */

import { NOT_FENCED } from "../../analysis/failover.js";
import {
  observersDecide,
  observersNeeded,
  observersText,
  observes,
  writesNeedPrimary,
} from "../../analysis/primary-dependence.js";
import { mayLead } from "../../analysis/replication/common.js";
import { REPLICATION } from "../../analysis/replication/index.js";
import { ENGINE_CAPABILITIES } from "../../engines/capabilities.js";
import type { PlacementGroup, ReplicaSlot, ResolvedDatastore } from "../../model/types.js";

/** The failure domain an experiment cuts off. */
export interface Isolation {
  readonly kind: "zone" | "region";
  readonly region: string;
  /** The zone, for a zone isolation. */
  readonly zone?: string;
}

export interface DatastoreVerdict {
  readonly writesContinue: boolean;
  /** The primary stays where it was: write latency is the baseline's, not a failure's. */
  readonly primaryStays?: true;
  readonly text: string;
}

/** The counts of the placement group that comes out worst (fewest counted replicas to spare). */
interface Counts {
  readonly group: PlacementGroup;
  readonly total: number;
  readonly left: number;
  readonly inside: number;
  readonly needed: number;
}

interface Context {
  readonly store: ResolvedDatastore;
  readonly isolation: Isolation;
  readonly domain: string;
  readonly inDomain: (slot: ReplicaSlot) => boolean;
  readonly worst: Counts;
  /** Some placement group's leader (primary) is in the isolated domain. */
  readonly leaderCut: boolean;
}

export function datastoreVerdict(store: ResolvedDatastore, isolation: Isolation): DatastoreVerdict {
  const inDomain = (slot: ReplicaSlot) =>
    slot.region === isolation.region && (isolation.kind === "region" || slot.zone === isolation.zone);
  const requirement = REPLICATION[store.replication].requirements(store).write;
  let worst: Counts | undefined;
  for (const group of store.groups) {
    const counted = group.replicas.filter(requirement.counts);
    const inside = counted.filter(inDomain).length;
    const counts = {
      group,
      total: counted.length,
      left: counted.length - inside,
      inside,
      needed: requirement.needed,
    };
    if (worst === undefined || counts.left - counts.needed < worst.left - worst.needed) worst = counts;
  }
  if (worst === undefined) return { writesContinue: false, text: "no placement group" };
  const domain = isolation.kind === "zone" ? `zone ${isolation.zone}` : `region ${isolation.region}`;
  const leaderCut = store.groups.some((group) => inDomain(group.leader));
  return BY_MODEL[store.replication]({ store, isolation, domain, inDomain, worst, leaderCut });
}

const BY_MODEL: Readonly<Record<ResolvedDatastore["replication"], (c: Context) => DatastoreVerdict>> = {
  consensus: (c) => {
    const counts = `${c.worst.left} of ${c.worst.total} voting replicas remain (write quorum ${c.worst.needed})`;
    if (c.worst.left < c.worst.needed)
      return {
        writesContinue: false,
        text: `quorum lost: ${counts}${cleanSplitNote(c)}; writes to affected partitions stop until the partition heals`,
      };
    // `leaderRegions` is a preference: any voter outside may lead when none of those can.
    if (!candidatesOutside(c))
      return {
        writesContinue: false,
        text: `quorum holds but no voter that may lead (witnesses and read-only replicas never do) remains outside ${c.domain}; writes stop until the partition heals`,
      };
    const leaders = c.leaderCut
      ? `; leaders in ${c.domain} lose their quorum and new ones are elected outside it`
      : "";
    return { writesContinue: true, text: `quorum holds: ${counts}; writes continue${leaders}` };
  },
  "primary-replica": (c) => {
    const acks = `${c.worst.left} of ${c.worst.total} replicas that may acknowledge remain (${c.store.sync} needs ${c.worst.needed})`;
    const cutOff = outvoting(c);
    if (!c.leaderCut && cutOff !== undefined)
      return {
        writesContinue: false,
        text: c.store.cutOffPrimaryKeepsWriting
          ? `split brain: ${cutOff}, so they promote a replica there; the primary outside keeps taking writes (${NOT_FENCED}) and loses them when it rejoins as a replica after the partition heals`
          : `failover into the cut: ${cutOff}, so they promote a replica there; the primary outside, cut off from the majority, demotes itself and stops taking writes${c.worst.left >= c.worst.needed ? ", and what it acknowledged after the cut is lost when it rejoins as a replica" : ` (${c.store.sync}: its commits wait for standbys inside the cut, so it acknowledges none)`}`,
      };
    // Where the observers decide, a primary whose side keeps no majority of them demotes itself.
    const stalled = observersDecide(c.store) ? noSideTakesLock(c) : undefined;
    if (stalled !== undefined)
      return { writesContinue: false, text: `no primary: ${stalled}; writes stop until the partition heals` };
    if (!c.leaderCut)
      return c.worst.left >= c.worst.needed
        ? { writesContinue: true, text: `primary outside ${c.domain}: ${acks}; writes continue` }
        : {
            writesContinue: false,
            text: `primary outside ${c.domain} but ${acks}: commits wait for the isolated standbys, writes stop until the partition heals`,
          };
    const blocked = noFailover(c);
    if (blocked !== undefined)
      return {
        writesContinue: false,
        text: `no failover: the primary is in ${c.domain} and ${blocked}; writes from outside it stop until the partition heals`,
      };
    const title = decidedByKubernetes(c.store);
    if (title !== undefined) {
      // Clients are not cut: they still reach the primary. Its commits need acknowledgements from
      // the replicas inside the cut only if enough of them are there.
      const acked = c.worst.inside >= c.worst.needed;
      return {
        writesContinue: acked,
        primaryStays: true,
        text: `no failover: the primary is in ${c.domain}, but ${title}'s failover is decided from the kubelet's probes and the operator's view through the API server, which a partition between its members leaves working, so the primary stays; ${acked ? `writes continue (${c.store.sync}: the ${c.worst.needed === 1 ? "acknowledgement a commit needs is" : `${c.worst.needed} acknowledgements a commit needs are`} inside ${c.domain}) and the replicas outside fall behind until the partition heals` : `commits wait for standbys outside ${c.domain} (${c.store.sync} needs ${c.worst.needed}, ${c.worst.inside} inside): writes stop until the partition heals`}`,
      };
    }
    return { writesContinue: true, text: failoverText(c, acks) };
  },
  "multi-leader": (c) => {
    const outside = c.store.writeRegions.filter((region) =>
      c.worst.group.replicas.some((slot) => slot.region === region && mayLead(slot) && !c.inDomain(slot)),
    );
    if (outside.length === 0)
      return {
        writesContinue: false,
        text: `every write region is in ${c.domain}; writes stop until the partition heals`,
      };
    return {
      writesContinue: true,
      text: `writes continue at the leaders outside ${c.domain} (${outside.join(", ")}); replication with ${c.domain} pauses and conflicting writes are reconciled when the partition heals`,
    };
  },
  leaderless: (c) => {
    const counts = `${c.worst.left} of ${c.worst.total} replicas remain (W = ${c.worst.needed})`;
    return c.worst.left >= c.worst.needed
      ? { writesContinue: true, text: `write quorum holds: ${counts}; writes continue` }
      : {
          writesContinue: false,
          text: `write quorum lost: ${counts}${cleanSplitNote(c)}; writes at W = ${c.worst.needed} fail until the partition heals`,
        };
  },
};

/**
 * Chaos Mesh cannot select "the component's pods outside zone z", so a zone experiment also cuts
 * the zone's replicas from each other: a side that would keep a quorum in a clean split does not.
 */
function cleanSplitNote(c: Context): string {
  if (c.isolation.kind !== "zone" || c.worst.inside < c.worst.needed) return "";
  return ` (the ${c.worst.inside} in ${c.domain} would hold one in a clean split, but the experiment also cuts them from each other)`;
}

/** A replica allowed to lead survives outside the isolated domain in every placement group. */
function candidatesOutside(c: Context, only?: readonly string[]): boolean {
  return c.store.groups.every((group) =>
    group.replicas.some(
      (slot) => mayLead(slot) && !c.inDomain(slot) && (only === undefined || only.includes(slot.region)),
    ),
  );
}

/** The engine's title when its failover is decided from the Kubernetes side (capabilities `failoverDetector`). */
function decidedByKubernetes(store: ResolvedDatastore): string | undefined {
  if (store.deploy.target !== "kubernetes" || store.deploy.engine === undefined) return undefined;
  const caps = ENGINE_CAPABILITIES[store.deploy.engine];
  return caps.failoverDetector?.value === "kubernetes" ? caps.title : undefined;
}

/** A replica outside the domain is promoted: when, from whose figure, and what is lost. */
function failoverText(c: Context, acks: string): string {
  const failover =
    c.isolation.kind === "zone" ? (c.store.failover.inRegion ?? c.store.failover) : c.store.failover;
  // A write is acknowledged without leaving the domain when an acknowledgement quorum fits in it.
  // An engine that does not demote a cut-off primary (capability `cutOffPrimary`: Redis) leaves
  // the clients still connected to it writing there until the partition heals.
  const loss = c.store.cutOffPrimaryKeepsWriting
    ? `the old primary in ${c.domain} keeps taking writes from the clients still connected to it (${NOT_FENCED}) and loses them, with what it had not shipped, when it rejoins as a replica after the partition heals`
    : c.worst.inside >= c.worst.needed
      ? "writes the old primary acknowledged but had not shipped out of it are lost"
      : "no acknowledged write is lost";
  return `failover: the primary is in ${c.domain}; a replica outside it is promoted after about ${failover.rtoSeconds} s (source: ${failover.source}${assumedManager(c.store)}), then ${acks}; ${loss}`;
}

/**
 * Without an engine topoplan runs the image as it is and deploys no failover manager: the failover
 * the spec (or its replication model's default) declares is the image's own to do.
 */
function assumedManager(store: ResolvedDatastore): string {
  return store.deploy.target === "kubernetes" && store.deploy.engine === undefined
    ? "; assumed, as the spec declares it: without an engine topoplan deploys no failover manager, so the image must run one, or writes stop until someone promotes a replica"
    : "";
}

/** Redis: a failover is authorised by a majority of all Sentinels, one per member. */
function sentinels(c: Context): { members: number; votes: number } {
  const members = c.worst.group.replicas.length;
  return { members, votes: Math.floor(members / 2) + 1 };
}

/**
 * With the primary outside the cut: the Sentinels inside, if they are enough to promote one of
 * theirs; or, where the observers decide (a DCS-style failover), the voters and witnesses inside
 * when they hold a majority of all and a voter to promote (the primary outside demotes itself).
 */
function outvoting(c: Context): string | undefined {
  const group = c.worst.group;
  if (c.store.promotionNeedsMajority) {
    const { members, votes } = sentinels(c);
    const inside = group.replicas.filter(c.inDomain).length;
    return inside >= votes
      ? `the ${inside} of ${members} Sentinels in ${c.domain} hold a majority of all (${votes}) and cannot reach the primary`
      : undefined;
  }
  if (!observersDecide(c.store)) return undefined;
  const { inside, all, majority } = observersInside(c);
  // And, as leader.ts electLeader asks, a voter to promote and the acknowledgements a commit needs.
  return inside >= majority &&
    group.replicas.some((slot) => c.inDomain(slot) && mayLead(slot)) &&
    c.worst.inside >= c.worst.needed
    ? `the ${inside} of ${all} observers (voters and witnesses) in ${c.domain} hold a majority of all (${majority}), take the leader lock and cannot reach the primary`
    : undefined;
}

/**
 * Where no side of the cut can hold a working primary: neither holds a majority of the observers,
 * or the side that does has no voter that may lead (witnesses only) or too few replicas to
 * acknowledge a commit. The primary, cut off from the majority, demotes itself (Patroni: a primary
 * that cannot renew its lock) and none is promoted; src/analysis/leader.ts `electLeader` asks the
 * same of each side. Undefined where a side can.
 */
function noSideTakesLock(c: Context): string | undefined {
  const { inside, all, majority } = observersInside(c);
  const inDomain = inside >= majority;
  if (!inDomain && all - inside < majority)
    return `neither side holds a majority (${majority}) of the ${all} observers (voters and witnesses: ${inside} inside ${c.domain}, ${all - inside} outside), so the primary cannot renew its leader lock and demotes itself, and none is promoted`;
  // The primary's own side keeps its lock: whether its commits go on is the acknowledgements' count.
  if (inDomain === c.leaderCut) return undefined;
  const side = (slot: ReplicaSlot) => c.inDomain(slot) === inDomain;
  const acknowledging = inDomain ? c.worst.inside : c.worst.left;
  const voter = c.worst.group.replicas.some((slot) => side(slot) && mayLead(slot));
  if (voter && acknowledging >= c.worst.needed) return undefined;
  const where = inDomain ? `in ${c.domain}` : `outside ${c.domain}`;
  const lacks = voter
    ? `but only ${acknowledging} ${acknowledging === 1 ? "replica" : "replicas"} there may acknowledge a commit (${c.store.sync} needs ${c.worst.needed})`
    : "but none of them may lead (witnesses never do)";
  return `the ${inDomain ? inside : all - inside} of ${all} observers (voters and witnesses) ${where} hold a majority (${majority}) ${lacks}, so the primary, cut off from them, cannot renew its leader lock and demotes itself, and none is promoted`;
}

/** The worst group's observers (voters and witnesses) inside the cut, of all, and a majority of all. */
function observersInside(c: Context): { inside: number; all: number; majority: number } {
  const observers = c.worst.group.replicas.filter(observes);
  return {
    inside: observers.filter(c.inDomain).length,
    all: observers.length,
    majority: observersNeeded(c.worst.group),
  };
}

/** Why the primary is not replaced (src/analysis/primary-dependence.ts, failover.ts), if it is not. */
function noFailover(c: Context): string | undefined {
  const { store } = c;
  const dependence = writesNeedPrimary(store);
  const failover = c.isolation.kind === "zone" ? (store.failover.inRegion ?? store.failover) : store.failover;
  if (failover.mode === "manual") return "failover is manual (an operator promotes a replica)";
  const only = store.failoverInLeaderRegion ? [c.isolation.region] : undefined;
  // A zone holding every replica the region has is, for this store, the region.
  const wholeRegion =
    c.isolation.kind === "region" ||
    store.groups.every((group) =>
      group.replicas.every((slot) => slot.region !== c.isolation.region || c.inDomain(slot)),
    );
  // Where the observers decide, the side outside takes the lock only with a majority of them,
  // whatever any one region's loss would do (neither side holding one is the caller's case).
  if (observersDecide(store)) {
    const { inside, all, majority } = observersInside(c);
    if (all - inside < majority)
      return `the ${inside} of ${all} observers (voters and witnesses) inside hold a majority (${majority}), so the primary keeps its leader lock and the side outside cannot promote`;
  } else if (wholeRegion && dependence?.region === true) {
    if (store.failoverInLeaderRegion)
      return `the engine promotes only inside ${c.isolation.region} (a replica cluster elsewhere is promoted by hand)`;
    return `${observersText(store)}, half or more: a majority of them does not outlive every region, so the failover is left to an operator (the side without a majority cannot take the leader lock)`;
  }
  if (c.isolation.kind === "zone" && dependence?.zone === true) return "failover inside the region is manual";
  if (!candidatesOutside(c, only)) return `no replica allowed to take over remains outside it`;
  if (store.promotionNeedsMajority) {
    const { members, votes } = sentinels(c);
    const outside = c.worst.group.replicas.filter((slot) => !c.inDomain(slot)).length;
    if (outside < votes)
      return `only ${outside} of the ${members} Sentinels (one per member) remain outside it, and a failover needs a majority of all (${votes})`;
  }
  if (c.worst.left < c.worst.needed)
    return `only ${c.worst.left} replicas that may acknowledge remain (${store.sync} needs ${c.worst.needed})`;
  return undefined;
}
