import { networkView } from "../../src/analysis/network.js";
import { clusterIntake } from "../../src/analysis/streams.js";
import { MSK_STORAGE_GI } from "../../src/compile/aws/msk.js";
import { mskBrokers } from "../../src/model/msk-clusters.js";
import type { Model, ResolvedStream } from "../../src/model/types.js";
import { list, num, percent, utilisation } from "../lib.js";
import type { Finding, Rule } from "../types.js";

const GIB = 1024 ** 3;
/**
 * Kafka's defaults for when a segment closes (https://kafka.apache.org/documentation/#topicconfigs:
 * segment.bytes 1 GiB, segment.ms 7 days; neither is set by topoplan, on Strimzi or MSK): retention
 * deletes closed segments only, so each partition keeps its open segment on top of the retention.
 */
const SEGMENT_BYTES = GIB;
const SEGMENT_SECONDS = 7 * 24 * 3600;

/** The volume of each broker (GiB) and how many brokers of the region share the replicas. */
function brokers(model: Model, stream: ResolvedStream, region: string): { volumeGi: number; count: number } {
  const { deploy } = stream;
  if (deploy.target === "aws") {
    const count =
      mskBrokers(model.catalog, stream).find((b) => b.region === region)?.brokers ?? stream.replicas;
    return { volumeGi: deploy.storageGi ?? MSK_STORAGE_GI, count };
  }
  // Kubernetes: `replicas` brokers per region, each holding a replica of every partition.
  return { volumeGi: deploy.target === "kubernetes" ? deploy.storageGi : 0, count: stream.replicas };
}

/** A broker's log directory holds the stream's retention: a full one goes offline and the broker stops taking writes. */
export const streamStorage: Rule = {
  id: "stream-storage",
  title: "Broker volumes hold the stream's retention",
  severity: "error",
  settings: {
    fill: {
      default: 0.85,
      description:
        "Largest share of a broker volume the retained log may fill (Amazon MSK's best practices alarm on KafkaDataLogsDiskUsed at 85%).",
      min: 0.1,
      max: 1,
    },
  },
  docs: {
    why: "Kafka deletes records only when they pass the retention: a stream that takes more bytes over its retention than its brokers' volumes hold fills them, and a broker whose log directory is full takes it offline and stops serving its partitions (KIP-112). Every broker of a region fills at about the same time, so the whole cluster stops.",
    how: "For each region's cluster of a stream with `traffic` that topoplan runs (Kubernetes, MSK): bytes written there (its producers' share, routed as the analysis routes produces, plus what mirrors copy in) × replicas ÷ brokers × retentionHours, plus one open segment per partition replica on the broker (segment.bytes 1 GiB, or what a partition takes in segment.ms 7 days), must stay within `stream-storage.fill` (default 0.85) of deploy.storageGi (Kubernetes @default 100, MSK @default 1000).",
    fix: "Raise deploy.storageGi, or shorten retentionHours; on MSK, more brokers spread the replicas.",
  },
  check(model, _analysis, settings) {
    const fill = Number(settings.fill);
    const findings: Finding[] = [];
    const net = networkView(model, []);
    for (const stream of model.streams) {
      if (stream.traffic === undefined || stream.deploy.target === "external") continue;
      // Without failures every cluster takes produces.
      const intake = clusterIntake(model, stream, stream.regions, net);
      // Regions whose brokers fill alike are one finding.
      const alike = new Map<
        string,
        { regions: string[]; finding: Omit<Finding, "message"> & { text: string } }
      >();
      for (const [region, bytesPerSec] of [...intake].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const { volumeGi, count } = brokers(model, stream, region);
        if (volumeGi === 0 || bytesPerSec <= 0) continue;
        const perBroker = (bytesPerSec * stream.replicas) / count;
        const partitionsOnBroker = (stream.partitions * stream.replicas) / count;
        const openSegments =
          partitionsOnBroker * Math.min(SEGMENT_BYTES, (bytesPerSec / stream.partitions) * SEGMENT_SECONDS);
        const retained = perBroker * stream.retentionHours * 3600 + openSegments;
        const capacity = volumeGi * GIB;
        if (retained <= fill * capacity) continue;
        const neededGi = Math.ceil(retained / fill / GIB);
        const hoursToFull = Math.max(0, capacity - openSegments) / perBroker / 3600;
        const maxHours = Math.floor((fill * capacity - openSegments) / perBroker / 3600);
        const text = `each of the ${count} brokers retains about ${Math.round(retained / GIB)} GiB (${num(bytesPerSec / 1e6)} MB/s into the cluster × ${stream.replicas} replicas ÷ ${count} brokers × ${num(stream.retentionHours)} h, plus an open segment per partition), ${utilisation(retained / capacity)} of its ${volumeGi} GiB volume (at most ${percent(fill)}): the volume is full after about ${Math.round(hoursToFull)} h, and a broker whose log directory is full stops serving its partitions`;
        const entry = alike.get(text);
        if (entry !== undefined) {
          entry.regions.push(region);
          continue;
        }
        alike.set(text, {
          regions: [region],
          finding: {
            path: `${stream.path}.deploy.storageGi`,
            text,
            fix:
              maxHours >= 1
                ? `set ${stream.path}.deploy.storageGi to at least ${neededGi}, or retentionHours to at most ${maxHours}`
                : `set ${stream.path}.deploy.storageGi to at least ${neededGi}`,
            data: { retainedGi: retained / GIB, volumeGi, brokers: count, neededGi },
          },
        });
      }
      for (const { regions, finding } of alike.values()) {
        const { text, ...rest } = finding;
        findings.push({
          ...rest,
          message: `${stream.name} in ${list(regions)}: ${text}`,
          data: { ...rest.data, regions },
        });
      }
    }
    return findings;
  },
};
