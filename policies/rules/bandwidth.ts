import type { ResolvedStream } from "../../src/model/types.js";
import { list, num, percent, utilisation as share } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/**
 * Replication must fit the links with room to spare: lag grows as 1/(1−ρ) and is unbounded at ρ ≥ 1,
 * so a link that is 90% busy in the average is saturated at the peak.
 */
export const bandwidth: Rule = {
  id: "bandwidth",
  title: "Replication traffic leaves headroom on every inter-region link",
  severity: "error",
  usesAnalysis: true,
  settings: {
    headroom: {
      default: 0.7,
      description: "Highest acceptable utilisation of a declared link (0–1).",
      min: 0.01,
      max: 1,
    },
  },
  docs: {
    why: "Replication lag grows as 1/(1−ρ) with link utilisation ρ and is unbounded at ρ ≥ 1; a link run near capacity turns every traffic peak into replication lag and stale reads.",
    how: "For each directed inter-region link with a declared `bandwidthMbps`, utilisation = replication Mbit/s (every component together, from the analysis) / capacity must not exceed `bandwidth.headroom` (default 0.7). A multi-region datastore or stream without `traffic` figures makes the check `unknown` for the links it would use.",
    fix: "Raise the link's `bandwidthMbps`, move replicas so less data crosses the link, or relax `bandwidth.headroom` if the link is dedicated.",
  },
  check(model, analysis, settings) {
    const headroom = Number(settings.headroom);
    const findings: Finding[] = [];
    for (const load of analysis.links) {
      if (load.capacityMbps === undefined || load.linkIndex === undefined) continue;
      const utilisation = load.utilisation ?? load.mbps / load.capacityMbps;
      if (utilisation <= headroom) continue;
      const top = [...load.contributors].sort((a, b) => b.mbps - a.mbps).slice(0, 3);
      const needed = Math.ceil(load.mbps / headroom);
      // Voting followers behind a saturated link never catch up: they leave the commit quorum.
      const excluded =
        utilisation >= 1
          ? analysis.datastores.filter(
              (d) =>
                (d.effectiveLeader ?? d.leader) === load.from &&
                d.commitExcludes?.some((c) => c.region === load.to),
            )
          : [];
      const quorumNote =
        excluded.length > 0
          ? `; ${load.to}'s voters leave the commit quorum of ${list(excluded.map((d) => d.name))} (commit now waits for the next-nearest voter)`
          : "";
      findings.push({
        path: `network.links[${load.linkIndex}]`,
        message: `${load.from} → ${load.to} carries ${num(load.mbps)} Mbit/s of replication, ${share(utilisation)} of its ${num(load.capacityMbps)} Mbit/s, above bandwidth.headroom (${percent(headroom)})${utilisation >= 1 ? ": the backlog grows without bound" : ""}${quorumNote}; largest: ${list(top.map((c) => `${c.component} ${num(c.mbps)} Mbit/s`))}`,
        fix: `raise network.links[${load.linkIndex}].bandwidthMbps to at least ${needed}, or move replicas of ${top[0]?.component ?? "the largest contributor"} so less data crosses ${load.from} → ${load.to}`,
        data: { from: load.from, to: load.to, mbps: load.mbps, capacityMbps: load.capacityMbps, utilisation },
      });
    }
    const declared = model.links.filter((link) => link.bandwidthMbps !== undefined);
    const joins = (link: (typeof declared)[number], [a, b]: readonly [string, string]) =>
      (link.between[0] === a && link.between[1] === b) || (link.between[0] === b && link.between[1] === a);
    for (const component of [...model.datastores, ...model.streams]) {
      if (component.traffic !== undefined) continue;
      // A datastore replicates among its regions; a stream's clusters only to its mirror regions.
      const pairs = component.kind === "stream" ? mirrorPairs(component) : everyPair(component.regions);
      const links = declared.filter((link) => pairs.some((pair) => joins(link, pair)));
      if (links.length === 0) continue;
      const what =
        component.kind === "stream"
          ? `mirrors ${list(pairs.map(([a, b]) => `${a} → ${b}`))}`
          : `replicates across ${list([...component.regions])}`;
      findings.push({
        path: `${component.path}.traffic`,
        status: "unknown",
        message: `${component.path} ${what} but declares no traffic; the load on ${list(links.map((l) => `network.links[${l.index}]`))} cannot be checked`,
        fix:
          component.kind === "datastore"
            ? `add ${component.path}.traffic: { writesPerSec, itemBytes }`
            : `add ${component.path}.traffic: { messagesPerSec, messageBytes }`,
      });
    }
    return findings;
  },
};

const everyPair = (regions: readonly string[]): [string, string][] =>
  regions.flatMap((a, i) => regions.slice(i + 1).map((b): [string, string] => [a, b]));

/** Each region's cluster copies its records to every mirror region (src/analysis/streams.ts). */
const mirrorPairs = (stream: ResolvedStream): [string, string][] =>
  stream.regions.flatMap((region) =>
    stream.mirrorRegions.filter((m) => m !== region).map((m): [string, string] => [region, m]),
  );
