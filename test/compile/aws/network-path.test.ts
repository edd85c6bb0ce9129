import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileAws } from "../../../src/compile/aws/index.js";
import { cidrsOverlap } from "../../../src/compile/aws/network.js";
import type { AwsClusterNetwork, AwsCompileOptions } from "../../../src/compile/aws/options.js";
import type { ResourcePlan } from "../../../src/compile/plan.js";
import { InputError } from "../../../src/diagnostics/diagnostic.js";
import { byText } from "../../../src/order.js";
import hybrid from "../../../stacks/hybrid.js";
import { byType, modelOf, named } from "./helpers.js";

/**
 * The network path from the clusters to Aurora and MSK (src/compile/aws/paths.ts) on the hybrid
 * stack: checkout and storefront run in eu-west-1 and eu-central-1, fulfilment in eu-west-1;
 * orders (Aurora) is primary in eu-west-1 with a secondary in eu-central-1; order-events (MSK) is
 * in eu-west-1 only. So the eu-central-1 cluster reaches its own region's reader and the eu-west-1
 * writer and brokers; the eu-west-1 cluster only eu-west-1.
 *
 * The network resources of each configuration are also kept as goldens under
 * test/compile/aws/golden/ (UPDATE_GOLDEN=1 npx vitest run test/compile/aws/network-path.test.ts).
 */

const model = modelOf(hybrid);
const WEST: AwsClusterNetwork = {
  vpcId: "vpc-0c1",
  cidrBlocks: ["10.100.0.0/16"],
  routeTableIds: ["rtb-0a1", "rtb-0a2"],
  subnetIds: ["subnet-0a1", "subnet-0a2", "subnet-0a3"],
};
const CENTRAL: AwsClusterNetwork = {
  vpcId: "vpc-0c2",
  cidrBlocks: ["10.101.0.0/16"],
  routeTableIds: ["rtb-0b1"],
  subnetIds: ["subnet-0b1", "subnet-0b2", "subnet-0b3"],
};

type Network = NonNullable<AwsCompileOptions["awsNetwork"]>;
const compile = (awsNetwork: Network) => compileAws(model, undefined, { awsNetwork });
const problemsOf = (awsNetwork: Network) => {
  try {
    compile(awsNetwork);
  } catch (error) {
    if (error instanceof InputError)
      return error.diagnostics.map((d) => ({ code: d.code, path: d.path, message: d.message }));
    throw error;
  }
  return [];
};

const NETWORK_TYPES =
  /^aws:(ec2\/(route|vpcPeeringConnection|vpcPeeringConnectionAccepter):|ec2transitgateway\/)/;
const network = (plan: ResourcePlan) => plan.resources.filter((r) => NETWORK_TYPES.test(r.type));

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden");
function golden(name: string, plan: ResourcePlan): void {
  const file = join(GOLDEN, `${name}.json`);
  const text = `${JSON.stringify(network(plan), null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
  }
  expect(existsSync(file), `run UPDATE_GOLDEN=1 npx vitest run ${fileURLToPath(import.meta.url)}`).toBe(true);
  expect(text).toBe(readFileSync(file, "utf8"));
}

/** The security group ingress of a component in a region, as caller → CIDRs. */
const ingress = (plan: ResourcePlan, name: string) =>
  Object.fromEntries(
    (named(plan, name).inputs.ingress as { description: string; cidrBlocks: string[] }[]).map((rule) => [
      rule.description.split(" ")[0],
      rule.cidrBlocks,
    ]),
  );

describe("network path: none configured", () => {
  it("adds nothing (the network path is the operator's), as before", () => {
    expect(network(compileAws(model))).toEqual([]);
  });
});

describe("network path: VPC peering", () => {
  const plan = compile({ "eu-west-1": { cluster: WEST }, "eu-central-1": { cluster: CENTRAL } });

  it("peers each cluster VPC with each datastore VPC its pods call; cross-region ones accepted there", () => {
    expect(
      byType(plan, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection").map((r) => [
        r.name,
        r.region,
        r.inputs,
      ]),
    ).toEqual([
      [
        "aws-peering-to-eu-central-1-eu-central-1",
        "eu-central-1",
        {
          autoAccept: true,
          peerVpcId: { $ref: "aws-vpc-eu-central-1", property: "id" },
          tags: expect.objectContaining({
            Name: "hybrid-shop eu-central-1 cluster to eu-central-1 datastores",
          }),
          vpcId: "vpc-0c2",
        },
      ],
      [
        "aws-peering-to-eu-west-1-eu-central-1",
        "eu-central-1",
        {
          peerRegion: "eu-west-1",
          peerVpcId: { $ref: "aws-vpc-eu-west-1", property: "id" },
          tags: expect.objectContaining({ Name: "hybrid-shop eu-central-1 cluster to eu-west-1 datastores" }),
          vpcId: "vpc-0c2",
        },
      ],
      [
        "aws-peering-to-eu-west-1-eu-west-1",
        "eu-west-1",
        {
          autoAccept: true,
          peerVpcId: { $ref: "aws-vpc-eu-west-1", property: "id" },
          tags: expect.objectContaining({ Name: "hybrid-shop eu-west-1 cluster to eu-west-1 datastores" }),
          vpcId: "vpc-0c1",
        },
      ],
    ]);
    const accepter = named(plan, "aws-peering-from-eu-central-1-eu-west-1");
    expect([
      accepter.type,
      accepter.region,
      accepter.inputs.autoAccept,
      accepter.inputs.vpcPeeringConnectionId,
    ]).toEqual([
      "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
      "eu-west-1",
      true,
      { $ref: "aws-peering-to-eu-west-1-eu-central-1", property: "id" },
    ]);
  });

  it("routes both ways in every route table: the cluster's to the datastore VPC, the datastore VPC's main table back", () => {
    const routes = byType(plan, "aws:ec2/route:Route").map((r) => ({
      region: r.region,
      table: r.inputs.routeTableId,
      to: r.inputs.destinationCidrBlock,
      via: (r.inputs.vpcPeeringConnectionId as { $ref: string }).$ref,
      after: r.options?.dependsOn ?? [],
    }));
    const main = (region: string) => ({ $ref: `aws-vpc-${region}`, property: "mainRouteTableId" });
    const cross = ["aws-peering-from-eu-central-1-eu-west-1"];
    expect(routes).toEqual(
      expect.arrayContaining([
        // eu-west-1's cluster ↔ eu-west-1's datastores (10.30.0.0/16)
        {
          region: "eu-west-1",
          table: "rtb-0a1",
          to: "10.30.0.0/16",
          via: "aws-peering-to-eu-west-1-eu-west-1",
          after: [],
        },
        {
          region: "eu-west-1",
          table: "rtb-0a2",
          to: "10.30.0.0/16",
          via: "aws-peering-to-eu-west-1-eu-west-1",
          after: [],
        },
        {
          region: "eu-west-1",
          table: main("eu-west-1"),
          to: "10.100.0.0/16",
          via: "aws-peering-to-eu-west-1-eu-west-1",
          after: [],
        },
        // eu-central-1's cluster → eu-west-1's writer and brokers, after the accepter
        {
          region: "eu-central-1",
          table: "rtb-0b1",
          to: "10.30.0.0/16",
          via: "aws-peering-to-eu-west-1-eu-central-1",
          after: cross,
        },
        {
          region: "eu-west-1",
          table: main("eu-west-1"),
          to: "10.101.0.0/16",
          via: "aws-peering-to-eu-west-1-eu-central-1",
          after: cross,
        },
        // eu-central-1's cluster ↔ its own region's reader (10.25.0.0/16)
        {
          region: "eu-central-1",
          table: "rtb-0b1",
          to: "10.25.0.0/16",
          via: "aws-peering-to-eu-central-1-eu-central-1",
          after: [],
        },
        {
          region: "eu-central-1",
          table: main("eu-central-1"),
          to: "10.101.0.0/16",
          via: "aws-peering-to-eu-central-1-eu-central-1",
          after: [],
        },
      ]),
    );
    expect(routes.length).toBe(7);
  });

  it("security groups admit the cluster CIDRs of exactly the callers whose pods take the path", () => {
    // Aurora writer region: checkout and fulfilment from both clusters where they run.
    expect(ingress(plan, "orders-sg-eu-west-1")).toEqual({
      checkout: ["10.100.0.0/16", "10.101.0.0/16", "10.30.0.0/16"],
      fulfilment: ["10.100.0.0/16", "10.30.0.0/16"],
    });
    // The eu-central-1 reader: only pods in eu-central-1 use it.
    expect(ingress(plan, "orders-sg-eu-central-1")).toEqual({
      checkout: ["10.101.0.0/16", "10.25.0.0/16"],
      fulfilment: ["10.25.0.0/16"],
    });
    expect(ingress(plan, "order-events-sg-eu-west-1")).toEqual({
      checkout: ["10.100.0.0/16", "10.101.0.0/16", "10.30.0.0/16"],
      fulfilment: ["10.100.0.0/16", "10.30.0.0/16"],
    });
  });

  it("matches the golden", () => golden("peering", plan));
});

describe("network path: transit gateways", () => {
  const tgw = (c: AwsClusterNetwork): AwsClusterNetwork => ({ ...c, connect: "transit-gateway" });
  const plan = compile({ "eu-west-1": { cluster: tgw(WEST) }, "eu-central-1": { cluster: tgw(CENTRAL) } });

  it("a gateway per region with distinct ASNs, both VPCs attached in each, one peering accepted in the other region", () => {
    expect(
      byType(plan, "aws:ec2transitgateway/transitGateway:TransitGateway").map((r) => [
        r.name,
        r.inputs.amazonSideAsn,
      ]),
    ).toEqual([
      ["aws-tgw-eu-central-1", 64537],
      ["aws-tgw-eu-west-1", 64542],
    ]);
    expect(
      byType(plan, "aws:ec2transitgateway/vpcAttachment:VpcAttachment").map((r) => [
        r.name,
        r.inputs.vpcId,
        r.inputs.subnetIds,
      ]),
    ).toEqual([
      ["aws-tgw-attachment-cluster-eu-central-1", "vpc-0c2", CENTRAL.subnetIds],
      [
        "aws-tgw-attachment-datastores-eu-central-1",
        { $ref: "aws-vpc-eu-central-1", property: "id" },
        ["a", "b", "c"].map((z) => ({ $ref: `aws-subnet-eu-central-1${z}`, property: "id" })),
      ],
      ["aws-tgw-attachment-cluster-eu-west-1", "vpc-0c1", WEST.subnetIds],
      [
        "aws-tgw-attachment-datastores-eu-west-1",
        { $ref: "aws-vpc-eu-west-1", property: "id" },
        ["a", "b", "c"].map((z) => ({ $ref: `aws-subnet-eu-west-1${z}`, property: "id" })),
      ],
    ]);
    expect(
      byType(plan, "aws:ec2transitgateway/peeringAttachment:PeeringAttachment").map((r) => [
        r.name,
        r.region,
        r.inputs,
      ]),
    ).toEqual([
      [
        "aws-tgw-peering-to-eu-west-1-eu-central-1",
        "eu-central-1",
        {
          peerRegion: "eu-west-1",
          peerTransitGatewayId: { $ref: "aws-tgw-eu-west-1", property: "id" },
          tags: expect.any(Object),
          transitGatewayId: { $ref: "aws-tgw-eu-central-1", property: "id" },
        },
      ],
    ]);
    expect(
      named(plan, "aws-tgw-peering-from-eu-central-1-eu-west-1").inputs.transitGatewayAttachmentId,
    ).toEqual({
      $ref: "aws-tgw-peering-to-eu-west-1-eu-central-1",
      property: "id",
    });
  });

  it("static routes to the peering in both gateways, VPC routes to the gateway after each attachment", () => {
    expect(
      byType(plan, "aws:ec2transitgateway/route:Route").map((r) => [
        r.region,
        r.inputs.destinationCidrBlock,
        r.options?.dependsOn,
      ]),
    ).toEqual(
      [
        ["eu-west-1", "10.101.0.0/16", ["aws-tgw-peering-from-eu-central-1-eu-west-1"]],
        ["eu-central-1", "10.30.0.0/16", ["aws-tgw-peering-from-eu-central-1-eu-west-1"]],
      ].sort((a, b) => byText(String(a[0]), String(b[0]))),
    );
    const route = named(plan, "aws-route-rtb-0b1-10-30-0-0-16-eu-central-1");
    expect([route.inputs.transitGatewayId, route.options?.dependsOn]).toEqual([
      { $ref: "aws-tgw-eu-central-1", property: "id" },
      ["aws-tgw-attachment-cluster-eu-central-1"],
    ]);
    const back = named(plan, "aws-route-main-10-101-0-0-16-eu-west-1");
    expect([back.inputs.transitGatewayId, back.options?.dependsOn]).toEqual([
      { $ref: "aws-tgw-eu-west-1", property: "id" },
      ["aws-tgw-attachment-datastores-eu-west-1"],
    ]);
  });

  it("matches the golden", () => golden("transit-gateway", plan));
});

describe("network path: the cluster in the datastores' own VPC", () => {
  it("adds no path, and the security group admits the cluster's CIDRs", () => {
    const plan = compile({
      "eu-west-1": {
        vpcId: "vpc-0c1",
        subnetIds: ["subnet-0a1", "subnet-0a2", "subnet-0a3"],
        cluster: WEST,
      },
    });
    expect(network(plan)).toEqual([]);
    expect(ingress(plan, "order-events-sg-eu-west-1")).toEqual({
      checkout: ["10.100.0.0/16"],
      fulfilment: ["10.100.0.0/16"],
    });
  });
});

describe("network path: what cannot be compiled", () => {
  it("an existing datastore VPC reached from another VPC needs its CIDRs and route tables", () => {
    expect(
      problemsOf({
        "eu-west-1": {
          vpcId: "vpc-0d1",
          subnetIds: ["subnet-0d1", "subnet-0d2", "subnet-0d3"],
          callerCidrs: ["10.9.0.0/16"],
        },
        "eu-central-1": { cluster: CENTRAL },
      }).map((p) => [p.code, p.path]),
    ).toEqual([["aws/network-path-vpc", 'topoplan:network["eu-west-1"]']]);
  });

  it("overlapping cluster and datastore ranges, a transit gateway without subnets, an open CIDR", () => {
    expect(
      problemsOf({
        "eu-west-1": { cluster: { ...WEST, cidrBlocks: ["10.30.128.0/17"] } },
        "eu-central-1": {
          cluster: {
            vpcId: "vpc-0c2",
            cidrBlocks: ["10.101.0.0/16"],
            routeTableIds: ["rtb-0b1"],
            connect: "transit-gateway",
          },
        },
      }).map((p) => [p.code, p.path]),
    ).toEqual([
      ["aws/network-path-subnets", 'topoplan:network["eu-central-1"].cluster.subnetIds'],
      ["aws/network-path-overlap", 'topoplan:network["eu-west-1"].cluster.cidrBlocks'],
    ]);
    expect(
      problemsOf({ "eu-west-1": { cluster: { ...WEST, cidrBlocks: ["0.0.0.0/0"] } } }).map((p) => p.code),
    ).toContain("aws/open-ingress");
  });

  it("from a region without a copy, to the VPCs of the copies its pods get: the nearest reader, the leader's writer", () => {
    // checkout in eu-north-1: orders' nearest copy is eu-central-1's (22.8 ms, vs 40.5 ms to the
    // leader's eu-west-1), order-events has eu-west-1's cluster only.
    const spec = structuredClone(hybrid) as unknown as {
      services: Record<string, { regions: string[] }>;
    };
    spec.services.checkout!.regions = ["eu-west-1", "eu-north-1"];
    const north = { ...CENTRAL, vpcId: "vpc-0n1", cidrBlocks: ["10.102.0.0/16"] };
    const paths = compileAws(modelOf(spec as unknown as typeof hybrid), undefined, {
      awsNetwork: { "eu-north-1": { cluster: north } },
    });
    expect(
      byType(paths, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection").map((r) => [
        r.region,
        r.inputs.peerRegion,
      ]),
    ).toEqual([
      ["eu-north-1", "eu-central-1"],
      ["eu-north-1", "eu-west-1"],
    ]);
  });

  it("to an MSK mirror only for consumers: a producer there writes to a stream region's cluster", () => {
    // order-events is in eu-west-1, mirrored into eu-north-1; checkout produces, fulfilment consumes.
    const spec = structuredClone(hybrid) as unknown as {
      services: Record<string, { regions: string[] }>;
      streams: Record<string, { mirrorRegions?: string[] }>;
    };
    spec.streams["order-events"]!.mirrorRegions = ["eu-north-1"];
    const north = { ...CENTRAL, vpcId: "vpc-0n1", cidrBlocks: ["10.102.0.0/16"] };
    const peered = (service: string) => {
      const edited = structuredClone(spec);
      edited.services[service]!.regions = ["eu-north-1"];
      const paths = compileAws(modelOf(edited as unknown as typeof hybrid), undefined, {
        awsNetwork: { "eu-north-1": { cluster: north } },
      });
      return byType(paths, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection").map(
        (r) => r.inputs.peerRegion ?? r.region,
      );
    };
    // checkout also calls orders (Aurora: eu-central-1's reader, eu-west-1's writer).
    expect(peered("checkout")).toEqual(["eu-central-1", "eu-west-1"]);
    expect(peered("fulfilment")).toContain("eu-north-1");
  });

  it("never a path from a cluster region outside the component's residency", () => {
    const spec = structuredClone(hybrid) as unknown as {
      services: Record<string, { regions: string[]; residency?: string[] }>;
    };
    spec.services.checkout!.regions = ["eu-west-1", "us-east-1"];
    delete spec.services.checkout!.residency;
    const problems = (() => {
      try {
        compileAws(modelOf(spec as unknown as typeof hybrid), undefined, {
          awsNetwork: { "us-east-1": { cluster: { ...CENTRAL, vpcId: "vpc-0e1" } } },
        });
      } catch (error) {
        if (error instanceof InputError) return error.diagnostics;
        throw error;
      }
      return [];
    })();
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ["aws/residency", "services.checkout.regions[1]"],
      ["aws/residency", "services.checkout.regions[1]"],
    ]);
    expect(problems[0]!.message).toMatch(
      /^a network path for checkout in us-east-1 \(.*\) is outside the residency EU of datastores\.orders/,
    );
  });
});

describe("cidrsOverlap", () => {
  it.each([
    ["10.0.0.0/16", "10.0.255.0/24", true],
    ["10.0.0.0/16", "10.1.0.0/16", false],
    ["10.30.128.0/17", "10.30.0.0/16", true],
    ["192.168.0.0/24", "192.168.1.0/24", false],
    ["10.0.0.5/8", "10.200.0.0/16", true],
  ])("%s and %s: %s", (a, b, expected) => {
    expect(cidrsOverlap(a, b)).toBe(expected);
    expect(cidrsOverlap(b, a)).toBe(expected);
  });
});
