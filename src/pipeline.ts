import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { InputError } from "./diagnostics/diagnostic.js";
import { resolveModel } from "./model/resolve.js";
import type { Model } from "./model/types.js";
import { type LoadedSpec, loadSpec } from "./spec/load/index.js";
import type { Topology } from "./spec/schema/topology.js";
import { validateTopology } from "./spec/validate.js";

/** A spec that passed validation, resolved to the model every later stage reads. */
export interface LoadedTopology {
  readonly spec: LoadedSpec;
  readonly topology: Topology;
  readonly model: Model;
  /** Non-error diagnostics from validation. */
  readonly warnings: readonly Diagnostic[];
}

/** Validates already-parsed spec data and resolves it; throws InputError listing every problem. */
export function topologyFromData(spec: LoadedSpec): LoadedTopology {
  const result = validateTopology(spec.data, { jsonSchema: spec.format !== "typescript" });
  if (!result.ok) throw new InputError(result.diagnostics, spec);
  return {
    spec,
    topology: result.topology,
    model: resolveModel(result.topology),
    warnings: result.diagnostics,
  };
}

/** load → validate → resolve: the front half of every command. */
export async function loadTopology(path: string): Promise<LoadedTopology> {
  return topologyFromData(await loadSpec(path));
}
