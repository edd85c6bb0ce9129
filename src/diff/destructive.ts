import { parsePath } from "../diagnostics/diagnostic.js";
import type { EngineId } from "../engines/ids.js";
import type { ComponentKind, ResolvedComponent, ResolvedDatastore } from "../model/types.js";
import type { FieldChange } from "./fields.js";
import { showValue } from "./fields.js";

export interface FieldRuleContext {
  readonly noun: string;
  readonly name: string;
  readonly change: FieldChange;
  readonly before: ResolvedComponent;
  readonly after: ResolvedComponent;
}

/**
 * A field change that loses data, breaks residency or forces a replacement of what holds the data.
 * The table is the documented rule list (docs/policies.md, `destructive-change`); each rule has a
 * test in test/diff/destructive.test.ts.
 */
export interface DestructiveFieldRule {
  /** Stable id of the rule, in JSON (`data.rule`) and in the docs. */
  readonly id: string;
  readonly kinds: readonly ComponentKind[];
  readonly field: RegExp;
  readonly applies: (from: unknown, to: unknown, change: FieldChange, ctx: FieldRuleContext) => boolean;
  readonly message: (ctx: FieldRuleContext) => string;
  readonly fix: (ctx: FieldRuleContext) => string;
}

const num = (value: unknown): number => (typeof value === "number" ? value : 0);
const regionOf = (field: string) => String(parsePath(field)[1] ?? field);

/** Pods a datastore loses in `region`: its replicas there before less after (never below 0). */
function podsRemoved(before: ResolvedComponent, after: ResolvedComponent, region: string): number {
  const count = (c: ResolvedComponent) =>
    c.kind === "datastore" ? (c.placement.find((p) => p.region === region)?.replicas ?? 0) : 0;
  return Math.max(0, count(before) - count(after));
}
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const lessThan = (from: unknown, to: unknown) =>
  typeof from === "number" && typeof to === "number" && to < from;

/** `cockroachdb/cockroach:v24.1.3` → [24, 1, 3]; undefined when the tag is not a version. */
export function versionOf(reference: unknown): number[] | undefined {
  if (typeof reference !== "string") return undefined;
  const withoutDigest = reference.split("@")[0]!;
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  const tag = colon >= 0 ? withoutDigest.slice(colon + 1) : withoutDigest.includes("/") ? "" : withoutDigest;
  const match = /^v?(\d+(?:\.\d+)*)/.exec(tag);
  return match ? match[1]!.split(".").map(Number) : undefined;
}

/** The image without its tag: a different repository is another engine, not an older version. */
const repositoryOf = (reference: string) => {
  const lastSlash = reference.lastIndexOf("/");
  const colon = reference.indexOf(":", lastSlash + 1);
  return (colon >= 0 ? reference.slice(0, colon) : reference).split("@")[0]!;
};

function isDowngrade(from: unknown, to: unknown, field: string): boolean {
  if (field === "deploy.image" && typeof from === "string" && typeof to === "string")
    if (repositoryOf(from) !== repositoryOf(to)) return false;
  const a = versionOf(from);
  const b = versionOf(to);
  if (a === undefined || b === undefined) return false;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return y < x;
  }
  return false;
}

/**
 * Services whose replicas keep what the old primary held after the direction of replication turns:
 * S3 copies objects between buckets and deletes none, so an object not yet copied stays where it was.
 */
const KEEPS_UNSHIPPED_WRITES: ReadonlySet<string> = new Set(["s3"]);

/**
 * Whether moving the primary of this store loses the writes its replicas have not received: only a
 * primary-replica store (a consensus leader move is a lease transfer; a replication-model change has
 * its own rule) whose log ships asynchronously (a synchronous standby holds every acknowledged write).
 */
function losesUnshippedWrites(before: ResolvedDatastore, after: ResolvedDatastore): boolean {
  if (before.replication !== "primary-replica" || after.replication !== "primary-replica") return false;
  if (before.sync === "sync") return false;
  const service = before.deploy.target === "aws" ? before.deploy.service : undefined;
  return service === undefined || !KEEPS_UNSHIPPED_WRITES.has(service);
}

/**
 * Managed services whose global resource lives in one region, `deploy.homeRegion` (@default the
 * leader): a resource cannot change region, so a leader move without homeRegion replaces it.
 */
const HOME_ANCHORED: readonly {
  readonly id: string;
  readonly service: string;
  /** What lives in the home region, as the sentence says it. */
  readonly lives: string;
  readonly replaced: string;
  readonly stays: string;
  /** What to do before the change, if anything. */
  readonly first?: string;
}[] = [
  {
    id: "aurora-home-moved",
    service: "aurora-postgresql",
    lives: "the global cluster and its master secret live",
    replaced: "the protected global cluster",
    stays: "the global cluster and the secret stay where they are",
    first: "switch over first (aws rds switchover-global-cluster, docs/aws.md), and ",
  },
  {
    // Every replica of a global table takes writes: the leader moves nothing DynamoDB knows of.
    id: "dynamodb-home-moved",
    service: "dynamodb",
    lives: "the global table (its replicas are entries of it) lives",
    replaced: "the protected table with every replica",
    stays: "the table stays where it is",
  },
];

function homeMovedRule(home: (typeof HOME_ANCHORED)[number]): DestructiveFieldRule {
  return {
    id: home.id,
    kinds: ["datastore"],
    field: /^leader$/,
    applies: (from, _to, _change, { after }) => {
      const deploy = (after as ResolvedDatastore).deploy;
      return (
        from !== undefined &&
        deploy.target === "aws" &&
        deploy.service === home.service &&
        deploy.homeRegion === undefined
      );
    },
    message: ({ change }) =>
      `leader ${showValue(change.from)} → ${showValue(change.to)} with no deploy.homeRegion: ${home.lives} in the leader's region, and a resource cannot change region, so ${home.replaced} would be replaced`,
    fix: ({ change }) =>
      `${home.first ?? ""}in this change set deploy.homeRegion: ${showValue(change.from)} so ${home.stays}`,
  };
}

/**
 * Engines that hand a node's data over only when told to before it goes (a StatefulSet's
 * scale-down just stops the highest-numbered pods), and what is lost without it.
 */
const DRAINED: Readonly<Partial<Record<EngineId, { title: string; until: string; fix: string }>>> = {
  cockroachdb: {
    title: "CockroachDB",
    until:
      "CockroachDB counts them as dead only after server.time_until_store_dead (5 min) and re-replicates their ranges then; until it has, each range they held runs short of replicas, and removing as many nodes as a range can lose at once (or more) makes those ranges unavailable",
    fix: "decommission the nodes of the pods that go first (`cockroach node decommission <node ids> --host=<a member>`, https://www.cockroachlabs.com/docs/v24.3/node-shutdown?filters=decommission) and wait until it reports them decommissioned; then apply this change",
  },
  cassandra: {
    title: "Cassandra",
    until:
      "Cassandra keeps their token ranges assigned to them, so every range they held has fewer live replicas (QUORUM reads and writes fail where that leaves fewer than a quorum) until `nodetool removenode` and a repair restore the replication factor",
    fix: "run `nodetool decommission` on each pod that goes, one at a time, and wait for it to finish streaming its ranges (https://cassandra.apache.org/doc/4.1/cassandra/managing/operating/topo_changes.html#removing-nodes); then apply this change",
  },
};

/** How a datastore's nodes must be drained before they go, if its declared engine needs it. */
const drainedBy = (store: ResolvedComponent) =>
  store.deploy.target === "kubernetes" && store.deploy.engine !== undefined
    ? DRAINED[store.deploy.engine]
    : undefined;

export const DESTRUCTIVE_FIELD_RULES: readonly DestructiveFieldRule[] = [
  {
    id: "replicas-removed",
    kinds: ["datastore"],
    // A region's count, not its roles (`placement.<region>.witnesses`).
    field: /^placement\.[^.[]+$/,
    applies: (from, to) => num(to) < num(from),
    message: ({ change }) => {
      const lost = num(change.from) - num(change.to);
      return `replicas in ${regionOf(change.field)}: ${num(change.from)} → ${num(change.to)}; scaling the StatefulSet down deletes ${lost} replica${lost === 1 ? "'s" : "s'"} volume${lost === 1 ? "" : "s"} unless the PersistentVolumeClaims are retained`;
    },
    fix: () =>
      "add the new replicas first and let them catch up, then remove these in a separate change (or retain the claims: persistentVolumeClaimRetentionPolicy Retain)",
  },
  {
    id: "etcd-membership-changed",
    kinds: ["datastore"],
    field: /^placement\.[^.[]+$/,
    applies: (from, to, _change, { after }) =>
      num(to) !== num(from) && after.deploy.target === "kubernetes" && after.deploy.engine === "etcd",
    message: ({ change }) =>
      `etcd members in ${regionOf(change.field)}: ${num(change.from)} → ${num(change.to)}; the compiled members start with --initial-cluster-state=new and a fixed --initial-cluster, so an added member computes another cluster ID and is refused by the running cluster (it never turns ready), and a removed one stays in the member list, counting against the quorum`,
    fix: () =>
      "change the membership at run time first, one member at a time (https://etcd.io/docs/v3.5/op-guide/runtime-configuration/): `etcdctl member add` before the new pod starts (with --initial-cluster-state=existing), `etcdctl member remove` before a pod goes; then apply this change",
  },
  {
    id: "decommission-skipped",
    kinds: ["datastore"],
    field: /^placement\.[^.[]+$/,
    applies: (from, to, _change, { before }) => num(to) < num(from) && drainedBy(before) !== undefined,
    message: ({ change, before }) => {
      const drain = drainedBy(before)!;
      const lost = num(change.from) - num(change.to);
      return `${drain.title} nodes in ${regionOf(change.field)}: ${num(change.from)} → ${num(change.to)}; the StatefulSet stops its ${plural(lost, "highest-numbered pod")} without draining ${lost === 1 ? "it" : "them"}: ${drain.until}`;
    },
    fix: ({ before }) => drainedBy(before)!.fix,
  },
  {
    id: "brokers-removed",
    kinds: ["stream"],
    field: /^replicas$/,
    applies: (from, to) => num(to) < num(from),
    message: ({ change }) =>
      `replicas per region: ${num(change.from)} → ${num(change.to)}; scaling the brokers down deletes ${plural(num(change.from) - num(change.to), "broker volume")} in every region unless the PersistentVolumeClaims are retained`,
    fix: () => "reassign the partitions off the brokers first, then scale down in a separate change",
  },
  {
    id: "stream-region-removed",
    kinds: ["stream"],
    field: /^regions$/,
    applies: (_from, _to, change) => (change.removed ?? []).length > 0,
    message: ({ change }) =>
      `the stream's cluster in ${(change.removed ?? []).join(", ")} would be deleted with its retained messages`,
    fix: () => "drain the cluster (let consumers catch up, mirror what must stay) before removing the region",
  },
  {
    id: "retention-shortened",
    kinds: ["stream"],
    field: /^retentionHours$/,
    applies: lessThan,
    message: ({ change }) =>
      `retention ${num(change.from)} h → ${num(change.to)} h: messages older than ${num(change.to)} h are deleted at the next log cleanup (log.retention.ms), and consumers or replays that need them lose them`,
    fix: ({ change }) =>
      `keep retentionHours: ${num(change.from)} until no consumer or replay needs older messages (check the consumer lag), then shorten it deliberately`,
  },
  {
    id: "stream-partitions-reduced",
    kinds: ["stream"],
    field: /^partitions$/,
    applies: lessThan,
    // Kafka's admin API only adds partitions (CreatePartitions). Strimzi's topic operator refuses a
    // lower count ("Decreasing partitions not supported", the KafkaTopic turns NotReady); MSK's
    // num.partitions is only the default of topics created later. Nothing is lost: nothing changes,
    // while the spec, and every figure from it, says the lower count.
    message: ({ change, after }) =>
      `partitions ${num(change.from)} → ${num(change.to)}: Kafka cannot remove partitions from a topic (its admin API only adds them), so the topic keeps ${num(change.from)}: ${
        after.deploy.target === "aws"
          ? "MSK's num.partitions is only the default for topics created later"
          : after.deploy.target === "kubernetes"
            ? 'Strimzi\'s topic operator refuses the change and the KafkaTopic stays NotReady ("Decreasing partitions not supported")'
            : "the cluster's owner cannot apply it either"
      }, while the analysis and the plan assume ${num(change.to)}`,
    fix: () =>
      "keep the partition count, or create a new stream with fewer partitions, move producers, and retire the old one after consumers drain it",
  },
  {
    id: "datastore-partitions-reduced",
    kinds: ["datastore"],
    field: /^partitions\.count$/,
    applies: lessThan,
    message: ({ change }) =>
      `partitions ${num(change.from)} → ${num(change.to)}: merging partitions re-shards every item (hash placement changes with the count), a bulk data migration`,
    fix: () =>
      "keep partitions.count, or create a new datastore with the new count and migrate the data into it",
  },
  {
    id: "partitioning-changed",
    kinds: ["datastore"],
    field: /^partitions\.(key|strategy)$/,
    applies: () => true,
    message: ({ change, before }) =>
      `${change.field === "partitions.key" ? "partition key" : "partition strategy"} ${showValue(change.from)} → ${showValue(change.to)} on an existing datastore re-shards every item (${plural((before as ResolvedDatastore).partitions.count, "partition")})`,
    fix: () => "create a new datastore with the new partitioning and migrate the data into it",
  },
  {
    id: "volume-shrunk",
    kinds: ["datastore", "stream"],
    field: /^deploy\.storageGi$/,
    applies: lessThan,
    message: ({ change }) =>
      `volume size ${num(change.from)} → ${num(change.to)} GiB: volumes cannot shrink, so the volumes would have to be replaced`,
    fix: ({ change }) =>
      `keep storageGi: ${num(change.from)}, or migrate to a new component with smaller volumes`,
  },
  {
    id: "storage-class-changed",
    kinds: ["datastore", "stream"],
    field: /^deploy\.storageClass$/,
    applies: (_from, _to, _change, ctx) => ctx.after.deploy.target === "kubernetes",
    message: ({ change }) =>
      `storage class ${showValue(change.from)} → ${showValue(change.to)}: the StatefulSet's volumeClaimTemplates are immutable, so it would be deleted and recreated; existing claims keep the old class and new replicas start empty`,
    fix: () =>
      "keep the storage class; to move, add a new component on the new class, replicate the data to it, then remove the old one",
  },
  {
    id: "engine-downgraded",
    kinds: ["datastore", "stream"],
    field: /^deploy\.(image|engineVersion)$/,
    applies: (from, to, change) => isDowngrade(from, to, change.field),
    message: ({ change }) =>
      `engine version ${showValue(change.from)} → ${showValue(change.to)} is a downgrade: data files written by the newer version may not be readable by the older one (CockroachDB, PostgreSQL/Aurora and Kafka support upgrades, not in-place downgrades once finalized)`,
    fix: ({ change }) =>
      `keep ${showValue(change.from)}; to go back, restore a backup taken before the upgrade into a new component`,
  },
  {
    id: "residency-changed",
    kinds: ["datastore", "stream"],
    field: /^residency$/,
    applies: (from, to) => {
      const before = list(from);
      const after = list(to);
      return before.length > 0 && (after.length === 0 || before.some((j) => !after.includes(j)));
    },
    message: ({ change }) => {
      const after = list(change.to);
      return after.length === 0
        ? `residency ${list(change.from).join(", ")} removed: the data collected under it may now be stored and processed anywhere`
        : `residency ${list(change.from).join(", ")} → ${after.join(", ")}: data held under ${list(change.from).join(", ")} residency would be allowed (and with the placement, moved) outside it`;
    },
    fix: () =>
      "keep the residency for the existing data; put data under the new jurisdiction in a new component, or get the legal basis for the transfer first",
  },
  {
    id: "backup-removed",
    kinds: ["datastore"],
    field: /^backup\.regions$/,
    applies: (_from, _to, change) => (change.removed ?? []).length > 0,
    message: ({ change }) =>
      `backups in ${(change.removed ?? []).join(", ")} removed: no new backups are taken there and the backup resources (with the backups in them) leave the plan`,
    fix: () =>
      "keep the backup region until a replacement backup has run and its retention covers the old one; export the backups you must keep",
  },
  {
    id: "pinned-zones-changed",
    kinds: ["datastore"],
    field: /^zones[.[]/,
    // With fewer pods than zones each pod has a zone of its own (src/model/resolve.ts podZones): a
    // scale-down drops the zones of the pods it deletes, which `replicas-removed` reports.
    applies: (_from, _to, change, { before, after }) =>
      (change.removed ?? []).length > podsRemoved(before, after, regionOf(change.field)),
    message: ({ change }) =>
      `zones in ${regionOf(change.field)}: ${(change.removed ?? []).join(", ")} removed; replicas there are rescheduled to other zones, and their zonal volumes cannot follow, so they are rebuilt from peers (quorum is thinner until they catch up)`,
    fix: () =>
      "add the new zones first and let replicas move one at a time (a rolling change), then drop the old zones",
  },
  {
    id: "replication-changed",
    kinds: ["datastore"],
    field: /^replication$/,
    applies: () => true,
    message: ({ change }) =>
      `replication model ${showValue(change.from)} → ${showValue(change.to)}: the cluster would be replaced and its data must be migrated`,
    fix: () => "create a new datastore with the new replication model and migrate the data into it",
  },
  {
    id: "primary-moved",
    kinds: ["datastore"],
    field: /^leader$/,
    applies: (from, _to, _change, { before, after }) =>
      from !== undefined && losesUnshippedWrites(before as ResolvedDatastore, after as ResolvedDatastore),
    message: ({ change, before }) =>
      `primary ${showValue(change.from)} → ${showValue(change.to)} with ${(before as ResolvedDatastore).sync} replication: the replica in ${showValue(change.to)} is promoted with what it has received, so writes ${showValue(change.from)} acknowledged but had not shipped yet (up to the replication lag) are lost, and ${showValue(change.from)} must be rebuilt as a replica`,
    fix: ({ change }) =>
      `move the primary by a planned switchover: stop writes to ${showValue(change.from)} (or fence it), wait until the replication lag to ${showValue(change.to)} is zero, then apply this change`,
  },
  ...HOME_ANCHORED.map(homeMovedRule),
  {
    id: "deploy-target-changed",
    kinds: ["datastore", "stream"],
    field: /^deploy\.(target|service)$/,
    applies: (from) => from !== undefined,
    message: ({ change }) =>
      `${change.field === "deploy.target" ? "deploy target" : "deploy service"} ${showValue(change.from)} → ${showValue(change.to)}: the resources holding the data would be deleted and empty ones created`,
    fix: () => "add the new deployment as a new component, migrate the data, then remove the old one",
  },
];
