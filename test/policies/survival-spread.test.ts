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

describe("survive: region for Redis, whose failover needs a majority of all Sentinels (expert probe)", () => {
  const redis = (placement: Record<string, number>) => {
    const model = build({
      users: { "eu-west-1": 1 },
      datastores: {
        kv: {
          replication: "primary-replica",
          consistency: "eventual",
          replicas: Object.values(placement).reduce((a, b) => a + b, 0),
          placement,
          leader: "eu-west-1",
          survive: "region",
          deploy: { target: "kubernetes", engine: "redis" },
        },
      },
    } as never);
    return {
      analysis: analyse(model),
      findings: runPolicies(model, analyse(model), { rules: [survival] }).findings,
    };
  };

  it("3 + 1 + 1: losing the primary's region leaves 2 of 5 Sentinels, which cannot promote a replica", () => {
    const { analysis, findings } = redis({ "eu-west-1": 3, "eu-central-1": 1, "us-east-1": 1 });
    expect(analysis.datastores[0]!.survival.region).toMatchObject({
      survives: false,
      worstDomain: "eu-west-1",
      replicasLeft: 2,
      promotionVotes: 3,
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain(
      "losing eu-west-1 takes the primary and leaves 2 of 5 members; promoting a replica needs 3 of their votes",
    );
    expect(findings[0]!.fix).toMatch(
      /^keep a majority of the members outside eu-west-1 \(e\.g\. 2 \+ 2 \+ 1/,
    );
  });

  it("2 + 2 + 1, the fix's spread, survives: 3 of 5 outlive any region", () => {
    expect(redis({ "eu-west-1": 2, "eu-central-1": 2, "us-east-1": 1 }).findings).toEqual([]);
  });
});
