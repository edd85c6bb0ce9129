/**
 * Clusters of a Kafka stream in mirror regions that are not among its `regions`. The Kubernetes
 * target places a stream only in its `regions` (compile/kubernetes/placements.ts), so these are
 * compiled from the stream's first region, like cluster-wide Jobs: a Placed for the mirror region
 * (the stream's replicas over the region's zones, as model/msk-clusters.ts sizes an MSK mirror),
 * and the namespace with its default-deny policies when no placed component makes it there.
 * Should placements ever include mirror regions, `mirrorOnlyRegions` is empty and nothing repeats.
 */
import type { INamespace } from "kubernetes-models/v1/Namespace";
import { planned, sharedLabels } from "../compile/kubernetes/manifest.js";
import { namespacePolicies } from "../compile/kubernetes/network-policy.js";
import { type Placed, placements } from "../compile/kubernetes/placements.js";
import type { PlannedResource } from "../compile/plan.js";
import { mskClusterZones } from "../model/msk-clusters.js";
import type { Model, ResolvedStream } from "../model/types.js";

/** Mirror regions where the Kubernetes target places nothing of the stream, sorted. */
export function mirrorOnlyRegions(model: Model, stream: ResolvedStream): string[] {
  const placed = new Set(
    placements(model)
      .filter((p) => p.kind === "stream" && p.name === stream.name)
      .map((p) => p.region),
  );
  return stream.mirrorRegions.filter((region) => !placed.has(region)).sort();
}

/** The stream's cluster in a mirror-only region, placed like one of its own regions. */
export function mirrorPlaced(model: Model, stream: ResolvedStream, like: Placed, region: string): Placed {
  return {
    ...like,
    region,
    replicas: stream.replicas,
    zones: [...mskClusterZones(model.catalog, stream, region)].sort(),
    otherRegions: [],
  };
}

/**
 * The namespace of a mirror-only region, as compileKubernetes makes one for stateful components
 * (protected: deleting it deletes the brokers' volumes; restricted Pod Security Standard), with
 * its default-deny and DNS policies; nothing when a placed component already has it there.
 */
export function mirrorNamespace(model: Model, region: string, namespace: string): PlannedResource[] {
  if (placements(model).some((p) => p.region === region && p.namespace === namespace)) return [];
  const manifest: INamespace = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: namespace,
      labels: { ...sharedLabels(model.name, region), "pod-security.kubernetes.io/enforce": "restricted" },
    },
  };
  return [
    planned(region, "", manifest, { protect: true, retainOnDelete: true }),
    ...namespacePolicies(model.name, region, namespace),
  ];
}
