import { describe, expect, it } from "vitest";
import { modelIndex } from "../../src/model/model-index.js";
import { resolveModel } from "../../src/model/resolve.js";
import { validateTopology } from "../../src/spec/validate.js";

function model(links: readonly { between: [string, string]; bandwidthMbps?: number }[]) {
  const result = validateTopology({
    name: "t",
    services: { api: { regions: ["eu-west-1", "eu-central-1", "us-east-1"] } },
    network: { links },
  });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.path}: ${d.message}`).join("\n"));
  return resolveModel(result.topology);
}

describe("modelIndex(model).link", () => {
  it("finds a declared link from either end, with its index in network.links", () => {
    const index = modelIndex(
      model([
        { between: ["us-east-1", "eu-west-1"], bandwidthMbps: 500 },
        { between: ["eu-west-1", "eu-central-1"], bandwidthMbps: 2000 },
      ]),
    );
    for (const [a, b] of [
      ["eu-central-1", "eu-west-1"],
      ["eu-west-1", "eu-central-1"],
    ] as const) {
      const link = index.link(a, b);
      expect(link?.bandwidthMbps).toBe(2000);
      expect(link?.index).toBe(1);
    }
    expect(index.link("eu-west-1", "us-east-1")?.bandwidthMbps).toBe(500);
    expect(index.link("us-east-1", "eu-west-1")?.index).toBe(0);
  });

  it("is undefined for a pair no link declares", () => {
    const index = modelIndex(model([{ between: ["us-east-1", "eu-west-1"], bandwidthMbps: 500 }]));
    expect(index.link("eu-west-1", "eu-central-1")).toBeUndefined();
    expect(index.link("us-east-1", "us-east-1")).toBeUndefined();
  });
});
