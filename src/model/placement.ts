import type { Catalog, CatalogRegion } from "../catalog/catalog.js";
import { autoPlacementCandidates } from "../catalog/catalog.js";
import { ZONE_SPANNING_SERVICES } from "../catalog/data/replication.js";
import { byText } from "../order.js";
import type { PlacementGroup, RegionPlacement, ReplicaSlot, ResolvedDeploy, UserOrigin } from "./types.js";

/**
 * Whether a call with `op` to a single-leader store (consensus, primary-replica) goes to its leader:
 * a write, a strong read, or any read of an engine whose clients read through the primary. The
 * analysis prices such calls at the leader; the diagram draws them there and the NetworkPolicies
 * let them reach it.
 */
export function servedByLeader(
  store: { readonly replication: string; readonly consistency: string; readonly readsAtPrimary: boolean },
  op: string,
): boolean {
  const singleLeader = store.replication === "consensus" || store.replication === "primary-replica";
  return singleLeader && (op === "write" || store.consistency === "strong" || store.readsAtPrimary);
}

/** Majority of n: the smallest set two of which always overlap. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * `placement: "auto"`: choose regions allowed by residency, nearest (user-weighted median RTT) to
 * the users, enough of them for the survival goal, and spread replicas so no region holds more
 * than the goal allows. The `leaderRegions` come first, each a voter at least (check refuses a
 * leader region without one). Deterministic: ties break on the region code. The solver replaces
 * this pick (src/solve/auto.ts); it stays where no placement is feasible.
 */
export function autoPlacement(
  replicas: number,
  survive: "zone" | "region",
  residency: readonly string[] | undefined,
  users: readonly UserOrigin[],
  catalog: Catalog,
  leaderRegions: readonly string[] = [],
): Record<string, number> {
  const candidates = autoPlacementCandidates(
    catalog,
    users.map((user) => user.region),
    residency,
  );
  const distance = (region: CatalogRegion) =>
    users.reduce(
      (sum, user) =>
        sum +
        user.share * (user.region === region.code ? 0 : (catalog.rttMs(user.region, region.code) ?? 1e6)),
      0,
    );
  // 0 for a leader region (sorted first), 1 for the others.
  const outsideLeaderRegions = (region: CatalogRegion) => (leaderRegions.includes(region.code) ? 0 : 1);
  const ranked = candidates
    .map((region) => ({ region, distance: distance(region) }))
    .sort(
      (a, b) =>
        outsideLeaderRegions(a.region) - outsideLeaderRegions(b.region) ||
        a.distance - b.distance ||
        byText(a.region.code, b.region.code),
    );
  if (ranked.length === 0) return {};

  // Region survival: the replicas outside any one region must still form a majority.
  const perRegionCap = survive === "region" ? Math.max(1, replicas - majority(replicas)) : replicas;
  const regionCount = Math.min(
    ranked.length,
    Math.max(
      survive === "region" ? 3 : 1,
      Math.ceil(replicas / perRegionCap),
      Math.min(replicas, ranked.filter((entry) => outsideLeaderRegions(entry.region) === 0).length),
    ),
  );
  const chosen = ranked.slice(0, regionCount).map((entry) => entry.region);
  const placement: Record<string, number> = {};
  // Round-robin from the nearest region: 5 over 3 regions → 2, 2, 1.
  for (let i = 0; i < replicas; i++) {
    const region = chosen[i % chosen.length]!;
    placement[region.code] = (placement[region.code] ?? 0) + 1;
  }
  return placement;
}

/** A region's placement; without role counts every replica is a voter. */
export type Placeable = Pick<RegionPlacement, "region" | "replicas" | "zones"> &
  Partial<Pick<RegionPlacement, "voters" | "readOnly" | "witnesses">>;

/**
 * Expands partitions × replicas to placement groups. Partition p puts its i-th replica in region r
 * into zone (p + i) mod |zones(r)|: replicas of one partition use distinct zones where there are
 * enough, and consecutive partitions rotate so every zone carries an equal share. A zone-spanning
 * store (`zoneSpanning`, a managed regional service) has no zone to choose: each replica spans its
 * region's zones, named after the first.
 */
export function expandPlacement(
  partitionCount: number,
  placement: readonly Placeable[],
  leaderOf: (partition: number) => string,
  zoneSpanning = false,
): PlacementGroup[] {
  type Group = { partitions: number[]; leader: ReplicaSlot; replicas: ReplicaSlot[] };
  const groups = new Map<string, Group>();
  // A partition's layout depends only on its leader region and on p modulo every region's zone
  // count: work each layout out once per (leader region, p mod cycle), not once per partition.
  const cycle = zoneSpanning ? 1 : placement.reduce((l, p) => lcm(l, Math.max(1, p.zones.length)), 1);
  const layouts = new Map<string, Group[]>();
  for (let partition = 0; partition < partitionCount; partition++) {
    const leaderRegion = leaderOf(partition);
    let byResidue = layouts.get(leaderRegion);
    if (byResidue === undefined) {
      byResidue = new Array<Group>(cycle);
      layouts.set(leaderRegion, byResidue);
    }
    const known = byResidue[partition % cycle];
    if (known !== undefined) {
      known.partitions.push(partition);
      continue;
    }
    const replicas: ReplicaSlot[] = [];
    for (const p of placement) {
      const { region, zones } = p;
      const readOnly = p.readOnly ?? 0;
      const witnesses = p.witnesses ?? 0;
      const roles = { voters: p.voters ?? p.replicas - readOnly - witnesses, readOnly, witnesses };
      // Voters first, then read-only replicas, then witnesses, each on the next zone.
      const sequence = [
        ...Array.from({ length: roles.voters }, () => "voter" as const),
        ...Array.from({ length: roles.readOnly }, () => "readOnly" as const),
        ...Array.from({ length: roles.witnesses }, () => "witness" as const),
      ];
      sequence.forEach((role, i) => {
        const zone = zones[zoneSpanning ? 0 : (partition + i) % zones.length]!;
        const slot = zoneSpanning ? { region, zone, spansZones: true as const } : { region, zone };
        replicas.push(role === "voter" ? slot : { ...slot, role });
      });
    }
    // The leader is the partition's first voter in the leader region (zone p mod |zones|), so
    // leaders rotate over the zones too; picking the alphabetically first zone would pile them up.
    const leader =
      replicas.find((slot) => slot.region === leaderRegion && slot.role === undefined) ??
      replicas.find((slot) => slot.role === undefined) ??
      replicas[0]!;
    replicas.sort(
      (a, b) =>
        byText(a.region, b.region) || byText(a.zone, b.zone) || byText(a.role ?? "voter", b.role ?? "voter"),
    );
    const key = `${leader.zone}/${replicas.map((slot) => `${slot.zone}${slot.role === undefined ? "" : `:${slot.role}`}`).join(",")}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { partitions: [partition], leader, replicas };
      groups.set(key, group);
    } else group.partitions.push(partition);
    byResidue[partition % cycle] = group;
  }
  return [...groups.values()];
}

/** Whether a store's replicas span their region's zones: a managed regional AWS service (DynamoDB, S3). */
export function spansZones(deploy: ResolvedDeploy): boolean {
  return deploy.target === "aws" && Object.hasOwn(ZONE_SPANNING_SERVICES, deploy.service);
}

/** Whether losing `zone` loses this replica: never for a zone-spanning one (only its region's loss does). */
export function lostWithZone(slot: ReplicaSlot, zone: string): boolean {
  return slot.spansZones !== true && slot.zone === zone;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

/**
 * Spreads `count` partitions over regions in proportion to weights (largest remainder), in
 * contiguous blocks — geo-partitioned leaders follow their users.
 */
export function apportion(count: number, weights: readonly { region: string; weight: number }[]): string[] {
  const total = weights.reduce((sum, entry) => sum + entry.weight, 0);
  const exact = weights.map((entry) => ({
    ...entry,
    exact: total === 0 ? count / weights.length : (count * entry.weight) / total,
  }));
  const allotted = exact.map((entry) => ({ ...entry, n: Math.floor(entry.exact) }));
  let remaining = count - allotted.reduce((sum, entry) => sum + entry.n, 0);
  const byRemainder = [...allotted].sort(
    (a, b) => b.exact - b.n - (a.exact - a.n) || byText(a.region, b.region),
  );
  for (const entry of byRemainder) {
    if (remaining-- <= 0) break;
    entry.n++;
  }
  return allotted.flatMap((entry) => Array.from({ length: entry.n }, () => entry.region));
}
