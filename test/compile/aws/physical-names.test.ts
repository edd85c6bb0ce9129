import { describe, expect, it } from "vitest";
import { physicalName, rdsIdentifier, stackPart } from "../../../src/compile/aws/names.js";
import { at, byType, euSpec, named, plan } from "./helpers.js";

/** RDS: a letter first, letters/digits/hyphens, no "--", no trailing hyphen (RDS naming constraints). */
const RDS_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/;

const rdsIdentifiers = (spec = euSpec(), options = {}) => {
  const p = plan(spec, options);
  return [
    ...byType(p, "aws:rds/globalCluster:GlobalCluster").map((r) => at(r.inputs, "globalClusterIdentifier")),
    ...byType(p, "aws:rds/cluster:Cluster").flatMap((r) => [
      at(r.inputs, "clusterIdentifier"),
      at(r.inputs, "finalSnapshotIdentifier"),
    ]),
    ...byType(p, "aws:rds/clusterInstance:ClusterInstance").map((r) => at(r.inputs, "identifier")),
  ] as string[];
};

describe("physical names", () => {
  it("carry the stack lower-cased, with anything but letters, digits and '-' as one '-'", () => {
    expect(stackPart("Prod_EU.1")).toBe("prod-eu-1");
    expect(stackPart("a..b__c")).toBe("a-b-c");
    expect(stackPart("_dev_")).toBe("dev");
    expect(stackPart("dev")).toBe("dev");
    expect(stackPart("___")).toMatch(/^stack-[a-z0-9]+$/);
    const p = plan(euSpec(), { stack: "Prod_EU.1" });
    expect(at(named(p, "carts-table").inputs, "name")).toBe("shop-prod-eu-1-carts");
    expect(at(named(p, "media-bucket-eu-west-1").inputs, "bucketPrefix")).toBe(
      "shop-prod-eu-1-media-eu-west-1-",
    );
    expect(at(named(p, "aws-dashboard-eu-west-1").inputs, "dashboardName")).toBe("shop-prod-eu-1-eu-west-1");
    for (const id of rdsIdentifiers(euSpec(), { stack: "Prod_EU.1" })) expect(id).toMatch(RDS_IDENTIFIER);
  });

  it("RDS identifiers of a component named led--ger have no '--', and stay apart from led-ger's", () => {
    const spec = euSpec() as unknown as { datastores: Record<string, unknown> };
    spec.datastores["led--ger"] = spec.datastores.orders;
    spec.datastores["led-ger"] = spec.datastores.orders;
    const ids = rdsIdentifiers(spec as never);
    for (const id of ids) expect(id).toMatch(RDS_IDENTIFIER);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("RDS identifiers are left alone when already valid", () => {
    expect(rdsIdentifier("shop-orders-eu-west-1", 63)).toBe("shop-orders-eu-west-1");
    expect(rdsIdentifier("shop-led--ger-", 63)).toMatch(/^shop-led-ger-[a-z0-9]{6}$/);
  });

  it("honour the length limit whatever the separator", () => {
    const parts = ["shop", "x".repeat(300), "eu-west-1"];
    for (const separator of ["-", "/"]) {
      const name = physicalName(parts, 255, separator);
      expect(name.length).toBeLessThanOrEqual(255);
      expect(name).not.toBe(physicalName(["shop", "y".repeat(300), "eu-west-1"], 255, separator));
    }
    expect(physicalName(["a", "b"], 255, "/")).toBe("a/b");
  });
});

describe("MSK configuration", () => {
  it("is named after its Kafka version, so a version change (a replacement) creates a new name", () => {
    const name = (engineVersion?: string) => {
      const spec = euSpec() as unknown as { streams: { events: { deploy: object } } };
      spec.streams.events.deploy = {
        target: "aws",
        service: "msk",
        ...(engineVersion ? { engineVersion } : {}),
      };
      return at(named(plan(spec as never), "events-msk-config-eu-west-1").inputs, "name") as string;
    };
    expect(name()).toBe("shop-events-eu-west-1-kafka-3-8-x");
    expect(name("3.9.x")).toBe("shop-events-eu-west-1-kafka-3-9-x");
    // MSK configuration names: letters, digits and hyphens.
    expect(name("3.7.x.kraft")).toMatch(/^[A-Za-z0-9][A-Za-z0-9-]*$/);
  });
});
