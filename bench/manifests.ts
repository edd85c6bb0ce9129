/**
 * Kubernetes manifests for the render and Pulumi benchmarks when no compiler is on disk yet
 * (src/compile/index.ts): the objects topoplan's Kubernetes target is specified to produce
 * (DESIGN.md, "Compilation targets"), written out from a generated topology — per region a
 * Namespace; per datastore and region a StatefulSet with zone spread, anti-affinity and volume
 * claims, a headless Service, a PodDisruptionBudget and a NetworkPolicy; per service and region a
 * Deployment, a Service and a NetworkPolicy. Secure pod defaults and probes everywhere, so each
 * object is about as large as a real one.
 */
import type { PlannedResource, ResourcePlan } from "../src/compile/plan.js";
import { byText } from "../src/order.js";
import type { TopologyInput } from "../src/spec/schema/topology.js";
import { generateTopology } from "./generate.js";

type Manifest = Record<string, unknown>;

interface Workload {
  readonly component: string;
  readonly region: string;
  readonly image: string;
  readonly port: number;
  readonly replicas: number;
  readonly cpu: string;
  readonly memory: string;
  readonly calls: readonly string[];
}

const labelsOf = (topology: string, component: string) => ({
  "app.kubernetes.io/name": component,
  "app.kubernetes.io/part-of": topology,
  "app.kubernetes.io/managed-by": "topoplan",
});

function podTemplate(topology: string, w: Workload, stateful: boolean): Manifest {
  const labels = labelsOf(topology, w.component);
  return {
    metadata: { labels, annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "9090" } },
    spec: {
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10001,
        fsGroup: 10001,
        seccompProfile: { type: "RuntimeDefault" },
      },
      automountServiceAccountToken: false,
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: stateful ? "DoNotSchedule" : "ScheduleAnyway",
          labelSelector: { matchLabels: { "app.kubernetes.io/name": w.component } },
        },
      ],
      affinity: {
        podAntiAffinity: {
          [stateful
            ? "requiredDuringSchedulingIgnoredDuringExecution"
            : "preferredDuringSchedulingIgnoredDuringExecution"]: stateful
            ? [
                {
                  topologyKey: "kubernetes.io/hostname",
                  labelSelector: { matchLabels: { "app.kubernetes.io/name": w.component } },
                },
              ]
            : [
                {
                  weight: 100,
                  podAffinityTerm: {
                    topologyKey: "kubernetes.io/hostname",
                    labelSelector: { matchLabels: { "app.kubernetes.io/name": w.component } },
                  },
                },
              ],
        },
      },
      containers: [
        {
          name: w.component.slice(0, 63),
          image: w.image,
          ports: [
            { name: "serving", containerPort: w.port, protocol: "TCP" },
            { name: "metrics", containerPort: 9090, protocol: "TCP" },
          ],
          env: [
            { name: "TOPOPLAN_REGION", value: w.region },
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          ],
          resources: { requests: { cpu: w.cpu, memory: w.memory }, limits: { cpu: w.cpu, memory: w.memory } },
          readinessProbe: {
            httpGet: { path: "/healthz", port: w.port },
            periodSeconds: 5,
            failureThreshold: 3,
          },
          livenessProbe: {
            httpGet: { path: "/healthz", port: w.port },
            periodSeconds: 10,
            failureThreshold: 6,
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          },
          ...(stateful ? { volumeMounts: [{ name: "data", mountPath: "/data" }] } : {}),
        },
      ],
    },
  };
}

function resource(
  kind: string,
  group: string,
  w: { region: string; component: string },
  ns: string,
  manifest: Manifest,
): PlannedResource {
  const stateful = kind === "StatefulSet";
  return {
    type: `kubernetes:${group}:${kind}`,
    name: `${w.region}/${ns}/${kind}/${w.component}`,
    provider: "kubernetes",
    region: w.region,
    component: w.component,
    inputs: manifest,
    ...(stateful ? { options: { protect: true, retainOnDelete: true } } : {}),
  };
}

function networkPolicy(topology: string, ns: string, w: Workload): Manifest {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: w.component, namespace: ns, labels: labelsOf(topology, w.component) },
    spec: {
      podSelector: { matchLabels: { "app.kubernetes.io/name": w.component } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
          ports: [{ port: 9090, protocol: "TCP" }],
        },
      ],
      egress: [
        ...w.calls.map((to) => ({
          to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": to } } }],
          ports: [{ port: 8080, protocol: "TCP" }],
        })),
        { to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: "UDP" }] },
      ],
    },
  };
}

function datastoreObjects(topology: string, ns: string, w: Workload, storageGi: number): PlannedResource[] {
  const labels = labelsOf(topology, w.component);
  const selector = { matchLabels: { "app.kubernetes.io/name": w.component } };
  return [
    resource("StatefulSet", "apps/v1", w, ns, {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: w.component, namespace: ns, labels },
      spec: {
        serviceName: w.component,
        replicas: w.replicas,
        podManagementPolicy: "Parallel",
        selector,
        template: podTemplate(topology, w, true),
        volumeClaimTemplates: [
          {
            metadata: { name: "data" },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${storageGi}Gi` } } },
          },
        ],
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      },
    }),
    resource("Service", "core/v1", w, ns, {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: w.component, namespace: ns, labels },
      spec: {
        clusterIP: "None",
        publishNotReadyAddresses: true,
        selector: selector.matchLabels,
        ports: [{ name: "serving", port: w.port, targetPort: w.port }],
      },
    }),
    resource("PodDisruptionBudget", "policy/v1", w, ns, {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: w.component, namespace: ns, labels },
      spec: { maxUnavailable: 1, selector },
    }),
    resource("NetworkPolicy", "networking.k8s.io/v1", w, ns, networkPolicy(topology, ns, w)),
  ];
}

function serviceObjects(topology: string, ns: string, w: Workload): PlannedResource[] {
  const labels = labelsOf(topology, w.component);
  const selector = { matchLabels: { "app.kubernetes.io/name": w.component } };
  return [
    resource("Deployment", "apps/v1", w, ns, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: w.component, namespace: ns, labels },
      spec: {
        replicas: w.replicas,
        selector,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: podTemplate(topology, w, false),
      },
    }),
    resource("Service", "core/v1", w, ns, {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: w.component, namespace: ns, labels },
      spec: { selector: selector.matchLabels, ports: [{ name: "http", port: 80, targetPort: w.port }] },
    }),
    resource("NetworkPolicy", "networking.k8s.io/v1", w, ns, networkPolicy(topology, ns, w)),
  ];
}

/** Every Kubernetes object of one topology, in plan order (provider, region, type, name). */
export function manifestsOf(topology: TopologyInput): PlannedResource[] {
  const ns = topology.name;
  const out: PlannedResource[] = [];
  const regions = new Set<string>();
  for (const [name, store] of Object.entries(topology.datastores ?? {})) {
    if (store.deploy?.target !== "kubernetes" || store.placement === "auto") continue;
    for (const [region, entry] of Object.entries(store.placement)) {
      const replicas =
        typeof entry === "number"
          ? entry
          : (entry.voters ?? 0) + (entry.readOnly ?? 0) + (entry.witnesses ?? 0);
      regions.add(region);
      const w = {
        component: name,
        region,
        image: store.deploy.image ?? "",
        port: store.deploy.port ?? 8080,
        replicas,
        cpu: store.deploy.cpu ?? "1",
        memory: store.deploy.memory ?? "1Gi",
        calls: [],
      };
      out.push(...datastoreObjects(ns, ns, w, store.deploy.storageGi ?? 100));
    }
  }
  for (const [name, service] of Object.entries(topology.services ?? {})) {
    if (service.deploy?.target !== "kubernetes") continue;
    for (const region of service.regions) {
      regions.add(region);
      const calls = (service.calls ?? []).map((c) => c.to);
      const w = {
        component: name,
        region,
        image: service.deploy.image ?? "",
        port: service.deploy.port ?? 8080,
        replicas: service.replicasPerRegion ?? 2,
        cpu: service.deploy.cpu ?? "500m",
        memory: service.deploy.memory ?? "1Gi",
        calls,
      };
      out.push(...serviceObjects(ns, ns, w));
    }
  }
  for (const region of regions) {
    out.push({
      type: "kubernetes:core/v1:Namespace",
      name: `${region}/${ns}`,
      provider: "kubernetes",
      region,
      component: "",
      inputs: {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name: ns,
          labels: {
            "app.kubernetes.io/managed-by": "topoplan",
            "pod-security.kubernetes.io/enforce": "restricted",
          },
        },
      },
    });
  }
  return out.sort((a, b) => byText(a.region, b.region) || byText(a.type, b.type) || byText(a.name, b.name));
}

/**
 * A plan of exactly `count` Kubernetes objects from a generated topology (services scaled so the
 * topology yields at least `count`; the first `count` in plan order are kept).
 */
export function generatedManifestPlan(count: number, seed = 7): ResourcePlan {
  let services = Math.max(10, Math.ceil(count / 10));
  for (let attempt = 0; attempt < 6; attempt++) {
    const topology = generateTopology({ seed, services, partitions: services * 5, name: "bench" });
    const objects = manifestsOf(topology);
    if (objects.length >= count) return { topology: topology.name, resources: objects.slice(0, count) };
    services = Math.ceil(services * (count / Math.max(1, objects.length)) * 1.1);
  }
  throw new Error(`could not generate ${count} Kubernetes objects`);
}
