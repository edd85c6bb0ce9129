import { datastoreReplicaCost, streamReplicaCost } from "../../src/analysis/cost.js";
import { syncInPrimaryRegion } from "../../src/analysis/replication/primary-replica.js";
import type { Catalog } from "../../src/catalog/catalog.js";
import type { RegionPlacement, ResolvedDatastore } from "../../src/model/types.js";
import { byText } from "../../src/order.js";
import { datastoreAnalysis, list, plural, streamAnalysis, usd } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/**
 * Replicas a replication model needs beyond the survival minimum, given the regions that serve
 * local reads. Fixed write quorums (primary-replica W, leaderless W) must survive losing one replica;
 * models that serve every request locally (multi-leader, leaderless) need enough copies in each
 * local region to keep doing so through a zone failure.
 */
const MODEL_NEED: Readonly<
  Record<ResolvedDatastore["replication"], (store: ResolvedDatastore, local: readonly string[]) => number>
> = {
  consensus: () => 0,
  // An engine whose synchronous standbys must be in the primary's region (CloudNativePG) needs
  // W + 1 there, and the other local regions' replicas on top. Every primary needs a standby in
  // its own region (another zone): without one, losing the primary's zone waits for a failover
  // across regions (manual for most engines and services; the what-if says how long), and
  // asynchronous replication loses the writes not yet shipped there.
  "primary-replica": (store, local) => {
    const elsewhere = local.filter((region) => region !== store.leader).length;
    const beside = primaryRegionNeed(store);
    // Surviving a region by itself takes a majority of the observers outside every region
    // (src/analysis/primary-dependence.ts): one more than those kept beside the primary.
    const outside = majorityOutside(store) ? beside + 1 : elsewhere;
    return Math.max(store.quorum.write + 1, beside + Math.max(elsewhere, outside));
  },
  "multi-leader": (_store, local) => local.length * 2,
  leaderless: (store, local) =>
    Math.max(store.quorum.write + 1, local.length * (Math.max(store.quorum.read, store.quorum.write) + 1)),
};

/**
 * Voters a primary-replica store needs in its primary's region: the primary and a standby in
 * another zone, or W + 1 where the synchronous standbys must be there (CloudNativePG).
 */
function primaryRegionNeed(store: ResolvedDatastore): number {
  return syncInPrimaryRegion(store) ? store.quorum.write + 1 : 2;
}

/** Whether the region goal asks a primary's automatic failover to promote outside its region. */
const majorityOutside = (store: ResolvedDatastore) =>
  store.replication === "primary-replica" &&
  store.survive === "region" &&
  store.failover.mode === "automatic" &&
  !store.failoverInLeaderRegion;

/**
 * A consensus group needs a majority: 2f + 1 voters tolerate f failures, and one more (an even
 * count) tolerates none more while its majority grows (etcd FAQ, "Why an odd number of cluster
 * members?", https://etcd.io/docs/v3.5/faq/). So a consensus need rounds up to odd — the solver
 * also searches odd voter counts only.
 */
const oddForConsensus = (store: ResolvedDatastore, need: number) =>
  store.replication === "consensus" && need % 2 === 0 ? need + 1 : need;

/**
 * What `extra` replicas fewer would save a month, as the analysis prices the store: the cost of
 * its placement less that of the placement without them, taken from its largest regions (the
 * leader's last), read-only replicas first, then voters, then witnesses. Not pro rata: MSK
 * brokers come in multiples of the zones, Kafka's controllers stay, DynamoDB bills per region.
 */
function savedByRemoving(catalog: Catalog, store: ResolvedDatastore, extra: number): number {
  const placement = store.placement.map((p) => ({ ...p }));
  for (let left = extra; left > 0; left--) {
    const from = placement
      .filter((p) => p.replicas > 0)
      .sort(
        (a, b) =>
          b.replicas - a.replicas ||
          Number(a.region === store.leader) - Number(b.region === store.leader) ||
          byText(a.region, b.region),
      )[0];
    if (from === undefined) break;
    const role = (["readOnly", "voters", "witnesses"] as const).find((r) => from[r] > 0)!;
    from[role]--;
    from.replicas--;
  }
  const kept: RegionPlacement[] = placement.filter((p) => p.replicas > 0);
  const fewer: ResolvedDatastore = {
    ...store,
    replicas: store.replicas - extra,
    placement: kept,
    regions: store.regions.filter((region) => kept.some((p) => p.region === region)),
  };
  return datastoreReplicaCost(catalog, store) - datastoreReplicaCost(catalog, fewer);
}

/** What the extra replicas cost: nothing where the service prices regions, not replicas (DynamoDB). */
const extraCost = (extra: number, usdPerMonth: number) =>
  usdPerMonth >= 0.005
    ? `the ${extra} extra cost about ${usd(usdPerMonth)}/month`
    : `removing the ${extra} extra saves no replica cost`;

/** Replicas of a stream below which a broker's loss leaves acks=all writes with one copy. */
const DURABLE_STREAM_REPLICAS = 3;

/** Replicas beyond what the survival goal and read locality need cost money and slow quorums down. */
export const overReplication: Rule = {
  id: "over-replication",
  title: "No replicas beyond what survival and read locality need",
  severity: "warning",
  usesAnalysis: true,
  settings: {
    slack: {
      default: 0,
      description: "Extra replicas tolerated above the need before the rule fires.",
      min: 0,
      max: 100,
      integer: true,
    },
    minUserShare: {
      default: 0.05,
      description: "Share of demand (0–1) from which a region counts as needing a local replica for reads.",
      min: 0,
      max: 1,
    },
  },
  docs: {
    why: "Every replica costs storage, compute and cross-region egress, and a larger quorum waits for more acknowledgements.",
    how: "Need = the largest of: the replicas the survival goal requires (zone: 3, region: 5, from the analysis); one local replica per placement region with at least `over-replication.minUserShare` of demand; for fixed write quorums (primary-replica, leaderless) W + 1, so one lost replica does not stop writes; for primary-replica also a standby beside the primary in its region plus one per other local region, so losing the primary's zone fails over in the region instead of across regions, and with `survive: region` and automatic failover fewer than half of the voters and witnesses in any one region (one more outside the primary's than beside it), so that losing a region promotes a replica by itself; for models that serve requests locally, enough copies per local region to keep doing so through a zone failure (multi-leader 2, leaderless max(R, W) + 1); for consensus the need rounds up to an odd count (an even group tolerates no more failures than one fewer, https://etcd.io/docs/v3.5/faq/). Replicas above need + `over-replication.slack` are reported with what removing them saves a month (the analysis' replica cost of the placement without them, taken from the largest regions: MSK rounds brokers to its zones, DynamoDB bills per region). Streams need max(survival, minInSync + 1, 3): below 3, acks=all cannot keep two copies of every write through a broker's loss (Kafka's durable default: replication factor 3, min.insync.replicas 2).",
    fix: "Lower `replicas` to the need (and drop the placement entries that only add copies), or suppress with the reason (e.g. extra read capacity).",
  },
  check(model, analysis, settings) {
    const slack = Number(settings.slack);
    const minShare = Number(settings.minUserShare);
    const findings: Finding[] = [];
    for (const store of model.datastores) {
      const figures = datastoreAnalysis(analysis, store.name);
      if (figures === undefined) continue;
      const local = store.regions.filter(
        (region) => (model.users.find((u) => u.region === region)?.share ?? 0) >= minShare,
      );
      // A goal no count meets (sync replication, a failover kept in the primary's region) needs none.
      const unreachable = figures.survival.noCount === true;
      const survivalNeed = unreachable ? 0 : figures.survival.minReplicas;
      const modelNeed = MODEL_NEED[store.replication](store, local);
      const unrounded = Math.max(survivalNeed, local.length, modelNeed);
      const need = oddForConsensus(store, unrounded);
      const extra = store.replicas - need;
      if (extra <= slack) continue;
      const cost = savedByRemoving(model.catalog, store, extra);
      const quorums =
        need !== unrounded
          ? `need an odd count (${unrounded} voters tolerate no more failures than ${unrounded - 1})`
          : need === survivalNeed || store.replication === "consensus"
            ? "need no more"
            : `need ${modelNeed}`;
      findings.push({
        path: `${store.path}.replicas`,
        message: `${plural(store.replicas, "replica")} where ${need} suffice (${unreachable ? `no count meets ${store.survive} survival as it replicates` : `${store.survive} survival needs ${survivalNeed}`}; read locality ${plural(local.length, "region")}${local.length > 0 ? ` (${list(local)})` : ""}; ${store.replication} quorums ${quorums}); ${extraCost(extra, cost)}`,
        // Which ones stay matters for a primary: the standby beside it is what survives its zone.
        fix: `set replicas: ${need} and remove ${extra} from the placement${store.replication === "primary-replica" ? `, keeping ${primaryRegionNeed(store)} voters in ${store.leader} (the primary and a standby in another zone)${majorityOutside(store) ? " and fewer than half of the voters and witnesses in any one region (its failover's quorum)" : ""}` : ""}`,
        data: { replicas: store.replicas, need, extra, usdPerMonth: cost },
      });
    }
    for (const stream of model.streams) {
      const figures = streamAnalysis(analysis, stream.name);
      if (figures === undefined) continue;
      // Never below 3: with fewer, acks=all cannot both keep a second copy of every write
      // (min.insync.replicas 2) and survive a broker's loss (Kafka docs, "Replication"; its
      // durable default is replication factor 3 with min.insync.replicas 2). A stream at 3 with
      // minInSync 1 needs minInSync raised, not a replica fewer.
      const need = Math.max(figures.survival.minReplicas, stream.minInSync + 1, DURABLE_STREAM_REPLICAS);
      const extra = stream.replicas - need;
      if (extra <= slack) continue;
      const cost =
        streamReplicaCost(model.catalog, stream) -
        streamReplicaCost(model.catalog, { ...stream, replicas: need });
      findings.push({
        path: `${stream.path}.replicas`,
        message: `${plural(stream.replicas, "replica")} where survival needs ${figures.survival.minReplicas}, minInSync ${stream.minInSync} needs ${stream.minInSync + 1} and durable writes ${DURABLE_STREAM_REPLICAS}; ${extraCost(extra, cost)}`,
        fix: `set replicas: ${need}`,
        data: { replicas: stream.replicas, need, extra, usdPerMonth: cost },
      });
    }
    return findings;
  },
};
