import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateTopology } from "../../../bench/generate.js";
import { buildDashboard, dashboardPartUid, rowShape } from "../../../src/compile/observability/dashboard.js";
import { DashboardTexts, jsonEscapedBytes } from "../../../src/compile/observability/dashboard-text.js";
import { type KubernetesComponent, kubernetesComponents } from "../../../src/compile/observability/k8s.js";
import { ENGINES, modelOf, SMALL } from "./fixture.js";

/** What the observability target wrote before pieces: the whole build, serialised and measured. */
const plainText = (...args: Parameters<typeof buildDashboard>) =>
  `${JSON.stringify(buildDashboard(...args), null, 2)}\n`;
const plainBytes = (text: string) => Buffer.byteLength(JSON.stringify(text));

const generatedSpec = generateTopology({ seed: 3, services: 60, partitions: 200, regions: 6, replicas: 3 });
const generated = modelOf(generatedSpec);
/** The same topology with every service's latency SLO tightened: their panels' thresholds move. */
const tightened = (() => {
  const spec = structuredClone(generatedSpec);
  for (const service of Object.values(spec.services ?? {}))
    service.slo = {
      ...service.slo,
      latencyP99Ms: ((service.slo?.latencyP99Ms as number | undefined) ?? 500) / 2,
    };
  return modelOf(spec);
})();

describe("dashboard texts from per-component pieces", () => {
  // ENGINES: components whose panels differ by region, made once per region (one texts object for
  // every region, as the observability target uses it).
  it("equal the plain build, text and escaped size, for any components in any order, in any region", () => {
    for (const model of [modelOf(SMALL), generated, modelOf(ENGINES)]) {
      const all = kubernetesComponents(model);
      const regions = [...new Set(all.flatMap((c) => c.regions))].sort();
      const texts = new DashboardTexts(model);
      fc.assert(
        fc.property(
          fc.subarray(all, { minLength: 0 }),
          fc.constantFrom(...regions),
          fc.boolean(),
          fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
          (subset, region, reversed, part) => {
            const components = reversed ? [...subset].reverse() : subset;
            const identity =
              part === undefined
                ? undefined
                : { uid: dashboardPartUid(model, part), title: `topoplan: ${model.name} (${part}/12)` };
            const expected = plainText(model, components, region, identity);
            expect(texts.text(components, region, identity)).toBe(expected);
            expect(texts.escapedBytes(components, region, identity)).toBe(plainBytes(expected));
          },
        ),
        { numRuns: 60 },
      );
    }
  });

  // `diff` compares two compilations' dashboards by key (compile/deferred.ts withInputsKey).
  it("have keys that are equal only where the texts are, across two compilations", () => {
    const model = generated;
    const all = kubernetesComponents(model);
    const regions = [...new Set(all.flatMap((c) => c.regions))].sort();
    const dashboard = fc.record({
      subset: fc.subarray(all, { minLength: 0 }),
      region: fc.constantFrom(...regions),
      part: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    });
    // Another component of the same row shape: its panels differ by the name alone.
    const twin = (component: KubernetesComponent, region: string) =>
      all.find(
        (c) =>
          c !== component &&
          JSON.stringify(rowShape(c, region)) === JSON.stringify(rowShape(component, region)),
      ) ?? component;
    let equalKeys = 0;
    let renamed = 0;
    let editedApart = 0;
    fc.assert(
      fc.property(
        dashboard,
        dashboard,
        fc.constantFrom("same", "renamed", "other", "edited"),
        (first, other, how) => {
          const second =
            how === "other"
              ? other
              : {
                  ...first,
                  subset: first.subset.map((c, i) =>
                    how === "renamed" && i === 0 ? twin(c, first.region) : c,
                  ),
                };
          if (second.subset[0] !== first.subset[0]) renamed++;
          // "edited": the second compilation is of the topology with other SLOs, its own components.
          const secondModel = how === "edited" ? tightened : model;
          const byName = new Map(kubernetesComponents(secondModel).map((c) => [c.name, c]));
          if (how === "edited") second.subset = second.subset.map((c) => byName.get(c.name)!);
          const [a, b] = [new DashboardTexts(model), new DashboardTexts(secondModel)];
          const identity = (part?: number) =>
            part === undefined ? undefined : { uid: dashboardPartUid(model, part), title: `part ${part}` };
          const keys = [
            a.key(first.subset, first.region, identity(first.part)),
            b.key(second.subset, second.region, identity(second.part)),
          ];
          const texts = [
            a.text(first.subset, first.region, identity(first.part)),
            b.text(second.subset, second.region, identity(second.part)),
          ];
          if (keys[0] === keys[1]) equalKeys++;
          if (how === "edited" && texts[0] !== texts[1]) editedApart++;
          expect(keys[0] === keys[1]).toBe(texts[0] === texts[1]);
        },
      ),
      { numRuns: 120 },
    );
    expect(equalKeys).toBeGreaterThan(10);
    expect(renamed).toBeGreaterThan(10);
    expect(editedApart).toBeGreaterThan(5);
  });

  it("measures escaped bytes of JSON.stringify output like escaping it does", () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
        (value, indent) => {
          const text = JSON.stringify(value, null, indent) ?? "null";
          expect(jsonEscapedBytes(text) + 2).toBe(plainBytes(text));
        },
      ),
      { numRuns: 300 },
    );
    // Control characters, lone surrogates and separators inside strings, as JSON.stringify writes them.
    const text = JSON.stringify({ 'a\u0001"b\\': ["\ud800", "\u2028é😀\t\n"] }, null, 2);
    expect(jsonEscapedBytes(text) + 2).toBe(plainBytes(text));
  });
});
