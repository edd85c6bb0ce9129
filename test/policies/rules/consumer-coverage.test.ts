import { consumerCoverage } from "../../../policies/rules/consumer-coverage.js";
import { describeRule } from "../harness.js";

/**
 * `events` in eu-west-1 and us-east-1, `feed` producing to it from both regions and `sink`
 * consuming it from `sinkRegions`; `stream` changes the stream (its deploy, its mirrors).
 */
const pipeline = (sinkRegions: string[], stream: Record<string, unknown> = {}) => ({
  name: "shop",
  users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
  streams: {
    events: {
      regions: ["eu-west-1", "us-east-1"],
      partitions: 6,
      replicas: 3,
      minInSync: 2,
      producers: ["feed"],
      consumers: ["sink"],
      deploy: { target: "kubernetes" as const, engine: "kafka" as const },
      ...stream,
    },
  },
  services: {
    feed: {
      regions: ["eu-west-1", "us-east-1"],
      calls: [{ to: "events", op: "produce" as const, timeoutMs: 500 }],
      deploy: { target: "kubernetes" as const, image: "ghcr.io/acme/feed:1.0.0", port: 8080 },
    },
    sink: {
      regions: sinkRegions,
      calls: [{ to: "events", op: "consume" as const, timeoutMs: 500 }],
      deploy: { target: "kubernetes" as const, image: "ghcr.io/acme/sink:1.0.0", port: 8080 },
    },
  },
});
const MSK = { deploy: { target: "aws", service: "msk" } };

describeRule(consumerCoverage, {
  compliant: [
    { name: "a consumer in every region that takes produces", spec: pipeline(["eu-west-1", "us-east-1"]) },
    {
      // MSK Replicator copies each stream region's records into every other mirror region, in
      // the same topic.
      name: "on MSK, a consumer in one region, which mirrors the other's records",
      spec: pipeline(["eu-west-1"], { mirrorRegions: ["eu-west-1"], ...MSK }),
    },
    {
      // A mirror region's cluster holds every stream region's records.
      name: "a consumer in a mirror region only",
      spec: pipeline(["eu-north-1"], { mirrorRegions: ["eu-north-1"] }),
    },
    { name: "on MSK, a consumer in both regions", spec: pipeline(["eu-west-1", "us-east-1"], MSK) },
    {
      // Not topoplan's pods: it has no compiled bootstrap, and the analysis sends its produces to
      // the nearest stream region (eu-west-1), which sink reads.
      name: "an external producer in a mirror-only region",
      spec: {
        ...pipeline(["eu-west-1", "us-east-1"], { mirrorRegions: ["eu-north-1"] }),
        services: {
          ...pipeline(["eu-west-1", "us-east-1"]).services,
          feed: {
            ...pipeline([]).services.feed,
            regions: ["eu-north-1"],
            deploy: { target: "external" as const },
          },
        },
      },
    },
    {
      // On Kubernetes its pods' bootstrap is the mirror's: cluster-reach refuses that producer.
      name: "a producer in a mirror-only region (cluster-reach's)",
      spec: {
        ...pipeline(["eu-west-1", "us-east-1"], { mirrorRegions: ["eu-north-1"] }),
        services: {
          ...pipeline(["eu-west-1", "us-east-1"]).services,
          feed: { ...pipeline([]).services.feed, regions: ["eu-north-1", "eu-west-1"] },
        },
      },
    },
  ],
  noncompliant: [
    {
      name: "a consumer in one of two regions, without a mirror",
      spec: pipeline(["eu-west-1"]),
      expect: [
        {
          path: "streams.events.consumers[0]",
          message:
            "sink reads events from its cluster in eu-west-1 only, which no mirror fills from us-east-1: the records produced into us-east-1 never reach sink",
          fix: "run services.sink in us-east-1 too, or add eu-west-1 to streams.events.mirrorRegions (each stream region's records are copied into every mirror region; on Kubernetes a stream region keeps the copies apart, in `<source>.events`, for failing over)",
        },
      ],
    },
    {
      // MirrorMaker 2 writes `us-east-1.events` in a stream region, read only when failing over.
      name: "on Kubernetes, a consumer in one region that receives the other's copies",
      spec: pipeline(["eu-west-1"], { mirrorRegions: ["eu-west-1"] }),
      expect: [
        {
          path: "streams.events.consumers[0]",
          message:
            "sink reads events from its cluster in eu-west-1 only, which no mirror fills from us-east-1: the records produced into us-east-1 never reach sink",
        },
      ],
    },
    {
      // On MSK a pod in a region without a cluster reads the nearest one (eu-west-1 from
      // eu-central-1); feed's pods in us-east-1 write to us-east-1's.
      name: "on MSK, a consumer away from every cluster reads only the nearest",
      spec: pipeline(["eu-central-1"], MSK),
      expect: [
        {
          path: "streams.events.consumers[0]",
          message:
            "sink reads events from its cluster in eu-west-1 only, which no mirror fills from us-east-1: the records produced into us-east-1 never reach sink",
        },
      ],
    },
  ],
});
