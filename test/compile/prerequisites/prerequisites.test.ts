// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
import { describe, expect, it } from "vitest";
import { compilePlan } from "../../../src/compile/index.js";
import { applyZoneLabels } from "../../../src/compile/kubernetes/zone-fallback.js";
import type { PlannedResource } from "../../../src/compile/plan.js";
import {
  ADDON_BY_API_VERSION,
  CLUSTER_ADDONS,
  HELM_RELEASE_TYPE,
  requiredAddons,
} from "../../../src/compile/prerequisites/index.js";
import { compile, ENGINE_SHOP, modelOf, SHOP } from "../kubernetes/helpers.js";

const plan = (options = {}) => compilePlan(modelOf(SHOP), undefined, options).resources;
const byName = (resources: readonly PlannedResource[], name: string) => {
  const found = resources.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no ${name} in\n${resources.map((r) => r.name).join("\n")}`);
  return found;
};

describe("cluster add-ons", () => {
  it("lists, per region, the add-ons serving the plan's custom resources, from the apiVersion table", () => {
    const required = requiredAddons(plan());
    const regions = [...new Set(required.map((r) => r.region))];
    expect(regions.length).toBeGreaterThan(0);
    for (const region of regions)
      expect(required.filter((r) => r.region === region).map((r) => r.id)).toContain("istio");
    // web in eu-central-1 calls checkout, which runs in eu-west-1 only: its Service is exported.
    expect(new Set(required.map((r) => r.id))).toEqual(
      new Set(["istio", "multicluster-services", "prometheus-operator"]),
    );
    for (const need of required) {
      for (const type of need.types) {
        const apiVersion = type.split(":")[1]!;
        expect(ADDON_BY_API_VERSION.get(apiVersion)).toBe(need.id);
      }
    }
  });

  it("maps every apiVersion to one add-on and pins every chart to an exact version", () => {
    const all = Object.values(CLUSTER_ADDONS).flatMap((a) => a.apiVersions);
    expect(new Set(all).size).toBe(all.length);
    for (const addon of Object.values(CLUSTER_ADDONS))
      for (const chart of addon.charts) expect(chart.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("the kube-prometheus-stack it installs selects every monitoring kind the plan holds, not only the chart's own", () => {
    // The chart's `<kind>SelectorNilUsesHelmValues` default to true: its Prometheus then selects
    // only objects labelled `release: kube-prometheus-stack`, and topoplan's would be ignored.
    const key: Readonly<Record<string, string>> = {
      ServiceMonitor: "serviceMonitorSelectorNilUsesHelmValues",
      PodMonitor: "podMonitorSelectorNilUsesHelmValues",
      PrometheusRule: "ruleSelectorNilUsesHelmValues",
      Probe: "probeSelectorNilUsesHelmValues",
      ScrapeConfig: "scrapeConfigSelectorNilUsesHelmValues",
    };
    const kinds = new Set(
      [SHOP, ENGINE_SHOP]
        .flatMap((t) => compilePlan(modelOf(t)).resources)
        .map((r) => r.inputs as any)
        .filter((m) => m.apiVersion === "monitoring.coreos.com/v1")
        .map((m) => m.kind as string),
    );
    expect([...kinds].sort()).toEqual(["PodMonitor", "PrometheusRule", "ServiceMonitor"]);
    const spec = (CLUSTER_ADDONS["prometheus-operator"].charts[0].values as any).prometheus.prometheusSpec;
    for (const kind of kinds) expect(spec[key[kind]!], kind).toBe(false);
  });

  it("names the Multi-Cluster Services API a plan's ServiceExports need, to install by hand", () => {
    const engines = compilePlan(modelOf(ENGINE_SHOP), undefined, {
      prerequisites: { installAddons: true },
    }).resources;
    const exports = engines.filter(
      (r) => r.type === "kubernetes:multicluster.x-k8s.io/v1alpha1:ServiceExport",
    );
    expect(exports.length).toBeGreaterThan(0);
    const mcs = requiredAddons(engines).filter((r) => r.id === "multicluster-services");
    expect(mcs.map((r) => r.region).sort()).toEqual([...new Set(exports.map((r) => r.region))].sort());
    expect(CLUSTER_ADDONS["multicluster-services"].charts).toEqual([]);
    // installAddons has nothing to install for it: no namespace of its own, nothing to wait for.
    const namespaces = engines
      .filter((r) => r.type === "kubernetes:core/v1:Namespace")
      .map((r) => (r.inputs as any).metadata.name);
    expect(namespaces).not.toContain(CLUSTER_ADDONS["multicluster-services"].namespace);
    for (const r of exports)
      expect((r.options?.dependsOn ?? []).filter((d) => d.includes("(the implementation's)"))).toEqual([]);
  });

  it("creates namespaces written to but planned by no compiler (monitoring), never deleting them", () => {
    const resources = plan();
    const configMaps = resources.filter((r) => (r.inputs as any).metadata?.namespace === "monitoring");
    expect(configMaps.length).toBeGreaterThan(0);
    for (const region of new Set(configMaps.map((r) => r.region))) {
      const ns = byName(
        resources,
        resources.find(
          (r) =>
            r.region === region &&
            r.type === "kubernetes:core/v1:Namespace" &&
            (r.inputs as any).metadata.name === "monitoring",
        )!.name,
      );
      expect(ns.options).toEqual({ retainOnDelete: true });
    }
  });

  it("labels the namespaces holding Istio resources for sidecar injection", () => {
    const meshed = (resources: readonly PlannedResource[]) =>
      resources.filter(
        (r) => r.type === "kubernetes:core/v1:Namespace" && (r.inputs as any).metadata.name === "shop",
      );
    const sidecar = meshed(plan());
    expect(sidecar.length).toBeGreaterThan(0);
    for (const ns of sidecar) expect((ns.inputs as any).metadata.labels["istio-injection"]).toBe("enabled");
    // monitoring holds no Istio resource: no label.
    const monitoring = plan().filter(
      (r) => r.type === "kubernetes:core/v1:Namespace" && (r.inputs as any).metadata.name === "monitoring",
    );
    for (const ns of monitoring)
      expect((ns.inputs as any).metadata.labels["istio-injection"]).toBeUndefined();
  });

  it("installAddons plans pinned Helm releases, chained, that the custom resources and injected namespaces wait for", () => {
    const resources = plan({ prerequisites: { installAddons: true } });
    const releases = resources.filter((r) => r.type === HELM_RELEASE_TYPE);
    const region = releases[0]!.region;
    const istiod = byName(resources, `${region}/istio-system/HelmRelease/istiod`);
    expect(istiod.inputs).toMatchObject({
      chart: "istiod",
      version: CLUSTER_ADDONS.istio.charts[2].version,
      namespace: "istio-system",
      atomic: true,
    });
    expect(istiod.options?.dependsOn).toEqual([`${region}/istio-system/HelmRelease/istio-cni`]);
    const rule = resources.find((r) => r.region === region && r.type.includes("PrometheusRule"))!;
    expect(rule.options?.dependsOn).toContain(`${region}/monitoring/HelmRelease/kube-prometheus-stack`);
    const shop = resources.find(
      (r) =>
        r.region === region &&
        r.type === "kubernetes:core/v1:Namespace" &&
        (r.inputs as any).metadata.name === "shop",
    )!;
    expect(shop.options?.dependsOn).toContain(istiod.name);
    // Without the switch, nothing is installed.
    expect(plan().filter((r) => r.type === HELM_RELEASE_TYPE)).toEqual([]);
  });

  it("lets every namespace's pods reach istiod on 15012 under the default deny", () => {
    const policies = compile(SHOP).filter(
      (r) => (r.inputs as any).metadata?.name === "topoplan-allow-istiod",
    );
    expect(policies.length).toBeGreaterThan(0);
    for (const p of policies) {
      expect((p.inputs as any).spec.egress).toEqual([
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } },
              podSelector: { matchLabels: { app: "istiod" } },
            },
          ],
          ports: [{ protocol: "TCP", port: 15012 }],
        },
      ]);
    }
  });
});

describe("zone labels", () => {
  const stateful = (resources: readonly PlannedResource[]) =>
    resources
      .filter((r) => r.type === "kubernetes:apps/v1:StatefulSet")
      .map((r) => (r.inputs as any).spec.template.spec);

  it("required (default): DoNotSchedule spread and required zone affinity", () => {
    for (const pod of stateful(compile(SHOP))) {
      expect(pod.topologySpreadConstraints.map((c: any) => c.whenUnsatisfiable)).toContain("DoNotSchedule");
      expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeDefined();
    }
  });

  it("preferred: ScheduleAnyway and preferred zone affinity, node anti-affinity still required", () => {
    const pods = stateful(compile(SHOP, { zoneLabels: "preferred" }));
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) {
      const zone = pod.topologySpreadConstraints.filter(
        (c: any) => c.topologyKey === "topology.kubernetes.io/zone",
      );
      expect(zone.map((c: any) => c.whenUnsatisfiable)).toEqual(zone.map(() => "ScheduleAnyway"));
      expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
      expect(pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]).toMatchObject({
        weight: 100,
        preference: { matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In" }] },
      });
      expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeDefined();
    }
  });

  it("leaves the input plan untouched (no shared mutation)", () => {
    const resources = compile(SHOP);
    const before = JSON.stringify(resources);
    applyZoneLabels(resources, { zoneLabels: "preferred" });
    expect(JSON.stringify(resources)).toBe(before);
  });
});
