import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check.js";
import { compilePlan } from "../../src/compile/index.js";
import { loadTopology } from "../../src/pipeline.js";
import { COMPONENT_TYPES, deploy } from "../../src/pulumi/index.js";
import { componentsOf, installMocks, type Registered, resourcesOf, runStack } from "./helpers/mocks.js";

const HYBRID = "stacks/hybrid.ts";
const clusters = {
  "eu-west-1": { context: "kind-eu-west-1" },
  "eu-central-1": { context: "kind-eu-central-1" },
};

async function deployHybrid(): Promise<{ registered: Registered[]; outputs: Record<string, unknown> }> {
  const registered = await installMocks({
    stack: "dev",
    config: { "topoplan:clusters": clusters },
  });
  const outputs = await runStack(() => deploy({ topology: HYBRID }));
  return { registered, outputs };
}

describe("the resource tree of deploy()", () => {
  it("parents every planned resource under its topology component, and those under the topology", async () => {
    const { registered, outputs } = await deployHybrid();
    const loaded = await loadTopology(HYBRID);
    const plan = compilePlan(loaded.model, runCheck(loaded).analysis as never);
    const byUrn = new Map(registered.map((r) => [r.urn, r]));
    const components = componentsOf(registered);
    const root = components.filter((c) => c.type === COMPONENT_TYPES.topology);
    expect(root.map((c) => [c.name, c.parent])).toEqual([
      ["hybrid-shop", expect.stringMatching(/pulumi:pulumi:Stack/)],
    ]);

    const expected = [...new Set(plan.resources.map((r) => r.component))]
      .map((c) => (c === "" ? [COMPONENT_TYPES.shared, "shared"] : [COMPONENT_TYPES.component, c]))
      .sort();
    const children = components.filter((c) => c.type !== COMPONENT_TYPES.topology);
    expect(children.map((c) => [c.type, c.name]).sort()).toEqual(expected);
    for (const child of children) expect(child.parent).toBe(root[0]!.urn);

    const planned = new Map(plan.resources.map((r) => [r.name, r]));
    const resources = resourcesOf(registered);
    expect(resources.map((r) => r.name).sort()).toEqual([...planned.keys()].sort());
    for (const r of resources) {
      const parent = byUrn.get(r.parent)!;
      const component = planned.get(r.name)!.component;
      expect([r.name, parent.name]).toEqual([r.name, component === "" ? "shared" : component]);
      // Protection comes from the plan, unchanged by the parent.
      expect([r.name, r.protect]).toEqual([r.name, planned.get(r.name)!.options?.protect === true]);
    }
    expect(outputs.topology).toBe("hybrid-shop");
  });

  it("gives stable URNs that carry the component chain (renaming a type would replace everything)", async () => {
    const { registered } = await deployHybrid();
    const table = resourcesOf(registered).find((r) => r.type === "aws:dynamodb/table:Table")!;
    // The engine qualifies a type with its parents' types (Topology$Component$Table); the mock
    // monitor qualifies with the direct parent's only. Either way the component type is in it.
    expect(table.urn).toBe(
      `urn:pulumi:dev::topoplan::topoplan:index:Component$aws:dynamodb/table:Table::${table.name}`,
    );
    expect(table.protect).toBe(true);
  });

  it("registers the components' endpoints as their outputs", async () => {
    // Component outputs go through registerResourceOutputs, which the mocks do not record; the
    // stack outputs (also the root's outputs) carry the endpoints per component.
    const { registered, outputs } = await deployHybrid();
    expect(Object.keys(outputs.endpoints as object).length).toBeGreaterThan(0);
    expect(componentsOf(registered).length).toBeGreaterThan(2);
  });
});
