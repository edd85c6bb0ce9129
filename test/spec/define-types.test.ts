import { describe, expect, expectTypeOf, it } from "vitest";
import { defineTopology } from "../../src/spec/define.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";

// These cases are checked by `npm run typecheck` (tsc over test/): an unused @ts-expect-error fails it.
describe("defineTopology types", () => {
  it("accepts policy configuration next to thresholds", () => {
    const topology = defineTopology({
      name: "typed",
      policies: {
        "bandwidth.headroom": 0.6,
        disabled: ["retry-jitter"],
        severity: { survival: "warning" },
        suppress: [{ rule: "over-replication", path: "datastores.kv", reason: "kept for read locality" }],
      },
    });
    expectTypeOf(topology.policies.disabled).toEqualTypeOf<["retry-jitter"]>();
    expect(topology.policies["bandwidth.headroom"]).toBe(0.6);
  });

  it("rejects misspelt fields and wrong enums at compile time", () => {
    const bad = {
      name: "typed",
      datastores: {
        // @ts-expect-error — "consensu" is not a replication model
        kv: { replication: "consensu", replicas: 3, placement: { "eu-west-1": 3 } },
      },
    } satisfies TopologyInput;
    expect(bad.name).toBe("typed");
    // @ts-expect-error — a threshold key needs a dot ("<rule>.<setting>")
    const policies: TopologyInput["policies"] = { headroom: 0.7 };
    expect(policies).toBeDefined();
  });
});
