import { ms } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/**
 * The leader decides every write's latency: a leader far from the writers costs each write the
 * round trip to it. Proposes the eligible region that minimises demand-weighted write latency.
 */
export const leaderPlacement: Rule = {
  id: "leader-placement",
  title: "The leader sits where writes are fastest",
  severity: "warning",
  usesAnalysis: true,
  settings: {
    threshold: {
      default: 0.2,
      description:
        "Propose a move when the declared leader's demand-weighted write p50 is worse than the best eligible one by more than this fraction.",
    },
    minDifferenceMs: {
      default: 5,
      description:
        "Propose a move only when the difference is also at least this many ms (estimate: smaller ones, e.g. 2 ms against 1 ms in one metro, are within the commit tail's noise).",
      min: 0,
    },
  },
  docs: {
    why: "A single-leader store's write latency is RTT(writer, leader) + the quorum commit from the leader; the latency floor is the minimum over the regions allowed to lead (`leaderRegions`, or every region with a voter).",
    how: "For leader-based datastores with two or more eligible leader regions, the analysis computes the demand-weighted write p50 with the leader in each (`leaderOptions`); the rule fires when the declared leader is worse than the best by more than `leader-placement.threshold` (default 20%) and by at least `leader-placement.minDifferenceMs` (default 5 ms, an estimate: smaller differences are within the commit tail's noise).",
    fix: "Set `leader` (CockroachDB lease preferences, Spanner default leader) to the proposed region, or move writers nearer the leader.",
  },
  check(model, analysis, settings) {
    const threshold = Number(settings.threshold);
    const minDifferenceMs = Number(settings.minDifferenceMs);
    const findings: Finding[] = [];
    for (const store of model.datastores) {
      const options = analysis.datastores.find((d) => d.name === store.name)?.leaderOptions;
      const best = options?.[0];
      const current = options?.find((o) => o.region === store.leader);
      if (best === undefined || current === undefined || best.region === store.leader) continue;
      if (current.writeP50Ms <= best.writeP50Ms * (1 + threshold)) continue;
      // A relative threshold alone fires on 2 ms against 1 ms: a move that buys nothing measurable.
      if (current.writeP50Ms - best.writeP50Ms < minDifferenceMs) continue;
      findings.push({
        path: `${store.path}.leader`,
        message: `writes to ${store.path} average ${ms(current.writeP50Ms)} (p50, demand-weighted) with the leader in ${store.leader}, ${ms(best.writeP50Ms)} with it in ${best.region}`,
        fix: `set ${store.path}.leader: "${best.region}"`,
        data: {
          leader: store.leader,
          writeP50Ms: current.writeP50Ms,
          proposed: best.region,
          proposedWriteP50Ms: best.writeP50Ms,
        },
      });
    }
    return findings;
  },
};
