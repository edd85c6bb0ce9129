import { byText } from "../../order.js";
import { mapInputs, objectHeader, withOptions } from "../deferred.js";
import { kubernetesLogicalName } from "../names.js";
import type { PlannedResource } from "../plan.js";
import { ADDON_BY_API_VERSION, type AddonId, CLUSTER_ADDONS, type ClusterAddon } from "./addons.js";

export {
  ADDON_BY_API_VERSION,
  type AddonId,
  CLUSTER_ADDONS,
  type ClusterAddon,
  type HelmChart,
} from "./addons.js";

/**
 * What a cluster must have before the plan's resources can be created, made part of the plan:
 *   - the add-ons serving its custom resources (listed by `topoplan plan`; with `installAddons`,
 *     planned as pinned Helm releases that those resources depend on);
 *   - every namespace the plan writes to (e.g. `monitoring` for dashboards), created when no
 *     compiler plans it;
 *   - the mesh's data plane on the namespaces that hold Istio resources: the sidecar injection
 *     label, without which every VirtualService and mTLS setting is a no-op.
 * Pure: a pass over the other targets' resources.
 */
export interface PrerequisiteOptions {
  /** Plan the add-ons as pinned Helm releases (stack config `topoplan:installAddons`). @default false */
  readonly installAddons?: boolean;
  /**
   * Istio data plane: `sidecar` (an Envoy per pod, `istio-injection: enabled`), the only one the
   * other targets are written for (ambient mode is refused: src/pulumi/config.ts). @default "sidecar"
   */
  readonly meshMode?: "sidecar";
}

/** One add-on one region's cluster needs, and the resource types that need it. */
export interface RequiredAddon {
  readonly region: string;
  readonly id: AddonId;
  readonly addon: ClusterAddon;
  /** Type tokens of the planned resources that need it, sorted. */
  readonly types: readonly string[];
}

export const MESH_LABELS = {
  sidecar: { "istio-injection": "enabled" },
} as const;

interface Manifest {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
}

/** The add-ons each region's cluster needs, sorted by region then id. */
export function requiredAddons(resources: readonly PlannedResource[]): RequiredAddon[] {
  const needs = new Map<string, { region: string; id: AddonId; types: Set<string> }>();
  for (const r of resources) {
    if (r.provider !== "kubernetes") continue;
    const apiVersion = objectHeader(r)?.apiVersion;
    const id = apiVersion === undefined ? undefined : ADDON_BY_API_VERSION.get(apiVersion);
    if (id === undefined) continue;
    const key = `${r.region}\0${id}`;
    const entry = needs.get(key) ?? { region: r.region, id, types: new Set<string>() };
    entry.types.add(r.type);
    needs.set(key, entry);
  }
  return [...needs.values()]
    .sort((a, b) => byText(a.region, b.region) || byText(a.id, b.id))
    .map(({ region, id, types }) => ({ region, id, addon: CLUSTER_ADDONS[id], types: [...types].sort() }));
}

export const HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

/**
 * How every add-on release is installed (Pulumi `helm.v3.Release` args; `topoplan render` prints
 * the same as `helm` flags): a failed install or upgrade is rolled back instead of left half
 * applied; `timeout` in seconds (10 minutes).
 */
export const HELM_RELEASE_SETTINGS = { atomic: true, timeout: 600 } as const;

function namespaceResource(region: string, name: string, labels: Record<string, string>): PlannedResource {
  return {
    type: "kubernetes:core/v1:Namespace",
    name: kubernetesLogicalName(region, "Namespace", name),
    provider: "kubernetes",
    region,
    component: "",
    inputs: { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } },
    // Others may share it (a Prometheus install, say): leaving the program never deletes it.
    options: { retainOnDelete: true },
  };
}

/** The plan's resources with the prerequisites added and wired (dependsOn, namespace labels). */
export function withPrerequisites(
  resources: readonly PlannedResource[],
  options: PrerequisiteOptions = {},
): PlannedResource[] {
  // The namespaces planned so far, by logical name (not every resource: 750,000 at 20,000 services).
  const namespaces = new Set(
    resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => r.name),
  );
  const added: PlannedResource[] = [];
  const checked = new Set<string>();
  const addNamespace = (region: string, name: string) => {
    // Thousands of resources share a few namespaces per region: each pair is looked at once.
    const pair = `${region}\0${name}`;
    if (checked.has(pair)) return;
    checked.add(pair);
    const logical = kubernetesLogicalName(region, "Namespace", name);
    if (namespaces.has(logical)) return;
    const ns = namespaceResource(region, name, { "app.kubernetes.io/managed-by": "topoplan" });
    namespaces.add(logical);
    added.push(ns);
  };

  // Namespaces written to but planned by no compiler.
  for (const r of resources) {
    const namespace = objectHeader(r)?.namespace;
    if (namespace !== undefined) addNamespace(r.region, namespace);
  }

  // Helm releases, one chain per add-on and region; the add-on's resources wait for its last chart.
  const dependsOn = new Map<string, string[]>();
  const meshReady = new Map<string, string>();
  if (options.installAddons) {
    for (const need of requiredAddons(resources)) {
      // An add-on installed by hand (no chart): nothing to install, nothing to wait for.
      if (need.addon.charts.length === 0) continue;
      addNamespace(need.region, need.addon.namespace);
      let previous = kubernetesLogicalName(need.region, "Namespace", need.addon.namespace);
      for (const chart of need.addon.charts) {
        const name = kubernetesLogicalName(need.region, "HelmRelease", chart.release, need.addon.namespace);
        added.push({
          type: HELM_RELEASE_TYPE,
          name,
          provider: "kubernetes",
          region: need.region,
          component: "",
          inputs: {
            name: chart.release,
            chart: chart.chart,
            version: chart.version,
            namespace: need.addon.namespace,
            repositoryOpts: { repo: chart.repo },
            ...(chart.values === undefined ? {} : { values: chart.values }),
            ...HELM_RELEASE_SETTINGS,
          },
          options: { dependsOn: [previous] },
        });
        previous = name;
      }
      for (const r of resources) {
        if (r.region === need.region && need.types.includes(r.type)) {
          dependsOn.set(r.name, [...(dependsOn.get(r.name) ?? []), previous]);
        }
      }
      if (need.id === "istio") meshReady.set(need.region, previous);
    }
  }

  // The mesh's data plane on every namespace that holds Istio resources.
  const meshLabels = MESH_LABELS[options.meshMode ?? "sidecar"];
  const meshNamespaces = new Set(
    resources
      .filter((r) => ADDON_BY_API_VERSION.get(objectHeader(r)?.apiVersion ?? "") === "istio")
      .map((r) => `${r.region}\0${objectHeader(r)?.namespace}`),
  );
  return [...resources, ...added].map((r) => {
    const meshed =
      r.type === "kubernetes:core/v1:Namespace" &&
      meshNamespaces.has(`${r.region}\0${objectHeader(r)?.name}`);
    // Pods created before istiod runs would start without sidecars.
    const istiod = meshed ? meshReady.get(r.region) : undefined;
    const extra = [...(dependsOn.get(r.name) ?? []), ...(istiod === undefined ? [] : [istiod])];
    const labelled = meshed
      ? mapInputs(r, (inputs) => {
          const { metadata } = inputs as Manifest;
          return { ...inputs, metadata: { ...metadata, labels: { ...metadata?.labels, ...meshLabels } } };
        })
      : r;
    if (extra.length === 0) return labelled;
    return withOptions(labelled, { ...r.options, dependsOn: [...(r.options?.dependsOn ?? []), ...extra] });
  });
}
