import { z } from "zod";
import {
  Bytes,
  Chaos,
  Count,
  DatastoreSlo,
  Jurisdiction,
  Observability,
  PerSecond,
  RegionCode,
} from "./common.js";
import { Deploy } from "./deploy.js";

export const REPLICATION_MODELS = ["consensus", "primary-replica", "multi-leader", "leaderless"] as const;
export const CONSISTENCY_LEVELS = ["strong", "bounded-staleness", "session", "eventual"] as const;

export const Partitions = z.strictObject({
  count: Count.default(1).meta({ description: "Number of partitions (shards/ranges). @default 1" }),
  key: z
    .string()
    .optional()
    .meta({ description: "Partition key attribute, for documentation and compilers." }),
  strategy: z.enum(["hash", "range", "geo"]).default("hash").meta({
    description:
      "hash/range: every partition has the datastore's leader region; geo: partition leaders are spread over the placement regions in proportion to `users`. @default hash",
  }),
});

const RoleCount = z.int().nonnegative();

/**
 * Replicas of one region by role (Spanner's read-write / read-only / witness replicas, CockroachDB's
 * voting and non-voting replicas). Quorums count voters and witnesses; witnesses hold no readable
 * data and never lead; read-only replicas serve stale and follower reads and never vote.
 */
export const RolePlacement = z
  .strictObject({
    voters: RoleCount.default(0).meta({
      description: "Voting replicas that hold data and may lead. @default 0",
    }),
    readOnly: RoleCount.default(0).meta({
      description: "Non-voting replicas: serve stale/follower reads, never vote or lead. @default 0",
    }),
    witnesses: RoleCount.default(0).meta({
      description: "Vote in quorums but hold no readable data and never lead. @default 0",
    }),
  })
  .meta({ description: "Replicas of one region by role." });

/** A placement entry: a count (that many voters) or replicas by role. */
export const PlacementEntry = z.union([Count, RolePlacement]);

export const Placement = z
  .union([
    z.record(RegionCode, PlacementEntry).meta({
      description:
        "Replicas per region: a count (voters) or `{ voters, readOnly, witnesses }`; the totals add up to `replicas`.",
    }),
    z.literal("auto").meta({
      description:
        "Let the planner choose regions allowed by `residency`, nearest to `users`, that meet `survive`.",
    }),
  ])
  .meta({ description: 'Where the replicas of every partition live: `{ "eu-west-1": 2, ... }` or "auto".' });

export const Traffic = z.strictObject({
  readsPerSec: PerSecond.default(0).meta({
    description: "Reads per second, all partitions together. @default 0",
  }),
  writesPerSec: PerSecond.default(0).meta({
    description: "Writes per second, all partitions together. @default 0",
  }),
  itemBytes: Bytes.default(1024).meta({ description: "Average bytes written per write. @default 1024" }),
});

export const Failover = z.strictObject({
  mode: z.enum(["automatic", "manual"]).meta({
    description:
      "automatic: the system elects/promotes a new leader itself; manual: an operator promotes (e.g. Aurora global detach-and-promote).",
  }),
  rtoSeconds: z.number().positive().optional().meta({
    description: "Time until writes resume after the leader's loss, s. @default per model/service",
  }),
});

export const LeaderlessQuorum = z.strictObject({
  read: Count.meta({ description: "R: replicas that answer a read." }),
  write: Count.meta({ description: "W: replicas that acknowledge a write." }),
});

export const Datastore = z
  .strictObject({
    description: z.string().optional(),
    replication: z.enum(REPLICATION_MODELS).meta({ description: "Replication model." }),
    consistency: z.enum(CONSISTENCY_LEVELS).optional().meta({
      description: "Read consistency clients get. @default strong for consensus, eventual otherwise",
    }),
    partitions: Partitions.default({ count: 1, strategy: "hash" }),
    replicas: Count.meta({
      description: "Replicas of every partition, all roles together (voters + readOnly + witnesses).",
    }),
    placement: Placement,
    zones: z.record(RegionCode, z.array(z.string()).min(1)).optional().meta({
      description:
        "Zones per region the replicas use (and the pods are held to). @default the region's first three zones (two where accounts may use only two); every zone of a site under `regions`",
    }),
    leader: RegionCode.optional().meta({
      description:
        "Preferred leader/primary region (leaseholder preference). @default the region with most replicas, then most users",
    }),
    leaderRegions: z.array(RegionCode).min(1).optional().meta({
      description:
        "Regions the leader is kept in, in order (CockroachDB lease preferences, Spanner leader options): after failures the leader is re-elected there while one of their voters lives, else in any region with a voter, as those engines do. @default every region with a voter",
    }),
    failover: Failover.optional().meta({
      description:
        "How a lost leader/primary is replaced. @default per replication model and managed service (docs/model.md)",
    }),
    leaders: z.array(RegionCode).min(1).optional().meta({
      description: "multi-leader only: regions that accept writes. @default every placement region",
    }),
    sync: z.enum(["sync", "semi-sync", "async"]).default("async").meta({
      description: "primary-replica only: how the primary ships the log. @default async",
    }),
    quorum: LeaderlessQuorum.optional().meta({
      description: "leaderless only: R and W. @default majority of `replicas` for both",
    }),
    survive: z.enum(["zone", "region"]).default("zone").meta({
      description: "Failure the datastore must stay available through. @default zone",
    }),
    residency: z.array(Jurisdiction).min(1).optional().meta({
      description: "Jurisdictions the data may be stored and processed in. @default unrestricted",
    }),
    backup: z
      .strictObject({
        regions: z.array(RegionCode).min(1).meta({ description: "Regions holding backups." }),
      })
      .optional(),
    traffic: Traffic.optional(),
    slo: DatastoreSlo.optional(),
    deploy: Deploy.default({ target: "external" }),
    observability: Observability.optional(),
    chaos: Chaos.optional(),
  })
  .meta({ description: "A replicated, partitioned datastore." });
