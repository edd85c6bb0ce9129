// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
/**
 * CockroachDB (not installable here): the compiled StatefulSets and Jobs validate against
 * kubernetes-models, the settings are the ones the docs prescribe (table tests), the placement SQL
 * carries the exact counts, and the indicators parse and use only listed metric names.
 */

import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Job } from "kubernetes-models/batch/v1/Job";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { describe, expect, test } from "vitest";
import { analyse, compareAnalyses, parseFailures } from "../../src/analysis/index.js";
import { compileKubernetes } from "../../src/compile/kubernetes/index.js";
import type { PlannedResource } from "../../src/compile/plan.js";
import { COCKROACH_METRICS, cockroachdb } from "../../src/engines/cockroachdb.js";
import { isRegionSurvivalLayout, secondaryRegion } from "../../src/engines/cockroachdb-layout.js";
import {
  placementStatements,
  sqlIdentifier,
  zoneConfigStatement,
} from "../../src/engines/cockroachdb-placement.js";
import { etcd } from "../../src/engines/etcd.js";
import { MCS_NOT_READY_RECORDS } from "../../src/engines/members.js";
import type { Model, ResolvedDatastore } from "../../src/model/types.js";
import { byText } from "../../src/order.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { modelOf } from "../compile/kubernetes/helpers.js";
import { indicatorExpressions, promqlErrors, selectedMetrics } from "./promql.js";

function topology(
  placement: Record<string, number>,
  extra: Record<string, unknown> = {},
  name = "ledger",
): TopologyInput {
  const replicas = Object.values(placement).reduce((a, b) => a + b, 0);
  return {
    name: "bank",
    users: { "eu-west-1": 1 },
    datastores: {
      [name]: {
        replication: "consensus",
        replicas,
        placement,
        deploy: { target: "kubernetes", engine: "cockroachdb" },
        ...extra,
      },
    },
  } as TopologyInput;
}

function compiled(t: TopologyInput): {
  model: Model;
  store: ResolvedDatastore;
  resources: PlannedResource[];
} {
  const model = modelOf(t);
  const store = model.datastores[0]!;
  return { model, store, resources: compileKubernetes(model) };
}

const ofKind = (resources: readonly PlannedResource[], kind: string) =>
  resources
    .filter((r) => (r.inputs as any).kind === kind)
    .map((r) => ({ region: r.region, m: r.inputs as any }));

const arg = (args: string[], flag: string) =>
  args.find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3);

const THREE_REGIONS = { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 };

describe("cockroachdb StatefulSets", () => {
  const { resources } = compiled(topology(THREE_REGIONS, { leader: "eu-west-1", survive: "region" }));
  const sets = ofKind(resources, "StatefulSet");

  test("one StatefulSet per zone, pinned to it, whose --locality names that region and zone", () => {
    const rows = sets.map(({ region, m }) => {
      const c = m.spec.template.spec.containers[0];
      const zones =
        m.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
          .nodeSelectorTerms[0].matchExpressions[0].values;
      return {
        region,
        name: m.metadata.name,
        replicas: m.spec.replicas,
        zones,
        locality: arg(c.args, "locality"),
      };
    });
    expect(rows).toEqual([
      {
        region: "eu-central-1",
        name: "ledger-eu-central-1a",
        replicas: 1,
        zones: ["eu-central-1a"],
        locality: "region=eu-central-1,zone=eu-central-1a",
      },
      {
        region: "eu-central-1",
        name: "ledger-eu-central-1b",
        replicas: 1,
        zones: ["eu-central-1b"],
        locality: "region=eu-central-1,zone=eu-central-1b",
      },
      {
        region: "eu-north-1",
        name: "ledger-eu-north-1a",
        replicas: 1,
        zones: ["eu-north-1a"],
        locality: "region=eu-north-1,zone=eu-north-1a",
      },
      {
        region: "eu-west-1",
        name: "ledger-eu-west-1a",
        replicas: 1,
        zones: ["eu-west-1a"],
        locality: "region=eu-west-1,zone=eu-west-1a",
      },
      {
        region: "eu-west-1",
        name: "ledger-eu-west-1b",
        replicas: 1,
        zones: ["eu-west-1b"],
        locality: "region=eu-west-1,zone=eu-west-1b",
      },
    ]);
  });

  // A joining node is admitted only after the node it dials has dialled it back at its advertised
  // clusterset name (rpc.dialback.enabled), and turns ready only once joined: like etcd, it needs
  // those names before it is ready.
  test("across regions it requires clusterset records for not-ready members, as etcd does", () => {
    expect(arg(sets[0]!.m.spec.template.spec.containers[0].args, "advertise-addr")).toContain(
      ".svc.clusterset.local:",
    );
    expect(cockroachdb.requires).toContain(MCS_NOT_READY_RECORDS);
    expect(etcd.requires).toContain(MCS_NOT_READY_RECORDS);
  });

  test("every node joins the same members of every region: its own region's by local names, others' by MCS names", () => {
    const remote = (pod: string, region: string) =>
      `${pod}.${region}.ledger-peers.bank.svc.clusterset.local:26257`;
    const local = (pod: string) => `${pod}.ledger-peers.bank.svc.cluster.local:26257`;
    const joinOf = (name: string) =>
      arg(
        sets.find(({ m }) => m.metadata.name === name)!.m.spec.template.spec.containers[0].args,
        "join",
      )!.split(",");
    expect(joinOf("ledger-eu-west-1b")).toEqual([
      remote("ledger-eu-central-1a-0", "eu-central-1"),
      remote("ledger-eu-central-1b-0", "eu-central-1"),
      remote("ledger-eu-north-1a-0", "eu-north-1"),
      local("ledger-eu-west-1a-0"),
      local("ledger-eu-west-1b-0"),
    ]);
    expect(joinOf("ledger-eu-north-1a")).toEqual([
      remote("ledger-eu-central-1a-0", "eu-central-1"),
      remote("ledger-eu-central-1b-0", "eu-central-1"),
      local("ledger-eu-north-1a-0"),
      remote("ledger-eu-west-1a-0", "eu-west-1"),
      remote("ledger-eu-west-1b-0", "eu-west-1"),
    ]);
    // Both zones of a region share one list.
    expect(joinOf("ledger-eu-west-1a")).toEqual(joinOf("ledger-eu-west-1b"));
  });

  test("start flags: own advertise address, listen and HTTP ports, store on the volume, secure certs, 25% caches", () => {
    const { m } = sets.find(({ m }) => m.metadata.name === "ledger-eu-west-1b")!;
    const c = m.spec.template.spec.containers[0];
    expect(c.command).toEqual(["/cockroach/cockroach"]);
    expect(c.args[0]).toBe("start");
    expect(arg(c.args, "advertise-addr")).toBe(
      "$(POD_NAME).eu-west-1.ledger-peers.bank.svc.clusterset.local:26257",
    );
    // Nodes of its own region dial its local name, which resolves before it is ready.
    expect(arg(c.args, "locality-advertise-addr")).toBe(
      "region=eu-west-1@$(POD_NAME).ledger-peers.bank.svc.cluster.local:26257",
    );
    expect(arg(c.args, "listen-addr")).toBe(":26257");
    expect(arg(c.args, "http-addr")).toBe(":8080");
    expect(arg(c.args, "store")).toBe("path=/cockroach/cockroach-data");
    expect(arg(c.args, "certs-dir")).toBe("/cockroach/cockroach-certs");
    expect([arg(c.args, "cache"), arg(c.args, "max-sql-memory")]).toEqual(["25%", "25%"]);
    expect(c.args).not.toContain("--insecure");
    expect(c.volumeMounts).toContainEqual({ name: "data", mountPath: "/cockroach/cockroach-data" });
    expect(c.volumeMounts).toContainEqual({
      name: "certs",
      mountPath: "/cockroach/cockroach-certs",
      readOnly: true,
    });
    expect(m.spec.template.spec.volumes).toContainEqual({
      name: "certs",
      projected: {
        defaultMode: 0o400,
        sources: [
          {
            secret: {
              name: "ledger-node-certs",
              items: [
                { key: "ca.crt", path: "ca.crt" },
                { key: "node.crt", path: "node.crt" },
                { key: "node.key", path: "node.key" },
              ],
            },
          },
        ],
      },
    });
    expect(m.spec.template.spec.securityContext).toMatchObject({
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
    });
    expect(c.readinessProbe.httpGet).toEqual({ path: "/health?ready=1", port: 8080, scheme: "HTTPS" });
    expect(c.livenessProbe.httpGet).toEqual({ path: "/health", port: 8080, scheme: "HTTPS" });
  });

  test("a one-region store advertises cluster-local names", () => {
    const { resources: one } = compiled(topology({ "eu-west-1": 3 }));
    const c = ofKind(one, "StatefulSet")[0]!.m.spec.template.spec.containers[0];
    expect(arg(c.args, "advertise-addr")).toBe("$(POD_NAME).ledger-peers.bank.svc.cluster.local:26257");
    expect(arg(c.args, "join")!.split(",")).toHaveLength(3);
  });

  test("--join keeps at most three members per region", () => {
    const { resources: big } = compiled(topology({ "eu-west-1": 5, "eu-central-1": 4 }));
    const join = arg(ofKind(big, "StatefulSet")[0]!.m.spec.template.spec.containers[0].args, "join")!.split(
      ",",
    );
    expect(join.filter((h) => h.startsWith("ledger-eu-west-1")).length).toBe(3);
    expect(join.filter((h) => h.startsWith("ledger-eu-central-1")).length).toBe(3);
  });

  test("StatefulSets, Jobs and policies validate against kubernetes-models", () => {
    const models: Record<string, new (d: any) => { validate(): void }> = { StatefulSet, Job, NetworkPolicy };
    const checked = resources.filter((r) => (r.inputs as any).kind in models);
    const count = (kind: string) => checked.filter((r) => (r.inputs as any).kind === kind).length;
    // Two setup Jobs, and a rollout Job per region of the three (several StatefulSets).
    expect([count("StatefulSet"), count("Job")]).toEqual([5, 5]);
    for (const r of checked) {
      const Model = models[(r.inputs as any).kind]!;
      expect(() => new Model(r.inputs).validate(), r.name).not.toThrow();
    }
  });
});

describe("cockroachdb Jobs", () => {
  const { resources } = compiled(topology(THREE_REGIONS, { leader: "eu-west-1", survive: "region" }));
  const jobs = ofKind(resources, "Job").filter(
    ({ m }) => m.spec.template.metadata.labels["app.kubernetes.io/component"] === "setup",
  );

  test("init and placement run once, from the first region, against its first member", () => {
    expect(jobs.map(({ region, m }) => [region, m.metadata.name])).toEqual([
      ["eu-central-1", "ledger-init"],
      ["eu-central-1", "ledger-placement"],
    ]);
    const init = jobs[0]!.m.spec.template.spec.containers[0].command[2] as string;
    expect(init).toContain(
      "/cockroach/cockroach init --host=ledger-eu-central-1a-0.ledger-peers.bank.svc.cluster.local:26257 --certs-dir=/cockroach/cockroach-certs",
    );
    expect(init).toContain("'cluster has already been initialized'");
  });

  test("Job pods are not selected by the component's Services or budget, and carry the root client certificate", () => {
    const pod = jobs[0]!.m.spec.template;
    expect(pod.metadata.labels["app.kubernetes.io/name"]).toBe("ledger-init");
    // No Istio sidecar: with Istio 1.24's regular sidecars the Job would never complete.
    for (const { m } of jobs)
      expect(m.spec.template.metadata.labels["sidecar.istio.io/inject"]).toBe("false");
    expect(pod.spec.volumes[1].projected.sources[0].secret.name).toBe("ledger-client-root");
    expect(pod.spec.containers[0].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
  });

  test("a policy pair lets the Job reach the members' SQL port", () => {
    const policies = ofKind(resources, "NetworkPolicy").filter(({ m }) =>
      m.metadata.name.startsWith("ledger-init"),
    );
    expect(policies.map(({ m }) => [m.metadata.name, m.spec.policyTypes[0]])).toEqual([
      ["ledger-init-egress", "Egress"],
      ["ledger-init-ingress", "Ingress"],
    ]);
    expect(policies[0]!.m.spec.egress[0].ports).toEqual([{ protocol: "TCP", port: 26257 }]);
  });
});

/** A 5-replica CockroachDB store led from eu-west-1 that must survive a region, with replica roles. */
const regionSurvival = (placement: Record<string, number | Record<string, number>>) =>
  modelOf({
    ...topology({}),
    datastores: {
      ledger: {
        replication: "consensus",
        replicas: 5,
        placement,
        leader: "eu-west-1",
        survive: "region",
        deploy: { target: "kubernetes", engine: "cockroachdb" },
      },
    },
  } as TopologyInput).datastores[0]!;

describe("cockroachdb placement SQL", () => {
  const store = (placement: Record<string, number>, extra: Record<string, unknown> = {}) =>
    modelOf(topology(placement, extra)).datastores[0]!;
  const statements = (placement: Record<string, number>, extra: Record<string, unknown> = {}) => {
    const model = modelOf(topology(placement, extra));
    return placementStatements(model, model.datastores[0]!);
  };

  test("survive region over 2+2+1 with the leader holding 2: multi-region SQL, the other 2 the secondary region", () => {
    const s = store(THREE_REGIONS, { leader: "eu-west-1", survive: "region" });
    expect(isRegionSurvivalLayout(s)).toBe(true);
    expect(secondaryRegion(s)).toBe("eu-central-1");
    expect(s.leaderPreference).toBe(true);
    expect(statements(THREE_REGIONS, { leader: "eu-west-1", survive: "region" })).toEqual([
      'CREATE DATABASE IF NOT EXISTS "ledger" PRIMARY REGION "eu-west-1" REGIONS "eu-west-1", "eu-central-1", "eu-north-1" SURVIVE REGION FAILURE',
      'ALTER DATABASE "ledger" DROP SECONDARY REGION IF EXISTS',
      'ALTER DATABASE "ledger" ADD REGION IF NOT EXISTS "eu-west-1"',
      'ALTER DATABASE "ledger" ADD REGION IF NOT EXISTS "eu-central-1"',
      'ALTER DATABASE "ledger" ADD REGION IF NOT EXISTS "eu-north-1"',
      'ALTER DATABASE "ledger" SET PRIMARY REGION "eu-west-1"',
      'ALTER DATABASE "ledger" SURVIVE REGION FAILURE',
      'ALTER DATABASE "ledger" SET SECONDARY REGION "eu-central-1"',
    ]);
  });

  test("the secondary region is the region the analysis elects when the leader's region is lost", () => {
    const model = modelOf(topology(THREE_REGIONS, { leader: "eu-west-1", survive: "region" }));
    const lost = analyse(model, parseFailures(model, ["region:eu-west-1"])).datastores[0]!;
    expect(lost.effectiveLeader).toBe(secondaryRegion(model.datastores[0]!));
    expect(lost.leaderCandidates).toBeUndefined();
  });

  test("2+2+1 whose other 2 may not lead: a zone configuration, its lease preferences only the regions that may lead", () => {
    // The multi-region form cannot: without a secondary region the lease may go to either region.
    const extra = { leader: "eu-west-1", survive: "region", leaderRegions: ["eu-west-1", "eu-north-1"] };
    const model = modelOf(topology(THREE_REGIONS, extra));
    const s = model.datastores[0]!;
    expect(isRegionSurvivalLayout(s)).toBe(false);
    expect(s.leaderPreference).toBe(true);
    expect(statements(THREE_REGIONS, extra)[1]).toContain(
      "lease_preferences = '[[+region=eu-west-1],[+region=eu-north-1]]'",
    );
    const lost = analyse(model, parseFailures(model, ["region:eu-west-1"])).datastores[0]!;
    expect(lost.effectiveLeader).toBe("eu-north-1");
  });

  // Lease preferences are preferences: with none of them live, CockroachDB leases to another voter.
  test("2+2+1 whose leases prefer the lost region only: another region's voters lead, as survival says", () => {
    const extra = { leader: "eu-west-1", survive: "region", leaderRegions: ["eu-west-1"] };
    const model = modelOf(topology(THREE_REGIONS, extra));
    expect(statements(THREE_REGIONS, extra)[1]).toContain("lease_preferences = '[[+region=eu-west-1]]'");
    const base = analyse(model).datastores[0]!;
    expect(base.survival.region.survives).toBe(true);
    const lost = analyse(model, parseFailures(model, ["region:eu-west-1"])).datastores[0]!;
    expect(lost.partitionsWithoutQuorum).toBe(0);
    // Which of the two the allocator picks is not known: both are candidates, the worst priced.
    expect(lost.leaderCandidates).toEqual(["eu-central-1", "eu-north-1"]);
    expect(["eu-central-1", "eu-north-1"]).toContain(lost.effectiveLeader);
    expect(lost.write.byOrigin.every((o) => o.unavailable !== true)).toBe(true);
  });

  test("survive region over 2+1+1+1: no secondary region (it would add a sixth replica); the analysis prices any successor", () => {
    const FOUR = { "eu-west-1": 2, "eu-central-1": 1, "eu-north-1": 1, "eu-west-2": 1 };
    const extra = { leader: "eu-west-1", survive: "region" };
    const model = modelOf(topology(FOUR, extra));
    const s = model.datastores[0]!;
    expect(isRegionSurvivalLayout(s)).toBe(true);
    expect(secondaryRegion(s)).toBeUndefined();
    expect(s.leaderPreference).toBe(false);
    const sql = statements(FOUR, extra);
    expect(sql.at(-1)).toBe('ALTER DATABASE "ledger" SURVIVE REGION FAILURE');
    expect(sql.some((line) => line.includes("SECONDARY REGION") && !line.includes("DROP"))).toBe(false);
    // CockroachDB prefers the primary region only: the lease stays there while it is up, and
    // after losing it may go to any other region's voter, so every one is a candidate.
    const failed = analyse(model, parseFailures(model, ["region:eu-west-1"]));
    const lost = failed.datastores[0]!;
    expect(lost.leaderCandidates).toEqual(["eu-central-1", "eu-north-1", "eu-west-2"]);
    const moved = compareAnalyses(analyse(model), failed).find((c) => c.kind === "leader-moved")!;
    expect(moved.message).toContain(
      "(no preferred successor: any of eu-central-1, eu-north-1, eu-west-2 may take over; priced at the worst)",
    );
    const other = analyse(model, parseFailures(model, ["region:eu-north-1"])).datastores[0]!;
    expect(other.effectiveLeader).toBe("eu-west-1");
    expect(other.leaderCandidates).toBeUndefined();
    // The leaseholder's own zone: the preference keeps the lease in the primary region (unlike
    // etcd's or Redis' leader, which any member may succeed).
    expect(s.incumbency).toBe("region");
    const zone = analyse(model, parseFailures(model, [`zone:${s.groups[0]!.leader.zone}`])).datastores[0]!;
    expect(zone.effectiveLeader).toBe("eu-west-1");
    expect(zone.leaderCandidates).toBeUndefined();
  });

  test.each([
    [
      "survive region but 3+1+1 (CockroachDB would put 2 voters in the primary)",
      { "eu-west-1": 3, "eu-central-1": 1, "eu-north-1": 1 },
      "region",
      5,
    ],
    ["survive region with 7 replicas", { "eu-west-1": 3, "eu-central-1": 2, "eu-north-1": 2 }, "region", 7],
    ["survive zone over three regions", THREE_REGIONS, "zone", 5],
  ])("%s: a zone configuration with the exact counts", (_, placement, survive, n) => {
    const s = store(placement, { leader: "eu-west-1", survive });
    expect(isRegionSurvivalLayout(s)).toBe(false);
    const counts = Object.fromEntries(Object.entries(placement).map(([r, k]) => [`+region=${r}`, k]));
    // After the leader: the most voters first (eu-central-1 has 2 in every case), then eu-north-1.
    expect(statements(placement, { leader: "eu-west-1", survive })).toEqual([
      'CREATE DATABASE IF NOT EXISTS "ledger"',
      `ALTER DATABASE "ledger" CONFIGURE ZONE USING num_replicas = ${n}, num_voters = ${n}, constraints = '${JSON.stringify(
        Object.fromEntries(Object.entries(counts).sort(([a], [b]) => byText(a, b))),
      )}', lease_preferences = '[[+region=eu-west-1],[+region=${placement["eu-central-1"] >= placement["eu-north-1"] ? "eu-central-1],[+region=eu-north-1" : "eu-north-1],[+region=eu-central-1"}]]'`,
    ]);
  });

  test("the leader is the first lease preference; the database is the component with - → _", () => {
    const model = modelOf(
      topology({ "eu-west-1": 2, "eu-central-1": 1 }, { leader: "eu-central-1" }, "core-ledger"),
    );
    expect(placementStatements(model, model.datastores[0]!)[1]).toBe(
      `ALTER DATABASE "core_ledger" CONFIGURE ZONE USING num_replicas = 3, num_voters = 3, constraints = '{"+region=eu-central-1":1,"+region=eu-west-1":2}', lease_preferences = '[[+region=eu-central-1],[+region=eu-west-1]]'`,
    );
  });

  // Model roles: read-only replicas never vote (CockroachDB's non-voting replicas).
  const withRolesModel = () =>
    modelOf({
      ...topology({}),
      datastores: {
        ledger: {
          replication: "consensus",
          replicas: 6,
          placement: {
            "eu-west-1": 2,
            "eu-central-1": { voters: 1, readOnly: 1 },
            "eu-north-1": 1,
            "us-east-1": { readOnly: 1 },
          },
          leader: "eu-west-1",
          survive: "region",
          deploy: { target: "kubernetes", engine: "cockroachdb" },
        },
      },
    } as TopologyInput);

  test("read-only replicas are non-voting: num_voters and voter_constraints count the voting roles", () => {
    const model = withRolesModel();
    expect(model.datastores[0]!.quorum.write).toBe(3);
    // The read-only region (us-east-1) never takes the lease: it holds no voter.
    expect(placementStatements(model, model.datastores[0]!)[1]).toBe(
      `ALTER DATABASE "ledger" CONFIGURE ZONE USING num_replicas = 6, num_voters = 4, ` +
        `constraints = '{"+region=eu-central-1":2,"+region=eu-north-1":1,"+region=eu-west-1":2,"+region=us-east-1":1}', ` +
        `voter_constraints = '{"+region=eu-central-1":1,"+region=eu-north-1":1,"+region=eu-west-1":2}', ` +
        `lease_preferences = '[[+region=eu-west-1],[+region=eu-central-1],[+region=eu-north-1]]'`,
    );
  });

  test("a region-survival count with a read-only replica keeps the zone configuration (SURVIVE REGION makes all 5 vote)", () => {
    const s = regionSurvival({
      "eu-west-1": 2,
      "eu-central-1": 1,
      "eu-north-1": 1,
      "us-east-1": { readOnly: 1 },
    });
    expect(isRegionSurvivalLayout(s)).toBe(false);
    expect(zoneConfigStatement(s)).toContain("num_voters = 4, ");
  });

  test("identifiers are quoted with embedded quotes doubled", () => {
    expect(sqlIdentifier('a"b')).toBe('"a""b"');
    expect(sqlIdentifier("eu-west-1")).toBe('"eu-west-1"');
  });

  test("the placement Job runs the statements through cockroach sql, shell-quoted", () => {
    const { resources } = compiled(topology({ "eu-west-1": 3 }));
    const script = ofKind(resources, "Job").find(({ m }) => m.metadata.name === "ledger-placement")!.m.spec
      .template.spec.containers[0].command[2] as string;
    expect(script).toContain(`'--execute=CREATE DATABASE IF NOT EXISTS "ledger";'`);
    expect(script).toContain(
      `'--execute=ALTER DATABASE "ledger" CONFIGURE ZONE USING num_replicas = 3, num_voters = 3, constraints = '"'"'{"+region=eu-west-1":3}'"'"', lease_preferences = '"'"'[[+region=eu-west-1]]'"'"';'`,
    );
  });
});

describe("cockroachdb indicators", () => {
  const model = modelOf(topology({ "eu-west-1": 3 }));
  const ind = cockroachdb.indicators(model.datastores[0]!);
  const exprs = indicatorExpressions(ind);

  test("every expression parses and selects only metrics of the list kept with its source", () => {
    expect(exprs.length).toBeGreaterThanOrEqual(8);
    for (const e of exprs) {
      expect(promqlErrors(e), e).toEqual([]);
      for (const metric of selectedMetrics(e)) expect(COCKROACH_METRICS, e).toContain(metric);
    }
    expect(cockroachdb.metricNames).toEqual(COCKROACH_METRICS);
  });

  test("latency histograms count nanoseconds: the seconds indicators scale by 1e-9", () => {
    expect(ind.p99LatencySeconds).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(sql_service_latency_bucket{topoplan_component="ledger"}[5m]))) * 1e-9',
    );
    expect(ind.avgLatencySeconds).toMatch(/\) \* 1e-9$/);
  });

  test("no leader means a range without quorum", () => {
    expect(ind.leaderPresent).toBe('sum(ranges_unavailable{topoplan_component="ledger"}) == bool 0');
  });
});

describe("cockroachdb lease preferences follow the analysis' leader election", () => {
  const bank = (placement: Record<string, number | { readOnly: number }>) => {
    const replicas = Object.values(placement).reduce<number>(
      (sum, p) => sum + (typeof p === "number" ? p : p.readOnly),
      0,
    );
    return modelOf({
      name: "bank",
      users: { "eu-west-1": 0.3, "us-east-1": 0.6, "eu-central-1": 0.1 },
      datastores: {
        ledger: {
          replication: "consensus",
          replicas,
          placement,
          leader: "eu-west-1",
          deploy: { target: "kubernetes", engine: "cockroachdb" },
        },
      },
    } as TopologyInput);
  };
  const leaseOrder = (model: Model) => {
    const sql = placementStatements(model, model.datastores[0]!)[1]!;
    return [...sql.matchAll(/\+region=([a-z0-9-]+)\]/g)].map((m) => m[1]);
  };
  const electedAfter = (model: Model, ...down: string[]) =>
    analyse(
      model,
      parseFailures(
        model,
        down.map((r) => `region:${r}`),
      ),
    ).datastores[0]!.effectiveLeader;

  // Nine voters over five regions and a non-voting replica: after the leader's region, the lease
  // must go where the what-if analysis elects, not to any voter CockroachDB likes. Equal voter
  // counts: the region nearest to the users comes first; the lone voter's region last.
  const even = bank({
    "eu-west-1": 2,
    "eu-central-1": 2,
    "eu-north-1": 2,
    "us-east-1": 2,
    "eu-south-1": 1,
    "eu-west-2": { readOnly: 1 },
  });

  test("the leader, then the nearest to the users; never the region without a voter", () => {
    expect(leaseOrder(even)).toEqual(["eu-west-1", "us-east-1", "eu-central-1", "eu-north-1", "eu-south-1"]);
  });

  test("the analysis elects the next preference after each region loss", () => {
    const order = leaseOrder(even);
    expect(electedAfter(even, order[0]!)).toBe(order[1]);
    expect(electedAfter(even, order[0]!, order[1]!)).toBe(order[2]);
    expect(electedAfter(even, order[0]!, order[2]!)).toBe(order[1]);
  });

  test("fewer voters in the nearer region: the count wins, as in the election", () => {
    const fewer = bank({ "eu-west-1": 2, "us-east-1": 1, "eu-central-1": 2, "eu-north-1": 2 });
    expect(leaseOrder(fewer)).toEqual(["eu-west-1", "eu-central-1", "eu-north-1", "us-east-1"]);
    expect(electedAfter(fewer, "eu-west-1")).toBe("eu-central-1");
  });
});
