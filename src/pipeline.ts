import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { InputError } from "./diagnostics/diagnostic.js";
import { resolveModel } from "./model/resolve.js";
import type { Model } from "./model/types.js";
import { placeAuto } from "./solve/auto.js";
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

export interface LoadOptions {
  /** Let the solver place `placement: "auto"` datastores (false: the greedy pick, for `solve` to compare). @default true */
  readonly placeAuto?: boolean;
}

/** Validates already-parsed spec data and resolves it; throws InputError listing every problem. */
export function topologyFromData(spec: LoadedSpec, options: LoadOptions = {}): LoadedTopology {
  const result = validateTopology(spec.data, { jsonSchema: spec.format !== "typescript" });
  if (!result.ok) throw new InputError(result.diagnostics, spec);
  const resolved = resolveModel(result.topology);
  // Placing runs the policies' error rules, so it reads the spec's policies block.
  const { model, warnings } =
    options.placeAuto === false
      ? { model: resolved, warnings: [] }
      : inSpec({ spec }, () => placeAuto(resolved));
  return { spec, topology: result.topology, model, warnings: [...result.diagnostics, ...warnings] };
}

/** load → validate → resolve: the front half of every command. */
export async function loadTopology(path: string, options: LoadOptions = {}): Promise<LoadedTopology> {
  return topologyFromData(await loadSpec(path), options);
}

/**
 * Runs a stage whose input problems are in the spec (its `policies` block): an InputError it throws
 * without a source gets the spec's, so reports give their lines.
 */
export function inSpec<T>(loaded: Pick<LoadedTopology, "spec">, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof InputError && error.source === undefined)
      throw new InputError(error.diagnostics, loaded.spec);
    throw error;
  }
}
