import { describe, expect, it } from "vitest";
import { readInputs } from "../../../src/compile/deferred.js";
import { compilePlan } from "../../../src/compile/index.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { modelOf } from "../observability/fixture.js";

const k8s = { target: "kubernetes", image: "ghcr.io/acme/app:1.0.0" } as const;

/** `api` in Dublin and Frankfurt calls `users` (Dublin only), a Redis store, a DynamoDB table. */
const SPEC: TopologyInput = {
  name: "shop",
  datastores: {
    sessions: {
      replication: "primary-replica",
      consistency: "eventual",
      replicas: 3,
      placement: { "eu-west-1": 2, "eu-central-1": 1 },
      leader: "eu-west-1",
      deploy: { target: "kubernetes", engine: "redis" },
    },
    carts: {
      replication: "multi-leader",
      replicas: 2,
      placement: { "eu-west-1": 1, "eu-central-1": 1 },
      deploy: { target: "aws", service: "dynamodb" },
    },
  },
  services: {
    api: {
      regions: ["eu-west-1", "eu-central-1"],
      deploy: { ...k8s, env: { TOPOPLAN_CARTS_HOST: "carts.example.com" } },
      calls: [
        { to: "users", timeoutMs: 300 },
        { to: "sessions", op: "read", timeoutMs: 100 },
        { to: "sessions", op: "write", timeoutMs: 100 },
        { to: "carts", timeoutMs: 100 },
      ],
    },
    users: { regions: ["eu-west-1"], deploy: k8s },
  },
} as never;

/** The api container's environment variables in `region`, in their order. */
function apiEnvList(region: string, spec: TopologyInput = SPEC): { name: string; value?: string }[] {
  const deployment = compilePlan(modelOf(spec)).resources.find(
    (r) => r.region === region && r.component === "api" && r.type.endsWith(":Deployment"),
  )!;
  const inputs = readInputs(deployment) as {
    spec: { template: { spec: { containers: { name: string; env: { name: string; value?: string }[] }[] } } };
  };
  return inputs.spec.template.spec.containers.find((c) => c.name === "api")!.env;
}

/** The same, as name → value. */
const apiEnv = (region: string): Record<string, string | undefined> =>
  Object.fromEntries(apiEnvList(region).map((e) => [e.name, e.value]));

describe("a service's pods learn where their callees answer them, region by region", () => {
  it("the cluster-local name where the callee serves, its clusterset name where it does not", () => {
    expect(apiEnv("eu-west-1")).toMatchObject({
      TOPOPLAN_USERS_HOST: "users.shop.svc.cluster.local",
      TOPOPLAN_USERS_PORT: "8080",
      TOPOPLAN_REGION: "eu-west-1",
    });
    expect(apiEnv("eu-central-1")).toMatchObject({
      TOPOPLAN_USERS_HOST: "users.shop.svc.clusterset.local",
      TOPOPLAN_USERS_PORT: "8080",
    });
  });

  it("a store whose clients ask another Service first names it (Redis Sentinel), once for several calls", () => {
    const env = apiEnv("eu-central-1");
    expect(env.TOPOPLAN_SESSIONS_HOST).toBe("sessions.shop.svc.cluster.local");
    expect(env.TOPOPLAN_SESSIONS_PORT).toBe("6379");
    expect(env.TOPOPLAN_SESSIONS_DISCOVERY).toBe("sessions-sentinel.shop.svc.cluster.local:26379");
    // The Service it names serves that port.
    const sentinel = compilePlan(modelOf(SPEC)).resources.find(
      (r) =>
        r.region === "eu-central-1" && r.type.endsWith(":Service") && r.name.endsWith("/sessions-sentinel"),
    )!;
    const ports = (readInputs(sentinel) as { spec: { ports: { port: number }[] } }).spec.ports;
    expect(ports.map((p) => p.port)).toEqual([26379]);
  });

  it("one-word suffixes: no two callees' variables meet", () => {
    const spec = structuredClone(SPEC) as unknown as {
      services: Record<string, { regions: string[]; deploy?: unknown; calls?: unknown[] }>;
    };
    spec.services["sessions-discovery"] = { regions: ["eu-central-1"], deploy: k8s };
    spec.services.api!.calls!.push({ to: "sessions-discovery", timeoutMs: 100 });
    const names = apiEnvList("eu-central-1", spec as never).map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining(["TOPOPLAN_SESSIONS_DISCOVERY", "TOPOPLAN_SESSIONS_DISCOVERY_HOST"]),
    );
  });

  it("nothing for a callee outside Kubernetes; what the service declares wins", () => {
    const env = apiEnv("eu-west-1");
    expect(env.TOPOPLAN_CARTS_PORT).toBeUndefined();
    expect(env.TOPOPLAN_CARTS_HOST).toBe("carts.example.com");
  });
});
