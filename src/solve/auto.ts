import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { type ChosenPlacement, resolveModel } from "../model/resolve.js";
import type { Model } from "../model/types.js";
import { describe } from "./candidate.js";
import { solve } from "./solve.js";

/**
 * `placement: "auto"`: the solver chooses (cheapest placement passing check at error level, ties
 * by latency), and the model is resolved again with its choice, still marked auto-placed. Where
 * no placement is feasible the greedy pick stays and a warning says why; check then reports the
 * objectives it breaks.
 */
export function placeAuto(model: Model): { model: Model; warnings: Diagnostic[] } {
  const auto = model.datastores.filter((ds) => ds.autoPlaced).map((ds) => ds.name);
  if (auto.length === 0) return { model, warnings: [] };
  const report = solve(model, { datastores: auto, top: 0, explain: false });
  const chosen: Record<string, ChosenPlacement> = {};
  const warnings: Diagnostic[] = [];
  for (const s of report.datastores) {
    if (s.chosen !== undefined) {
      chosen[s.name] = { placement: s.chosen.placement, leader: s.chosen.leader };
      continue;
    }
    warnings.push({
      code: "solve/infeasible",
      severity: "warning",
      path: `${s.path}.placement`,
      message: `placement "auto": ${s.infeasible?.message ?? "no feasible placement"}; kept the greedy pick ${describe(s.current, s.leaderBased)}`,
      fix: s.infeasible?.relaxations[0]?.message ?? "relax an objective or allow more regions",
    });
  }
  return { model: resolveModel(model.topology, model.catalog, chosen), warnings };
}
