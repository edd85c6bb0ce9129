import { describe, expect, it } from "vitest";
import { egressUsdPerGb } from "../../src/analysis/bandwidth.js";
import { analyse } from "../../src/analysis/index.js";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { EGRESS_PRICING, PROVIDER_EGRESS } from "../../src/catalog/data/defaults.js";
import { build } from "./helpers.js";

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

  it("from a cloud to a site of the user's own: the source region's internet egress (traffic leaves it)", () => {
    // infracost data_transfer_test, first 10 TB: ap-northeast-1 $1,167.36, sa-east-1 $1,536.00,
    // us-east-1 $921.60 for 10,240 GB.
    expect(egressUsdPerGb(catalog, "ap-northeast-1", "tokyo-dc")).toBe(0.114);
    expect(egressUsdPerGb(catalog, "sa-east-1", "tokyo-dc")).toBe(0.15);
    expect(egressUsdPerGb(catalog, "us-east-1", "osaka-dc")).toBe(0.09);
    expect(egressUsdPerGb(catalog, "asia-northeast1", "osaka-dc")).toBe(PROVIDER_EGRESS.gcp.internetUsdPerGb);
  });

  it("a price declared on the link (Direct Connect) wins in both directions, and the analysis bills it", () => {
    const dx = { egressUsdPerGb: 0.02 };
    expect(egressUsdPerGb(catalog, "ap-northeast-1", "tokyo-dc", dx)).toBe(0.02);
    expect(egressUsdPerGb(catalog, "tokyo-dc", "ap-northeast-1", dx)).toBe(0.02);
    type Links = { between: [string, string]; egressUsdPerGb?: number }[];
    const spec = (links: Links) =>
      build({
        regions: { "tokyo-dc": site },
        network: { links },
        datastores: {
          db: {
            replication: "primary-replica",
            sync: "async",
            replicas: 2,
            leader: "ap-northeast-1",
            placement: { "ap-northeast-1": 1, "tokyo-dc": 1 },
            traffic: { writesPerSec: 1000, readsPerSec: 0, itemBytes: 1000 },
          },
        },
      });
    const billed = (links: Links) =>
      analyse(spec(links)).links.find((l) => l.from === "ap-northeast-1" && l.to === "tokyo-dc")!;
    const internet = billed([]);
    const direct = billed([{ between: ["ap-northeast-1", "tokyo-dc"], egressUsdPerGb: 0.02 }]);
    // 1 MB/s for a 730-hour month: 2,628 GB.
    expect(internet.egressUsdPerMonth).toBeCloseTo(2628 * 0.114, 6);
    expect(direct.egressUsdPerMonth).toBeCloseTo(2628 * 0.02, 6);
  });
});
