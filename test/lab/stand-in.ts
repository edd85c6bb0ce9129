/**
 * A STAND-IN for the engine catalog's PostgreSQL `local()` (src/engines/postgresql.ts is the lead's
 * work and not on main yet): just enough of an EngineDefinition for the lab's own tests to start
 * real members. Never used by src/ and never reported as an engine's configuration. etcd is the
 * catalog's own engine.
 */

import { ENGINE_CAPABILITIES } from "../../src/engines/capabilities.js";
import type { EngineComponent, EngineDefinition, LocalMember, Member } from "../../src/engines/types.js";
import type { Model } from "../../src/model/types.js";

function members(component: EngineComponent): Member[] {
  if (component.kind !== "datastore") return [];
  const out: Member[] = [];
  for (const p of component.placement)
    for (let i = 0; i < p.replicas; i++)
      out.push({
        name: `${component.name}-${p.region}-${i}`,
        region: p.region,
        zone: p.zones[i % p.zones.length]!,
        ordinal: i,
        ...(component.replication === "primary-replica"
          ? { role: p.region === component.leader && i === 0 ? "primary" : "replica" }
          : {}),
      } as Member);
  return out;
}

const unused = () => {
  throw new Error("stand-in: not part of the lab");
};

const PG = "/usr/lib/postgresql/15/bin";

export const postgresStandIn: EngineDefinition = {
  id: "postgresql",
  capabilities: { ...ENGINE_CAPABILITIES.postgresql, title: "PostgreSQL (test stand-in)" },
  requires: [],
  managedBy: "statefulset",
  metricNames: [],
  indicators: unused,
  compileRegion: unused,
  local(_model: Model, component: EngineComponent, layout) {
    const all = members(component);
    const primary = all.find((m) => m.role === "primary")!;
    const replicas = all.filter((m) => m !== primary);
    const sync =
      component.kind === "datastore" && component.sync === "sync"
        ? `FIRST ${replicas.length} (${replicas.map((m) => `"${m.name}"`).join(", ")})`
        : component.kind === "datastore" && component.sync === "semi-sync"
          ? `ANY 1 (${replicas.map((m) => `"${m.name}"`).join(", ")})`
          : "";
    return all.map((m): LocalMember => {
      const dir = layout.dataDir(m);
      const data = `${dir}/data`;
      const conf = [
        `listen_addresses = '${layout.address(m)}'`,
        "port = 5432",
        `unix_socket_directories = '${dir}'`,
        "wal_level = replica",
        "max_wal_senders = 10",
        "hot_standby = on",
        "fsync = off",
        `synchronous_standby_names = '${sync.replaceAll("'", "''")}'`,
        ...(m === primary
          ? []
          : [
              `primary_conninfo = 'host=${layout.address(primary)} port=5432 user=postgres application_name=${m.name}'`,
            ]),
      ].join("\n");
      const hba = [
        "local all all trust",
        "host all all 0.0.0.0/0 trust",
        "host replication all 0.0.0.0/0 trust",
      ].join("\n");
      return {
        member: m,
        debianPackage: "postgresql",
        command: [
          `${PG}/postgres`,
          "-D",
          data,
          "-c",
          `config_file=${dir}/postgresql.conf`,
          "-c",
          `hba_file=${dir}/pg_hba.conf`,
        ],
        env: { PGUSER: "postgres" },
        files: { [`${dir}/postgresql.conf`]: `${conf}\n`, [`${dir}/pg_hba.conf`]: `${hba}\n` },
        setup:
          m === primary
            ? [[`${PG}/initdb`, "-D", data, "-U", "postgres", "--auth=trust", "--no-sync"]]
            : [
                [
                  `${PG}/pg_basebackup`,
                  "-h",
                  layout.address(primary),
                  "-p",
                  "5432",
                  "-U",
                  "postgres",
                  "-D",
                  data,
                  "-X",
                  "stream",
                  "--no-sync",
                ],
                ["/usr/bin/touch", `${data}/standby.signal`],
              ],
        clientPort: 5432,
      };
    });
  },
};
