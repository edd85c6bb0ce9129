import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileAws } from "../../../src/compile/aws/index.js";
import { InputError } from "../../../src/diagnostics/diagnostic.js";
import { at, byType, euSpec, modelOf, named, plan, stringsIn } from "./helpers.js";

const compiled = plan(euSpec());

describe("MSK", () => {
  const cluster = named(compiled, "events-msk-cluster-eu-west-1");

  it("runs a cluster per stream region over three zones", () => {
    expect(byType(compiled, "aws:msk/cluster:Cluster").map((c) => c.region)).toEqual([
      "eu-central-1",
      "eu-west-1",
    ]);
    expect(at(cluster.inputs, "brokerNodeGroupInfo", "clientSubnets")).toEqual(
      ["eu-west-1a", "eu-west-1b", "eu-west-1c"].map((zone) => ({
        $ref: `aws-subnet-${zone}`,
        property: "id",
      })),
    );
    expect(at(cluster.inputs, "numberOfBrokerNodes")).toBe(3);
  });

  it("encrypts in transit (TLS, in-cluster) and at rest with the region's key; monitoring at the free DEFAULT level", () => {
    expect(cluster.inputs).toMatchObject({
      encryptionInfo: {
        encryptionAtRestKmsKeyArn: { $ref: "events-kms-key-eu-west-1", property: "arn" },
        encryptionInTransit: { clientBroker: "TLS", inCluster: true },
      },
      clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
      enhancedMonitoring: "DEFAULT",
      configurationInfo: {
        arn: { $ref: "events-msk-config-eu-west-1", property: "arn" },
        revision: { $ref: "events-msk-config-eu-west-1", property: "latestRevision" },
      },
    });
    expect(cluster.options).toEqual({ protect: true, retainOnDelete: true });
  });

  it("carries the spec's durability settings in its configuration", () => {
    const properties = String(at(named(compiled, "events-msk-config-eu-west-1").inputs, "serverProperties"));
    for (const line of [
      "default.replication.factor=3",
      "min.insync.replicas=2",
      "unclean.leader.election.enable=false",
      "auto.create.topics.enable=false",
    ])
      expect(properties.split("\n")).toContain(line);
  });

  it("always has a broker count that is a multiple of the zones and at least the replication factor", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), (replicas) => {
        const spec = euSpec();
        const stream = (spec.streams as Record<string, Record<string, unknown>>).events!;
        Object.assign(stream, { replicas, minInSync: 1 });
        const brokers = at(named(plan(spec), "events-msk-cluster-eu-west-1").inputs, "numberOfBrokerNodes");
        expect(typeof brokers).toBe("number");
        expect((brokers as number) % 3).toBe(0);
        expect(brokers as number).toBeGreaterThanOrEqual(replicas);
        expect(brokers as number).toBeLessThan(replicas + 3);
      }),
      { numRuns: 9 },
    );
  });
});

describe("networking", () => {
  it("creates a private VPC per region with a deterministic 10.x range and a subnet per zone used", () => {
    expect(named(compiled, "aws-vpc-eu-west-1").inputs).toMatchObject({ cidrBlock: "10.30.0.0/16" });
    expect(named(compiled, "aws-vpc-eu-central-1").inputs).toMatchObject({ cidrBlock: "10.25.0.0/16" });
    expect(named(compiled, "aws-subnet-eu-west-1b").inputs).toMatchObject({
      cidrBlock: "10.30.16.0/20",
      availabilityZone: "eu-west-1b",
      mapPublicIpOnLaunch: false,
    });
    // DynamoDB and S3 need no VPC: eu-north-1 only holds a DynamoDB replica.
    expect(
      compiled.resources.filter((r) => r.type.startsWith("aws:ec2/") && r.region === "eu-north-1"),
    ).toEqual([]);
  });

  it("admits exactly the declared callers, on the engine port, from the region's VPC", () => {
    const sg = named(compiled, "orders-sg-eu-central-1");
    expect(at(sg.inputs, "ingress")).toEqual([
      {
        description: "api calls orders",
        protocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        cidrBlocks: ["10.25.0.0/16"],
      },
      {
        description: "worker calls orders",
        protocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        cidrBlocks: ["10.25.0.0/16"],
      },
    ]);
    expect(at(sg.inputs, "egress")).toEqual([]);
    const msk = named(compiled, "events-sg-eu-west-1");
    expect(
      (at(msk.inputs, "ingress") as { description: string; fromPort: number }[]).map((r) => r.description),
    ).toEqual(["api calls events", "worker calls events"]);
  });

  it("never opens ingress to the internet", () => {
    expect(stringsIn(compiled.resources).filter((s) => s === "0.0.0.0/0" || s === "::/0")).toEqual([]);
  });

  it("uses configured VPCs, subnets and caller CIDRs instead of creating them", () => {
    const p = plan(euSpec(), {
      awsNetwork: {
        "eu-west-1": {
          vpcId: "vpc-1",
          subnetIds: ["subnet-a", "subnet-b", "subnet-c", "subnet-d"],
          callerCidrs: ["100.64.0.0/16"],
        },
        "eu-central-1": { callerCidrs: ["100.65.0.0/16"] },
      },
    });
    expect(
      p.resources.filter(
        (r) =>
          r.region === "eu-west-1" &&
          r.type.startsWith("aws:ec2/") &&
          r.type !== "aws:ec2/securityGroup:SecurityGroup",
      ),
    ).toEqual([]);
    expect(at(named(p, "orders-subnet-group-eu-west-1").inputs, "subnetIds")).toEqual([
      "subnet-a",
      "subnet-b",
      "subnet-c",
      "subnet-d",
    ]);
    expect(
      at(named(p, "events-msk-cluster-eu-west-1").inputs, "brokerNodeGroupInfo", "clientSubnets"),
    ).toEqual(["subnet-a", "subnet-b", "subnet-c"]);
    expect(at(named(p, "orders-sg-eu-west-1").inputs, "vpcId")).toBe("vpc-1");
    expect(at(named(p, "orders-sg-eu-west-1").inputs, "ingress", 0, "cidrBlocks")).toEqual(["100.64.0.0/16"]);
    // eu-central-1 keeps topoplan's VPC but admits the configured callers.
    expect(named(p, "aws-vpc-eu-central-1").inputs).toMatchObject({ cidrBlock: "10.25.0.0/16" });
    expect(at(named(p, "orders-sg-eu-central-1").inputs, "ingress", 0, "cidrBlocks")).toEqual([
      "100.65.0.0/16",
    ]);
  });

  it("refuses a /0 caller CIDR and an existing VPC without caller CIDRs, naming the config path", () => {
    const model = modelOf(euSpec());
    const open = () =>
      compileAws(model, undefined, {
        awsNetwork: { "eu-west-1": { callerCidrs: ["10.0.0.0/8", "0.0.0.0/0"] } },
      });
    expect(open).toThrow(InputError);
    expect(open).toThrow(/topoplan:network\["eu-west-1"\]\.callerCidrs\[1\]: "0\.0\.0\.0\/0" would open/);
    const blind = () =>
      compileAws(model, undefined, {
        awsNetwork: { "eu-west-1": { vpcId: "vpc-1", subnetIds: ["s-1", "s-2", "s-3"] } },
      });
    expect(blind).toThrow(
      /callerCidrs: an existing VPC \(vpc-1\) is configured for eu-west-1 without callerCidrs/,
    );
  });
});
