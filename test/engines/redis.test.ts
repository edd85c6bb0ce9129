/**
 * Redis's replication alerts, evaluated by promtool over series shaped as redis_exporter v1.66.0
 * serves them (exporter/info.go): `redis_connected_slave_offset_bytes` and
 * `redis_connected_slave_lag_seconds` per attached replica (the primary's `slaveN:` INFO lines),
 * `redis_master_repl_offset`, `redis_connected_slaves` and `redis_instance_info{role}` on every
 * instance, `redis_master_link_up` on replicas only. Each region's Prometheus scrapes only its own
 * members, so each region's rules are tested with that region's members.
 */
import { describe, expect, test } from "vitest";
import { ALERT } from "../../src/compile/observability/index.js";
import { indicatorsOf } from "../../src/compile/observability/indicators.js";
import { redis } from "../../src/engines/redis.js";
import { ENGINES, modelOf } from "../compile/observability/fixture.js";
import { indicatorExpressions, promqlErrors, selectedMetrics } from "./promql.js";
import { alertRule, firing, promtoolSuite, promtoolTest, regionRules } from "./promtool.js";

// cache: 3 members, 2 in us-east-1 (the primary is the first), 1 in us-west-2.
const model = modelOf(ENGINES);
const cache = model.datastores.find((d) => d.name === "cache")!;
const C = 'topoplan_component="cache"';

describe("Redis indicators", () => {
  test("replication: the primary's count of attached replicas against the 2 planned, each replica's link", () => {
    const ind = indicatorsOf(cache, "us-east-1");
    expect(ind.replicasDetached).toBe(
      `2 - max(redis_connected_slaves{${C}} and on(instance) redis_instance_info{${C},role="master"})`,
    );
    expect(ind.replicaLinkUp).toBe(`redis_master_link_up{${C}}`);
    // A region has a leader while a member is the primary or is linked to one.
    expect(ind.leaderPresent).toBe(
      `(max(redis_instance_info{${C},role="master"} or redis_master_link_up{${C}}) or on() vector(0))`,
    );
    // The same in every region: each expression only has data where its members are.
    expect(indicatorsOf(cache, "us-west-2")).toEqual(
      expect.objectContaining({ replicasDetached: ind.replicasDetached, replicaLinkUp: ind.replicaLinkUp }),
    );
  });

  test("every expression parses and reads only metrics the engine lists", () => {
    const ind = indicatorsOf(cache, "us-east-1");
    const exprs = [...indicatorExpressions(ind), ind.replicasDetached!, ind.replicaLinkUp!];
    for (const e of exprs) {
      expect(promqlErrors(e), e).toEqual([]);
      for (const m of selectedMetrics(e)) expect(redis.metricNames, e).toContain(m);
    }
    expect(redis.metricNames).toContain("redis_master_link_up");
  });
});

const PRIMARY = { topoplan_component: "cache", instance: "10.0.0.1:9121" };
const REPLICA = { topoplan_component: "cache", instance: "10.0.0.2:9121" };
const REMOTE = { topoplan_component: "cache", instance: "10.1.0.1:9121" };
const link = { master_host: "cache-us-east-1-0.cache-peers", master_port: "6379" };
const series = (name: string, labels: Readonly<Record<string, string>>, values: string) => ({
  series: `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`,
  values,
});
const slave = (ip: string) => ({ ...PRIMARY, slave_ip: ip, slave_port: "6379", slave_state: "online" });
const at = (eval_time: string, alertname: string, exp_alerts: unknown[]) => ({
  eval_time,
  alertname,
  exp_alerts,
});

/** The labels every recorded series of this region's rules carries. */
const RECORDED = '{topoplan_component="cache",topoplan_region="us-east-1",topoplan_topology="engines"}';

promtoolSuite("Redis: the availability SLI counts clients' commands at the primary (promtool)", () => {
  test("10 client writes a second, 1 failing in 100: not the replicas' replay, the Sentinels' PINGs or INFO", () => {
    const groups = regionRules(model, "cache", "us-east-1");
    const cmd = (labels: Record<string, string>, name: string) => ({ ...labels, cmd: name });
    const input_series = [
      series("redis_instance_info", { ...PRIMARY, role: "master" }, "1x40"),
      series("redis_instance_info", { ...REPLICA, role: "slave" }, "1x40"),
      series("redis_commands_total", cmd(PRIMARY, "set"), "0+600x40"),
      series("redis_commands_failed_calls_total", cmd(PRIMARY, "set"), "0+6x40"),
      series("redis_commands_total", cmd(PRIMARY, "ping"), "0+300x40"),
      series("redis_commands_total", cmd(PRIMARY, "info"), "0+60x40"),
      series("redis_commands_total", cmd(PRIMARY, "publish"), "0+90x40"),
      // The replica replays every write it is sent.
      series("redis_commands_total", cmd(REPLICA, "set"), "0+600x40"),
      series("redis_commands_processed_total", PRIMARY, "0+1050x40"),
    ];
    expect(
      promtoolTest(groups, [
        {
          interval: "1m",
          input_series,
          promql_expr_test: [
            {
              expr: "topoplan:requests:rate5m",
              eval_time: "20m",
              exp_samples: [{ labels: `topoplan:requests:rate5m${RECORDED}`, value: 10 }],
            },
            {
              expr: "slo:sli_error:ratio_rate5m",
              eval_time: "20m",
              exp_samples: [{ labels: `slo:sli_error:ratio_rate5m${RECORDED}`, value: 0.01 }],
            },
          ],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });
});

promtoolSuite("Redis: replicas that stop replicating page (promtool)", () => {
  test("primary's region: every replica detaches at 11m; the lag alert sees nothing, the new alerts page", () => {
    const groups = regionRules(model, "cache", "us-east-1");
    const detached = alertRule(groups, ALERT.replicasDetached);
    const linkDown = alertRule(groups, ALERT.replicaLinkDown);
    const input_series = [
      series("redis_instance_info", { ...PRIMARY, role: "master" }, "1x40"),
      series("redis_instance_info", { ...REPLICA, role: "slave" }, "1x40"),
      series("redis_commands_processed_total", PRIMARY, "0+600x40"),
      series("redis_connected_slaves", PRIMARY, "2x10 0x30"),
      series("redis_connected_slaves", REPLICA, "0x40"),
      // Offsets exist per attached replica only: both series end when the replicas detach.
      series("redis_master_repl_offset", PRIMARY, "0+600x40"),
      series("redis_connected_slave_offset_bytes", slave("10.0.0.2"), "0+600x10 stale"),
      series("redis_connected_slave_offset_bytes", slave("10.1.0.1"), "0+600x10 stale"),
      series("redis_master_link_up", { ...REPLICA, ...link }, "1x10 0x30"),
    ];
    expect(
      promtoolTest(groups, [
        {
          interval: "1m",
          input_series,
          alert_rule_test: [
            at("10m", ALERT.replicasDetached, []),
            at("10m", ALERT.replicaLinkDown, []),
            // The defect: with no replica attached there is no lag to compare, and the presence
            // series (`redis_connected_slaves`, 0) exists, so neither of these fires.
            at("30m", ALERT.replicationLag, []),
            at("30m", ALERT.metricsAbsent, []),
            at("30m", ALERT.replicasDetached, [firing(detached, {}, "2")]),
            at("30m", ALERT.replicaLinkDown, [firing(linkDown, { ...REPLICA, ...link })]),
            at("30m", ALERT.noLeader, []),
          ],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });

  test("a region holding only replicas: a leader while they are linked, and link-down pages there", () => {
    const groups = regionRules(model, "cache", "us-west-2");
    const linkDown = alertRule(groups, ALERT.replicaLinkDown);
    const noLeader = alertRule(groups, ALERT.noLeader);
    const input_series = [
      series("redis_instance_info", { ...REMOTE, role: "slave" }, "1x40"),
      series("redis_connected_slaves", REMOTE, "0x40"),
      series("redis_master_link_up", { ...REMOTE, ...link }, "1x10 0x30"),
    ];
    expect(
      promtoolTest(groups, [
        {
          interval: "1m",
          input_series,
          alert_rule_test: [
            // No primary here is normal: its replica is linked to the one in us-east-1.
            at("10m", ALERT.noLeader, []),
            at("10m", ALERT.replicasDetached, []),
            at("30m", ALERT.replicaLinkDown, [firing(linkDown, { ...REMOTE, ...link })]),
            at("30m", ALERT.noLeader, [firing(noLeader, {})]),
            // No primary in this region: nothing to count.
            at("30m", ALERT.replicasDetached, []),
          ],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });

  test("a replica that acks every second but falls behind: INFO's lag= reads 1, the offset gap pages", () => {
    const groups = regionRules(model, "cache", "us-east-1");
    const lagAlert = alertRule(groups, ALERT.replicationLag);
    const recorded = {
      topoplan_component: "cache",
      topoplan_region: "us-east-1",
      topoplan_topology: "engines",
    };
    // The primary writes 1000 B/s (60,000 a minute). 10.0.0.2 keeps up (its last ack 500 B, 0.5 s,
    // behind); from 11m 10.1.0.1 applies half of it, so it falls 30 s further behind every minute.
    const input_series = [
      series("redis_instance_info", { ...PRIMARY, role: "master" }, "1x40"),
      series("redis_connected_slaves", PRIMARY, "2x40"),
      series("redis_master_repl_offset", PRIMARY, "1000000+60000x40"),
      series("redis_master_repl_offset", REPLICA, "999500+60000x40"),
      series("redis_connected_slave_offset_bytes", slave("10.0.0.2"), "999500+60000x40"),
      series("redis_connected_slave_offset_bytes", slave("10.1.0.1"), "999500+60000x10 1629500+30000x29"),
      // INFO's lag= (seconds since the last ack) says 1 for both throughout: it is not data lag.
      series("redis_connected_slave_lag_seconds", slave("10.0.0.2"), "1x40"),
      series("redis_connected_slave_lag_seconds", slave("10.1.0.1"), "1x40"),
    ];
    // Tenths of a second: rate() extrapolates, so the exact quotient is off in the last digits.
    const lagAt = (eval_time: string, seconds: number) => ({
      expr: "round(10 * topoplan:replication_lag_seconds:max)",
      eval_time,
      exp_samples: [
        {
          labels: `{${Object.entries(recorded)
            .map(([k, v]) => `${k}="${v}"`)
            .join(",")}}`,
          value: seconds * 10,
        },
      ],
    });
    expect(
      promtoolTest(groups, [
        {
          interval: "1m",
          input_series,
          // The least of the last minute: at 20m the reading of 19m (19.5m reads the same samples).
          promql_expr_test: [lagAt("10m", 0.5), lagAt("20m", 270.5)],
          alert_rule_test: [
            at("10m", ALERT.replicationLag, []),
            at("30m", ALERT.replicationLag, [firing(lagAlert, recorded)]),
          ],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });
});
