/**
 * The cluster add-ons a plan can need: the operators and meshes that serve the custom resources
 * the compilers emit. One row per add-on, keyed by id; `apiVersions` says which resources need
 * it. A new engine whose resources need an operator (CloudNativePG, Strimzi, ...) adds its
 * apiVersions to a row here, or a new row — nothing else changes.
 *
 * Helm charts are pinned (a deployment must not change because a chart moved): the versions
 * below were current releases of each project's chart repository when written; raise them
 * deliberately, after reading the chart's upgrade notes. Sources: each row's `docs`.
 */
export interface HelmChart {
  /** Helm release name (also the Pulumi resource's suffix: never rename). */
  readonly release: string;
  readonly chart: string;
  readonly repo: string;
  readonly version: string;
  readonly values?: Readonly<Record<string, unknown>>;
}

export interface ClusterAddon {
  readonly title: string;
  /** The install guide the charts and values follow. */
  readonly docs: string;
  /** Namespace the add-on runs in (created with the releases when topoplan installs them). */
  readonly namespace: string;
  /** `apiVersion`s (group/version) of resources that need this add-on. */
  readonly apiVersions: readonly string[];
  /** Charts, in install order (CRDs first). */
  readonly charts: readonly HelmChart[];
}

const ISTIO_REPO = "https://istio-release.storage.googleapis.com/charts";
const ISTIO_VERSION = "1.24.2";

export const CLUSTER_ADDONS = {
  "prometheus-operator": {
    title: "Prometheus Operator (kube-prometheus-stack)",
    docs: "https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack",
    namespace: "monitoring",
    apiVersions: ["monitoring.coreos.com/v1"],
    charts: [
      {
        release: "kube-prometheus-stack",
        chart: "kube-prometheus-stack",
        repo: "https://prometheus-community.github.io/helm-charts",
        version: "65.1.1",
        // Select every ServiceMonitor and PrometheusRule, not only the chart's own (topoplan's
        // carry their own labels), and let the Grafana sidecar load dashboards from ConfigMaps.
        values: {
          prometheus: {
            prometheusSpec: {
              ruleSelectorNilUsesHelmValues: false,
              serviceMonitorSelectorNilUsesHelmValues: false,
            },
          },
          grafana: { sidecar: { dashboards: { enabled: true, searchNamespace: "ALL" } } },
        },
      },
    ],
  },
  istio: {
    title: "Istio (sidecars via the Istio CNI: pods keep the restricted Pod Security Standard)",
    docs: "https://istio.io/latest/docs/setup/additional-setup/cni/",
    namespace: "istio-system",
    apiVersions: [
      "networking.istio.io/v1beta1",
      "networking.istio.io/v1",
      "security.istio.io/v1beta1",
      "security.istio.io/v1",
    ],
    charts: [
      { release: "istio-base", chart: "base", repo: ISTIO_REPO, version: ISTIO_VERSION },
      { release: "istio-cni", chart: "cni", repo: ISTIO_REPO, version: ISTIO_VERSION },
      {
        release: "istiod",
        chart: "istiod",
        repo: ISTIO_REPO,
        version: ISTIO_VERSION,
        values: { pilot: { cni: { enabled: true } } },
      },
    ],
  },
  "chaos-mesh": {
    title: "Chaos Mesh",
    docs: "https://chaos-mesh.org/docs/production-installation-using-helm/",
    namespace: "chaos-mesh",
    apiVersions: ["chaos-mesh.org/v1alpha1"],
    charts: [
      {
        release: "chaos-mesh",
        chart: "chaos-mesh",
        repo: "https://charts.chaos-mesh.org",
        version: "2.7.0",
        // containerd is the runtime of current managed clusters and kind.
        values: {
          chaosDaemon: { runtime: "containerd", socketPath: "/run/containerd/containerd.sock" },
        },
      },
    ],
  },
  cloudnativepg: {
    title: "CloudNativePG operator",
    docs: "https://cloudnative-pg.io/documentation/current/installation_upgrade/",
    namespace: "cnpg-system",
    apiVersions: ["postgresql.cnpg.io/v1"],
    charts: [
      {
        release: "cnpg",
        chart: "cloudnative-pg",
        repo: "https://cloudnative-pg.github.io/charts",
        version: "0.22.1",
      },
    ],
  },
  strimzi: {
    title: "Strimzi Kafka operator",
    docs: "https://strimzi.io/docs/operators/latest/deploying#deploying-cluster-operator-helm-chart-str",
    namespace: "strimzi",
    apiVersions: ["kafka.strimzi.io/v1beta2", "kafka.strimzi.io/v1"],
    charts: [
      {
        release: "strimzi",
        chart: "strimzi-kafka-operator",
        repo: "https://strimzi.io/charts/",
        version: "0.45.0",
        // Watch every namespace: topoplan puts Kafka clusters in the topology's namespaces.
        values: { watchAnyNamespace: true },
      },
    ],
  },
} as const satisfies Readonly<Record<string, ClusterAddon>>;

export type AddonId = keyof typeof CLUSTER_ADDONS;

/** apiVersion → the add-on that serves it (derived from the table). */
export const ADDON_BY_API_VERSION: ReadonlyMap<string, AddonId> = new Map(
  (Object.entries(CLUSTER_ADDONS) as [AddonId, ClusterAddon][]).flatMap(([id, addon]) =>
    addon.apiVersions.map((apiVersion) => [apiVersion, id] as const),
  ),
);
