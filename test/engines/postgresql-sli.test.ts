/**
 * CloudNativePG's time-based availability SLI counts an outage Prometheus can see as errors: while
 * the instances' scrape targets exist (`up`, 0 when a scrape fails) but none reports
 * `cnpg_pg_replication_in_recovery`, the primary is down. Evaluated by promtool over series shaped
 * as CloudNativePG's exporter serves them (default-monitoring.yaml: `pg_replication` on every
 * instance, `in_recovery` 0 on the primary, 1 on standbys).
 */
import { describe, expect, test } from "vitest";
import { ALERT } from "../../src/compile/observability/index.js";
import { indicatorsOf } from "../../src/compile/observability/indicators.js";
import { postgresql } from "../../src/engines/postgresql.js";
import { ENGINES, modelOf } from "../compile/observability/fixture.js";
import { indicatorExpressions, promqlErrors, selectedMetrics } from "./promql.js";
import { alertRule, firing, promtoolSuite, promtoolTest, regionRules } from "./promtool.js";

// orders: CloudNativePG, primary cluster in us-east-1 (2 instances), replica cluster in us-west-2.
const model = modelOf(ENGINES);
const orders = model.datastores.find((d) => d.name === "orders")!;
const O = 'topoplan_component="orders"';

describe("CloudNativePG availability SLI", () => {
  test("no instance reporting, while its targets exist, is a primary down (0), not a gap", () => {
    const ind = indicatorsOf(orders, "us-east-1");
    const primaryUp = `(max(1 - cnpg_pg_replication_in_recovery{${O}}) or on() (0 * max(up{${O}})))`;
    expect(ind.errorRatio!("1h")).toBe(`1 - avg_over_time(${primaryUp}[1h:30s])`);
    expect(ind.leaderPresent).toBe(primaryUp);
  });

  test("every expression parses and reads the engine's metrics, and Prometheus's own `up`", () => {
    for (const region of ["us-east-1", "us-west-2"])
      for (const e of indicatorExpressions(indicatorsOf(orders, region))) {
        expect(promqlErrors(e), e).toEqual([]);
        for (const m of selectedMetrics(e)) expect([...postgresql.metricNames, "up"], e).toContain(m);
      }
  });
});

const PRIMARY = { topoplan_component: "orders", instance: "10.0.0.1:9187" };
const STANDBY = { topoplan_component: "orders", instance: "10.0.0.2:9187" };
const series = (name: string, labels: Readonly<Record<string, string>>, values: string) => ({
  series: `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`,
  values,
});
/** `slo:sli_error:ratio_rate1h` compared with `bound` as 0/1, so no float is compared exactly. */
const ratio1h = (op: string, bound: number, eval_time: string, value: number) => ({
  expr: `slo:sli_error:ratio_rate1h{${O}} ${op} bool ${bound}`,
  eval_time,
  exp_samples: [{ labels: `{${O},topoplan_region="us-east-1",topoplan_topology="engines"}`, value }],
});

promtoolSuite("CloudNativePG availability SLI (promtool)", () => {
  test("every instance unreachable for the last 20 minutes of the hour: about a third of it is errors", () => {
    const groups = regionRules(model, "orders", "us-east-1");
    const input_series = [
      // Both exporters stop answering at 41m; Prometheus keeps their targets (up = 0).
      series("cnpg_pg_replication_in_recovery", PRIMARY, "0x40 stale"),
      series("cnpg_pg_replication_in_recovery", STANDBY, "1x40 stale"),
      series("up", PRIMARY, "1x40 0x30"),
      series("up", STANDBY, "1x40 0x30"),
    ];
    expect(
      promtoolTest(groups, [
        {
          interval: "1m",
          input_series,
          // Before: the steps without a sample were left out of the average, so the hour read 0.
          // Now 39 of the subquery's 120 or 121 steps (Prometheus 3 / 2) are down: 0.32–0.33.
          promql_expr_test: [ratio1h(">", 0.3, "60m", 1), ratio1h("<", 0.34, "60m", 1)],
          // No primary to be seen is no leader, too (it was silent until the 10-minute no-data page).
          alert_rule_test: [
            { eval_time: "40m", alertname: ALERT.noLeader, exp_alerts: [] },
            {
              eval_time: "45m",
              alertname: ALERT.noLeader,
              exp_alerts: [firing(alertRule(groups, ALERT.noLeader), {})],
            },
          ],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });

  test("before the cluster existed (no targets, no samples) is a gap, not an outage", () => {
    const groups = regionRules(model, "orders", "us-east-1");
    const input_series = [
      series("cnpg_pg_replication_in_recovery", PRIMARY, "_x30 0x30"),
      series("cnpg_pg_replication_in_recovery", STANDBY, "_x30 1x30"),
      series("up", PRIMARY, "_x30 1x30"),
      series("up", STANDBY, "_x30 1x30"),
    ];
    expect(
      promtoolTest(groups, [
        {
          interval: "1m",
          input_series,
          promql_expr_test: [ratio1h(">", 0, "60m", 0)],
          alert_rule_test: [{ eval_time: "20m", alertname: ALERT.noLeader, exp_alerts: [] }],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });
});
