import { describe, expect, it } from "vitest";
import type { PlannedResource, ResourcePlan } from "../../src/compile/plan.js";
import { formatPlanSummary, summarisePlan } from "../../src/report/plan-summary.js";

const r = (region: string, type: string, name: string, protect = false): PlannedResource => ({
  type,
  name,
  provider: type.startsWith("aws:") ? "aws" : "kubernetes",
  region,
  component: "",
  inputs: {},
  ...(protect ? { options: { protect: true } } : {}),
});

const PLAN: ResourcePlan = {
  topology: "t",
  resources: [
    r("eu-west-1", "kubernetes:apps/v1:StatefulSet", "a", true),
    r("eu-west-1", "kubernetes:apps/v1:StatefulSet", "b", true),
    r("eu-west-1", "kubernetes:core/v1:Service", "c"),
    r("eu-west-1", "aws:dynamodb/table:Table", "d", true),
    r("us-east-1", "kubernetes:core/v1:Service", "e"),
  ],
};

describe("summarisePlan", () => {
  it("counts resources by region and type, with protected ones", () => {
    expect(summarisePlan(PLAN)).toEqual({
      topology: "t",
      total: 5,
      protected: 3,
      regions: [
        {
          region: "eu-west-1",
          providers: ["aws", "kubernetes"],
          total: 4,
          types: [
            { type: "aws:dynamodb/table:Table", count: 1, protected: 1 },
            { type: "kubernetes:apps/v1:StatefulSet", count: 2, protected: 2 },
            { type: "kubernetes:core/v1:Service", count: 1, protected: 0 },
          ],
        },
        {
          region: "us-east-1",
          providers: ["kubernetes"],
          total: 1,
          types: [{ type: "kubernetes:core/v1:Service", count: 1, protected: 0 }],
        },
      ],
    });
  });

  it("formats an aligned table", () => {
    expect(formatPlanSummary(summarisePlan(PLAN))).toBe(
      [
        "t: 5 resources in 2 regions, 3 protected",
        "",
        "REGION     TYPE                            COUNT  PROTECTED",
        "eu-west-1  aws:dynamodb/table:Table            1          1",
        "eu-west-1  kubernetes:apps/v1:StatefulSet      2          2",
        "eu-west-1  kubernetes:core/v1:Service          1",
        "us-east-1  kubernetes:core/v1:Service          1",
        "",
      ].join("\n"),
    );
  });
});
