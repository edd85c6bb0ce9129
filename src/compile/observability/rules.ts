/**
 * Prometheus rule groups for one component: SLI recording rules over every SLO window, then the
 * multiwindow multi-burn-rate, latency and replication-lag alerts that read them.
 */
import type { Indicators } from "../../engines/types.js";
import type { Model, ResolvedComponent } from "../../model/types.js";
import { bucketAround, serviceBucketsMs } from "./buckets.js";
import { indicatorsIn, indicatorsOf } from "./indicators.js";
import {
  BURN_RATE_ALERTS,
  burnPairsText,
  burnRateExpression,
  COMPONENT_LABEL,
  errorBudget,
  LATENCY_ALERT_FOR,
  num,
  RECORD,
  REPLICATION_LAG_ALERT_FOR,
  SLO_WINDOWS,
  selector,
} from "./promql.js";

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

export interface RuleOptions {
  /** @default DEFAULT_MIN_REQUESTS_PER_SECOND (1) */
  readonly minRequestsPerSecond: number;
}

export const ALERT = {
  burnPage: "TopoplanErrorBudgetBurnPage",
  burnTicket: "TopoplanErrorBudgetBurnTicket",
  latency: "TopoplanLatencyP99AboveSLO",
  replicationLag: "TopoplanReplicationLagAboveSLO",
  replicasDetached: "TopoplanReplicasDetached",
  replicaLinkDown: "TopoplanReplicaLinkDown",
  consumerLag: "TopoplanConsumerLagAboveSLO",
  mirrorLag: "TopoplanMirrorLagAboveSLO",
  mirrorPartitions: "TopoplanMirrorPartitionsMissing",
  metricsAbsent: "TopoplanSLOMetricsAbsent",
  memberDown: "TopoplanMemberDown",
  noLeader: "TopoplanNoLeader",
} as const;

/** No-data alerts fire when an SLO's series has been gone this long. @default 10m */
export const ABSENT_ALERT_FOR = "10m";
/** A scrape target (member, exporter) down this long opens a ticket. @default 5m */
export const MEMBER_DOWN_FOR = "5m";
/** A cluster whose members in a region see no leader this long pages: writes through them fail. @default 1m */
export const NO_LEADER_FOR = "1m";

/**
 * The p99 latency target the component's histogram is held to, ms, if any. A datastore's p99
 * covers reads and writes together (one histogram; Cassandra: the larger of the two percentiles),
 * so it is held to the looser of readP99Ms / writeP99Ms: a mix's share above t is the reads' and
 * writes' shares above t, weighted by their rates, so the mix's p99 passes t only when one of
 * theirs does. Against the tighter target the slower operation alone keeps it above while both
 * SLOs are met (writes at 9% of requests put the mix's p99 at the writes' p89).
 */
export function latencyTargetMs(component: ResolvedComponent): number | undefined {
  if (component.kind === "service") return component.slo.latencyP99Ms;
  if (component.kind === "datastore") {
    const targets = [component.slo.readP99Ms, component.slo.writeP99Ms].filter((t) => t !== undefined);
    return targets.length === 0 ? undefined : Math.max(...targets);
  }
  return undefined;
}

interface NamedTarget {
  readonly name: "readP99Ms" | "writeP99Ms";
  readonly ms: number;
}

/**
 * A datastore's read and write targets when they differ: the looser one its mixed histogram is
 * held to, and the tighter one it cannot check.
 */
function mixedTargets(
  component: ResolvedComponent,
): { looser: NamedTarget; tighter: NamedTarget } | undefined {
  if (component.kind !== "datastore") return undefined;
  const { readP99Ms, writeP99Ms } = component.slo;
  if (readP99Ms === undefined || writeP99Ms === undefined || readP99Ms === writeP99Ms) return undefined;
  const read: NamedTarget = { name: "readP99Ms", ms: readP99Ms };
  const write: NamedTarget = { name: "writeP99Ms", ms: writeP99Ms };
  return readP99Ms < writeP99Ms ? { looser: write, tighter: read } : { looser: read, tighter: write };
}

/**
 * Replicated stateful components whose indicators include replication lag. A stream's mirror
 * regions hold a replica of it whatever its in-cluster replicas (Kafka: the mirror's lag).
 */
export function hasReplicationLag(component: ResolvedComponent): boolean {
  return (
    component.kind !== "service" &&
    (component.replicas > 1 || (component.kind === "stream" && component.mirrorRegions.length > 0)) &&
    indicatorsOf(component).replicationLagSeconds !== undefined
  );
}

/**
 * The target a component's recorded replication lag is held to: a datastore's replicationLagMs;
 * a stream's consumerLagMs, which its mirror's lag alone breaks (mirrorLagAlerts).
 */
export function replicationLagTargetMs(component: ResolvedComponent): number | undefined {
  if (component.kind === "datastore") return component.slo.replicationLagMs;
  return consumerLagTargetMs(component);
}

/** The SLOs of a component and the indicator each needs; the coverage rule reads the same table. */
export function sloIndicators(
  component: ResolvedComponent,
): { slo: string; indicator: keyof Indicators; covered: boolean }[] {
  const ind = indicatorsOf(component);
  const out: { slo: string; indicator: keyof Indicators; covered: boolean }[] = [];
  if (component.slo.availability !== undefined)
    out.push({
      slo: "availability",
      indicator: "errorRatio",
      covered: ind.errorRatio !== undefined && ind.requestRate !== undefined,
    });
  const latencyCovered = ind.p99LatencySeconds !== undefined;
  // With an indicator, the mixed histogram is held to the looser target (latencyTargetMs) and the
  // tighter has no alert; without one, neither has.
  const mixed = latencyCovered ? mixedTargets(component) : undefined;
  if (latencyTargetMs(component) !== undefined)
    out.push({
      slo: component.kind === "service" ? "latencyP99Ms" : (mixed?.looser.name ?? "readP99Ms/writeP99Ms"),
      indicator: "p99LatencySeconds",
      covered: latencyCovered,
    });
  if (mixed !== undefined)
    out.push({ slo: mixed.tighter.name, indicator: "p99LatencySeconds", covered: false });
  if (
    component.kind === "datastore" &&
    component.slo.replicationLagMs !== undefined &&
    component.replicas > 1
  )
    out.push({
      slo: "replicationLagMs",
      indicator: "replicationLagSeconds",
      covered: ind.replicationLagSeconds !== undefined,
    });
  if (consumerLagTargetMs(component) !== undefined)
    out.push({
      slo: "consumerLagMs",
      indicator: "consumerLagSeconds",
      covered: ind.consumerLagSeconds !== undefined,
    });
  // Producer to consumer: no engine measures it (Kafka's request metrics are per broker request),
  // so no rule is generated for it.
  if (component.kind === "stream" && component.slo.endToEndP99Ms !== undefined)
    out.push({ slo: "endToEndP99Ms", indicator: "p99LatencySeconds", covered: false });
  return out;
}

/** Rule groups for one component in one region: recording rules for what it emits, then alerts. */
export function componentRuleGroups(
  model: Model,
  component: ResolvedComponent,
  region: string,
  options: RuleOptions,
): RuleGroup[] {
  return ruleGroupsIn(
    model,
    componentRuleSet(component, indicatorsIn(model, component, region), options),
    region,
  );
}

/** A component's rules before they are placed in a region: the same in every region its indicators are. */
export interface ComponentRuleSet {
  readonly component: string;
  readonly recording: readonly { readonly record: string; readonly expr: string }[];
  readonly alerts: readonly AlertingRule[];
}

/**
 * The rules of a component whose indicators are `ind`. Only the recording rules' labels name the
 * region, so a component whose indicators are the same everywhere (all but engines: services, and
 * datastores and streams with declared metrics) builds these once for all its regions (issue #15: the PromQL text was rebuilt per region, and held per region).
 */
export function componentRuleSet(
  component: ResolvedComponent,
  ind: Indicators,
  options: RuleOptions,
): ComponentRuleSet {
  const recording: { record: string; expr: string }[] = [];
  const record = (name: string, expr: string) => recording.push({ record: name, expr });
  const { requestRate, errorRatio } = ind;
  if (requestRate !== undefined) for (const w of SLO_WINDOWS) record(RECORD.requestRate(w), requestRate(w));
  if (errorRatio !== undefined) for (const w of SLO_WINDOWS) record(RECORD.errorRatio(w), errorRatio(w));
  if (ind.avgLatencySeconds !== undefined) record(RECORD.avgLatency, ind.avgLatencySeconds);
  if (ind.p99LatencySeconds !== undefined) record(RECORD.p99Latency, ind.p99LatencySeconds);
  if (hasReplicationLag(component) && ind.replicationLagSeconds !== undefined)
    record(RECORD.replicationLag, ind.replicationLagSeconds);
  if (consumerLagTargetMs(component) !== undefined && ind.consumerLagSeconds !== undefined)
    record(RECORD.consumerLag, ind.consumerLagSeconds);
  const alerts = [
    ...burnRateAlerts(component, ind, options),
    ...latencyAlerts(component, ind),
    ...replicationLagAlerts(component, ind),
    ...detachedReplicaAlerts(component, ind),
    ...consumerLagAlerts(component, ind),
    ...mirrorLagAlerts(component, ind),
    ...absentAlerts(component, ind),
    ...memberAlerts(component, ind),
  ];
  return { component: component.name, recording, alerts };
}

/**
 * The groups of `rules` in one region: the recording rules labelled with the component, region and
 * topology. The alerts are shared between regions here; the plan copies every manifest
 * (kubernetes/manifest.ts `planned`), so no two resources share an object.
 */
export function ruleGroupsIn(model: Model, rules: ComponentRuleSet, region: string): RuleGroup[] {
  const { component, alerts } = rules;
  const recording: RecordingRule[] = rules.recording.map(({ record, expr }) => ({
    record,
    expr,
    labels: { [COMPONENT_LABEL]: component, topoplan_region: region, topoplan_topology: model.name },
  }));
  return [
    ...(recording.length === 0 ? [] : [{ name: `topoplan-${component}-sli`, rules: recording }]),
    ...(alerts.length === 0 ? [] : [{ name: `topoplan-${component}-alerts`, rules: alerts }]),
  ];
}

function sloLabels(component: ResolvedComponent, slo: string, severity: string) {
  return { severity, [COMPONENT_LABEL]: component.name, topoplan_slo: slo };
}

function burnRateAlerts(component: ResolvedComponent, ind: Indicators, options: RuleOptions): AlertingRule[] {
  const availability = component.slo.availability;
  if (availability === undefined || ind.errorRatio === undefined || ind.requestRate === undefined) return [];
  const budget = errorBudget(availability);
  const slo = `${num(availability * 100)}%`;
  return BURN_RATE_ALERTS.map((alert) => {
    const windows = burnPairsText(alert);
    return {
      alert: alert.severity === "page" ? ALERT.burnPage : ALERT.burnTicket,
      expr: burnRateExpression(component.name, alert, budget, options.minRequestsPerSecond),
      labels: sloLabels(component, "availability", alert.severity),
      annotations: {
        summary: `${component.name}: error budget of the ${slo} availability SLO is burning ${alert.severity === "page" ? "fast" : "steadily"}`,
        description: `Error ratio above the burn-rate threshold over ${windows}; error budget ${num(budget)}, at least ${num(options.minRequestsPerSecond)} req/s over the long window.`,
      },
    };
  });
}

function latencyAlerts(component: ResolvedComponent, ind: Indicators): AlertingRule[] {
  const targetMs = latencyTargetMs(component);
  if (targetMs === undefined || ind.p99LatencySeconds === undefined) return [];
  const own = component.kind === "service" ? serviceBucketsMs(component) : undefined;
  const bucket =
    ind.presence.latency === undefined ? undefined : bucketAround(ind.presence.latency, targetMs, own);
  // A target between two bucket boundaries is compared with an interpolated p99 (buckets.ts).
  const approximate =
    bucket === undefined
      ? ""
      : ` Approximate: ${num(targetMs)} ms lies inside the (${num(bucket.lowerMs)}, ${num(bucket.upperMs)}] ms bucket of ${bucket.name}, where histogram_quantile interpolates linearly, so a true p99 anywhere in that bucket can read as any value in it: this alert can fire while the SLO is met, or stay silent while it is broken.`;
  const tighter = mixedTargets(component)?.tighter;
  const mixed =
    tighter === undefined
      ? ""
      : ` This p99 covers reads and writes together, so it is held to the looser ${num(targetMs)} ms target (it passes that only when reads' or writes' own p99 does); the ${num(tighter.ms)} ms ${tighter.name} target cannot be told apart in it.`;
  return [
    {
      alert: ALERT.latency,
      expr: `${RECORD.p99Latency}${selector(component.name)} > ${num(targetMs / 1000)}`,
      for: LATENCY_ALERT_FOR,
      labels: sloLabels(component, "latency", "ticket"),
      annotations: {
        summary: `${component.name}: p99 latency above the ${num(targetMs)} ms SLO`,
        description: `p99 request duration over 5m has stayed above ${num(targetMs / 1000)} s for ${LATENCY_ALERT_FOR}.${mixed}${approximate}`,
      },
    },
  ];
}

function replicationLagAlerts(component: ResolvedComponent, ind: Indicators): AlertingRule[] {
  if (
    component.kind !== "datastore" ||
    !hasReplicationLag(component) ||
    ind.replicationLagSeconds === undefined
  )
    return [];
  const lagMs = component.slo.replicationLagMs;
  if (lagMs === undefined) return [];
  return [
    {
      alert: ALERT.replicationLag,
      expr: `${RECORD.replicationLag}${selector(component.name)} > ${num(lagMs / 1000)}`,
      for: REPLICATION_LAG_ALERT_FOR,
      labels: sloLabels(component, "replication-lag", "page"),
      annotations: {
        summary: `${component.name}: replication lag above the ${num(lagMs)} ms SLO`,
        description: `The most lagging replica has stayed more than ${num(lagMs / 1000)} s behind for ${REPLICATION_LAG_ALERT_FOR}; a failover now would lose that much data.`,
      },
    },
  ];
}

/**
 * The replication-lag SLO's other half: replicas that stopped replicating. A detached replica
 * reports no lag, or 0 (Redis: its offset series exist per attached replica only; CloudNativePG:
 * a replica whose WAL receiver is down reads 0 once it has replayed what it received), so the lag
 * alert stays silent. Where the engine
 * says how, the primary's count of attached replicas is held to the plan, and each replica's link
 * to its primary is watched (the only replication series a region holding only replicas has).
 */
function detachedReplicaAlerts(component: ResolvedComponent, ind: Indicators): AlertingRule[] {
  const lagMs = component.kind === "datastore" ? component.slo.replicationLagMs : undefined;
  if (lagMs === undefined || replicationLagAlerts(component, ind).length === 0) return [];
  const labels = sloLabels(component, "replication-lag", "page");
  const alerts: AlertingRule[] = [];
  if (ind.replicasDetached !== undefined)
    alerts.push({
      alert: ALERT.replicasDetached,
      expr: `${ind.replicasDetached} > 0`,
      for: REPLICATION_LAG_ALERT_FOR,
      labels,
      annotations: {
        summary: `${component.name}: the primary has fewer replicas attached than the topology plans`,
        description: `The primary of ${component.name} has been missing {{ $value }} of its planned replicas for ${REPLICATION_LAG_ALERT_FOR}. A detached replica receives no writes and reports no lag, so the ${num(lagMs)} ms replication-lag alert cannot see it; a failover to it would lose every write since it detached. Check the missing replicas' pods and their network path to the primary (a full resync after a restart also counts until it completes).`,
      },
    });
  if (ind.replicaLinkUp !== undefined)
    alerts.push({
      alert: ALERT.replicaLinkDown,
      expr: `${ind.replicaLinkUp} == 0`,
      for: REPLICATION_LAG_ALERT_FOR,
      labels,
      annotations: {
        summary: `${component.name}: a replica has lost its link to the primary`,
        description: `Replica {{ $labels.instance }} of ${component.name} has had no link to its primary for ${REPLICATION_LAG_ALERT_FOR}: it receives no writes, serves ever staler reads, and a failover to it would lose every write since. Check the primary, the replica's network path to it, and the replica's log (a full resync after a restart also shows as down until it completes).`,
      },
    });
  return alerts;
}

/** A stream's consumer-lag target, ms, if any. */
export function consumerLagTargetMs(component: ResolvedComponent): number | undefined {
  return component.kind === "stream" ? component.slo.consumerLagMs : undefined;
}

function consumerLagAlerts(component: ResolvedComponent, ind: Indicators): AlertingRule[] {
  const lagMs = consumerLagTargetMs(component);
  if (lagMs === undefined || ind.consumerLagSeconds === undefined) return [];
  return [
    {
      alert: ALERT.consumerLag,
      expr: `${RECORD.consumerLag}${selector(component.name)} > ${num(lagMs / 1000)}`,
      for: REPLICATION_LAG_ALERT_FOR,
      labels: sloLabels(component, "consumer-lag", "ticket"),
      annotations: {
        summary: `${component.name}: a consumer group lags more than the ${num(lagMs)} ms SLO`,
        description: `The most lagging consumer group has stayed more than ${num(lagMs / 1000)} s behind the producers for ${REPLICATION_LAG_ALERT_FOR} (lag in messages over the production rate).`,
      },
    },
  ];
}

/**
 * A stream's mirror, where it has one (Kafka: MirrorMaker 2 in this region). A consumer reading
 * the mirror, or failing over to it with translated offsets, is at least the mirror's lag behind
 * the producers, which its consumer-lag series (behind the mirror's own log end) cannot show: a
 * mirror lag above consumerLagMs breaks that SLO there by itself. An idle mirror reads no lag
 * (NaN), so no-data is the other half: the mirror's series gone means it stopped.
 */
function mirrorLagAlerts(component: ResolvedComponent, ind: Indicators): AlertingRule[] {
  const lagMs = consumerLagTargetMs(component);
  const series = ind.presence.replicationLag;
  if (
    lagMs === undefined ||
    !hasReplicationLag(component) ||
    ind.replicationLagSeconds === undefined ||
    series === undefined
  )
    return [];
  const partitions = ind.mirrorPartitions;
  return [
    ...(partitions === undefined
      ? []
      : [
          {
            alert: ALERT.mirrorPartitions,
            expr: `count(${partitions.series}) < ${partitions.expected}`,
            for: ABSENT_ALERT_FOR,
            labels: { ...sloLabels(component, "consumer-lag", "ticket"), topoplan_signal: "mirror" },
            annotations: {
              summary: `${component.name}: the mirror in this region copies fewer partitions than it should`,
              description: `Fewer than ${partitions.expected} partition series (partitions × source regions) of ${component.name}'s mirror for ${ABSENT_ALERT_FOR}: a MirrorMaker 2 task failed or was never assigned, and its partitions are not being copied while the others are. Check the KafkaMirrorMaker2's connector and task status.`,
            },
          },
        ]),
    {
      alert: ALERT.mirrorLag,
      expr: `${RECORD.replicationLag}${selector(component.name)} > ${num(lagMs / 1000)}`,
      for: REPLICATION_LAG_ALERT_FOR,
      labels: sloLabels(component, "consumer-lag", "ticket"),
      annotations: {
        summary: `${component.name}: the mirror in this region lags more than the ${num(lagMs)} ms consumer-lag SLO`,
        description: `The slowest records of ${component.name} have reached this region's mirror more than ${num(lagMs / 1000)} s after they were produced for ${REPLICATION_LAG_ALERT_FOR}: consumers reading the mirror, or failing over to it, are at least that far behind the producers. Check the mirror's workers, their throughput and the link to the source regions.`,
      },
    },
    {
      alert: ALERT.metricsAbsent,
      expr: `absent(${series})`,
      for: ABSENT_ALERT_FOR,
      // The consumer groups' no-data alert has the SLO's labels too: alerts are told apart by them.
      // As the lag alert it stands in for: a silent mirror is no more urgent than a slow one.
      labels: { ...sloLabels(component, "consumer-lag", "ticket"), topoplan_signal: "mirror" },
      annotations: {
        summary: `${component.name}: the mirror in this region reports nothing`,
        description: `No ${series.replace(/\{.*$/, "")} series of ${component.name} for ${ABSENT_ALERT_FOR}: the mirror's workers are down, its source task failed, or the metric was renamed. The mirror in this region is not being updated, and its lag alert cannot fire.`,
      },
    },
  ];
}

/**
 * One no-data alert per SLO with an indicator: an SLO alert over a series that stopped existing
 * is silent, so a dead exporter or a renamed metric would pass as healthy.
 */
function absentAlerts(component: ResolvedComponent, ind: Indicators): AlertingRule[] {
  // Each with the severity of the SLO alert it stands in for (a page where that alert pages): a
  // stream with no consumer group yet should not page where its lag would only ticket.
  const wanted: [string, string | undefined, "page" | "ticket"][] = [
    [
      "availability",
      component.slo.availability === undefined || ind.errorRatio === undefined
        ? undefined
        : ind.presence.availability,
      "page",
    ],
    [
      "latency",
      latencyTargetMs(component) === undefined || ind.p99LatencySeconds === undefined
        ? undefined
        : ind.presence.latency,
      "ticket",
    ],
    [
      "replication-lag",
      replicationLagAlerts(component, ind).length === 0 ? undefined : ind.presence.replicationLag,
      "page",
    ],
    [
      "consumer-lag",
      consumerLagAlerts(component, ind).length === 0 ? undefined : ind.presence.consumerLag,
      "ticket",
    ],
  ];
  return wanted.flatMap(([slo, series, severity]) =>
    series === undefined
      ? []
      : [
          {
            alert: ALERT.metricsAbsent,
            expr: `absent(${series})`,
            for: ABSENT_ALERT_FOR,
            labels: sloLabels(component, slo, severity),
            annotations: {
              summary: `${component.name}: no data for the ${slo} SLO`,
              description: `No ${series.replace(/\{.*$/, "")} series of ${component.name} for ${ABSENT_ALERT_FOR}: the exporter or every member is down, or the metric was renamed${slo === "consumer-lag" ? ", or no consumer group has offsets committed on the topic (its consumers never started, or were gone longer than the broker keeps offsets)" : ""}. The ${slo} SLO alerts cannot fire.`,
            },
          },
        ],
  );
}

/** Engines: a member (scrape target) down, and no leader. */
function memberAlerts(component: ResolvedComponent, ind: Indicators): AlertingRule[] {
  if (component.kind === "service" || Object.keys(ind.presence).length === 0) return [];
  const alerts: AlertingRule[] = [
    {
      alert: ALERT.memberDown,
      expr: `up${selector(component.name)} == 0`,
      for: MEMBER_DOWN_FOR,
      labels: { severity: "ticket", [COMPONENT_LABEL]: component.name },
      annotations: {
        summary: `${component.name}: a member or its exporter is down`,
        description: `Prometheus cannot scrape {{ $labels.instance }} of ${component.name} for ${MEMBER_DOWN_FOR}; the cluster runs with one fewer replica than planned.`,
      },
    },
  ];
  if (ind.leaderPresent !== undefined)
    alerts.push({
      alert: ALERT.noLeader,
      expr: `${ind.leaderPresent} == 0`,
      for: NO_LEADER_FOR,
      labels: { severity: "page", [COMPONENT_LABEL]: component.name },
      annotations: {
        summary: `${component.name}: no leader`,
        description: `${component.name} has had no leader for ${NO_LEADER_FOR} as its members in this region see it: writes through them fail (quorum lost, elections failing, or the region cut off from the others).`,
      },
    });
  return alerts;
}
