/**
 * The cluster add-ons a plan can need: the operators and meshes that serve the custom resources
 * the compilers emit. One row per add-on, keyed by id; `apiVersions` says which resources need
 * it. A new engine whose resources need an operator (CloudNativePG, Strimzi, ...) adds its
 * apiVersions to a row here, or a new row — nothing else changes.
 *
 * Helm charts are pinned (a deployment must not change because a chart moved); raise them
 * deliberately, after reading the chart's upgrade notes. Each pin names its source: where the
 * chart name, repository and version were checked (2026-12), beside the row's install guide in
 * `docs`. A pin must serve the apiVersions and fields the compilers emit (see each comment).
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
  /** What a user installing it by hand should know about the pin (printed with it). */
  readonly note?: string;
  /** Namespace the add-on runs in (created with the releases when topoplan installs them). */
  readonly namespace: string;
  /** `apiVersion`s (group/version) of resources that need this add-on. */
  readonly apiVersions: readonly string[];
  /** Charts, in install order (CRDs first). */
  readonly charts: readonly HelmChart[];
}

// Charts base, cni and istiod in Istio's Helm repository (https://istio.io/latest/docs/setup/install/helm/;
// https://istio.io/latest/docs/setup/additional-setup/cni/ for `pilot.cni.enabled`). 1.24.2: a
// release of that repository (https://istio.io/latest/news/releases/1.24.x/announcing-1.24.2/);
// Istio 1.24 supports Kubernetes 1.28–1.31 and is past its end of life
// (https://istio.io/latest/docs/releases/supported-releases/): raise it for newer clusters.
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
        // Source: https://artifacthub.io/packages/helm/prometheus-community/kube-prometheus-stack
        // (release kube-prometheus-stack-65.1.1 of github.com/prometheus-community/helm-charts).
        repo: "https://prometheus-community.github.io/helm-charts",
        version: "65.1.1",
        // Select every ServiceMonitor, PodMonitor and PrometheusRule, not only those labelled
        // `release: kube-prometheus-stack` (each `…NilUsesHelmValues` defaults to true; topoplan's
        // carry their own labels), and let the Grafana sidecar load dashboards from ConfigMaps.
        // No Probe selector: topoplan compiles no Probes.
        values: {
          prometheus: {
            prometheusSpec: {
              podMonitorSelectorNilUsesHelmValues: false,
              ruleSelectorNilUsesHelmValues: false,
              serviceMonitorSelectorNilUsesHelmValues: false,
            },
          },
          // The dashboards' `grafana_folder` annotation names their folder only with both of these
          // (grafana chart values.yaml: sidecar.dashboards.folderAnnotation, "use this parameter
          // together with provider.foldersFromFilesStructure"); without them they land in General.
          grafana: {
            sidecar: {
              dashboards: {
                enabled: true,
                searchNamespace: "ALL",
                folderAnnotation: "grafana_folder",
                provider: { foldersFromFilesStructure: true },
              },
            },
          },
        },
      },
    ],
  },
  istio: {
    title: "Istio (sidecars via the Istio CNI: pods keep the restricted Pod Security Standard)",
    docs: "https://istio.io/latest/docs/setup/additional-setup/cni/",
    note: "Istio 1.24 supports Kubernetes 1.28–1.31 and is past its end of life; on newer clusters install a current Istio with the same settings.",
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
        // Native sidecars (Kubernetes 1.29+, istio-proxy as an init container that keeps running):
        // the Jobs an operator starts in an injected namespace (CloudNativePG's initdb, join and
        // pg_basebackup) then complete when their container exits, where a classic sidecar kept
        // them running for ever. Istio's default from 1.27 (https://istio.io/latest/news/releases/1.27.x/);
        // in 1.24 istiod's ENABLE_NATIVE_SIDECARS.
        values: { pilot: { cni: { enabled: true }, env: { ENABLE_NATIVE_SIDECARS: "true" } } },
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
        // Source: https://chaos-mesh.org/docs/production-installation-using-helm/ (repository and
        // values); v2.7.0 released 2024-09 (github.com/chaos-mesh/chaos-mesh pull 4492).
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
        // Source: https://cloudnative-pg.io/charts/index.yaml — chart 0.29.0 ships operator 1.30.0.
        // Was 0.22.1 (operator 1.24.1), which lacks `postgresql.synchronous.dataDurability`
        // (CloudNativePG ≥ 1.25) that the postgresql engine sets.
        repo: "https://cloudnative-pg.github.io/charts",
        version: "0.29.0",
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
        // Source: https://github.com/strimzi/strimzi-kafka-operator/releases (1.1.0; the Helm
        // repository per https://strimzi.io/docs/operators/latest/deploying). Was 0.45.0, which
        // serves only kafka.strimzi.io/v1beta2: the kafka engine emits v1 (Strimzi ≥ 0.49; the only
        // API from 1.0), `rack.type: environment-variable` (1.0) and the operator's own image
        // quay.io/strimzi/kafka:1.1.0-kafka-4.2.0, which must match the operator's version.
        repo: "https://strimzi.io/charts/",
        version: "1.1.0",
        // Watch every namespace: topoplan puts Kafka clusters in the topology's namespaces.
        values: { watchAnyNamespace: true },
      },
    ],
  },
  // No chart: the API is served by the clusters' multi-cluster implementation, chosen with the
  // clusters (EKS, GKE, Cilium, Submariner each bring their own). Listed so that the README and
  // `plan` name it before kubectl meets "no matches for kind ServiceExport"; installAddons
  // installs nothing for it.
  "multicluster-services": {
    title: "Multi-Cluster Services API (ServiceExport) with an implementation",
    docs: "https://github.com/kubernetes-sigs/mcs-api",
    note: "The Multi-Cluster Services API has no Helm chart of its own: install the implementation your clusters use (AWS Cloud Map MCS controller on EKS, GKE multi-cluster Services, Submariner Lighthouse; not Cilium ClusterMesh, whose policies match no ipBlock against meshed pods, which the cross-region NetworkPolicies rely on) in every listed region, so that <service>.<namespace>.svc.clusterset.local names resolve across the regions. topoplan:installAddons does not install it.",
    namespace: "(the implementation's)",
    apiVersions: ["multicluster.x-k8s.io/v1alpha1"],
    charts: [],
  },
} as const satisfies Readonly<Record<string, ClusterAddon>>;

export type AddonId = keyof typeof CLUSTER_ADDONS;

/** apiVersion → the add-on that serves it (derived from the table). */
export const ADDON_BY_API_VERSION: ReadonlyMap<string, AddonId> = new Map(
  (Object.entries(CLUSTER_ADDONS) as [AddonId, ClusterAddon][]).flatMap(([id, addon]) =>
    addon.apiVersions.map((apiVersion) => [apiVersion, id] as const),
  ),
);
