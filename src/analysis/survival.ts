import { lostWithZone } from "../model/placement.js";
import type { ReplicaSlot, ResolvedDatastore } from "../model/types.js";
import type { GoalMinimum, ReplicationBehaviour, Requirements } from "./replication/types.js";
import type { SurvivalAnalysis, SurvivalCheck } from "./types.js";

type Goal = "zone" | "region";
const DOMAIN: Readonly<Record<Goal, (slot: ReplicaSlot) => string>> = {
  zone: (slot) => slot.zone,
  region: (slot) => slot.region,
};
/** Whether losing the domain loses the slot: a zone-spanning replica survives any one zone. */
const LOST: Readonly<Record<Goal, (slot: ReplicaSlot, domain: string) => boolean>> = {
  zone: lostWithZone,
  region: (slot, domain) => slot.region === domain,
};

/**
 * A failover that needs `votes` of all members (Redis: a majority of all Sentinels), and the
 * members that may be the primary now: losing one of them needs that many outside the domain.
 */
export interface PromotionVotes {
  readonly votes: number;
  readonly primaries: readonly ReplicaSlot[];
}

/**
 * Goal `zone` (`region`) holds iff, for every zone (region) holding a replica, the replicas outside
 * it still meet the write and the read requirement (and, where the domain takes the primary, the
 * votes its failover needs). The reported domain is the one whose loss leaves the smallest margin
 * over the write quorum.
 */
export function survivalCheck(
  goal: Goal,
  slots: readonly ReplicaSlot[],
  req: Requirements,
  promotion?: PromotionVotes,
): SurvivalCheck {
  const domainOf = DOMAIN[goal];
  const lost = LOST[goal];
  const domains = [...new Set(slots.map(domainOf))].sort();
  let worst:
    | {
        domain: string;
        left: number;
        margin: number;
        readMargin: number;
        noLeader: boolean;
        unvoted: boolean;
      }
    | undefined;
  let survives = slots.length > 0;
  for (const domain of domains) {
    const outside = slots.filter((slot) => !lost(slot, domain));
    const left = outside.filter(req.write.counts).length;
    const unvoted =
      promotion !== undefined &&
      outside.length < promotion.votes &&
      promotion.primaries.some((slot) => lost(slot, domain));
    const noLeader = req.lead !== undefined && outside.filter(req.lead.counts).length < req.lead.needed;
    // A quorum that cannot elect a leader (or promote one) is no better than none.
    const margin = noLeader || unvoted ? Math.min(-1, left - req.write.needed) : left - req.write.needed;
    const readMargin = outside.filter(req.read.counts).length - req.read.needed;
    if (margin < 0 || readMargin < 0) survives = false;
    if (
      worst === undefined ||
      margin < worst.margin ||
      (margin === worst.margin && readMargin < worst.readMargin)
    )
      worst = { domain, left, margin, readMargin, noLeader, unvoted };
  }
  return {
    goal,
    survives,
    ...(worst === undefined ? {} : { worstDomain: worst.domain }),
    replicasLeft: worst?.left ?? 0,
    quorum: req.write.needed,
    ...(worst?.noLeader ? { noLeader: true } : {}),
    ...(worst?.unvoted && promotion !== undefined ? { promotionVotes: promotion.votes } : {}),
  };
}

/** The worse of two checks (for aggregating placement groups). */
export function worseCheck(a: SurvivalCheck, b: SurvivalCheck): SurvivalCheck {
  if (a.survives !== b.survives) return a.survives ? b : a;
  return b.replicasLeft - b.quorum < a.replicasLeft - a.quorum ? b : a;
}

/**
 * The minimum the store's goal needs under its replication model; a zone goal of a zone-spanning
 * store (a managed regional service) holds with one replica, which no zone loss takes.
 */
export function goalMinimum(behaviour: ReplicationBehaviour, ds: ResolvedDatastore): GoalMinimum {
  const spanning = ds.groups.every((group) => group.replicas.every((slot) => slot.spansZones === true));
  if (ds.survive === "zone" && spanning && ds.groups.length > 0)
    return {
      replicas: 1,
      regions: 1,
      note: "each replica spans its region's zones (managed regional service)",
    };
  return behaviour.minimum(ds.survive, ds);
}

export function survivalAnalysis(
  goal: Goal,
  zone: SurvivalCheck,
  region: SurvivalCheck,
  minimum: GoalMinimum,
): SurvivalAnalysis {
  return {
    zone,
    region,
    goal,
    meetsGoal: (goal === "zone" ? zone : region).survives,
    minReplicas: minimum.replicas,
    minRegions: minimum.regions,
    ...(minimum.note === undefined ? {} : { note: minimum.note }),
    ...(minimum.noCount === true ? { noCount: true } : {}),
  };
}
