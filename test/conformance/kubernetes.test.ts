// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped YAML

import { join } from "node:path";
import { DestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule";
import { ServiceEntry } from "@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry";
import { VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService";
import { AuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1beta1/AuthorizationPolicy";
import { PeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication";
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Job } from "kubernetes-models/batch/v1/Job";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { compilePlan } from "../../src/compile/index.js";
import { compileKubernetes } from "../../src/compile/kubernetes/index.js";
import type { ResourcePlan } from "../../src/compile/plan.js";
import { isRef, isRuntimeValue, sortResources } from "../../src/compile/plan.js";
import { loadTopology } from "../../src/pipeline.js";
import { renderPlan } from "../../src/render/index.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { modelOf, SHOP } from "../compile/kubernetes/helpers.js";
import { ENGINES } from "../compile/observability/fixture.js";
import { crdModel } from "../engines/crd.js";
import { USER_EVENTS } from "../engines/fixtures/cassandra.js";
import { STACKS_DIR, stackFiles } from "../render/stacks.js";

/** An upstream model class: validates its data against the Kubernetes / CRD OpenAPI schema. */
type Validating = new (data: any) => { validate(): void };

/**
 * The Multi-Cluster Services API's ServiceExport (kubernetes-sigs/mcs-api,
 * config/crd/multicluster.x-k8s.io_serviceexports.yaml, v1alpha1): its schema has apiVersion,
 * kind, metadata and a status the MCS controller writes, and nothing else.
 */
class ServiceExportModel {
  constructor(private readonly data: any) {}
  validate(): void {
    const extra = Object.keys(this.data).filter((key) => !["apiVersion", "kind", "metadata"].includes(key));
    if (extra.length > 0) throw new Error(`unknown fields ${extra.join(", ")} (the schema has no spec)`);
    if (typeof this.data.metadata?.name !== "string") throw new Error("metadata.name is required");
  }
}

/**
 * Upstream schema per apiVersion + kind (kubernetes-models for the core API; the
 * @kubernetes-models packages for Prometheus Operator and Istio CRDs). A kind missing here fails
 * the test: a target that emits a new kind adds its upstream validator here.
 */
const VALIDATORS: Readonly<Record<string, Validating>> = {
  "v1/Namespace": Namespace,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "v1/ConfigMap": ConfigMap,
  "apps/v1/StatefulSet": StatefulSet,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1/PodMonitor": PodMonitor,
  "networking.istio.io/v1beta1/DestinationRule": DestinationRule,
  "networking.istio.io/v1beta1/VirtualService": VirtualService,
  "networking.istio.io/v1beta1/ServiceEntry": ServiceEntry,
  "security.istio.io/v1beta1/PeerAuthentication": PeerAuthentication,
  "security.istio.io/v1beta1/AuthorizationPolicy": AuthorizationPolicy,
  "multicluster.x-k8s.io/v1alpha1/ServiceExport": ServiceExportModel,
  // Operator CRDs, copied with their sources into ../shared/data/crds/.
  "postgresql.cnpg.io/v1/Cluster": crdModel("cnpg-cluster.crd.yaml", "v1"),
  "kafka.strimzi.io/v1/Kafka": crdModel("strimzi-kafka.crd.yaml", "v1"),
  "kafka.strimzi.io/v1/KafkaNodePool": crdModel("strimzi-kafkanodepool.crd.yaml", "v1"),
  "kafka.strimzi.io/v1/KafkaTopic": crdModel("strimzi-kafkatopic.crd.yaml", "v1"),
};

/**
 * Kinds no upstream TypeScript model exists for, each with the reason. Listed explicitly so they are
 * not skipped silently: only their names and labels are checked here. Anything neither here nor in
 * VALIDATORS fails.
 */
const WITHOUT_UPSTREAM_MODEL: Readonly<Record<string, string>> = {
  "chaos-mesh.org/v1alpha1/Schedule":
    "Chaos Mesh publishes CRDs but no model package; validate against its CRD schema in the chaos target's tests",
  "chaos-mesh.org/v1alpha1/NetworkChaos":
    "Chaos Mesh publishes CRDs but no model package; validate against its CRD schema in the chaos target's tests",
};

/**
 * Refs to other resources' outputs (an Aurora endpoint in a ConfigMap) are strings once Pulumi
 * resolves them; validate what the API server receives.
 */
function atDeployment(value: any): any {
  if (Array.isArray(value)) return value.map(atDeployment);
  if (value === null || typeof value !== "object") return value;
  if (isRef(value) || isRuntimeValue(value)) return "resolved-at-deployment";
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, atDeployment(v)]));
}

/** Validates one manifest against its upstream schema; throws naming the file and the violation. */
function validateManifest(manifest: any, where: string): void {
  const key = `${manifest?.apiVersion}/${manifest?.kind}`;
  const Model = VALIDATORS[key];
  if (Model === undefined && key in WITHOUT_UPSTREAM_MODEL) return;
  if (Model === undefined) {
    throw new Error(
      `${where}: no upstream schema validator for ${key}; add one to VALIDATORS in test/conformance/kubernetes.test.ts`,
    );
  }
  try {
    new Model(atDeployment(manifest)).validate();
  } catch (error) {
    throw new Error(`${where} (${key}) violates the upstream schema: ${(error as Error).message}`);
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * What the OpenAPI schemas do not say but the API server enforces: name and label syntax, and a
 * Service's ports unique by name and by (protocol, port) (ValidateService, kubernetes#47336: a
 * duplicate is refused, and a StatefulSet's peers Service that is refused publishes no pod names).
 */
function checkServerRules(manifest: any, where: string): void {
  if (manifest.kind === "Service") {
    const ports: any[] = manifest.spec?.ports ?? [];
    const distinct = (key: (port: any) => string) => new Set(ports.map(key)).size;
    expect(
      distinct((p) => p.name ?? ""),
      `${where}: Service port names`,
    ).toBe(ports.length);
    expect(
      distinct((p) => `${p.protocol ?? "TCP"}/${p.port}`),
      `${where}: Service ports`,
    ).toBe(ports.length);
  }
  const { name, namespace, labels } = manifest.metadata ?? {};
  expect(name, `${where}: metadata.name`).toMatch(DNS_LABEL);
  expect(name.length, `${where}: metadata.name length`).toBeLessThanOrEqual(
    manifest.kind === "StatefulSet" ? 52 : 63,
  );
  if (namespace !== undefined) expect(namespace, `${where}: namespace`).toMatch(DNS_LABEL);
  for (const [key, value] of Object.entries(labels ?? {})) {
    expect(String(value).length, `${where}: label ${key}`).toBeLessThanOrEqual(63);
    expect(value, `${where}: label ${key}`).toMatch(LABEL_VALUE);
  }
}

/** Every rendered Kubernetes object, parsed back from the bytes `render` writes (each file's documents). */
function renderedManifests(plan: ResourcePlan): { path: string; manifest: any }[] {
  return renderPlan(plan)
    .filter((file) => file.path.includes("/kubernetes/"))
    .flatMap((file) =>
      parseAllDocuments(file.content).map((doc, i) => {
        expect(doc.errors, `${file.path} document ${i + 1}`).toEqual([]);
        return { path: `${file.path}#${i + 1}`, manifest: doc.toJS() };
      }),
    );
}

/** No bundled stack runs Cassandra: a store over two regions and its caller. */
const CASSANDRA: TopologyInput = {
  name: "events",
  datastores: {
    "user-events": USER_EVENTS,
  },
  services: {
    feed: {
      regions: ["eu-west-1", "us-east-1"],
      calls: [{ to: "user-events", timeoutMs: 200 }],
      deploy: { target: "kubernetes", image: "ghcr.io/acme/feed:1.0.0" },
    },
  },
};

const plans: [string, () => Promise<ResourcePlan>][] = [
  ...stackFiles().map(
    (file) =>
      [`stacks/${file}`, async () => compilePlan((await loadTopology(join(STACKS_DIR, file))).model)] as [
        string,
        () => Promise<ResourcePlan>,
      ],
  ),
  ["test fixture SHOP", async () => compilePlan(modelOf(SHOP))],
  ["test fixture ENGINES (CloudNativePG, Redis)", async () => compilePlan(modelOf(ENGINES))],
  ["test fixture CASSANDRA", async () => compilePlan(modelOf(CASSANDRA))],
];

describe("rendered Kubernetes manifests conform to upstream schemas", () => {
  it.each(plans)("%s", async (_label, makePlan) => {
    const plan = await makePlan();
    const manifests = renderedManifests(plan);
    expect(manifests.length).toBe(plan.resources.filter((r) => r.provider === "kubernetes").length);
    expect(manifests.length).toBeGreaterThan(0);
    for (const { path, manifest } of manifests) {
      validateManifest(manifest, path);
      checkServerRules(manifest, path);
    }
    // What is rendered is exactly what Pulumi gets.
    const key = (region: string, m: any) =>
      `${region}|${m.kind}|${m.metadata?.namespace ?? ""}|${m.metadata?.name}`;
    const inputs = new Map(
      plan.resources
        .filter((r) => r.provider === "kubernetes")
        .map((r) => [key(r.region, r.inputs), r.inputs]),
    );
    for (const { path, manifest } of manifests)
      expect(manifest, path).toEqual(inputs.get(key(path.split("/")[0]!, manifest)));
  });
});

describe("the kubernetes target alone conforms (independent of the other targets)", () => {
  it.each(stackFiles())("stacks/%s", async (file) => {
    const model = (await loadTopology(join(STACKS_DIR, file))).model;
    const plan: ResourcePlan = { topology: model.name, resources: sortResources(compileKubernetes(model)) };
    const manifests = renderedManifests(plan);
    for (const { path, manifest } of manifests) {
      expect(VALIDATORS[`${manifest.apiVersion}/${manifest.kind}`], path).toBeDefined();
      validateManifest(manifest, path);
      checkServerRules(manifest, path);
    }
  });
});

describe("the conformance check itself", () => {
  const sts = () =>
    structuredClone(
      compilePlan(modelOf(SHOP)).resources.find((r) => r.name === "eu-west-1/shop/StatefulSet/orders")!
        .inputs,
    ) as any;

  it("rejects a schema violation (replicas as a string)", () => {
    const broken = sts();
    broken.spec.replicas = "2";
    expect(() => validateManifest(broken, "broken")).toThrow(/replicas must be integer/);
  });

  it("rejects a missing required field (container name)", () => {
    const broken = sts();
    delete broken.spec.template.spec.containers[0].name;
    expect(() => validateManifest(broken, "broken")).toThrow(/name/);
  });

  it("fails an unknown kind instead of skipping it", () => {
    expect(() => validateManifest({ apiVersion: "example.com/v1", kind: "Widget" }, "x")).toThrow(
      /no upstream schema validator for example.com\/v1\/Widget/,
    );
  });
});
