import type { TopologyInput } from "./schema/topology.js";

/**
 * Declare a topology in TypeScript with full type inference and editor completion.
 * Returns its argument unchanged; validation happens when topoplan loads the file.
 *
 * @example export default defineTopology({ name: "global-kv", datastores: { ... } });
 */
export function defineTopology<const T extends TopologyInput>(topology: T): T {
  return topology;
}
