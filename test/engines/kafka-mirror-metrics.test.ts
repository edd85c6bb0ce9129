// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
/**
 * MirrorMaker 2 is monitored: its pods export MirrorSourceConnector's metrics through Strimzi's JMX
 * exporter rule, are scraped like the brokers and reachable by Prometheus, and the mirror's lag is
 * held to the stream's consumer-lag SLO where MM2 runs, with a no-data alert for a stopped mirror
 * (promtool over the series MM2 would serve).
 */
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { compilePlan } from "../../src/compile/index.js";
import { ALERT, compileObservability, RECORD, TYPES } from "../../src/compile/observability/index.js";
import { indicatorsOf } from "../../src/compile/observability/indicators.js";
import { kafka } from "../../src/engines/kafka.js";
import {
  MM2_JMX_EXPORTER_CONFIG,
  MM2_JMX_EXPORTER_KEY,
  MM2_JMX_METRICS,
  MM2_REPLICATION_LATENCY_MAX,
} from "../../src/engines/kafka-mirror-metrics.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { modelOf } from "../compile/kubernetes/helpers.js";
import { indicatorExpressions, promqlErrors, selectedMetrics } from "./promql.js";
import { alertRule, firing, promtoolSuite, promtoolTest, regionRules } from "./promtool.js";

/** orders: produced in eu-west-1, mirrored into us-east-1 (a mirror-only region). */
const topology = (slo: Record<string, number> = { consumerLagMs: 30_000 }, replicas = 3) =>
  ({
    name: "shop",
    users: { "eu-west-1": 1 },
    streams: {
      orders: {
        regions: ["eu-west-1"],
        mirrorRegions: ["us-east-1"],
        partitions: 6,
        replicas,
        minInSync: Math.min(2, replicas),
        slo,
        deploy: { target: "kubernetes", engine: "kafka" },
      },
    },
  }) as TopologyInput;

const model = modelOf(topology());
/** orders produced in eu-west-1 and eu-central-1, mirrored into `mirrorRegions`. */
const producedInTwo = (mirrorRegions: string[]) =>
  modelOf({
    ...topology(),
    users: { "eu-west-1": 0.5, "eu-central-1": 0.5 },
    streams: {
      orders: {
        ...(topology().streams as Record<string, object>).orders,
        regions: ["eu-west-1", "eu-central-1"],
        mirrorRegions,
      },
    },
  } as unknown as TopologyInput);
/** eu-west-1's records mirrored into eu-central-1, a stream region. */
const activeActive = producedInTwo(["eu-central-1"]);
/** Both regions' records mirrored into us-east-1, a region of mirrors only. */
const twoSources = producedInTwo(["us-east-1"]);
const stream = model.streams[0]!;
const plan = compilePlan(model).resources.map((r) => ({
  region: r.region,
  type: r.type,
  m: r.inputs as any,
}));
const of = (region: string, kind: string) =>
  plan.filter((r) => r.region === region && r.m.kind === kind).map((r) => r.m);
const mm2 = of("us-east-1", "KafkaMirrorMaker2")[0];
const mm2PodLabels: Record<string, string> = mm2.spec.template.pod.metadata.labels;
const selects = (matchLabels: Record<string, string>) =>
  Object.entries(matchLabels).every(([k, v]) => mm2PodLabels[k] === v);

/**
 * jmx_exporter's naming (https://github.com/prometheus/jmx_exporter, JmxCollector): the first rule
 * whose pattern matches `domain<key=value, …><>attribute` names the sample with `$n` replaced,
 * then safeName turns every character outside [a-zA-Z0-9:_] into `_` (merging runs), then
 * lowercaseOutputName.
 */
function jmxSample(config: string, bean: string) {
  const parsed = parse(config) as {
    lowercaseOutputName?: boolean;
    rules: { pattern: string; name: string; labels?: Record<string, string> }[];
  };
  for (const rule of parsed.rules) {
    const match = new RegExp(`^(?:${rule.pattern})$`).exec(bean);
    if (match === null) continue;
    const fill = (text: string) => text.replace(/\$(\d+)/g, (_, i: string) => match[Number(i)] ?? "");
    const name = fill(rule.name)
      .replace(/[^a-zA-Z0-9:_]/g, "_")
      .replace(/__+/g, "_");
    const labels = Object.fromEntries(Object.entries(rule.labels ?? {}).map(([k, v]) => [k, fill(v)]));
    return { name: parsed.lowercaseOutputName ? name.toLowerCase() : name, labels };
  }
  return undefined;
}

describe("MirrorMaker 2 exports its metrics", () => {
  test("the rule turns each MBean into the listed metric name (Strimzi's), labelled by partition", () => {
    for (const { bean, metric } of MM2_JMX_METRICS)
      expect(jmxSample(MM2_JMX_EXPORTER_CONFIG, bean)).toEqual({
        name: metric,
        labels: { source: "eu-west-1", target: "us-east-1", topic: "orders", partition: "0" },
      });
    expect(MM2_REPLICATION_LATENCY_MAX).toBe(
      "kafka_connect_mirror_mirrorsourceconnector_replication_latency_ms_max",
    );
  });

  test("the KafkaMirrorMaker2 reads its rules from a ConfigMap beside it", () => {
    const ref = { name: "orders-mirror-metrics", key: MM2_JMX_EXPORTER_KEY };
    expect(mm2.spec.metricsConfig).toEqual({
      type: "jmxPrometheusExporter",
      valueFrom: { configMapKeyRef: ref },
    });
    const cm = of("us-east-1", "ConfigMap").find((c) => c.metadata.name === ref.name);
    expect(cm.metadata.namespace).toBe(mm2.metadata.namespace);
    expect(cm.data[ref.key]).toBe(MM2_JMX_EXPORTER_CONFIG);
    // A source-only region runs no MM2 and gets no such ConfigMap.
    expect(of("eu-west-1", "ConfigMap").map((c) => c.metadata.name)).not.toContain(ref.name);
  });

  test("the stream's PodMonitor scrapes the MM2 pods on Strimzi's metrics port", () => {
    const [monitor, ...more] = of("us-east-1", "PodMonitor");
    expect(more).toEqual([]);
    expect(selects(monitor.spec.selector.matchLabels)).toBe(true);
    // Strimzi's MetricsModel.METRICS_PORT_NAME, on Kafka Connect (and so MM2) pods too.
    expect(monitor.spec.podMetricsEndpoints.map((e: any) => e.port)).toEqual(["tcp-prometheus"]);
    expect(mm2PodLabels).toMatchObject({ "topoplan.dev/region": "us-east-1" });
  });

  test("the namespace's default deny lets Prometheus reach the MM2 pods' metrics port, 9404", () => {
    const admits = of("us-east-1", "NetworkPolicy").filter(
      (p) =>
        selects(p.spec.podSelector.matchLabels ?? {}) &&
        (p.spec.ingress ?? []).some(
          (rule: any) =>
            rule.ports.some((port: any) => port.port === 9404) &&
            rule.from.some(
              (peer: any) =>
                peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring",
            ),
        ),
    );
    expect(admits.map((p) => p.metadata.name)).toEqual(["orders-ingress"]);
  });
});

describe("MirrorMaker 2 indicators", () => {
  const C = 'topoplan_component="orders"';

  test("where MM2 runs, the stream's replication lag is the mirror's, in seconds", () => {
    const ind = indicatorsOf(stream, "us-east-1");
    expect(ind.replicationLagSeconds).toBe(`max(${MM2_REPLICATION_LATENCY_MAX}{${C}}) / 1000`);
    expect(ind.presence.replicationLag).toBe(`${MM2_REPLICATION_LATENCY_MAX}{${C}}`);
    for (const e of indicatorExpressions(ind)) {
      expect(promqlErrors(e), e).toEqual([]);
      for (const m of selectedMetrics(e)) expect(kafka.metricNames, e).toContain(m);
    }
  });

  test("consumer lag drops memberless groups only where MM2 copies groups onto the topics read", () => {
    // us-east-1 holds only the mirror (IdentityReplicationPolicy): MM2's synced groups are on the
    // topic and have no members. A stream region that also receives a mirror gets the copy and its
    // groups on eu-west-1.orders, which it does not read, so an emptied group of its own consumers
    // must still count (review).
    const members = /kafka_consumergroup_members/;
    expect(indicatorsOf(stream, "us-east-1").consumerLagSeconds).toMatch(members);
    const both = activeActive.streams[0]!;
    expect(indicatorsOf(both, "eu-central-1").replicationLagSeconds).toBeDefined();
    expect(indicatorsOf(both, "eu-central-1").consumerLagSeconds).not.toMatch(members);
    expect(indicatorsOf(both, "eu-central-1").consumerLagSeconds).not.toMatch(/eu-west-1/);
  });

  test("a source-only region has no mirror to watch; the stream as a whole has", () => {
    const source = indicatorsOf(stream, "eu-west-1");
    expect(source.replicationLagSeconds).toBeUndefined();
    expect(source.presence.replicationLag).toBeUndefined();
    expect(indicatorsOf(stream).replicationLagSeconds).toBeDefined();
  });
});

const alertNames = (m: ReturnType<typeof modelOf>, region: string) =>
  regionRules(m, "orders", region)
    .flatMap((g) => g.rules)
    .map((r) =>
      "alert" in r
        ? `${r.alert}/${r.labels.topoplan_slo ?? ""}${r.labels.topoplan_signal === undefined ? "" : `/${r.labels.topoplan_signal}`}`
        : r.record,
    );

describe("MirrorMaker 2 alerts", () => {
  test("the target region records the mirror's lag and alerts on it against consumerLagMs", () => {
    const names = alertNames(model, "us-east-1");
    expect(names).toContain(RECORD.replicationLag);
    expect(names).toContain(`${ALERT.mirrorLag}/consumer-lag`);
    // Two no-data alerts for the SLO, told apart by a label: MM2's series and the consumer groups'.
    expect(names.filter((n) => n === `${ALERT.metricsAbsent}/consumer-lag/mirror`)).toHaveLength(1);
    expect(names.filter((n) => n === `${ALERT.metricsAbsent}/consumer-lag`)).toHaveLength(1);
    const lag = alertRule(regionRules(model, "orders", "us-east-1"), ALERT.mirrorLag);
    expect(lag.expr).toBe(`${RECORD.replicationLag}{topoplan_component="orders"} > 30`);
    expect(promqlErrors(lag.expr)).toEqual([]);
  });

  test("the source region has none of it", () => {
    const names = alertNames(model, "eu-west-1");
    expect(names).not.toContain(RECORD.replicationLag);
    expect(names).not.toContain(`${ALERT.mirrorLag}/consumer-lag`);
    expect(names).not.toContain(`${ALERT.metricsAbsent}/consumer-lag/mirror`);
    // Its consumer groups have their own no-data alert, as in every region with the SLO.
    expect(names).toContain(`${ALERT.metricsAbsent}/consumer-lag`);
  });

  test("without a consumer-lag SLO the lag is recorded (dashboard), not alerted on", () => {
    const names = alertNames(modelOf(topology({})), "us-east-1");
    expect(names).toContain(RECORD.replicationLag);
    expect(names.some((n) => n.startsWith(ALERT.mirrorLag) || n.startsWith(ALERT.metricsAbsent))).toBe(false);
  });

  test("a single-replica stream's mirror is still a replica to watch", () => {
    expect(alertNames(modelOf(topology(undefined, 1)), "us-east-1")).toContain(
      `${ALERT.mirrorLag}/consumer-lag`,
    );
  });

  test("the target region's dashboard shows the mirror's lag against the SLO", () => {
    const dashboards = compileObservability(model).filter(
      (r) => r.type === TYPES.configMap && r.region === "us-east-1",
    );
    const panels = dashboards.flatMap((d) =>
      Object.values((d.inputs as any).data as Record<string, string>).flatMap(
        (text) => JSON.parse(text).panels,
      ),
    );
    const lag = panels.find((p: any) => p.title === "Mirror lag (max over partitions)");
    expect(lag.targets.map((t: any) => t.expr)).toEqual([
      `${RECORD.replicationLag}{topoplan_component="orders"}`,
    ]);
    expect(lag.fieldConfig.defaults.thresholds.steps.map((s: any) => s.value)).toContain(30);
  });
});

const P = { topoplan_component: "orders", source: "eu-west-1", target: "us-east-1", topic: "orders" };
const series = (labels: Readonly<Record<string, string>>, values: string) => ({
  series: `${MM2_REPLICATION_LATENCY_MAX}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`,
  values,
});
/** A consumer group keeping up, as Kafka Exporter serves it: the consumer-lag SLO has its data. */
const GROUP = {
  series:
    'kafka_consumergroup_lag{topoplan_component="orders",topic="orders",partition="0",consumergroup="billing"}',
  values: "0x30",
};
/** An idle partition: Kafka's Max over no samples is NaN (promtool has no `NaNxN` shorthand). */
const IDLE = Array(31).fill("NaN").join(" ");
const at = (eval_time: string, alertname: string, exp_alerts: unknown[]) => ({
  eval_time,
  alertname,
  exp_alerts,
});

promtoolSuite("MirrorMaker 2: a lagging or stopped mirror alerts (promtool)", () => {
  const groups = regionRules(model, "orders", "us-east-1");
  const lag = alertRule(groups, ALERT.mirrorLag);
  const absent = groups
    .flatMap((g) => g.rules)
    .find(
      (r): r is typeof lag => "alert" in r && r.alert === ALERT.metricsAbsent && r.expr.includes("mirror"),
    )!;

  test("one partition 45 s behind for 5m: ticket; idle (NaN) reads as no lag", () => {
    expect(
      promtoolTest(groups, [
        {
          interval: "1m",
          input_series: [
            // Partition 0 keeps up, then falls 45 s behind from 10m; partition 1 is idle (NaN).
            series({ ...P, partition: "0" }, "800x9 45000x20"),
            series({ ...P, partition: "1" }, IDLE),
            GROUP,
          ],
          alert_rule_test: [
            at("9m", ALERT.mirrorLag, []),
            at("13m", ALERT.mirrorLag, []),
            at("16m", ALERT.mirrorLag, [
              firing(lag, { topoplan_region: "us-east-1", topoplan_topology: "shop" }),
            ]),
            at("16m", ALERT.metricsAbsent, []),
          ],
        },
        {
          interval: "1m",
          input_series: [series({ ...P, partition: "0" }, IDLE)],
          alert_rule_test: [at("20m", ALERT.mirrorLag, [])],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });

  test("a task fails (half the partitions' series end): the missing-partitions alert, not the no-data one", () => {
    const missing = alertRule(groups, ALERT.mirrorPartitions);
    expect(missing.expr).toBe(`count(${MM2_REPLICATION_LATENCY_MAX}{${'topoplan_component="orders"'}}) < 6`);
    const partitions = (stopAt?: number) =>
      [0, 1, 2, 3, 4, 5].map((p) =>
        series(
          { ...P, partition: String(p) },
          stopAt !== undefined && p >= 3 ? `800x${stopAt} stale` : "800x30",
        ),
      );
    expect(
      promtoolTest(groups, [
        {
          interval: "1m",
          input_series: [...partitions(5), GROUP],
          alert_rule_test: [
            at("12m", ALERT.mirrorPartitions, []),
            at("17m", ALERT.mirrorPartitions, [firing(missing, {})]),
            at("17m", ALERT.metricsAbsent, []),
          ],
        },
        {
          interval: "1m",
          input_series: [...partitions(), GROUP],
          alert_rule_test: [at("25m", ALERT.mirrorPartitions, [])],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });

  test("MM2 stops (its series end at 10m): the no-data alert fires after 10m", () => {
    expect(
      promtoolTest(groups, [
        {
          interval: "1m",
          input_series: [series({ ...P, partition: "0" }, "800x10 stale"), GROUP],
          alert_rule_test: [
            at("15m", ALERT.metricsAbsent, []),
            at("22m", ALERT.metricsAbsent, [firing(absent, { topoplan_component: "orders" })]),
            at("22m", ALERT.mirrorLag, []),
          ],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });
  test("in the mirror region, groups MirrorMaker 2 fills with offsets (no members) do not break the consumer-lag SLO", () => {
    const consumerLag = alertRule(groups, ALERT.consumerLag);
    const offsets = {
      series:
        'kafka_topic_partition_current_offset{topoplan_component="orders",topic="orders",partition="0"}',
      values: "0+600x40", // 10 records/s
    };
    const group = (name: string, members: number, lag: string) => [
      {
        series: `kafka_consumergroup_lag{topoplan_component="orders",topic="orders",partition="0",consumergroup="${name}"}`,
        values: lag,
      },
      {
        series: `kafka_consumergroup_members{topoplan_component="orders",consumergroup="${name}"}`,
        values: `${members}x40`,
      },
    ];
    expect(
      promtoolTest(groups, [
        {
          interval: "1m",
          input_series: [
            offsets,
            // billing consumes in eu-west-1; its synced copy here trails by ~90 s (900 records).
            ...group("billing", 0, "900x40"),
            // audit consumes here and keeps up.
            ...group("audit", 2, "0x40"),
            series({ ...P, partition: "0" }, "800x40"),
          ],
          alert_rule_test: [at("30m", ALERT.consumerLag, [])],
        },
        {
          interval: "1m",
          input_series: [offsets, ...group("audit", 2, "900x40"), series({ ...P, partition: "0" }, "800x40")],
          alert_rule_test: [
            at("30m", ALERT.consumerLag, [
              firing(consumerLag, { topoplan_region: "us-east-1", topoplan_topology: "shop" }),
            ]),
          ],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });

  /** Lag rules of `region` evaluated over `input_series` at 30m, the stream producing 10 records/s on each topic. */
  const lagCase = (region: string, topics: readonly string[], input_series: unknown[], exp: unknown[]) => ({
    interval: "1m",
    input_series: [
      ...topics.map((topic) => ({
        series: `kafka_topic_partition_current_offset{topoplan_component="orders",topic="${topic}",partition="0"}`,
        values: "0+600x40",
      })),
      ...input_series,
      series({ ...P, target: region, partition: "0" }, "800x40"),
    ],
    alert_rule_test: [at("30m", ALERT.consumerLag, exp)],
  });
  const group = (topic: string, name: string, members: number, lag: string) => [
    {
      series: `kafka_consumergroup_lag{topoplan_component="orders",topic="${topic}",partition="0",consumergroup="${name}"}`,
      values: lag,
    },
    {
      series: `kafka_consumergroup_members{topoplan_component="orders",consumergroup="${name}"}`,
      values: `${members}x40`,
    },
  ];

  /** The consumer-lag ticket of `region`'s rules, firing. */
  const consumerLagFiring = (rules: ReturnType<typeof regionRules>, region: string) => [
    firing(alertRule(rules, ALERT.consumerLag), { topoplan_region: region, topoplan_topology: "shop" }),
  ];

  test("a mirror-only region of two sources holds the consumers of the copies to the SLO, not MM2's memberless copies of groups", () => {
    const rules = regionRules(twoSources, "orders", "us-east-1");
    const fires = consumerLagFiring(rules, "us-east-1");
    const topics = ["orders", "eu-west-1.orders", "eu-central-1.orders"];
    const at30 = (input: unknown[], exp: unknown[]) => lagCase("us-east-1", topics, input, exp);
    expect(
      promtoolTest(rules, [
        // audit failed over here: 90 s (900 records) behind on eu-west-1's copy, keeping up on the other.
        at30(
          [
            ...group("eu-west-1.orders", "audit", 2, "900x40"),
            ...group("eu-central-1.orders", "audit", 2, "0x40"),
          ],
          fires,
        ),
        // billing consumes in the stream regions; MM2's copies of its group here trail, without members.
        at30(
          [
            ...group("eu-west-1.orders", "billing", 0, "900x40"),
            ...group("eu-central-1.orders", "billing", 0, "900x40"),
          ],
          [],
        ),
        // Before a second source, MM2 copied billing's offsets onto orders itself; they stay there,
        // frozen, on a topic no longer written (lag over no production: +Inf) (review).
        ((frozen) => ({
          ...frozen,
          input_series: [
            {
              series:
                'kafka_topic_partition_current_offset{topoplan_component="orders",topic="orders",partition="0"}',
              values: "6000x40",
            },
            ...frozen.input_series,
          ],
        }))(
          lagCase(
            "us-east-1",
            ["eu-west-1.orders", "eu-central-1.orders"],
            group("orders", "billing", 0, "900x40"),
            [],
          ),
        ),
      ]),
    ).toMatch(/SUCCESS/);
  });

  test("a stream region receiving a mirror reads its own topic: a same-named group's frozen copy does not page", () => {
    // MM2 filled audit's copy on eu-west-1.orders while audit was empty here (before its pods
    // started); audit reads only orders, so that copy falls further behind (review).
    const rules = regionRules(activeActive, "orders", "eu-central-1");
    const fires = consumerLagFiring(rules, "eu-central-1");
    const topics = ["orders", "eu-west-1.orders"];
    expect(
      promtoolTest(rules, [
        lagCase(
          "eu-central-1",
          topics,
          [...group("orders", "audit", 2, "0x40"), ...group("eu-west-1.orders", "audit", 2, "0+600x40")],
          [],
        ),
        // A consumer of the stream's own topic here stopped (its group emptied) 90 s behind.
        lagCase("eu-central-1", topics, group("orders", "audit", 0, "900x40"), fires),
      ]),
    ).toMatch(/SUCCESS/);
  });

  test("the consumer groups' lag series end: the consumer-lag no-data alert pages after 10m", () => {
    const source = regionRules(model, "orders", "eu-west-1");
    const noData = source
      .flatMap((g) => g.rules)
      .find(
        (r): r is typeof lag =>
          "alert" in r && r.alert === ALERT.metricsAbsent && r.labels.topoplan_slo === "consumer-lag",
      )!;
    expect(noData.expr).toBe('absent(kafka_consumergroup_lag{topoplan_component="orders",topic="orders"})');
    expect(
      promtoolTest(source, [
        {
          interval: "1m",
          input_series: [{ ...GROUP, values: "0x10 stale" }],
          alert_rule_test: [
            at("15m", ALERT.metricsAbsent, []),
            at("22m", ALERT.metricsAbsent, [
              firing(noData, { topoplan_component: "orders", topic: "orders" }),
            ]),
          ],
        },
      ]),
    ).toMatch(/SUCCESS/);
  });
});
