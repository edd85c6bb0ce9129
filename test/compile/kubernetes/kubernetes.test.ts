// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
import { describe, expect, it } from "vitest";
import { compilePlan } from "../../../src/compile/index.js";
import { metricsPortName, placements } from "../../../src/compile/kubernetes/index.js";
import { DNS_LABEL_MAX, dnsLabel, kubernetesName, STATEFULSET_NAME_MAX } from "../../../src/compile/names.js";
import type { PlannedResource } from "../../../src/compile/plan.js";
import { byText } from "../../../src/order.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { loadCrd } from "../../engines/crd.js";
import { compile, k8s, manifest, modelOf, SHOP } from "./helpers.js";

const resources = compile(SHOP);
const pods = resources.filter((r) => ["StatefulSet", "Deployment"].includes((r.inputs as any).kind));

describe("datastore StatefulSets", () => {
  const sts = manifest(resources, "eu-west-1/shop/StatefulSet/orders");

  it("hold the region's replicas, one per zone of the first two (fewer pods than zones), one per node", () => {
    expect(sts.spec.replicas).toBe(2);
    expect(manifest(resources, "eu-north-1/shop/StatefulSet/orders").spec.replicas).toBe(1);
    const spec = sts.spec.template.spec;
    expect(spec.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: {
          matchLabels: { "app.kubernetes.io/name": "orders", "app.kubernetes.io/part-of": "shop" },
        },
        // 2 pods over their 2 zones, even while a zone has no node yet.
        minDomains: 2,
      },
    ]);
    expect(
      spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms,
    ).toEqual([
      {
        matchExpressions: [
          {
            key: "topology.kubernetes.io/zone",
            operator: "In",
            // Not eu-west-1c: the model puts the two replicas in a and b, and so do the pods.
            values: ["eu-west-1a", "eu-west-1b"],
          },
        ],
      },
    ]);
    expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe(
      "kubernetes.io/hostname",
    );
  });

  it("claim storageGi of storageClass per replica and retain claims on delete and scale-down", () => {
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      storageClassName: "gp3",
      resources: { requests: { storage: "50Gi" } },
    });
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({
      whenDeleted: "Retain",
      whenScaled: "Retain",
    });
  });

  it("are protected and retained, and so are namespaces holding volumes", () => {
    for (const r of resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet"))
      expect(r.options).toMatchObject({ protect: true, retainOnDelete: true });
    for (const r of resources.filter((r) => r.type === "kubernetes:core/v1:Namespace"))
      expect(r.options).toMatchObject({ protect: true, retainOnDelete: true });
    // Stateless things stay unprotected: protecting everything would make every edit a manual job.
    expect(
      resources.find((r) => r.name === "eu-west-1/shop/Deployment/web")?.options?.protect,
    ).toBeUndefined();
  });

  it("have a headless peer Service publishing not-ready addresses, and a ClusterIP client Service", () => {
    expect(manifest(resources, "eu-west-1/shop/Service/events-peers").spec).toEqual({
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector: { "app.kubernetes.io/name": "events", "app.kubernetes.io/part-of": "shop" },
      ports: [
        { name: "client", port: 9092, targetPort: "client", protocol: "TCP" },
        { name: "peer", port: 9093, targetPort: "peer", protocol: "TCP" },
        { name: "metrics", port: 9308, targetPort: "metrics", protocol: "TCP" },
      ],
    });
    expect(sts.spec.serviceName).toBe("orders-peers");
    expect(manifest(resources, "eu-west-1/shop/Service/events").spec).toMatchObject({
      type: "ClusterIP",
      ports: [{ name: "client", port: 9092 }],
    });
  });

  it("probe the serving port over TCP", () => {
    const container = sts.spec.template.spec.containers[0];
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 26257 });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 26257 });
  });

  it("are not generated for datastores on AWS or external", () => {
    expect(resources.some((r) => r.component === "catalog" || r.component === "payments")).toBe(false);
  });
});

describe("zone spreading when a zone has no node", () => {
  // The scheduler counts only zones with nodes: without minDomains, a zone scaled to zero lets two
  // replicas share a zone (its loss then costs both), and the autoscaler never adds the node.
  const spreadOf = (r: readonly PlannedResource[], name: string) =>
    manifest(r, name).spec.template.spec.topologySpreadConstraints[0];

  it("asks for as many zones as the region's pods can fill, none for a single zone", () => {
    const three = compile({
      ...SHOP,
      datastores: {
        ...SHOP.datastores,
        orders: { ...(SHOP.datastores as any).orders, placement: { "eu-west-1": 3, "eu-central-1": 2 } },
      },
    } as TopologyInput);
    expect(spreadOf(three, "eu-west-1/shop/StatefulSet/orders").minDomains).toBe(3);
    expect(spreadOf(three, "eu-central-1/shop/StatefulSet/orders").minDomains).toBe(2);
    expect(spreadOf(resources, "eu-north-1/shop/StatefulSet/orders").minDomains).toBeUndefined();
    expect(spreadOf(resources, "eu-central-1/shop/Deployment/web").minDomains).toBe(3);
  });

  it("insists on no more zones than the cluster surely has: the declared ones, else the first three", () => {
    // us-east-1 lists six zones; a cluster there commonly spans three. Below minDomains zones no
    // zone may take more than maxSkew pods, so asking for six would leave three pods Pending.
    const east = compile({
      name: "shop",
      users: { "us-east-1": 1 },
      datastores: {
        undeclared: {
          replication: "consensus",
          replicas: 5,
          placement: { "us-east-1": 5 },
          deploy: k8s("ghcr.io/acme/store:1.0.0", { port: 7000 }),
        },
        declared: {
          replication: "consensus",
          replicas: 5,
          placement: { "us-east-1": 5 },
          zones: { "us-east-1": ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"] },
          deploy: k8s("ghcr.io/acme/store:1.0.0", { port: 7000 }),
        },
      },
      services: {
        web: { regions: ["us-east-1"], replicasPerRegion: 6, deploy: k8s("ghcr.io/acme/web:1.0.0") },
      },
    } as TopologyInput);
    expect(spreadOf(east, "us-east-1/shop/Deployment/web").minDomains).toBe(3);
    expect(spreadOf(east, "us-east-1/shop/StatefulSet/undeclared").minDomains).toBe(3);
    expect(spreadOf(east, "us-east-1/shop/StatefulSet/declared").minDomains).toBe(5);
    // The analysis counts the zones the pods are held to.
    expect(
      manifest(east, "us-east-1/shop/StatefulSet/undeclared").spec.template.spec.affinity.nodeAffinity
        .requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values,
    ).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    const west = modelOf({
      name: "shop",
      users: { "us-west-1": 1 },
      services: { web: { regions: ["us-west-1"], deploy: k8s("ghcr.io/acme/web:1.0.0") } },
    } as TopologyInput);
    // Accounts may use only two of us-west-1's three zones (the catalog's accountZoneLimit).
    expect(west.services[0]!.zones["us-west-1"]).toEqual(["us-west-1a", "us-west-1b"]);
  });

  it("is dropped where zone labels are only preferred (the API takes it with DoNotSchedule only)", () => {
    const preferred = compile(SHOP, { zoneLabels: "preferred" });
    for (const r of preferred.filter((x) => ["StatefulSet", "Deployment"].includes((x.inputs as any).kind))) {
      const spread = (r.inputs as any).spec.template.spec.topologySpreadConstraints[0];
      expect(spread.whenUnsatisfiable, r.name).toBe("ScheduleAnyway");
      expect(spread.minDomains, r.name).toBeUndefined();
    }
  });
});

describe("zoneLabels: preferred reaches the pods operators make", () => {
  // On kind (no zone labels) a CloudNativePG Cluster or a Strimzi node pool that still requires a
  // zone would never schedule: the database would never start.
  const engines = compile(
    {
      name: "shop",
      users: { "eu-west-1": 1 },
      datastores: {
        orders: {
          replication: "primary-replica",
          sync: "semi-sync",
          replicas: 3,
          placement: { "eu-west-1": 3 },
          deploy: { target: "kubernetes", engine: "postgresql" },
        },
      },
      streams: {
        events: {
          regions: ["eu-west-1"],
          partitions: 3,
          replicas: 3,
          minInSync: 2,
          deploy: { target: "kubernetes", engine: "kafka" },
        },
      },
    } as TopologyInput,
    { zoneLabels: "preferred" },
  );
  const ofKind = (kind: string) =>
    engines.filter((r) => (r.inputs as any).kind === kind).map((r) => r.inputs as any);

  it("no CloudNativePG Cluster or KafkaNodePool requires a zone; both still validate", () => {
    const cluster = ofKind("Cluster")[0];
    expect(cluster.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(cluster.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(
      100,
    );
    expect(cluster.spec.topologySpreadConstraints[0].whenUnsatisfiable).toBe("ScheduleAnyway");
    expect(cluster.spec.topologySpreadConstraints[0].minDomains).toBeUndefined();
    expect(loadCrd("cnpg-cluster.crd.yaml", "v1").errors(cluster)).toEqual([]);
    const pools = ofKind("KafkaNodePool");
    expect(pools.length).toBeGreaterThan(0);
    const poolCrd = loadCrd("strimzi-kafkanodepool.crd.yaml");
    for (const pool of pools) {
      expect(
        pool.spec.template.pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution,
      ).toBeUndefined();
      expect(poolCrd.errors(pool), pool.metadata.name).toEqual([]);
    }
  });
});

describe("service Deployments", () => {
  it("run replicasPerRegion pods spread over zones, behind a ClusterIP Service, probed over HTTP", () => {
    const deployment = manifest(resources, "eu-central-1/shop/Deployment/web");
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.topologySpreadConstraints[0]).toMatchObject({
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
    });
    const checkout = manifest(resources, "eu-west-1/shop/Deployment/checkout").spec.template.spec
      .containers[0];
    expect(checkout.readinessProbe.httpGet).toEqual({ path: "/ready", port: 8081 });
    expect(checkout.livenessProbe.httpGet).toEqual({ path: "/ready", port: 8081 });
    expect(manifest(resources, "eu-west-1/shop/Service/web").spec).toEqual({
      type: "ClusterIP",
      selector: { "app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop" },
      ports: [
        { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
        { name: "metrics", port: 9090, targetPort: "metrics", protocol: "TCP" },
      ],
    });
  });

  it("a gRPC service: its port named `grpc` (Istio speaks HTTP/2 to it), probed by the gRPC health service", () => {
    const grpc = compile({
      name: "shop",
      users: { "eu-west-1": 1 },
      services: {
        stock: {
          regions: ["eu-west-1"],
          deploy: { target: "kubernetes", image: "ghcr.io/acme/stock:1.0.0", port: 9000, protocol: "grpc" },
        },
      },
    } as TopologyInput);
    const container = manifest(grpc, "eu-west-1/shop/Deployment/stock").spec.template.spec.containers[0];
    expect(container.ports[0]).toEqual({ name: "grpc", containerPort: 9000, protocol: "TCP" });
    expect(container.readinessProbe.grpc).toEqual({ port: 9000 });
    expect(container.livenessProbe.grpc).toEqual({ port: 9000 });
    expect(container.readinessProbe.httpGet).toBeUndefined();
    expect(manifest(grpc, "eu-west-1/shop/Service/stock").spec.ports[0]).toEqual({
      name: "grpc",
      port: 9000,
      targetPort: "grpc",
      protocol: "TCP",
    });
  });

  it("name the metrics port `metrics`, or the serving port when they coincide", () => {
    const placed = placements(modelOf(SHOP));
    expect(metricsPortName(placed.find((p) => p.name === "web")!)).toBe("metrics");
    expect(metricsPortName(placed.find((p) => p.name === "checkout")!)).toBe("http");
  });
});

describe("secure pod defaults", () => {
  it.each(pods.map((r) => [r.name, r.inputs as any]))("%s", (_name, m) => {
    const spec = m.spec.template.spec;
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe(m.metadata.name);
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const container of spec.containers) {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(container.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
      expect(container.resources.limits.memory).toBe(container.resources.requests.memory);
      expect(container.resources.requests.cpu).toBeDefined();
      expect(container.resources.limits.cpu).toBeUndefined();
    }
    expect(spec.volumes).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: "1Gi" } });
  });

  it("give every component its own ServiceAccount without a token", () => {
    for (const r of pods) {
      const m = r.inputs as any;
      const account = manifest(
        resources,
        `${r.region}/${m.metadata.namespace}/ServiceAccount/${m.metadata.name}`,
      );
      expect(account.automountServiceAccountToken).toBe(false);
    }
  });

  it("label everything with name, part-of, component and region", () => {
    expect(manifest(resources, "eu-west-1/shop-data/StatefulSet/carts").metadata.labels).toEqual({
      "app.kubernetes.io/name": "carts",
      "app.kubernetes.io/part-of": "shop",
      "app.kubernetes.io/component": "datastore",
      "app.kubernetes.io/managed-by": "topoplan",
      "topoplan.dev/region": "eu-west-1",
    });
    expect(
      manifest(resources, "eu-west-1/shop/StatefulSet/events").metadata.labels["app.kubernetes.io/component"],
    ).toBe("stream");
  });
});

describe("determinism and stable names", () => {
  it("compiles the same model to deep-equal plans", () => {
    expect(compilePlan(modelOf(SHOP))).toEqual(compilePlan(modelOf(SHOP)));
  });

  it("does not depend on the order components are declared in", () => {
    const reversed: TopologyInput = {
      ...SHOP,
      services: Object.fromEntries(Object.entries(SHOP.services ?? {}).reverse()),
      datastores: Object.fromEntries(Object.entries(SHOP.datastores ?? {}).reverse()),
    };
    expect(compilePlan(modelOf(reversed))).toEqual(compilePlan(modelOf(SHOP)));
  });

  it("leaves every existing resource untouched when an unrelated component is added", () => {
    // The Kubernetes target only: other targets may legitimately summarise every component.
    const before = compile(SHOP);
    const grown: TopologyInput = {
      ...SHOP,
      datastores: {
        ...SHOP.datastores,
        aaa: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 3 },
          deploy: { target: "kubernetes", image: "redis:7" },
        },
      },
      services: {
        ...SHOP.services,
        zeta: { regions: ["us-east-1"], deploy: { target: "kubernetes", image: "ghcr.io/acme/zeta:1" } },
      },
    };
    const after = new Map(compile(grown).map((r) => [r.name, r]));
    for (const resource of before) expect(after.get(resource.name)).toEqual(resource);
    expect(after.size).toBeGreaterThan(before.length);
  });

  it("sorts resources by provider, region, type, name", () => {
    const names = compilePlan(modelOf(SHOP)).resources.map(
      (r) => `${r.provider} ${r.region} ${r.type} ${r.name}`,
    );
    expect(names).toEqual([...names].sort((a, b) => byText(a, b)));
  });
});

describe("names", () => {
  it("keeps valid DNS labels as they are", () => {
    expect(dnsLabel("orders-peers")).toBe("orders-peers");
    expect(kubernetesName(["orders", "peers"])).toBe("orders-peers");
  });

  it("truncates long names to 63 with a stable hash suffix that keeps distinct inputs distinct", () => {
    const a = dnsLabel(`${"a".repeat(70)}-one`);
    const b = dnsLabel(`${"a".repeat(70)}-two`);
    expect(a).toHaveLength(DNS_LABEL_MAX);
    expect(a).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(a).not.toBe(b);
    expect(dnsLabel(`${"a".repeat(70)}-one`)).toBe(a);
    expect(dnsLabel("x".repeat(60), STATEFULSET_NAME_MAX).length).toBeLessThanOrEqual(STATEFULSET_NAME_MAX);
  });

  it("cleans invalid characters and adds a hash so `a_b` and `a.b` do not collide", () => {
    expect(dnsLabel("A_b")).toMatch(/^a-b-[0-9a-f]{8}$/);
    expect(dnsLabel("a_b")).not.toBe(dnsLabel("a.b"));
  });

  it("names Kubernetes resources <region>/<namespace>/<Kind>/<name>", () => {
    expect(resources.map((r) => r.name)).toContain("eu-west-1/shop-data/StatefulSet/carts");
    expect(resources.map((r) => r.name)).toContain("eu-west-1/Namespace/shop-data");
  });
});

describe("a call to a component with no pods in the caller's region", () => {
  // origin runs in eu-west-1 only; edge runs in eu-west-1 and us-east-1 and calls it from both.
  const plan = compilePlan(
    modelOf({
      name: "shop",
      users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
      services: {
        edge: {
          regions: ["eu-west-1", "us-east-1"],
          calls: [{ to: "origin", timeoutMs: 300 }],
          deploy: k8s("ghcr.io/acme/edge:1.0.0"),
        },
        origin: { regions: ["eu-west-1"], deploy: k8s("ghcr.io/acme/origin:1.0.0") },
      },
    } as TopologyInput),
  ).resources;
  const named = (name: string) => plan.find((r) => r.name === name)?.inputs as any;

  it("dials its exported clusterset name, exported where it runs, its port open to the other mesh", () => {
    // The cluster-local name does not exist in us-east-1's cluster.
    expect(named("us-east-1/shop/VirtualService/origin-routes").spec.hosts).toEqual([
      "origin.shop.svc.clusterset.local",
    ]);
    expect(named("eu-west-1/shop/VirtualService/origin-routes").spec.hosts).toEqual([
      "origin.shop.svc.cluster.local",
    ]);
    expect(named("eu-west-1/shop/ServiceExport/origin")).toMatchObject({
      apiVersion: "multicluster.x-k8s.io/v1alpha1",
      metadata: { name: "origin", namespace: "shop" },
    });
    // us-east-1's sidecar knows the host by a ServiceEntry (so the route's timeout applies) and
    // sends it in plaintext (another region's mesh): STRICT would refuse it.
    expect(named("us-east-1/shop/ServiceEntry/origin-clusterset").spec).toEqual({
      hosts: ["origin.shop.svc.clusterset.local"],
      exportTo: ["."],
      location: "MESH_EXTERNAL",
      resolution: "DNS",
      ports: [{ number: 8080, name: "http", protocol: "HTTP" }],
    });
    expect(named("us-east-1/shop/VirtualService/origin-routes").spec.http[0].timeout).toBe("0.3s");
    expect(named("eu-west-1/shop/PeerAuthentication/origin-mtls").spec.portLevelMtls).toEqual({
      "8080": { mode: "PERMISSIVE" },
    });
  });

  it("exports nothing that every caller reaches at home", () => {
    expect(plan.filter((r) => r.name.includes("ServiceExport/edge"))).toEqual([]);
    expect(named("eu-west-1/shop/PeerAuthentication/edge-mtls")).toBeUndefined();
  });
});

describe("a datastore without an engine in several regions", () => {
  // topoplan does not set up its clustering, but the image may: by the names and the port it gets.
  const plan = compilePlan(
    modelOf({
      name: "shop",
      users: { "eu-west-1": 1 },
      datastores: {
        kv: {
          replication: "leaderless",
          replicas: 4,
          placement: { "eu-west-1": 2, "us-east-1": 2 },
          deploy: { target: "kubernetes", image: "ghcr.io/acme/kv:1.0.0", port: 7000, peerPort: 7001 },
        },
        local: {
          replication: "leaderless",
          replicas: 3,
          placement: { "eu-west-1": 3 },
          deploy: { target: "kubernetes", image: "ghcr.io/acme/kv:1.0.0", port: 7000, peerPort: 7001 },
        },
      },
    } as TopologyInput),
  ).resources;
  const named = (name: string) => plan.find((r) => r.name === name)?.inputs as any;

  it("exports its peers Service in every region, so members elsewhere have clusterset names", () => {
    for (const region of ["eu-west-1", "us-east-1"])
      expect(named(`${region}/shop/ServiceExport/kv-peers`)).toMatchObject({
        apiVersion: "multicluster.x-k8s.io/v1alpha1",
        metadata: { name: "kv-peers", namespace: "shop" },
      });
    expect(plan.filter((r) => r.name.includes("ServiceExport/local"))).toEqual([]);
  });

  it("keeps its peer port PERMISSIVE, which another region's mesh reaches in plaintext", () => {
    expect(named("eu-west-1/shop/PeerAuthentication/kv-mtls").spec.portLevelMtls).toMatchObject({
      "7001": { mode: "PERMISSIVE" },
    });
    expect(
      named("eu-west-1/shop/PeerAuthentication/local-mtls")?.spec.portLevelMtls?.["7001"],
    ).toBeUndefined();
  });
});
