import { streamStorage } from "../../../policies/rules/stream-storage.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { describeRule } from "../harness.js";

/** 1,000 msg/s × 1,000 B = 1 MB/s into one region, kept 24 h, 12 partitions. */
const stream = (deploy: Record<string, unknown>, extra: Record<string, unknown> = {}): TopologyInput =>
  ({
    name: "events",
    users: { "eu-west-1": 1 },
    streams: {
      clicks: {
        partitions: 12,
        regions: ["eu-west-1"],
        replicas: 3,
        minInSync: 2,
        traffic: { messagesPerSec: 1000, messageBytes: 1000 },
        retentionHours: 24,
        deploy,
        ...extra,
      },
    },
  }) as unknown as TopologyInput;

describeRule(streamStorage, {
  compliant: [
    {
      // 86.4 GB (80.5 GiB) retained + 12 open 1 GiB segments on a 200 GiB volume: 46%.
      name: "a Kafka stream whose brokers hold the retention",
      spec: stream({ target: "kubernetes", engine: "kafka", storageGi: 200 }),
    },
    { name: "a stream run elsewhere", spec: stream({ target: "external" }, { retentionHours: 10_000 }) },
    {
      name: "a stream without traffic figures",
      spec: stream({ target: "kubernetes", engine: "kafka" }, { traffic: undefined, retentionHours: 10_000 }),
    },
  ],
  noncompliant: [
    {
      name: "the default 100 GiB volume under a day of 1 MB/s",
      spec: stream({ target: "kubernetes", engine: "kafka" }),
      expect: [
        {
          path: "streams.clicks.deploy.storageGi",
          message:
            "clicks in eu-west-1: each of the 3 brokers retains about 92 GiB (1 MB/s into the cluster × 3 replicas ÷ 3 brokers × 24 h, plus an open segment per partition), 92.5% of its 100 GiB volume (at most 85%): the volume is full after about 26 h, and a broker whose log directory is full stops serving its partitions",
          fix: "set streams.clicks.deploy.storageGi to at least 109, or retentionHours to at most 21",
        },
      ],
    },
    {
      // MSK over 3 zones: 3 brokers share 2 replicas, so each holds two thirds of the intake.
      name: "MSK brokers sharing the replicas",
      spec: stream(
        { target: "aws", service: "msk", storageGi: 50 },
        { replicas: 2, minInSync: 1, retentionHours: 48 },
      ),
      expect: [
        {
          path: "streams.clicks.deploy.storageGi",
          message:
            "clicks in eu-west-1: each of the 3 brokers retains about 115 GiB (1 MB/s into the cluster × 2 replicas ÷ 3 brokers × 48 h, plus an open segment per partition), 230.6% of its 50 GiB volume (at most 85%): the volume is full after about 19 h, and a broker whose log directory is full stops serving its partitions",
          fix: "set streams.clicks.deploy.storageGi to at least 136, or retentionHours to at most 15",
        },
      ],
    },
  ],
});
