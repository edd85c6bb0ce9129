import { describe, expect, test } from "vitest";
import {
  compileMesh,
  connectionLimit,
  GRPC_RETRY_ON,
  maxEjectionPercent,
  POOL,
  RETRY_ON,
  TYPES,
} from "../../../src/compile/mesh/index.js";
import type { PlannedResource } from "../../../src/compile/plan.js";
import { ENGINE_SHOP } from "../kubernetes/helpers.js";
import { modelOf, SMALL, smallModel } from "../observability/fixture.js";

const model = smallModel();
const plan = compileMesh(model);
const spec = (r: PlannedResource) => (r.inputs as { spec: Record<string, unknown> }).spec;
const named = (name: string) => {
  const found = plan.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no ${name} in ${plan.map((r) => r.name).join(", ")}`);
  return found;
};

describe("mesh target", () => {
  test("VirtualService per caller region and callee: the call's timeout and retries, scoped to the caller", () => {
    const vs = named("eu-central-1/shop/VirtualService/accounts-routes");
    expect(vs.type).toBe(TYPES.virtualService);
    expect(spec(vs)).toEqual({
      hosts: ["accounts.shop.svc.cluster.local"],
      exportTo: ["."],
      http: [
        {
          name: "from-api",
          match: [{ sourceLabels: { "app.kubernetes.io/name": "api" } }],
          route: [{ destination: { host: "accounts.shop.svc.cluster.local", port: { number: 26257 } } }],
          // services.api.calls[0]: timeoutMs 250, perTryTimeoutMs 100, retries 2
          timeout: "0.25s",
          retries: { attempts: 2, perTryTimeout: "0.1s", retryOn: RETRY_ON },
        },
        {
          name: "default",
          route: [{ destination: { host: "accounts.shop.svc.cluster.local", port: { number: 26257 } } }],
        },
      ],
    });
    expect(RETRY_ON).toBe("5xx,reset,connect-failure,refused-stream");
  });

  test("perTryTimeout defaults to timeoutMs; the host is the callee's namespace; the VS lives with the caller", () => {
    const vs = named("eu-west-1/shop/VirtualService/ledger-routes");
    const http = spec(vs).http as { timeout: string; retries: unknown }[];
    expect(spec(vs).hosts).toEqual(["ledger.payments.svc.cluster.local"]);
    expect(http[0]).toMatchObject({ timeout: "0.5s", retries: { attempts: 1, perTryTimeout: "0.5s" } });
  });

  test("DestinationRule per call: outlier detection and a connection pool from traffic, for the caller's pods", () => {
    const dr = named("eu-west-1/shop/DestinationRule/api-to-accounts");
    // api: 1200 req/s over 2 regions × 3 pods = 200/s per pod; 3 attempts × 0.1 s = 60 in flight; × 2.
    expect(spec(dr)).toEqual({
      host: "accounts.shop.svc.cluster.local",
      exportTo: ["."],
      workloadSelector: { matchLabels: { "app.kubernetes.io/name": "api" } },
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 120 }, http: { http2MaxRequests: 120 } },
        outlierDetection: {
          consecutive5xxErrors: 5,
          interval: "10s",
          baseEjectionTime: "30s",
          // 5 replicas, write quorum 3: at most 2 of 5 ejected.
          maxEjectionPercent: 40,
        },
      },
    });
    // ledger call: 200/s × 2 attempts × 0.5 s = 200 in flight; × 2.
    const ledger = spec(named("eu-west-1/shop/DestinationRule/api-to-ledger")) as {
      trafficPolicy: { connectionPool: unknown; outlierDetection: { maxEjectionPercent: number } };
    };
    expect(ledger.trafficPolicy.connectionPool).toEqual({
      tcp: { maxConnections: 400 },
      http: { http2MaxRequests: 400 },
    });
    expect(ledger.trafficPolicy.outlierDetection.maxEjectionPercent).toBe(50);
  });

  test("without declared traffic the pool is Envoy's default; never below the minimum", () => {
    const api = model.services.find((s) => s.name === "api")!;
    const call = api.calls[0]!;
    const { traffic: _traffic, ...noTraffic } = api;
    expect(connectionLimit({ ...noTraffic, deploy: api.deploy } as never, call)).toBe(POOL.defaultLimit);
    expect(connectionLimit({ ...api, traffic: { requestsPerSec: 1 } } as never, call)).toBe(POOL.minimum);
    expect(maxEjectionPercent(model.streams[0]!)).toBe(33);
  });

  test("calls to streams and to components not on Kubernetes get no mesh routes", () => {
    const m = modelOf({
      ...SMALL,
      services: {
        ...SMALL.services,
        api: {
          regions: ["eu-west-1"],
          calls: [
            { to: "clicks", timeoutMs: 100 },
            { to: "ext", timeoutMs: 100 },
          ],
          deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
        },
        ext: { regions: ["eu-west-1"] },
      },
    });
    const names = compileMesh(m).map((r) => r.name);
    expect(names.filter((n) => n.includes("VirtualService") || n.includes("DestinationRule"))).toEqual([]);
  });

  test("mTLS STRICT per namespace and region; the metrics port stays PERMISSIVE for Prometheus, and the peer port of a store spanning regions for its members elsewhere", () => {
    const strict = plan.filter((r) => r.name.endsWith("/PeerAuthentication/mtls-strict")).map((r) => r.name);
    expect(strict.sort()).toEqual([
      "eu-central-1/shop/PeerAuthentication/mtls-strict",
      "eu-north-1/shop/PeerAuthentication/mtls-strict",
      "eu-west-1/payments/PeerAuthentication/mtls-strict",
      "eu-west-1/shop/PeerAuthentication/mtls-strict",
    ]);
    expect(spec(named("eu-west-1/shop/PeerAuthentication/mtls-strict"))).toEqual({
      mtls: { mode: "STRICT" },
    });
    expect(spec(named("eu-west-1/shop/PeerAuthentication/accounts-mtls"))).toEqual({
      selector: { matchLabels: { "app.kubernetes.io/name": "accounts" } },
      mtls: { mode: "STRICT" },
      // accounts (no engine) spans regions: its members elsewhere reach 26257 (its peer port:
      // deploy.port) from another region's mesh, in plaintext.
      portLevelMtls: { "26257": { mode: "PERMISSIVE" }, "9090": { mode: "PERMISSIVE" } },
    });
  });

  test("logical names are unique", () => {
    expect(new Set(plan.map((r) => r.name)).size).toBe(plan.length);
  });
});

describe("several calls from one caller to one callee", () => {
  const m = modelOf({
    ...SMALL,
    services: {
      ...SMALL.services,
      api: {
        regions: ["eu-west-1"],
        replicasPerRegion: 2,
        traffic: { requestsPerSec: 100 },
        calls: [
          { to: "accounts", op: "read", timeoutMs: 100, retries: 2 },
          { to: "accounts", op: "write", timeoutMs: 400, perTryTimeoutMs: 200, retries: 1 },
        ],
        deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
      },
    },
  });
  const plan = compileMesh(m);

  test("share one route (largest timeouts, fewest retries) and one DestinationRule (pools add up)", () => {
    const vs = plan.filter((r) => r.name === "eu-west-1/shop/VirtualService/accounts-routes");
    expect(vs).toHaveLength(1);
    const http = (vs[0]!.inputs as { spec: { http: unknown[] } }).spec.http;
    expect(http[0]).toMatchObject({ timeout: "0.4s", retries: { attempts: 1, perTryTimeout: "0.2s" } });
    const drs = plan.filter((r) => r.name === "eu-west-1/shop/DestinationRule/api-to-accounts");
    expect(drs).toHaveLength(1);
    // 50 calls/s per pod: read 3 × 0.1 s = 15 → 30; write 2 × 0.2 s = 20 → 40; together 70.
    expect(
      (drs[0]!.inputs as { spec: { trafficPolicy: { connectionPool: unknown } } }).spec.trafficPolicy
        .connectionPool,
    ).toEqual({
      tcp: { maxConnections: 70 },
      http: { http2MaxRequests: 70 },
    });
  });
});

describe("engine-backed callees", () => {
  const m = modelOf(ENGINE_SHOP);
  const plan = compileMesh(m);
  const names = plan.map((r) => r.name);
  const specOf = (name: string) => spec(plan.find((r) => r.name === name)!);

  test("etcd (gRPC): its streams (watches, lease keep-alives) get a route without the call's timeout, first; the calls retry on UNAVAILABLE", () => {
    const http = specOf("eu-west-1/shop/VirtualService/meta-routes").http as {
      name: string;
      match?: { uri?: { exact: string } }[];
      timeout?: string;
      retries?: { retryOn?: string };
    }[];
    expect(http[0]).toMatchObject({ name: "streams", timeout: "0s" });
    expect(http[0]!.match!.map((m) => m.uri!.exact)).toContain("/etcdserverpb.Watch/Watch");
    expect(http[0]!.match!.map((m) => m.uri!.exact)).toContain("/etcdserverpb.Lease/LeaseKeepAlive");
    const calls = http.filter((r) => r.name.startsWith("from-"));
    expect(calls.length).toBeGreaterThan(0);
    for (const route of calls) if (route.retries?.retryOn) expect(route.retries.retryOn).toBe(GRPC_RETRY_ON);
    expect(GRPC_RETRY_ON).toBe(`${RETRY_ON},unavailable`);
    // A service's routes have no stream route, and HTTP's retry conditions.
    const accounts = spec(named("eu-central-1/shop/VirtualService/accounts-routes")).http as {
      name: string;
    }[];
    expect(accounts.map((r) => r.name)).not.toContain("streams");
  });

  test("etcd (gRPC): routed to topoplan's Service on the engine's client port 2379, not deploy.port", () => {
    const http = specOf("eu-west-1/shop/VirtualService/meta-routes").http as {
      route: { destination: unknown }[];
    }[];
    for (const route of http)
      expect(route.route[0]!.destination).toEqual({
        host: "meta.shop.svc.cluster.local",
        port: { number: 2379 },
      });
  });

  test("CloudNativePG: the DestinationRule names the primary cluster's -rw Service; no HTTP routes for the PostgreSQL protocol, and nothing across clusters", () => {
    expect(specOf("eu-west-1/shop/DestinationRule/api-to-orders").host).toBe(
      "orders-eu-west-1-rw.shop.svc.cluster.local",
    );
    expect(names.filter((n) => n.includes("VirtualService/orders"))).toEqual([]);
    // From us-east-1, api dials orders-eu-west-1-rw.shop.svc.clusterset.local: a TCP ServiceEntry
    // without an address would take every connection to 5432, and without one the sidecar does
    // not know the host, so a DestinationRule for it would be dead configuration.
    // (orders' replica cluster runs in us-east-1 too, but its -rw Service is read-only.)
    expect(names.filter((n) => n.startsWith("us-east-1/") && /(Rule|Entry)\/.*orders/.test(n))).toEqual([]);
  });

  test("a gRPC callee in another region's cluster: a ServiceEntry makes its exported host known, so the route and the rule apply", () => {
    // meta (etcd) runs in eu-west-1 only; api calls it from us-east-1 too.
    const host = "meta.shop.svc.clusterset.local";
    expect(specOf("us-east-1/shop/ServiceEntry/meta-clusterset")).toEqual({
      hosts: [host],
      exportTo: ["."],
      location: "MESH_EXTERNAL",
      resolution: "DNS",
      ports: [{ number: 2379, name: "grpc", protocol: "GRPC" }],
    });
    expect(specOf("us-east-1/shop/VirtualService/meta-routes").hosts).toEqual([host]);
    const rule = specOf("us-east-1/shop/DestinationRule/api-to-meta");
    expect(rule.host).toBe(host);
    // One address behind the name: the pool applies, outlier detection would have nothing to eject.
    expect(rule.trafficPolicy).toHaveProperty("connectionPool");
    expect(rule.trafficPolicy).not.toHaveProperty("outlierDetection");
    expect(specOf("eu-west-1/shop/DestinationRule/api-to-meta").trafficPolicy).toHaveProperty(
      "outlierDetection",
    );
    // At home the Service is known already.
    expect(names.filter((n) => n.includes("ServiceEntry/") && !n.startsWith("us-east-1/"))).toEqual([]);
  });

  test("PERMISSIVE exactly where clients without a sidecar connect: the scraped port, the operators', other regions' members and callers, none for sidecar-scraped services", () => {
    const permissive = Object.fromEntries(
      plan
        .filter((r) => r.type === TYPES.peerAuthentication && r.component !== "")
        .map((r) => [r.name, Object.keys((spec(r).portLevelMtls as object) ?? {})]),
    );
    expect(permissive).toEqual({
      // etcd: --listen-metrics-urls on 2381, and its client port 2379, which api in us-east-1
      // dials across clusters by its exported name (meta runs in eu-west-1 only)
      "eu-west-1/shop/PeerAuthentication/meta-mtls": ["2379", "2381"],
      // CloudNativePG: the exporter (9187), the operator's instance-manager status port (8000),
      // and 5432, which the replica cluster of the other region dials (no multi-cluster mesh)
      "eu-west-1/shop/PeerAuthentication/orders-mtls": ["5432", "8000", "9187"],
      "us-east-1/shop/PeerAuthentication/orders-mtls": ["5432", "8000", "9187"],
      // Strimzi: the cluster operator's KafkaAgent (8443), control plane (9090) and replication (9091)
      // listeners, and the JMX exporter's tcp-prometheus (9404)
      "eu-west-1/shop/PeerAuthentication/events-mtls": ["8443", "9090", "9091", "9404"],
      // api is scraped on its sidecar's 15090, which Istio never intercepts: no exception needed
    });
  });
});

describe("members in other regions under STRICT mTLS", () => {
  // Each region's istiod knows only its own cluster: a member's sidecar reaches another region's
  // member in plaintext, so the peer port stays PERMISSIVE when (and only when) the cluster spans regions.
  const cassandra = (placement: Record<string, number>) =>
    modelOf({
      name: "shop",
      users: { "eu-west-1": 1 },
      datastores: {
        events: {
          replication: "leaderless",
          replicas: Object.values(placement).reduce((a, b) => a + b, 0),
          placement,
          deploy: { target: "kubernetes", engine: "cassandra" },
        },
      },
    });
  const permissive = (placement: Record<string, number>) =>
    compileMesh(cassandra(placement))
      .filter((r) => r.type === TYPES.peerAuthentication && r.component === "events")
      .map((r) => [r.region, Object.keys((spec(r).portLevelMtls as object) ?? {})]);

  test("Cassandra in two regions: gossip and streaming (7000) beside the keyspace Job's 9042 and the exporter's 8080", () => {
    expect(permissive({ "eu-west-1": 3, "us-east-1": 3 })).toEqual([
      ["eu-west-1", ["7000", "8080", "9042"]],
      ["us-east-1", ["7000", "8080", "9042"]],
    ]);
  });

  test("Cassandra in one region: 7000 stays STRICT", () => {
    expect(permissive({ "eu-west-1": 3 })).toEqual([["eu-west-1", ["8080", "9042"]]]);
  });
});

describe("a gRPC service as callee", () => {
  // stock runs in eu-west-1 only; shop-api calls it from eu-west-1 and us-east-1.
  const m = modelOf({
    name: "shop",
    users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
    services: {
      "shop-api": {
        regions: ["eu-west-1", "us-east-1"],
        calls: [{ to: "stock", timeoutMs: 300, retries: 2 }],
        deploy: { target: "kubernetes", image: "ghcr.io/acme/shop-api:1.0.0" },
      },
      stock: {
        regions: ["eu-west-1"],
        deploy: {
          target: "kubernetes",
          image: "ghcr.io/acme/stock:1.0.0",
          protocol: "grpc",
          streamingPaths: ["/shop.Stock/Watch", "/events/"],
        },
      },
    },
  });
  const plan = compileMesh(m);
  const specOf = (name: string) => spec(plan.find((r) => r.name === name)!);

  test("its calls retry on UNAVAILABLE too (a gRPC failure is an HTTP 200)", () => {
    const http = specOf("eu-west-1/shop/VirtualService/stock-routes").http as {
      name: string;
      retries?: { retryOn?: string };
    }[];
    expect(http.find((r) => r.name === "from-shop-api")!.retries!.retryOn).toBe(GRPC_RETRY_ON);
  });

  test("its declared streaming paths are routed first, without the callers' timeout or retries; exact unless they end in /", () => {
    const http = specOf("eu-west-1/shop/VirtualService/stock-routes").http as Record<string, unknown>[];
    expect(http[0]).toEqual({
      name: "streams",
      // Exact: /shop.Stock/WatchHistory, a unary call, keeps its timeout.
      match: [{ uri: { exact: "/shop.Stock/Watch" } }, { uri: { prefix: "/events/" } }],
      route: [{ destination: { host: "stock.shop.svc.cluster.local", port: { number: 8080 } } }],
      timeout: "0s",
      retries: { attempts: 0 },
    });
    expect(http[1]).toMatchObject({ name: "from-shop-api", timeout: "0.3s" });
  });

  test("across clusters its ServiceEntry says GRPC, so the sidecar speaks HTTP/2 to it", () => {
    expect(specOf("us-east-1/shop/ServiceEntry/stock-clusterset").ports).toEqual([
      { number: 8080, name: "grpc", protocol: "GRPC" },
    ]);
  });
});

describe("a Kafka stream's mirror regions", () => {
  // The Kubernetes target runs a cluster of the stream in each mirror region (MirrorMaker 2 writes
  // the mirror there): its operator and Prometheus reach it without a sidecar there too.
  const mirrored = modelOf({
    name: "shop",
    users: { "eu-west-1": 1 },
    streams: {
      clicks: {
        regions: ["eu-west-1"],
        mirrorRegions: ["eu-north-1"],
        partitions: 12,
        replicas: 3,
        minInSync: 2,
        deploy: { target: "kubernetes", engine: "kafka" },
      },
    },
  });
  const policies = compileMesh(mirrored).filter((r) => r.type === TYPES.peerAuthentication);

  test("get the namespace's STRICT policy and the stream's sidecarless ports, as its home region does", () => {
    const names = (region: string) =>
      policies
        .filter((r) => r.region === region)
        .map((r) => (r.inputs as { metadata: { name: string } }).metadata.name)
        .sort();
    expect(names("eu-north-1")).toEqual(["clicks-mtls", "mtls-strict"]);
    expect(names("eu-north-1")).toEqual(names("eu-west-1"));
    const ports = (region: string) =>
      spec(policies.find((r) => r.region === region && r.component === "clicks")!).portLevelMtls;
    expect(ports("eu-north-1")).toEqual(ports("eu-west-1"));
  });

  test("MirrorMaker 2's REST API stays PERMISSIVE: the operator, outside the mesh, manages its connectors there", () => {
    const ports = (model: typeof mirrored) =>
      Object.keys(
        spec(
          compileMesh(model).find(
            (r) =>
              r.type === TYPES.peerAuthentication && r.component === "clicks" && r.region === "eu-west-1",
          )!,
        ).portLevelMtls as object,
      );
    expect(ports(mirrored)).toContain("8083");
    const unmirrored = modelOf({
      name: "shop",
      users: { "eu-west-1": 1 },
      streams: {
        clicks: {
          regions: ["eu-west-1"],
          partitions: 12,
          replicas: 3,
          minInSync: 2,
          deploy: { target: "kubernetes", engine: "kafka" },
        },
      },
    });
    expect(ports(unmirrored)).not.toContain("8083");
  });
});

describe("connection pools and open streams", () => {
  // api: 100 requests/s over 2 pods, one call each with a 200 ms deadline: ~10 in flight per pod.
  const pools = (engine: "etcd" | "cockroachdb") => {
    const model = modelOf({
      name: "shop",
      users: { "eu-west-1": 1 },
      datastores: {
        meta: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 3 },
          deploy: { target: "kubernetes", engine },
        },
      },
      services: {
        api: {
          regions: ["eu-west-1"],
          replicasPerRegion: 2,
          traffic: { requestsPerSec: 100 },
          calls: [{ to: "meta", timeoutMs: 200 }],
          deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0", port: 8080 },
        },
      },
    });
    const rule = compileMesh(model).find((r) => r.name === "eu-west-1/shop/DestinationRule/api-to-meta")!;
    return (spec(rule).trafficPolicy as { connectionPool: { tcp: object; http: object } }).connectionPool;
  };

  test("etcd's watches stay open: the sidecar's request limit is never below Envoy's default", () => {
    const etcd = pools("etcd");
    // Sized from the unary calls (Little's law), well under Envoy's default.
    expect((etcd.tcp as { maxConnections: number }).maxConnections).toBeLessThan(POOL.defaultLimit);
    expect(etcd.http).toEqual({ http2MaxRequests: POOL.defaultLimit });
  });

  test("without streams the requests are sized like the connections", () => {
    const unary = pools("cockroachdb");
    expect(unary.http).toEqual({
      http2MaxRequests: (unary.tcp as { maxConnections: number }).maxConnections,
    });
  });
});

describe("clients that dial every member (Cassandra's drivers, Redis after Sentinel)", () => {
  // api runs in eu-west-1 and us-east-1; both stores only in eu-west-1.
  const m = modelOf({
    name: "shop",
    users: { "eu-west-1": 1 },
    datastores: {
      events: {
        replication: "leaderless",
        replicas: 3,
        placement: { "eu-west-1": 3 },
        deploy: { target: "kubernetes", engine: "cassandra" },
      },
      cache: {
        replication: "primary-replica",
        replicas: 3,
        placement: { "eu-west-1": 3 },
        deploy: { target: "kubernetes", engine: "redis" },
      },
      ledger: {
        replication: "consensus",
        replicas: 3,
        placement: { "eu-west-1": 3 },
        deploy: { target: "kubernetes", engine: "cockroachdb" },
      },
    },
    services: {
      api: {
        regions: ["eu-west-1"],
        calls: [
          { to: "events", timeoutMs: 200 },
          { to: "cache", timeoutMs: 50 },
          { to: "ledger", timeoutMs: 300 },
        ],
        deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
      },
    },
  });
  const rules = compileMesh(m).filter((r) => r.type === TYPES.destinationRule && r.component === "api");
  const hosts = Object.fromEntries(rules.map((r) => [r.name, spec(r).host]));

  test("the pool covers the peers Service behind those connections, beside the client Service", () => {
    expect(hosts).toEqual({
      "eu-west-1/shop/DestinationRule/api-to-cache": "cache.shop.svc.cluster.local",
      "eu-west-1/shop/DestinationRule/api-to-cache-members": "cache-peers.shop.svc.cluster.local",
      "eu-west-1/shop/DestinationRule/api-to-events": "events.shop.svc.cluster.local",
      "eu-west-1/shop/DestinationRule/api-to-events-members": "events-peers.shop.svc.cluster.local",
      // CockroachDB's clients stay on the Service (a SQL gateway forwards to the leaseholder).
      "eu-west-1/shop/DestinationRule/api-to-ledger": "ledger.shop.svc.cluster.local",
    });
    const policy = (name: string) =>
      spec(rules.find((r) => r.name === `eu-west-1/shop/DestinationRule/${name}`)!).trafficPolicy as Record<
        string,
        unknown
      >;
    expect(policy("api-to-events-members").connectionPool).toEqual(policy("api-to-events").connectionPool);
    // Headless endpoints: the address dialled, and the driver keeps its own view of down nodes.
    expect(policy("api-to-events-members").outlierDetection).toBeUndefined();
    expect(policy("api-to-events").outlierDetection).toBeDefined();
  });
});
