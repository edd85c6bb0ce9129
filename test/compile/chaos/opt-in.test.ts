import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { compilePlan } from "../../../src/compile/index.js";
import { loadTopology } from "../../../src/pipeline.js";
import { STACKS_DIR, stackFiles } from "../../render/stacks.js";
import { modelOf } from "../observability/fixture.js";

describe("chaos is opt-in", () => {
  test.each(stackFiles())("stacks/%s renders no chaos experiment by default", async (file) => {
    const loaded = await loadTopology(join(STACKS_DIR, file));
    const plan = compilePlan(loaded.model);
    expect(plan.resources.filter((r) => r.type.includes("chaos-mesh.org"))).toEqual([]);
  });

  test("a component that opts in gets its experiments; one that does not gets none", () => {
    const store = (chaos?: { enabled: boolean }) => ({
      replication: "consensus" as const,
      replicas: 3,
      placement: { "eu-west-1": 3 },
      deploy: { target: "kubernetes" as const, engine: "etcd" as const },
      ...(chaos === undefined ? {} : { chaos }),
    });
    const model = modelOf({ name: "t", datastores: { on: store({ enabled: true }), off: store() } });
    const schedules = compilePlan(model).resources.filter((r) => r.type.includes("chaos-mesh.org"));
    expect(new Set(schedules.map((r) => r.component))).toEqual(new Set(["on"]));
  });
});
