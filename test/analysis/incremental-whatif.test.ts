import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateTopology } from "../../bench/generate.js";
import { analyse } from "../../src/analysis/index.js";
import type { Analysis, Failure } from "../../src/analysis/types.js";
import type { Model } from "../../src/model/types.js";
import { topologyFromData } from "../../src/pipeline.js";
import { loadSpec } from "../../src/spec/load/index.js";

const load = (data: unknown): Model =>
  topologyFromData({ file: "t.ts", format: "typescript", text: "", data }).model;

/** Every failure domain the model uses: its regions and the zones holding replicas or pods. */
function domains(model: Model): Failure[] {
  const zones = new Set<string>();
  for (const ds of model.datastores) for (const g of ds.groups) for (const s of g.replicas) zones.add(s.zone);
  for (const c of [...model.services, ...model.streams])
    for (const list of Object.values(c.zones)) for (const z of list) zones.add(z);
  return [
    ...model.regions.map((region): Failure => ({ kind: "region", region })),
    ...[...zones].sort().map((zone): Failure => ({ kind: "zone", zone })),
  ];
}

/** Key order included: whatif --format json prints the analysis. */
const text = (analysis: Analysis) => JSON.stringify(analysis);

const GENERATED = [1, 2, 3].map((seed) =>
  load(generateTopology({ seed, services: 40, partitions: 300, regions: 8, replicas: 5 })),
);

describe("what-if against a baseline", () => {
  it("equals the full analysis for any region and zone failures of generated topologies", () => {
    for (const model of GENERATED) {
      const baseline = analyse(model);
      const all = domains(model);
      fc.assert(
        fc.property(fc.subarray(all, { minLength: 1, maxLength: 3 }), (failures) => {
          expect(text(analyse(model, failures, baseline))).toBe(text(analyse(model, failures)));
        }),
        { numRuns: 25 },
      );
    }
  });

  it("equals the full analysis for every single failure domain of the example stacks", async () => {
    for (const file of [
      "stacks/global-kv.ts",
      "stacks/service-mesh.ts",
      "stacks/streaming.ts",
      "stacks/hybrid.ts",
      "stacks/edge-cache.yaml",
    ]) {
      const model = load((await loadSpec(file)).data);
      const baseline = analyse(model);
      for (const failure of domains(model))
        expect(text(analyse(model, [failure], baseline)), `${file} ${JSON.stringify(failure)}`).toBe(
          text(analyse(model, [failure])),
        );
    }
  });

  it("falls back to the full analysis for cut links and shares untouched results otherwise", () => {
    const model = GENERATED[0]!;
    const baseline = analyse(model);
    const [a, b] = model.regions as [string, string];
    const cut: Failure[] = [{ kind: "link", between: [a, b] }];
    expect(text(analyse(model, cut, baseline))).toBe(text(analyse(model, cut)));
    // A zone of one region leaves most services' results untouched: they are the baseline's objects.
    const zone = domains(model).find((f) => f.kind === "zone")!;
    const failed = analyse(model, [zone], baseline);
    const shared = failed.services.filter((s, i) => s === baseline.services[i]).length;
    expect(shared).toBeGreaterThan(0);
    expect(shared).toBeLessThan(model.services.length);
  });
});
