/**
 * The chaos target (Chaos Mesh): network-partition experiments for every replicated datastore and
 * stream on Kubernetes with `chaos.enabled`, derived from its failure domains, each wrapped in a
 * `Schedule` and annotated with the outcome the model predicts. See README.md in this folder.
 *
 * - Zone isolation, per zone holding replicas: the component's pods on nodes of that zone
 *   (`nodeSelectors` on `topology.kubernetes.io/zone`: pods carry no zone label) are partitioned
 *   from every pod of the component.
 * - Region isolation, per region of a multi-region component: the component's pods in that region
 *   are partitioned from the other regions' networks (`externalTargets`). One cluster's Chaos Mesh
 *   cannot select pods of another cluster, so the targets are the other regions' CIDRs
 *   (`ChaosOptions.regionCidrs`); without them the Schedule is generated paused, saying so.
 */
import type { Analysis, Failure } from "../../analysis/types.js";
import type { Model, ResolvedDatastore, ResolvedStream } from "../../model/types.js";
import {
  commonLabels,
  dnsLabel,
  isKubernetes,
  type KubernetesComponent,
  NAME_LABEL,
  namespaceOf,
  plannedManifest,
} from "../observability/k8s.js";
import type { PlannedResource } from "../plan.js";
import {
  datastoreOutcome,
  datastoreZones,
  latencyPredictor,
  replicasInZone,
  streamRegionOutcome,
  streamReplicasPerZone,
  streamZoneOutcome,
} from "./outcome.js";
import { staggerSchedule } from "./schedule.js";

export { SLOT_MINUTES, staggerSchedule } from "./schedule.js";

export const TYPES = { schedule: "kubernetes:chaos-mesh.org/v1alpha1:Schedule" } as const;

export const ANNOTATIONS = {
  expectedOutcome: "topoplan.dev/expected-outcome",
  experiment: "topoplan.dev/experiment",
  note: "topoplan.dev/note",
  /** Chaos Mesh's own pause switch (api/v1alpha1/common_types.go, PauseAnnotationKey). */
  pause: "experiment.chaos-mesh.org/pause",
} as const;

/** How long each partition lasts. @default "5m" */
export const EXPERIMENT_DURATION = "5m";
/** Finished runs Chaos Mesh keeps per Schedule. @default 5 */
export const HISTORY_LIMIT = 5;
/** A run that could not start within this many seconds of its slot is skipped. @default 300 */
export const STARTING_DEADLINE_SECONDS = 300;
export const ZONE_LABEL = "topology.kubernetes.io/zone";

export interface ChaosOptions {
  /** Pod/node CIDRs of each region's cluster; the targets of region-isolation experiments. @default {} */
  readonly regionCidrs?: Readonly<Record<string, readonly string[]>>;
}

type Stateful = KubernetesComponent & (ResolvedDatastore | ResolvedStream);

interface Experiment {
  readonly kind: "zone" | "region";
  readonly region: string;
  /** Zone or region isolated. */
  readonly domain: string;
  readonly outcome: string;
  readonly networkChaos: Record<string, unknown>;
  /** Why the Schedule starts paused, if it does. */
  readonly pausedBecause?: string;
}

/**
 * Pure: the same model (and analysis) gives the same resources. With no `analysis`, the baseline is
 * computed; failure analyses are computed per isolated domain to predict latency under it.
 */
export function compileChaos(
  model: Model,
  analysis?: Analysis,
  options: ChaosOptions = {},
): PlannedResource[] {
  const targets = [...model.datastores, ...model.streams].filter(
    (c): c is Stateful => isKubernetes(c) && c.chaos.enabled && c.replicas > 1,
  );
  if (targets.length === 0) return [];
  const predict = latencyPredictor(model, analysis);
  const resources: PlannedResource[] = [];
  for (const component of targets) {
    const experiments =
      component.kind === "datastore"
        ? datastoreExperiments(model, component, predict, options)
        : streamExperiments(model, component, options);
    experiments.forEach((experiment, slot) => {
      resources.push(schedule(model, component, experiment, slot));
    });
  }
  return resources;
}

function datastoreExperiments(
  model: Model,
  store: Stateful & ResolvedDatastore,
  predict: (store: ResolvedDatastore, failure: Failure) => string,
  options: ChaosOptions,
): Experiment[] {
  const experiments: Experiment[] = [];
  const leaderSlots = store.groups.map((g) => g.leader);
  for (const region of store.regions) {
    for (const zone of datastoreZones(store, region)) {
      const lost = replicasInZone(store, region, zone);
      const leaderCut = leaderSlots.some((slot) => slot.region === region && slot.zone === zone);
      const outcome = datastoreOutcome(store, lost, leaderCut) + predict(store, { kind: "zone", zone });
      experiments.push(zoneExperiment(model, store, region, zone, outcome));
    }
  }
  if (store.regions.length > 1) {
    for (const placement of store.placement) {
      const region = placement.region;
      const leaderCut = leaderSlots.some((slot) => slot.region === region);
      const outcome =
        datastoreOutcome(store, placement.replicas, leaderCut) + predict(store, { kind: "region", region });
      experiments.push(regionExperiment(model, store, region, outcome, options));
    }
  }
  return experiments;
}

function streamExperiments(
  model: Model,
  stream: Stateful & ResolvedStream,
  options: ChaosOptions,
): Experiment[] {
  const experiments: Experiment[] = [];
  for (const region of stream.regions) {
    const zones = [...(stream.zones[region] ?? [])].sort();
    // With fewer zones than replicas a zone holds several replicas of a partition; see outcome.ts.
    if (streamReplicasPerZone(stream, region) >= 1)
      for (const zone of zones)
        experiments.push(zoneExperiment(model, stream, region, zone, streamZoneOutcome(stream, region)));
  }
  if (stream.regions.length > 1)
    for (const region of stream.regions)
      experiments.push(regionExperiment(model, stream, region, streamRegionOutcome(stream, region), options));
  return experiments;
}

function podsOf(model: Model, component: Stateful) {
  return {
    namespaces: [namespaceOf(model, component)],
    labelSelectors: { [NAME_LABEL]: component.name, "app.kubernetes.io/part-of": model.name },
  };
}

function zoneExperiment(
  model: Model,
  component: Stateful,
  region: string,
  zone: string,
  outcome: string,
): Experiment {
  const pods = podsOf(model, component);
  return {
    kind: "zone",
    region,
    domain: zone,
    outcome,
    networkChaos: {
      action: "partition",
      mode: "all",
      selector: { ...pods, nodeSelectors: { [ZONE_LABEL]: zone } },
      direction: "both",
      // Every pod of the component, the isolated zone's included: Chaos Mesh cannot select "pods
      // not in zone z", so the isolated replicas also lose each other (they hold no quorum anyway).
      target: { mode: "all", selector: pods },
      duration: EXPERIMENT_DURATION,
    },
  };
}

function regionExperiment(
  model: Model,
  component: Stateful,
  region: string,
  outcome: string,
  options: ChaosOptions,
): Experiment {
  const others = component.regions.filter((r) => r !== region);
  const cidrs = others.flatMap((r) => options.regionCidrs?.[r] ?? []);
  const missing = others.filter((r) => (options.regionCidrs?.[r] ?? []).length === 0);
  return {
    kind: "region",
    region,
    domain: region,
    outcome,
    networkChaos: {
      action: "partition",
      mode: "all",
      selector: podsOf(model, component),
      direction: "both",
      ...(cidrs.length > 0 ? { externalTargets: [...cidrs].sort() } : {}),
      duration: EXPERIMENT_DURATION,
    },
    ...(missing.length > 0
      ? {
          pausedBecause: `paused: the pod/node CIDRs of ${missing.join(", ")} are not configured (chaos option regionCidrs); add them to spec.networkChaos.externalTargets, then remove ${ANNOTATIONS.pause}`,
        }
      : {}),
  };
}

function schedule(model: Model, component: Stateful, experiment: Experiment, slot: number): PlannedResource {
  const namespace = namespaceOf(model, component);
  const name = dnsLabel(component.name, `isolate-${experiment.kind}`, experiment.domain);
  const staggered = staggerSchedule(component.chaos.schedule, slot);
  const notes = [
    ...(experiment.pausedBecause === undefined ? [] : [experiment.pausedBecause]),
    ...(staggered === undefined
      ? [
          `schedule "${component.chaos.schedule}" cannot be staggered (experiment ${slot + 1} of this component would run at the same time as the others); use a cron schedule with a fixed minute and hour`,
        ]
      : []),
  ];
  return plannedManifest(experiment.region, component.name, {
    apiVersion: "chaos-mesh.org/v1alpha1",
    kind: "Schedule",
    metadata: {
      name,
      namespace,
      labels: commonLabels(model, component.name),
      annotations: {
        [ANNOTATIONS.expectedOutcome]: experiment.outcome,
        [ANNOTATIONS.experiment]: `isolate ${experiment.kind} ${experiment.domain}`,
        ...(notes.length === 0 ? {} : { [ANNOTATIONS.note]: notes.join("; ") }),
        ...(experiment.pausedBecause === undefined ? {} : { [ANNOTATIONS.pause]: "true" }),
      },
    },
    spec: {
      schedule: staggered ?? component.chaos.schedule,
      startingDeadlineSeconds: STARTING_DEADLINE_SECONDS,
      concurrencyPolicy: "Forbid",
      historyLimit: HISTORY_LIMIT,
      type: "NetworkChaos",
      networkChaos: experiment.networkChaos,
    },
  });
}
