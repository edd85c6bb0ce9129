import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  CATALOG_PATHS,
  parseCsv,
  renderCatalogFiles,
  roundTenth,
  zoneNames,
} from "../../scripts/gen-catalog.js";
import { AWS_REGIONS } from "../../src/catalog/data/aws-regions.generated.js";
import { AWS_INTRA_REGION_RTT_MS, AWS_RTT_MS } from "../../src/catalog/data/aws-rtt.generated.js";
import {
  AWS_EGRESS_PRICE_SOURCE,
  CROSS_ZONE_RTT_MS,
  EGRESS_PRICING,
  FAILURE_DEFAULTS,
  REPLICA_COST_DEFAULTS,
} from "../../src/catalog/data/defaults.js";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const fromRoot = (p: string): string => resolve(REPO_ROOT, p);
const CODES: readonly string[] = AWS_REGIONS.map((r) => r.code);

/** Sane RTT in ms: catches values accidentally stored in seconds (< 1) or microseconds (> 1000). */
function expectPlausibleMs(value: number | undefined): void {
  expect(value).toBeTypeOf("number");
  expect(Number.isFinite(value)).toBe(true);
  expect(value).toBeGreaterThan(0);
  expect(value).toBeLessThan(1000);
}

describe("AWS region catalog", () => {
  it("ships the 32 regions of the RTT matrix, unique and sorted by code", () => {
    expect(AWS_REGIONS).toHaveLength(32);
    expect(new Set(CODES).size).toBe(CODES.length);
    expect([...CODES].sort()).toEqual(CODES);
  });

  it.each(AWS_REGIONS.map((r) => [r.code, r] as const))("%s has well-formed metadata", (code, region) => {
    const r: (typeof AWS_REGIONS)[number] = region;
    expect(r.name.length).toBeGreaterThan(0);
    expect(r.country).toMatch(/^[A-Z]{2}$/);
    expect(r.jurisdiction === "EU" || /^[A-Z]{2}$/.test(r.jurisdiction)).toBe(true);
    expect(r.geoGroup.length).toBeGreaterThan(0);

    expect(r.zones.length).toBeGreaterThanOrEqual(2);
    expect(new Set(r.zones).size).toBe(r.zones.length);
    for (const zone of r.zones) expect(zone.startsWith(code)).toBe(true);
    expect(r.zones).toEqual(zoneNames(code, r.azIds.length));
    expect(new Set(r.azIds).size).toBe(r.azIds.length);

    if ("accountZoneLimit" in r) {
      expect(r.accountZoneLimit).toBeGreaterThanOrEqual(2);
      expect(r.accountZoneLimit).toBeLessThan(r.zones.length);
    }
    if ("lat" in r) expect(Math.abs(r.lat)).toBeLessThanOrEqual(90);
    if ("lon" in r) expect(Math.abs(r.lon)).toBeLessThanOrEqual(180);
  });

  it("uses EU as the jurisdiction of EU member states only", () => {
    const eu = AWS_REGIONS.filter((r) => r.jurisdiction === "EU").map((r) => r.code);
    expect(eu).toContain("eu-central-1");
    expect(eu).not.toContain("eu-west-2"); // London
    expect(eu).not.toContain("eu-central-2"); // Zurich
  });
});

describe("AWS RTT matrix", () => {
  it("has a row for exactly the shipped regions", () => {
    expect(Object.keys(AWS_RTT_MS).sort()).toEqual([...CODES]);
  });

  it("is complete for every ordered pair a ≠ b and has no self entries", () => {
    for (const a of CODES) {
      const row = AWS_RTT_MS[a];
      expect(row, a).toBeDefined();
      expect(Object.keys(row ?? {}).sort()).toEqual(CODES.filter((b) => b !== a));
      expect(row?.[a]).toBeUndefined();
    }
  });

  it("is symmetric with plausible millisecond values", () => {
    for (const a of CODES) {
      for (const b of CODES) {
        if (a === b) continue;
        const ab = AWS_RTT_MS[a]?.[b];
        expectPlausibleMs(ab);
        expect(AWS_RTT_MS[b]?.[a], `${a} <-> ${b}`).toBe(ab);
      }
    }
  });

  it("keeps the measured intra-region RTT for every region", () => {
    expect(Object.keys(AWS_INTRA_REGION_RTT_MS).sort()).toEqual([...CODES]);
    for (const code of CODES) expectPlausibleMs(AWS_INTRA_REGION_RTT_MS[code]);
  });

  it("orders well-known pairs sensibly", () => {
    const near = AWS_RTT_MS["us-east-1"]?.["us-east-2"] ?? Number.NaN;
    const far = AWS_RTT_MS["us-east-1"]?.["ap-southeast-2"] ?? Number.NaN;
    expect(near).toBeLessThan(30);
    expect(far).toBeGreaterThan(150);
  });
});

describe("catalog defaults", () => {
  it("has an inter-region egress price for every shipped region", () => {
    for (const code of CODES) {
      const price = EGRESS_PRICING.perRegionOutUsdPerGb[code];
      expect(price, code).toBeTypeOf("number");
      expect(price).toBeGreaterThan(0);
      expect(price).toBeLessThan(1); // USD per GB, not per TB
      expect(AWS_EGRESS_PRICE_SOURCE).toHaveProperty(code);
    }
    expect(Object.keys(EGRESS_PRICING.perRegionOutUsdPerGb).sort()).toEqual([...CODES]);
  });

  it("uses the documented cross-zone price and pair overrides between shipped regions", () => {
    expect(EGRESS_PRICING.crossZoneUsdPerGb).toBe(0.01);
    expect(EGRESS_PRICING.interRegionUsdPerGb).toBeGreaterThan(0);
    for (const [from, row] of Object.entries(EGRESS_PRICING.pairOutUsdPerGb ?? {})) {
      expect(CODES).toContain(from);
      for (const [to, price] of Object.entries(row)) {
        expect(CODES).toContain(to);
        expect(price).toBeGreaterThan(0);
      }
    }
  });

  it("has failure probabilities in (0, 1) with region failures rarer than zone failures", () => {
    const { zoneFailureProbability: zone, regionFailureProbability: region } = FAILURE_DEFAULTS;
    expect(zone).toBeGreaterThan(0);
    expect(zone).toBeLessThan(1);
    expect(region).toBeGreaterThan(0);
    expect(region).toBeLessThan(zone);
  });

  it("has a plausible cross-zone RTT and a consistent replica cost", () => {
    expectPlausibleMs(CROSS_ZONE_RTT_MS);
    expect(CROSS_ZONE_RTT_MS).toBeLessThan(10); // AWS: single-digit milliseconds between AZs
    const c = REPLICA_COST_DEFAULTS;
    expect(c.totalUsdPerMonth).toBeCloseTo(c.instanceUsdPerMonth + c.storageUsdPerMonth, 6);
  });
});

describe("gen-catalog", () => {
  it("parses quoted fields with commas, escaped quotes, newlines and CRLF", () => {
    const csv = 'a,b,c\r\n"x, y","say ""hi""","line1\nline2"\r\n\r\nplain,,end\n';
    expect(parseCsv(csv)).toEqual([
      ["a", "b", "c"],
      ["x, y", 'say "hi"', "line1\nline2"],
      ["plain", "", "end"],
    ]);
    expect(parseCsv("a,b")).toEqual([["a", "b"]]);
    expect(() => parseCsv('a,"b')).toThrow(/unterminated/);
    expect(() => parseCsv('a,b"c')).toThrow(/unexpected quote/);
  });

  it("rounds to 0.1 ms without float artefacts", () => {
    expect(roundTenth(0.15)).toBe(0.2);
    expect(roundTenth(12.25)).toBe(12.3);
    expect(roundTenth(354.6848)).toBe(354.7);
  });

  const dataDir = fromRoot(CATALOG_PATHS.dataDir);
  // The CSVs live outside the repository (../shared/data). Skip only when that directory is absent,
  // e.g. in a standalone checkout; whenever the data is there, the generated files must match it.
  it.skipIf(!existsSync(dataDir))("checked-in generated files are up to date with ../shared/data", () => {
    const regionsCsv = readFileSync(fromRoot(CATALOG_PATHS.regionsCsv), "utf8");
    const rttCsv = readFileSync(fromRoot(CATALOG_PATHS.rttCsv), "utf8");
    const rendered = renderCatalogFiles(regionsCsv, rttCsv);
    // Deterministic: rendering twice gives byte-identical output.
    expect(renderCatalogFiles(regionsCsv, rttCsv)).toEqual(rendered);
    const hint = "run: node --import tsx scripts/gen-catalog.ts";
    expect(readFileSync(fromRoot(CATALOG_PATHS.regionsOut), "utf8"), hint).toBe(rendered.regions);
    expect(readFileSync(fromRoot(CATALOG_PATHS.rttOut), "utf8"), hint).toBe(rendered.rtt);
  });
});
