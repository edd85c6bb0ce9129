import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  compileObservability,
  componentRuleGroups,
  TYPES,
} from "../../../src/compile/observability/index.js";
import type { AlertingRule, RecordingRule, RuleGroup } from "../../../src/compile/observability/rules.js";
import type { PlannedResource } from "../../../src/compile/plan.js";
import { loadTopology } from "../../../src/pipeline.js";
import { STACKS_DIR, stackFiles } from "../../render/stacks.js";
import { modelOf, SMALL, smallModel } from "./fixture.js";

const model = smallModel();
const plan = compileObservability(model);

function find(type: string, name: string): PlannedResource {
  const found = plan.find((r) => r.type === type && r.name === name);
  if (found === undefined) throw new Error(`no ${type} ${name} in ${plan.map((r) => r.name).join(", ")}`);
  return found;
}

function groups(resource: PlannedResource): RuleGroup[] {
  return (resource.inputs as { spec: { groups: RuleGroup[] } }).spec.groups;
}

function rule(resource: PlannedResource, name: string): RecordingRule | AlertingRule {
  for (const group of groups(resource))
    for (const r of group.rules) if (("record" in r ? r.record : r.alert) === name) return r;
  throw new Error(`no rule ${name}`);
}

const apiRules = find(TYPES.prometheusRule, "eu-west-1/shop/PrometheusRule/api-slo-rules");
const accountsRules = find(TYPES.prometheusRule, "eu-north-1/shop/PrometheusRule/accounts-slo-rules");
const COUNT = "http_server_request_duration_seconds_count";

describe("observability target", () => {
  test("one ServiceMonitor and one PrometheusRule per Kubernetes component per region, one dashboard per region", () => {
    const count = (type: string) => plan.filter((r) => r.type === type).length;
    // accounts: 3 regions, api: 2, clicks: 1; ledger (Istio's metrics, from its sidecars): a PodMonitor.
    expect(count(TYPES.serviceMonitor)).toBe(6);
    expect(count(TYPES.podMonitor)).toBe(1);
    expect(count(TYPES.prometheusRule)).toBe(7);
    expect(plan.filter((r) => r.type === TYPES.configMap).map((r) => r.name)).toEqual([
      "eu-central-1/monitoring/ConfigMap/topoplan-shop-dashboard",
      "eu-north-1/monitoring/ConfigMap/topoplan-shop-dashboard",
      "eu-west-1/monitoring/ConfigMap/topoplan-shop-dashboard",
    ]);
    expect(plan.every((r) => r.provider === "kubernetes")).toBe(true);
  });

  test("request-rate recording rule over every SLO window, Sloth-style labels", () => {
    expect(rule(apiRules, "topoplan:requests:rate3d")).toEqual({
      record: "topoplan:requests:rate3d",
      expr: `sum(rate(${COUNT}{topoplan_component="api"}[3d]))`,
      labels: { topoplan_component: "api", topoplan_region: "eu-west-1", topoplan_topology: "shop" },
    });
    const records = groups(apiRules)[0]!.rules.map((r) => ("record" in r ? r.record : ""));
    for (const w of ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]) {
      expect(records).toContain(`topoplan:requests:rate${w}`);
      expect(records).toContain(`slo:sli_error:ratio_rate${w}`);
    }
  });

  test("error ratio uses the component's errorSelector", () => {
    expect(rule(apiRules, "slo:sli_error:ratio_rate5m").expr).toBe(
      `(sum(rate(${COUNT}{topoplan_component="api",http_response_status_code=~"5.."}[5m])) or vector(0)) / sum(rate(${COUNT}{topoplan_component="api"}[5m]))`,
    );
  });

  test("average response time and p99 from the histogram", () => {
    expect(rule(apiRules, "topoplan:request_duration_seconds:avg_rate5m").expr).toBe(
      `sum(rate(http_server_request_duration_seconds_sum{topoplan_component="api"}[5m])) / sum(rate(${COUNT}{topoplan_component="api"}[5m]))`,
    );
    expect(rule(apiRules, "topoplan:request_duration_seconds:p99_rate5m").expr).toBe(
      `histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{topoplan_component="api"}[5m])))`,
    );
  });

  test("replication lag recorded for replicated stateful components only", () => {
    expect(rule(accountsRules, "topoplan:replication_lag_seconds:max").expr).toBe(
      `max(topoplan_replication_lag_seconds{topoplan_component="accounts"})`,
    );
    expect(() => rule(apiRules, "topoplan:replication_lag_seconds:max")).toThrow();
  });

  test("page alert: 1h/5m at 14.4x OR 6h/30m at 6x of the budget, each with the low-traffic guard", () => {
    const page = rule(apiRules, "TopoplanErrorBudgetBurnPage") as AlertingRule;
    expect(page.expr).toBe(
      '(slo:sli_error:ratio_rate1h{topoplan_component="api"} > (14.4 * 0.001) and slo:sli_error:ratio_rate5m{topoplan_component="api"} > (14.4 * 0.001) and on() topoplan:requests:rate1h{topoplan_component="api"} >= 1)' +
        ' or (slo:sli_error:ratio_rate6h{topoplan_component="api"} > (6 * 0.001) and slo:sli_error:ratio_rate30m{topoplan_component="api"} > (6 * 0.001) and on() topoplan:requests:rate6h{topoplan_component="api"} >= 1)',
    );
    expect(page.labels).toEqual({
      severity: "page",
      topoplan_component: "api",
      topoplan_slo: "availability",
    });
    expect(page.for).toBeUndefined();
  });

  test("ticket alert: 1d/2h at 3x OR 3d/6h at 1x; budget 1 − 0.9999 = 0.0001 exactly", () => {
    const ticket = rule(accountsRules, "TopoplanErrorBudgetBurnTicket") as AlertingRule;
    expect(ticket.expr).toBe(
      '(slo:sli_error:ratio_rate1d{topoplan_component="accounts"} > (3 * 0.0001) and slo:sli_error:ratio_rate2h{topoplan_component="accounts"} > (3 * 0.0001) and on() topoplan:requests:rate1d{topoplan_component="accounts"} >= 1)' +
        ' or (slo:sli_error:ratio_rate3d{topoplan_component="accounts"} > (1 * 0.0001) and slo:sli_error:ratio_rate6h{topoplan_component="accounts"} > (1 * 0.0001) and on() topoplan:requests:rate3d{topoplan_component="accounts"} >= 1)',
    );
    expect(ticket.labels.severity).toBe("ticket");
  });

  test("the low-traffic guard is configurable", () => {
    const custom = compileObservability(model, undefined, { minRequestsPerSecond: 0.5 });
    const r = custom.find((x) => x.name === "eu-west-1/shop/PrometheusRule/api-slo-rules")!;
    expect(rule(r, "TopoplanErrorBudgetBurnPage").expr).toContain(
      'on() topoplan:requests:rate1h{topoplan_component="api"} >= 0.5)',
    );
  });

  test("latency alert: p99 above latencyP99Ms (service) / the looser of readP99Ms, writeP99Ms (datastore) for 10m", () => {
    expect(rule(apiRules, "TopoplanLatencyP99AboveSLO")).toMatchObject({
      expr: 'topoplan:request_duration_seconds:p99_rate5m{topoplan_component="api"} > 0.2',
      for: "10m",
    });
    expect(rule(accountsRules, "TopoplanLatencyP99AboveSLO").expr).toBe(
      'topoplan:request_duration_seconds:p99_rate5m{topoplan_component="accounts"} > 0.12',
    );
  });

  test("replication-lag alert at replicationLagMs", () => {
    expect(rule(accountsRules, "TopoplanReplicationLagAboveSLO")).toMatchObject({
      expr: 'topoplan:replication_lag_seconds:max{topoplan_component="accounts"} > 1',
      for: "5m",
      labels: { severity: "page", topoplan_component: "accounts", topoplan_slo: "replication-lag" },
    });
  });

  test("no SLO, no alert group", () => {
    const ledger = find(TYPES.prometheusRule, "eu-west-1/payments/PrometheusRule/ledger-slo-rules");
    expect(groups(ledger).map((g) => g.name)).toEqual(["topoplan-ledger-sli"]);
  });

  test("ServiceMonitor selects the component's Services, port metrics, and labels every series", () => {
    const sm = find(TYPES.serviceMonitor, "eu-west-1/shop/ServiceMonitor/accounts-metrics");
    expect(sm.inputs).toEqual({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: {
        name: "accounts-metrics",
        namespace: "shop",
        labels: {
          "app.kubernetes.io/managed-by": "topoplan",
          "app.kubernetes.io/name": "accounts",
          "app.kubernetes.io/part-of": "shop",
        },
      },
      spec: {
        selector: {
          matchLabels: { "app.kubernetes.io/name": "accounts", "app.kubernetes.io/part-of": "shop" },
        },
        namespaceSelector: { matchNames: ["shop"] },
        endpoints: [
          {
            port: "metrics",
            path: "/metrics",
            interval: "30s",
            relabelings: [{ action: "replace", targetLabel: "topoplan_component", replacement: "accounts" }],
          },
        ],
      },
    });
    expect(sm.options?.dependsOn).toEqual(["eu-west-1/Namespace/shop"]);
  });

  test("custom metric names flow into every expression", () => {
    const custom = modelOf({
      ...SMALL,
      services: {
        ...SMALL.services,
        ledger: {
          regions: ["eu-west-1"],
          slo: { availability: 0.99 },
          observability: { metrics: { requests: "rpc_total", errorSelector: 'code!="OK"' } },
          deploy: { target: "kubernetes", image: "ghcr.io/acme/ledger:1.0.0" },
        },
      },
    });
    const r = compileObservability(custom).find(
      (x) => x.name === "eu-west-1/shop/PrometheusRule/ledger-slo-rules",
    )!;
    expect(rule(r, "slo:sli_error:ratio_rate1h").expr).toBe(
      '(sum(rate(rpc_total{topoplan_component="ledger",code!="OK"}[1h])) or vector(0)) / sum(rate(rpc_total{topoplan_component="ledger"}[1h]))',
    );
    expect(rule(r, "TopoplanErrorBudgetBurnPage").expr).toContain("(14.4 * 0.01)");
  });

  test("dashboard ConfigMap for the Grafana sidecar, built with the foundation SDK", () => {
    const cm = find(TYPES.configMap, "eu-west-1/monitoring/ConfigMap/topoplan-shop-dashboard");
    const inputs = cm.inputs as {
      metadata: { labels: Record<string, string> };
      data: Record<string, string>;
    };
    expect(inputs.metadata.labels.grafana_dashboard).toBe("1");
    expect(cm.options).toBeUndefined();
    const dashboard = JSON.parse(inputs.data["shop.json"]!) as {
      uid: string;
      panels: { type: string; title: string; targets?: { expr: string }[] }[];
    };
    expect(dashboard.uid).toBe("shop");
    // eu-west-1 runs accounts, api, ledger, clicks: a row per component.
    expect(dashboard.panels.filter((p) => p.type === "row").map((p) => p.title)).toEqual([
      "datastore accounts",
      "service api",
      "service ledger",
      "stream clicks",
    ]);
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    expect(exprs).toContain('slo:sli_error:ratio_rate5m{topoplan_component="api"}');
    expect(exprs).toContain('topoplan:replication_lag_seconds:max{topoplan_component="accounts"}');
  });

  test("deterministic", () => {
    expect(JSON.stringify(compileObservability(smallModel()))).toBe(JSON.stringify(plan));
  });
});

describe("rules built once per component, placed per region", () => {
  const rules = plan.filter((r) => r.type === TYPES.prometheusRule);
  const components = [...model.services, ...model.datastores, ...model.streams];

  test("every PrometheusRule holds componentRuleGroups' groups for its component and region", () => {
    expect(new Set(rules.map((r) => r.component)).size).toBeGreaterThan(2);
    for (const resource of rules) {
      const component = components.find((c) => c.name === resource.component)!;
      expect(groups(resource), resource.name).toEqual(
        componentRuleGroups(model, component, resource.region, { minRequestsPerSecond: 1 }),
      );
    }
  });

  test.each(stackFiles())(
    "stacks/%s: the same, engines (whose rules may differ by region) included",
    async (file) => {
      const stack = (await loadTopology(join(STACKS_DIR, file))).model;
      const all = [...stack.services, ...stack.datastores, ...stack.streams];
      for (const resource of compileObservability(stack).filter((r) => r.type === TYPES.prometheusRule)) {
        const component = all.find((c) => c.name === resource.component)!;
        expect(groups(resource), resource.name).toEqual(
          componentRuleGroups(stack, component, resource.region, { minRequestsPerSecond: 1 }),
        );
      }
    },
  );

  test("no two PrometheusRules share an object (a change to one would change the others)", () => {
    const seen = new Set<object>();
    const visit = (value: unknown) => {
      if (typeof value !== "object" || value === null) return;
      expect(seen.has(value)).toBe(false);
      seen.add(value);
      for (const child of Object.values(value)) visit(child);
    };
    for (const resource of rules) visit(resource.inputs);
  });
});

describe("indicators come from what a component really emits", () => {
  const rulesOf = (m: ReturnType<typeof modelOf>, name: string) =>
    compileObservability(m)
      .filter((r) => r.type === TYPES.prometheusRule && r.component === name)
      .slice(0, 1)
      .flatMap(
        (r) =>
          (r.inputs as { spec: { groups: { rules: (AlertingRule | { record: string; expr: string })[] }[] } })
            .spec.groups,
      )
      .flatMap((g) => g.rules);

  test("services default to Istio's standard metrics, server side, from a PodMonitor on the sidecars", () => {
    const m = modelOf({
      name: "mesh",
      services: {
        web: {
          regions: ["eu-west-1"],
          slo: { availability: 0.999, latencyP99Ms: 300 },
          deploy: { target: "kubernetes", image: "ghcr.io/acme/web:1.0.0" },
        },
      },
    });
    const rules = rulesOf(m, "web");
    const expr = (name: string) => rules.find((r) => "record" in r && r.record === name)?.expr;
    expect(expr("slo:sli_error:ratio_rate5m")).toBe(
      '(sum(rate(istio_requests_total{topoplan_component="web",reporter="destination",response_code=~"5.."}[5m])) or vector(0)) / sum(rate(istio_requests_total{topoplan_component="web",reporter="destination"}[5m]))',
    );
    // Istio's histogram is in milliseconds; the recorded p99 is in seconds.
    expect(expr("topoplan:request_duration_seconds:p99_rate5m")).toBe(
      '(histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{topoplan_component="web",reporter="destination"}[5m])))) * 0.001',
    );
    const monitor = compileObservability(m).find((r) => r.type === TYPES.podMonitor)!;
    expect((monitor.inputs as { spec: { podMetricsEndpoints: unknown[] } }).spec.podMetricsEndpoints).toEqual(
      [
        {
          port: "http-envoy-prom",
          path: "/stats/prometheus",
          interval: "30s",
          relabelings: [{ action: "replace", targetLabel: "topoplan_component", replacement: "web" }],
        },
      ],
    );
    const absent = rules.filter(
      (r): r is AlertingRule => "alert" in r && r.alert === "TopoplanSLOMetricsAbsent",
    );
    expect(absent.map((r) => r.expr)).toEqual([
      'absent(istio_requests_total{topoplan_component="web",reporter="destination"})',
      'absent(istio_request_duration_milliseconds_bucket{topoplan_component="web",reporter="destination"})',
    ]);
    // No data is as urgent as the SLO alert it stands in for: availability pages, latency tickets.
    expect(absent.map((r) => r.labels?.severity)).toEqual(["page", "ticket"]);
  });

  test("an engine's own metrics: etcd's gRPC counters and leader gauge, with no-data and member alerts", () => {
    const m = modelOf({
      name: "cp",
      datastores: {
        config: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 3 },
          slo: { availability: 0.999, writeP99Ms: 50 },
          deploy: { target: "kubernetes", engine: "etcd" },
        },
      },
    });
    const rules = rulesOf(m, "config");
    const alerts = rules.filter((r): r is AlertingRule => "alert" in r);
    expect(alerts.map((a) => a.alert)).toEqual([
      "TopoplanErrorBudgetBurnPage",
      "TopoplanErrorBudgetBurnTicket",
      "TopoplanLatencyP99AboveSLO",
      "TopoplanSLOMetricsAbsent",
      "TopoplanSLOMetricsAbsent",
      "TopoplanMemberDown",
      "TopoplanNoLeader",
    ]);
    expect(rules.map((r) => r.expr).join("\n")).not.toMatch(/http_server|topoplan_replication_lag_seconds/);
    expect(alerts.find((a) => a.alert === "TopoplanNoLeader")?.expr).toBe(
      // Every member of the region without a leader, not any one of them (an isolated member).
      'max(etcd_server_has_leader{topoplan_component="config"}) == 0',
    );
  });

  test("a datastore with neither an engine nor declared metrics gets no rules that could never fire", () => {
    const m = modelOf({
      name: "x",
      datastores: {
        blob: {
          replication: "primary-replica",
          replicas: 2,
          placement: { "eu-west-1": 2 },
          slo: { availability: 0.999 },
          deploy: { target: "kubernetes", image: "ghcr.io/acme/blobstore:2.0.0" },
        },
      },
    });
    expect(rulesOf(m, "blob")).toEqual([]);
  });
});
