/**
 * `promtool test rules` on one region's generated rules, for the engine tests: input series as an
 * exporter would serve them, alerts and recorded values expected at given times. promtool comes from
 * Debian's `prometheus` package (installed by .ci/run); like test/conformance/promtool.test.ts, a
 * missing promtool skips these suites locally and fails them under CI=true.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";
import { stringify } from "yaml";
import { compileObservability, TYPES } from "../../src/compile/observability/index.js";
import type { AlertingRule, RuleGroup } from "../../src/compile/observability/rules.js";
import type { Model } from "../../src/model/types.js";

const version = (() => {
  const run = spawnSync("promtool", ["--version"], { encoding: "utf8" });
  return run.error === undefined && run.status === 0
    ? `${run.stdout}${run.stderr}`.split("\n")[0]
    : undefined;
})();
if (version === undefined && process.env.CI !== "true")
  console.warn("promtool not found: skipping the engines' promtool tests (Debian package `prometheus`)");

/** `describe`, or `describe.skip` without promtool outside CI (under CI the tests fail instead). */
export function promtoolSuite(name: string, body: () => void): void {
  (version === undefined && process.env.CI !== "true" ? describe.skip : describe)(name, body);
}

/** The rule groups of every PrometheusRule of `component` in `region`. */
export function regionRules(model: Model, component: string, region: string): RuleGroup[] {
  return compileObservability(model)
    .filter((r) => r.type === TYPES.prometheusRule && r.component === component && r.region === region)
    .flatMap((r) => (r.inputs as { spec: { groups: RuleGroup[] } }).spec.groups);
}

/** The alerting rule `alert` among `groups` (the first, where several share the name). */
export function alertRule(groups: readonly RuleGroup[], alert: string): AlertingRule {
  const found = groups
    .flatMap((g) => g.rules)
    .find((r): r is AlertingRule => "alert" in r && r.alert === alert);
  if (found === undefined) throw new Error(`no alert ${alert}`);
  return found;
}

/**
 * A firing alert as promtool expects it: the rule's labels and the series' (without its name), and
 * the annotations with `{{ $value }}` and `{{ $labels.x }}` expanded as Prometheus's templates do.
 */
export function firing(
  rule: AlertingRule,
  series: Readonly<Record<string, string>>,
  value?: string,
): { exp_labels: Record<string, string>; exp_annotations: Record<string, string> } {
  const expand = (text: string) =>
    text
      .replaceAll("{{ $value }}", value ?? "")
      .replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, name: string) => series[name] ?? "");
  return {
    exp_labels: { ...series, ...rule.labels },
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v)])),
  };
}

/** Runs promtool's unit tests `tests` against `groups`; returns its output, throws with it on failure. */
export function promtoolTest(groups: readonly RuleGroup[], tests: readonly unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), "topoplan-promtool-engine-"));
  try {
    writeFileSync(join(dir, "rules.yaml"), stringify({ groups }));
    writeFileSync(
      join(dir, "test.yaml"),
      stringify({ rule_files: ["rules.yaml"], evaluation_interval: "1m", tests }),
    );
    const run = spawnSync("promtool", ["test", "rules", "test.yaml"], { cwd: dir, encoding: "utf8" });
    const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
    if (run.error !== undefined || run.status !== 0 || /FAILED/.test(output))
      throw new Error(
        `promtool test rules failed (exit ${run.status}):\n${output}${run.error?.message ?? ""}`,
      );
    return output;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
