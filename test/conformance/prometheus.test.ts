import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { parser } from "@prometheus-io/lezer-promql";
import { describe, expect, test } from "vitest";
import { compileObservability, TYPES } from "../../src/compile/observability/index.js";
import type { RuleGroup } from "../../src/compile/observability/rules.js";
import { smallModel } from "../compile/observability/fixture.js";
import { readStack } from "./promtool/stacks.js";

/** Every ⚠ error node lezer-promql puts in the tree, with its position. */
function promqlErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError)
        errors.push(`error node at ${node.from}: "${expr.slice(node.from, node.to + 10)}"`);
    },
  });
  return errors;
}

const models = [{ name: "small fixture", model: smallModel() }, ...(await readStack())];

describe.each(models)("prometheus-operator conformance: $name", ({ model }) => {
  const plan = compileObservability(model);
  const rules = plan.filter((r) => r.type === TYPES.prometheusRule);
  const monitors = plan.filter((r) => r.type === TYPES.serviceMonitor || r.type === TYPES.podMonitor);

  test("every PrometheusRule validates against the prometheus-operator model", () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules)
      expect(() => new PrometheusRule(r.inputs as never).validate(), r.name).not.toThrow();
  });

  test("every ServiceMonitor and PodMonitor validates against the prometheus-operator model", () => {
    expect(monitors.length).toBeGreaterThan(0);
    for (const r of monitors) {
      const Model = r.type === TYPES.podMonitor ? PodMonitor : ServiceMonitor;
      expect(() => new Model(r.inputs as never).validate(), r.name).not.toThrow();
    }
  });

  test("every PromQL expression (rules and dashboard) parses with lezer-promql without error nodes", () => {
    const exprs: string[] = [];
    for (const r of rules)
      for (const group of (r.inputs as { spec: { groups: RuleGroup[] } }).spec.groups)
        for (const rule of group.rules) exprs.push(rule.expr);
    for (const cm of plan.filter((r) => r.type === TYPES.configMap))
      for (const json of Object.values((cm.inputs as { data: Record<string, string> }).data)) {
        const dashboard = JSON.parse(json) as { panels: { targets?: { expr: string }[] }[] };
        for (const panel of dashboard.panels) for (const t of panel.targets ?? []) exprs.push(t.expr);
      }
    expect(exprs.length).toBeGreaterThan(20);
    for (const expr of exprs) expect(promqlErrors(expr), expr).toEqual([]);
  });

  test("the model validation is live: a malformed rule is rejected", () => {
    const bad = structuredClone(rules[0]!.inputs) as {
      spec: { groups: { rules: Record<string, unknown>[] }[] };
    };
    bad.spec.groups[0]!.rules[0]!.labels = "not-a-map";
    expect(() => new PrometheusRule(bad as never).validate()).toThrow();
  });

  test("the error-node check is live: a broken expression is caught", () => {
    expect(promqlErrors("sum(rate(x[5m])) / ")).not.toEqual([]);
    expect(promqlErrors('x{a="b"} > (14.4 * 0.001) and on( y')).not.toEqual([]);
  });
});
