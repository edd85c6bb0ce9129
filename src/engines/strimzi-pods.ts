/**
 * Labels topoplan adds to the pods Strimzi makes for a stream (brokers, controllers, entity
 * operator, Kafka Exporter, MirrorMaker 2), so the PodMonitor, the component's NetworkPolicies and
 * the callers' find them like any component's pods. Strimzi merges `template.pod.metadata.labels`
 * over its own defaults (`Labels.withAdditionalLabels`), including its `app.kubernetes.io/name`;
 * its selectors use only `strimzi.io/*` labels.
 */
import { LABELS } from "../compile/kubernetes/constants.js";
import { selectorLabels } from "../compile/kubernetes/manifest.js";
import type { Placed } from "../compile/kubernetes/placements.js";

export function strimziPodLabels(topology: string, placed: Placed): Record<string, string> {
  return { ...selectorLabels(topology, placed.name), [LABELS.region]: placed.region };
}
