import { fileURLToPath } from "node:url";
import { buildCatalog } from "../../../src/catalog/catalog.js";
import { resolveModel } from "../../../src/model/resolve.js";
import type { Model } from "../../../src/model/types.js";
import { loadSpec } from "../../../src/spec/load/index.js";
import { validateTopology } from "../../../src/spec/validate.js";

/** A bundled stack through the real pipeline: load → validate → resolve. */
export async function stackModel(file: string): Promise<Model> {
  const loaded = await loadSpec(fileURLToPath(new URL(`../../../stacks/${file}`, import.meta.url)));
  const result = validateTopology(loaded.data);
  if (!result.ok) throw new Error(`stacks/${file} is invalid: ${JSON.stringify(result.diagnostics)}`);
  return resolveModel(result.topology, buildCatalog(result.topology));
}
