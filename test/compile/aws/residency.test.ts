import { describe, expect, it } from "vitest";
import { residency } from "../../../policies/rules/residency.js";
import type { Analysis } from "../../../src/analysis/types.js";
import { isAllowedIn } from "../../../src/catalog/catalog.js";
import { compileAws } from "../../../src/compile/aws/index.js";
import { InputError } from "../../../src/diagnostics/diagnostic.js";
import { euSpec, modelOf, plan } from "./helpers.js";

function compileError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("residency: the aws target's second line of defence", () => {
  it("never places a copy of EU data outside the EU (Compliance)", () => {
    const model = modelOf(euSpec());
    const p = compileAws(model);
    const eu = (region: string) => isAllowedIn(model.catalog.regions.get(region)!, ["EU"]);
    for (const resource of p.resources) expect(eu(resource.region)).toBe(true);
    for (const table of p.resources.filter((r) => r.type === "aws:dynamodb/table:Table"))
      for (const replica of table.inputs.replicas as { regionName: string }[])
        expect(eu(replica.regionName)).toBe(true);
  });

  const cases = [
    {
      what: "a DynamoDB replica",
      spec: euSpec({ carts: { placement: { "eu-west-1": 1, "eu-central-1": 1, "us-east-1": 1 } } }),
      path: 'datastores.carts.placement["us-east-1"]',
      message: /global-table replica in us-east-1 \(jurisdiction US\) is outside the residency EU/,
    },
    {
      what: "an Aurora secondary cluster",
      spec: euSpec({ orders: { placement: { "eu-west-1": 3, "eu-west-2": 2 } } }),
      path: 'datastores.orders.placement["eu-west-2"]',
      message: /secondary cluster in eu-west-2 \(jurisdiction GB\)/,
    },
    {
      what: "an S3 replication destination",
      spec: euSpec({ media: { placement: { "eu-west-1": 1, "eu-central-2": 1 } } }),
      path: 'datastores.media.placement["eu-central-2"]',
      message: /replication destination bucket in eu-central-2/,
    },
    {
      what: "a backup",
      spec: euSpec({ orders: { backup: { regions: ["us-west-2"] } } }),
      path: "datastores.orders.backup.regions[0]",
      message: /backup in us-west-2/,
    },
  ];

  for (const { what, spec, path, message } of cases) {
    it(`refuses ${what} outside the residency, naming the path and the region (Noncompliance)`, () => {
      const error = compileError(() => plan(spec));
      expect(error.diagnostics.map((d) => [d.code, d.path])).toContainEqual(["aws/residency", path]);
      expect(error.message).toMatch(message);
    });

    it(`${what} outside the residency is rejected by the residency rule before compilation`, () => {
      const findings = residency.check(modelOf(spec), {} as Analysis, {});
      expect(findings.length).toBeGreaterThan(0);
    });
  }

  it("refuses an MSK cluster outside the stream's residency", () => {
    const spec = euSpec();
    const stream = (spec.streams as Record<string, Record<string, unknown>>).events!;
    stream.regions = ["eu-west-1", "us-east-1"];
    const error = compileError(() => plan(spec));
    expect(error.diagnostics.map((d) => d.path)).toEqual(["streams.events.regions[1]"]);
  });

  it("reports every violation in one run, and emits nothing", () => {
    const spec = euSpec({
      carts: { placement: { "eu-west-1": 1, "us-east-1": 1, "ap-northeast-1": 1 } },
      orders: { backup: { regions: ["us-west-2"] } },
    });
    const error = compileError(() => plan(spec));
    expect(error.diagnostics.map((d) => d.path)).toEqual([
      'datastores.carts.placement["ap-northeast-1"]',
      'datastores.carts.placement["us-east-1"]',
      "datastores.orders.backup.regions[0]",
    ]);
  });
});
