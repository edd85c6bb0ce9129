import { describe, expect, it } from "vitest";
import { deployPlan } from "../../../src/pulumi/stack.js";
import { installMocks, providersOf, resourcesOf, runStack } from "../../pulumi/helpers/mocks.js";
import { euSpec, plan } from "./helpers.js";

/**
 * A stream with a mirror region, compiled and registered under Pulumi's mocks: the Replicator on
 * its target region's provider, with every cluster, subnet, group and role output resolved into
 * its inputs, after the source cluster's policy and its own role policy.
 */
describe("MSK Replicator under Pulumi's mocks", () => {
  it("is created in the target region with resolved ARNs, after the source's cluster policy", async () => {
    const spec = euSpec();
    (spec.streams as Record<string, Record<string, unknown>>).events!.mirrorRegions = ["eu-north-1"];
    const registered = await installMocks();
    await runStack(async () => deployPlan(plan(spec), { clusters: {} }));
    const resources = resourcesOf(registered);
    const byName = (name: string) => {
      const found = resources.find((r) => r.name === name);
      if (found === undefined) throw new Error(`${name} was not registered`);
      return found;
    };
    const providers = providersOf(registered);
    const regionOf = (name: string) => {
      const parts = byName(name).provider.split("::");
      return providers.get(parts[parts.length - 2]!)?.inputs.region;
    };

    const replicator = byName("events-msk-replicator-eu-west-1-to-eu-north-1");
    expect(replicator.type).toBe("aws:msk/replicator:Replicator");
    expect(regionOf(replicator.name)).toBe("eu-north-1");
    expect(regionOf("events-msk-cluster-policy-eu-west-1")).toBe("eu-west-1");
    expect(replicator.inputs).toMatchObject({
      serviceExecutionRoleArn: "arn:mock:iam/role:events-msk-replicator-eu-west-1-to-role-eu-north-1",
      replicationInfoList: {
        sourceKafkaClusterArn: "arn:mock:msk/cluster:events-msk-cluster-eu-west-1",
        targetKafkaClusterArn: "arn:mock:msk/cluster:events-msk-cluster-eu-north-1",
      },
      kafkaClusters: [
        {
          vpcConfig: {
            subnetIds: ["aws-subnet-eu-west-1a-id", "aws-subnet-eu-west-1b-id", "aws-subnet-eu-west-1c-id"],
            securityGroupsIds: ["events-sg-eu-west-1-id"],
          },
        },
        { vpcConfig: { securityGroupsIds: ["events-sg-eu-north-1-id"] } },
      ],
    });
    expect(replicator.dependencies).toEqual(
      expect.arrayContaining([
        byName("events-msk-cluster-policy-eu-west-1").urn,
        byName("events-msk-replicator-eu-west-1-to-policy-eu-north-1").urn,
      ]),
    );
    const policy = JSON.parse(String(byName("events-msk-cluster-policy-eu-west-1").inputs.policy));
    expect(policy.Statement[0].Resource).toBe("arn:mock:msk/cluster:events-msk-cluster-eu-west-1");
  }, 60_000);
});
