// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
/**
 * Redis Sentinel listens beside each member on 26379: the Sentinels ask each other for failover
 * votes and the primary's address there, so the members' policies and, across regions, the mesh
 * must let it through like the replication port (review: only 6379 was open).
 */
import { describe, expect, test } from "vitest";
import { redisPlan } from "./redis-plan.js";

const plan = redisPlan({ "eu-west-1": 2, "eu-north-1": 1 });

const ports = (rules: any[] | undefined) =>
  new Set((rules ?? []).flatMap((rule: any) => (rule.ports ?? []).map((p: any) => p.port)));

describe("Redis Sentinel's port between members", () => {
  test.each(["eu-west-1", "eu-north-1"])("%s: 26379 in and out, as 6379", (region) => {
    const policies = plan.filter(
      (r) => r.region === region && r.component === "cache" && (r.inputs as any).kind === "NetworkPolicy",
    );
    const ingress = ports(policies.flatMap((r) => (r.inputs as any).spec.ingress ?? []));
    const egress = ports(policies.flatMap((r) => (r.inputs as any).spec.egress ?? []));
    for (const port of [6379, 26379]) {
      expect(ingress.has(port), `ingress ${port}`).toBe(true);
      expect(egress.has(port), `egress ${port}`).toBe(true);
    }
  });

  test("across regions the mesh accepts it in plaintext, as the replication port", () => {
    for (const region of ["eu-west-1", "eu-north-1"]) {
      const mtls = plan.find((r) => r.name === `${region}/shop/PeerAuthentication/cache-mtls`);
      expect(mtls, region).toBeDefined();
      expect(Object.keys((mtls!.inputs as any).spec.portLevelMtls)).toEqual(
        expect.arrayContaining(["6379", "26379"]),
      );
    }
  });
});

describe("Redis Sentinel's port on the peers Service", () => {
  // A sidecar sends traffic to a port no Service declares in plaintext (Istio's PassthroughCluster),
  // which the member's STRICT mTLS refuses: in one region, where 26379 stays STRICT, the Sentinels
  // could not vote. Declared on the headless Service, the sidecars know it and speak mTLS.
  test.each(["eu-west-1", "eu-north-1"])("%s: the headless Service declares 26379", (region) => {
    const peers = plan.find((r) => r.name === `${region}/shop/Service/cache-peers`);
    expect((peers!.inputs as any).spec.ports).toContainEqual({
      name: "tcp-26379",
      port: 26379,
      targetPort: 26379,
      protocol: "TCP",
    });
  });
});

describe("clients find the primary through the Sentinels", () => {
  // The client Service reaches every member, and a write that lands on a replica fails (READONLY):
  // a Sentinel-aware client asks the Sentinels for the primary, so callers reach 26379 too.
  const called = redisPlan(
    { "eu-west-1": 3 },
    {
      api: {
        regions: ["eu-west-1"],
        calls: [{ to: "cache", op: "write", timeoutMs: 100 }],
        deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0", port: 8080 },
      },
    },
  );

  test("a Sentinel Service beside the client Service", () => {
    const sentinel = called.find((r) => r.name === "eu-west-1/shop/Service/cache-sentinel");
    expect((sentinel!.inputs as any).spec).toMatchObject({
      type: "ClusterIP",
      selector: { "app.kubernetes.io/name": "cache" },
      ports: [{ name: "tcp-sentinel", port: 26379, targetPort: "sentinel", protocol: "TCP" }],
    });
  });

  test("the caller may dial 26379 beside 6379, and the members admit it there", () => {
    const policies = (component: string) =>
      called.filter((r) => r.component === component && (r.inputs as any).kind === "NetworkPolicy");
    const egress = ports(policies("api").flatMap((r) => (r.inputs as any).spec.egress ?? []));
    const fromApi = policies("cache")
      .flatMap((r) => (r.inputs as any).spec.ingress ?? [])
      .filter((rule: any) =>
        (rule.from ?? []).some(
          (peer: any) => peer.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "api",
        ),
      );
    for (const port of [6379, 26379]) {
      expect(egress.has(port), `egress ${port}`).toBe(true);
      expect(ports(fromApi).has(port), `ingress ${port}`).toBe(true);
    }
  });
});

describe("a caller in a region without members", () => {
  // It asks a Sentinel for the primary and dials the name the Sentinels announce: both must exist in
  // its cluster. The Sentinel Service was never exported, and a store in one region announced its
  // members' cluster-local names: the compiled call failed on DNS while the analysis priced it.
  const away = (placement: Record<string, number>) =>
    redisPlan(placement, {
      api: {
        regions: ["eu-north-1"],
        calls: [{ to: "cache", op: "write", timeoutMs: 300 }],
        deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0", port: 8080 },
      },
    });
  const exported = (resources: ReturnType<typeof away>, region: string) =>
    resources
      .filter((r) => r.region === region && (r.inputs as any).kind === "ServiceExport")
      .map((r) => (r.inputs as any).metadata.name)
      .sort();
  const env = (resources: ReturnType<typeof away>, region: string) => {
    const set = resources.find((r) => r.region === region && (r.inputs as any).kind === "StatefulSet");
    const container = (set!.inputs as any).spec.template.spec.containers.find((c: any) =>
      (c.env ?? []).some((e: any) => e.name === "SELF_HOST"),
    );
    return Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
  };

  test("one region: the client, Sentinel and peers Services are exported, the members announce clusterset names", () => {
    const plan = away({ "eu-west-1": 3 });
    expect(exported(plan, "eu-west-1")).toEqual(["cache", "cache-peers", "cache-sentinel"]);
    const vars = env(plan, "eu-west-1");
    expect(vars.SELF_HOST).toMatch(/\.eu-west-1\.cache-peers\.[a-z0-9-]+\.svc\.clusterset\.local$/);
    expect(vars.INITIAL_PRIMARY).toMatch(/\.svc\.clusterset\.local$/);
    // The caller's plaintext from another mesh reaches the client port and the Sentinels.
    const mtls = plan.find((r) => r.name === "eu-west-1/shop/PeerAuthentication/cache-mtls");
    expect(Object.keys((mtls!.inputs as any).spec.portLevelMtls)).toEqual(
      expect.arrayContaining(["6379", "26379"]),
    );
  });

  test("several regions: the Sentinel Service is exported too", () => {
    const plan = away({ "eu-west-1": 2, "us-east-1": 1 });
    for (const region of ["eu-west-1", "us-east-1"])
      expect(exported(plan, region)).toEqual(["cache", "cache-peers", "cache-sentinel"]);
  });

  test("callers only where members run: nothing more is exported", () => {
    const plan = redisPlan(
      { "eu-west-1": 3 },
      {
        api: {
          regions: ["eu-west-1"],
          calls: [{ to: "cache", op: "write", timeoutMs: 100 }],
          deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0", port: 8080 },
        },
      },
    );
    expect(exported(plan, "eu-west-1")).toEqual([]);
    expect(env(plan, "eu-west-1").SELF_HOST).toMatch(/\.cache-peers\.[a-z0-9-]+\.svc\.cluster\.local$/);
  });
});
