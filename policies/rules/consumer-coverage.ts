import { clientCluster, holdsRecordsOf } from "../../src/analysis/destinations.js";
import { modelIndex } from "../../src/model/model-index.js";
import { list, producingIntoMirror } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/**
 * Each consumer of a stream in several regions reads every cluster's records: its pods read one
 * cluster each, and a cluster's records are also in the mirror regions it is copied to.
 */
export const consumerCoverage: Rule = {
  id: "consumer-coverage",
  title: "Every consumer reads every cluster's records",
  severity: "error",
  docs: {
    why: "A stream in several regions runs a cluster in each, and each takes the produces of the producers in its region (on MSK, also of those nearest to it). A consumer's pod reads one cluster: its region's, or a mirror region's, which holds every source's records (on MSK, from a region without one, the nearest stream region's). Records produced into a cluster that none of a consumer's pods read, and that no mirror copies into one they read, are never consumed by it: the pipeline silently drops them for that consumer (the analysis counts no reads of them and gives the stream no end-to-end figure).",
    how: "For each stream topoplan runs (Kubernetes, MSK) and each consumer service: the clusters its pods read (as the compiled bootstraps point: src/analysis/destinations.ts clientCluster) must hold, between them, the records of every cluster its producers' pods write to (every stream region without declared producers; a Kubernetes producer's pods in a mirror-only region are cluster-reach's to report) — that cluster itself, or a mirror region it is copied to where consumers read the copy (destinations.ts holdsRecordsOf: on Kubernetes not a stream region, where MirrorMaker 2 keeps copies apart for failing over).",
    fix: "Run the consumer in the regions whose records it misses too, or mirror them into a region where it reads (`mirrorRegions`).",
  },
  check(model) {
    const findings: Finding[] = [];
    const index = modelIndex(model);
    for (const stream of model.streams) {
      if (stream.deploy.target === "external") continue;
      // The clusters `services`' pods use for `op`; a producer's pods in a mirror-only region are
      // cluster-reach's to report (producingIntoMirror), not counted here.
      const clusters = (services: readonly string[], op: "read" | "write") => {
        const found = new Set<string>();
        for (const name of services) {
          const service = index.service(name);
          if (service === undefined) continue;
          const skipped = op === "write" ? producingIntoMirror(stream, service) : [];
          for (const region of service.regions) {
            const cluster = skipped.includes(region)
              ? undefined
              : clientCluster(model, stream, region, op, service);
            if (cluster !== undefined) found.add(cluster);
          }
        }
        return found;
      };
      // Without declared producers, any stream region may take produces (as the analysis assumes).
      const written =
        stream.producers.length === 0 ? [...stream.regions] : [...clusters(stream.producers, "write")].sort();
      stream.consumers.forEach((consumer, i) => {
        const read = [...clusters([consumer], "read")].sort();
        if (read.length === 0) return;
        const missed = written.filter(
          (source) => !read.some((cluster) => holdsRecordsOf(stream, cluster, source)),
        );
        if (missed.length === 0) return;
        const service = index.service(consumer);
        findings.push({
          path: `${stream.path}.consumers[${i}]`,
          message: `${consumer} reads ${stream.name} from its cluster${read.length > 1 ? "s" : ""} in ${list(read)} only, which no mirror fills from ${list(missed)}: the records produced into ${list(missed)} never reach ${consumer}`,
          fix: `run ${service?.path ?? consumer} in ${list(missed)} too, or add ${list(read)} to ${stream.path}.mirrorRegions (each stream region's records are copied into every mirror region; on Kubernetes a stream region keeps the copies apart, in \`<source>.${stream.name}\`, for failing over)`,
          data: { reads: read, missed },
        });
      });
    }
    return findings;
  },
};
