import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readInputs } from "../../src/compile/deferred.js";
import { compilePlan } from "../../src/compile/index.js";
import { CLUSTER_ADDONS } from "../../src/compile/prerequisites/addons.js";
import { deployedCall, MESH_RETRY_BACKOFF, meshRetries, retryWaitsMs } from "../../src/model/mesh-calls.js";
import { modelIndex } from "../../src/model/model-index.js";
import type { Model, ResolvedCall } from "../../src/model/types.js";
import { loadTopology } from "../../src/pipeline.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { modelOf } from "../compile/observability/fixture.js";
import { STACKS_DIR, stackFiles } from "../render/stacks.js";

const k8s = (port = 8080) => ({ target: "kubernetes", image: "ghcr.io/acme/x:1.0.0", port }) as const;
const retried = { timeoutMs: 300, perTryTimeoutMs: 100, retries: 2 };

/** Every kind of callee a Kubernetes caller in two regions can have; `users` called twice, differently. */
const CALLEES: TopologyInput = {
  name: "shop",
  datastores: {
    // No engine: protocol unknown, members in eu-west-1 only; one that says HTTP, one a wire protocol.
    plain: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 }, deploy: k8s(7000) },
    // Reads and writes through its Service (leaderless: no primary to dial).
    web: {
      replication: "leaderless",
      consistency: "eventual",
      replicas: 3,
      placement: { "eu-west-1": 3 },
      deploy: { ...k8s(7001), protocol: "http" },
    },
    // Its clients dial the leader's members themselves for writes and strong reads: no route there.
    "web-leader": {
      replication: "consensus",
      replicas: 3,
      placement: { "eu-west-1": 3 },
      deploy: { ...k8s(7003), protocol: "http" },
    },
    wire: {
      replication: "consensus",
      replicas: 3,
      placement: { "eu-west-1": 3 },
      deploy: { ...k8s(7002), protocol: "tcp" },
    },
    crdb: {
      replication: "consensus",
      replicas: 3,
      placement: { "eu-west-1": 3 },
      deploy: { target: "kubernetes", engine: "cockroachdb" },
    },
    etcd: {
      replication: "consensus",
      replicas: 3,
      placement: { "eu-west-1": 3 },
      deploy: { target: "kubernetes", engine: "etcd" },
    },
    table: {
      replication: "multi-leader",
      replicas: 2,
      placement: { "eu-west-1": 1, "eu-central-1": 1 },
      deploy: { target: "aws", service: "dynamodb" },
    },
  },
  streams: {
    events: {
      regions: ["eu-west-1"],
      partitions: 3,
      replicas: 3,
      deploy: { target: "kubernetes", engine: "kafka" },
    },
  },
  services: {
    api: {
      regions: ["eu-west-1", "eu-central-1"],
      deploy: k8s(),
      calls: [
        ...["plain", "web", "web-leader", "wire", "crdb", "etcd", "table", "events", "outside"].map((to) => ({
          to,
          ...retried,
        })),
        { to: "users", op: "read", ...retried, backoff: { baseMs: 5, jitter: true } },
        { to: "users", op: "write", timeoutMs: 500, retries: 1 },
      ],
    },
    users: { regions: ["eu-west-1"], deploy: k8s() },
    outside: { regions: ["eu-west-1"] },
    batch: { regions: ["eu-west-1"], calls: [{ to: "users", timeoutMs: 300, retries: 1 }] },
  },
} as never;

interface Route {
  readonly at: string;
  readonly timeout: string;
  readonly retries: unknown;
}

const seconds = (ms: number) => `${ms / 1000}s`;

/** Every route of a caller the mesh compiles, by caller region, caller and callee. */
function compiledRoutes(model: Model): Route[] {
  const routes: Route[] = [];
  for (const resource of compilePlan(model).resources) {
    if (!resource.type.endsWith(":VirtualService")) continue;
    const inputs = readInputs(resource) as {
      spec: {
        http: { match?: { sourceLabels?: Record<string, string> }[]; timeout: string; retries: unknown }[];
      };
    };
    for (const route of inputs.spec.http) {
      const caller = route.match?.[0]?.sourceLabels?.["app.kubernetes.io/name"];
      if (caller === undefined) continue;
      const { attempts, perTryTimeout } = route.retries as { attempts: number; perTryTimeout?: string };
      routes.push({
        at: `${resource.region} ${caller} ${resource.component}`,
        timeout: route.timeout,
        retries: { attempts, perTryTimeout },
      });
    }
  }
  return routes.sort((a, b) => (a.at < b.at ? -1 : 1));
}

/** The same, as the model says the mesh runs each call: its deployed deadline and retries. */
function modelRoutes(model: Model): Route[] {
  const index = modelIndex(model);
  const routes = new Map<string, Route>();
  for (const caller of model.services)
    for (const call of caller.calls) {
      const run = deployedCall(index, caller, call);
      if (!run.byMesh) continue;
      for (const region of caller.regions)
        routes.set(`${region} ${caller.name} ${call.to}`, {
          at: `${region} ${caller.name} ${call.to}`,
          timeout: seconds(run.call.timeoutMs),
          retries: {
            attempts: run.call.retries,
            perTryTimeout: run.call.retries > 0 ? seconds(run.call.perTryTimeoutMs) : undefined,
          },
        });
    }
  return [...routes.values()].sort((a, b) => (a.at < b.at ? -1 : 1));
}

/**
 * The compiled routes and the model's: `counted`, those the model says the mesh runs, as the
 * compiled ones are (`compiledAlike`); `extra`, the compiled ones it does not count on; `unexplained`,
 * those of them but to a store without an engine (whose route applies only to what reaches its
 * Service in HTTP: its protocol unknown, or its leader dialled directly).
 */
function compareRoutes(model: Model) {
  const index = modelIndex(model);
  const compiled = compiledRoutes(model);
  const counted = modelRoutes(model);
  const at = new Set(counted.map((r) => r.at));
  const extra = compiled.filter((r) => !at.has(r.at)).map((r) => r.at);
  const unexplained = extra.filter((where) => {
    const callee = index.component(where.split(" ")[2]!);
    return !(
      callee?.kind === "datastore" &&
      callee.deploy.target === "kubernetes" &&
      callee.deploy.engine === undefined
    );
  });
  return { counted, compiledAlike: compiled.filter((r) => at.has(r.at)), extra, unexplained };
}

describe("which calls the mesh runs, and how", () => {
  const model = modelOf(CALLEES);
  const index = modelIndex(model);

  it("a Kubernetes caller's calls to services and to engines that speak gRPC, from every region", () => {
    const api = index.service("api")!;
    const by = (callee: string) => meshRetries(api, index.component(callee), "read");
    expect(
      ["users", "etcd", "web", "web-leader", "plain", "wire", "crdb", "events", "table", "outside"].map(by),
    ).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(meshRetries(index.service("batch")!, index.component("users"), "request")).toBe(false);
  });

  it("a caller's calls to one callee run on one route: the largest deadlines, the fewest retries, Envoy's back-off", () => {
    const api = index.service("api")!;
    const [first, second] = api.calls.filter((c) => c.to === "users");
    for (const call of [first!, second!])
      expect(deployedCall(index, api, call).call).toMatchObject({
        timeoutMs: 500,
        perTryTimeoutMs: 500,
        retries: 1,
        backoff: MESH_RETRY_BACKOFF,
        path: call.path,
      });
    // Not through the mesh: as declared.
    const crdb = api.calls.find((c) => c.to === "crdb")!;
    expect(deployedCall(index, api, crdb)).toEqual({ call: crdb, byMesh: false });
  });

  it("the model's routes are the compiled ones, deadlines and retries included", () => {
    const { counted, compiledAlike, extra, unexplained } = compareRoutes(model);
    expect(compiledAlike).toEqual(counted);
    // The rest are routes to the stores without an engine the model does not count on.
    expect(extra).toEqual(["eu-central-1 api web-leader", "eu-west-1 api plain", "eu-west-1 api web-leader"]);
    expect(unexplained).toEqual([]);
    expect(counted.map((r) => r.at)).toEqual([
      "eu-central-1 api etcd",
      "eu-central-1 api users",
      "eu-central-1 api web",
      "eu-west-1 api etcd",
      "eu-west-1 api users",
      "eu-west-1 api web",
    ]);
  });

  it("a datastore's declared protocol names its port, which Istio selects the protocol by", () => {
    const ports = (name: string) =>
      compilePlan(model)
        .resources.filter((r) => r.component === name && r.type.endsWith(":Service"))
        .flatMap((r) =>
          (readInputs(r) as { spec: { ports: { name: string }[] } }).spec.ports.map((p) => p.name),
        );
    expect(new Set(ports("wire"))).toEqual(new Set(["tcp-client", "metrics"]));
    expect(new Set(ports("web"))).toEqual(new Set(["http-client", "metrics"]));
    expect(new Set(ports("plain"))).toEqual(new Set(["client", "metrics"]));
  });

  it.each(stackFiles())("stacks/%s: the model's routes are the compiled ones", async (file) => {
    const { model } = await loadTopology(join(STACKS_DIR, file));
    const { counted, compiledAlike, unexplained } = compareRoutes(model);
    expect(compiledAlike).toEqual(counted);
    expect(unexplained).toEqual([]);
  });
});

describe("waits between attempts", () => {
  const call = (over: Partial<ResolvedCall>): ResolvedCall =>
    ({ to: "x", timeoutMs: 1000, perTryTimeoutMs: 100, retries: 5, path: "p", ...over }) as ResolvedCall;

  it("Envoy's: below an interval that starts at the base and doubles up to the cap (its own test, backoff_strategy_test.cc: base 5, max 100)", () => {
    const envoyTest = { baseMs: 5, maxMs: 100, multiplier: 2, jitter: true };
    expect(retryWaitsMs(call({ retries: 6, backoff: envoyTest }))).toEqual([5, 10, 20, 40, 80, 100]);
    expect(retryWaitsMs(call({ backoff: MESH_RETRY_BACKOFF }))).toEqual([25, 50, 100, 200, 250]);
  });

  it("the declared: base × multiplier^(n − 1), capped; none without a backoff", () => {
    const declared = call({
      retries: 4,
      backoff: { baseMs: 500, maxMs: 5000, multiplier: 3, jitter: false },
    });
    expect(retryWaitsMs(declared)).toEqual([500, 1500, 4500, 5000]);
    expect(retryWaitsMs(call({}))).toEqual([]);
  });

  it("Envoy's is the back-off because the Istio topoplan installs has no field for it", () => {
    // Istio 1.26 added HTTPRetry.backoff (a base interval, istio/api#3461): from there the route can
    // carry the declared base, and MESH_RETRY_BACKOFF and the mesh-route rule need revisiting.
    const version = CLUSTER_ADDONS.istio.charts[0]!.version;
    const [major, minor] = version.split(".").map(Number);
    expect(major === 1 && minor! < 26, `Istio ${version}`).toBe(true);
  });
});
