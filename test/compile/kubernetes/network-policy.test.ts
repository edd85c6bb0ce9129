// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
import { describe, expect, it } from "vitest";
import { declaredCalls } from "../../../src/compile/kubernetes/index.js";
import type { PlannedResource } from "../../../src/compile/plan.js";
import { compile, ENGINE_SHOP, manifest, modelOf, SHOP } from "./helpers.js";

/**
 * Reads the rendered NetworkPolicies back into flat allow-edges, independent of how the compiler
 * built them: `<region> <component> <in|out> <peer>:<port>` where peer is `pods:<ns>/<name>`,
 * `ns:<namespace>` or the CIDR.
 */
function edges(resources: readonly PlannedResource[]): string[] {
  const out: string[] = [];
  for (const r of resources) {
    const m = r.inputs as any;
    if (m.kind !== "NetworkPolicy" || r.component === "") continue;
    const ns = m.metadata.namespace as string;
    const rules = [
      ...(m.spec.ingress ?? []).map((rule: any) => ["in", rule.from, rule.ports] as const),
      ...(m.spec.egress ?? []).map((rule: any) => ["out", rule.to, rule.ports] as const),
    ];
    for (const [direction, peers, ports] of rules) {
      for (const peer of peers) {
        const label = peer.ipBlock
          ? `${peer.ipBlock.cidr}${peer.ipBlock.except ? `-${peer.ipBlock.except.join(",")}` : ""}`
          : peer.podSelector
            ? `pods:${peer.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] ?? ns}/${peer.podSelector.matchLabels["app.kubernetes.io/name"]}`
            : `ns:${peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]}`;
        // A rule without ports (an engine's intra-cluster policy) allows every port.
        for (const port of ports ?? [{ port: "*" }])
          out.push(`${r.region} ${r.component} ${direction} ${label}:${port.port}`);
      }
    }
  }
  return out.sort();
}

const ANY = "0.0.0.0/0-169.254.0.0/16";

describe("NetworkPolicy allow-lists", () => {
  it("allow exactly the declared calls, replication, scraping and entry traffic (hand-listed)", () => {
    expect(edges(compile(SHOP))).toEqual(
      [
        // carts: primary-replica in namespace shop-data, peers on 5433, called by checkout on 5432
        "eu-west-1 carts in ns:monitoring:9187",
        "eu-west-1 carts in pods:shop-data/carts:5433",
        "eu-west-1 carts in pods:shop/checkout:5432",
        "eu-west-1 carts out pods:shop-data/carts:5433",
        // orders: 2/2/1 over three regions; cross-region peers on 26257
        "eu-west-1 orders in ns:monitoring:8080",
        "eu-west-1 orders in pods:shop/orders:26257",
        `eu-west-1 orders in ${ANY}:26257`,
        "eu-west-1 orders in pods:shop/checkout:26257",
        "eu-west-1 orders out pods:shop/orders:26257",
        `eu-west-1 orders out ${ANY}:26257`,
        "eu-central-1 orders in ns:monitoring:8080",
        "eu-central-1 orders in pods:shop/orders:26257",
        `eu-central-1 orders in ${ANY}:26257`,
        "eu-central-1 orders out pods:shop/orders:26257",
        `eu-central-1 orders out ${ANY}:26257`,
        // one replica in eu-north-1: no in-region peers, only the other regions
        "eu-north-1 orders in ns:monitoring:8080",
        `eu-north-1 orders in ${ANY}:26257`,
        `eu-north-1 orders out ${ANY}:26257`,
        // orders' rollout Job reaches its cluster's API server in every region (rollout.ts)
        ...["eu-west-1", "eu-central-1", "eu-north-1"].flatMap((r) => [
          `${r} orders out ${ANY}:443`,
          `${r} orders out ${ANY}:6443`,
        ]),
        // checkout: called by web (locally and from eu-central-1); no declared metrics, so
        // Prometheus scrapes its Istio sidecar on 15090, not the metrics port
        "eu-west-1 checkout in ns:monitoring:15090",
        "eu-west-1 checkout in pods:shop/web:8081",
        `eu-west-1 checkout in ${ANY}:8081`,
        "eu-west-1 checkout out pods:shop/orders:26257",
        // it writes to orders, a consensus store without an engine: to its leader, in any region
        `eu-west-1 checkout out ${ANY}:26257`,
        "eu-west-1 checkout out pods:shop-data/carts:5432",
        "eu-west-1 checkout out pods:shop/events:9092",
        `eu-west-1 checkout out ${ANY}:443`, // payments: external
        // web: entry service; calls checkout and catalog (DynamoDB); scraped on its sidecar
        "eu-west-1 web in ns:monitoring:15090",
        "eu-west-1 web in ns:istio-system:8080",
        "eu-west-1 web out pods:shop/checkout:8081",
        `eu-west-1 web out ${ANY}:443`,
        "eu-central-1 web in ns:monitoring:15090",
        "eu-central-1 web in ns:istio-system:8080",
        `eu-central-1 web out ${ANY}:8081`, // checkout runs in eu-west-1 only
        `eu-central-1 web out ${ANY}:443`,
        // events: brokers peer on 9093; checkout produces locally, audit consumes from eu-central-1
        "eu-west-1 events in ns:monitoring:9308",
        "eu-west-1 events in pods:shop/events:9093",
        "eu-west-1 events in pods:shop/checkout:9092",
        `eu-west-1 events in ${ANY}:9092`,
        "eu-west-1 events out pods:shop/events:9093",
        // audit: consumer in eu-central-1, nothing calls it
        "eu-central-1 audit in ns:monitoring:15090",
        "eu-central-1 audit in ns:istio-system:8080",
        `eu-central-1 audit out ${ANY}:9092`,
      ].sort(),
    );
  });

  it("a writer reaches a single-leader store without an engine in every region (the primary may be away); a reader its local pods", () => {
    const primaryAway = (
      op: "read" | "write",
      replication: "primary-replica" | "multi-leader",
      consistency: "strong" | "eventual" = "eventual",
    ) =>
      edges(
        compile({
          name: "shop",
          datastores: {
            db: {
              replication,
              consistency,
              replicas: 2,
              placement: { "eu-west-1": 1, "eu-central-1": 1 },
              ...(replication === "primary-replica" ? { leader: "eu-west-1" } : {}),
              deploy: { target: "kubernetes", image: "postgres:16", port: 5432, peerPort: 5433 },
            },
          },
          services: {
            api: {
              regions: ["eu-central-1"],
              calls: [{ to: "db", op, timeoutMs: 300 }],
              deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
            },
          },
        }),
      ).filter((edge) => edge.includes(":5432"));
    expect(primaryAway("write", "primary-replica")).toEqual([
      "eu-central-1 api out 0.0.0.0/0-169.254.0.0/16:5432",
      "eu-central-1 api out pods:shop/db:5432",
      "eu-central-1 db in pods:shop/api:5432",
      // The client port is not the peer port: the primary admits the writer's region on it.
      "eu-west-1 db in 0.0.0.0/0-169.254.0.0/16:5432",
    ]);
    expect(primaryAway("read", "primary-replica")).toEqual([
      "eu-central-1 api out pods:shop/db:5432",
      "eu-central-1 db in pods:shop/api:5432",
    ]);
    // A strong read goes to the primary too, as the analysis prices it.
    expect(primaryAway("read", "primary-replica", "strong")).toEqual(primaryAway("write", "primary-replica"));
    // Every replica of a multi-leader store takes writes: the local one.
    expect(primaryAway("write", "multi-leader")).toEqual(primaryAway("read", "primary-replica"));
  });

  it("a caller whose region cannot serve the op reaches the regions the analysis serves it in (expert review)", () => {
    const away = (datastore: Record<string, unknown>, op: "read" | "write", port: number) =>
      edges(
        compile({
          name: "shop",
          datastores: { db: datastore as never },
          services: {
            api: {
              regions: ["eu-central-1"],
              calls: [{ to: "db", op, timeoutMs: 300 }],
              deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
            },
          },
        }),
      ).filter((edge) => edge.startsWith("eu-central-1 api out") && edge.endsWith(`:${port}`));
    const everywhere = "eu-central-1 api out 0.0.0.0/0-169.254.0.0/16";
    // Redis: eu-central-1 holds a replica only, which refuses writes (READONLY); a Sentinel names
    // the primary, and the client dials it by that name in eu-west-1.
    const redis = {
      replication: "primary-replica",
      consistency: "eventual",
      replicas: 3,
      placement: { "eu-west-1": 2, "eu-central-1": 1 },
      leader: "eu-west-1",
      deploy: { target: "kubernetes", engine: "redis" },
    };
    expect(away(redis, "write", 6379)).toEqual([
      `${everywhere}:6379`,
      "eu-central-1 api out pods:shop/db:6379",
    ]);
    // An eventual read is the local replica's.
    expect(away(redis, "read", 6379)).toEqual(["eu-central-1 api out pods:shop/db:6379"]);
    // Without an engine: an eventual read from a region of witnesses only goes to a region holding data.
    const generic = { target: "kubernetes", image: "ghcr.io/acme/db:1", port: 7000, peerPort: 7001 };
    const witnessed = {
      replication: "consensus",
      consistency: "eventual",
      replicas: 5,
      placement: { "eu-west-1": 2, "eu-north-1": 2, "eu-central-1": { witnesses: 1 } },
      leader: "eu-west-1",
      deploy: generic,
    };
    expect(away(witnessed, "read", 7000)).toEqual([
      `${everywhere}:7000`,
      "eu-central-1 api out pods:shop/db:7000",
    ]);
    // A multi-leader store's write from a region that takes none goes to one that does.
    const leaders = (writers: string[]) => ({
      replication: "multi-leader",
      replicas: 2,
      placement: { "eu-west-1": 1, "eu-central-1": 1 },
      leaders: writers,
      deploy: generic,
    });
    expect(away(leaders(["eu-west-1"]), "write", 7000)).toEqual([
      `${everywhere}:7000`,
      "eu-central-1 api out pods:shop/db:7000",
    ]);
    expect(away(leaders(["eu-west-1", "eu-central-1"]), "write", 7000)).toEqual([
      "eu-central-1 api out pods:shop/db:7000",
    ]);
  });

  it("pin cross-region traffic to the other regions' CIDRs when they are known", () => {
    const cidrs = {
      "eu-west-1": ["10.1.0.0/16"],
      "eu-central-1": ["10.2.0.0/16"],
      "eu-north-1": ["10.3.0.0/16"],
    };
    const all = edges(compile(SHOP, { regionCidrs: cidrs }));
    expect(all.filter((e) => e.startsWith("eu-north-1 orders"))).toEqual(
      [
        "eu-north-1 orders in ns:monitoring:8080",
        "eu-north-1 orders in 10.1.0.0/16:26257",
        "eu-north-1 orders in 10.2.0.0/16:26257",
        "eu-north-1 orders out 10.1.0.0/16:26257",
        "eu-north-1 orders out 10.2.0.0/16:26257",
        // the rollout Job's API server: the cluster's own control plane, not a region's pods
        `eu-north-1 orders out ${ANY}:443`,
        `eu-north-1 orders out ${ANY}:6443`,
      ].sort(),
    );
    expect(all).toContain("eu-central-1 web out 10.1.0.0/16:8081");
    expect(all).toContain("eu-west-1 checkout in 10.2.0.0/16:8081");
    // Managed and external services stay "anywhere but link-local": their addresses are not ours.
    expect(all).toContain(`eu-west-1 web out ${ANY}:443`);
  });

  it("admit the ingress gateway to a service a caller outside Kubernetes calls, as to one nothing calls", () => {
    const all = edges(
      compile({
        name: "shop",
        users: { "eu-west-1": 1 },
        services: {
          // A partner system topoplan models but does not deploy: it comes in through the gateway.
          partner: {
            regions: ["eu-west-1"],
            calls: [{ to: "orders-api", timeoutMs: 500 }],
            deploy: { target: "external" },
          },
          web: {
            regions: ["eu-west-1"],
            calls: [
              { to: "orders-api", timeoutMs: 500 },
              { to: "stock", timeoutMs: 200 },
            ],
            deploy: { target: "kubernetes", image: "ghcr.io/acme/web:1.0.0" },
          },
          "orders-api": {
            regions: ["eu-west-1"],
            deploy: { target: "kubernetes", image: "ghcr.io/acme/orders:1.0.0" },
          },
          stock: {
            regions: ["eu-west-1"],
            deploy: { target: "kubernetes", image: "ghcr.io/acme/stock:1.0.0" },
          },
        },
      }),
    );
    expect(all).toContain("eu-west-1 orders-api in ns:istio-system:8080");
    expect(all).toContain("eu-west-1 orders-api in pods:shop/web:8080");
    expect(all).toContain("eu-west-1 web in ns:istio-system:8080");
    // Called only from inside: no gateway.
    expect(all.filter((e) => e.startsWith("eu-west-1 stock in ns:istio-system"))).toEqual([]);
  });

  it("say on the policy when other regions' CIDRs are missing and their rules admit any address", () => {
    const note = (options: Parameters<typeof compile>[1]) =>
      (manifest(compile(SHOP, options), "eu-west-1/shop/NetworkPolicy/orders-ingress").metadata.annotations ??
        {})["topoplan.dev/note"];
    expect(note({})).toMatch(
      /^the pod CIDRs of eu-central-1, eu-north-1 are not configured \(topoplan:regionCidrs\): the rules for other regions admit 0.0.0.0\/0/,
    );
    // A partial map: only the regions still missing are named.
    expect(note({ regionCidrs: { "eu-central-1": ["10.1.0.0/16"] } })).toMatch(
      /^the pod CIDRs of eu-north-1 are not/,
    );
    expect(
      note({
        regionCidrs: {
          "eu-central-1": ["10.1.0.0/16"],
          "eu-north-1": ["10.2.0.0/16"],
          "eu-west-1": ["10.3.0.0/16"],
        },
      }),
    ).toBeUndefined();
  });

  it("use the configured ingress namespace for entry services", () => {
    const all = edges(compile(SHOP, { ingressNamespace: "ingress-nginx" }));
    expect(all).toContain("eu-west-1 web in ns:ingress-nginx:8080");
    expect(all.some((e) => e.includes("istio-system"))).toBe(false);
  });

  it("every declared call has an egress rule on the caller and an ingress rule on a Kubernetes callee", () => {
    const all = edges(compile(SHOP));
    expect(declaredCalls(modelOf(SHOP))).toEqual([
      { from: "audit", to: "events" },
      { from: "checkout", to: "carts" },
      { from: "checkout", to: "events" },
      { from: "checkout", to: "orders" },
      { from: "checkout", to: "payments" },
      { from: "web", to: "catalog" },
      { from: "web", to: "checkout" },
    ]);
    // And no pod-to-pod edge exists that was not declared (besides a component's own peers).
    const podEdges = all.filter((e) => e.includes(" pods:"));
    for (const edge of podEdges) {
      const [, component, direction, peer] = edge.split(" ") as [string, string, string, string];
      const other = peer.replace(/^pods:[^/]+\//, "").replace(/:\d+$/, "");
      if (other === component) continue;
      const pair = direction === "out" ? `${component}->${other}` : `${other}->${component}`;
      expect([
        "audit->events",
        "checkout->carts",
        "checkout->events",
        "checkout->orders",
        "web->checkout",
      ]).toContain(pair);
    }
  });

  it("deny all ingress and egress in every namespace of every region, and allow DNS to kube-system and a node-local cache", () => {
    const resources = compile(SHOP);
    const namespaces = resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => r.name);
    expect(namespaces).toEqual([
      "eu-central-1/Namespace/shop",
      "eu-north-1/Namespace/shop",
      "eu-west-1/Namespace/shop-data",
      "eu-west-1/Namespace/shop",
    ]);
    for (const ns of namespaces) {
      const [region, , namespace] = ns.split("/");
      expect(manifest(resources, `${region}/${namespace}/NetworkPolicy/topoplan-default-deny`).spec).toEqual({
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
      });
      expect(manifest(resources, `${region}/${namespace}/NetworkPolicy/topoplan-allow-dns`).spec).toEqual({
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
              // NodeLocal DNSCache (host network, no pod to select) where the cluster runs it.
              { ipBlock: { cidr: "169.254.20.10/32" } },
            ],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      });
    }
  });
});

/**
 * Callees run by an engine: `deploy.port` is ignored (docs/engines.md), so callers must get the
 * engine's client port (etcd 2379, CloudNativePG 5432, Strimzi's TLS listener 9093), never the
 * spec default 8080; CloudNativePG's replica clusters are read-only, so callers in their region
 * reach the primary's cluster across regions.
 */
describe("NetworkPolicies for callers of engine-backed components", () => {
  it("open the engine's client port on both sides, and CloudNativePG's primary region only (hand-listed)", () => {
    const calls = edges(compile(ENGINE_SHOP)).filter(
      (e) => /^\S+ api out/.test(e) || / in (pods:shop\/api|0\.0\.0\.0)/.test(e),
    );
    expect(calls).toEqual(
      [
        "eu-west-1 api out pods:shop/meta:2379",
        "eu-west-1 meta in pods:shop/api:2379",
        `us-east-1 api out ${ANY}:2379`,
        `eu-west-1 meta in ${ANY}:2379`,
        "eu-west-1 api out pods:shop/orders:5432",
        "eu-west-1 orders in pods:shop/api:5432",
        // us-east-1 holds a read-only replica cluster: its callers go to the primary's.
        `us-east-1 api out ${ANY}:5432`,
        `eu-west-1 orders in ${ANY}:5432`,
        // replication between the regions' clusters (peer port 5432 both ways)
        `us-east-1 orders in ${ANY}:5432`,
        "eu-west-1 api out pods:shop/events:9093",
        "eu-west-1 events in pods:shop/api:9093",
        `us-east-1 api out ${ANY}:9093`,
        `eu-west-1 events in ${ANY}:9093`,
      ].sort(),
    );
  });
});
