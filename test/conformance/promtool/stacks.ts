import type { Model } from "../../../src/model/types.js";
import { loadTopology } from "../../../src/pipeline.js";

/** The checked-in example stacks, resolved: real topologies for the conformance suites. */
export async function readStack(): Promise<{ name: string; model: Model }[]> {
  const { readdir } = await import("node:fs/promises");
  const dir = new URL("../../../stacks/", import.meta.url);
  const files = (await readdir(dir))
    .filter((f) => /\.(ts|ya?ml|json)$/.test(f) && !f.startsWith("Pulumi."))
    .sort();
  const models: { name: string; model: Model }[] = [];
  for (const file of files)
    models.push({ name: `stacks/${file}`, model: (await loadTopology(new URL(file, dir).pathname)).model });
  return models;
}
