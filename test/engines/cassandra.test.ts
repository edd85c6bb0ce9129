// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
/**
 * Cassandra (not installable here): dc = region and rack = zone per zone-pinned StatefulSet, seeds
 * across regions, the keyspace's NetworkTopologyStrategy counts, the exporter sidecar, and
 * indicators over the exporter's `cassandra_stats` names derived from Cassandra's MBeans the way
 * the exporter derives them.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Job } from "kubernetes-models/batch/v1/Job";
import { describe, expect, test } from "vitest";
import { compileKubernetes } from "../../src/compile/kubernetes/index.js";
import { componentRules } from "../../src/compile/kubernetes/network-policy.js";
import {
  CASSANDRA_MBEANS,
  cassandra,
  heapSizes,
  JOIN_GATE,
  JOIN_WAIT_SECONDS,
  keyspaceStatements,
  memoryMiB,
} from "../../src/engines/cassandra.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { modelOf } from "../compile/kubernetes/helpers.js";
import { USER_EVENTS } from "./fixtures/cassandra.js";
import { indicatorExpressions, promqlErrors, selectedMetrics } from "./promql.js";

const TOPOLOGY = {
  name: "shop",
  users: { "eu-west-1": 1 },
  datastores: {
    "user-events": USER_EVENTS,
  },
} as TopologyInput;

const model = modelOf(TOPOLOGY);
/** Running a command as another user needs root and util-linux's setpriv (CI runs as root). */
const canDropToUser = process.getuid?.() === 0 && spawnSync("setpriv", ["--version"]).status === 0;
const resources = compileKubernetes(model);
const ofKind = (kind: string) =>
  resources
    .filter((r) => (r.inputs as any).kind === kind)
    .map((r) => ({ region: r.region, m: r.inputs as any }));
const envOf = (container: any) =>
  Object.fromEntries(
    container.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]),
  );

describe("cassandra StatefulSets", () => {
  const sets = ofKind("StatefulSet");

  test("one StatefulSet per zone: datacenter = region, rack = zone, pinned to that zone", () => {
    expect(
      sets.map(({ region, m }) => {
        const env = envOf(m.spec.template.spec.containers[0]);
        const zones =
          m.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
            .nodeSelectorTerms[0].matchExpressions[0].values;
        return [region, m.metadata.name, m.spec.replicas, env.CASSANDRA_DC, env.CASSANDRA_RACK, zones.join()];
      }),
    ).toEqual([
      ["eu-west-1", "user-events-eu-west-1a", 1, "eu-west-1", "eu-west-1a", "eu-west-1a"],
      ["eu-west-1", "user-events-eu-west-1b", 1, "eu-west-1", "eu-west-1b", "eu-west-1b"],
      ["eu-west-1", "user-events-eu-west-1c", 1, "eu-west-1", "eu-west-1c", "eu-west-1c"],
      ["us-east-1", "user-events-us-east-1a", 1, "us-east-1", "us-east-1a", "us-east-1a"],
      ["us-east-1", "user-events-us-east-1b", 1, "us-east-1", "us-east-1b", "us-east-1b"],
    ]);
  });

  test("the official image's variables: cluster name, snitch, seeds = first member of each region", () => {
    const env = envOf(sets[0]!.m.spec.template.spec.containers[0]);
    expect(sets[0]!.region).toBe("eu-west-1");
    expect(env).toMatchObject({
      CASSANDRA_CLUSTER_NAME: "shop-user-events",
      CASSANDRA_ENDPOINT_SNITCH: "GossipingPropertyFileSnitch",
      // Its own region's seed by the local name (resolvable before it is ready), the other's by MCS.
      CASSANDRA_SEEDS:
        "user-events-eu-west-1a-0.user-events-peers.shop.svc.cluster.local," +
        "user-events-us-east-1a-0.us-east-1.user-events-peers.shop.svc.clusterset.local",
      CASSANDRA_CONF: "/config",
      MAX_HEAP_SIZE: "4096M",
      HEAP_NEWSIZE: "400M",
    });
    const seedsByRegion = new Map(
      sets.map(({ region, m }) => [region, envOf(m.spec.template.spec.containers[0]).CASSANDRA_SEEDS]),
    );
    expect(seedsByRegion.get("us-east-1")).toBe(
      "user-events-eu-west-1a-0.eu-west-1.user-events-peers.shop.svc.clusterset.local," +
        "user-events-us-east-1a-0.user-events-peers.shop.svc.cluster.local",
    );
    // Every zone's StatefulSet of a region has its region's list.
    for (const { region, m } of sets)
      expect(envOf(m.spec.template.spec.containers[0]).CASSANDRA_SEEDS).toBe(seedsByRegion.get(region));
  });

  test("config copied to a writable volume before the entrypoint; data, logs and UID as the image has them", () => {
    const spec = sets[0]!.m.spec.template.spec;
    const c = spec.containers[0];
    expect(c.command).toEqual([
      "/bin/bash",
      "-c",
      `cp -R /etc/cassandra/. /config/ || exit 1\n${JOIN_GATE}\nexec docker-entrypoint.sh cassandra -f`,
    ]);
    expect(c.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: "data", mountPath: "/var/lib/cassandra" },
        { name: "config", mountPath: "/config" },
        { name: "logs", mountPath: "/var/log/cassandra" },
      ]),
    );
    expect(spec.securityContext).toMatchObject({ runAsUser: 999, fsGroup: 999 });
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 9042 });
  });

  // The copy as the pod runs it: uid/gid 999 without capabilities, into a volume root owned by
  // root with the fsGroup's group and setgid (what the kubelet makes of an emptyDir with fsGroup).
  test.skipIf(!canDropToUser)("the config copy succeeds as uid 999 into an fsGroup-owned volume", () => {
    const command = sets[0]!.m.spec.template.spec.containers[0].command[2] as string;
    const copy = command.split("\n")[0]!;
    const root = mkdtempSync(join(tmpdir(), "topoplan-cassandra-cp-"));
    try {
      const source = join(root, "etc-cassandra");
      const volume = join(root, "config");
      mkdirSync(join(source, "triggers"), { recursive: true });
      writeFileSync(join(source, "cassandra.yaml"), "cluster_name: x\n");
      mkdirSync(volume);
      // The image's layout (docker-library/cassandra Dockerfile): chown -R cassandra, chmod 1777.
      execFileSync("chown", ["-R", "999:999", source]);
      chmodSync(source, 0o1777);
      chmodSync(root, 0o755);
      execFileSync("chgrp", ["999", volume]);
      chmodSync(volume, 0o2775);
      const script = copy.replace("/etc/cassandra/.", `${source}/.`).replace("/config/", `${volume}/`);
      const run = spawnSync(
        "setpriv",
        ["--reuid", "999", "--regid", "999", "--clear-groups", "bash", "-c", script],
        {
          encoding: "utf8",
        },
      );
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(readFileSync(join(volume, "cassandra.yaml"), "utf8")).toBe("cluster_name: x\n");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("the exporter sidecar reads local JMX and serves the metrics port", () => {
    const exporter = sets[0]!.m.spec.template.spec.containers[1];
    expect(exporter.image).toBe("criteord/cassandra_exporter:2.3.8");
    expect(envOf(exporter)).toEqual({
      CASSANDRA_EXPORTER_CONFIG_host: "localhost:7199",
      CASSANDRA_EXPORTER_CONFIG_listenPort: "8080",
    });
    expect(exporter.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
  });

  test("StatefulSets and the keyspace Job validate against kubernetes-models", () => {
    for (const { m } of sets) expect(() => new StatefulSet(m).validate(), m.metadata.name).not.toThrow();
    const jobs = ofKind("Job");
    // The keyspace once, from the first region; a rollout Job per region (several StatefulSets).
    expect(jobs.map(({ region, m }) => [region, m.metadata.name]).sort()).toEqual(
      [
        ["eu-west-1", "user-events-keyspace"],
        ...[...new Set(sets.map(({ region }) => region))].map((region) => [region, "user-events-rollout"]),
      ].sort(),
    );
    for (const { m } of jobs) expect(() => new Job(m).validate()).not.toThrow();
  });
});

describe("cassandra across regions", () => {
  test("each region exports its peers Service to the clusterset; one region exports nothing", () => {
    expect(ofKind("ServiceExport").map(({ region, m }) => [region, m])).toEqual(
      ["eu-west-1", "us-east-1"].map((region) => [
        region,
        {
          apiVersion: "multicluster.x-k8s.io/v1alpha1",
          kind: "ServiceExport",
          metadata: {
            name: "user-events-peers",
            namespace: "shop",
            labels: expect.objectContaining({ "app.kubernetes.io/name": "user-events" }),
          },
        },
      ]),
    );
    const single = compileKubernetes(
      modelOf({
        ...TOPOLOGY,
        datastores: {
          "user-events": {
            replication: "leaderless",
            replicas: 3,
            placement: { "eu-west-1": 3 },
            deploy: { target: "kubernetes", engine: "cassandra" },
          },
        },
      } as TopologyInput),
    );
    expect(single.filter((r) => (r.inputs as any).kind === "ServiceExport")).toEqual([]);
  });
});

describe("cassandra first start: one node joins at a time", () => {
  const sets = ofKind("StatefulSet");
  const joinOrderOf = (m: any) => envOf(m.spec.template.spec.containers[0]).TOPOPLAN_JOIN_ORDER as string;

  test("every member in one order, named as the member's region reaches it, on the CQL port", () => {
    const local = (pod: string) => `${pod}=${pod}.user-events-peers.shop.svc.cluster.local:9042`;
    const remote = (pod: string, region: string) =>
      `${pod}=${pod}.${region}.user-events-peers.shop.svc.clusterset.local:9042`;
    const eu = ["user-events-eu-west-1a-0", "user-events-eu-west-1b-0", "user-events-eu-west-1c-0"];
    const us = ["user-events-us-east-1a-0", "user-events-us-east-1b-0"];
    const byRegion = new Map(sets.map(({ region, m }) => [region, joinOrderOf(m)]));
    expect(byRegion.get("eu-west-1")).toBe(
      [...eu.map(local), ...us.map((p) => remote(p, "us-east-1"))].join(" "),
    );
    expect(byRegion.get("us-east-1")).toBe(
      [...eu.map((p) => remote(p, "eu-west-1")), ...us.map(local)].join(" "),
    );
    for (const { m } of sets) {
      const c = m.spec.template.spec.containers[0];
      expect(envOf(c).TOPOPLAN_JOIN_WAIT_SECONDS).toBe(String(JOIN_WAIT_SECONDS));
      // Liveness waits until the gate has let every earlier member join (4 of them, then the JVM).
      expect(c.startupProbe).toEqual({
        tcpSocket: { port: 7000 },
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: Math.ceil((4 * JOIN_WAIT_SECONDS + 600) / 10),
      });
    }
  });

  test("members may reach each other's CQL port, in their region and across", () => {
    const entries = componentRules(model).filter((e) => e.placed.name === "user-events");
    expect(entries.map((e) => e.placed.region)).toEqual(["eu-west-1", "us-east-1"]);
    for (const { ingress, egress } of entries)
      for (const rules of [ingress, egress]) {
        const cql = rules.filter((r) => r.port === 9042).map((r) => r.peer);
        expect(cql).toContainEqual({ kind: "pods", namespace: "shop", component: "user-events" });
        expect(cql.some((peer) => peer.kind === "regions")).toBe(true);
      }
  });

  /** The gate as compiled, run by bash with the members' addresses on loopback. */
  function runGate(
    env: { pod: string; order: string; waitSeconds?: number },
    dataDir: string,
  ): Promise<{ code: number | null; stdout: string; endedAt: number }> {
    const command = sets[0]!.m.spec.template.spec.containers[0].command[2] as string;
    const lines = command.split("\n");
    const gate = lines.slice(1, -1).join("\n").replace("/var/lib/cassandra/", `${dataDir}/`);
    expect(gate).toBe(JOIN_GATE.replace("/var/lib/cassandra/", `${dataDir}/`));
    return new Promise((resolve, reject) => {
      const child = spawn("bash", ["-c", gate], {
        env: {
          PATH: process.env.PATH,
          POD_NAME: env.pod,
          TOPOPLAN_JOIN_ORDER: env.order,
          TOPOPLAN_JOIN_WAIT_SECONDS: String(env.waitSeconds ?? 60),
        },
      });
      let stdout = "";
      child.stdout.on("data", (d) => {
        stdout += d;
      });
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, endedAt: Date.now() }));
    });
  }
  const listen = (): Promise<Server> =>
    new Promise((resolve) => {
      const server = createServer((socket) => socket.destroy());
      server.listen(0, "127.0.0.1", () => resolve(server));
    });
  const portOf = (server: Server) => (server.address() as { port: number }).port;
  /** A loopback port nothing listens on (bound, then closed). */
  const closedPort = async () => {
    const server = await listen();
    const port = portOf(server);
    await new Promise((r) => server.close(r));
    return port;
  };

  test("a member waits for each earlier one to serve, then starts; the first starts at once", async () => {
    const data = mkdtempSync(join(tmpdir(), "topoplan-cassandra-gate-"));
    const servers: Server[] = [];
    try {
      const first = await listen();
      servers.push(first);
      const secondPort = await closedPort();
      const order = `a-0=127.0.0.1:${portOf(first)} b-0=127.0.0.1:${secondPort} c-0=127.0.0.1:1`;
      const alone = await runGate({ pod: "a-0", order }, data);
      expect(alone.code).toBe(0);
      // c-0 waits for a-0 (serving) and then b-0, which starts serving a little later.
      const third = runGate({ pod: "c-0", order }, data);
      await new Promise((r) => setTimeout(r, 3000));
      const second = createServer((socket) => socket.destroy());
      servers.push(second);
      await new Promise<void>((r) => second.listen(secondPort, "127.0.0.1", () => r()));
      const servingSince = Date.now();
      const done = await third;
      expect(done.code).toBe(0);
      expect(done.stdout).toBe("");
      expect(done.endedAt).toBeGreaterThanOrEqual(servingSince);
    } finally {
      for (const s of servers) s.close();
      rmSync(data, { recursive: true, force: true });
    }
  }, 30_000);

  test("a restart (data on the volume) starts at once; a member that never serves is waited for only so long", async () => {
    const data = mkdtempSync(join(tmpdir(), "topoplan-cassandra-gate-"));
    try {
      const order = `a-0=127.0.0.1:${await closedPort()} b-0=127.0.0.1:1`;
      const gaveUp = await runGate({ pod: "b-0", order, waitSeconds: 3 }, data);
      expect(gaveUp.code).toBe(0);
      expect(gaveUp.stdout).toBe("topoplan: a-0 does not serve CQL after 3 s; starting without it\n");
      mkdirSync(join(data, "data", "system"), { recursive: true });
      const started = Date.now();
      const restart = await runGate({ pod: "b-0", order, waitSeconds: 60 }, data);
      expect(restart.code).toBe(0);
      expect(restart.stdout).toBe("");
      expect(restart.endedAt - started).toBeLessThan(10_000);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 30_000);
});

describe("cassandra keyspace", () => {
  test("NetworkTopologyStrategy with the placement's replicas per region, created then altered", () => {
    const ks = `{'class': 'NetworkTopologyStrategy', 'eu-west-1': 3, 'us-east-1': 2}`;
    expect(keyspaceStatements(model.datastores[0]!)).toEqual([
      `CREATE KEYSPACE IF NOT EXISTS "user_events" WITH replication = ${ks}`,
      `ALTER KEYSPACE "user_events" WITH replication = ${ks}`,
    ]);
  });

  test("the Job runs them with cqlsh against the first member, retrying until the ring answers", () => {
    const script = ofKind("Job")[0]!.m.spec.template.spec.containers[0].command[2] as string;
    expect(script).toContain(
      "cqlsh user-events-eu-west-1a-0.user-events-peers.shop.svc.cluster.local 9042 -e ",
    );
    expect(script).toContain(
      "'CREATE KEYSPACE IF NOT EXISTS \"user_events\" WITH replication = {'\"'\"'class'\"'\"'",
    );
    expect(script).toMatch(/sleep 5/);
  });
});

describe("cassandra heap", () => {
  test.each([
    ["1Gi", "500m", 512, 100],
    ["4Gi", "2", 1024, 200],
    ["16Gi", "4", 4096, 400],
    ["64Gi", "8", 8192, 800],
  ])(
    "memory %s, cpu %s: cassandra-env.sh's formula gives %i MB heap, %i MB new generation",
    (mem, cpu, heap, young) => {
      expect(heapSizes(mem, cpu)).toEqual({ maxHeapMiB: heap, newGenMiB: young });
    },
  );

  test("quantities", () => {
    expect(memoryMiB("512Mi")).toBe(512);
    expect(memoryMiB("2G")).toBeCloseTo(1907.35, 2);
    expect(() => memoryMiB("lots")).toThrow(/not a Kubernetes quantity/);
  });
});

/** The exporter's name of an MBean attribute (criteo/cassandra_exporter JmxScraper.getMetricPath). */
function exporterName(mbean: string, attribute: string): string {
  return `${mbean.replace(/(:type=|,[^=]+=|\.)/g, ":").replace(/ /g, "_")}:${attribute}`.toLowerCase();
}

describe("cassandra indicators", () => {
  const ind = cassandra.indicators(model.datastores[0]!);
  const exprs = indicatorExpressions(ind);

  test("every expression parses and selects only cassandra_stats", () => {
    for (const e of exprs) {
      expect(promqlErrors(e), e).toEqual([]);
      expect(selectedMetrics(e), e).toEqual(["cassandra_stats"]);
    }
    expect(cassandra.metricNames).toEqual(["cassandra_stats"]);
  });

  test("every `name` the indicators match is one the exporter derives from Cassandra's ClientRequest MBeans", () => {
    const names = CASSANDRA_MBEANS.flatMap((bean) =>
      ["count", "99thpercentile"].map((a) => exporterName(bean, a)),
    );
    expect(names).toContain("org:apache:cassandra:metrics:clientrequest:read:latency:99thpercentile");
    const patterns = exprs.flatMap((e) =>
      [...e.matchAll(/name=~"([^"]+)"/g)].map((m) => new RegExp(`^${m[1]}$`)),
    );
    expect(patterns.length).toBeGreaterThan(0);
    for (const p of patterns)
      expect(
        names.some((n) => p.test(n)),
        p.source,
      ).toBe(true);
    // Requests: the read and write latency counts exactly.
    const requests = new RegExp(`^${/name=~"([^"]+)"/.exec(ind.presence.availability!)![1]}$`);
    expect(names.filter((n) => requests.test(n)).sort()).toEqual([
      "org:apache:cassandra:metrics:clientrequest:read:latency:count",
      "org:apache:cassandra:metrics:clientrequest:write:latency:count",
    ]);
  });

  test("latency percentiles are microseconds: the p99 indicator scales by 1e-6", () => {
    expect(ind.p99LatencySeconds).toMatch(
      /^max\(cassandra_stats\{.*99thpercentile"\}\) \* 0\.000001$|\* 1e-6$/,
    );
  });
});
