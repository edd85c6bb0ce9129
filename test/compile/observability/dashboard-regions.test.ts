/**
 * Each region's dashboard reads only the recording rules that region's Prometheus records: its
 * panels come from the component's indicators in that region (review: a CloudNativePG replica
 * region's dashboard had "Error ratio" panels over `slo:sli_error:ratio_rate*`, which only the
 * primary's region records, so they showed "No data" for ever).
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { compileObservability, TYPES } from "../../../src/compile/observability/index.js";
import type { PlannedResource } from "../../../src/compile/plan.js";
import type { Model } from "../../../src/model/types.js";
import { loadTopology } from "../../../src/pipeline.js";
import { STACKS_DIR, stackFiles } from "../../render/stacks.js";
import { ENGINES, modelOf, SMALL } from "./fixture.js";

/** `record{topoplan_component="c"}` of every recording rule, per region. */
function recordedByRegion(plan: readonly PlannedResource[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of plan.filter((p) => p.type === TYPES.prometheusRule)) {
    const groups = (r.inputs as { spec: { groups: { rules: { record?: string }[] }[] } }).spec.groups;
    const set = out.get(r.region) ?? new Set<string>();
    for (const rule of groups.flatMap((g) => g.rules))
      if (rule.record !== undefined) set.add(`${rule.record}{topoplan_component="${r.component}"}`);
    out.set(r.region, set);
  }
  return out;
}

/** Every panel query of every dashboard ConfigMap, per region (they read recording rules only). */
function queriedByRegion(plan: readonly PlannedResource[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of plan.filter((p) => p.type === TYPES.configMap && p.component === "")) {
    const data = (r.inputs as { data: Record<string, string> }).data;
    for (const text of Object.values(data)) {
      const panels = (JSON.parse(text) as { panels?: { targets?: { expr: string }[] }[] }).panels ?? [];
      const exprs = panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
      out.set(r.region, [...(out.get(r.region) ?? []), ...exprs]);
    }
  }
  return out;
}

function expectPanelsReadRecordedSeries(model: Model): number {
  const plan = compileObservability(model);
  const recorded = recordedByRegion(plan);
  let checked = 0;
  for (const [region, exprs] of queriedByRegion(plan)) {
    const missing = exprs.filter((e) => !recorded.get(region)?.has(e));
    expect(missing, `${model.name} ${region}: panels over series the region does not record`).toEqual([]);
    checked += exprs.length;
  }
  return checked;
}

describe("dashboards per region", () => {
  test("a CloudNativePG replica region's dashboard has no error-ratio panel; the primary's has", () => {
    const plan = compileObservability(modelOf(ENGINES));
    const queried = queriedByRegion(plan);
    const errorRatio = (region: string) =>
      (queried.get(region) ?? []).filter((e) =>
        e.includes('slo:sli_error:ratio_rate5m{topoplan_component="orders"}'),
      );
    expect(errorRatio("us-east-1")).toHaveLength(1);
    expect(errorRatio("us-west-2")).toEqual([]);
    // Its lag and transaction rate are recorded there, and shown.
    expect(queried.get("us-west-2")).toEqual(
      expect.arrayContaining([
        'topoplan:requests:rate5m{topoplan_component="orders"}',
        'topoplan:replication_lag_seconds:max{topoplan_component="orders"}',
      ]),
    );
  });

  test("every panel of every region reads a series that region records (fixtures)", () => {
    for (const topology of [ENGINES, SMALL])
      expect(expectPanelsReadRecordedSeries(modelOf(topology))).toBeGreaterThan(0);
  });

  test.each(stackFiles())(
    "stacks/%s: every panel of every region reads a series that region records",
    async (file) => {
      const model = (await loadTopology(join(STACKS_DIR, file))).model;
      expectPanelsReadRecordedSeries(model);
    },
  );
});
