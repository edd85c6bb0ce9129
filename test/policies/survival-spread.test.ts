import { describe, expect, it } from "vitest";
import { survival } from "../../policies/rules/survival.js";
import { runPolicies } from "../../policies/run.js";
import { analyse } from "../../src/analysis/index.js";
import { build } from "../analysis/helpers.js";

/**
 * A 3-voter consensus store with 2 in one region, survive: region. The fix said "place at least 5
 * replicas"; 3 spread 1 + 1 + 1 already survives a region (a fresh user's review). The fix now
 * names the spread first — and following it passes.
 */
const store = (placement: Record<string, number>) =>
  build({
    users: { "us-east-1": 0.5, "us-west-2": 0.5 },
    datastores: {
      orders: {
        replication: "consensus",
        consistency: "strong",
        replicas: Object.values(placement).reduce((a, b) => a + b, 0),
        placement,
        survive: "region",
        deploy: { target: "kubernetes", engine: "cockroachdb" },
      },
    },
  } as never);
const findings = (placement: Record<string, number>) => {
  const model = store(placement);
  return runPolicies(model, analyse(model), { rules: [survival] }).findings;
};

describe("survive: region for a consensus store below the recommended count", () => {
  it("says to spread the same count first, and the spread it names passes", () => {
    const [finding] = findings({ "us-east-1": 2, "us-west-2": 1 });
    expect(finding!.fix).toMatch(/^spread the 3 replicas over at least 3 regions with at most 1 in any one/);
    expect(finding!.fix).toContain("or place 5 over at least 3 regions with at most 2 in any one");
    expect(findings({ "us-east-1": 1, "us-west-2": 1, "us-east-2": 1 })).toEqual([]);
  });
});
