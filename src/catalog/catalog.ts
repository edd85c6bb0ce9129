import type { Topology } from "../spec/schema/topology.js";
import { AWS_REGIONS } from "./data/aws-regions.generated.js";
import { AWS_RTT_MS } from "./data/aws-rtt.generated.js";
import { AZURE_REGIONS, AZURE_RTT_MS } from "./data/azure.generated.js";
import {
  EGRESS_PRICING,
  FAILURE_DEFAULTS,
  PROVIDER_CROSS_ZONE_USD_PER_GB,
  PROVIDER_EGRESS,
  REPLICA_COST_DEFAULTS,
} from "./data/defaults.js";
import { GCP_REGIONS, GCP_RTT_MS } from "./data/gcp.generated.js";
import { estimateRttMs, rttJitterP99Ms } from "./rtt.js";
import type { EgressPricing, FailureDefaults, RegionRecord, ReplicaCostDefaults } from "./types.js";

export type Provider = "aws" | "gcp" | "azure" | "custom";

export interface CatalogRegion extends RegionRecord {
  /** Declared by the topology (`regions:`) rather than shipped with topoplan. */
  readonly custom: boolean;
  readonly provider: Provider;
  /** Egress price from this region to another region, USD/GB. */
  readonly egressUsdPerGb: number;
  /** Egress price from this region to the internet (another provider, a site of the user's own), USD/GB. */
  readonly internetEgressUsdPerGb: number;
  /** What a GB crossing between two of its zones costs, USD, every charge on the way (AWS bills both sides). */
  readonly crossZoneUsdPerGb: number;
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
  /**
   * Median RTT between two different regions in ms: declared, else measured (AWS, GCP, Azure
   * matrices), else estimated from distance between shipped regions (./rtt.ts); undefined when
   * no figure is known (a custom site that lists none).
   */
  rttMs(a: string, b: string): number | undefined;
  /** p99 − p50 of that RTT in ms, measured (ping data) or scaled from the median (./rtt.ts). */
  rttJitterMs(a: string, b: string): number;
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
      provider: "aws",
      egressUsdPerGb: EGRESS_PRICING.perRegionOutUsdPerGb[region.code] ?? EGRESS_PRICING.interRegionUsdPerGb,
      internetEgressUsdPerGb:
        EGRESS_PRICING.perRegionInternetUsdPerGb[region.code] ?? PROVIDER_EGRESS.aws.internetUsdPerGb,
      crossZoneUsdPerGb: PROVIDER_CROSS_ZONE_USD_PER_GB.aws,
    });
  }
  for (const [provider, list] of [
    ["gcp", GCP_REGIONS],
    ["azure", AZURE_REGIONS],
  ] as const)
    for (const region of list)
      regions.set(region.code, {
        ...region,
        custom: false,
        provider,
        egressUsdPerGb: PROVIDER_EGRESS[provider].sameContinentUsdPerGb,
        internetEgressUsdPerGb: PROVIDER_EGRESS[provider].internetUsdPerGb,
        crossZoneUsdPerGb: PROVIDER_CROSS_ZONE_USD_PER_GB[provider],
      });
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
      provider: "custom",
      egressUsdPerGb: site.egressUsdPerGb ?? EGRESS_PRICING.interRegionUsdPerGb,
      // Not read: a site's own egress is its declared price, wherever it goes (bandwidth.ts).
      internetEgressUsdPerGb: site.egressUsdPerGb ?? PROVIDER_EGRESS.custom.internetUsdPerGb,
      crossZoneUsdPerGb: site.crossZoneUsdPerGb ?? PROVIDER_CROSS_ZONE_USD_PER_GB.custom,
    });
    for (const [other, rtt] of Object.entries(site.rttMs ?? {})) overrides.set(pairKey(code, other), rtt);
  }
  for (const link of topology.network?.links ?? []) {
    if (link.rttMs !== undefined) overrides.set(pairKey(link.between[0], link.between[1]), link.rttMs);
  }
  const matrices: readonly Readonly<Record<string, Readonly<Record<string, number>>>>[] = [
    AWS_RTT_MS,
    GCP_RTT_MS,
    AZURE_RTT_MS,
  ];
  const rttMs = (a: string, b: string): number | undefined => {
    const declared = overrides.get(pairKey(a, b));
    if (declared !== undefined) return declared;
    for (const matrix of matrices) {
      const measured = matrix[a]?.[b];
      if (measured !== undefined) return measured;
    }
    const ra = regions.get(a);
    const rb = regions.get(b);
    // Shipped regions only: a custom site is reachable only where it says so.
    return ra === undefined || rb === undefined || ra.custom || rb.custom ? undefined : estimateRttMs(ra, rb);
  };
  return {
    regions,
    failure: FAILURE_DEFAULTS,
    egress: EGRESS_PRICING,
    replicaCost: REPLICA_COST_DEFAULTS,
    rttMs,
    rttJitterMs: (a, b) => rttJitterP99Ms(a, b, rttMs(a, b)),
  };
}

/** Regions whose jurisdiction or country is in `allowed` (residency lists mix both). */
export function isAllowedIn(region: CatalogRegion, allowed: readonly string[]): boolean {
  return allowed.includes(region.jurisdiction) || allowed.includes(region.country);
}

/**
 * Regions `placement: "auto"` may choose: shipped (never custom) regions of the provider(s) the
 * users are in — AWS when they name none; a planner should not move a store to another cloud
 * unasked — allowed by `residency`.
 */
export function autoPlacementCandidates(
  catalog: Catalog,
  userRegions: readonly string[],
  residency: readonly string[] | undefined,
): CatalogRegion[] {
  const providers = new Set<Provider>();
  for (const region of userRegions) {
    const provider = catalog.regions.get(region)?.provider;
    if (provider !== undefined && provider !== "custom") providers.add(provider);
  }
  if (providers.size === 0) providers.add("aws");
  return [...catalog.regions.values()].filter(
    (region) =>
      !region.custom &&
      providers.has(region.provider) &&
      (residency === undefined || isAllowedIn(region, residency)),
  );
}
