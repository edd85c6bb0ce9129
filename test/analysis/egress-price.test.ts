import { describe, expect, it } from "vitest";
import { egressUsdPerGb } from "../../src/analysis/bandwidth.js";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { EGRESS_PRICING, PROVIDER_EGRESS } from "../../src/catalog/data/defaults.js";

const site = { country: "JP", zones: ["dc-a", "dc-b"], rttMs: { "ap-northeast-1": 2 } };
const catalog = buildCatalog({
  regions: { "tokyo-dc": { ...site, egressUsdPerGb: 0.041 }, "osaka-dc": site },
});

describe("egress price per GB between two regions", () => {
  it("a site of the user's own is billed at its declared price, whatever the destination's continent", () => {
    expect(egressUsdPerGb(catalog, "tokyo-dc", "ap-northeast-1")).toBe(0.041);
    expect(egressUsdPerGb(catalog, "tokyo-dc", "us-east-1")).toBe(0.041);
  });

  it("a site without a declared price gets the default inter-region price", () => {
    expect(egressUsdPerGb(catalog, "osaka-dc", "eu-west-1")).toBe(EGRESS_PRICING.interRegionUsdPerGb);
  });

  it("GCP prices by continent, AWS by source region, across providers the internet price", () => {
    expect(egressUsdPerGb(catalog, "europe-west1", "us-central1")).toBe(
      PROVIDER_EGRESS.gcp.otherContinentUsdPerGb,
    );
    expect(egressUsdPerGb(catalog, "eu-west-1", "ap-northeast-1")).toBe(
      catalog.regions.get("eu-west-1")!.egressUsdPerGb,
    );
    expect(egressUsdPerGb(catalog, "eu-west-1", "europe-west1")).toBe(PROVIDER_EGRESS.aws.internetUsdPerGb);
  });
});
