import { describe, expect, it } from "vitest";
import { type PlannedResource, type ResourcePlan, ref } from "../../src/compile/plan.js";
import { collectRefs, orderPlan, PlanError, substituteRefs } from "../../src/pulumi/order.js";

const res = (name: string, inputs: Record<string, unknown> = {}, dependsOn?: string[]): PlannedResource => ({
  type: "aws:sns/topic:Topic",
  name,
  provider: "aws",
  region: "eu-west-1",
  component: "",
  inputs,
  ...(dependsOn === undefined ? {} : { options: { dependsOn } }),
});
const plan = (...resources: PlannedResource[]): ResourcePlan => ({ topology: "t", resources });
const names = (p: ResourcePlan) => orderPlan(p).map((o) => o.resource.name);

function planError(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PlanError) return error;
    throw error;
  }
  throw new Error("expected a PlanError");
}

describe("orderPlan", () => {
  it("keeps plan order when nothing refers to anything", () => {
    expect(names(plan(res("c"), res("a"), res("b")))).toEqual(["c", "a", "b"]);
  });

  it("puts every resource after the ones it refers to, through nested refs and dependsOn", () => {
    const p = plan(
      res("alarm", { actions: [ref("topic", "arn")], dims: { table: ref("table", "name") } }),
      res("topic", { kms: { key: ref("key", "arn") } }),
      res("table", {}, ["key"]),
      res("key"),
    );
    expect(names(p)).toEqual(["key", "topic", "table", "alarm"]);
    expect(orderPlan(p).map((o) => o.hasRefs)).toEqual([false, true, false, true]);
  });

  it("is deterministic: equal inputs give the same order", () => {
    const p = plan(res("b", { x: ref("a", "id") }), res("a"), res("d", {}, ["c"]), res("c"));
    expect(names(p)).toEqual(names(p));
    expect(names(p)).toEqual(["a", "c", "b", "d"]);
  });

  it("reports a cycle with its path", () => {
    const error = planError(() =>
      orderPlan(
        plan(
          res("a", { x: ref("b", "arn") }),
          res("b", {}, ["c"]),
          res("c", { y: [ref("a", "id")] }),
          res("d"),
        ),
      ),
    );
    expect(error.problems).toEqual(["dependency cycle: a → b → c → a"]);
    expect(error.message).toContain("a → b → c → a");
  });

  it("reports a resource that refers to itself", () => {
    expect(planError(() => orderPlan(plan(res("a", { x: ref("a", "arn") })))).problems).toEqual([
      '"a" refers (at inputs.x) to itself',
    ]);
  });

  it("lists every dangling ref, dependsOn and duplicate name in one error", () => {
    const error = planError(() =>
      orderPlan(plan(res("a", { list: [{ v: ref("ghost", "arn") }] }), res("a"), res("b", {}, ["nobody"]))),
    );
    expect(error.problems).toEqual([
      'two resources are named "a"; Pulumi names must be unique',
      '"a" refers (at inputs.list[0].v) to "ghost", which is not in the plan',
      '"b" dependsOn "nobody", which is not in the plan',
    ]);
  });

  it("rejects a ref without an output property", () => {
    const bad = { $ref: "b" } as unknown as ReturnType<typeof ref>;
    expect(planError(() => orderPlan(plan(res("a", { x: bad }), res("b")))).problems).toEqual([
      '"a" has a ref to "b" at inputs.x without an output property',
    ]);
  });
});

describe("collectRefs / substituteRefs", () => {
  const inputs = {
    name: "alarm",
    actions: [ref("topic", "arn"), "static"],
    nested: { deep: { key: ref("key", "arn") } },
    untouched: { a: [1, 2, 3] },
  };

  it("finds refs with their paths", () => {
    const found: string[] = [];
    collectRefs(inputs, "inputs", (r, path) => found.push(`${path}=${r.$ref}.${r.property}`));
    expect(found).toEqual(["inputs.actions[0]=topic.arn", "inputs.nested.deep.key=key.arn"]);
  });

  it("replaces refs copy-on-write: the plan is not mutated and ref-free subtrees are shared", () => {
    const before = structuredClone(inputs);
    const out = substituteRefs(inputs, (r) => `<${r.$ref}.${r.property}>`);
    expect(out).toEqual({
      name: "alarm",
      actions: ["<topic.arn>", "static"],
      nested: { deep: { key: "<key.arn>" } },
      untouched: { a: [1, 2, 3] },
    });
    expect(inputs).toEqual(before);
    expect(out).not.toBe(inputs);
    expect(out.untouched).toBe(inputs.untouched);
  });

  it("returns the very same object when there is no ref", () => {
    const plain = { a: { b: [1, { c: "d" }] } };
    expect(substituteRefs(plain, () => "x")).toBe(plain);
  });
});
