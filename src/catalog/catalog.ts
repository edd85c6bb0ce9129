import type { Topology } from "../spec/schema/topology.js";
import { AWS_REGIONS } from "./data/aws-regions.generated.js";
import { AWS_RTT_MS } from "./data/aws-rtt.generated.js";
import { EGRESS_PRICING, FAILURE_DEFAULTS, REPLICA_COST_DEFAULTS } from "./data/defaults.js";
import type { EgressPricing, FailureDefaults, RegionRecord, ReplicaCostDefaults } from "./types.js";

export interface CatalogRegion extends RegionRecord {
  /** Declared by the topology (`regions:`) rather than shipped with topoplan. */
  readonly custom: boolean;
  /** Egress price from this region to another region, USD/GB. */
  readonly egressUsdPerGb: number;
}

/**
 * The regions topoplan knows and the round trips between them: the shipped AWS catalog,
 * plus the topology's own regions/sites and link RTT overrides.
 */
export interface Catalog {
  readonly regions: ReadonlyMap<string, CatalogRegion>;
  readonly failure: FailureDefaults;
  readonly egress: EgressPricing;
  readonly replicaCost: ReplicaCostDefaults;
  /** Median RTT between two different regions in ms, or undefined when no figure is known. */
  rttMs(a: string, b: string): number | undefined;
}

const EU_MEMBER_STATES = new Set(
  "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split(" "),
);

/** "EU" for EU member states, else the country itself. */
export function jurisdictionOf(country: string): string {
  return EU_MEMBER_STATES.has(country) ? "EU" : country;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Only the parts that extend the catalog; tolerant of a partly invalid spec. */
type CatalogInput = {
  readonly regions?: Topology["regions"];
  readonly network?: { readonly links?: Topology["network"]["links"] };
};

/** Builds the catalog a topology sees. Link overrides win over custom-region RTTs, which win over measured ones. */
export function buildCatalog(topology: CatalogInput = {}): Catalog {
  const regions = new Map<string, CatalogRegion>();
  for (const region of AWS_REGIONS) {
    regions.set(region.code, {
      ...region,
      custom: false,
      egressUsdPerGb: EGRESS_PRICING.perRegionOutUsdPerGb[region.code] ?? EGRESS_PRICING.interRegionUsdPerGb,
    });
  }
  const overrides = new Map<string, number>();
  for (const [code, site] of Object.entries(topology.regions ?? {})) {
    if (site === null || typeof site !== "object") continue;
    regions.set(code, {
      code,
      name: site.name ?? code,
      country: site.country,
      jurisdiction: site.jurisdiction ?? jurisdictionOf(site.country),
      geoGroup: "Custom",
      // Tolerant of a partly invalid spec (validation reports the missing fields).
      zones: Array.isArray(site.zones) ? site.zones : [],
      ...(site.lat === undefined ? {} : { lat: site.lat }),
      ...(site.lon === undefined ? {} : { lon: site.lon }),
      custom: true,
      egressUsdPerGb: site.egressUsdPerGb ?? EGRESS_PRICING.interRegionUsdPerGb,
    });
    for (const [other, rtt] of Object.entries(site.rttMs ?? {})) overrides.set(pairKey(code, other), rtt);
  }
  for (const link of topology.network?.links ?? []) {
    if (link.rttMs !== undefined) overrides.set(pairKey(link.between[0], link.between[1]), link.rttMs);
  }
  const measured: Readonly<Record<string, Readonly<Record<string, number>>>> = AWS_RTT_MS;
  return {
    regions,
    failure: FAILURE_DEFAULTS,
    egress: EGRESS_PRICING,
    replicaCost: REPLICA_COST_DEFAULTS,
    rttMs(a, b) {
      return overrides.get(pairKey(a, b)) ?? measured[a]?.[b];
    },
  };
}

/** Regions whose jurisdiction or country is in `allowed` (residency lists mix both). */
export function isAllowedIn(region: CatalogRegion, allowed: readonly string[]): boolean {
  return allowed.includes(region.jurisdiction) || allowed.includes(region.country);
}
