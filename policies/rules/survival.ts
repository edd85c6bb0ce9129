import type { SurvivalAnalysis } from "../../src/analysis/types.js";
import { datastoreAnalysis, plural, streamAnalysis } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/** The declared survival goal (`survive: zone | region`) holds: a quorum outlives the worst single failure. */
export const survival: Rule = {
  id: "survival",
  title: "Datastores and streams survive the failure they declare",
  severity: "error",
  usesAnalysis: true,
  docs: {
    why: "`survive: region` is a promise that losing any one region keeps the data available; a placement that loses quorum with one region breaks it at the worst moment.",
    how: "For the declared goal, the analysis removes each zone (or region) in turn and counts the replicas left; the goal holds iff a quorum is left after the worst one. Zone survival needs 3 voters; region survival 5 voters over at least 3 regions (CockroachDB's rule).",
    fix: "Add replicas or spread them so no single zone/region holds enough to break the quorum, or lower the goal to `survive: zone`. A synchronous primary-replica store (every replica acknowledges each write) survives no domain's loss whatever its count: acknowledge on a quorum instead (`sync: semi-sync`, or consensus).",
  },
  check(model, analysis) {
    const findings: Finding[] = [];
    // `allAck`: a write needs every replica (synchronous primary-replica), so no count or spread helps.
    const judge = (
      path: string,
      survival: SurvivalAnalysis,
      replicas: number,
      field: string,
      allAck = false,
    ) => {
      if (survival.meetsGoal) return;
      const check = survival.goal === "region" ? survival.region : survival.zone;
      const domain = check.worstDomain ?? `one ${survival.goal}`;
      findings.push({
        path: `${path}.${field}`,
        message: check.noLeader
          ? `survive: ${survival.goal} does not hold: losing ${domain} leaves a quorum (${check.replicasLeft} of ${check.quorum} needed) but no voter to lead it (witnesses and read-only replicas never lead)`
          : allAck
            ? `survive: ${survival.goal} does not hold: losing ${domain} leaves ${check.replicasLeft} of ${plural(replicas, "replica")}, and every write needs all ${replicas}`
            : `survive: ${survival.goal} does not hold: losing ${domain} leaves ${check.replicasLeft} of ${plural(replicas, "replica")} and a quorum needs ${check.quorum}; ${survival.goal} survival needs at least ${plural(survival.minReplicas, "replica")} over ${domains(survival)}`,
        // A write every replica acknowledges breaks with any domain that holds one: no count or
        // spread helps, and "add one more" would never end.
        fix: check.noLeader
          ? `keep a voter outside ${domain} (e.g. turn a witness or read-only replica there into a voter)`
          : allAck
            ? `every replica must acknowledge a write, so losing any ${survival.goal} that holds one stops writes whatever the count: acknowledge on a quorum instead (sync: semi-sync, or replication: consensus)${survival.goal === "region" ? ", or set survive: zone" : ""}`
            : `place at least ${plural(survival.minReplicas, "replica")} over at least ${domains(survival)} with at most ${survival.minReplicas - (Math.floor(survival.minReplicas / 2) + 1)} in any one ${survival.goal}${survival.goal === "region" ? ", or set survive: zone" : ""}`,
        data: {
          goal: survival.goal,
          worstDomain: check.worstDomain,
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
      const allAck = store.replication === "primary-replica" && store.sync === "sync";
      judge(store.path, figures.survival, store.replicas, "placement", allAck);
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
