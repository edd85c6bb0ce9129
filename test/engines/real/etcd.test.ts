/**
 * etcd from exactly what we compile: the control-plane stack's five members, started from the
 * compiled StatefulSets' arguments (names mapped to loopback addresses, data in a temp folder).
 * The cluster forms with the declared members and elects a leader; a real Prometheus with the
 * generated rules scrapes it, every generated alert expression has data; stopping a member makes
 * the member-down alert pending. Debian's etcd-server and prometheus (installed by .ci/run).
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compilePlan } from "../../../src/compile/index.js";
import { TYPES } from "../../../src/compile/observability/index.js";
import { etcd } from "../../../src/engines/etcd.js";
import type { LocalMember } from "../../../src/engines/types.js";
import type { Model, ResolvedDatastore } from "../../../src/model/types.js";
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

const suite = requireBinaries(["/usr/bin/etcd", "/usr/bin/etcdctl", "/usr/bin/prometheus"])
  ? describe
  : describe.skip;

interface AlertRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
}

suite("etcd engine, started from the compiled manifests", () => {
  const processes = new Processes();
  const address = loopbackBlock(11);
  let model: Model;
  let store: ResolvedDatastore;
  let members: LocalMember[];
  const addresses = new Map<string, string>();
  let prometheus = "";
  let rules: AlertRule[] = [];

  beforeAll(async () => {
    model = await stackModel("control-plane.yaml");
    store = model.datastores.find((d) => d.name === "config")!;
    let i = 0;
    members = etcd.local!(model, store, {
      address: (m) => {
        if (!addresses.has(m.name)) addresses.set(m.name, address(i++));
        return addresses.get(m.name)!;
      },
      dataDir: (m) => processes.dir(m.name),
      networks: ["127.0.0.0/8"],
    });
    // etcd members wait for each other: start all, then wait for every client port.
    await Promise.all(
      members.map((m) =>
        processes.startMember(m, addresses.get(m.member.name)!, processes.dir(m.member.name)),
      ),
    );
    const groups = compilePlan(model)
      .resources.filter(
        (r) => r.type === TYPES.prometheusRule && r.component === "config" && r.region === "eu-west-1",
      )
      .flatMap((r) => (r.inputs as { spec: { groups: { rules: AlertRule[] }[] } }).spec.groups);
    rules = groups.flatMap((g) => g.rules);
    prometheus = await startPrometheus(
      processes,
      members.map((m) => ({
        address: addresses.get(m.member.name)!,
        port: m.metrics!.port,
        path: m.metrics!.path,
        component: "config",
      })),
      groups,
    );
  }, 90_000);

  afterAll(async () => {
    await processes.cleanup();
  });

  const client = () => `http://${addresses.get(members[0]!.member.name)}:${members[0]!.clientPort}`;
  const post = async (path: string, body: unknown) =>
    (await (
      await fetch(`${client()}${path}`, { method: "POST", body: JSON.stringify(body) })
    ).json()) as Record<string, unknown>;

  test("the compiled arguments name every member and RTT-derived timeouts", () => {
    expect(members.map((m) => m.member.name)).toEqual([
      "config-eu-central-1-0",
      "config-eu-central-1-1",
      "config-eu-north-1-0",
      "config-eu-west-1-0",
      "config-eu-west-1-1",
    ]);
    const cluster = members[0]!.command.find((a) => a.startsWith("--initial-cluster="))!;
    for (const m of members)
      expect(cluster).toContain(`${m.member.name}=http://${addresses.get(m.member.name)}:2380`);
    expect(members[0]!.command[0]).toBe("/usr/bin/etcd");
  });

  test("the cluster forms with the declared members and elects one leader", async () => {
    const list = await waitFor("member list", async () => {
      const body = await post("/v3/cluster/member/list", {});
      const found = (body.members as { name?: string }[] | undefined) ?? [];
      return found.length === 5 && found.every((m) => m.name) ? found : undefined;
    });
    expect(list.map((m) => m.name).sort()).toEqual(members.map((m) => m.member.name).sort());
    const leaders = await waitFor("a leader", async () => {
      const statuses = await Promise.all(
        members.map(async (m) => {
          const r = await fetch(
            `http://${addresses.get(m.member.name)}:${m.clientPort}/v3/maintenance/status`,
            {
              method: "POST",
              body: "{}",
            },
          );
          return (await r.json()) as { leader?: string; header?: { member_id?: string } };
        }),
      );
      const ids = new Set(statuses.map((s) => s.leader));
      return ids.size === 1 && !ids.has(undefined) && ids.has("0") === false ? [...ids] : undefined;
    });
    expect(leaders).toHaveLength(1);
    // A write through one member is readable through another (one Raft log).
    const key = Buffer.from("flag").toString("base64");
    await post("/v3/kv/put", { key, value: Buffer.from("on").toString("base64") });
    const other = members[4]!;
    const read = (await (
      await fetch(`http://${addresses.get(other.member.name)}:${other.clientPort}/v3/kv/range`, {
        method: "POST",
        body: JSON.stringify({ key }),
      })
    ).json()) as { kvs?: { value: string }[] };
    expect(Buffer.from(read.kvs?.[0]?.value ?? "", "base64").toString()).toBe("on");
  }, 60_000);

  test("Prometheus scrapes it and every generated alert expression has data", async () => {
    // Every member scraped at least twice before the traffic, so rates see it change.
    await waitFor(
      "all five members scraped",
      async () => {
        const up = await promQuery(prometheus, 'count_over_time(up{topoplan_component="config"}[1m]) >= 2');
        return up.length === 5 ? true : undefined;
      },
      60_000,
    );
    // gRPC traffic (etcdctl), so the request-rate and latency series move: the HTTP/JSON gateway
    // calls the server in-process and bypasses the gRPC metrics.
    const endpoints = members.map((m) => `${addresses.get(m.member.name)}:${m.clientPort}`).join(",");
    for (let i = 0; i < 20; i++) {
      const run = spawnSync("/usr/bin/etcdctl", [`--endpoints=${endpoints}`, "put", `k${i}`, "v"], {
        env: { ETCDCTL_API: "3", PATH: process.env.PATH ?? "" },
        encoding: "utf8",
      });
      expect(run.status, run.stderr).toBe(0);
    }
    const alerts = rules.filter((r) => r.alert !== undefined);
    expect(alerts.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        "TopoplanErrorBudgetBurnPage",
        "TopoplanLatencyP99AboveSLO",
        "TopoplanSLOMetricsAbsent",
        "TopoplanMemberDown",
        "TopoplanNoLeader",
      ]),
    );
    await expectEveryAlertHasData(prometheus, alerts);
  }, 240_000);

  test("stopping a member makes the member-down alert pending; the rest keep a leader", async () => {
    const victim = members.find((m) => m.member.region === "eu-north-1")!;
    await processes.stop(victim.member.name);
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
    expect(pending[0]?.labels.instance).toContain(addresses.get(victim.member.name));
    expect(await promQuery(prometheus, "min(etcd_server_has_leader)")).not.toEqual([]);
    const leaderless = (await activeAlerts(prometheus)).filter(
      (a) => a.labels.alertname === "TopoplanNoLeader",
    );
    expect(leaderless).toEqual([]);
  }, 60_000);
});
