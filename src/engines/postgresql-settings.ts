/**
 * What a PostgreSQL placement turns into, shared by the CloudNativePG manifests (postgresql.ts) and
 * the local members (postgresql-local.ts): the primary's region, members in start order and the
 * synchronous standby count; and the exporter queries CloudNativePG runs by default.
 */
import type { ResolvedDatastore } from "../model/types.js";
import { allMembers, memberSets } from "./members.js";
import type { Member } from "./types.js";

/** What every placement turns into, for the operator's Cluster and for local processes alike. */
export interface PostgresSettings {
  readonly primaryRegion: string;
  /** Members in start order: the primary first. */
  readonly members: readonly Member[];
  /** Standbys a commit waits for among the primary region's own (ANY n); 0 for async. */
  readonly synchronousStandbys: number;
}

export function postgresSettings(store: ResolvedDatastore): PostgresSettings {
  const sets = memberSets(store, "region");
  const primarySet = sets.find((s) => s.region === store.leader) ?? sets[0];
  const primaryRegion = primarySet?.region ?? store.leader;
  const localStandbys = (primarySet?.members.length ?? 1) - 1;
  // The model's sync waits for every replica, semi-sync for one; validation guarantees they are
  // in the primary's region, where the operator can make them synchronous.
  const synchronousStandbys = store.sync === "async" ? 0 : store.sync === "semi-sync" ? 1 : localStandbys;
  const members = allMembers(sets).map((m) =>
    m.region === primaryRegion && m.ordinal === 0
      ? { ...m, role: "primary" as const }
      : { ...m, role: "replica" as const },
  );
  members.sort((a, b) => (a.role === "primary" ? -1 : b.role === "primary" ? 1 : 0));
  return { primaryRegion, members, synchronousStandbys };
}

/** The exporter queries CloudNativePG runs by default, for the local exporter (same metric names). */
export const CNPG_DEFAULT_QUERIES = `cnpg_pg_replication:
  query: "SELECT CASE WHEN (NOT pg_catalog.pg_is_in_recovery() OR pg_catalog.pg_last_wal_receive_lsn() = pg_catalog.pg_last_wal_replay_lsn()) THEN 0 ELSE GREATEST (0, EXTRACT(EPOCH FROM (now() - pg_catalog.pg_last_xact_replay_timestamp()))) END AS lag, pg_catalog.pg_is_in_recovery()::int AS in_recovery, (EXISTS (TABLE pg_catalog.pg_stat_wal_receiver))::int AS is_wal_receiver_up, (SELECT count(*) FROM pg_catalog.pg_stat_replication) AS streaming_replicas"
  metrics:
    - lag:
        usage: "GAUGE"
        description: "Replication lag behind primary in seconds"
    - in_recovery:
        usage: "GAUGE"
        description: "Whether the instance is in recovery"
    - is_wal_receiver_up:
        usage: "GAUGE"
        description: "Whether the instance wal_receiver is up"
    - streaming_replicas:
        usage: "GAUGE"
        description: "Number of streaming replicas connected to the instance"
cnpg_pg_stat_database:
  query: "SELECT datname, xact_commit, xact_rollback FROM pg_catalog.pg_stat_database WHERE datname IS NOT NULL"
  metrics:
    - datname:
        usage: "LABEL"
        description: "Name of the database"
    - xact_commit:
        usage: "COUNTER"
        description: "Transactions committed"
    - xact_rollback:
        usage: "COUNTER"
        description: "Transactions rolled back"
`;
