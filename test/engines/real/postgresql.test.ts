/**
 * PostgreSQL from the settings the compiler gives CloudNativePG: a primary and streaming standbys
 * started with Debian's postgresql (as the operator would configure them), semi-sync and async.
 * Replication forms as declared (pg_stat_replication: quorum standbys beside the primary, async
 * ones elsewhere), a committed row reaches every standby, a real Prometheus with the generated
 * rules has data for every alert (the standbys' WAL receiver links and the primary's count of them
 * too, which read healthy), and a stopped exporter makes the member-down alert pending.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compilePlan } from "../../../src/compile/index.js";
import { TYPES } from "../../../src/compile/observability/index.js";
import { indicatorsOf } from "../../../src/compile/observability/indicators.js";
import { postgresql } from "../../../src/engines/postgresql.js";
import type { LocalMember } from "../../../src/engines/types.js";
import type { Model } from "../../../src/model/types.js";
import { build } from "../../analysis/helpers.js";
import {
  activeAlerts,
  expectEveryAlertHasData,
  loopbackBlock,
  Processes,
  promQuery,
  requireBinaries,
  startPrometheus,
  waitFor,
} from "./harness.js";
import { stackModel } from "./stack.js";

const BIN = "/usr/lib/postgresql/15/bin";
const suite = requireBinaries([
  `${BIN}/postgres`,
  "/usr/bin/psql",
  "/usr/bin/prometheus-postgres-exporter",
  "/usr/bin/prometheus",
])
  ? describe
  : describe.skip;

interface Rule {
  readonly alert?: string;
  readonly expr: string;
}

function psql(address: string, sql: string): string {
  const run = spawnSync("/usr/bin/psql", ["-h", address, "-U", "postgres", "-d", "postgres", "-tAc", sql], {
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`psql ${sql}: ${run.stderr}`);
  return run.stdout.trim();
}

const asyncModel = () =>
  build({
    name: "ledger",
    users: { "eu-west-1": 1 },
    datastores: {
      ledger: {
        replication: "primary-replica",
        sync: "async",
        replicas: 3,
        placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 },
        leader: "eu-west-1",
        slo: { availability: 0.999, replicationLagMs: 5_000 },
        deploy: { target: "kubernetes", engine: "postgresql" },
      },
    },
  });

const cases: {
  title: string;
  model: () => Promise<Model> | Model;
  store: string;
  seed: number;
  sync: string[];
}[] = [
  {
    title: "semi-sync (service-mesh commerce-db)",
    model: () => stackModel("service-mesh.ts"),
    store: "commerce-db",
    seed: 21,
    sync: ["quorum", "quorum", "async"],
  },
  {
    title: "async over three regions",
    model: asyncModel,
    store: "ledger",
    seed: 22,
    sync: ["async", "async"],
  },
];

for (const c of cases) {
  suite(`PostgreSQL engine: ${c.title}`, () => {
    const processes = new Processes();
    const address = loopbackBlock(c.seed);
    const addresses = new Map<string, string>();
    let members: LocalMember[] = [];
    let prometheus = "";
    let rules: Rule[] = [];

    beforeAll(async () => {
      const model = await c.model();
      const store = model.datastores.find((d) => d.name === c.store)!;
      let i = 0;
      const locals = postgresql.local!(model, store, {
        address: (m) => {
          if (!addresses.has(m.name)) addresses.set(m.name, address(i++));
          return addresses.get(m.name)!;
        },
        dataDir: (m) => processes.dir(m.name),
        networks: ["127.0.0.0/8"],
      });
      // In order: the failover's lock store, the primary, then standbys (a base backup streams
      // from the running primary).
      for (const m of locals)
        await processes.startMember(m, addresses.get(m.member.name)!, processes.dir(m.member.name));
      members = locals.filter((m) => !m.controlPlane);
      // The primary region's rules: one Prometheus scrapes every member here, as that region's
      // would see its primary (a replica region's rules watch lag only).
      const groups = compilePlan(model)
        .resources.filter(
          (r) => r.type === TYPES.prometheusRule && r.component === c.store && r.region === store.leader,
        )
        .flatMap((r) => (r.inputs as { spec: { groups: { rules: Rule[] }[] } }).spec.groups);
      rules = groups.flatMap((g) => g.rules);
      prometheus = await startPrometheus(
        processes,
        members.map((m) => ({
          address: addresses.get(m.member.name)!,
          port: m.metrics!.port,
          path: m.metrics!.path,
          component: c.store,
        })),
        groups,
      );
    }, 120_000);

    afterAll(async () => {
      await processes.cleanup();
    });

    const at = (m: LocalMember) => addresses.get(m.member.name)!;

    test("one primary; the standbys stream from it as declared", async () => {
      const [primary, ...standbys] = members;
      expect(primary?.member.role).toBe("primary");
      for (const m of members)
        await waitFor(`${m.member.name} accepts connections`, async () =>
          psql(at(m), "SELECT 1") === "1" ? true : undefined,
        );
      expect(psql(at(primary!), "SELECT pg_is_in_recovery()")).toBe("f");
      for (const s of standbys) expect(psql(at(s), "SELECT pg_is_in_recovery()")).toBe("t");
      // Only streaming standbys: one still catching up shows as "potential" even under ANY n
      // (PostgreSQL counts quorum candidates among streaming walsenders only). Polled until every
      // standby shows its declared state (a busy machine once showed a just-streaming quorum
      // standby as async); one that never does fails with the last states seen.
      const expected = standbys.map((s, i) => `${s.member.name}=${c.sync[i]}`).sort();
      let states: string[] = [];
      await waitFor("every standby streaming in its declared state", async () => {
        const rows = psql(
          at(primary!),
          "SELECT application_name || '=' || sync_state FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1",
        );
        states = rows === "" ? [] : rows.split("\n");
        return states.join() === expected.join() ? true : undefined;
      }).catch(() => undefined);
      expect(states).toEqual(expected);
      psql(at(primary!), "CREATE TABLE IF NOT EXISTS t (id int); INSERT INTO t VALUES (1)");
      for (const s of standbys)
        await waitFor(`row on ${s.member.name}`, async () =>
          psql(at(s), "SELECT count(*) FROM t") === "1" ? true : undefined,
        );
    }, 60_000);

    test("Prometheus scrapes every member and every generated alert expression has data", async () => {
      await waitFor(
        "every exporter scraped twice",
        async () => {
          const up = await promQuery(
            prometheus,
            `count_over_time(up{topoplan_component="${c.store}"}[1m]) >= 2`,
          );
          return up.length === members.length ? true : undefined;
        },
        60_000,
      );
      psql(at(members[0]!), "CREATE TABLE IF NOT EXISTS t (id int)");
      for (let i = 0; i < 20; i++) psql(at(members[0]!), `INSERT INTO t VALUES (${i})`);
      const alerts = rules.filter((r) => r.alert !== undefined);
      expect(alerts.map((r) => r.alert)).toEqual(
        expect.arrayContaining([
          "TopoplanErrorBudgetBurnPage",
          "TopoplanReplicationLagAboveSLO",
          "TopoplanReplicasDetached",
          "TopoplanReplicaLinkDown",
          "TopoplanSLOMetricsAbsent",
          "TopoplanMemberDown",
          "TopoplanNoLeader",
        ]),
      );
      await expectEveryAlertHasData(prometheus, alerts);
    }, 240_000);

    test("healthy: every standby's WAL receiver is up, the primary has every planned WAL sender", async () => {
      const model = await c.model();
      const store = model.datastores.find((d) => d.name === c.store)!;
      const ind = indicatorsOf(store, store.leader);
      const values = async (expr: string) =>
        ((await promQuery(prometheus, expr)) as { value: [number, string] }[]).map((r) => r.value[1]);
      await waitFor("every standby's link", async () => {
        const links = await values(ind.replicaLinkUp!);
        return links.length === members.length - 1 && links.every((v) => v === "1") ? true : undefined;
      });
      await waitFor("none detached", async () =>
        (await values(ind.replicasDetached!)).join() === "0" ? true : undefined,
      );
      // The availability SLI over the running exporters: the primary up and, with synchronous
      // standbys, enough of them streaming for commits to flow — no error.
      await waitFor("the availability SLI reads no error", async () =>
        (await values(ind.errorRatio!("5m"))).join() === "0" ? true : undefined,
      );
    }, 60_000);

    test("a stopped exporter makes the member-down alert pending", async () => {
      const victim = members[members.length - 1]!;
      await processes.stop(`${victim.member.name}-exporter`);
      const pending = await waitFor(
        "TopoplanMemberDown pending",
        async () => {
          const found = (await activeAlerts(prometheus)).filter(
            (a) => a.labels.alertname === "TopoplanMemberDown",
          );
          return found.length > 0 ? found : undefined;
        },
        30_000,
      );
      expect(pending[0]?.labels.instance).toContain(at(victim));
    }, 60_000);
  });
}
