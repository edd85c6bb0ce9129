import { readdirSync } from "node:fs";
import { join } from "node:path";
import { generateTopology } from "../../bench/generate.js";
import { loadSpec } from "../../src/spec/load/index.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";

const STACKS = join(import.meta.dirname, "../../stacks");

/**
 * Specs whose plans the property tests of partial compiles and diffs run over, by name: two
 * generated topologies, one with chaos on for every store and stream (its schedules are staggered
 * across the topology), and every bundled stack.
 */
export async function planFixtureSpecs(): Promise<[string, TopologyInput][]> {
  const specs: [string, TopologyInput][] = [
    ["generated-1", generateTopology({ seed: 1, services: 30, partitions: 60, regions: 8, replicas: 5 })],
    ["generated-7", generateTopology({ seed: 7, services: 24, partitions: 40, regions: 6, replicas: 3 })],
  ];
  const chaotic = generateTopology({ seed: 3, services: 20, partitions: 40, regions: 5, replicas: 3 });
  for (const entry of [...Object.values(chaotic.datastores ?? {}), ...Object.values(chaotic.streams ?? {})])
    entry.chaos = { enabled: true };
  specs.push(["generated-3-chaos", chaotic]);
  for (const file of readdirSync(STACKS)
    .filter((f) => /^(?!Pulumi\.).*\.(ts|yaml)$/.test(f))
    .sort())
    specs.push([file, (await loadSpec(join(STACKS, file))).data as TopologyInput]);
  return specs;
}
