import { describe, expect, it } from "vitest";
import { residency } from "../../../policies/rules/residency.js";
import type { Analysis } from "../../../src/analysis/types.js";
import { AWS_TOKENS, compileAws } from "../../../src/compile/aws/index.js";
import hybrid from "../../../stacks/hybrid.js";
import { modelOf, refsIn } from "./helpers.js";

const model = modelOf(hybrid);
const plan = compileAws(model);

/** Resource types that hold data: deleting one loses it. */
const STATEFUL_TYPES = [
  "aws:dynamodb/table:Table",
  "aws:rds/globalCluster:GlobalCluster",
  "aws:rds/cluster:Cluster",
  "aws:msk/cluster:Cluster",
  "aws:s3/bucket:Bucket",
  "aws:kms/key:Key",
];

describe("stacks/hybrid.ts on AWS", () => {
  it("passes the residency rule", () => {
    expect(residency.check(model, {} as Analysis, {})).toEqual([]);
  });

  it("compiles to the same plan, byte for byte, every time", () => {
    expect(JSON.stringify(compileAws(modelOf(hybrid)))).toBe(JSON.stringify(plan));
  });

  it("keeps the names of its stateful resources (renaming would replace them)", () => {
    expect(
      plan.resources
        .filter((r) => STATEFUL_TYPES.includes(r.type))
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      "aws-alarms-kms-key-eu-central-1",
      "aws-alarms-kms-key-eu-west-1",
      "carts-kms-key-eu-central-1",
      "carts-kms-key-eu-west-1",
      "carts-table",
      "media-bucket-eu-central-1",
      "media-bucket-eu-west-1",
      "media-kms-key-eu-central-1",
      "media-kms-key-eu-west-1",
      "order-events-kms-key-eu-west-1",
      "order-events-msk-cluster-eu-west-1",
      "orders-cluster-eu-central-1",
      "orders-cluster-eu-west-1",
      "orders-global-cluster",
      "orders-kms-key-eu-central-1",
      "orders-kms-key-eu-west-1",
    ]);
  });

  it("protects every stateful resource and retains it on delete", () => {
    // Alarm topic keys encrypt only SNS messages awaiting delivery: not data (alarm-topic.ts).
    const alarmKey = /^aws-alarms-kms-key-/;
    for (const resource of plan.resources.filter(
      (r) => STATEFUL_TYPES.includes(r.type) && !alarmKey.test(r.name),
    ))
      expect(resource.options, resource.name).toMatchObject({ protect: true, retainOnDelete: true });
  });

  it("only refers to resources it plans, and only emits known tokens in the AWS provider", () => {
    const names = new Set(plan.resources.map((r) => r.name));
    for (const resource of plan.resources) {
      expect(resource.provider).toBe("aws");
      expect(AWS_TOKENS).toContain(resource.type);
      for (const r of refsIn(resource.inputs))
        expect(names.has(r.$ref), `${resource.name} → ${r.$ref}`).toBe(true);
      for (const d of resource.options?.dependsOn ?? []) expect(names.has(d)).toBe(true);
    }
  });

  it("puts every resource in the EU", () => {
    expect([...new Set(plan.resources.map((r) => r.region))].sort()).toEqual(["eu-central-1", "eu-west-1"]);
  });
});
