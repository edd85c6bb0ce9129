import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import type { Analysis } from "../../src/analysis/types.js";
import { readInputs } from "../../src/compile/deferred.js";
import { compilePlan, type PlannedResource, WHOLE_TOPOLOGY_TYPES } from "../../src/compile/index.js";
import type { Model } from "../../src/model/types.js";
import { topologyFromData } from "../../src/pipeline.js";
import { loadSpec } from "../../src/spec/load/index.js";
import { planFixtureSpecs } from "./plan-fixtures.js";

/**
 * A compile scoped to some components (`diff` compiles only what an edit can change) must make
 * exactly the whole plan's resources of those components, its shared ones and its whole-topology
 * ones — the same names, inputs and options — and nothing else. The passes after the targets (AWS
 * access, prerequisites' namespaces and mesh labels) see only the scoped resources, so this holds
 * only while every component's namespace is planned as a shared resource: these tests say so if a
 * target stops doing that.
 */
interface Compiled {
  readonly name: string;
  readonly model: Model;
  readonly analysis: Analysis;
  readonly whole: readonly PlannedResource[];
  readonly components: readonly string[];
}

/** What a resource is, inputs built: two plans agree on a resource when these are equal. */
const shape = (r: PlannedResource) => ({
  name: r.name,
  type: r.type,
  provider: r.provider,
  region: r.region,
  component: r.component,
  inputs: readInputs(r),
  options: r.options ?? null,
});

describe("a compile scoped to some components", () => {
  const specs: Compiled[] = [];
  beforeAll(async () => {
    const data = await planFixtureSpecs();
    for (const [name, spec] of data) {
      const { model } = topologyFromData({ file: "t.ts", format: "typescript", text: "", data: spec });
      const analysis = analyse(model);
      const components = [...model.services, ...model.datastores, ...model.streams].map((c) => c.name);
      specs.push({ name, model, analysis, whole: compilePlan(model, analysis).resources, components });
    }
  }, 120_000);

  it("makes exactly the whole plan's shared resources and those of the components in scope", () => {
    fc.assert(
      fc.property(fc.nat(100), fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }), (which, picks) => {
        const spec = specs[which % specs.length]!;
        const inScope = new Set(spec.components.filter((_, i) => picks[i % picks.length]));
        const scoped = compilePlan(spec.model, spec.analysis, {}, (c) => inScope.has(c)).resources;
        const expected = spec.whole.filter(
          (r) => r.component === "" || WHOLE_TOPOLOGY_TYPES.has(r.type) || inScope.has(r.component),
        );
        expect(scoped.map((r) => r.name)).toEqual(expected.map((r) => r.name));
        expect(scoped.map(shape)).toEqual(expected.map(shape));
      }),
      { numRuns: 40 },
    );
  }, 300_000);

  it("keeps the add-ons' Helm releases that only components out of scope need (installAddons)", () => {
    const options = { prerequisites: { installAddons: true } };
    for (const spec of specs) {
      const whole = compilePlan(spec.model, spec.analysis, options).resources;
      const scoped = compilePlan(spec.model, spec.analysis, options, () => false).resources;
      const shared = whole.filter((r) => r.component === "" || WHOLE_TOPOLOGY_TYPES.has(r.type));
      expect(scoped.map((r) => r.name)).toEqual(shared.map((r) => r.name));
    }
  });

  // An MSK stream's mirror region may have no alarm but the stream's: its first alarm creates the
  // region's alarm topic and key (aws/alarm-topic.ts), whether or not the stream is in scope.
  it("makes the alarm topic of a region only a component out of scope alarms in", async () => {
    const spec = (await loadSpec(join(import.meta.dirname, "../../stacks/hybrid.ts"))).data as {
      streams: Record<string, Record<string, unknown>>;
    };
    spec.streams["order-events"]!.mirrorRegions = ["eu-north-1"];
    const { model } = topologyFromData({ file: "t.ts", format: "typescript", text: "", data: spec as never });
    const analysis = analyse(model);
    const shared = (resources: readonly PlannedResource[]) =>
      resources.filter((r) => r.component === "" || WHOLE_TOPOLOGY_TYPES.has(r.type)).map((r) => r.name);
    const whole = compilePlan(model, analysis).resources;
    expect(whole.some((r) => r.region === "eu-north-1" && r.component === "")).toBe(true);
    expect(shared(compilePlan(model, analysis, {}, (c) => c !== "order-events").resources)).toEqual(
      shared(whole),
    );
  });

  it("leaves every resource out of a scope of no component but the shared and whole-topology ones", () => {
    for (const spec of specs) {
      const scoped = compilePlan(spec.model, spec.analysis, {}, () => false).resources;
      expect(scoped.every((r) => r.component === "" || WHOLE_TOPOLOGY_TYPES.has(r.type))).toBe(true);
      // Namespaces and their mesh labels come out as in the whole plan.
      const namespaces = (resources: readonly PlannedResource[]) =>
        resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").map(shape);
      expect(namespaces(scoped)).toEqual(namespaces(spec.whole));
    }
  });

  // compared-plans.ts relies on this to find name collisions without compiling every component.
  it("names every resource of a component after it: its name, or its name and a '-' suffix", () => {
    for (const spec of specs)
      for (const r of spec.whole) {
        if (r.component === "") continue;
        const last = r.name.slice(r.name.lastIndexOf("/") + 1);
        expect(last === r.component || last.startsWith(`${r.component}-`), `${spec.name}: ${r.name}`).toBe(
          true,
        );
      }
  });
});
