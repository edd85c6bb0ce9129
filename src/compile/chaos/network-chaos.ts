/**
 * The `NetworkChaos` specs (chaos-mesh/chaos-mesh api/v1alpha1/networkchaos_types.go, selector.go;
 * behaviour from controllers/chaosimpl/networkchaos/partition/impl.go):
 *
 * - `selector.nodeSelectors` matches the labels of the pod's node ("Selector which must match a
 *   node's labels, and objects must belong to these selected nodes"); `nodes` would be node names.
 * - A partition drops, in the selected pods' network namespace, packets to (and with `both` from)
 *   the `target` pods' IPs and the `externalTargets` CIDRs together (`SetDrop` puts both in one
 *   ipset for either chain), so `direction: both` with `externalTargets` cuts both ways — and with
 *   `both` the `target` pods get the same drop rules, external CIDRs included (impl.go calls
 *   `SetDrop` for the target records too). A zone cut from its cluster and from the other regions
 *   is therefore two partitions: with one, every pod of the cluster would lose the other regions.
 * - With neither a target nor external targets, `SetDrop` installs a rule with no ipset: the pods
 *   lose all traffic, DNS and the kubelet's probes included. No spec here ever leaves both empty.
 */
import type { Model } from "../../model/types.js";
import { type KubernetesComponent, NAME_LABEL, namespaceOf } from "../observability/k8s.js";

/** How long each partition lasts. @default "5m" */
export const EXPERIMENT_DURATION = "5m";
export const ZONE_LABEL = "topology.kubernetes.io/zone";
/**
 * Stands in for the other regions' CIDRs while they are not configured: TEST-NET-1 (RFC 5737,
 * "for use in documentation", never routed), so a Schedule un-paused before they are filled in
 * partitions the pods from nothing rather than from everything.
 */
export const PLACEHOLDER_TARGET = "192.0.2.0/32";

/**
 * The component's pods: every engine's pods carry its selector labels (CloudNativePG through
 * `inheritedMetadata`, Strimzi through the pod templates: src/engines/postgresql.ts, kafka.ts).
 */
export function podsOf(model: Model, component: KubernetesComponent) {
  return {
    namespaces: [namespaceOf(model, component)],
    labelSelectors: { [NAME_LABEL]: component.name, "app.kubernetes.io/part-of": model.name },
  };
}

/** Every pod `selector` picks cut both ways from `cut` (a `target` selector or `externalTargets`). */
const partition = (selector: unknown, cut: Record<string, unknown>): Record<string, unknown> => ({
  action: "partition",
  mode: "all",
  selector,
  direction: "both",
  ...cut,
  duration: EXPERIMENT_DURATION,
});

/** The component's pods on the zone's nodes (pods carry no zone label: their node does). */
const zonePods = (model: Model, component: KubernetesComponent, zone: string) => ({
  ...podsOf(model, component),
  nodeSelectors: { [ZONE_LABEL]: zone },
});

/**
 * The component's pods on the zone's nodes, cut from every pod of the component in the cluster
 * (Chaos Mesh cannot select "pods not in zone z", so the zone's own replicas lose each other too).
 */
export function zonePartition(
  model: Model,
  component: KubernetesComponent,
  zone: string,
): Record<string, unknown> {
  return partition(zonePods(model, component, zone), {
    target: { mode: "all", selector: podsOf(model, component) },
  });
}

/**
 * The same pods cut from `remote` — the other regions' CIDRs, where their peers in other clusters
 * live — with no `target`, so that no other pod of the cluster loses those regions.
 */
export function zoneRemotePartition(
  model: Model,
  component: KubernetesComponent,
  zone: string,
  remote: readonly string[],
): Record<string, unknown> {
  return partition(zonePods(model, component, zone), { externalTargets: [...remote].sort() });
}

/** The component's pods of one cluster cut from the other regions' CIDRs (or the placeholder). */
export function regionPartition(
  model: Model,
  component: KubernetesComponent,
  remote: readonly string[],
): Record<string, unknown> {
  return partition(podsOf(model, component), {
    externalTargets: remote.length > 0 ? [...remote].sort() : [PLACEHOLDER_TARGET],
  });
}
