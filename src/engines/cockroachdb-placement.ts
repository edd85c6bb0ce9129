/**
 * The declared placement, leader and survival goal of a CockroachDB datastore as SQL, run once by
 * the placement Job. Two forms, as CockroachDB's docs offer them:
 *
 * - Multi-region SQL (https://www.cockroachlabs.com/docs/v24.3/multiregion-overview): the database
 *   created with its `PRIMARY REGION`, `REGIONS` and `SURVIVE REGION FAILURE`, each then applied
 *   again by `ALTER DATABASE` (the Job runs again when the topology changes). Region survival
 *   fixes its own layout (cockroachdb-layout.ts): 5 voting replicas, 2 of them in the primary
 *   region, at least 3 database regions. It is used only when the declared placement is that
 *   layout. In the three-region layout (2 + 2 + 1) the other region with 2 voters is named the
 *   `SECONDARY REGION`: CockroachDB keeps 2 voters there and moves the leases there when the
 *   primary region fails, which is the region the analysis elects. Its secondary region is
 *   dropped first and set again last, since a new primary region may be the old secondary, which
 *   `SET PRIMARY REGION` refuses ("region … is currently the secondary region"), and every
 *   region is added before the primary is set (it refuses a region not added yet). In the
 *   four-region layout (2 + 1 + 1 + 1) a secondary region would add a sixth replica, so there is
 *   none, and the leases leave a failed primary for whichever voters CockroachDB picks: the
 *   analysis prices the worst of them (the engine's `leaderPreference` has this exception). The
 *   Job also converts a database the zone-configuration form made, and drops the database
 *   regions outside the placement (`conversionStatements`, `staleRegionsQuery`; cockroachdb.ts
 *   `placementScript`), and the zone-configuration form's Job turns a database this form made
 *   back into one without regions (`databaseRegionsQuery`, `revertStatements`).
 * - Otherwise a zone configuration on the database
 *   (https://www.cockroachlabs.com/docs/v24.3/configure-replication-zones): `num_replicas` = the
 *   declared replicas, `num_voters` = the voters,
 *   per-region replica counts as per-replica `constraints` and, when some replicas do not vote,
 *   per-region voter counts as `voter_constraints` (read-only replicas become CockroachDB's
 *   non-voting replicas: they serve follower reads and never join a quorum), and the lease
 *   preferences (`lease_preferences = '[[+region=<leader>], [+region=<next>], …]'`): the leader
 *   region, then the regions the analysis elects when it is lost, in its order
 *   (src/analysis/leader-succession.ts), so the leaseholder — which serves reads and coordinates
 *   writes — sits where the model expects the leader, before and after a region failure.
 *   CockroachDB has no witness replica, so a placement with witnesses is refused
 *   (capabilities.ts `replicaRoles`).
 *
 * Names are DNS labels (validated by the spec); they are still quoted as SQL identifiers and JSON
 * strings, so no name can end a literal.
 */
import { leaderSuccession } from "../analysis/leader-succession.js";
import type { Model, RegionPlacement, ResolvedDatastore } from "../model/types.js";
import { isRegionSurvivalLayout, secondaryRegion } from "./cockroachdb-layout.js";

/** Database of a component: its name with `-` → `_` (an unquoted-safe SQL identifier). */
export function databaseName(component: string): string {
  return component.replace(/-/g, "_");
}

/** A SQL identifier, double-quoted with `"` doubled (https://www.cockroachlabs.com/docs/v24.3/keywords-and-identifiers). */
export function sqlIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal, single-quoted with `'` doubled. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The statements the placement Job runs, in order. Idempotent: the Job may run them again. */
export function placementStatements(model: Model, store: ResolvedDatastore): string[] {
  const db = sqlIdentifier(databaseName(store.name));
  if (isRegionSurvivalLayout(store)) {
    const regions = store.placement.filter((p) => p.replicas > 0).map((p) => p.region);
    const others = regions.filter((region) => region !== store.leader);
    const primary = sqlIdentifier(store.leader);
    const secondary = secondaryRegion(store);
    const all = [store.leader, ...others].map(sqlIdentifier);
    return [
      // Multi-region from its creation, which DROP SECONDARY REGION below needs (it refuses a
      // database without regions, IF EXISTS or not). A database the zone-configuration form made
      // has none: the Job converts it first (conversionStatements, cockroachdb.ts).
      `CREATE DATABASE IF NOT EXISTS ${db} PRIMARY REGION ${primary} REGIONS ${all.join(", ")} SURVIVE REGION FAILURE`,
      `ALTER DATABASE ${db} DROP SECONDARY REGION IF EXISTS`,
      // Every region added before it becomes primary: SET PRIMARY REGION refuses a region the
      // database does not have yet (a leader moved to a new region).
      ...all.map((region) => `ALTER DATABASE ${db} ADD REGION IF NOT EXISTS ${region}`),
      `ALTER DATABASE ${db} SET PRIMARY REGION ${primary}`,
      `ALTER DATABASE ${db} SURVIVE REGION FAILURE`,
      ...(secondary === undefined
        ? []
        : [`ALTER DATABASE ${db} SET SECONDARY REGION ${sqlIdentifier(secondary)}`]),
    ];
  }
  return [`CREATE DATABASE IF NOT EXISTS ${db}`, zoneConfigStatement(store, leaderSuccession(model, store))];
}

/** What the stale-regions query puts before each region, so a script reads back only those words. */
export const STALE_PREFIX = "stale-region:";
/** What the region-count query puts before its count. */
export const REGION_COUNT_PREFIX = "database-regions:";

/**
 * For the multi-region form: the query counting the database's regions. None means a database
 * the zone-configuration form made (CREATE DATABASE IF NOT EXISTS left it as it was), which
 * `conversionStatements` turn multi-region before the rest runs.
 */
export function regionCountQuery(store: ResolvedDatastore): string {
  return `SELECT '${REGION_COUNT_PREFIX}' || count(*)::STRING AS regions FROM [SHOW REGIONS FROM DATABASE ${sqlIdentifier(databaseName(store.name))}]`;
}

/**
 * A database without regions made multi-region: its directly set zone configuration discarded,
 * which `SET PRIMARY REGION` otherwise refuses to replace ("To remove existing,
 * manually-configured zones from a database (and unblock SET PRIMARY REGION statements on the
 * database), use an ALTER DATABASE ... CONFIGURE ZONE DISCARD statement":
 * https://www.cockroachlabs.com/docs/v24.3/alter-database#set-primary-region), then its primary
 * region set. The placement statements then add the other regions and the survival goal.
 */
export function conversionStatements(store: ResolvedDatastore): string[] {
  const db = sqlIdentifier(databaseName(store.name));
  return [
    `ALTER DATABASE ${db} CONFIGURE ZONE DISCARD`,
    `ALTER DATABASE ${db} SET PRIMARY REGION ${sqlIdentifier(store.leader)}`,
  ];
}

/**
 * For the multi-region form: the query listing the database's regions outside the placement, each
 * then dropped by `ALTER DATABASE … DROP REGION` (cockroachdb.ts `placementScript`). A region
 * taken out of the placement stays a database region otherwise, and CockroachDB keeps a replica
 * there (one per database region beyond the primary's two) with no node left to hold it. It
 * cannot be a static `DROP REGION IF EXISTS` per known region: CockroachDB checks the survival
 * goal against the region count first, so a three-region database refuses even a region it does
 * not have ("at least 3 regions are required for surviving a region failure": multiregion
 * `CanDropRegion`, before the membership check).
 */
export function staleRegionsQuery(store: ResolvedDatastore): string | undefined {
  if (!isRegionSurvivalLayout(store)) return undefined;
  const keep = store.placement.filter((p) => p.replicas > 0).map((p) => sqlString(p.region));
  return `SELECT '${STALE_PREFIX}' || region AS stale FROM [SHOW REGIONS FROM DATABASE ${sqlIdentifier(databaseName(store.name))}] WHERE region NOT IN (${keep.join(", ")})`;
}

/** What the database-regions query puts before each region. */
export const DATABASE_REGION_PREFIX = "database-region:";

/**
 * For the zone-configuration form: the database's regions, its primary region last. A database
 * the multi-region form made has some, and CockroachDB refuses a zone configuration's protected
 * fields on it (`num_replicas`, `constraints`, `lease_preferences`: "attempting to modify protected
 * field"), so the Job first makes it a database without regions again: `revertStatements`, then
 * one `DROP REGION` per region in this order (cockroachdb.ts `placementScript`). CockroachDB drops
 * the primary region only when it is the last one ("You must designate another region as the
 * primary region … or remove all other regions before attempting to drop region": alter_database.go,
 * allowed by `sql.multiregion.drop_primary_region.enabled`, true by default); dropping it leaves
 * the database without regions.
 */
export function databaseRegionsQuery(store: ResolvedDatastore): string {
  return `SELECT '${DATABASE_REGION_PREFIX}' || region AS region FROM [SHOW REGIONS FROM DATABASE ${sqlIdentifier(databaseName(store.name))}] ORDER BY "primary", region`;
}

/**
 * Before a multi-region database's regions are dropped: the zone survival goal (region survival
 * needs 3 regions, which `DROP REGION` checks) and no secondary region
 * (`DROP REGION` refuses the secondary: "You must designate another region as the secondary
 * region … or remove the secondary region").
 */
export function revertStatements(store: ResolvedDatastore): string[] {
  const db = sqlIdentifier(databaseName(store.name));
  return [
    `ALTER DATABASE ${db} SURVIVE ZONE FAILURE`,
    `ALTER DATABASE ${db} DROP SECONDARY REGION IF EXISTS`,
  ];
}

/**
 * `ALTER DATABASE … CONFIGURE ZONE USING …` with the exact placement counts and the lease
 * preferences: the leader's region, then `successors` in order.
 */
export function zoneConfigStatement(store: ResolvedDatastore, successors: readonly string[] = []): string {
  const perRegion = (count: (p: RegionPlacement) => number) => {
    const counts: Record<string, number> = {};
    for (const p of store.placement) if (count(p) > 0) counts[`+region=${p.region}`] = count(p);
    return sqlString(JSON.stringify(counts));
  };
  const voters = store.placement.reduce((sum, p) => sum + p.voters, 0);
  const leasePreferences = JSON.stringify([store.leader, ...successors].map((r) => [`+region=${r}`])).replace(
    /"/g,
    "",
  );
  return (
    `ALTER DATABASE ${sqlIdentifier(databaseName(store.name))} CONFIGURE ZONE USING ` +
    `num_replicas = ${store.replicas}, num_voters = ${voters}, ` +
    `constraints = ${perRegion((p) => p.replicas)}, ` +
    (voters < store.replicas ? `voter_constraints = ${perRegion((p) => p.voters)}, ` : "") +
    `lease_preferences = ${sqlString(leasePreferences)}`
  );
}
