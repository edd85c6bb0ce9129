/**
 * Generates the GCP and Azure catalogs, the per-pair RTT jitter table and the distance model for
 * RTTs no matrix holds, from the public data in ../shared/data (sources named in each output).
 *
 *   src/catalog/data/gcp.generated.ts       GCP regions + symmetric RTT matrix (2019 ping averages)
 *   src/catalog/data/azure.generated.ts     Azure regions + symmetric RTT matrix (Microsoft P50, 2026)
 *   src/catalog/data/jitter.generated.ts    p99 − p50 per pair from the ping data (AWS 2020, GCP 2019)
 *   src/catalog/data/distance.generated.ts  RTT ≈ a + b × great-circle km, fitted on AWS, error measured
 *
 * Run from the repository root:  node --import tsx scripts/gen-clouds.ts
 * `renderCloudFiles` is pure so a test can check the checked-in files are current.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { haversineKm } from "../src/catalog/rtt.js";
import { byText } from "../src/order.js";
import { parseCsvRecords, REPO_ROOT, roundTenth } from "./gen-catalog.js";

export const CLOUD_PATHS = {
  awsRegionsCsv: "../shared/data/aws-regions.csv",
  awsRttCsv: "../shared/data/aws-inter-region-rtt.csv",
  awsPingCsv: "../shared/data/aws-inter-region-rtt-ping-2020.csv",
  gcpRegionsCsv: "../shared/data/gcp-regions.csv",
  gcpRttCsv: "../shared/data/gcp-inter-region-rtt.csv",
  azureRttCsv: "../shared/data/azure-inter-region-rtt.csv",
  gcpOut: "src/catalog/data/gcp.generated.ts",
  azureOut: "src/catalog/data/azure.generated.ts",
  jitterOut: "src/catalog/data/jitter.generated.ts",
  distanceOut: "src/catalog/data/distance.generated.ts",
} as const;

/**
 * Approximate city coordinates of GCP regions, hand-geocoded from gcp-regions.csv's `location`
 * column (estimate: city centres, not data-centre sites). us-central2 (Pryor, Oklahoma) is not in
 * gcp-regions.csv; it is added because Spanner's nam-eur-asia1 uses it (reference-topologies.md §2).
 */
const GCP_COORDS: Readonly<Record<string, readonly [number, number]>> = {
  "asia-east1": [24.07, 120.54],
  "asia-east2": [22.32, 114.17],
  "asia-northeast1": [35.68, 139.69],
  "asia-northeast2": [34.69, 135.5],
  "asia-northeast3": [37.57, 126.98],
  "asia-south1": [19.08, 72.88],
  "asia-south2": [28.61, 77.21],
  "asia-southeast1": [1.34, 103.71],
  "asia-southeast2": [-6.21, 106.85],
  "australia-southeast1": [-33.87, 151.21],
  "australia-southeast2": [-37.81, 144.96],
  "europe-central2": [52.23, 21.01],
  "europe-north1": [60.57, 27.2],
  "europe-southwest1": [40.42, -3.7],
  "europe-west1": [50.45, 3.82],
  "europe-west10": [52.52, 13.4],
  "europe-west12": [45.07, 7.69],
  "europe-west2": [51.51, -0.13],
  "europe-west3": [50.11, 8.68],
  "europe-west4": [53.44, 6.83],
  "europe-west6": [47.37, 8.54],
  "europe-west8": [45.46, 9.19],
  "europe-west9": [48.86, 2.35],
  "me-central1": [25.29, 51.53],
  "me-central2": [26.43, 50.1],
  "me-west1": [32.08, 34.78],
  "northamerica-northeast1": [45.5, -73.57],
  "northamerica-northeast2": [43.65, -79.38],
  "southamerica-east1": [-23.53, -46.79],
  "southamerica-west1": [-33.45, -70.67],
  "us-central1": [41.26, -95.86],
  "us-central2": [36.31, -95.32],
  "us-east1": [33.2, -80.01],
  "us-east4": [39.04, -77.49],
  "us-east5": [39.96, -83.0],
  "us-south1": [32.78, -96.8],
  "us-west1": [45.59, -121.18],
  "us-west2": [34.05, -118.24],
  "us-west3": [40.76, -111.89],
  "us-west4": [36.17, -115.14],
};

/** GCP regions missing from gcp-regions.csv, with where they are known from. */
const GCP_EXTRA = [
  {
    region: "us-central2",
    location: "Pryor, Oklahoma, USA",
    country: "US",
    geoGroup: "North America",
    zones: ["us-central2-a", "us-central2-b", "us-central2-c"],
    note: "Spanner nam-eur-asia1 read-write region (reference-topologies.md §2 G/H); zones assumed a–c",
  },
];

/**
 * Azure regions: ARM name → [country (ISO 3166-1), city, lat, lon]. The RTT data names regions only;
 * country and city are hand-entered from the display names, coordinates are approximate city
 * centres (estimate). Zones: Azure regions with availability zones have three ("1", "2", "3");
 * which regions lack them is not in the data, so every region gets three (estimate).
 */
const AZURE_SITES: Readonly<Record<string, readonly [string, string, number, number]>> = {
  australiacentral: ["AU", "Canberra", -35.31, 149.12],
  australiacentral2: ["AU", "Canberra", -35.31, 149.12],
  australiaeast: ["AU", "Sydney", -33.86, 151.21],
  australiasoutheast: ["AU", "Melbourne", -37.81, 144.96],
  austriaeast: ["AT", "Vienna", 48.21, 16.37],
  belgiumcentral: ["BE", "Brussels", 50.85, 4.35],
  brazilsouth: ["BR", "São Paulo", -23.55, -46.63],
  canadacentral: ["CA", "Toronto", 43.65, -79.38],
  canadaeast: ["CA", "Quebec City", 46.81, -71.21],
  centralindia: ["IN", "Pune", 18.52, 73.86],
  centralus: ["US", "Des Moines, Iowa", 41.59, -93.6],
  denmarkeast: ["DK", "Copenhagen", 55.68, 12.57],
  eastasia: ["HK", "Hong Kong", 22.27, 114.19],
  eastus: ["US", "Boydton, Virginia", 36.67, -78.39],
  eastus2: ["US", "Boydton, Virginia", 36.67, -78.39],
  francecentral: ["FR", "Paris", 48.86, 2.35],
  francesouth: ["FR", "Marseille", 43.3, 5.37],
  germanynorth: ["DE", "Berlin", 52.52, 13.4],
  germanywestcentral: ["DE", "Frankfurt", 50.11, 8.68],
  indonesiacentral: ["ID", "Jakarta", -6.21, 106.85],
  israelcentral: ["IL", "Tel Aviv", 32.08, 34.78],
  italynorth: ["IT", "Milan", 45.46, 9.19],
  japaneast: ["JP", "Tokyo", 35.68, 139.69],
  japanwest: ["JP", "Osaka", 34.69, 135.5],
  jioindiawest: ["IN", "Jamnagar", 22.47, 70.06],
  koreacentral: ["KR", "Seoul", 37.57, 126.98],
  koreasouth: ["KR", "Busan", 35.18, 129.08],
  malaysiawest: ["MY", "Kuala Lumpur", 3.14, 101.69],
  mexicocentral: ["MX", "Querétaro", 20.59, -100.39],
  newzealandnorth: ["NZ", "Auckland", -36.85, 174.76],
  northcentralus: ["US", "Chicago, Illinois", 41.88, -87.63],
  northeurope: ["IE", "Dublin", 53.35, -6.26],
  norwayeast: ["NO", "Oslo", 59.91, 10.75],
  norwaywest: ["NO", "Stavanger", 58.97, 5.73],
  polandcentral: ["PL", "Warsaw", 52.23, 21.01],
  qatarcentral: ["QA", "Doha", 25.29, 51.53],
  southafricanorth: ["ZA", "Johannesburg", -26.2, 28.05],
  southafricawest: ["ZA", "Cape Town", -33.92, 18.42],
  southcentralus: ["US", "San Antonio, Texas", 29.42, -98.49],
  southindia: ["IN", "Chennai", 13.08, 80.27],
  southeastasia: ["SG", "Singapore", 1.35, 103.82],
  spaincentral: ["ES", "Madrid", 40.42, -3.7],
  swedencentral: ["SE", "Gävle", 60.67, 17.14],
  switzerlandnorth: ["CH", "Zurich", 47.37, 8.54],
  switzerlandwest: ["CH", "Geneva", 46.2, 6.14],
  uaecentral: ["AE", "Abu Dhabi", 24.45, 54.38],
  uaenorth: ["AE", "Dubai", 25.2, 55.27],
  uksouth: ["GB", "London", 51.51, -0.13],
  ukwest: ["GB", "Cardiff", 51.48, -3.18],
  westcentralus: ["US", "Cheyenne, Wyoming", 41.14, -104.82],
  westeurope: ["NL", "Amsterdam", 52.37, 4.9],
  westus: ["US", "San Francisco, California", 37.77, -122.42],
  westus2: ["US", "Quincy, Washington", 47.23, -119.85],
  westus3: ["US", "Phoenix, Arizona", 33.45, -112.07],
};

const EU = new Set(
  "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split(" "),
);
const jurisdiction = (country: string) => (EU.has(country) ? "EU" : country);
const GEO: Readonly<Record<string, string>> = {
  AU: "Asia Pacific",
  NZ: "Asia Pacific",
  HK: "Asia Pacific",
  IN: "Asia Pacific",
  ID: "Asia Pacific",
  JP: "Asia Pacific",
  KR: "Asia Pacific",
  MY: "Asia Pacific",
  SG: "Asia Pacific",
  BR: "South America",
  CA: "North America",
  US: "North America",
  MX: "North America",
  IL: "Middle East",
  QA: "Middle East",
  AE: "Middle East",
  ZA: "Africa",
};

// ---------------------------------------------------------------------------------------------

type Matrix = Map<string, Map<string, number>>;

function directedMatrix(csv: string, from: string, to: string, value: string): Matrix {
  const m: Matrix = new Map();
  for (const r of parseCsvRecords(csv, [from, to, value])) {
    const row = m.get(r[from]!) ?? new Map<string, number>();
    row.set(r[to]!, Number(r[value]));
    m.set(r[from]!, row);
  }
  return m;
}

/** Symmetric mean of a→b and b→a (either alone when one is missing); a ≠ b only. */
function symmetric(m: Matrix): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const codes = [...new Set([...m.keys(), ...[...m.values()].flatMap((row) => [...row.keys()])])].sort();
  for (const a of codes)
    for (const b of codes) {
      if (a === b) continue;
      const ab = m.get(a)?.get(b);
      const ba = m.get(b)?.get(a);
      const values = [ab, ba].filter((v): v is number => v !== undefined && Number.isFinite(v));
      if (values.length === 0) continue;
      const row = out.get(a) ?? new Map<string, number>();
      row.set(b, values.reduce((s, v) => s + v, 0) / values.length);
      out.set(a, row);
    }
  return out;
}

/** Pairs (km, ms) of a symmetric matrix whose two ends have coordinates, each unordered pair once. */
function pairs(
  matrix: Map<string, Map<string, number>>,
  coords: (code: string) => readonly [number, number] | undefined,
) {
  const out: { km: number; ms: number }[] = [];
  for (const [a, row] of matrix)
    for (const [b, ms] of row) {
      if (a >= b) continue;
      const ca = coords(a);
      const cb = coords(b);
      if (ca && cb) out.push({ km: haversineKm(ca, cb), ms });
    }
  return out;
}

/**
 * Least squares ms = a + b·km weighted by 1/ms² — it minimises the relative error, so short pairs
 * (where a plain fit's large intercept would triple the estimate) count as much as long ones.
 */
function fitDistanceModel(points: readonly { km: number; ms: number }[]): { a: number; b: number } {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    const w = 1 / (p.ms * p.ms);
    sw += w;
    sx += w * p.km;
    sy += w * p.ms;
    sxx += w * p.km * p.km;
    sxy += w * p.km * p.ms;
  }
  const b = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
  return { a: (sy - b * sx) / sw, b };
}

const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

/** Median and p90 of |estimate − measured| / measured, for pairs with measured ≥ 10 ms. */
function errors(points: readonly { km: number; ms: number }[], model: { a: number; b: number }) {
  const rel = points.filter((p) => p.ms >= 10).map((p) => Math.abs(model.a + model.b * p.km - p.ms) / p.ms);
  return { pairs: rel.length, median: quantile(rel, 0.5), p90: quantile(rel, 0.9) };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) => Number(x.toPrecision(6));

function renderMatrix(name: string, matrix: Map<string, Map<string, number>>): string[] {
  const rows = [...matrix.keys()].sort().map((a) => {
    const body = [...matrix.get(a)!]
      .sort(([x], [y]) => byText(x, y))
      .map(([b, v]) => `${JSON.stringify(b)}: ${roundTenth(v)}`)
      .join(", ");
    return `  ${JSON.stringify(a)}: { ${body} },`;
  });
  return [
    `export const ${name}: Readonly<Record<string, Readonly<Record<string, number>>>> = {`,
    ...rows,
    "};",
  ];
}

const NOTICE = "GENERATED by scripts/gen-clouds.ts from ../shared/data — do not edit by hand.";
const header = (lines: readonly string[]) => [
  "/*",
  ...[NOTICE, "", ...lines].map((l) => ` *${l === "" ? "" : ` ${l}`}`),
  " */",
];

interface Region {
  code: string;
  name: string;
  country: string;
  jurisdiction: string;
  geoGroup: string;
  zones: string[];
  lat: number;
  lon: number;
  city: string;
}

function renderRegions(name: string, regions: readonly Region[]): string[] {
  return [
    `export const ${name} = [`,
    ...regions.map(
      (r) =>
        `  { code: ${JSON.stringify(r.code)}, name: ${JSON.stringify(r.name)}, country: ${JSON.stringify(r.country)}, jurisdiction: ${JSON.stringify(r.jurisdiction)}, geoGroup: ${JSON.stringify(r.geoGroup)}, zones: ${JSON.stringify(r.zones)}, lat: ${r.lat}, lon: ${r.lon}, city: ${JSON.stringify(r.city)} },`,
    ),
    "] as const satisfies readonly RegionRecord[];",
  ];
}

export interface CloudInputs {
  awsRegionsCsv: string;
  awsRttCsv: string;
  awsPingCsv: string;
  gcpRegionsCsv: string;
  gcpRttCsv: string;
  azureRttCsv: string;
}

/** Pure: CSV texts in, generated files out. */
export function renderCloudFiles(input: CloudInputs): {
  gcp: string;
  azure: string;
  jitter: string;
  distance: string;
} {
  // GCP regions and matrix.
  const gcpRows = parseCsvRecords(input.gcpRegionsCsv, [
    "region",
    "location",
    "country_iso3166_1",
    "geo_group",
    "zones",
  ]);
  const gcpRegions: Region[] = [
    ...gcpRows.map((r) => ({
      code: r.region!,
      location: r.location!,
      country: r.country_iso3166_1!,
      geoGroup: r.geo_group!,
      zones: r.zones!.split(/\s+/).filter(Boolean),
    })),
    ...GCP_EXTRA.map((e) => ({
      code: e.region,
      location: e.location,
      country: e.country,
      geoGroup: e.geoGroup,
      zones: e.zones,
    })),
  ]
    .map((r) => {
      const c = GCP_COORDS[r.code];
      if (c === undefined) throw new Error(`no coordinates for GCP region ${r.code}`);
      return {
        code: r.code,
        name: r.location,
        country: r.country,
        jurisdiction: jurisdiction(r.country),
        geoGroup: r.geoGroup,
        zones: r.zones,
        lat: c[0],
        lon: c[1],
        city: r.location,
      };
    })
    .sort((a, b) => byText(a.code, b.code));
  const gcpRtt = symmetric(directedMatrix(input.gcpRttCsv, "from", "to", "rtt_ms"));

  // Azure regions and matrix (ARM names).
  const azureDirected = directedMatrix(input.azureRttCsv, "from_arm_name", "to_arm_name", "rtt_ms");
  const displayNames = new Map(
    parseCsvRecords(input.azureRttCsv, ["from", "from_arm_name"]).map((r) => [r.from_arm_name!, r.from!]),
  );
  const azureRegions: Region[] = [...displayNames.keys()].sort().map((code) => {
    const site = AZURE_SITES[code];
    if (site === undefined) throw new Error(`no site for Azure region ${code}`);
    const [country, city, lat, lon] = site;
    return {
      code,
      name: displayNames.get(code)!,
      country,
      jurisdiction: jurisdiction(country),
      geoGroup: GEO[country] ?? "Europe",
      zones: ["1", "2", "3"].map((z) => `${code}-${z}`),
      lat,
      lon,
      city,
    };
  });
  const azureRtt = symmetric(azureDirected);

  // Distance model: fitted on AWS (cloudping p50, coordinates from aws-regions.csv), checked on GCP and Azure.
  const awsCoords = new Map<string, [number, number]>();
  for (const r of parseCsvRecords(input.awsRegionsCsv, ["region_code", "lat", "lon"]))
    if (r.lat !== "" && r.lon !== "") awsCoords.set(r.region_code!, [Number(r.lat), Number(r.lon)]);
  const awsRtt = symmetric(directedMatrix(input.awsRttCsv, "from", "to", "rtt_ms"));
  const awsPoints = pairs(awsRtt, (c) => awsCoords.get(c));
  const model = fitDistanceModel(awsPoints);
  const gcpCoords = new Map(gcpRegions.map((r) => [r.code, [r.lat, r.lon] as [number, number]]));
  const azureCoords = new Map(azureRegions.map((r) => [r.code, [r.lat, r.lon] as [number, number]]));
  const errAws = errors(awsPoints, model);
  const errGcp = errors(
    pairs(gcpRtt, (c) => gcpCoords.get(c)),
    model,
  );
  const errAzure = errors(
    pairs(azureRtt, (c) => azureCoords.get(c)),
    model,
  );

  // Jitter: p99 − p50 per pair from the ping summaries: min(2.326 × mdev, max − avg) (normal p99,
  // never beyond the hour's maximum), symmetric mean; AWS 2020 and GCP 2019.
  const extra = (csv: string) => {
    const m: Matrix = new Map();
    const intra: number[] = [];
    for (const r of parseCsvRecords(csv, ["from", "to", "rtt_ms", "rtt_max_ms", "rtt_mdev_ms"])) {
      const value = Math.min(2.326 * Number(r.rtt_mdev_ms), Number(r.rtt_max_ms) - Number(r.rtt_ms));
      if (r.from === r.to) {
        intra.push(value);
        continue;
      }
      const row = m.get(r.from!) ?? new Map<string, number>();
      row.set(r.to!, value);
      m.set(r.from!, row);
    }
    return { pairs: symmetric(m), intra };
  };
  const awsJitter = extra(input.awsPingCsv);
  const gcpJitter = extra(input.gcpRttCsv);
  const awsPing = symmetric(directedMatrix(input.awsPingCsv, "from", "to", "rtt_ms"));
  const ratios: number[] = [];
  for (const [table, rtt] of [
    [awsJitter.pairs, awsPing],
    [gcpJitter.pairs, gcpRtt],
  ] as const)
    for (const [a, row] of table) for (const [b, j] of row) if (a < b) ratios.push(j / rtt.get(a)!.get(b)!);
  const fallbackRatio = quantile(ratios, 0.9);
  const crossZone = quantile([...awsJitter.intra, ...gcpJitter.intra], 0.5);
  const jitterAll = new Map<string, Map<string, number>>([...awsJitter.pairs, ...gcpJitter.pairs]);

  const gcp = [
    ...header([
      "GCP regions (gcp-regions.csv: `coder/modules` gcp-region/main.tf, snapshot c8739679, Apache-2.0;",
      "country and geo group derived there) plus us-central2 (Spanner nam-eur-asia1, reference-topologies.md §2).",
      "Coordinates: approximate city centres hand-geocoded from the location text (estimate).",
      "RTT: gcp-inter-region-rtt.csv (`vitorenesduarte/fantoch` latency_gcp, 2019, MIT OR Apache-2.0): ICMP",
      "ping averages over one hour; a ≠ b is the mean of a→b and b→a, rounded to 0.1 ms. Regions outside",
      "the 2019 matrix get distance estimates (distance.generated.ts).",
    ]),
    'import type { RegionRecord } from "../types.js";',
    "",
    ...renderRegions("GCP_REGIONS", gcpRegions),
    "",
    "/** Symmetric inter-region RTT, ms (2019 ping averages). */",
    ...renderMatrix("GCP_RTT_MS", gcpRtt),
    "",
  ].join("\n");
  const azure = [
    ...header([
      "Azure regions and RTT: azure-inter-region-rtt.csv (MicrosoftDocs/azure-docs,",
      "articles/networking/azure-network-latency.md, ms.date 07/30/2026, CC BY 4.0): monthly P50 RTT",
      "over 30 days; a ≠ b is the mean of a→b and b→a. Codes are the derived ARM names.",
      "Country, city and coordinates are hand-entered from the display names (coordinates: approximate",
      "city centres, estimate). Zones: three per region (estimate; the data does not say which regions",
      "lack availability zones).",
    ]),
    'import type { RegionRecord } from "../types.js";',
    "",
    ...renderRegions("AZURE_REGIONS", azureRegions),
    "",
    "/** Symmetric inter-region P50 RTT, ms. */",
    ...renderMatrix("AZURE_RTT_MS", azureRtt),
    "",
  ].join("\n");
  const jitter = [
    ...header([
      "RTT tail per region pair: p99 − p50 in ms, from the one-hour ping summaries of",
      "aws-inter-region-rtt-ping-2020.csv (AWS, 2020) and gcp-inter-region-rtt.csv (GCP, 2019), both from",
      "`vitorenesduarte/fantoch` (MIT OR Apache-2.0). Per direction: min(2.326 × mdev, max − avg) — the",
      "normal 99th percentile over the mean, never beyond the hour's maximum (≥ p99.9 of 3,600 pings);",
      "then the mean of both directions. Pairs without data use FALLBACK_JITTER_RATIO × p50: the 90th",
      `percentile of (p99 − p50) / p50 over the ${ratios.length} measured pairs (conservative).`,
    ]),
    "",
    "/** p99 − p50 of the RTT between two regions, ms. */",
    ...renderMatrix("RTT_JITTER_P99_MS", jitterAll).map((l) => l.replace(/: (\d+(\.\d+)?)(,| })/g, (m) => m)),
    "",
    `/** (p99 − p50) / p50 for pairs without data: p90 over measured pairs. */`,
    `export const FALLBACK_JITTER_RATIO = ${num(fallbackRatio)};`,
    "",
    "/** p99 − p50 of a same-region (cross-zone) round trip, ms: median of the same-region ping pairs. */",
    `export const CROSS_ZONE_JITTER_P99_MS = ${num(crossZone)};`,
    "",
  ].join("\n");
  const distance = [
    ...header([
      "RTT between regions no matrix holds (across providers, or regions newer than the data):",
      "rtt ≈ a + b × great-circle distance (haversine, km between the catalog's approximate coordinates),",
      `weighted least squares (weights 1/rtt², minimising relative error) over the ${awsPoints.length} AWS pairs of aws-inter-region-rtt.csv (cloudping p50) with coordinates.`,
      "Error |estimate − measured| / measured, pairs ≥ 10 ms:",
      `  AWS (fit set, ${errAws.pairs} pairs): median ${pct(errAws.median)}, p90 ${pct(errAws.p90)}`,
      `  GCP 2019 ping matrix (held out, ${errGcp.pairs} pairs): median ${pct(errGcp.median)}, p90 ${pct(errGcp.p90)}`,
      `  Azure P50 matrix (held out, ${errAzure.pairs} pairs): median ${pct(errAzure.median)}, p90 ${pct(errAzure.p90)}`,
      "The intercept stands for the last-mile and in-region hops; b ≈ 1/100 km/ms would be a straight",
      "fibre path (2/3 c, both ways): the fitted slope is higher because routes are not straight.",
    ]),
    "",
    `export const DISTANCE_MODEL = { interceptMs: ${num(model.a)}, msPerKm: ${num(model.b)} } as const;`,
    "",
    "/** Measured error of DISTANCE_MODEL (relative, pairs ≥ 10 ms). */",
    "export const DISTANCE_MODEL_ERROR = {",
    `  aws: { pairs: ${errAws.pairs}, median: ${num(errAws.median)}, p90: ${num(errAws.p90)} },`,
    `  gcp: { pairs: ${errGcp.pairs}, median: ${num(errGcp.median)}, p90: ${num(errGcp.p90)} },`,
    `  azure: { pairs: ${errAzure.pairs}, median: ${num(errAzure.median)}, p90: ${num(errAzure.p90)} },`,
    "} as const;",
    "",
  ].join("\n");
  return { gcp, azure, jitter, distance };
}

export function readCloudInputs(): CloudInputs {
  const read = (p: string) => readFileSync(resolve(REPO_ROOT, p), "utf8");
  return {
    awsRegionsCsv: read(CLOUD_PATHS.awsRegionsCsv),
    awsRttCsv: read(CLOUD_PATHS.awsRttCsv),
    awsPingCsv: read(CLOUD_PATHS.awsPingCsv),
    gcpRegionsCsv: read(CLOUD_PATHS.gcpRegionsCsv),
    gcpRttCsv: read(CLOUD_PATHS.gcpRttCsv),
    azureRttCsv: read(CLOUD_PATHS.azureRttCsv),
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = renderCloudFiles(readCloudInputs());
  writeFileSync(resolve(REPO_ROOT, CLOUD_PATHS.gcpOut), files.gcp);
  writeFileSync(resolve(REPO_ROOT, CLOUD_PATHS.azureOut), files.azure);
  writeFileSync(resolve(REPO_ROOT, CLOUD_PATHS.jitterOut), files.jitter);
  writeFileSync(resolve(REPO_ROOT, CLOUD_PATHS.distanceOut), files.distance);
  console.log(
    "wrote",
    Object.values(CLOUD_PATHS)
      .filter((p) => p.startsWith("src/"))
      .join(", "),
  );
}
