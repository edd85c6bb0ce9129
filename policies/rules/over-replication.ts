import { datastoreAnalysis, list, plural, streamAnalysis, usd } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/** Replicas beyond what the survival goal and read locality need cost money and slow quorums down. */
export const overReplication: Rule = {
  id: "over-replication",
  title: "No replicas beyond what survival and read locality need",
  severity: "warning",
  usesAnalysis: true,
  settings: {
    slack: { default: 0, description: "Extra replicas tolerated above the need before the rule fires." },
    minUserShare: {
      default: 0.05,
      description: "Share of demand (0–1) from which a region counts as needing a local replica for reads.",
    },
  },
  docs: {
    why: "Every replica costs storage, compute and cross-region egress, and a larger quorum waits for more acknowledgements.",
    how: "Need = the larger of the replicas the survival goal requires (zone: 3, region: 5, from the analysis) and the number of placement regions with at least `over-replication.minUserShare` of demand (one local replica each for reads). Replicas above need + `over-replication.slack` are reported with their monthly cost (the analysis' replica cost, pro rata). Streams need max(survival, minInSync + 1).",
    fix: "Lower `replicas` to the need (and drop the placement entries that only add copies), or suppress with the reason (e.g. extra read capacity).",
  },
  check(model, analysis, settings) {
    const slack = Number(settings.slack);
    const minShare = Number(settings.minUserShare);
    const findings: Finding[] = [];
    for (const store of model.datastores) {
      const figures = datastoreAnalysis(analysis, store.name);
      if (figures === undefined) continue;
      const local = store.regions.filter(
        (region) => (model.users.find((u) => u.region === region)?.share ?? 0) >= minShare,
      );
      const survivalNeed = figures.survival.minReplicas;
      const need = Math.max(survivalNeed, local.length);
      const extra = store.replicas - need;
      if (extra <= slack) continue;
      const cost = (figures.costUsdPerMonth.replicas / store.replicas) * extra;
      findings.push({
        path: `${store.path}.replicas`,
        message: `${plural(store.replicas, "replica")} where ${store.survive} survival needs ${survivalNeed} and read locality ${plural(local.length, "region")}${local.length > 0 ? ` (${list(local)})` : ""}; the ${extra} extra cost about ${usd(cost)}/month`,
        fix: `set replicas: ${need} and remove ${extra} from the placement`,
        data: { replicas: store.replicas, need, extra, usdPerMonth: cost },
      });
    }
    for (const stream of model.streams) {
      const figures = streamAnalysis(analysis, stream.name);
      if (figures === undefined) continue;
      const need = Math.max(figures.survival.minReplicas, stream.minInSync + 1);
      const extra = stream.replicas - need;
      if (extra <= slack) continue;
      const cost = (figures.costUsdPerMonth.replicas / stream.replicas) * extra;
      findings.push({
        path: `${stream.path}.replicas`,
        message: `${plural(stream.replicas, "replica")} where survival needs ${figures.survival.minReplicas} and minInSync ${stream.minInSync} needs ${stream.minInSync + 1}; the ${extra} extra cost about ${usd(cost)}/month`,
        fix: `set replicas: ${need}`,
        data: { replicas: stream.replicas, need, extra, usdPerMonth: cost },
      });
    }
    return findings;
  },
};
