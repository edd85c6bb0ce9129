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
    // Semi-sync: commits wait for one of the region's standbys (dataDurability: required).
    const streaming = `count(cnpg_pg_replication_is_wal_receiver_up{${O}} == 1 and on(instance) (cnpg_pg_replication_in_recovery{${O}} == 1))`;
    const commitsFlow = `((${streaming}) or on() (0 * max(up{${O}}))) >= bool 1`;
    expect(ind.errorRatio!("1h")).toBe(`1 - avg_over_time((${primaryUp} * on() (${commitsFlow}))[1h:30s])`);
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
      series("cnpg_pg_replication_is_wal_receiver_up", PRIMARY, "0x40 stale"),
      series("cnpg_pg_replication_is_wal_receiver_up", STANDBY, "1x40 stale"),
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

  test("the only standby stops streaming for the last 20 minutes: the primary is up but commits wait, errors", () => {
    // Semi-sync with dataDurability: required: a commit waits for one standby of the region. The
    // SLI read 0 here (primary up); the replicas-detached alert alone said anything.
    const groups = regionRules(model, "orders", "us-east-1");
    const input_series = [
      series("cnpg_pg_replication_in_recovery", PRIMARY, "0x70"),
      series("cnpg_pg_replication_in_recovery", STANDBY, "1x70"),
      series("cnpg_pg_replication_is_wal_receiver_up", PRIMARY, "0x70"),
      series("cnpg_pg_replication_is_wal_receiver_up", STANDBY, "1x40 0x30"),
      series("up", PRIMARY, "1x70"),
      series("up", STANDBY, "1x70"),
    ];
    expect(
      promtoolTest(groups, [
        {
          interval: "1m",
          input_series,
          promql_expr_test: [ratio1h(">", 0.3, "60m", 1), ratio1h("<", 0.34, "60m", 1)],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });

  test("before the cluster existed (no targets, no samples) is a gap, not an outage", () => {
    const groups = regionRules(model, "orders", "us-east-1");
    const input_series = [
      series("cnpg_pg_replication_in_recovery", PRIMARY, "_x30 0x30"),
      series("cnpg_pg_replication_in_recovery", STANDBY, "_x30 1x30"),
      series("cnpg_pg_replication_is_wal_receiver_up", PRIMARY, "_x30 0x30"),
      series("cnpg_pg_replication_is_wal_receiver_up", STANDBY, "_x30 1x30"),
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

// A standby whose WAL receiver is down replays what it received and then reads lag 0
// (default-monitoring.yaml: 0 when receive LSN = replay LSN), so the lag alert stays silent.
describe("CloudNativePG replication: the link and the primary's count, beside the lag", () => {
  test("every instance in recovery streams; the primary counts its standby and us-west-2's designated primary", () => {
    const east = indicatorsOf(orders, "us-east-1");
    expect(east.replicaLinkUp).toBe(
      `(cnpg_pg_replication_is_wal_receiver_up{${O}} and on(instance) (cnpg_pg_replication_in_recovery{${O}} == 1))`,
    );
    expect(east.replicasDetached).toBe(
      `2 - max(cnpg_pg_replication_streaming_replicas{${O}} unless on(instance) (cnpg_pg_replication_in_recovery{${O}} == 1))`,
    );
    // A replica cluster has no primary to count from: the link only.
    const west = indicatorsOf(orders, "us-west-2");
    expect(west.replicaLinkUp).toBe(east.replicaLinkUp);
    expect(west.replicasDetached).toBeUndefined();
    for (const e of [east.replicaLinkUp!, east.replicasDetached!]) {
      expect(promqlErrors(e), e).toEqual([]);
      for (const m of selectedMetrics(e)) expect(postgresql.metricNames, e).toContain(m);
    }
  });
});

promtoolSuite("CloudNativePG replication (promtool)", () => {
  test("the standby's WAL receiver goes down at 11m: lag reads 0 throughout, the link and the count page", () => {
    const groups = regionRules(model, "orders", "us-east-1");
    const input_series = [
      series("cnpg_pg_replication_in_recovery", PRIMARY, "0x40"),
      series("cnpg_pg_replication_in_recovery", STANDBY, "1x40"),
      series("cnpg_pg_replication_lag", PRIMARY, "0x40"),
      series("cnpg_pg_replication_lag", STANDBY, "0x40"),
      // The primary has no WAL receiver: 0 there is normal.
      series("cnpg_pg_replication_is_wal_receiver_up", PRIMARY, "0x40"),
      series("cnpg_pg_replication_is_wal_receiver_up", STANDBY, "1x10 0x30"),
      // Its standby and us-west-2's designated primary; the standby drops off at 11m.
      series("cnpg_pg_replication_streaming_replicas", PRIMARY, "2x10 1x30"),
      series("cnpg_pg_replication_streaming_replicas", STANDBY, "0x40"),
      series("up", PRIMARY, "1x40"),
      series("up", STANDBY, "1x40"),
    ];
    expect(
      promtoolTest(groups, [
        {
          interval: "1m",
          input_series,
          alert_rule_test: [
            { eval_time: "10m", alertname: ALERT.replicaLinkDown, exp_alerts: [] },
            { eval_time: "10m", alertname: ALERT.replicasDetached, exp_alerts: [] },
            { eval_time: "30m", alertname: ALERT.replicationLag, exp_alerts: [] },
            {
              eval_time: "30m",
              alertname: ALERT.replicaLinkDown,
              exp_alerts: [firing(alertRule(groups, ALERT.replicaLinkDown), STANDBY)],
            },
            {
              eval_time: "30m",
              alertname: ALERT.replicasDetached,
              exp_alerts: [firing(alertRule(groups, ALERT.replicasDetached), {}, "1")],
            },
          ],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });
});
