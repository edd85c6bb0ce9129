import { describe, expect, it } from "vitest";
import topoplanProgram from "../../src/pulumi/program.js";
import { installMocks, resourcesOf, runStack } from "./helpers/mocks.js";

/**
 * Pulumi stack names may hold upper case, `_` and `.`; the AWS names built from them may not.
 * Each rule as the service documents it.
 */
const RULES: readonly { type: string; field: string; valid: RegExp }[] = [
  // S3 bucket names: lower case, digits, '-' and '.' (S3 user guide, "Bucket naming rules").
  { type: "aws:s3/bucket:Bucket", field: "bucketPrefix", valid: /^[a-z0-9][a-z0-9.-]*$/ },
  // RDS: a letter first, letters/digits/hyphens, no "--", no trailing hyphen.
  ...[
    "aws:rds/globalCluster:GlobalCluster",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
  ].map((type) => ({
    type,
    field: type.endsWith("GlobalCluster")
      ? "globalClusterIdentifier"
      : type.endsWith("ClusterInstance")
        ? "identifier"
        : "clusterIdentifier",
    valid: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/,
  })),
  // MSK cluster and configuration names: letters, digits, hyphens.
  { type: "aws:msk/cluster:Cluster", field: "clusterName", valid: /^[A-Za-z0-9][A-Za-z0-9-]*$/ },
  { type: "aws:msk/configuration:Configuration", field: "name", valid: /^[A-Za-z0-9][A-Za-z0-9-]*$/ },
  // CloudWatch dashboard names: letters, digits, '-' and '_' (no '.').
  { type: "aws:cloudwatch/dashboard:Dashboard", field: "dashboardName", valid: /^[A-Za-z0-9_-]+$/ },
];

describe("physical AWS names of a stack named like Prod_EU.1", () => {
  it("carry the stack as prod-eu-1 and satisfy every service's naming rule", async () => {
    const registered = await installMocks({
      stack: "Prod_EU.1",
      config: {
        "topoplan:topology": "stacks/hybrid.ts",
        "topoplan:clusters": {
          "eu-west-1": { context: "kind-eu-west-1" },
          "eu-central-1": { context: "kind-eu-central-1" },
        },
      },
    });
    await runStack(() => topoplanProgram());
    const resources = resourcesOf(registered);
    for (const rule of RULES) {
      const names = resources.filter((r) => r.type === rule.type).map((r) => String(r.inputs[rule.field]));
      expect(names.length, rule.type).toBeGreaterThan(0);
      for (const name of names) {
        expect(name, `${rule.type} ${rule.field}`).toMatch(rule.valid);
        expect(name).toContain("hybrid-shop-prod-eu-1-");
      }
    }
    const table = resources.find((r) => r.type === "aws:dynamodb/table:Table");
    expect(table?.inputs.name).toBe("hybrid-shop-prod-eu-1-carts");
  });
});
