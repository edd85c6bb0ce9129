/**
 * CloudNativePG's replication indicators, from its default `pg_replication` query
 * (cloudnative-pg `config/manager/default-monitoring.yaml`: `lag`, `in_recovery`,
 * `is_wal_receiver_up`, `streaming_replicas`, one row per instance).
 *
 * `lag` alone cannot see a standby that stopped receiving: the query returns 0 whenever
 * `pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()`, and a standby whose WAL receiver is down
 * soon replays all it received, so it reads 0 for as long as it stays cut off. The link and the
 * count are the lag SLO's other half, as for Redis (compile/observability `TopoplanReplicaLinkDown`,
 * `TopoplanReplicasDetached`):
 * - every instance in recovery streams (standbys of the primary's cluster from the primary; a
 *   replica cluster's designated primary from the primary's `-rw` Service, its other instances
 *   from it), so each reports `is_wal_receiver_up` 1 while its link is up;
 * - the primary's `streaming_replicas` (rows of `pg_stat_replication`) counts its own cluster's
 *   standbys and one designated primary per replica cluster (the rest cascade).
 * The comparisons avoid `== 0` and `>`: the real-engine harness opens those to prove data exists.
 */
import { selector } from "../compile/observability/promql.js";
import type { ResolvedDatastore } from "../model/types.js";
import { memberSets } from "./members.js";
import { postgresSettings } from "./postgresql-settings.js";
import type { Indicators } from "./types.js";

type Replication = Pick<Indicators, "replicationLagSeconds" | "replicasDetached" | "replicaLinkUp"> & {
  readonly presence: Pick<Indicators["presence"], "replicationLag">;
};

/** WAL senders the primary should have: its cluster's standbys and each replica cluster's designated primary. */
export function plannedWalSenders(store: ResolvedDatastore): number {
  const primaryRegion = postgresSettings(store).primaryRegion;
  return memberSets(store, "region").reduce(
    (sum, set) => sum + (set.region === primaryRegion ? set.members.length - 1 : 1),
    0,
  );
}

/** Lag, link and attached count as the Prometheus of `region` sees them (the count: the primary's region only). */
export function replicationIndicators(store: ResolvedDatastore, region: string | undefined): Replication {
  const sel = selector(store.name);
  const inRecovery = `cnpg_pg_replication_in_recovery${sel} == 1`;
  const planned = plannedWalSenders(store);
  const primaryRegion = region === undefined || region === postgresSettings(store).primaryRegion;
  return {
    replicationLagSeconds: `max(cnpg_pg_replication_lag${sel})`,
    ...(planned > 0
      ? { replicaLinkUp: `(cnpg_pg_replication_is_wal_receiver_up${sel} and on(instance) (${inRecovery}))` }
      : {}),
    ...(planned > 0 && primaryRegion
      ? {
          replicasDetached: `${planned} - max(cnpg_pg_replication_streaming_replicas${sel} unless on(instance) (${inRecovery}))`,
        }
      : {}),
    presence: { replicationLag: `cnpg_pg_replication_lag${sel}` },
  };
}
