/**
 * Local PostgreSQL members: what CloudNativePG configures, with Debian's PostgreSQL 15 —
 * `synchronous_standby_names = ANY n (...)` over the primary region's members as the operator
 * writes it (application_name = member name), postgres_exporter running the operator's default
 * queries, and pg_hba admitting only the members and the run's own networks.
 *
 * With automatic failover (the model's default for primary-replica, and what the operator does),
 * each member runs under Patroni with a three-member etcd lock store (patroni.ts), so a lost
 * primary is replaced as the operator would replace it. With `failover: { mode: manual }` the
 * members are plain `postgres` processes: the primary from initdb, standbys from pg_basebackup.
 */
import type { Model, ResolvedDatastore } from "../model/types.js";
import { ENGINE_CAPABILITIES } from "./capabilities.js";
import {
  controlPlaneLocal,
  controlPlaneMembers,
  PATRONI_API_PORT,
  PATRONI_BINARY,
  patroniConfig,
} from "./patroni.js";
import { CNPG_DEFAULT_QUERIES, type PostgresSettings, postgresSettings } from "./postgresql-settings.js";
import type { EngineComponent, LocalLayout, LocalMember, Member } from "./types.js";

const CAPS = ENGINE_CAPABILITIES.postgresql;
const PORT = CAPS.ports.client;
const BIN = "/usr/lib/postgresql/15/bin";

/** The operator's `synchronous_standby_names`: ANY n over the primary region's members; "" for async. */
export function synchronousStandbyNames(settings: PostgresSettings, includePrimary: boolean): string {
  if (settings.synchronousStandbys === 0) return "";
  const names = settings.members
    .filter((m) => m.region === settings.primaryRegion && (includePrimary || m.role === "replica"))
    .map((m) => `"${m.name}"`);
  return `ANY ${settings.synchronousStandbys} (${names.join(", ")})`;
}

/** pg_hba.conf lines: the members' own addresses and the run's networks; nothing else. */
function hbaLines(members: readonly Member[], layout: LocalLayout): string[] {
  return [
    "local all all trust",
    ...members.map((m) => `host all,replication all ${layout.address(m)}/32 trust`),
    // The run's own networks (loopback on one host; the lab's relays and sites), where peers and
    // clients connect from; nothing else is admitted.
    ...layout.networks.map((cidr) => `host all,replication all ${cidr} trust`),
  ];
}

/** postgres_exporter beside a member, with CloudNativePG's metric names. */
function exporter(member: Member, layout: LocalLayout) {
  const address = layout.address(member);
  return {
    name: `${member.name}-exporter`,
    command: [
      "/usr/bin/prometheus-postgres-exporter",
      `--web.listen-address=${address}:${CAPS.ports.metrics}`,
      `--extend.query-path=${layout.dataDir(member)}/queries.yaml`,
    ],
    env: {
      DATA_SOURCE_NAME: `host=${address} port=${PORT} user=postgres dbname=postgres sslmode=disable`,
    },
  };
}

const common = (member: Member, layout: LocalLayout) => ({
  member,
  clientPort: PORT,
  peerPort: PORT,
  metrics: { port: CAPS.ports.metrics, path: CAPS.metricsPath },
  runAs: "postgres",
  env: {},
  sidecars: [exporter(member, layout)],
});

export function postgresqlLocal(
  model: Model,
  component: EngineComponent,
  layout: LocalLayout,
): LocalMember[] {
  const store = component as ResolvedDatastore;
  const settings = postgresSettings(store);
  if (settings.members.length === 0) return [];
  return store.failover.mode === "automatic"
    ? withPatroni(model, store, settings, layout)
    : plain(settings, layout);
}

function withPatroni(
  model: Model,
  store: ResolvedDatastore,
  settings: PostgresSettings,
  layout: LocalLayout,
): LocalMember[] {
  const dcs = controlPlaneMembers(model, store, settings.primaryRegion);
  const cluster = {
    scope: `${model.name}-${store.name}`,
    binDir: BIN,
    port: PORT,
    // Every member of the primary's region is listed, the primary too: whichever is promoted,
    // the others are its synchronous candidates (a server never waits for itself).
    synchronousStandbyNames: synchronousStandbyNames(settings, true),
    hba: hbaLines(settings.members, layout),
    dcs,
  };
  const members = settings.members.map((member): LocalMember => {
    const dir = layout.dataDir(member);
    const candidate = member.region === settings.primaryRegion;
    return {
      ...common(member, layout),
      debianPackage: "patroni",
      // Patroni runs initdb (first member), pg_basebackup (the others), postgres and pg_rewind.
      command: [PATRONI_BINARY, `${dir}/patroni.yml`],
      binaries: { [`${BIN}/postgres`]: "postgresql", [`${BIN}/pg_rewind`]: "postgresql" },
      files: {
        [`${dir}/patroni.yml`]: patroniConfig(cluster, { member, candidate }, layout),
        [`${dir}/queries.yaml`]: CNPG_DEFAULT_QUERIES,
      },
      setup: [],
      otherPorts: [PATRONI_API_PORT],
    };
  });
  return [...controlPlaneLocal(model, store, dcs, layout), ...members];
}

function plain(settings: PostgresSettings, layout: LocalLayout): LocalMember[] {
  const primary = settings.members[0]!;
  const syncNames = synchronousStandbyNames(settings, false);
  return settings.members.map((member) => {
    const dir = layout.dataDir(member);
    const pgdata = `${dir}/pgdata`;
    const server = [
      `${BIN}/postgres`,
      "-D",
      pgdata,
      ...[
        `listen_addresses=${layout.address(member)}`,
        `port=${PORT}`,
        `unix_socket_directories=${dir}`,
        `hba_file=${dir}/pg_hba.conf`,
        "wal_level=replica",
        "max_wal_senders=10",
        "hot_standby=on",
        "fsync=on",
      ].flatMap((setting) => ["-c", setting]),
    ];
    const isPrimary = member.role === "primary";
    const command = isPrimary
      ? [...server, "-c", `synchronous_standby_names=${syncNames}`]
      : [
          ...server,
          "-c",
          `primary_conninfo=host=${layout.address(primary)} port=${PORT} user=postgres application_name=${member.name}`,
        ];
    const setup = isPrimary
      ? [[`${BIN}/initdb`, "-D", pgdata, "-U", "postgres", "--auth=trust", "--no-sync"]]
      : [
          [
            `${BIN}/pg_basebackup`,
            ...["-h", layout.address(primary), "-p", String(PORT), "-U", "postgres"],
            ...["-D", pgdata, "-X", "stream", "-R"],
          ],
        ];
    return {
      ...common(member, layout),
      debianPackage: "postgresql",
      command,
      files: {
        [`${dir}/pg_hba.conf`]: `${hbaLines(settings.members, layout).join("\n")}\n`,
        [`${dir}/queries.yaml`]: CNPG_DEFAULT_QUERIES,
      },
      setup,
    };
  });
}
