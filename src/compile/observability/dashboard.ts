/**
 * One Grafana dashboard per topology, built with the Grafana Foundation SDK's typed builders:
 * a row per component with request rate, error ratio against the SLO's budget, p99 and average
 * latency against the latency target, and replication and consumer lag against their SLOs. Panels
 * read the recording rules (cheap, and the same numbers the alerts see).
 */

import {
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  VizLegendOptionsBuilder,
} from "@grafana/grafana-foundation-sdk/common";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import {
  DashboardBuilder,
  DatasourceVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import type { Model } from "../../model/types.js";
import { shortHash } from "../names.js";
import { indicatorsOf } from "./indicators.js";
import type { KubernetesComponent } from "./k8s.js";
import { errorBudget, RECORD, selector } from "./promql.js";
import { consumerLagTargetMs, hasReplicationLag, latencyTargetMs, replicationLagTargetMs } from "./rules.js";

/** The dashboard's datasource variable (Grafana syntax, not a JS template). */
const DATASOURCE = { type: "prometheus", uid: ["$", "{datasource}"].join("") };

/** Dashboard UID: the topology name (a DNS label of ≤ 40 characters, Grafana's UID limit). */
export function dashboardUid(model: Model): string {
  return model.name;
}

/**
 * UID of part `part` (1-based) of a dashboard split to fit one ConfigMap: `<topology>-<part>`,
 * shortened with a hash of the topology name when that passes Grafana's 40-character UID limit.
 */
export function dashboardPartUid(model: Model, part: number): string {
  const suffix = `-${part}`;
  const uid = `${dashboardUid(model)}${suffix}`;
  if (uid.length <= GRAFANA_UID_MAX) return uid;
  const hash = `-${shortHash(model.name)}`;
  return `${model.name.slice(0, GRAFANA_UID_MAX - hash.length - suffix.length)}${hash}${suffix}`;
}

/** Grafana's dashboard UID limit (Grafana docs, "Dashboard JSON model": uid, up to 40 characters). */
const GRAFANA_UID_MAX = 40;

/** Which dashboard: the whole topology's (default), or one part of it with its own UID and title. */
export interface DashboardIdentity {
  readonly uid: string;
  readonly title: string;
}

/** The dashboard of `region`: its panels read that region's recording rules. */
export function buildDashboard(
  model: Model,
  components: readonly KubernetesComponent[],
  region: string,
  identity?: DashboardIdentity,
): Dashboard {
  const builder = dashboardShell(model, identity);
  for (const component of components) withComponent(builder, component, region);
  return builder.build();
}

/** The dashboard without rows or panels: everything but `panels`, which the first row adds. */
export function dashboardShell(
  model: Model,
  identity: DashboardIdentity = { uid: dashboardUid(model), title: `topoplan: ${model.name}` },
): DashboardBuilder {
  return new DashboardBuilder(identity.title)
    .uid(identity.uid)
    .tags(["topoplan", model.name])
    .readonly()
    .time({ from: "now-6h", to: "now" })
    .refresh("1m")
    .withVariable(new DatasourceVariableBuilder("datasource").label("Prometheus").type("prometheus"));
}

/**
 * What a component's row shows in `region`, but for the component's name: its row's kind and its
 * panels. Components of one shape differ only in the name their row and queries carry, so
 * dashboard-text.ts serialises each shape once.
 */
export interface RowShape {
  readonly kind: KubernetesComponent["kind"];
  readonly panels: readonly PanelShape[];
}

interface PanelShape {
  readonly title: string;
  readonly unit: string;
  /** Recording rule, legend and refId of each query; the component's selector is added to each. */
  readonly queries: readonly (readonly [record: string, legend: string, refId: string])[];
  readonly description?: string;
  /** A dashed red line at the SLO. */
  readonly threshold?: number;
}

/**
 * Panels for the indicators the component really has in `region` (see indicators.ts): exactly the
 * series that region's PrometheusRule records (rules.ts `componentRuleSet`), so no panel reads a
 * recording rule its Prometheus does not have (a CloudNativePG replica region records no error ratio).
 */
export function rowShape(component: KubernetesComponent, region: string): RowShape {
  const ind = indicatorsOf(component, region);
  const panels: PanelShape[] = [];
  const withTarget = (targetMs: number | undefined) =>
    targetMs === undefined ? {} : { threshold: targetMs / 1000 };
  if (ind.requestRate !== undefined)
    panels.push({
      title: "Request rate",
      unit: "reqps",
      queries: [[RECORD.requestRate("5m"), "req/s", "A"]],
    });
  if (ind.errorRatio !== undefined) {
    const availability = component.slo.availability;
    panels.push({
      title: "Error ratio",
      unit: "percentunit",
      queries: [
        [RECORD.errorRatio("5m"), "5m", "A"],
        [RECORD.errorRatio("1h"), "1h", "B"],
      ],
      ...(availability === undefined
        ? {}
        : {
            description: `Error budget ${errorBudget(availability)} (SLO ${availability}).`,
            threshold: errorBudget(availability),
          }),
    });
  }
  if (ind.p99LatencySeconds !== undefined)
    // p99, and the average where it is recorded (Cassandra's exporter has percentiles, no sum).
    panels.push({
      title: "Latency",
      unit: "s",
      queries: [
        [RECORD.p99Latency, "p99", "A"],
        ...(ind.avgLatencySeconds === undefined ? [] : [[RECORD.avgLatency, "average", "B"] as const]),
      ],
      ...withTarget(latencyTargetMs(component)),
    });
  if (hasReplicationLag(component) && ind.replicationLagSeconds !== undefined)
    panels.push({
      // A stream's replica in a region is its mirror (rules.ts mirrorLagAlerts).
      title:
        component.kind === "stream"
          ? "Mirror lag (max over partitions)"
          : "Replication lag (max over replicas)",
      unit: "s",
      queries: [[RECORD.replicationLag, "lag", "A"]],
      ...withTarget(replicationLagTargetMs(component)),
    });
  // The series the consumer-lag alert reads, recorded under the same condition (rules.ts).
  const consumerLagMs = consumerLagTargetMs(component);
  if (consumerLagMs !== undefined && ind.consumerLagSeconds !== undefined)
    panels.push({
      title: "Consumer lag (max over groups)",
      unit: "s",
      queries: [[RECORD.consumerLag, "lag", "A"]],
      ...withTarget(consumerLagMs),
    });
  return { kind: component.kind, panels };
}

/** Adds the component's row and its panels in `region`, laid out below what the builder already holds. */
export function withComponent(
  builder: DashboardBuilder,
  component: KubernetesComponent,
  region: string,
): DashboardBuilder {
  return withRow(builder, rowShape(component, region), component.name);
}

/** Adds a row of `shape` for the component named `name`. */
export function withRow(builder: DashboardBuilder, shape: RowShape, name: string): DashboardBuilder {
  builder.withRow(new RowBuilder(`${shape.kind} ${name}`));
  const sel = selector(name);
  for (const { title, unit, queries, description, threshold } of shape.panels) {
    const p = panel(title, unit);
    for (const [record, legend, refId] of queries) p.withTarget(query(`${record}${sel}`, legend, refId));
    if (description !== undefined) p.description(description);
    builder.withPanel(threshold === undefined ? p : withThreshold(p, threshold));
  }
  return builder;
}

/**
 * A timeseries panel with its legend shown: the SDK's default hides it (`showLegend: false`), which
 * leaves the error ratio's 5m and 1h lines, and p99 beside the average, unlabelled.
 */
function panel(title: string, unit: string): PanelBuilder {
  return new PanelBuilder()
    .title(title)
    .unit(unit)
    .datasource(DATASOURCE)
    .height(8)
    .span(8)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.List)
        .placement(LegendPlacement.Bottom),
    );
}

function query(expr: string, legend: string, refId = "A"): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId).datasource(DATASOURCE);
}

/** A dashed red line at the SLO. */
function withThreshold(p: PanelBuilder, value: number): PanelBuilder {
  return p
    .thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: "green" },
        { value, color: "red" },
      ]),
    )
    .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
}
