import { ENGINE_CAPABILITIES } from "../../engines/capabilities.js";
import { streamClusterRegions } from "../../model/msk-clusters.js";
import type { ComponentKind, Model, ResolvedComponent } from "../../model/types.js";
import { byText } from "../../order.js";
import type { KubernetesDeploy } from "./constants.js";

/** One component's pods in one region's cluster. */
export interface Placed {
  readonly kind: ComponentKind;
  readonly name: string;
  readonly region: string;
  readonly namespace: string;
  readonly deploy: KubernetesDeploy;
  /** Pods in this region. */
  readonly replicas: number;
  /** Zones the pods may use in this region. */
  readonly zones: readonly string[];
  /** Other regions that hold pods of the same component (cross-region replication peers). */
  readonly otherRegions: readonly string[];
  /** Port replicas talk to each other on. */
  readonly peerPort: number;
}

export function kubernetesDeploy(component: ResolvedComponent): KubernetesDeploy | undefined {
  return component.deploy.target === "kubernetes" ? component.deploy : undefined;
}

/** Namespace of a component: `deploy.namespace`, else the topology name. */
export function namespaceOf(model: Model, deploy: KubernetesDeploy): string {
  return deploy.namespace ?? model.name;
}

/** Per kind: the regions a component runs in, with pods and zones. A table, so no kind falls through. */
const REGIONS_OF: {
  readonly [K in ComponentKind]: (
    component: Extract<ResolvedComponent, { kind: K }>,
  ) => { region: string; replicas: number; zones: readonly string[] }[];
} = {
  datastore: (store) =>
    store.placement
      .filter((p) => p.replicas > 0)
      .map((p) => ({ region: p.region, replicas: p.replicas, zones: p.zones })),
  service: (service) =>
    service.regions.map((region) => ({
      region,
      replicas: service.replicasPerRegion,
      zones: service.zones[region] ?? [],
    })),
  // A Kafka stream also runs a cluster in each mirror region (src/engines/kafka-mirror.ts).
  stream: (stream) =>
    (stream.deploy.target === "kubernetes" && stream.deploy.engine === "kafka"
      ? streamClusterRegions(stream)
      : stream.regions
    ).map((region) => ({
      region,
      replicas: stream.replicas,
      zones: stream.zones[region] ?? [],
    })),
};

/** The regions a component runs in, with its pods and zones there (none when not on Kubernetes). */
export function regionsOf(
  component: ResolvedComponent,
): { region: string; replicas: number; zones: readonly string[] }[] {
  return (REGIONS_OF[component.kind] as (c: ResolvedComponent) => ReturnType<(typeof REGIONS_OF)["service"]>)(
    component,
  );
}

/**
 * Deploy settings with the ports the pods really listen on: with an engine, its own (an engine
 * listens where its docs say, not on a generic default; `deploy.port`, `peerPort` and
 * `metricsPort` are ignored, docs/engines.md).
 */
export function listeningDeploy(deploy: KubernetesDeploy): KubernetesDeploy {
  const ports = deploy.engine === undefined ? undefined : ENGINE_CAPABILITIES[deploy.engine].ports;
  return ports === undefined
    ? deploy
    : { ...deploy, port: ports.client, metricsPort: ports.metrics, peerPort: ports.peer };
}

/**
 * Every Kubernetes-deployed component in every region it runs in, sorted by region, kind, name.
 * Streams are per-region clusters: their brokers replicate within the region only.
 */
export function placements(model: Model): readonly Placed[] {
  let known = PLACED.get(model);
  if (known === undefined) {
    known = Object.freeze(placedUncached(model));
    PLACED.set(model, known);
  }
  return known;
}

/**
 * Made once per model (immutable): the compile asks per engine placement for its component's
 * regions, and the rules and passes each ask again.
 */
const PLACED = new WeakMap<Model, readonly Placed[]>();

function placedUncached(model: Model): Placed[] {
  const components: ResolvedComponent[] = [...model.datastores, ...model.services, ...model.streams];
  const placed: Placed[] = [];
  for (const component of components) {
    const deploy = kubernetesDeploy(component);
    if (deploy === undefined) continue;
    const regions = regionsOf(component);
    const engineDeploy = listeningDeploy(deploy);
    for (const { region, replicas, zones } of regions) {
      placed.push({
        kind: component.kind,
        name: component.name,
        region,
        namespace: namespaceOf(model, deploy),
        deploy: engineDeploy,
        replicas,
        zones: [...zones].sort(),
        otherRegions:
          component.kind === "datastore" ? regions.map((r) => r.region).filter((r) => r !== region) : [],
        peerPort: engineDeploy.peerPort ?? engineDeploy.port,
      });
    }
  }
  return placed.sort(
    (a, b) => byText(a.region, b.region) || byText(a.kind, b.kind) || byText(a.name, b.name),
  );
}
