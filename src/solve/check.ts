import { type PolicyRunOptions, runPolicies } from "../../policies/run.js";
import { analyse } from "../analysis/index.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { type ChosenPlacement, resolveModel } from "../model/resolve.js";
import type { Model } from "../model/types.js";
import type { Candidate } from "./candidate.js";

/**
 * Services whose requests depend on `name`: its callers, their callers, and so on. A placement of
 * `name` can change their latency and availability, so their findings are in scope.
 */
export function dependants(model: Model, name: string): Set<string> {
  const found = new Set<string>();
  const frontier = [name];
  while (frontier.length > 0) {
    const target = frontier.pop()!;
    for (const service of model.services)
      if (!found.has(service.name) && service.calls.some((call) => call.to === target)) {
        found.add(service.name);
        frontier.push(service.name);
      }
  }
  return found;
}

export interface FullCheck {
  /** Error findings a placement of the datastore can cause or cure (its own, its callers', links). */
  readonly errors: readonly Diagnostic[];
  /** Error findings elsewhere, which no placement of this datastore changes. */
  readonly elsewhere: readonly Diagnostic[];
}

/**
 * The ground truth for a candidate: the whole model resolved with it, analysed, and every policy
 * run as `check` runs them. Used on the few candidates that pass the datastore-level constraints.
 */
export function fullCheck(
  model: Model,
  name: string,
  candidate: Candidate,
  chosen: Readonly<Record<string, ChosenPlacement>>,
  policy: PolicyRunOptions,
): FullCheck {
  const resolved = resolveModel(model.topology, model.catalog, {
    ...chosen,
    [name]: candidate.leader === "" ? { placement: candidate.placement } : candidate,
  });
  const { findings } = runPolicies(resolved, analyse(resolved), policy);
  const errors = findings.filter((f) => f.severity === "error" && (f.status ?? "fail") === "fail");
  const scope = [`datastores.${name}`, ...[...dependants(model, name)].map((s) => `services.${s}`)];
  const inScope = (f: Diagnostic) =>
    f.code === "bandwidth" ||
    scope.some((p) => f.path === p || f.path.startsWith(`${p}.`) || f.path.startsWith(`${p}[`));
  return { errors: errors.filter(inScope), elsewhere: errors.filter((f) => !inScope(f)) };
}
