/**
 * The observability target: for every component on Kubernetes, in every region it runs in, a
 * ServiceMonitor and a PrometheusRule (SLI recording rules, multiwindow multi-burn-rate SLO alerts
 * with a low-traffic guard, latency and replication-lag alerts); and in every region with such a
 * component, one Grafana dashboard for the whole topology as a sidecar-loaded ConfigMap (split in
 * parts when one would pass Kubernetes' 1 MiB object limit).
 * See README.md in this folder for the choices and their reasons.
 */
import type { Analysis } from "../../analysis/types.js";
import { engineOf } from "../../engines/registry.js";
import type { Model } from "../../model/types.js";
import { withInputsKey } from "../deferred.js";
import { ISTIO_SIDECAR_METRICS, type ScrapeEndpoint, scrapeEndpoint } from "../kubernetes/index.js";
import { regionsOf } from "../kubernetes/placements.js";
import type { PlannedResource } from "../plan.js";
import { type ComponentScope, EVERY_COMPONENT } from "../scope.js";
import { type DashboardIdentity, dashboardPartUid, dashboardUid } from "./dashboard.js";
import { DashboardTexts } from "./dashboard-text.js";
import { indicatorsIn, indicatorsOf, regionalIndicatorsIn } from "./indicators.js";
import {
  commonLabels,
  dnsLabel,
  type KubernetesComponent,
  type KubernetesManifest,
  kubernetesComponents,
  NAME_LABEL,
  namespaceOf,
  plannedManifestLater,
} from "./k8s.js";
import { COMPONENT_LABEL, DEFAULT_MIN_REQUESTS_PER_SECOND } from "./promql.js";
import { componentRuleSet, type RuleGroup, ruleGroupsIn } from "./rules.js";

export { BURN_RATE_ALERTS, DEFAULT_MIN_REQUESTS_PER_SECOND, RECORD, SLO_WINDOWS } from "./promql.js";
export { ALERT, componentRuleGroups, type RuleGroup } from "./rules.js";

export interface ObservabilityOptions {
  /**
   * Low-traffic guard of the burn-rate alerts: minimum requests per second over the long window.
   * @default 1
   */
  readonly minRequestsPerSecond?: number;
  /** Namespace of Grafana and its dashboard sidecar. @default "monitoring" */
  readonly dashboardNamespace?: string;
  /** Port name of the metrics endpoint on the components' Services. @default the kubernetes target's name for it ("metrics") */
  readonly metricsPortName?: string;
}

export const MONITORING_NAMESPACE = "monitoring";
export const METRICS_PORT_NAME = "metrics";
/** Scrape interval; the shortest rate window (5m) spans ten scrapes. */
export const SCRAPE_INTERVAL = "30s";

export const TYPES = {
  prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  serviceMonitor: "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
  podMonitor: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
  configMap: "kubernetes:core/v1:ConfigMap",
} as const;

/** Where the Kubernetes target runs a component (a Kafka stream's mirror regions too: placements.ts). */
const deployedRegions = (component: KubernetesComponent): string[] =>
  regionsOf(component).map((r) => r.region);

/** Pure: the same model gives the same resources, in a stable order. */
export function compileObservability(
  model: Model,
  _analysis?: Analysis,
  options: ObservabilityOptions = {},
  scope: ComponentScope = EVERY_COMPONENT,
): PlannedResource[] {
  const minRequestsPerSecond = options.minRequestsPerSecond ?? DEFAULT_MIN_REQUESTS_PER_SECOND;
  const ruleOptions = { minRequestsPerSecond };
  const components = kubernetesComponents(model);
  // Each component's regions once: the dashboards ask per region (regions × components).
  const deployed = new Map(components.map((c) => [c, deployedRegions(c)]));
  const resources: PlannedResource[] = [];
  for (const component of components) {
    // The dashboards below read every component; these are its own.
    if (!scope(component.name)) continue;
    // Where Prometheus scrapes it: the same answer the NetworkPolicies and the mesh's mTLS
    // exceptions use (kubernetes/endpoints.ts).
    const scrape = scrapeEndpoint(component);
    // An engine's indicators may differ per region (src/engines/types.ts); everything else's do not.
    const everywhere = regionalIndicatorsIn(model, component)
      ? undefined
      : componentRuleSet(component, indicatorsOf(component), ruleOptions);
    for (const region of deployed.get(component)!) {
      const rules =
        everywhere ?? componentRuleSet(component, indicatorsIn(model, component, region), ruleOptions);
      // Nothing to scrape or alert on when topoplan knows no metric of the component (no engine,
      // no declared metrics): the observability-coverage rule says so instead.
      if (rules.recording.length === 0 && rules.alerts.length === 0) continue;
      resources.push(serviceMonitor(model, component, region, scrape, options.metricsPortName));
      resources.push(prometheusRule(model, component, region, () => ruleGroupsIn(model, rules, region)));
    }
  }
  // Each region's Grafana reads its own region's Prometheus: only that region's components, in order.
  const byRegion = new Map<string, KubernetesComponent[]>();
  for (const [component, regions] of deployed)
    for (const region of new Set(regions)) {
      const local = byRegion.get(region);
      if (local === undefined) byRegion.set(region, [component]);
      else local.push(component);
    }
  const namespace = options.dashboardNamespace ?? MONITORING_NAMESPACE;
  // A component's panels are made once for all regions' dashboards (per region where its indicators are regional).
  const texts = new DashboardTexts(model);
  for (const region of [...byRegion.keys()].sort())
    resources.push(...dashboardConfigMaps(model, texts, byRegion.get(region)!, region, namespace));
  return resources;
}

function prometheusRule(
  model: Model,
  component: KubernetesComponent,
  region: string,
  groups: () => readonly RuleGroup[],
): PlannedResource {
  const namespace = namespaceOf(model, component);
  const name = dnsLabel(component.name, "slo-rules");
  const header = { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", name, namespace };
  return plannedManifestLater(region, component.name, header, () => ({
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name, namespace, labels: commonLabels(model, component.name) },
    spec: { groups: groups() },
  }));
}

/** Istio's sidecar serves its standard metrics here (https://istio.io/latest/docs/ops/integrations/prometheus/). */
export const ENVOY_METRICS = {
  port: ISTIO_SIDECAR_METRICS.portName,
  path: ISTIO_SIDECAR_METRICS.path,
} as const;

/**
 * How Prometheus reaches a component's metrics (`scrape`, kubernetes/endpoints.ts): a PodMonitor
 * on every pod's Istio sidecar for services on the mesh's standard metrics, or on the pods of an
 * operator-managed engine (its Services do not expose the exporter); else a ServiceMonitor on the
 * headless Service's metrics port with the engine's path (e.g. CockroachDB's /_status/vars) or the
 * declared one.
 */
function serviceMonitor(
  model: Model,
  component: KubernetesComponent,
  region: string,
  scrape: ScrapeEndpoint,
  portName: string | undefined,
): PlannedResource {
  const namespace = namespaceOf(model, component);
  const name = dnsLabel(component.name, "metrics");
  const header = { apiVersion: "monitoring.coreos.com/v1", kind: scrape.monitor, name, namespace };
  return plannedManifestLater(region, component.name, header, () =>
    monitorManifest(model, component, scrape, portName, name, namespace),
  );
}

function monitorManifest(
  model: Model,
  component: KubernetesComponent,
  scrape: ScrapeEndpoint,
  portName: string | undefined,
  name: string,
  namespace: string,
): KubernetesManifest {
  const selector = { matchLabels: { [NAME_LABEL]: component.name, "app.kubernetes.io/part-of": model.name } };
  // Every series carries the component, whatever the Service or job is called: the rules select on it.
  const relabelings = [{ action: "replace", targetLabel: COMPONENT_LABEL, replacement: component.name }];
  const metadata = { name, namespace, labels: commonLabels(model, component.name) };
  const engine = engineOf(component);
  if (scrape.monitor === "PodMonitor") {
    // The mesh's sidecars, or an operator's pods whose Services do not expose metrics.
    return {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata,
      spec: {
        selector,
        namespaceSelector: { matchNames: [namespace] },
        podMetricsEndpoints: [
          { port: scrape.portName, path: scrape.path, interval: SCRAPE_INTERVAL, relabelings },
        ],
      },
    };
  }
  const port = portName ?? scrape.portName;
  const path = scrape.path;
  const tls = engine?.scrapeTls?.(
    component as Parameters<NonNullable<typeof engine.scrapeTls>>[0],
    namespace,
  );
  const secure =
    tls === undefined
      ? {}
      : { scheme: "https", tlsConfig: { ca: { secret: tls.caSecret }, serverName: tls.serverName } };
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata,
    spec: {
      selector,
      namespaceSelector: { matchNames: [namespace] },
      endpoints: [{ port, path, ...secure, interval: SCRAPE_INTERVAL, relabelings }],
    },
  };
}

/**
 * Largest compiled object, bytes of its compact JSON: a ConfigMap's data is limited to 1 MiB
 * (Kubernetes docs, "ConfigMaps": "The data stored in a ConfigMap cannot exceed 1 MiB"), and etcd
 * refuses requests above 1.5 MiB (etcd `--max-request-bytes`, default 1.5 MiB). The compact JSON
 * (dashboard text escaped as a JSON string) is larger than the stored data, so this is the stricter
 * measure.
 */
export const MAX_OBJECT_BYTES = 1024 * 1024;
/** The dashboard text's share of a ConfigMap: leaves 16 KiB for metadata and labels (estimate, generous). */
const DASHBOARD_BUDGET_BYTES = MAX_OBJECT_BYTES - 16 * 1024;

/**
 * The region's dashboard as one ConfigMap; or, when that would pass the 1 MiB object limit (about
 * 200 components), split into consecutive groups of components, each its own dashboard and
 * ConfigMap (`…-dashboard-<part>`), all found by the Grafana sidecar through the same label.
 * Dashboards hold no state, so components moving between parts as the topology grows lose nothing.
 * Sizes come from `texts` without making the texts; only the texts written are made.
 */
function dashboardConfigMaps(
  model: Model,
  texts: DashboardTexts,
  components: readonly KubernetesComponent[],
  region: string,
  namespace: string,
): PlannedResource[] {
  const name = dnsLabel("topoplan", model.name, "dashboard");
  const wholeBytes = texts.escapedBytes(components, region);
  if (wholeBytes <= DASHBOARD_BUDGET_BYTES)
    return [dashboardConfigMap(model, name, dashboardUid(model), texts, components, region, namespace)];
  // Components have one to four panels each, so equal counts give parts of similar size; one more
  // part until every one fits (one component's panels always do).
  for (let parts = Math.ceil(wholeBytes / DASHBOARD_BUDGET_BYTES); parts <= components.length; parts++) {
    const size = Math.ceil(components.length / parts);
    const groups = Array.from({ length: Math.ceil(components.length / size) }, (_, i) =>
      components.slice(i * size, (i + 1) * size),
    );
    const identities = groups.map((_, i) => ({
      uid: dashboardPartUid(model, i + 1),
      title: `topoplan: ${model.name} (${i + 1}/${groups.length})`,
    }));
    if (
      groups.every((group, i) => texts.escapedBytes(group, region, identities[i]) <= DASHBOARD_BUDGET_BYTES)
    )
      return groups.map((group, i) =>
        dashboardConfigMap(
          model,
          dnsLabel("topoplan", model.name, "dashboard", String(i + 1)),
          identities[i]!.uid,
          texts,
          group,
          region,
          namespace,
          identities[i],
        ),
      );
  }
  throw new Error(`one component's dashboard passes ${MAX_OBJECT_BYTES} bytes (compiler bug)`);
}

function dashboardConfigMap(
  model: Model,
  name: string,
  uid: string,
  texts: DashboardTexts,
  components: readonly KubernetesComponent[],
  region: string,
  namespace: string,
  identity?: DashboardIdentity,
): PlannedResource {
  const manifest = (text: string): KubernetesManifest => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace,
      labels: { ...commonLabels(model, ""), grafana_dashboard: "1" },
      annotations: { grafana_folder: "topoplan" },
    },
    data: { [`${uid}.json`]: text },
  });
  // Grafana's namespace is managed outside topoplan: no dependency on a planned Namespace. The
  // text is made when the plan's inputs are read (its size is known without it); `diff` compares
  // the manifest with the text's key in its place.
  return withInputsKey(
    plannedManifestLater(
      region,
      "",
      { apiVersion: "v1", kind: "ConfigMap", name, namespace },
      () => manifest(texts.text(components, region, identity)),
      false,
    ),
    () => JSON.stringify(manifest(texts.key(components, region, identity))),
  );
}
