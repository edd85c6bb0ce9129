/**
 * Prometheus rule groups for one component: SLI recording rules over every SLO window, then the
 * multiwindow multi-burn-rate, latency and replication-lag alerts that read them.
 */
import type { Model, ResolvedComponent } from "../../model/types.js";
import {
  BURN_RATE_ALERTS,
  burnRateExpression,
  COMPONENT_LABEL,
  errorBudget,
  LATENCY_ALERT_FOR,
  num,
  RECORD,
  REPLICATION_LAG_ALERT_FOR,
  SLO_WINDOWS,
  selector,
  sliExpressions,
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
} as const;

/** The p99 latency target the component's histogram is held to, ms, if any. */
export function latencyTargetMs(component: ResolvedComponent): number | undefined {
  if (component.kind === "service") return component.slo.latencyP99Ms;
  // One histogram covers reads and writes; reads are the bulk of traffic and the tighter target.
  if (component.kind === "datastore") return component.slo.readP99Ms;
  return undefined;
}

/** Replicated stateful components export a replication-lag gauge. */
export function hasReplicationLag(component: ResolvedComponent): boolean {
  return component.kind !== "service" && component.replicas > 1;
}

/** Rule groups for one component in one region; `[]` never (request rate is always recorded). */
export function componentRuleGroups(
  model: Model,
  component: ResolvedComponent,
  region: string,
  options: RuleOptions,
): RuleGroup[] {
  const labels = {
    [COMPONENT_LABEL]: component.name,
    topoplan_region: region,
    topoplan_topology: model.name,
  };
  const sli = sliExpressions(component);
  const recording: RecordingRule[] = [];
  // Each rule gets its own label object: shared objects would render as YAML anchors.
  const record = (name: string, expr: string) =>
    recording.push({ record: name, expr, labels: { ...labels } });
  for (const w of SLO_WINDOWS) record(RECORD.requestRate(w), sli.requestRate(w));
  for (const w of SLO_WINDOWS) record(RECORD.errorRatio(w), sli.errorRatio(w));
  record(RECORD.avgLatency, sli.avgLatency);
  record(RECORD.p99Latency, sli.p99Latency);
  if (hasReplicationLag(component)) record(RECORD.replicationLag, sli.replicationLag);

  const alerts = [
    ...burnRateAlerts(component, options),
    ...latencyAlerts(component),
    ...replicationLagAlerts(component),
  ];
  return [
    { name: `topoplan-${component.name}-sli`, rules: recording },
    ...(alerts.length === 0 ? [] : [{ name: `topoplan-${component.name}-alerts`, rules: alerts }]),
  ];
}

function burnRateAlerts(component: ResolvedComponent, options: RuleOptions): AlertingRule[] {
  const availability = component.slo.availability;
  if (availability === undefined) return [];
  const budget = errorBudget(availability);
  const slo = `${num(availability * 100)}%`;
  return BURN_RATE_ALERTS.map((alert) => {
    const windows = alert.pairs
      .map(
        (p) =>
          `${p.long}/${p.short} at ${num(p.burnRate)}x (${num(p.budgetConsumed * 100)}% of a 30-day budget)`,
      )
      .join(" or ");
    return {
      alert: alert.severity === "page" ? ALERT.burnPage : ALERT.burnTicket,
      expr: burnRateExpression(component.name, alert, budget, options.minRequestsPerSecond),
      labels: { severity: alert.severity, [COMPONENT_LABEL]: component.name, topoplan_slo: "availability" },
      annotations: {
        summary: `${component.name}: error budget of the ${slo} availability SLO is burning ${alert.severity === "page" ? "fast" : "steadily"}`,
        description: `Error ratio above the burn-rate threshold over ${windows}; error budget ${num(budget)}, at least ${num(options.minRequestsPerSecond)} req/s over the long window.`,
      },
    };
  });
}

function latencyAlerts(component: ResolvedComponent): AlertingRule[] {
  const targetMs = latencyTargetMs(component);
  if (targetMs === undefined) return [];
  return [
    {
      alert: ALERT.latency,
      expr: `${RECORD.p99Latency}${selector(component.name)} > ${num(targetMs / 1000)}`,
      for: LATENCY_ALERT_FOR,
      labels: { severity: "ticket", [COMPONENT_LABEL]: component.name, topoplan_slo: "latency" },
      annotations: {
        summary: `${component.name}: p99 latency above the ${num(targetMs)} ms SLO`,
        description: `p99 request duration over 5m has stayed above ${num(targetMs / 1000)} s for ${LATENCY_ALERT_FOR}.`,
      },
    },
  ];
}

function replicationLagAlerts(component: ResolvedComponent): AlertingRule[] {
  if (component.kind !== "datastore" || !hasReplicationLag(component)) return [];
  const lagMs = component.slo.replicationLagMs;
  if (lagMs === undefined) return [];
  return [
    {
      alert: ALERT.replicationLag,
      expr: `${RECORD.replicationLag}${selector(component.name)} > ${num(lagMs / 1000)}`,
      for: REPLICATION_LAG_ALERT_FOR,
      labels: { severity: "page", [COMPONENT_LABEL]: component.name, topoplan_slo: "replication-lag" },
      annotations: {
        summary: `${component.name}: replication lag above the ${num(lagMs)} ms SLO`,
        description: `The most lagging replica has stayed more than ${num(lagMs / 1000)} s behind for ${REPLICATION_LAG_ALERT_FOR}; a failover now would lose that much data.`,
      },
    },
  ];
}
