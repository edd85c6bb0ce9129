import { syncInPrimaryRegion } from "../../src/analysis/replication/primary-replica.js";
import type { SurvivalAnalysis, SurvivalCheck } from "../../src/analysis/types.js";
import { majority as majorityOf } from "../../src/model/placement.js";
import type { ResolvedDatastore } from "../../src/model/types.js";
import { datastoreAnalysis, list, plural, streamAnalysis } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/** The declared survival goal (`survive: zone | region`) holds: a quorum outlives the worst single failure. */
export const survival: Rule = {
  id: "survival",
  title: "Datastores and streams survive the failure they declare",
  severity: "error",
  usesAnalysis: true,
  docs: {
    why: "`survive: region` is a promise that losing any one region keeps the data available; a placement that loses quorum with one region breaks it at the worst moment.",
    how: "For the declared goal, the analysis removes each zone (or region) in turn and counts the replicas left; the goal holds iff a quorum is left after the worst one. Zone survival needs 3 voters; region survival 5 voters over at least 3 regions (CockroachDB's rule). A primary-replica store also needs its lost primary replaced without an operator: for a zone, a standby in another zone of the primary's region or an automatic failover across regions; for a region, automatic failover with a majority of the observers (voters and witnesses) outside the primary's region, on an engine that promotes outside it.",
    fix: "Add replicas or spread them so no single zone/region holds enough to break the quorum, or lower the goal to `survive: zone`. A synchronous primary-replica store (every replica acknowledges each write) survives no domain's loss whatever its count: acknowledge on a quorum instead (`sync: semi-sync`, or consensus). For a datastore, `topoplan solve <spec> --datastore NAME --replicas auto` finds the cheapest placement and count that meet the goal together with the store's SLOs and residency, which a wider spread can cost.",
  },
  check(model, analysis) {
    const findings: Finding[] = [];
    // `store`: a datastore's (a stream has none of its traits).
    const judge = (
      path: string,
      survival: SurvivalAnalysis,
      replicas: number,
      field: string,
      store?: ResolvedDatastore,
    ) => {
      if (survival.meetsGoal) return;
      const check = survival.goal === "region" ? survival.region : survival.zone;
      const domain = check.worstDomain ?? `one ${survival.goal}`;
      const said = explain(survival, check, domain, replicas, store);
      findings.push({
        path: `${path}.${field}`,
        message: `survive: ${survival.goal} does not hold: ${said.message}`,
        // Adding or spreading replicas can cost a latency SLO or residency: the solver weighs them.
        fix:
          said.placement && store !== undefined
            ? `${said.fix}; \`topoplan solve <spec> --datastore ${store.name} --replicas auto\` finds the cheapest such placement that also meets the store's SLOs and residency`
            : said.fix,
        data: {
          goal: survival.goal,
          worstDomain: survival.operatorNeeded?.domain ?? check.worstDomain,
          replicasLeft: check.replicasLeft,
          quorum: check.quorum,
        },
      });
    };
    for (const store of model.datastores) {
      const figures = datastoreAnalysis(analysis, store.name);
      if (figures === undefined) {
        findings.push(unknown(store.path));
        continue;
      }
      judge(store.path, figures.survival, store.replicas, "placement", store);
    }
    for (const stream of model.streams) {
      const figures = streamAnalysis(analysis, stream.name);
      if (figures === undefined) {
        findings.push(unknown(stream.path));
        continue;
      }
      judge(stream.path, figures.survival, stream.replicas, "replicas");
    }
    return findings;
  },
};

/**
 * Why the goal fails, and the fix: a quorum without a voter to lead it, a write every replica must
 * acknowledge, a primary only an operator replaces (the analysis says why), clients that read
 * only in the primary's region, or too few replicas outside the worst domain.
 */
function explain(
  survival: SurvivalAnalysis,
  check: SurvivalCheck,
  domain: string,
  replicas: number,
  store?: ResolvedDatastore,
): { message: string; fix: string; placement?: boolean } {
  // A write needs every replica (synchronous primary-replica), so no count or spread helps.
  const allAck = store?.replication === "primary-replica" && store.sync === "sync";
  // The quorum is a majority of the replicas (consensus), and of the count given when all vote.
  const majority = store?.replication === "consensus";
  const allVote = store?.placement.every((p) => p.readOnly === 0) ?? false;
  // Clients read only in the primary's region.
  const readsAtPrimary = store?.readsAtPrimary ?? false;
  const orZone = survival.goal === "region" ? ", or set survive: zone" : "";
  if (check.promotionVotes !== undefined)
    return {
      message: `losing ${domain} takes the primary and leaves ${check.replicasLeft} of ${plural(replicas, "member")}; promoting a replica needs ${check.promotionVotes} of their votes (a majority of all Sentinels, one per member)`,
      fix: `keep a majority of the members outside ${domain} (e.g. 2 + 2 + 1 over three ${survival.goal}s)${orZone}`,
      placement: true,
    };
  if (check.noLeader)
    return {
      message: `losing ${domain} leaves a quorum (${check.replicasLeft} of ${check.quorum} needed) but no voter to lead it (witnesses and read-only replicas never lead)`,
      fix: `keep a voter outside ${domain} (e.g. turn a witness or read-only replica there into a voter)`,
    };
  // A write every replica acknowledges breaks with any domain that holds one: no count or
  // spread helps, and "add one more" would never end.
  if (allAck)
    return {
      message: `losing ${domain} leaves ${check.replicasLeft} of ${plural(replicas, "replica")}, and every write needs all ${replicas}`,
      fix: `every replica must acknowledge a write, so losing any ${survival.goal} that holds one stops writes whatever the count: acknowledge on a quorum instead (sync: semi-sync, or replication: consensus)${orZone}`,
    };
  if (survival.operatorNeeded !== undefined)
    return { message: survival.operatorNeeded.message, fix: survival.operatorNeeded.fix };
  // Only the write regions' replicas take writes: a count or spread elsewhere does not help.
  if (store?.replication === "multi-leader" && check.replicasLeft < check.quorum)
    return {
      message: `losing ${domain} leaves no replica in a write region (leaders: ${list(store.writeRegions)}), though ${plural(replicas, "replica")} hold the data`,
      fix: `add a region that holds a replica to leaders, or a replica in another ${survival.goal} of a write region${orZone}`,
    };
  // The synchronous standbys must be in the primary's region (CloudNativePG): the count there is
  // what a zone's loss leaves, whatever the regions elsewhere hold.
  if (
    store !== undefined &&
    survival.goal === "zone" &&
    syncInPrimaryRegion(store) &&
    check.replicasLeft < check.quorum
  )
    return {
      message: `losing ${domain} leaves ${plural(check.replicasLeft, "replica")} that may acknowledge a write and a quorum needs ${check.quorum}: this engine's synchronous standbys are those of the primary's region, ${store.leader}`,
      fix: `place at least ${store.quorum.write + 1} replicas in ${store.leader} over as many of its zones (the primary and its synchronous standbys after any zone's loss), or use sync: async`,
      placement: true,
    };
  if (check.replicasLeft >= check.quorum)
    // The write quorum outlives the domain; the reads do not: clients that reach only the
    // primary's region (CloudNativePG's read-write Service) find no instance there, or a read
    // quorum larger than the write one is not left.
    return readsAtPrimary
      ? {
          message: `losing ${domain} leaves ${check.replicasLeft} of ${plural(replicas, "replica")}, but none where clients read: they reach only the primary's region`,
          fix: `keep a voter in the primary's region outside ${domain} (another zone there)${orZone}`,
        }
      : {
          message: `losing ${domain} leaves ${check.replicasLeft} of ${plural(replicas, "replica")}: a write quorum (${check.quorum}) but not a read quorum`,
          fix: `add or spread replicas so a read quorum outlives any one ${survival.goal}, or lower the read quorum${orZone}`,
          placement: true,
        };
  // Consensus below the recommended count (region: 5 over 3 regions, CockroachDB's region goal)
  // survives a region already when its replicas are spread so a majority is outside every region:
  // the same count spread is the smallest fix (3 as 1 + 1 + 1), the recommended one the sturdier.
  const spreadMost = replicas - majorityOf(replicas);
  if (
    majority &&
    allVote &&
    survival.goal === "region" &&
    replicas < survival.minReplicas &&
    spreadMost >= 1
  ) {
    const spreadRegions = Math.ceil(replicas / spreadMost);
    const most = survival.minReplicas - majorityOf(survival.minReplicas);
    return {
      message: `losing ${domain} leaves ${check.replicasLeft} of ${plural(replicas, "replica")} and a quorum needs ${check.quorum}; a majority must stay outside every region: ${replicas} over at least ${plural(spreadRegions, "region")} with at most ${spreadMost} in any one`,
      fix: `spread the ${plural(replicas, "replica")} over at least ${plural(spreadRegions, "region")} with at most ${spreadMost} in any one, or place ${survival.minReplicas} over at least ${domains(survival)} with at most ${most} in any one (CockroachDB's region goal: a zone can fail too after a region is lost)${orZone}`,
      placement: true,
    };
  }
  // A majority grows with the count; a fixed write quorum (primary-replica, leaderless, a
  // stream's minInSync) does not.
  const quorumAtMinimum = majority ? majorityOf(survival.minReplicas) : check.quorum;
  const most = Math.max(1, survival.minReplicas - quorumAtMinimum);
  return {
    message: `losing ${domain} leaves ${check.replicasLeft} of ${plural(replicas, "replica")} and a quorum needs ${check.quorum}; ${survival.goal} survival needs at least ${plural(survival.minReplicas, "replica")} over ${domains(survival)}`,
    fix: `place at least ${plural(survival.minReplicas, "replica")} over at least ${domains(survival)} with at most ${most} in any one ${survival.goal}${orZone}`,
    placement: true,
  };
}

/** `3 regions` for region survival, `3 zones` (one replica each) for zone survival. */
function domains(survival: SurvivalAnalysis): string {
  return survival.goal === "region"
    ? plural(survival.minRegions, "region")
    : plural(survival.minReplicas, "zone");
}

function unknown(path: string): Finding {
  return {
    path,
    status: "unknown",
    message: `the analysis has no survival figures for ${path}`,
    fix: "check that the component's regions are in the catalog",
  };
}
