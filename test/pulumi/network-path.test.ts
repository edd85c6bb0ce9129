import { describe, expect, it } from "vitest";
import topoplanProgram from "../../src/pulumi/program.js";
import { defaultOutputs, installMocks, providersOf, resourcesOf, runStack } from "./helpers/mocks.js";

/**
 * The network path from stack config to registered resources: `topoplan:network.<region>.cluster`
 * read by the program, compiled (src/compile/aws/paths.ts) and registered under Pulumi's mocks
 * with each resource on its region's provider and outputs resolved into the routes.
 */
const clusters = {
  "eu-west-1": { context: "kind-eu-west-1" },
  "eu-central-1": { context: "kind-eu-central-1" },
};
const cluster = (vpcId: string, cidr: string, routeTable: string, connect: string) => ({
  vpcId,
  cidrBlocks: [cidr],
  routeTableIds: [routeTable],
  subnetIds: [`subnet-0${routeTable.slice(-2)}1`, `subnet-0${routeTable.slice(-2)}2`],
  connect,
});
/** Outputs a real provider computes and the network path reads. */
const outputs = (type: string, name: string) => ({
  ...defaultOutputs(type, name),
  ...(type === "aws:ec2/vpc:Vpc" ? { mainRouteTableId: `rtb-main-${name}` } : {}),
  ...(type === "aws:ec2transitgateway/transitGateway:TransitGateway"
    ? { associationDefaultRouteTableId: `tgw-rtb-${name}` }
    : {}),
});

async function deploy(connect: "peering" | "transit-gateway") {
  const registered = await installMocks({
    stack: "hybrid",
    outputs,
    config: {
      "topoplan:topology": "stacks/hybrid.ts",
      "topoplan:clusters": clusters,
      "topoplan:network": {
        "eu-west-1": { cluster: cluster("vpc-0c1", "10.100.0.0/16", "rtb-0a1", connect) },
        "eu-central-1": { cluster: cluster("vpc-0c2", "10.101.0.0/16", "rtb-0b1", connect) },
      },
    },
  });
  await runStack(() => topoplanProgram());
  const resources = resourcesOf(registered);
  const providers = providersOf(registered);
  // A resource's provider is "<provider URN>::<id>", the URN ending in the provider's name.
  const regionOf = (name: string) => {
    const parts = resources.find((x) => x.name === name)!.provider.split("::");
    return providers.get(parts[parts.length - 2]!)?.inputs.region;
  };
  return { resources, regionOf, byName: (name: string) => resources.find((r) => r.name === name)! };
}

describe("network path under Pulumi's mocks", () => {
  it("peering: the accepter on the datastore region's provider, routes with resolved ids after it", async () => {
    const { byName, regionOf } = await deploy("peering");
    expect(regionOf("aws-peering-to-eu-west-1-eu-central-1")).toBe("eu-central-1");
    expect(regionOf("aws-peering-from-eu-central-1-eu-west-1")).toBe("eu-west-1");
    const accepter = byName("aws-peering-from-eu-central-1-eu-west-1");
    expect(accepter.inputs).toMatchObject({
      autoAccept: true,
      vpcPeeringConnectionId: "aws-peering-to-eu-west-1-eu-central-1-id",
    });
    const back = byName("aws-route-main-10-101-0-0-16-eu-west-1");
    expect(back.inputs).toEqual({
      routeTableId: "rtb-main-aws-vpc-eu-west-1",
      destinationCidrBlock: "10.101.0.0/16",
      vpcPeeringConnectionId: "aws-peering-to-eu-west-1-eu-central-1-id",
    });
    expect(back.dependencies).toContain(accepter.urn);
    expect(regionOf("aws-route-main-10-101-0-0-16-eu-west-1")).toBe("eu-west-1");
  });

  it("transit gateway: static routes on each gateway's default route table, after the accepter", async () => {
    const { byName, regionOf } = await deploy("transit-gateway");
    const accepter = byName("aws-tgw-peering-from-eu-central-1-eu-west-1");
    expect(regionOf(accepter.name)).toBe("eu-west-1");
    const west = byName("aws-tgw-route-10-101-0-0-16-eu-west-1");
    expect(west.inputs).toEqual({
      destinationCidrBlock: "10.101.0.0/16",
      transitGatewayAttachmentId: "aws-tgw-peering-to-eu-west-1-eu-central-1-id",
      transitGatewayRouteTableId: "tgw-rtb-aws-tgw-eu-west-1",
    });
    expect(west.dependencies).toContain(accepter.urn);
    expect(byName("aws-tgw-attachment-cluster-eu-central-1").inputs).toMatchObject({
      transitGatewayId: "aws-tgw-eu-central-1-id",
      vpcId: "vpc-0c2",
      subnetIds: ["subnet-0b11", "subnet-0b12"],
    });
  });
});
