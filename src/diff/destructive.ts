import type { Catalog } from "../catalog/catalog.js";
import { AURORA_ENGINE_VERSION } from "../compile/aws/aurora.js";
import { MSK_KAFKA_VERSION } from "../compile/aws/msk.js";
import { formatPath, parsePath } from "../diagnostics/diagnostic.js";
import type { EngineId } from "../engines/ids.js";
import { kafkaVersionOf } from "../engines/kafka.js";
import { memberSets } from "../engines/members.js";
import { engineOf } from "../engines/registry.js";
import { mskBrokers } from "../model/msk-clusters.js";
import type { ComponentKind, ResolvedComponent, ResolvedDatastore, ResolvedDeploy } from "../model/types.js";
import type { FieldChange } from "./fields.js";
import { showValue } from "./fields.js";

export interface FieldRuleContext {
  readonly noun: string;
  readonly name: string;
  readonly change: FieldChange;
  readonly before: ResolvedComponent;
  readonly after: ResolvedComponent;
  /** Each side's catalog (what a region's zones are: MSK's brokers come in multiples of them). */
  readonly catalogs: { readonly before: Catalog; readonly after: Catalog };
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

/** The engine version a component runs as compiled, and what it is read from. */
interface RunningVersion {
  readonly version: number[];
  /** The image's repository: another repository is another engine, not an older version. */
  readonly repository?: string;
  /** `16.6 (the default)`, `Kafka 4.1.0 (quay.io/strimzi/kafka:1.2.0-kafka-4.1.0)`. */
  readonly text: string;
}

/** AWS services' engine versions when the spec names none (what src/compile/aws compiles). */
const AWS_DEFAULT_VERSIONS: Readonly<Record<string, string>> = {
  "aurora-postgresql": AURORA_ENGINE_VERSION,
  msk: MSK_KAFKA_VERSION,
};

/**
 * The version a component's engine runs: on Kubernetes its image's (declared or the engine's
 * default; a Strimzi image's is the Kafka version after `-kafka-`, what the Kafka CR asks for, not
 * Strimzi's own), on AWS the declared or default `engineVersion`.
 */
function runningVersion(component: ResolvedComponent): RunningVersion | undefined {
  const deploy = component.kind === "service" ? undefined : component.deploy;
  if (deploy === undefined) return undefined;
  if (deploy.target === "kubernetes") {
    const kafka = kafkaVersionOf(deploy.image);
    const version = versionOf(kafka ?? deploy.image);
    if (version === undefined) return undefined;
    return {
      version,
      repository: repositoryOf(deploy.image),
      text: kafka === undefined ? deploy.image : `Kafka ${kafka} (${deploy.image})`,
    };
  }
  if (deploy.target !== "aws") return undefined;
  const declared = (deploy as { engineVersion?: string }).engineVersion;
  const text = declared ?? AWS_DEFAULT_VERSIONS[deploy.service];
  const version = versionOf(text);
  return version === undefined || text === undefined
    ? undefined
    : { version, text: declared === undefined ? `${text} (the default)` : text };
}

function isDowngrade(before: RunningVersion | undefined, after: RunningVersion | undefined): boolean {
  if (before === undefined || after === undefined || before.repository !== after.repository) return false;
  const [a, b] = [before.version, after.version];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return y < x;
  }
  return false;
}

/**
 * Services whose primary a `leader` change does not promote, each with why nothing is lost: S3
 * copies objects between buckets and deletes none, so an object not yet copied stays where it was;
 * an Aurora global database's primary moves by RDS's own switchover before the spec follows it
 * (docs/aws.md: it waits until the secondary has caught up), and the deploy touches no cluster.
 */
const KEEPS_UNSHIPPED_WRITES: ReadonlySet<string> = new Set(["s3", "aurora-postgresql"]);

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
const DRAINED: Readonly<
  Partial<Record<EngineId, { engine: EngineId; title: string; until: string; fix: string }>>
> = {
  cockroachdb: {
    engine: "cockroachdb",
    title: "CockroachDB",
    until:
      "CockroachDB counts them as dead only after server.time_until_store_dead (5 min) and re-replicates their ranges then; until it has, each range they held runs short of replicas, and removing as many nodes as a range can lose at once (or more) makes those ranges unavailable",
    fix: "decommission the nodes of the pods that go first (`cockroach node decommission <node ids> --host=<a member>`, https://www.cockroachlabs.com/docs/v24.3/node-shutdown?filters=decommission) and wait until it reports them decommissioned; then apply this change",
  },
  cassandra: {
    engine: "cassandra",
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

/**
 * What removing `n` brokers per region does, by what runs them. Strimzi refuses to remove brokers
 * that still hold partition replicas (its scale-down check reverts the change: Streams for Apache
 * Kafka 2.7 release notes, "Improved broker scale-down handling") and keeps their claims
 * (deleteClaim: false, src/engines/kafka.ts); MSK removes only brokers with no partitions on them
 * (MSK developer guide, "Remove a broker from an Amazon MSK cluster"); a StatefulSet topoplan
 * compiles stops the pods and keeps their claims (Retain), so their replicas go offline.
 */
function brokersGo(ctx: FieldRuleContext, n: number): string {
  const stream = ctx.before;
  const brokers = plural(n, "broker");
  const { deploy } = stream;
  const msk = mskBrokerCounts(ctx);
  if (msk !== undefined) {
    const fewer = msk.filter((c) => c.after < c.before);
    const counts = fewer.map((c) => `${c.before} → ${c.after} in ${c.region}`).join(", ");
    return `MSK brokers ${counts} (a multiple of each cluster's zones): MSK removes a broker only once no partition replica is left on it; with replicas there the update fails`;
  }
  if (deploy.target === "kubernetes" && deploy.engine === "kafka")
    return `Strimzi will not remove ${brokers} per region that still hold partition replicas (its scale-down check reverts the change and the reconciliation says why); their claims are kept (deleteClaim: false)`;
  if (deploy.target === "kubernetes")
    return `the StatefulSets stop ${brokers} per region; ${n === 1 ? "its claim is" : "their claims are"} kept (Retain), but the partition replicas on ${n === 1 ? "it go" : "them go"} offline and the partitions run under-replicated until reassigned`;
  return `whoever runs the cluster removes ${brokers} per region, with the partition replicas on ${n === 1 ? "it" : "them"}`;
}

/**
 * The share of keys, in percent, whose partition changes from `from` to `to` partitions (hash mod
 * the count, hashes uniform): counted over one period, lcm(from, to); undefined past a million.
 */
function keysMoved(from: number, to: number): number | undefined {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const period = (from / gcd(from, to)) * to;
  if (!Number.isFinite(period) || period > 1_000_000) return undefined;
  let same = 0;
  for (let h = 0; h < period; h++) if (h % from === h % to) same++;
  return Math.round((100 * (period - same)) / period);
}

/** An MSK stream's brokers per cluster on each side (src/model/msk-clusters.ts); undefined elsewhere. */
function mskBrokerCounts({ before, after, catalogs }: FieldRuleContext) {
  if (before.kind !== "stream" || after.kind !== "stream") return undefined;
  const onMsk = (s: ResolvedComponent) => s.deploy.target === "aws" && s.deploy.service === "msk";
  if (!onMsk(before) || !onMsk(after)) return undefined;
  const now = new Map(mskBrokers(catalogs.after, after).map((c) => [c.region, c.brokers]));
  return mskBrokers(catalogs.before, before).map((c) => ({
    region: c.region,
    before: c.brokers,
    after: now.get(c.region) ?? 0,
  }));
}

/** Whether fewer replicas remove brokers: on MSK only where a cluster's multiple of its zones drops. */
const removesBrokers = (ctx: FieldRuleContext) =>
  mskBrokerCounts(ctx)?.some((c) => c.after < c.before) ?? true;

/** What more replicas do to the brokers, in the words of what runs them. */
function brokersAdded(ctx: FieldRuleContext): string {
  const msk = mskBrokerCounts(ctx);
  if (msk === undefined || msk.some((c) => c.after > c.before)) return "the brokers are added";
  return `MSK keeps ${[...new Set(msk.map((c) => c.before))].join(" or ")} brokers per cluster (a multiple of its zones: none is added)`;
}

/** Why a stream's existing topics keep their replication factor, in the words of what runs them. */
function replicationStays(stream: ResolvedComponent): string {
  const { deploy } = stream;
  if (deploy.target === "aws") return "MSK's default.replication.factor applies only to topics created later";
  if (deploy.target === "kubernetes" && deploy.engine === "kafka")
    return 'Strimzi\'s Topic Operator refuses a replication-factor change without Cruise Control ("Replication factor change not supported") and the KafkaTopic turns NotReady';
  return "Kafka changes a topic's replication factor only by reassigning its partitions";
}

/** One region's replicas before and after a change, as the replica rules word it. */
interface RegionReplicas {
  readonly region: string;
  readonly from: number;
  readonly to: number;
  readonly before: ResolvedDatastore;
  readonly after: ResolvedDatastore;
}

/** Zones of one region that a change removes, and the ones it keeps. */
interface RegionZones {
  readonly region: string;
  readonly removed: readonly string[];
  readonly kept: readonly string[];
  readonly before: ResolvedDatastore;
  readonly after: ResolvedDatastore;
}

/** What a change does to the data (after `replicas in R: a → b; `) and how to make it safely. */
interface Consequence {
  readonly message: string;
  readonly fix: string;
}

/**
 * What fewer replicas, or fewer zones, in one region do to a datastore's data, in the words of
 * what runs it: a StatefulSet topoplan compiles, an operator's custom resource, an AWS service, or
 * someone else (`external`). The mechanisms differ, so the explanations must.
 */
interface ReplicaHolder {
  /** Fewer replicas in a region that keeps at least one. */
  readonly fewer: (change: RegionReplicas) => Consequence;
  /** The region's last replicas removed. */
  readonly regionRemoved: (change: RegionReplicas) => Consequence;
  /** Zones of a region removed while the region keeps replicas. */
  readonly zonesRemoved: (change: RegionZones) => Consequence;
}

const them = (n: number, one: string, many: string) => (n === 1 ? one : many);
const zoneList = (zones: readonly string[]) => zones.join(", ");

// The StatefulSets topoplan compiles (src/compile/kubernetes/workloads.ts statefulSetResource) set
// persistentVolumeClaimRetentionPolicy { whenDeleted: Retain, whenScaled: Retain } and are
// `protect` + `retainOnDelete`: no scale-down or removal deletes a volume.
const STATEFULSET: ReplicaHolder = {
  fewer: ({ from, to }) => {
    const lost = from - to;
    return {
      message: `the StatefulSet stops its ${plural(lost, "highest-numbered pod")}; ${them(lost, "its claim is", "their claims are")} kept (persistentVolumeClaimRetentionPolicy: Retain), so ${them(lost, "the volume stays and is", "the volumes stay and are")} billed until deleted by hand, but the data on ${them(lost, "it", "them")} is no longer a replica: it receives no writes once ${them(lost, "the pod stops", "the pods stop")}`,
      fix: `add the new replicas first and let them catch up, then remove these in a separate change; once nothing needs ${them(lost, "its", "their")} data, delete the kept ${them(lost, "claim", "claims")} of the stopped ${them(lost, "pod", "pods")} (\`data-<statefulset>-<ordinal>\`): ${them(lost, "it keeps", "they keep")} costing, and a later scale-up would start a pod on its stale volume`,
    };
  },
  regionRemoved: ({ region, from }) => ({
    message: `the StatefulSets in ${region} leave the plan, but they are protected and kept on delete (retainOnDelete): pulumi up refuses to delete them and, once they are unprotected, forgets them without deleting them, so ${them(from, "its pod keeps", `their ${from} pods keep`)} running and ${them(from, "its claim keeps its volume", "their claims keep their volumes")}, billed, outside what topoplan plans and analyses until deleted by hand`,
    fix: `add the replacement replicas elsewhere first and let them catch up; once nothing needs the data in ${region}, delete its StatefulSets and their PersistentVolumeClaims by hand (Pulumi only forgets them)`,
  }),
  zonesRemoved: ({ removed, kept }) => ({
    message: `the pods in ${zoneList(removed)} must move to ${zoneList(kept)}, but their volumes are zonal and cannot follow: each comes back only on a new, empty volume in a kept zone and is rebuilt from peers (the quorum is thinner until it catches up), while its old claim is kept (Retain) and its volume billed until deleted by hand`,
    fix: "add the new zones first, then move the replicas one at a time (delete the pod and its claim in a zone that goes, and let the new one catch up before the next), then drop the old zones",
  }),
};

/**
 * Engines whose StatefulSets are one per zone (CockroachDB and Cassandra read a pod's zone from
 * its StatefulSet: src/engines/cockroachdb.ts, cassandra.ts `memberSets(store, "zone")`).
 */
const PER_ZONE_STATEFULSETS: ReadonlySet<EngineId> = new Set(["cockroachdb", "cassandra"]);

/** A per-zone engine's StatefulSets in `region` the change removes whole, and those left with fewer pods. */
function zoneSetsChanged(before: ResolvedDatastore, after: ResolvedDatastore, region: string) {
  const sets = (store: ResolvedDatastore) =>
    new Map(
      memberSets(store, "zone")
        .filter((set) => set.region === region)
        .map((set) => [set.statefulSet, set.members.length]),
    );
  const was = sets(before);
  const now = sets(after);
  const gone = [...was].filter(([name]) => !now.has(name));
  const fewer = [...was].flatMap(([name, pods]) => {
    const left = now.get(name);
    return left !== undefined && left < pods ? [{ name, lost: pods - left }] : [];
  });
  return { gone: gone.map(([name, pods]) => ({ name, pods })), fewer };
}

/** What happens to a per-zone engine's StatefulSets that leave the plan (protected, kept on delete). */
function setsLeave(gone: readonly { name: string; pods: number }[]): string {
  const pods = gone.reduce((sum, set) => sum + set.pods, 0);
  const names = gone.map((set) => set.name).join(", ");
  return `${them(gone.length, "the StatefulSet", "the StatefulSets")} ${names} ${them(gone.length, "leaves", "leave")} the plan, but ${them(gone.length, "it is", "they are")} protected and kept on delete (retainOnDelete): pulumi up refuses to delete ${them(gone.length, "it", "them")} and, once unprotected, forgets ${them(gone.length, "it", "them")} without deleting: ${them(pods, "its pod keeps", `their ${pods} pods keep`)} running as ${them(pods, "a member", "members")} of the cluster, outside what topoplan plans and analyses, ${them(pods, "its claim keeping its volume", "their claims keeping their volumes")}, billed`;
}

/** What fewer pods per zone StatefulSet, or fewer StatefulSets, do: each named. */
function perZoneSetsGo(before: ResolvedDatastore, after: ResolvedDatastore, region: string): string {
  const { gone, fewer } = zoneSetsChanged(before, after, region);
  return [
    ...(gone.length > 0 ? [setsLeave(gone)] : []),
    ...fewer.map(
      ({ name, lost }) =>
        `${name} stops its ${plural(lost, "highest-numbered pod")}; ${them(lost, "its claim is", "their claims are")} kept (Retain), billed until deleted by hand, and the data on ${them(lost, "it", "them")} is no longer a replica`,
    ),
  ].join("; ");
}

const PER_ZONE_STATEFULSET: ReplicaHolder = {
  fewer: ({ region, before, after }) => ({
    message: perZoneSetsGo(before, after, region),
    fix: "add the new replicas first and let them catch up; decommission the nodes that go, then apply this change, and delete the StatefulSets that leave the plan and the kept claims by hand (Pulumi only forgets them)",
  }),
  regionRemoved: STATEFULSET.regionRemoved,
  zonesRemoved: ({ region, removed, before, after }) => ({
    message: `the StatefulSets of ${zoneList(removed)} are not moved: ${perZoneSetsGo(before, after, region)}; new StatefulSets start in the new zones on empty volumes and are rebuilt from peers`,
    fix: "add the new zones first and let their nodes catch up; then decommission the nodes of the zones that go, apply this change, and delete their StatefulSets and claims by hand (Pulumi only forgets them)",
  }),
};

/**
 * Operator-managed engines (`managedBy: "operator"`): topoplan compiles the operator's custom
 * resource, and the operator decides what a smaller count removes. The custom resource itself is
 * `protect` + `retainOnDelete`, like a StatefulSet.
 */
const OPERATED: Readonly<Partial<Record<EngineId, ReplicaHolder>>> = {
  // CloudNativePG's scale-down deletes the newest ready standby's pod and its PVCs
  // (internal/controller/cluster_scale.go: findDeletableInstance skips the primary;
  // ensureInstanceIsDeleted deletes the pod, then EnsureInstancePVCGroupIsDeleted).
  postgresql: {
    fewer: ({ region, from, to }) => {
      const lost = from - to;
      return {
        message: `the CloudNativePG operator removes ${plural(lost, "instance")} of the Cluster in ${region} (the newest ${them(lost, "standby", "standbys")}, never the primary) and deletes ${them(lost, "its PersistentVolumeClaim", "their PersistentVolumeClaims")}: ${them(lost, "that copy", "those copies")} of the data ${them(lost, "is", "are")} gone, while the primary and the other standbys keep theirs`,
        fix: "add the new replicas first and let them catch up, then remove these in a separate change",
      };
    },
    regionRemoved: ({ region, from }) => ({
      message: `the CloudNativePG Cluster in ${region} leaves the plan, but it is protected and kept on delete (retainOnDelete): pulumi up refuses to delete it and, once it is unprotected, forgets it without deleting it, so ${them(from, "its instance keeps", `its ${from} instances keep`)} running on ${them(from, "its volume", "their volumes")}, billed, outside what topoplan plans and analyses until the Cluster is deleted by hand (the operator then deletes its pods and claims)`,
      fix: `add the replacement replicas elsewhere first and let them catch up; once nothing needs the copy in ${region}, delete that Cluster by hand (\`kubectl delete cluster <name>\`; Pulumi only forgets it)`,
    }),
    zonesRemoved: ({ removed, kept }) => ({
      message: `the instances in ${zoneList(removed)} must move to ${zoneList(kept)}, but their volumes are zonal and cannot follow: such an instance cannot start in a kept zone, and comes back only as a new instance on an empty volume, cloned again from the primary (one standby fewer until it catches up)`,
      fix: `add the new zones first, then replace the instances in the old zones one at a time (\`kubectl cnpg destroy <cluster> <instance>\` deletes an instance with its claim, and the operator creates a new one), then drop the old zones`,
    }),
  },
};

/** An operator-managed engine without an entry above: what topoplan can say without knowing the operator. */
const operatedBy = (engine: EngineId): ReplicaHolder => ({
  fewer: ({ from, to }) => ({
    message: `the ${engine} operator removes ${plural(from - to, "member")}; what becomes of their volumes is the operator's choice (topoplan compiles no StatefulSet for it)`,
    fix: "add the new replicas first and let them catch up, then remove these in a separate change",
  }),
  regionRemoved: ({ region }) => ({
    message: `the ${engine} custom resources in ${region} leave the plan, but they are protected and kept on delete (retainOnDelete): once unprotected, Pulumi forgets them without deleting them, and their members keep running until deleted by hand`,
    fix: `add the replacement replicas elsewhere first and let them catch up; then delete the custom resources in ${region} by hand`,
  }),
  zonesRemoved: ({ removed }) => ({
    message: `the members in ${zoneList(removed)} must move, and their zonal volumes cannot follow: each is rebuilt from peers on a new volume`,
    fix: "add the new zones first and let replicas move one at a time (a rolling change), then drop the old zones",
  }),
});

type AwsService = Extract<ResolvedDeploy, { target: "aws" }>["service"];

/**
 * A managed regional service that keeps its data in every zone of a region (DynamoDB, S3: the
 * catalog's ZONE_SPANNING_SERVICES): topoplan compiles one resource per region, whatever the count.
 */
const zoneSpanning = (title: string, resource: string) => ({
  fewer: ({ region, to }: RegionReplicas): Consequence => ({
    message: `${title} keeps one ${resource} per region whatever the count: nothing in ${region} is deleted, while the analysis now counts ${plural(to, "replica")} there`,
    fix: `nothing changes in AWS; keep the count if the analysis should go on counting the replicas in ${region}`,
  }),
  zonesRemoved: ({ region }: RegionZones): Consequence => ({
    message: `${title} keeps a region's data in all of its zones and topoplan pins the ${resource} to none: nothing moves, only the zones the analysis assumes for ${region} change`,
    fix: "nothing changes in AWS; check that the zones the analysis now assumes are the ones you mean",
  }),
});

/** Where a DynamoDB store's table lives: `deploy.homeRegion`, @default the leader (compileDynamoDb). */
const dynamoDbHome = (store: ResolvedDatastore) =>
  (store.deploy.target === "aws" ? store.deploy.homeRegion : undefined) ?? store.leader;

/** AWS services, by `deploy.service`; compiled in src/compile/aws (STATEFUL: protect + retainOnDelete). */
const MANAGED: Readonly<Record<Exclude<AwsService, "msk">, ReplicaHolder>> = {
  // One table in the home region listing a replica per other region (compileDynamoDb): a region
  // removed is an update of the table, and DynamoDB's DeleteTableReplica deletes the replica with
  // its items (API reference, ReplicationGroupUpdate).
  dynamodb: {
    ...zoneSpanning("DynamoDB", "replica table"),
    regionRemoved: ({ region, before }) => {
      if (dynamoDbHome(before) !== region)
        return {
          message: `the global table's replica in ${region} is deleted with every item in it (DynamoDB's DeleteTableReplica); the replicas in the other regions keep theirs, but writes made in ${region} that have not replicated yet are lost`,
          fix: `move the clients in ${region} to another region first and wait until their writes have replicated (the ReplicationLatency metric near zero); take an on-demand backup first if the copy in ${region} must be kept`,
        };
      // The table resource itself lives in its home region: it is no replica entry to drop, and
      // the home must hold a replica (spec/home-not-placed), so it cannot stay behind either.
      return {
        message: `the table itself lives in ${region} (its home: deploy.homeRegion, @default the leader), and a resource cannot change region: the protected table would be replaced with every replica, each starting empty`,
        fix: `keep ${region} in the placement: the global table's home cannot move; to leave ${region}, create a new table elsewhere, migrate the items, then retire this one`,
      };
    },
  },
  // A cluster per region with one instance per replica (compileAurora): the data lives in the
  // cluster's storage volume, not in its instances; instances are not protected, clusters are.
  "aurora-postgresql": {
    fewer: ({ region, from, to }) => {
      const lost = from - to;
      return {
        message: `Aurora deletes ${plural(lost, "DB instance")} of the cluster in ${region} (the highest-numbered); the data lives in the cluster's storage volume, not in its instances, so none is lost, but ${plural(to, "instance")} ${them(to, "is", "are")} left there to serve reads and take over as writer (a deleted writer fails over to a reader)`,
        fix: `if an instance that goes is the writer, fail over to another one first; check that the ${them(to, "instance", `${to} instances`)} left in ${region} ${them(to, "carries", "carry")} its reads`,
      };
    },
    regionRemoved: ({ region }) => ({
      message: `the DB instances in ${region} are deleted, and the cluster there leaves the plan, but it is protected and kept on delete (retainOnDelete): pulumi up refuses to delete it and, once it is unprotected, forgets it without deleting it, so it stays in the global database without instances, its storage still replicated and billed, until it is detached and deleted by hand`,
      fix: `move the readers in ${region} to another region first; once nothing needs its copy, detach the cluster from the global database (aws rds remove-from-global-cluster) and delete it by hand`,
    }),
    // An instance's availabilityZone cannot change in place: the instance is replaced.
    // Instances are spread round-robin over the zones (compileAurora), so removing one re-spreads
    // them: which instances change zone depends on the count, not only on the zone removed.
    zonesRemoved: ({ removed, kept }) => ({
      message: `the DB instances are spread again over ${zoneList(kept)} without ${zoneList(removed)}, and each whose zone changes is replaced (an instance's availabilityZone cannot change in place; the plan's resource changes name them): the data lives in the cluster's storage and stays, but a replaced instance serves nothing until its replacement is up (a replaced writer fails over to a reader)`,
      fix: "fail the writer over to an instance the plan does not replace first, and make the change when fewer readers for a while is acceptable",
    }),
  },
  // A bucket per region, the leader's replicating to the others (compileS3); buckets are STATEFUL.
  s3: {
    ...zoneSpanning("S3", "bucket"),
    regionRemoved: ({ region }) => ({
      message: `the bucket in ${region} leaves the plan and replication to it stops, but it is protected and kept on delete (retainOnDelete): pulumi up refuses to delete it and, once it is unprotected, forgets it without deleting it, so it stays in ${region} with every object version it holds, billed, and receives no new writes`,
      fix: `point the readers in ${region} at another region's bucket first; empty and delete the old bucket by hand once nothing reads it`,
    }),
  },
};

/** `deploy.target: external`: topoplan deploys nothing, so whoever runs the store makes the change. */
const EXTERNAL: ReplicaHolder = {
  fewer: ({ from, to }) => ({
    message: `topoplan deploys nothing for an external datastore: whoever runs it removes ${plural(from - to, "replica")} there, and with ${them(from - to, "it", "them")} that copy of the data`,
    fix: "add the new replicas first and let them catch up, then remove these in a separate change",
  }),
  regionRemoved: ({ region }) => ({
    message: `topoplan deploys nothing for an external datastore: whoever runs it removes its replicas in ${region}, and with them the region's copy of the data`,
    fix: `move the clients in ${region} elsewhere and make sure the other regions hold everything ${region} accepted before its replicas go`,
  }),
  zonesRemoved: ({ removed }) => ({
    message: `topoplan deploys nothing for an external datastore: whoever runs it moves the replicas in ${zoneList(removed)}; zonal volumes cannot follow, so each is rebuilt from peers in its new zone`,
    fix: "add the new zones first and let replicas move one at a time (a rolling change), then drop the old zones",
  }),
};

/** What runs a datastore's replicas, for the replica and zone rules. */
function holderOf(store: ResolvedDatastore): ReplicaHolder {
  const { deploy } = store;
  if (deploy.target === "external") return EXTERNAL;
  // A datastore on MSK is refused by the spec checks (src/spec/semantic/deploy.ts).
  if (deploy.target === "aws") return deploy.service === "msk" ? EXTERNAL : MANAGED[deploy.service];
  const engine = engineOf(store);
  if (engine !== undefined && PER_ZONE_STATEFULSETS.has(engine.id)) return PER_ZONE_STATEFULSET;
  if (engine === undefined || engine.managedBy === "statefulset") return STATEFULSET;
  return OPERATED[engine.id] ?? operatedBy(engine.id);
}

const countIn = (store: ResolvedComponent, region: string) =>
  store.kind === "datastore" ? store.placement.find((p) => p.region === region)?.replicas : undefined;

/** The replica rule's words for a datastore's change of count in one region. */
function replicasRemoved({ change, before, after }: FieldRuleContext): Consequence {
  const counts = {
    region: regionOf(change.field),
    from: num(change.from),
    to: num(change.to),
    before: before as ResolvedDatastore,
    after: after as ResolvedDatastore,
  };
  const holder = holderOf(counts.before);
  return counts.to === 0 ? holder.regionRemoved(counts) : holder.fewer(counts);
}

/** The zone rule's words: a region that keeps replicas, or one whose last replicas go too. */
function zonesRemoved({ change, before, after }: FieldRuleContext): Consequence {
  const region = regionOf(change.field);
  const holder = holderOf(before as ResolvedDatastore);
  const removed = change.removed ?? [];
  if ((countIn(after, region) ?? 0) === 0) {
    const from = countIn(before, region) ?? 0;
    const placement = formatPath([...parsePath(before.path), "placement", region]);
    return {
      message: `they go with ${them(from, "the region's only replica", `all ${from} replicas in the region`)} (${placement}: ${from} → 0), so nothing moves between zones: the finding at ${placement} says what becomes of ${them(from, "it", "them")}`,
      fix: holder.regionRemoved({
        region,
        from,
        to: 0,
        before: before as ResolvedDatastore,
        after: after as ResolvedDatastore,
      }).fix,
    };
  }
  return holder.zonesRemoved({
    region,
    removed,
    kept: list(change.to),
    before: before as ResolvedDatastore,
    after: after as ResolvedDatastore,
  });
}

export const DESTRUCTIVE_FIELD_RULES: readonly DestructiveFieldRule[] = [
  {
    id: "replicas-removed",
    kinds: ["datastore"],
    // A region's count, not its roles (`placement.<region>.witnesses`).
    field: /^placement\.[^.[]+$/,
    applies: (from, to) => num(to) < num(from),
    message: (ctx) =>
      `replicas in ${regionOf(ctx.change.field)}: ${num(ctx.change.from)} → ${num(ctx.change.to)}; ${replicasRemoved(ctx).message}`,
    fix: (ctx) => replicasRemoved(ctx).fix,
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
    message: ({ change, before, after }) => {
      const drain = drainedBy(before)!;
      const lost = num(change.from) - num(change.to);
      const region = regionOf(change.field);
      const { gone, fewer } = zoneSetsChanged(
        before as ResolvedDatastore,
        after as ResolvedDatastore,
        region,
      );
      const stopped = fewer.reduce((sum, set) => sum + set.lost, 0);
      // Per zone StatefulSets: a whole one leaving the plan keeps running (Pulumi forgets it).
      const what = PER_ZONE_STATEFULSETS.has(drain.engine)
        ? [
            ...(gone.length > 0
              ? [
                  `${gone.map((set) => set.name).join(", ")} ${them(gone.length, "leaves", "leave")} the plan but ${them(gone.length, "keeps", "keep")} running once Pulumi forgets ${them(gone.length, "it", "them")}, ${them(
                    gone.reduce((sum, set) => sum + set.pods, 0),
                    "its node still a member",
                    "their nodes still members",
                  )} until decommissioned`,
                ]
              : []),
            ...(stopped > 0
              ? [
                  `${fewer.map((set) => set.name).join(", ")} ${them(fewer.length, "stops", "stop")} ${plural(stopped, "pod")} without draining ${them(stopped, "it", "them")}: ${drain.until}`,
                ]
              : []),
          ].join("; ")
        : `the StatefulSet stops its ${plural(lost, "highest-numbered pod")} without draining ${lost === 1 ? "it" : "them"}: ${drain.until}`;
      return `${drain.title} nodes in ${region}: ${num(change.from)} → ${num(change.to)}; ${what}`;
    },
    fix: ({ before }) => drainedBy(before)!.fix,
  },
  {
    id: "brokers-removed",
    kinds: ["stream"],
    field: /^replicas$/,
    applies: (from, to, _change, ctx) => num(to) < num(from) && removesBrokers(ctx),
    message: (ctx) =>
      `replicas per region: ${num(ctx.change.from)} → ${num(ctx.change.to)}; ${brokersGo(ctx, num(ctx.change.from) - num(ctx.change.to))}`,
    fix: () => "reassign the partitions off the brokers first, then scale down in a separate change",
  },
  {
    id: "stream-replication-raised",
    kinds: ["stream"],
    field: /^replicas$/,
    applies: (from, to) => num(to) > num(from),
    // The brokers are added; the replication factor of topics that exist is not: Strimzi's Topic
    // Operator refuses it without Cruise Control ("Replication factor change not supported",
    // BatchingTopicController), and MSK's default.replication.factor applies to topics created
    // later (as do offsets.topic.replication.factor and the transaction log's). Meanwhile
    // min.insync.replicas, a topic and broker setting, applies at once.
    message: (ctx) => {
      const { change, before, after } = ctx;
      const from = num(change.from);
      const minInSync = after.kind === "stream" ? after.minInSync : 0;
      return `replicas per region: ${from} → ${num(change.to)}; ${brokersAdded(ctx)}, but the topic and the internal topics (consumer offsets, transactions) keep ${from} replicas: ${replicationStays(before)}${
        minInSync > from
          ? `; with min.insync.replicas ${minInSync} on ${from} replicas, every acks=all produce and offset commit fails (NOT_ENOUGH_REPLICAS), every broker up or not`
          : minInSync === from
            ? `; with min.insync.replicas ${minInSync} on ${from} replicas, one broker down stops every acks=all produce and offset commit (NOT_ENOUGH_REPLICAS)`
            : ""
      }, while the analysis and the plan assume ${num(change.to)}`;
    },
    fix: ({ change }) =>
      `raise the brokers first and keep minInSync below ${num(change.from)}; reassign every topic's partitions (the stream's, __consumer_offsets, __transaction_state) to ${num(change.to)} replicas (kafka-reassign-partitions.sh, or Cruise Control with Strimzi); raise minInSync in a later change`,
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
    id: "stream-partitions-added",
    kinds: ["stream"],
    field: /^partitions$/,
    applies: (from, to, _change, { after }) =>
      num(to) > num(from) && after.kind === "stream" && after.key !== undefined,
    // Kafka's default partitioner places a keyed record by murmur2(key) mod the partition count
    // (Kafka docs, "Modifying topics": adding partitions changes where keys go).
    message: ({ change, after }) => {
      const moved = keysMoved(num(change.from), num(change.to));
      return `partitions ${num(change.from)} → ${num(change.to)} of a stream keyed by ${after.kind === "stream" ? after.key : "its key"}: a record's partition is hash(key) mod the partition count, so ${moved === undefined ? "most" : `${moved}% of the`} keys move to another partition: a key's new records are no longer behind its earlier ones (consumers may read them first), and per-key state (windows, aggregates, changelogs, compaction) splits between two partitions`;
    },
    fix: ({ change }) =>
      `create a new stream with ${num(change.to)} partitions, move the producers to it and the consumers once the old one drains; or, if the records need no per-key order or state, remove key from the stream in this change`,
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
    // MSK takes a broker volume's size as an in-place update and refuses a smaller one (its
    // UpdateBrokerStorage grows storage only: MSK developer guide, "Scale up Amazon MSK broker storage").
    message: ({ change, before }) =>
      `volume size ${num(change.from)} → ${num(change.to)} GiB: ${
        before.deploy.target === "aws"
          ? "the service grows a volume but never shrinks one: the update is refused and pulumi up fails, nothing replaced"
          : "volumes cannot shrink, so the volumes would have to be replaced"
      }`,
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
    applies: (_from, _to, _change, { before, after }) =>
      isDowngrade(runningVersion(before), runningVersion(after)),
    message: ({ before, after }) =>
      `engine version ${runningVersion(before)!.text} → ${runningVersion(after)!.text} is a downgrade: data files written by the newer version may not be readable by the older one (CockroachDB, PostgreSQL/Aurora, Kafka and MSK support upgrades, not in-place downgrades once finalized)`,
    fix: ({ change, before }) =>
      `keep ${change.from === undefined ? runningVersion(before)!.text : showValue(change.from)}; to go back, restore a backup taken before the upgrade into a new component`,
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
    message: (ctx) =>
      `zones in ${regionOf(ctx.change.field)}: ${(ctx.change.removed ?? []).join(", ")} removed; ${zonesRemoved(ctx).message}`,
    fix: (ctx) => zonesRemoved(ctx).fix,
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
