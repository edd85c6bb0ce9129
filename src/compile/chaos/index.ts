/**
 * The chaos target (Chaos Mesh): network-partition experiments for every replicated datastore and
 * stream on Kubernetes with `chaos.enabled`, derived from its failure domains, each wrapped in a
 * `Schedule` and annotated with the outcome the model predicts. See README.md in this folder.
 *
 * - Zone isolation, per zone holding replicas: the component's pods on nodes of that zone are
 *   partitioned from every pod of the component in the cluster and, for a component in several
 *   regions, from the other regions' CIDRs (its peers there live in other clusters).
 * - Region isolation, per region of a multi-region component: the component's pods in that region
 *   are partitioned from the other regions' CIDRs (`externalTargets`).
 * Without the CIDRs (`ChaosOptions.regionCidrs`) an experiment that needs them is generated paused,
 * saying so; so is any experiment that cannot be staggered away from the component's others.
 */
import type { Analysis } from "../../analysis/types.js";
import { streamClusterRegions } from "../../model/msk-clusters.js";
import type { Model, ResolvedDatastore, ResolvedStream } from "../../model/types.js";
import { NOTE_ANNOTATION } from "../kubernetes/constants.js";
import { regionsOf } from "../kubernetes/placements.js";
import {
  commonLabels,
  dnsLabel,
  isKubernetes,
  type KubernetesComponent,
  namespaceOf,
  plannedManifest,
} from "../observability/k8s.js";
import type { PlannedResource } from "../plan.js";
import { datastoreVerdict, type Isolation } from "./datastore-outcome.js";
import { regionPartition, zonePartition, zoneRemotePartition } from "./network-chaos.js";
import { latencyPredictor } from "./outcome.js";
import { inScheduleTimeZone, staggerSchedule } from "./schedule.js";
import { streamRegionOutcome, streamZoneHoldsMembers, streamZoneOutcome } from "./stream-outcome.js";

export { EXPERIMENT_DURATION, PLACEHOLDER_TARGET, ZONE_LABEL } from "./network-chaos.js";
export { SCHEDULE_TIME_ZONE, SLOT_MINUTES, staggerSchedule } from "./schedule.js";

export const TYPES = { schedule: "kubernetes:chaos-mesh.org/v1alpha1:Schedule" } as const;

export const ANNOTATIONS = {
  expectedOutcome: "topoplan.dev/expected-outcome",
  experiment: "topoplan.dev/experiment",
  note: NOTE_ANNOTATION,
  /** Chaos Mesh's own pause switch (api/v1alpha1/common_types.go, PauseAnnotationKey). */
  pause: "experiment.chaos-mesh.org/pause",
} as const;

/** Finished runs Chaos Mesh keeps per Schedule. @default 5 */
export const HISTORY_LIMIT = 5;
/** A run that could not start within this many seconds of its slot is skipped. @default 300 */
export const STARTING_DEADLINE_SECONDS = 300;

export interface ChaosOptions {
  /** Pod/node CIDRs of each region's cluster; the targets of region-isolation experiments. @default {} */
  readonly regionCidrs?: Readonly<Record<string, readonly string[]>>;
}

type Stateful = KubernetesComponent & (ResolvedDatastore | ResolvedStream);

interface Experiment extends Isolation {
  readonly outcome: string;
  readonly networkChaos: Record<string, unknown>;
  /** A second partition in the same slot (a zone's cut from the other regions): its own Schedule. */
  readonly remoteChaos?: Record<string, unknown>;
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
  // Slots are counted across every component, whatever its schedule: two components' experiments
  // at once would take two domains out for the services that use both, and schedules written
  // differently fire together (`@weekly` and `0 0 * * *` on Sundays, `0 * * * *` and either).
  let nextSlot = 0;
  for (const component of targets) {
    const experiments =
      component.kind === "datastore"
        ? datastoreExperiments(model, component, predict, options)
        : streamExperiments(model, component, options);
    for (const experiment of experiments) {
      resources.push(schedule(model, component, experiment, nextSlot));
      // The same slot: the two halves of one failure run together.
      if (experiment.remoteChaos !== undefined)
        resources.push(schedule(model, component, experiment, nextSlot, experiment.remoteChaos));
      nextSlot++;
    }
  }
  return resources;
}

/**
 * The CIDRs of the other regions where the component has pods, and those among them that have none
 * configured. A stream's include its mirror regions, where MirrorMaker 2 reads it from (and writes
 * the mirror): without them an isolation of the source would leave mirroring running.
 */
function remoteCidrs(component: Stateful, region: string, options: ChaosOptions) {
  const withPods = component.kind === "stream" ? streamClusterRegions(component) : component.regions;
  const others = withPods.filter((r) => r !== region);
  return {
    cidrs: others.flatMap((r) => options.regionCidrs?.[r] ?? []),
    missing: others.filter((r) => (options.regionCidrs?.[r] ?? []).length === 0),
  };
}

function missingCidrs(missing: readonly string[], what: string): string | undefined {
  if (missing.length === 0) return undefined;
  return `paused: the pod/node CIDRs of ${missing.join(", ")} are not configured (chaos option regionCidrs), so ${what}; set them in spec.networkChaos.externalTargets, then remove ${ANNOTATIONS.pause}`;
}

function datastoreExperiments(
  model: Model,
  store: Stateful & ResolvedDatastore,
  predict: ReturnType<typeof latencyPredictor>,
  options: ChaosOptions,
): Experiment[] {
  const outcome = (isolation: Isolation) => {
    const verdict = datastoreVerdict(store, isolation);
    const failure =
      isolation.kind === "zone"
        ? { kind: "zone" as const, zone: isolation.zone ?? "" }
        : { kind: "region" as const, region: isolation.region };
    // A primary that stays serves at the baseline's latency (the analysis' failure would move it).
    return {
      text: verdict.text + predict(store, failure, verdict.writesContinue && verdict.primaryStays !== true),
      outage: verdict.writesContinue ? undefined : OUTAGE,
    };
  };
  const experiments: Experiment[] = [];
  for (const region of store.regions) {
    const { cidrs, missing } = remoteCidrs(store, region, options);
    const unconfigured = missingCidrs(
      missing,
      "the zone's replicas would still reach those regions' replicas",
    );
    for (const zone of datastoreZones(store, region)) {
      const isolation = { kind: "zone", region, zone } as const;
      const { text, outage } = outcome(isolation);
      const pausedBecause = joinReasons(outage, unconfigured);
      experiments.push({
        ...isolation,
        outcome: text,
        networkChaos: zonePartition(model, store, zone),
        ...(cidrs.length === 0 ? {} : { remoteChaos: zoneRemotePartition(model, store, zone, cidrs) }),
        ...(pausedBecause === undefined ? {} : { pausedBecause }),
      });
    }
  }
  if (store.regions.length > 1)
    for (const { region } of store.placement) {
      const { text, outage } = outcome({ kind: "region", region });
      experiments.push(regionExperiment(model, store, region, text, options, outage));
    }
  return experiments;
}

/**
 * Why an experiment whose predicted outcome stops writes is compiled paused: it is an outage by
 * the model's own prediction, and a weekly five-minute one can spend a month's error budget
 * (5 min × 30/7 ≈ 21 min, a 99.95% SLO's 21.6). Running it is a decision, not a default.
 */
const OUTAGE = `paused: the predicted outcome stops writes (above), an outage by the model's own prediction; to run it deliberately, in a window the error budget allows, remove ${ANNOTATIONS.pause}`;

const joinReasons = (...reasons: (string | undefined)[]): string | undefined => {
  const given = reasons.filter((reason) => reason !== undefined);
  return given.length === 0 ? undefined : given.join("; ");
};

/** Zones of `region` that hold at least one replica of any placement group, sorted. */
function datastoreZones(store: ResolvedDatastore, region: string): string[] {
  const zones = new Set<string>();
  for (const group of store.groups)
    for (const slot of group.replicas) if (slot.region === region) zones.add(slot.zone);
  return [...zones].sort();
}

function streamExperiments(
  model: Model,
  stream: Stateful & ResolvedStream,
  options: ChaosOptions,
): Experiment[] {
  const experiments: Experiment[] = [];
  // Each region runs its own cluster, so a zone's brokers have no peers in other regions to cut;
  // a mirror region's cluster (MirrorMaker 2 writes the mirror there) is one of them.
  const clusters = regionsOf(stream).map((r) => r.region);
  for (const region of clusters)
    for (const zone of [...(stream.zones[region] ?? [])].sort())
      if (streamZoneHoldsMembers(stream, region, zone))
        experiments.push({
          kind: "zone",
          region,
          zone,
          outcome: streamZoneOutcome(stream, region, zone),
          networkChaos: zonePartition(model, stream, zone),
        });
  if (clusters.length > 1)
    for (const region of clusters)
      experiments.push(regionExperiment(model, stream, region, streamRegionOutcome(stream, region), options));
  return experiments;
}

function regionExperiment(
  model: Model,
  component: Stateful,
  region: string,
  outcome: string,
  options: ChaosOptions,
  outage?: string,
): Experiment {
  const { cidrs, missing } = remoteCidrs(component, region, options);
  const pausedBecause = joinReasons(
    outage,
    missingCidrs(
      missing,
      `spec.networkChaos.externalTargets holds only a placeholder (TEST-NET-1, RFC 5737) that cuts nothing`,
    ),
  );
  return {
    kind: "region",
    region,
    outcome,
    networkChaos: regionPartition(model, component, cidrs),
    ...(pausedBecause === undefined ? {} : { pausedBecause }),
  };
}

function schedule(
  model: Model,
  component: Stateful,
  experiment: Experiment,
  slot: number,
  remote?: Record<string, unknown>,
): PlannedResource {
  const namespace = namespaceOf(model, component);
  const domain = experiment.kind === "zone" ? (experiment.zone ?? "") : experiment.region;
  const name = dnsLabel(component.name, `isolate-${experiment.kind}`, domain, ...(remote ? ["remote"] : []));
  const staggered = staggerSchedule(component.chaos.schedule, slot);
  // Two experiments at once would be a double failure no outcome predicts.
  const overlapping =
    staggered === undefined
      ? `paused: schedule "${component.chaos.schedule}" cannot be staggered, so experiment ${slot + 1} on it would run at the same time as the first; use a cron schedule with a fixed minute and hour`
      : undefined;
  const notes = [experiment.pausedBecause, overlapping].filter((note) => note !== undefined);
  return plannedManifest(experiment.region, component.name, {
    apiVersion: "chaos-mesh.org/v1alpha1",
    kind: "Schedule",
    metadata: {
      name,
      namespace,
      labels: commonLabels(model, component.name),
      annotations: {
        [ANNOTATIONS.expectedOutcome]: experiment.outcome,
        [ANNOTATIONS.experiment]: `isolate ${experiment.kind} ${domain}${remote ? " (from the other regions)" : ""}`,
        ...(notes.length === 0 ? {} : { [ANNOTATIONS.note]: notes.join("; "), [ANNOTATIONS.pause]: "true" }),
      },
    },
    spec: {
      schedule: inScheduleTimeZone(staggered ?? component.chaos.schedule),
      startingDeadlineSeconds: STARTING_DEADLINE_SECONDS,
      concurrencyPolicy: "Forbid",
      historyLimit: HISTORY_LIMIT,
      type: "NetworkChaos",
      networkChaos: remote ?? experiment.networkChaos,
    },
  });
}
