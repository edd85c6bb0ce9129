/**
 * The RPO and RTO objectives through the loss of the leader's region, judged once for `check`'s
 * SLO list (slo.ts), the replication-lag-slo rule, the PR comment's SLO table and `solve`.
 */
import { list } from "../report/words.js";
import type { DatastoreAnalysis, FailoverAnalysis } from "./types.js";

export type RecoveryObjective = "rpoSeconds" | "rtoSeconds";

export interface RecoveryVerdict {
  readonly objective: RecoveryObjective;
  readonly target: number;
  /** The figure the objective is held to, s; none where no recovery holds through the loss. */
  readonly actual?: number;
  /** The prediction for a table cell. */
  readonly predicted: string;
  /**
   * Why it is broken (absent when met): every copy of the data in one region, the replication lag,
   * writes stopping until a region returns, or a failover slower than the target.
   */
  readonly cause?: "one-region" | "lag" | "stop" | "slow";
  /** The breach in words, absent when met. */
  readonly message?: string;
}

const WORD: Readonly<Record<RecoveryObjective, string>> = { rpoSeconds: "RPO", rtoSeconds: "RTO" };

const seconds = (value: number) => `${+value.toFixed(3)} s`;

/** The verdict on each RPO / RTO objective the store declares, RPO first. */
export function recoveryVerdicts(
  ds: Pick<DatastoreAnalysis, "leader" | "replication" | "failover" | "slo">,
): RecoveryVerdict[] {
  const out: RecoveryVerdict[] = [];
  for (const objective of ["rpoSeconds", "rtoSeconds"] as const) {
    const target = ds.slo?.[objective];
    if (target === undefined) continue;
    const one = ds.failover.allDataIn;
    if (one !== undefined) {
      const where =
        one.witnessRegions.length === 0
          ? `every replica is in ${one.region}`
          : `every copy of the data is in ${one.region} (${list(one.witnessRegions)} hold${one.witnessRegions.length === 1 ? "s" : ""} witnesses only)`;
      out.push({
        objective,
        target,
        predicted: "none: every copy in one region",
        cause: "one-region",
        message: `${where}: losing ${one.region} stops writes until it returns, and losing its storage loses every write, so no ${target} s ${WORD[objective]} holds through a region's loss`,
      });
    } else out.push(objective === "rpoSeconds" ? rpo(ds, target) : rto(ds.failover, ds.leader, target));
  }
  return out;
}

function rpo(
  ds: Pick<DatastoreAnalysis, "leader" | "replication" | "failover">,
  target: number,
): RecoveryVerdict {
  const actual = ds.failover.rpoSeconds;
  const verdict = { objective: "rpoSeconds", target, actual, predicted: seconds(actual) } as const;
  if (actual <= target) return verdict;
  return {
    ...verdict,
    cause: "lag",
    message: `losing ${ds.leader} loses up to ${seconds(actual)} of acknowledged writes (${ds.failover.rpoBecause ?? ds.replication}: the replication lag p99 to the replica that takes over), above the ${target} s RPO`,
  };
}

function rto(failover: FailoverAnalysis, leader: string, target: number): RecoveryVerdict {
  const stop = failover.writesStop;
  if (stop !== undefined)
    return {
      objective: "rtoSeconds",
      target,
      predicted: `none: writes stop until ${stop.region} returns`,
      cause: "stop",
      message: `losing ${stop.region} leaves ${STOP_TEXT[stop.reason]} outside it: writes stop until it returns, so no ${target} s RTO holds through its loss`,
    };
  const actual = failover.rtoSeconds;
  const verdict = { objective: "rtoSeconds", target, actual, predicted: seconds(actual) } as const;
  if (actual <= target) return verdict;
  return {
    ...verdict,
    cause: "slow",
    message:
      failover.operatorBecause === undefined
        ? `${failover.mode} failover resumes writes after ${actual} s, above the ${target} s RTO; source: ${failover.source}`
        : `losing ${leader} stops writes until an operator promotes a replica elsewhere, after about ${actual} s (${failover.source}), above the ${target} s RTO: ${failover.operatorBecause}`,
  };
}

const STOP_TEXT: Readonly<Record<NonNullable<FailoverAnalysis["writesStop"]>["reason"], string>> = {
  quorum: "no write quorum",
  leader: "no replica allowed to lead",
  votes: "fewer than a majority of all members (the votes a promotion needs)",
};
