import { describe, expect, it } from "vitest";
import { compileAws } from "../../../src/compile/aws/index.js";
import { InputError } from "../../../src/diagnostics/diagnostic.js";
import type { Model } from "../../../src/model/types.js";
import { validateTopology } from "../../../src/spec/validate.js";
import { at, byType, euSpec, modelOf, named, plan } from "./helpers.js";

const problemsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error.diagnostics;
    throw error;
  }
  throw new Error("no InputError");
};

describe("Aurora DB subnet group", () => {
  it("covers two zones even when every instance is in one zone, and no more; instances stay in it", () => {
    const p = plan(
      euSpec({
        orders: {
          replicas: 2,
          placement: { "eu-west-1": 1, "eu-central-1": 1 },
          zones: { "eu-west-1": ["eu-west-1a"], "eu-central-1": ["eu-central-1b"] },
        },
      }),
    );
    // The placement's zone and one more: a subnet in every zone of a region is a subnet some
    // accounts cannot create (us-east-1 has six zone names).
    expect(at(named(p, "orders-subnet-group-eu-central-1").inputs, "subnetIds")).toEqual(
      ["a", "b"].map((z) => ({ $ref: `aws-subnet-eu-central-1${z}`, property: "id" })),
    );
    expect(at(named(p, "orders-instance-1-eu-central-1").inputs, "availabilityZone")).toBe("eu-central-1b");
    expect(at(named(p, "orders-instance-1-eu-west-1").inputs, "availabilityZone")).toBe("eu-west-1a");
    // The subnets it names exist.
    expect(named(p, "aws-subnet-eu-central-1a").type).toBe("aws:ec2/subnet:Subnet");
  });

  it("is refused, naming the placement and the fix, where fewer than two zones are known", () => {
    const model = modelOf(
      euSpec({ orders: { zones: { "eu-west-1": ["eu-west-1a"], "eu-central-1": ["eu-central-1a"] } } }),
    );
    const regions = new Map(model.catalog.regions);
    regions.set("eu-central-1", { ...regions.get("eu-central-1")!, zones: ["eu-central-1a"] });
    const oneZone: Model = { ...model, catalog: { ...model.catalog, regions } };
    const problems = problemsOf(() => compileAws(oneZone));
    expect(problems).toEqual([
      expect.objectContaining({
        code: "aws/aurora-zones",
        path: 'datastores.orders.placement["eu-central-1"]',
        message: expect.stringContaining("at least two zones"),
        fix: expect.stringContaining('topoplan:network["eu-central-1"]'),
      }),
    ]);
  });
});

describe("Aurora instances per cluster", () => {
  const seventeen = euSpec({ orders: { replicas: 18, placement: { "eu-west-1": 17, "eu-central-1": 1 } } });

  it("more than 16 replicas in a region fail validation (check exits 2) with the path and the fix", () => {
    const result = validateTopology(seventeen);
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: "spec/deploy-limit",
        severity: "error",
        path: "datastores.orders.placement.eu-west-1",
        message:
          "17 replicas in eu-west-1, but an Aurora cluster holds at most 16 instances (1 writer, 15 readers)",
        fix: "place at most 16 replicas in eu-west-1, or spread them over more regions",
      }),
    ]);
  });

  it("16 pass, and promotion tiers stay within 0–15", () => {
    const p = plan(euSpec({ orders: { replicas: 17, placement: { "eu-west-1": 16, "eu-central-1": 1 } } }));
    const tiers = byType(p, "aws:rds/clusterInstance:ClusterInstance")
      .filter((i) => i.region === "eu-west-1")
      .map((i) => at(i.inputs, "promotionTier") as number);
    expect(tiers).toHaveLength(16);
    expect(Math.max(...tiers)).toBe(15);
  });

  it("the compiler refuses too (a model the spec check did not see, e.g. a solver's placement)", () => {
    const model = modelOf(euSpec());
    const orders = model.datastores.find((d) => d.name === "orders")!;
    const many = {
      ...orders,
      placement: orders.placement.map((p) =>
        p.region === "eu-west-1" ? { ...p, replicas: 17, voters: 17 } : p,
      ),
    };
    const problems = problemsOf(() =>
      compileAws({ ...model, datastores: model.datastores.map((d) => (d === orders ? many : d)) }),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        code: "aws/aurora-instances",
        path: 'datastores.orders.placement["eu-west-1"]',
        fix: "place at most 16 replicas in eu-west-1",
      }),
    ]);
  });
});
