import type { EngineDefinition } from "../engines/types.js";
import type { ResolvedDatastore } from "../model/types.js";

/**
 * The engine a datastore runs on (`deploy.engine`), from the engine catalog's registry.
 * The registry is not on this branch yet: until it is, no datastore has an engine the lab can run.
 */
export function engineFor(_ds: ResolvedDatastore): EngineDefinition | undefined {
  return undefined;
}
