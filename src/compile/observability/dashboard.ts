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
import type { Indicators } from "../../engines/types.js";
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

/** Adds the component's row and its panels in `region`, laid out below what the builder already holds. */
export function withComponent(
  builder: DashboardBuilder,
  component: KubernetesComponent,
  region: string,
): DashboardBuilder {
  builder.withRow(new RowBuilder(`${component.kind} ${component.name}`));
  for (const panel of componentPanels(component, region)) builder.withPanel(panel);
  return builder;
}

/**
 * Panels for the indicators the component really has in `region` (see indicators.ts): exactly the
 * series that region's PrometheusRule records (rules.ts `componentRuleSet`), so no panel reads a
 * recording rule its Prometheus does not have (a CloudNativePG replica region records no error ratio).
 */
function componentPanels(component: KubernetesComponent, region: string): PanelBuilder[] {
  const sel = selector(component.name);
  const ind = indicatorsOf(component, region);
  const panels: PanelBuilder[] = [];
  if (ind.requestRate !== undefined)
    panels.push(
      panel("Request rate", "reqps").withTarget(query(`${RECORD.requestRate("5m")}${sel}`, "req/s")),
    );
  if (ind.errorRatio !== undefined) panels.push(errorRatioPanel(component));
  if (ind.p99LatencySeconds !== undefined) panels.push(latencyPanel(component, ind));
  if (hasReplicationLag(component) && ind.replicationLagSeconds !== undefined) {
    const lagMs = replicationLagTargetMs(component);
    // A stream's replica in a region is its mirror (rules.ts mirrorLagAlerts).
    const title =
      component.kind === "stream"
        ? "Mirror lag (max over partitions)"
        : "Replication lag (max over replicas)";
    const lag = panel(title, "s").withTarget(query(`${RECORD.replicationLag}${sel}`, "lag"));
    panels.push(lagMs === undefined ? lag : withThreshold(lag, lagMs / 1000));
  }
  // The series the consumer-lag alert reads, recorded under the same condition (rules.ts).
  const consumerLagMs = consumerLagTargetMs(component);
  if (consumerLagMs !== undefined && ind.consumerLagSeconds !== undefined)
    panels.push(
      withThreshold(
        panel("Consumer lag (max over groups)", "s").withTarget(query(`${RECORD.consumerLag}${sel}`, "lag")),
        consumerLagMs / 1000,
      ),
    );
  return panels;
}

function errorRatioPanel(component: KubernetesComponent): PanelBuilder {
  const sel = selector(component.name);
  const p = panel("Error ratio", "percentunit")
    .withTarget(query(`${RECORD.errorRatio("5m")}${sel}`, "5m"))
    .withTarget(query(`${RECORD.errorRatio("1h")}${sel}`, "1h", "B"));
  const availability = component.slo.availability;
  return availability === undefined
    ? p
    : withThreshold(
        p.description(`Error budget ${errorBudget(availability)} (SLO ${availability}).`),
        errorBudget(availability),
      );
}

/** p99, and the average where it is recorded (Cassandra's exporter has percentiles, no sum). */
function latencyPanel(component: KubernetesComponent, ind: Indicators): PanelBuilder {
  const sel = selector(component.name);
  const p = panel("Latency", "s").withTarget(query(`${RECORD.p99Latency}${sel}`, "p99"));
  if (ind.avgLatencySeconds !== undefined) p.withTarget(query(`${RECORD.avgLatency}${sel}`, "average", "B"));
  const targetMs = latencyTargetMs(component);
  return targetMs === undefined ? p : withThreshold(p, targetMs / 1000);
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
