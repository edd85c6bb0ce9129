import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/gen-catalog.js";
import { CLOUD_PATHS, readCloudInputs, renderCloudFiles } from "../../scripts/gen-clouds.js";
import { analyse } from "../../src/analysis/index.js";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { DISTANCE_MODEL, DISTANCE_MODEL_ERROR } from "../../src/catalog/data/distance.generated.js";
import { resolveModel } from "../../src/model/resolve.js";
import { Topology } from "../../src/spec/schema/topology.js";

const catalog = buildCatalog();

describe("GCP and Azure beside AWS", () => {
  it("the generated files are current (node --import tsx scripts/gen-clouds.ts)", () => {
    const files = renderCloudFiles(readCloudInputs());
    const read = (p: string) => readFileSync(resolve(REPO_ROOT, p), "utf8");
    expect(read(CLOUD_PATHS.gcpOut)).toBe(files.gcp);
    expect(read(CLOUD_PATHS.azureOut)).toBe(files.azure);
    expect(read(CLOUD_PATHS.jitterOut)).toBe(files.jitter);
    expect(read(CLOUD_PATHS.distanceOut)).toBe(files.distance);
  });

  it("ships 32 AWS, 40 GCP (39 + us-central2) and 54 Azure regions with providers and jurisdictions", () => {
    const count = (p: string) => [...catalog.regions.values()].filter((r) => r.provider === p).length;
    expect([count("aws"), count("gcp"), count("azure")]).toEqual([32, 40, 54]);
    expect(catalog.regions.get("europe-west3")).toMatchObject({ country: "DE", jurisdiction: "EU" });
    expect(catalog.regions.get("uksouth")).toMatchObject({ country: "GB", jurisdiction: "GB" });
  });

  it("uses the measured matrices: GCP 2019 ping averages, Azure P50 (symmetric means)", () => {
    // gcp-inter-region-rtt.csv: europe-west1 ↔ europe-west4 and Azure westeurope ↔ northeurope.
    expect(catalog.rttMs("europe-west1", "europe-west4")).toBeGreaterThan(3);
    expect(catalog.rttMs("europe-west1", "europe-west4")).toBeLessThan(12);
    expect(catalog.rttMs("westeurope", "northeurope")).toBeGreaterThan(10);
    expect(catalog.rttMs("westeurope", "northeurope")).toBeLessThan(25);
  });

  it("estimates RTT between providers from distance, with the error measured on held-out matrices", () => {
    // Frankfurt AWS ↔ Frankfurt GCP: same city, so the estimate is the intercept (≈ 6 ms).
    expect(catalog.rttMs("eu-central-1", "europe-west3")).toBeCloseTo(
      Math.round((DISTANCE_MODEL.interceptMs + DISTANCE_MODEL.msPerKm * 0) * 10) / 10,
      1,
    );
    const transatlantic = catalog.rttMs("us-east-1", "westeurope")!;
    expect(transatlantic).toBeGreaterThan(60);
    expect(transatlantic).toBeLessThan(110);
    // Held-out error: median under 25%, p90 under 50% on both GCP and Azure.
    for (const held of [DISTANCE_MODEL_ERROR.gcp, DISTANCE_MODEL_ERROR.azure]) {
      expect(held.pairs).toBeGreaterThan(100);
      expect(held.median).toBeLessThan(0.25);
      expect(held.p90).toBeLessThan(0.5);
    }
  });

  it("custom sites stay unreachable unless they name an RTT (no distance estimate for them)", () => {
    const c = buildCatalog({
      regions: { "dc-a": { country: "DE", zones: ["dc-a-1"], rttMs: {}, lat: 50, lon: 8 } },
    });
    expect(c.rttMs("dc-a", "eu-central-1")).toBeUndefined();
  });

  it("one topology over three clouds analyses, and cross-provider links bill internet egress", () => {
    const m = resolveModel(
      Topology.parse({
        name: "tri",
        users: { "us-east-1": 1 },
        datastores: {
          kv: {
            replication: "consensus",
            replicas: 3,
            placement: { "us-east-1": 1, "us-east4": 1, eastus: 1 },
            leader: "us-east-1",
            traffic: { writesPerSec: 100, readsPerSec: 0, itemBytes: 1000 },
          },
        },
      }),
    );
    const a = analyse(m);
    const ds = a.datastores[0]!;
    const estimates = [catalog.rttMs("us-east-1", "us-east4")!, catalog.rttMs("us-east-1", "eastus")!];
    expect(ds.commitP50Ms).toBeCloseTo(Math.min(...estimates), 9);
    const link = a.links.find((l) => l.from === "us-east-1" && l.to === "us-east4")!;
    // 100 × 1000 B/s over a 730-hour month at AWS internet egress 0.09 USD/GB.
    expect(link.egressUsdPerMonth).toBeCloseTo(((100 * 1000 * 730 * 3600) / 1e9) * 0.09, 6);
  });
});
