import type { Analysis } from "../analysis/types.js";
import { compilePlan } from "../compile/index.js";
import type { ProviderKind, ResourcePlan } from "../compile/plan.js";
import type { Model } from "../model/types.js";
import { byText } from "../order.js";

/** Resources of one type in one region. */
export interface PlanTypeCount {
  readonly type: string;
  readonly count: number;
  /** How many are protected (Pulumi `protect`: stateful). */
  readonly protected: number;
}

export interface PlanRegionSummary {
  readonly region: string;
  readonly providers: readonly ProviderKind[];
  readonly total: number;
  /** Sorted by type token. */
  readonly types: readonly PlanTypeCount[];
}

/** What `topoplan plan` shows offline: resource counts by region and type (stable JSON). */
export interface PlanSummary {
  readonly topology: string;
  readonly total: number;
  readonly protected: number;
  /** Sorted by region. */
  readonly regions: readonly PlanRegionSummary[];
}

/** Counts a plan's resources by region and Pulumi type. Pure. */
export function summarisePlan(plan: ResourcePlan): PlanSummary {
  const regions = new Map<
    string,
    { providers: Set<ProviderKind>; types: Map<string, { count: number; protected: number }> }
  >();
  for (const resource of plan.resources) {
    const region = regions.get(resource.region) ?? { providers: new Set(), types: new Map() };
    region.providers.add(resource.provider);
    const type = region.types.get(resource.type) ?? { count: 0, protected: 0 };
    type.count += 1;
    if (resource.options?.protect === true) type.protected += 1;
    region.types.set(resource.type, type);
    regions.set(resource.region, region);
  }
  const summaries: PlanRegionSummary[] = [...regions.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([region, { providers, types }]) => {
      const counts = [...types.entries()]
        .sort(([a], [b]) => byText(a, b))
        .map(([type, c]) => ({ type, count: c.count, protected: c.protected }));
      return {
        region,
        providers: [...providers].sort(),
        total: counts.reduce((sum, c) => sum + c.count, 0),
        types: counts,
      };
    });
  return {
    topology: plan.topology,
    total: plan.resources.length,
    protected: plan.resources.filter((r) => r.options?.protect === true).length,
    regions: summaries,
  };
}

/** Type tokens over this width show as `aws:…:Name` so the table fits 100 columns. */
const TYPE_WIDTH = 50;
const shortType = (type: string) =>
  type.length <= TYPE_WIDTH ? type : `${type.split(":")[0]}:…:${type.split(":").at(-1)}`;

/** The summary as an aligned text table, one row per region and type, with a total line. */
export function formatPlanSummary(summary: PlanSummary): string {
  const rows: [string, string, string, string][] = [["REGION", "TYPE", "COUNT", "PROTECTED"]];
  for (const region of summary.regions)
    for (const t of region.types)
      rows.push([
        region.region,
        shortType(t.type),
        String(t.count),
        t.protected > 0 ? String(t.protected) : "",
      ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) =>
    [
      row[0]!.padEnd(widths[0]!),
      row[1]!.padEnd(widths[1]!),
      row[2]!.padStart(widths[2]!),
      row[3]!.padStart(widths[3]!),
    ]
      .join("  ")
      .trimEnd();
  const regions = summary.regions.length;
  return [
    `${summary.topology}: ${summary.total} resource${summary.total === 1 ? "" : "s"} in ${regions} region${regions === 1 ? "" : "s"}, ${summary.protected} protected`,
    "",
    ...rows.map(line),
    "",
  ].join("\n");
}

/** Compiles the model (no Pulumi, no credentials) and summarises the plan: the one call `plan` makes. */
export function planResources(model: Model, analysis?: Analysis): PlanSummary {
  return summarisePlan(compilePlan(model, analysis));
}
