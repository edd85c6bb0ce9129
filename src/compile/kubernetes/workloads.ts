import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { IServicePort } from "kubernetes-models/v1/ServicePort";
import { kubernetesLogicalName, kubernetesName, STATEFULSET_NAME_MAX } from "../names.js";
import type { PlannedResource, ResourceOptions } from "../plan.js";
import { componentLabels, planned, plannedLater, selectorLabels } from "./manifest.js";
import type { Placed } from "./placements.js";
import { DATA_VOLUME, type EngineContainer, namedPorts, podTemplate, servicePorts } from "./pod.js";

export interface ObjectNames {
  readonly workload: string;
  readonly service: string;
  readonly peers: string;
  readonly serviceAccount: string;
  readonly disruptionBudget: string;
}

/**
 * Kubernetes object names of one component; derived from its name only, never renamed. Asked for
 * by every target for every object of a component in every region: each name's are made once.
 */
export function objectNames(component: string): ObjectNames {
  let names = OBJECT_NAMES.get(component);
  if (names === undefined) {
    if (OBJECT_NAMES.size >= 100_000) OBJECT_NAMES.clear();
    names = Object.freeze({
      workload: kubernetesName([component], STATEFULSET_NAME_MAX),
      service: kubernetesName([component]),
      peers: kubernetesName([component, "peers"]),
      serviceAccount: kubernetesName([component]),
      disruptionBudget: kubernetesName([component]),
    });
    OBJECT_NAMES.set(component, names);
  }
  return names;
}

const OBJECT_NAMES = new Map<string, ObjectNames>();

/**
 * A component's object in its region, its manifest built when the plan's inputs are first read
 * (`plan` reads none): `kind` and `name` name it before it is built.
 */
function placedLater(
  placed: Placed,
  apiVersion: string,
  kind: string,
  name: string,
  build: () => { apiVersion: string; kind: string },
  options?: ResourceOptions,
): PlannedResource {
  const header = { apiVersion, kind, name, namespace: placed.namespace };
  return plannedLater(placed.region, placed.name, header, build, options);
}

const serviceAccountResource = (topology: string, placed: Placed) =>
  placedLater(placed, "v1", "ServiceAccount", objectNames(placed.name).serviceAccount, () =>
    serviceAccount(topology, placed),
  );

const clientServiceResource = (topology: string, placed: Placed) =>
  placedLater(placed, "v1", "Service", objectNames(placed.name).service, () =>
    clientService(topology, placed),
  );

/** Stateful resources are protected: Pulumi refuses to delete them and keeps them if they leave the program. */
const STATEFUL = { protect: true, retainOnDelete: true } as const;

function serviceAccount(topology: string, placed: Placed): IServiceAccount {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name: objectNames(placed.name).serviceAccount,
      namespace: placed.namespace,
      labels: componentLabels(topology, placed),
    },
    automountServiceAccountToken: false,
  };
}

/** A ClusterIP Service clients use. */
function clientService(topology: string, placed: Placed): IService {
  const serving = namedPorts(placed).filter((p) => p.port === placed.deploy.port);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: objectNames(placed.name).service,
      namespace: placed.namespace,
      labels: componentLabels(topology, placed),
    },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(topology, placed.name),
      ports: servicePorts(placed.kind === "service" ? namedPorts(placed) : serving),
    },
  };
}

/**
 * Datastores and streams: per region a headless Service giving peers stable DNS names (published
 * before they are ready: a quorum forms only once they talk), a ClusterIP Service for clients, a
 * ServiceAccount and a PodDisruptionBudget of `maxUnavailable`. The pods come from
 * {@link statefulSetResource}: one generic StatefulSet, or the engine's.
 */
export function statefulBase(
  topology: string,
  placed: Placed,
  maxUnavailable: number,
  /**
   * Further ports the members dial each other on (an engine's `otherPeerPorts`: Redis Sentinel's).
   * Declared on the headless Service, so that a sidecar knows the destination and speaks mTLS to it:
   * to a port no Service declares it sends plaintext (PassthroughCluster), which STRICT refuses.
   */
  otherPeerPorts: readonly number[] = [],
): PlannedResource[] {
  const names = objectNames(placed.name);
  const labels = () => componentLabels(topology, placed);
  const selector = () => selectorLabels(topology, placed.name);
  const named = namedPorts(placed);
  // A port the Service names already (Cassandra's nodes dial each other's client port) is not
  // listed again: the API server refuses a Service with one (protocol, port) twice.
  const further = otherPeerPorts.filter((port) => !named.some((p) => p.port === port));
  const headless = (): IService => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: names.peers, namespace: placed.namespace, labels: labels() },
    spec: {
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector: selector(),
      ports: [
        ...servicePorts(named),
        ...further.map(
          (port): IServicePort => ({ name: `tcp-${port}`, port, targetPort: port, protocol: "TCP" }),
        ),
      ],
    },
  });
  const budget = (): IPodDisruptionBudget => ({
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: names.disruptionBudget, namespace: placed.namespace, labels: labels() },
    spec: { maxUnavailable, selector: { matchLabels: selector() } },
  });
  return [
    serviceAccountResource(topology, placed),
    placedLater(placed, "v1", "Service", names.peers, headless),
    clientServiceResource(topology, placed),
    placedLater(placed, "policy/v1", "PodDisruptionBudget", names.disruptionBudget, budget),
  ];
}

/**
 * Exports a Service of the component to the clusterset (Kubernetes Multi-Cluster Services,
 * KEP-1645: `multicluster.x-k8s.io/v1alpha1`, no spec), so other regions' clusters resolve
 * `<hostname>.<region>.<service>.<namespace>.svc.clusterset.local` (src/engines/members.ts). The
 * API's CRD comes with the MCS implementation the engines' `requires` name.
 */
export function serviceExport(topology: string, placed: Placed, service: string): PlannedResource {
  const manifest = {
    apiVersion: "multicluster.x-k8s.io/v1alpha1",
    kind: "ServiceExport",
    metadata: { name: service, namespace: placed.namespace, labels: componentLabels(topology, placed) },
  };
  return planned(placed.region, placed.name, manifest);
}

/**
 * One StatefulSet of a component in its region: `replicas` pods with stable names under the
 * headless Service, started in parallel (with OrderedReady, pod 0 would wait for a quorum that pod
 * 1 is part of), volume claims kept when scaled down or deleted. Protected.
 */
export function statefulSetResource(
  topology: string,
  placed: Placed,
  workload: { readonly name: string; readonly replicas: number; readonly engine?: EngineContainer },
): PlannedResource {
  const names = objectNames(placed.name);
  const selector = selectorLabels(topology, placed.name);
  const statefulSet = (): IStatefulSet => ({
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: workload.name, namespace: placed.namespace, labels: componentLabels(topology, placed) },
    spec: {
      serviceName: names.peers,
      replicas: workload.replicas,
      podManagementPolicy: "Parallel",
      updateStrategy: { type: "RollingUpdate" },
      selector: { matchLabels: selector },
      template: podTemplate(topology, placed, names.serviceAccount, workload.engine),
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      volumeClaimTemplates: [
        {
          metadata: { name: DATA_VOLUME, labels: selector },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(placed.deploy.storageClass === undefined
              ? {}
              : { storageClassName: placed.deploy.storageClass }),
            resources: { requests: { storage: `${placed.deploy.storageGi}Gi` } },
          },
        },
      ],
    },
  });
  const peersName = kubernetesLogicalName(placed.region, "Service", names.peers, placed.namespace);
  const accountName = kubernetesLogicalName(
    placed.region,
    "ServiceAccount",
    names.serviceAccount,
    placed.namespace,
  );
  return placedLater(placed, "apps/v1", "StatefulSet", workload.name, statefulSet, {
    ...STATEFUL,
    dependsOn: [peersName, accountName],
  });
}

/** A component without an engine: the base resources and one generic StatefulSet per region. */
export function statefulResources(
  topology: string,
  placed: Placed,
  maxUnavailable: number,
): PlannedResource[] {
  return [
    ...statefulBase(topology, placed, maxUnavailable),
    statefulSetResource(topology, placed, {
      name: objectNames(placed.name).workload,
      replicas: placed.replicas,
    }),
  ];
}

/**
 * Services: a Deployment of `replicasPerRegion` pods spread over zones, a ClusterIP Service, a
 * ServiceAccount. `podAnnotations` go on the pods (the Istio sidecar's histogram buckets), `env`
 * in their containers.
 */
export function statelessResources(
  topology: string,
  placed: Placed,
  podAnnotations: Readonly<Record<string, string>> = {},
  /** Where its callees answer it (callee-env.ts). */
  env: Readonly<Record<string, string>> = {},
): PlannedResource[] {
  const names = objectNames(placed.name);
  const deployment = (): IDeployment => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: names.workload,
      namespace: placed.namespace,
      labels: componentLabels(topology, placed),
    },
    spec: {
      replicas: placed.replicas,
      selector: { matchLabels: selectorLabels(topology, placed.name) },
      // Surge first: a rollout never lowers serving capacity.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: podTemplate(topology, placed, names.serviceAccount, undefined, podAnnotations, env),
    },
  });
  const accountName = kubernetesLogicalName(
    placed.region,
    "ServiceAccount",
    names.serviceAccount,
    placed.namespace,
  );
  return [
    serviceAccountResource(topology, placed),
    clientServiceResource(topology, placed),
    placedLater(placed, "apps/v1", "Deployment", names.workload, deployment, { dependsOn: [accountName] }),
  ];
}
