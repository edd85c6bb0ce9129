import { exactlyOnce } from "../../../policies/rules/exactly-once.js";
import { describeRule } from "../harness.js";

/** An exactly-once stream in eu-west-1 that MirrorMaker 2 copies to eu-central-1, read by `consumers`. */
const mirroredOrders = (consumers: string[]) => ({
  partitions: 12,
  regions: ["eu-west-1"],
  mirrorRegions: ["eu-central-1"],
  delivery: "exactly-once" as const,
  idempotentProducers: true,
  transactions: true,
  replicas: 3,
  minInSync: 2,
  producers: ["shop"],
  consumers,
  deploy: { target: "kubernetes" as const, engine: "kafka" as const },
});

describeRule(exactlyOnce, {
  compliant: [
    {
      name: "idempotent, transactional, 3 replicas, minInSync 2",
      spec: {
        name: "events",
        streams: {
          payments: {
            partitions: 12,
            regions: ["eu-west-1"],
            delivery: "exactly-once",
            idempotentProducers: true,
            transactions: true,
            replicas: 3,
            minInSync: 2,
          },
          clicks: { partitions: 12, regions: ["eu-west-1"], replicas: 1, minInSync: 1 },
        },
      },
    },
    {
      name: "a processor between two streams run elsewhere (deploy: external), which may share a cluster",
      spec: {
        name: "events",
        streams: {
          raw: { partitions: 12, regions: ["eu-west-1"], replicas: 3, minInSync: 2, producers: ["ingest"] },
          scored: {
            partitions: 12,
            regions: ["eu-west-1"],
            delivery: "exactly-once",
            idempotentProducers: true,
            transactions: true,
            replicas: 3,
            minInSync: 2,
            producers: ["scorer"],
          },
        },
        services: {
          ingest: { regions: ["eu-west-1"] },
          scorer: { regions: ["eu-west-1"], calls: [{ to: "raw", op: "consume", timeoutMs: 1000 }] },
        },
      },
    },
    {
      name: "a mirrored exactly-once stream read only in its own region",
      spec: {
        name: "events",
        streams: {
          orders: mirroredOrders(["billing"]),
        },
        services: { shop: { regions: ["eu-west-1"] }, billing: { regions: ["eu-west-1"] } },
      },
    },
  ],
  noncompliant: [
    {
      name: "exactly-once declared, nothing configured",
      spec: {
        name: "events",
        streams: {
          payments: {
            partitions: 12,
            regions: ["eu-west-1"],
            delivery: "exactly-once",
            replicas: 2,
            minInSync: 1,
          },
        },
      },
      expect: [
        {
          path: "streams.payments.delivery",
          message:
            "exactly-once delivery needs idempotent producers (idempotentProducers is false), transactions (transactions is false), replicas ≥ 3 (has 2) and minInSync ≥ 2 (has 1)",
          fix: "set idempotentProducers: true, transactions: true, replicas: 3, minInSync: 2 on streams.payments, or declare delivery: at-least-once with idempotent consumers",
        },
      ],
    },
    {
      name: "a processor reads one stream into another: two Kafka clusters, no transaction spans them",
      spec: {
        name: "events",
        streams: {
          raw: {
            partitions: 12,
            regions: ["eu-west-1"],
            replicas: 3,
            minInSync: 2,
            producers: ["ingest"],
            deploy: { target: "kubernetes", engine: "kafka" },
          },
          scored: {
            partitions: 12,
            regions: ["eu-west-1"],
            delivery: "exactly-once",
            idempotentProducers: true,
            transactions: true,
            replicas: 3,
            minInSync: 2,
            producers: ["scorer"],
          },
        },
        services: {
          ingest: { regions: ["eu-west-1"] },
          // Consumes by its call's op, produces as listed on the stream.
          scorer: { regions: ["eu-west-1"], calls: [{ to: "raw", op: "consume", timeoutMs: 1000 }] },
        },
      },
      expect: [
        {
          path: "streams.scored.delivery",
          message:
            "scorer reads raw and writes scored, each its own Kafka cluster (topoplan compiles one per stream): a Kafka transaction commits the offsets read and the records written in one cluster only, and Kafka Streams talks to one cluster, so after a failure scorer reads again and writes some records to scored twice",
          fix: "declare delivery: at-least-once on streams.scored and make its consumers idempotent (dedupe by a key scorer carries over)",
        },
      ],
    },
    {
      name: "a consumer reads an exactly-once stream in a mirror region, copied at least once",
      spec: {
        name: "events",
        streams: {
          orders: mirroredOrders(["analytics", "billing"]),
        },
        services: {
          shop: { regions: ["eu-west-1"] },
          billing: { regions: ["eu-west-1"] },
          analytics: { regions: ["eu-central-1", "eu-west-1"] },
        },
      },
      expect: [
        {
          path: "streams.orders.delivery",
          message:
            "analytics (in eu-central-1) reads orders where MirrorMaker 2 copies its records from the other regions, at least once: the compiled MirrorMaker 2 runs without exactly.once.source.support (KIP-618) and reads the source read_uncommitted, so records of aborted transactions are copied and a restart copies some records again",
          fix: "declare delivery: at-least-once on streams.orders and make its consumers idempotent, or read it in the stream's own regions only (not eu-central-1)",
        },
      ],
    },
    {
      // On MSK a pod in a region without a cluster reads the nearest (eu-west-1 from
      // eu-central-1), where MSK Replicator writes us-east-1's records into the same topic.
      name: "an MSK consumer away from every cluster reads the nearest, a Replicator's target",
      spec: {
        name: "events",
        streams: {
          orders: {
            ...mirroredOrders(["analytics"]),
            regions: ["eu-west-1", "us-east-1"],
            mirrorRegions: ["eu-west-1"],
            deploy: { target: "aws" as const, service: "msk" as const },
          },
        },
        services: {
          shop: { regions: ["eu-west-1"] },
          analytics: { regions: ["eu-central-1"] },
        },
      },
      expect: [
        {
          path: "streams.orders.delivery",
          message:
            "analytics (in eu-west-1) reads orders where MSK Replicator copies its records from the other regions, at least once: MSK Replicator documents no exactly-once delivery",
        },
      ],
    },
  ],
});
