import type { ResolvedKubernetesDeploy } from "../../model/types.js";

/** A component's Kubernetes deploy settings with defaults applied, its engine and image resolved. */
export type KubernetesDeploy = ResolvedKubernetesDeploy;

/** Namespace Prometheus runs in; pods accept scrapes on their metrics port from it. */
export const MONITORING_NAMESPACE = "monitoring";

/**
 * Namespace and labels of cluster DNS (kube-dns / CoreDNS), and NodeLocal DNSCache's address: where
 * it runs (GKE Autopilot always), pods resolve through a host-network cache on 169.254.20.10, which
 * no pod selector matches (Kubernetes docs, "Using NodeLocal DNSCache in Kubernetes Clusters":
 * the link-local address it listens on). Every pod may resolve names.
 */
export const DNS = {
  namespace: "kube-system",
  podLabels: { "k8s-app": "kube-dns" },
  port: 53,
  nodeLocalCache: "169.254.20.10/32",
} as const;

/** istiod's namespace, pod labels and xDS/CA port (Istio's default install). */
export const ISTIOD = { namespace: "istio-system", podLabels: { app: "istiod" }, port: 15012 } as const;

/**
 * Envoy's own Prometheus endpoint in every Istio sidecar: the mesh's standard metrics
 * (https://istio.io/latest/docs/ops/integrations/prometheus/). The sidecar serves it itself, in
 * plaintext: Istio never redirects inbound 15090 to Envoy's inbound listener (the CNI plugin always
 * excludes 15020, 15021 and 15090, cni/pkg/plugin/sidecar_redirect.go; so does istio-init's `-d`),
 * so no PeerAuthentication applies to it and Prometheus without a sidecar can scrape it.
 */
export const ISTIO_SIDECAR_METRICS = {
  portName: "http-envoy-prom",
  port: 15090,
  path: "/stats/prometheus",
} as const;

/**
 * Where traffic from outside the cluster enters: the Istio ingress gateway (the mesh target is
 * Istio). Entry services — services no component calls — accept their port from it.
 */
export const DEFAULT_INGRESS_NAMESPACE = "istio-system";

/** Non-root identity every pod runs as (the distroless `nonroot` user). */
export const POD_USER_ID = 65532;

/** Mount path of a datastore's or broker's persistent volume. */
export const DATA_MOUNT_PATH = "/data";

/**
 * Cloud metadata and link-local range, excluded from every "anywhere" egress rule so a
 * compromised pod cannot reach the instance metadata service (node credentials).
 */
export const LINK_LOCAL_CIDR = "169.254.0.0/16";

/** Port names on containers and Services; ServiceMonitors select `metrics`. */
export const PORT_NAMES = {
  service: "http",
  /** A service with `deploy.protocol: grpc`: Istio speaks HTTP/2 to a port named `grpc`. */
  grpcService: "grpc",
  client: "client",
  peer: "peer",
  metrics: "metrics",
} as const;

/** The label keys every object carries. */
export const LABELS = {
  name: "app.kubernetes.io/name",
  partOf: "app.kubernetes.io/part-of",
  component: "app.kubernetes.io/component",
  managedBy: "app.kubernetes.io/managed-by",
  region: "topoplan.dev/region",
} as const;

/** Annotation carrying what a reviewer of an object must know (a paused experiment, a wide rule). */
export const NOTE_ANNOTATION = "topoplan.dev/note";

/** Options of the Kubernetes target (from the Pulumi stack config or the API). */
export interface KubernetesOptions {
  /**
   * Pod/node CIDRs of each region's cluster network. With them, cross-region replication and
   * cross-region calls are allowed from/to exactly these blocks; without them, from/to
   * `0.0.0.0/0` minus link-local, on the one port concerned (see README.md, "NetworkPolicies").
   * @default {}
   */
  readonly regionCidrs?: Readonly<Record<string, readonly string[]>>;
  /** Namespace of the ingress gateway that entry services accept traffic from. @default "istio-system" */
  readonly ingressNamespace?: string;
  /**
   * Whether nodes carry `topology.kubernetes.io/zone`: `required` keeps zone placement hard
   * (pods stay Pending rather than break the survival arithmetic); `preferred` turns it into
   * preferences for clusters without zone labels (kind). See zone-fallback.ts. @default "required"
   */
  readonly zoneLabels?: "required" | "preferred";
  /** Image of the rollout Jobs: kubectl and bash (rollout.ts). @default ROLLOUT_IMAGE */
  readonly rolloutImage?: string;
}
