import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generateTopology } from "../../bench/generate.js";
import { analyse } from "../../src/analysis/index.js";
import {
  deferredResource,
  isUnbuilt,
  mapInputs,
  objectHeader,
  readInputs,
  withOptions,
} from "../../src/compile/deferred.js";
import { compilePlan } from "../../src/compile/index.js";
import { plannedLater } from "../../src/compile/kubernetes/manifest.js";
import type { PlannedResource } from "../../src/compile/plan.js";
import { requiredAddons } from "../../src/compile/prerequisites/index.js";
import { compareResources } from "../../src/diff/resources.js";
import { loadTopology, topologyFromData } from "../../src/pipeline.js";
import { deferRenderPlan, renderPlan } from "../../src/render/files.js";
import { summarisePlan } from "../../src/report/plan-summary.js";

const fields = {
  type: "kubernetes:v1:ConfigMap",
  name: "eu-west-1/kv/ConfigMap/a",
  provider: "kubernetes",
  region: "eu-west-1",
  component: "kv",
} as const;
const header = { apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "kv" };
const manifest = () => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "kv" } });

describe("a deferred resource", () => {
  it("builds its inputs on first read, once, and reads like plain data", () => {
    let builds = 0;
    const r = deferredResource(
      { ...fields, options: { protect: true } },
      () => {
        builds++;
        return manifest();
      },
      header,
    );
    expect(builds).toBe(0);
    expect(isUnbuilt(r)).toBe(true);
    expect(objectHeader(r)).toEqual(header);
    expect(builds).toBe(0);
    const plain = { ...fields, inputs: manifest(), options: { protect: true } };
    expect(r).toEqual(plain);
    expect(JSON.parse(JSON.stringify(r))).toEqual(plain);
    expect(structuredClone(r)).toEqual(plain);
    expect({ ...r }).toEqual(plain);
    expect(Object.keys(r)).toEqual(["type", "name", "provider", "region", "component", "inputs", "options"]);
    expect(r.inputs).toBe(r.inputs);
    expect(builds).toBe(1);
    expect(isUnbuilt(r)).toBe(false);
  });

  it("stays deferred through mapInputs and withOptions, which change only what they say", () => {
    let builds = 0;
    const r = deferredResource(
      fields,
      () => {
        builds++;
        return manifest();
      },
      header,
    );
    const labelled = mapInputs(r, (inputs) => ({ ...inputs, data: { x: "1" } }));
    const waiting = withOptions(labelled, { dependsOn: ["eu-west-1/Namespace/kv"] });
    expect(builds).toBe(0);
    expect([isUnbuilt(labelled), isUnbuilt(waiting)]).toEqual([true, true]);
    expect(objectHeader(waiting)).toEqual(header);
    expect(waiting).toEqual({
      ...fields,
      inputs: { ...manifest(), data: { x: "1" } },
      options: { dependsOn: ["eu-west-1/Namespace/kv"] },
    });
    // Building the new resources left the old one unbuilt: nothing holds its inputs twice.
    expect(isUnbuilt(r)).toBe(true);
    expect(r.inputs).toEqual(manifest());
    expect(builds).toBe(2);
  });

  it("reads a Kubernetes object's manifest without keeping it: copied as plain data, or as built", () => {
    const built = { ...manifest(), data: { a: "1", b: undefined } };
    const r = plannedLater("eu-west-1", "kv", header, () => built);
    expect(readInputs(r)).toEqual({ ...manifest(), data: { a: "1" } });
    expect(Object.keys(readInputs(r).data as object)).toEqual(["a"]);
    expect(readInputs(r, { copy: false })).toBe(built);
    expect(isUnbuilt(r)).toBe(true);
    // Built as another object than its header names: a compiler bug, caught when read.
    const wrong = plannedLater("eu-west-1", "kv", { ...header, name: "b" }, () => built);
    expect(() => readInputs(wrong, { copy: false })).toThrow(/ConfigMap kv\/b: built as ConfigMap kv\/a/);
  });

  it("gives a plain resource's identity from its inputs", () => {
    const plain: PlannedResource = { ...fields, inputs: manifest() };
    expect(objectHeader(plain)).toEqual(header);
    expect(objectHeader({ ...plain, provider: "aws" })).toBeUndefined();
    expect(mapInputs(plain, (i) => ({ ...i, data: {} })).inputs).toEqual({ ...manifest(), data: {} });
  });
});

/** The identity a built manifest has, as its own fields say. */
function identity(inputs: Readonly<Record<string, unknown>>) {
  const m = inputs as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
  return {
    apiVersion: m.apiVersion,
    kind: m.kind,
    name: m.metadata.name,
    ...(m.metadata.namespace === undefined ? {} : { namespace: m.metadata.namespace }),
  };
}

const root = fileURLToPath(new URL("../../", import.meta.url));
const stackFiles = readdirSync(`${root}stacks`)
  .filter((f) => /\.(ts|yaml)$/.test(f) && !f.startsWith("Pulumi."))
  .sort();

describe("deferred manifests in compiled plans", () => {
  const generated = () => {
    const spec = generateTopology({ seed: 3, services: 200, partitions: 100, regions: 12, replicas: 5 });
    return topologyFromData({ file: "bench.ts", format: "typescript", text: "", data: spec }).model;
  };

  it("what `plan` reads (counts, add-ons) builds no Kubernetes manifest but namespaces'", () => {
    const model = generated();
    const plan = compilePlan(model, analyse(model));
    summarisePlan(plan);
    requiredAddons(plan.resources);
    const kubernetes = plan.resources.filter((r) => r.provider === "kubernetes");
    const built = kubernetes.filter((r) => !isUnbuilt(r) && r.type !== "kubernetes:core/v1:Namespace");
    expect(kubernetes.length).toBeGreaterThan(1000);
    expect(built.map((r) => r.name)).toEqual([]);
  });

  it("render makes each manifest for its file and keeps none; its README still lists deployment values", async () => {
    const { model } = await loadTopology(`${root}stacks/hybrid.ts`);
    const plan = compilePlan(model, analyse(model));
    const files = deferRenderPlan(plan);
    expect(files.at(-1)?.path).toBe("README.md");
    const texts = files.map((file) => file.content());
    const kubernetes = plan.resources.filter((r) => r.provider === "kubernetes");
    expect(kubernetes.filter((r) => !isUnbuilt(r) && r.type !== "kubernetes:core/v1:Namespace")).toEqual([]);
    // Its services' ConfigMaps of AWS endpoints hold refs, found as the files were made.
    expect(texts.at(-1)).toContain("### 5 files with values known only at deployment");
    expect(renderPlan(plan).find((f) => f.path === "README.md")?.content).toBe(texts.at(-1));
    // The same README when it is made before the files it lists.
    expect(deferRenderPlan(plan).at(-1)!.content()).toBe(texts.at(-1));
  });

  it("diff compares each pair of manifests and keeps neither", () => {
    const model = generated();
    const analysis = analyse(model);
    const [before, after] = [compilePlan(model, analysis), compilePlan(model, analysis)];
    expect(compareResources(before, after)).toEqual([]);
    const built = [...before.resources, ...after.resources].filter(
      (r) => r.provider === "kubernetes" && !isUnbuilt(r) && r.type !== "kubernetes:core/v1:Namespace",
    );
    expect(built.map((r) => r.name)).toEqual([]);
  });

  it.each(stackFiles)("every Kubernetes object of stacks/%s is what its header says", async (file) => {
    const { model } = await loadTopology(`${root}stacks/${file}`);
    const plan = compilePlan(model, analyse(model), {
      prerequisites: { installAddons: true },
      kubernetes: { zoneLabels: "preferred" },
    });
    const kubernetes = plan.resources.filter((r) => r.provider === "kubernetes" && "apiVersion" in r.inputs);
    expect(kubernetes.length).toBeGreaterThan(0);
    for (const r of kubernetes) expect(objectHeader(r), r.name).toEqual(identity(r.inputs));
  });

  it("every Kubernetes object of a generated 200-service topology is what its header says", () => {
    const model = generated();
    const plan = compilePlan(model, analyse(model));
    const mismatched = plan.resources
      .filter((r) => r.provider === "kubernetes")
      .filter((r) => JSON.stringify(objectHeader(r)) !== JSON.stringify(identity(r.inputs)))
      .map((r) => r.name);
    expect(mismatched).toEqual([]);
  });
});
