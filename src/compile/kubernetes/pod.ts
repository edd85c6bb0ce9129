import type { IContainer } from "kubernetes-models/v1/Container";
import type { IContainerPort } from "kubernetes-models/v1/ContainerPort";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IProbe } from "kubernetes-models/v1/Probe";
import type { IServicePort } from "kubernetes-models/v1/ServicePort";
import type { ITopologySpreadConstraint } from "kubernetes-models/v1/TopologySpreadConstraint";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";
import { byText } from "../../order.js";
import type { KubernetesDeploy } from "./constants.js";
import { DATA_MOUNT_PATH, POD_USER_ID, PORT_NAMES } from "./constants.js";
import { componentLabels, selectorLabels } from "./manifest.js";
import type { Placed } from "./placements.js";

const ZONE_KEY = "topology.kubernetes.io/zone";
const HOST_KEY = "kubernetes.io/hostname";

/** Name of the volume claim template of stateful pods. */
export const DATA_VOLUME = "data";

interface NamedPort {
  readonly name: string;
  readonly port: number;
}

/**
 * Ports of a component, deduplicated by number (the first name wins): the serving port, the peer
 * port (datastores, streams) and the metrics port. A `metrics` port exists iff metricsPort ≠ port;
 * otherwise metrics are scraped on the serving port.
 */
export function namedPorts(placed: Pick<Placed, "kind" | "deploy" | "peerPort">): NamedPort[] {
  // Istio selects the protocol by port name: `http` is HTTP/1.1 upstream, which gRPC cannot ride;
  // `tcp-client` passes a datastore's wire protocol through untouched, `client` leaves it to sniffing.
  const serving =
    placed.kind !== "service"
      ? placed.deploy.protocol === undefined
        ? PORT_NAMES.client
        : `${placed.deploy.protocol}-${PORT_NAMES.client}`
      : placed.deploy.protocol === "grpc"
        ? PORT_NAMES.grpcService
        : PORT_NAMES.service;
  const candidates: NamedPort[] = [
    { name: serving, port: placed.deploy.port },
    ...(placed.kind === "service" ? [] : [{ name: PORT_NAMES.peer, port: placed.peerPort }]),
    { name: PORT_NAMES.metrics, port: placed.deploy.metricsPort },
  ];
  const seen = new Set<number>();
  return candidates.filter((p) => !seen.has(p.port) && seen.add(p.port) !== undefined);
}

/** Name of the port Prometheus scrapes: `metrics`, or the serving port's name when they coincide. */
export function metricsPortName(placed: Pick<Placed, "kind" | "deploy" | "peerPort">): string {
  return namedPorts(placed).find((p) => p.port === placed.deploy.metricsPort)?.name ?? PORT_NAMES.metrics;
}

export function servicePorts(ports: readonly NamedPort[]): IServicePort[] {
  return ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP" }));
}

function probes(placed: Placed): { readinessProbe: IProbe; livenessProbe: IProbe } {
  // A gRPC service answers the standard health service (grpc.health.v1.Health/Check), which the
  // kubelet calls itself (gRPC probes, stable in Kubernetes 1.27): no HTTP path to serve.
  const action: IProbe =
    placed.kind !== "service"
      ? { tcpSocket: { port: placed.deploy.port } }
      : placed.deploy.protocol === "grpc"
        ? { grpc: { port: placed.deploy.port } }
        : { httpGet: { path: placed.deploy.healthPath, port: placed.deploy.port } };
  return {
    readinessProbe: { ...action, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    // Liveness is slower to give up than readiness: a busy replica is taken out of rotation, not killed.
    livenessProbe: {
      ...action,
      initialDelaySeconds: 30,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 6,
    },
  };
}

/**
 * What an engine sets on its members' pods (src/engines): how the container starts, its probes,
 * the user its image runs as, extra volumes (config files) and sidecars (exporters). The secure
 * defaults stay: non-root, no privilege escalation, no capabilities, read-only root filesystem.
 */
export interface EngineContainer {
  readonly command?: readonly string[];
  readonly args: readonly string[];
  /** Engine environment, before the user's `deploy.env`. */
  readonly env?: readonly IEnvVar[];
  readonly probes: {
    readonly readinessProbe: IProbe;
    readonly livenessProbe: IProbe;
    /** Holds off liveness while a start may legitimately take long (Cassandra's join order). */
    readonly startupProbe?: IProbe;
  };
  /** UID and GID the image runs as. @default 65532 */
  readonly userId?: number;
  /** Where the data volume mounts. @default /data */
  readonly dataMountPath?: string;
  readonly volumes?: readonly IVolume[];
  readonly volumeMounts?: readonly IVolumeMount[];
  readonly sidecars?: readonly IContainer[];
  /** Zones the pods may run in (a zone-pinned StatefulSet). @default the placement's zones */
  readonly zones?: readonly string[];
}

/**
 * Pods spread over zones, at most one apart. The scheduler counts only zones that have nodes: with
 * a zone's node group scaled to zero (cluster autoscaler) or emptied, two replicas would share a
 * zone and a zone failure would cost both, breaking the survival the analysis counts on.
 * `minDomains` (stable in Kubernetes 1.30) treats the missing zones as holding no pod, so the pod
 * stays Pending and the autoscaler adds a node there
 * (https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/#spread-constraint-definition).
 * It never exceeds the pods: 2 pods over 3 zones need 2 zones.
 */
export function zoneSpread(
  matchLabels: Readonly<Record<string, string>>,
  zones: number,
  pods: number,
): ITopologySpreadConstraint {
  const minDomains = Math.min(zones, pods);
  return {
    maxSkew: 1,
    topologyKey: ZONE_KEY,
    whenUnsatisfiable: "DoNotSchedule",
    labelSelector: { matchLabels: { ...matchLabels } },
    ...(minDomains > 1 ? { minDomains } : {}),
  };
}

/** Downward-API variables every engine's arguments may use as `$(POD_NAME)` / `$(POD_NAMESPACE)`. */
export const POD_IDENTITY_ENV: readonly IEnvVar[] = [
  { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
  { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
];

/**
 * The pod template of a component in one region, with secure defaults: non-root UID 65532,
 * read-only root filesystem (writable emptyDir at /tmp, and the data volume for stateful pods),
 * no privilege escalation, every capability dropped, RuntimeDefault seccomp, no service-account
 * token, memory request = limit, CPU request without a limit (no CFS throttling).
 */
export function podTemplate(
  topology: string,
  placed: Placed,
  serviceAccount: string,
  engine?: EngineContainer,
  annotations: Readonly<Record<string, string>> = {},
  /** Variables topoplan sets besides TOPOPLAN_REGION (a service's callees: callee-env.ts); declared ones win. */
  ownEnv: Readonly<Record<string, string>> = {},
): IPodTemplateSpec {
  const stateful = placed.kind !== "service";
  const userId = engine?.userId ?? POD_USER_ID;
  const zones = engine?.zones ?? placed.zones;
  const selector = selectorLabels(topology, placed.name);
  const ports: IContainerPort[] = namedPorts(placed).map((p) => ({
    name: p.name,
    containerPort: p.port,
    protocol: "TCP",
  }));
  const declared: NonNullable<KubernetesDeploy["env"]> = {
    ...ownEnv,
    ...placed.deploy.env,
    TOPOPLAN_REGION: placed.region,
  };
  const userEnv: IEnvVar[] = Object.entries(declared)
    .sort(([a], [b]) => byText(a, b))
    .map(([name, value]) =>
      typeof value === "string"
        ? { name, value }
        : { name, valueFrom: { secretKeyRef: { name: value.secretRef.name, key: value.secretRef.key } } },
    );
  const engineEnv = engine === undefined ? [] : [...POD_IDENTITY_ENV, ...(engine.env ?? [])];
  const env = [...engineEnv, ...userEnv.filter((u) => !engineEnv.some((e) => e.name === u.name))];
  // The user's `deploy.args` come after the engine's: most engines let a later flag win.
  const args = [...(engine?.args ?? []), ...(placed.deploy.args ?? [])];
  const container: IContainer = {
    name: placed.name,
    image: placed.deploy.image,
    ...(engine?.command === undefined ? {} : { command: [...engine.command] }),
    ...(args.length === 0 ? {} : { args }),
    env,
    ports,
    resources: {
      requests: { cpu: placed.deploy.cpu, memory: placed.deploy.memory },
      limits: { memory: placed.deploy.memory },
    },
    ...(engine?.probes ?? probes(placed)),
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    },
    volumeMounts: [
      { name: "tmp", mountPath: "/tmp" },
      ...(stateful ? [{ name: DATA_VOLUME, mountPath: engine?.dataMountPath ?? DATA_MOUNT_PATH }] : []),
      ...(engine?.volumeMounts ?? []),
    ],
  };
  return {
    metadata: {
      labels: componentLabels(topology, placed),
      ...(Object.keys(annotations).length === 0 ? {} : { annotations: { ...annotations } }),
    },
    spec: {
      serviceAccountName: serviceAccount,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: userId,
        runAsGroup: userId,
        ...(stateful ? { fsGroup: userId, fsGroupChangePolicy: "OnRootMismatch" } : {}),
        seccompProfile: { type: "RuntimeDefault" },
      },
      ...(stateful ? { terminationGracePeriodSeconds: 60 } : {}),
      topologySpreadConstraints: [zoneSpread(selector, zones.length, placed.replicas)],
      ...(stateful
        ? {
            affinity: {
              // Only the placement's zones, and never two replicas on one node: a node failure must
              // cost at most one replica, or the quorum arithmetic above is void.
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    { matchExpressions: [{ key: ZONE_KEY, operator: "In", values: [...zones] }] },
                  ],
                },
              },
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { labelSelector: { matchLabels: selector }, topologyKey: HOST_KEY },
                ],
              },
            },
          }
        : {}),
      containers: [container, ...(engine?.sidecars ?? [])],
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: "1Gi" } }, ...(engine?.volumes ?? [])],
    },
  };
}
