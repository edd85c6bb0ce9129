import { z } from "zod";
import {
  Bytes,
  Chaos,
  ComponentName,
  Count,
  Jurisdiction,
  Observability,
  PerSecond,
  RegionCode,
  StreamSlo,
} from "./common.js";
import { Deploy } from "./deploy.js";

export const DELIVERY_GUARANTEES = ["at-most-once", "at-least-once", "exactly-once"] as const;

export const Stream = z
  .strictObject({
    description: z.string().optional(),
    regions: z.array(RegionCode).min(1).optional().meta({
      description:
        "Regions with a cluster of this stream; each region's cluster replicates across its zones. @default the producers' regions",
    }),
    partitions: Count.meta({ description: "Partitions per region." }),
    key: z.string().min(1).optional().meta({
      description:
        "The record key producers set (e.g. cardId), when records are keyed: Kafka keeps one key's records in one partition, in order, by hash(key) mod partitions, so adding partitions moves most keys (diff says so). @default unkeyed",
    }),
    replicas: Count.default(3).meta({ description: "Replication factor. @default 3" }),
    minInSync: Count.default(2).meta({ description: "min.insync.replicas for acks=all. @default 2" }),
    delivery: z.enum(DELIVERY_GUARANTEES).default("at-least-once").meta({
      description: "Delivery guarantee end to end. @default at-least-once",
    }),
    idempotentProducers: z.boolean().default(false).meta({
      description: "Producers use enable.idempotence. @default false",
    }),
    transactions: z.boolean().default(false).meta({
      description: "Producers and consumers use transactions (read_committed). @default false",
    }),
    uncleanLeaderElection: z.boolean().default(false).meta({
      description:
        "unclean.leader.election.enable: an out-of-sync replica may become leader (loses acknowledged records). @default false",
    }),
    commitIntervalMs: z.number().nonnegative().optional().meta({
      description:
        "Consumer/transaction commit interval (Kafka Streams commit.interval.ms: 100 with exactly-once, 30000 otherwise). @default 100 for exactly-once, else 0 (not waited for)",
    }),
    mirrorRegions: z.array(RegionCode).min(1).optional().meta({
      description:
        "Regions whose clusters receive a mirrored copy (MirrorMaker 2 / MSK Replicator). @default none",
    }),
    producers: z.array(ComponentName).default([]).meta({ description: "Services that write to the stream." }),
    consumers: z
      .array(ComponentName)
      .default([])
      .meta({ description: "Services that read from the stream." }),
    traffic: z
      .strictObject({
        messagesPerSec: PerSecond.meta({ description: "Messages per second over all regions." }),
        messageBytes: Bytes.default(1024).meta({ description: "Average message size. @default 1024" }),
      })
      .optional(),
    retentionHours: z
      .number()
      .positive()
      .default(168)
      .meta({ description: "Retention. @default 168 (7 days)" }),
    residency: z.array(Jurisdiction).min(1).optional(),
    slo: StreamSlo.optional(),
    deploy: Deploy.default({ target: "external" }),
    observability: Observability.optional(),
    chaos: Chaos.optional(),
  })
  .meta({ description: "A partitioned, replicated log (Kafka-like)." });
