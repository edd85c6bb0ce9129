/**
 * Generates the shipped AWS region catalog from the public CSVs in ../shared/data:
 *
 *   src/catalog/data/aws-regions.generated.ts  (region metadata, 32 regions)
 *   src/catalog/data/aws-rtt.generated.ts      (symmetric inter-region p50 RTT matrix, ms)
 *
 * Run from the repository root:  node --import tsx scripts/gen-catalog.ts
 *
 * `renderCatalogFiles` is pure (CSV text in, file text out) so the test suite can check that the
 * checked-in files are up to date without touching the file system more than reading the CSVs.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { byText } from "../src/order.js";

/** Repository-relative locations of the inputs and outputs. */
export const CATALOG_PATHS = {
  dataDir: "../shared/data",
  regionsCsv: "../shared/data/aws-regions.csv",
  rttCsv: "../shared/data/aws-inter-region-rtt.csv",
  regionsOut: "src/catalog/data/aws-regions.generated.ts",
  rttOut: "src/catalog/data/aws-rtt.generated.ts",
} as const;

// ---------------------------------------------------------------------------------------------
// CSV parsing
// ---------------------------------------------------------------------------------------------

/**
 * Parses RFC 4180 CSV: comma-separated, fields optionally in double quotes, `""` inside quotes is
 * a literal quote, quoted fields may contain commas and newlines, CRLF or LF line ends.
 * Blank lines are skipped. Throws on a stray quote so malformed input fails loudly.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let inQuotes = false;
  let fieldWasQuoted = false;
  let i = 0;
  const input = text.startsWith("\uFEFF") ? text.slice(1) : text; // tolerate a UTF-8 BOM

  const endField = (): void => {
    row.push(field);
    field = "";
    fieldWasQuoted = false;
  };
  const endRow = (): void => {
    endField();
    // A line with one empty unquoted field is a blank line, not a record.
    if (!(row.length === 1 && row[0] === "")) rows.push(row);
    row = [];
  };

  while (i < input.length) {
    const ch = input[i];
    if (inQuotes) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i += 1;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"') {
      if (field !== "" || fieldWasQuoted) throw new Error(`CSV: unexpected quote at offset ${i}`);
      inQuotes = true;
      fieldWasQuoted = true;
    } else if (ch === ",") {
      endField();
    } else if (ch === "\n") {
      endRow();
    } else if (ch === "\r") {
      if (input[i + 1] !== "\n") endRow(); // bare CR line end; CRLF is handled by the "\n"
    } else {
      if (fieldWasQuoted) throw new Error(`CSV: text after closing quote at offset ${i}`);
      field += ch;
    }
    i += 1;
  }
  if (inQuotes) throw new Error("CSV: unterminated quoted field");
  if (field !== "" || fieldWasQuoted || row.length > 0) endRow();
  return rows;
}

/** Parses CSV with a header line into records keyed by column name; checks required columns. */
export function parseCsvRecords(
  text: string,
  requiredColumns: readonly string[],
): Array<Record<string, string>> {
  const [header, ...body] = parseCsv(text);
  if (header === undefined) throw new Error("CSV: empty input");
  for (const column of requiredColumns) {
    if (!header.includes(column)) throw new Error(`CSV: missing column "${column}"`);
  }
  return body.map((cells, index) => {
    if (cells.length !== header.length) {
      throw new Error(`CSV: line ${index + 2} has ${cells.length} fields, expected ${header.length}`);
    }
    const record: Record<string, string> = {};
    header.forEach((name, column) => {
      record[name] = cells[column] ?? "";
    });
    return record;
  });
}

// ---------------------------------------------------------------------------------------------
// Input model
// ---------------------------------------------------------------------------------------------

interface RegionRow {
  readonly code: string;
  readonly name: string;
  readonly country: string;
  readonly subdivision: string;
  readonly jurisdiction: string;
  readonly geoGroup: string;
  readonly azIds: readonly string[];
  readonly lat: number | undefined;
  readonly lon: number | undefined;
  readonly city: string;
  readonly latlonNote: string;
  readonly inRttMatrix: boolean;
  readonly accountZoneLimit: number | undefined;
}

/** Directed p50 RTT samples, from → to → ms, exactly as published. */
type DirectedRtt = ReadonlyMap<string, ReadonlyMap<string, number>>;

const REGION_COLUMNS = [
  "region_code",
  "display_name",
  "country_iso3166_1",
  "subdivision_iso3166_2",
  "geo_group",
  "jurisdiction",
  "az_count",
  "az_ids",
  "city",
  "lat",
  "lon",
  "latlon_note",
  "in_rtt_matrix",
  "az_limit_jsonmaur_2021",
] as const;

function col(record: Record<string, string>, name: string): string {
  return (record[name] ?? "").trim();
}

function parseNumber(text: string, what: string): number {
  const value = Number(text);
  if (text === "" || !Number.isFinite(value)) throw new Error(`${what}: not a number: "${text}"`);
  return value;
}

function optionalNumber(text: string, what: string): number | undefined {
  return text === "" ? undefined : parseNumber(text, what);
}

function parseRegionRows(regionsCsv: string): RegionRow[] {
  return parseCsvRecords(regionsCsv, REGION_COLUMNS).map((r) => {
    const code = col(r, "region_code");
    const azIds = col(r, "az_ids").split(/\s+/).filter(Boolean);
    const azCount = parseNumber(col(r, "az_count"), `${code} az_count`);
    if (azIds.length !== azCount) {
      throw new Error(`${code}: az_count ${azCount} but ${azIds.length} az_ids`);
    }
    const row: RegionRow = {
      code,
      name: col(r, "display_name"),
      country: col(r, "country_iso3166_1"),
      subdivision: col(r, "subdivision_iso3166_2"),
      jurisdiction: col(r, "jurisdiction"),
      geoGroup: col(r, "geo_group"),
      azIds,
      lat: optionalNumber(col(r, "lat"), `${code} lat`),
      lon: optionalNumber(col(r, "lon"), `${code} lon`),
      city: col(r, "city"),
      latlonNote: col(r, "latlon_note"),
      inRttMatrix: col(r, "in_rtt_matrix") === "yes",
      accountZoneLimit: optionalNumber(col(r, "az_limit_jsonmaur_2021"), `${code} az limit`),
    };
    return row;
  });
}

function parseDirectedRtt(rttCsv: string): DirectedRtt {
  const matrix = new Map<string, Map<string, number>>();
  for (const r of parseCsvRecords(rttCsv, ["from", "to", "rtt_ms"])) {
    const from = col(r, "from");
    const to = col(r, "to");
    const ms = parseNumber(col(r, "rtt_ms"), `RTT ${from}->${to}`);
    if (!(ms > 0)) throw new Error(`RTT ${from}->${to}: must be > 0, got ${ms}`);
    const row = matrix.get(from) ?? new Map<string, number>();
    if (row.has(to)) throw new Error(`RTT ${from}->${to}: duplicate pair`);
    row.set(to, ms);
    matrix.set(from, row);
  }
  return matrix;
}

function directed(rtt: DirectedRtt, from: string, to: string): number {
  const ms = rtt.get(from)?.get(to);
  if (ms === undefined) throw new Error(`RTT matrix lacks ${from}->${to}`);
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Derivations
// ---------------------------------------------------------------------------------------------

/**
 * Rounds to 0.1 ms, half up. ms × 10 is first cut to 12 significant digits so float error
 * (0.15 × 10 = 1.4999999999999998) does not flip the rounding direction.
 */
export function roundTenth(ms: number): number {
  return Math.round(Number((ms * 10).toPrecision(12))) / 10;
}

/** Zone names: region code plus a, b, c… (AWS's per-account names, not the physical AZ IDs). */
export function zoneNames(code: string, count: number): string[] {
  if (count > 26) throw new Error(`${code}: more than 26 zones`);
  return Array.from({ length: count }, (_, i) => `${code}${String.fromCharCode(97 + i)}`);
}

/** Checks that the RTT matrix and the region metadata describe the same complete set of regions. */
function selectRegions(rows: readonly RegionRow[], rtt: DirectedRtt): RegionRow[] {
  const selected = rows.filter((r) => r.inRttMatrix).sort((a, b) => byText(a.code, b.code));
  const codes = new Set(selected.map((r) => r.code));
  const rttCodes = [...rtt.keys()];
  for (const code of rttCodes) {
    if (!codes.has(code)) throw new Error(`RTT matrix has ${code}, which is not in_rtt_matrix=yes`);
  }
  if (codes.size !== selected.length) throw new Error("duplicate region_code in the region list");
  for (const a of selected) {
    for (const b of selected) directed(rtt, a.code, b.code); // throws if a pair is missing
    if (rtt.get(a.code)?.size !== selected.length) throw new Error(`RTT row ${a.code} has extra entries`);
    if (a.azIds.length < 2) throw new Error(`${a.code}: fewer than 2 AZs`);
  }
  if (rttCodes.length !== selected.length) throw new Error("RTT matrix / region list size mismatch");
  return selected;
}

interface Asymmetry {
  readonly a: string;
  readonly b: string;
  readonly diffMs: number;
}

function maxAsymmetry(codes: readonly string[], rtt: DirectedRtt): Asymmetry {
  let worst: Asymmetry = { a: "", b: "", diffMs: -1 };
  for (const a of codes) {
    for (const b of codes) {
      if (byText(a, b) >= 0) continue;
      const diffMs = Math.abs(directed(rtt, a, b) - directed(rtt, b, a));
      if (diffMs > worst.diffMs) worst = { a, b, diffMs };
    }
  }
  return worst;
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

const GENERATED_NOTICE = "GENERATED by scripts/gen-catalog.ts from ../shared/data — do not edit by hand.";

const RTT_SOURCE = [
  "Source: aws-inter-region-rtt.csv in ../shared/data, taken from repository",
  "`oaustegard/oaustegard.github.io`, file `web-utilities/aws-ping-p50-1y.json` (snapshot commit",
  "22f8adc2f0c6507790a019946bb466cb9f3adb06; data last changed in commit",
  "fc319dc885ff80f59be93d69c23346d657a7c538 on 2025-05-29). Licence of that repository: Apache-2.0.",
  "The file is a saved response of the cloudping.co API",
  "(https://www.cloudping.co/api/latencies?percentile=p_50&timeframe=1Y), captured 2025-05-29;",
  'metadata {"percentile":"p_50","timeframe":"1Y","unit":"milliseconds"}.',
  'Measurement (per mda590/cloudping.co, MIT): "inter-region latency over TCP connections between',
  'all AWS regions"; values are the p50 round-trip time over one year, in milliseconds.',
  "No separate licence is given for the data.",
];

const REGIONS_SOURCE = [
  "Sources: aws-regions.csv in ../shared/data, compiled from:",
  "  1. `getmoto/moto`, file `moto/ssm/resources/regions.json` (snapshot commit",
  "     0af643a5dbfc98797f08ee64f5be3ef8002d56ff; file last updated 2026-08-04 in af6a1fd4),",
  "     Apache-2.0: moto's dump of the AWS public SSM parameters",
  "     /aws/service/global-infrastructure/regions/... (longName, geolocationCountry,",
  "     geolocationRegion, AZ IDs).",
  "  2. Approximate city-centre coordinates: `oaustegard/oaustegard.github.io`,",
  "     `web-utilities/aws-ping.html` (snapshot commit 22f8adc2f0c6507790a019946bb466cb9f3adb06),",
  "     Apache-2.0.",
  "  3. `accountZoneLimit` only: `jsonmaur/aws-regions`, `regions.json` (commit 2b0706bf,",
  "     2021-12-24), MIT, `zone_limit` values (2021 data).",
  "Derived in shared/data: `country` (ISO 3166-1; ap-east-1 → HK although AWS publishes CN),",
  "`geoGroup` (from the display-name prefix), `jurisdiction` (EU for the 27 EU member states,",
  "otherwise the ISO country code).",
];

const COMMENT_WIDTH = 100;

/** Greedy word wrap; continuation lines keep the first line's indent (plus two for list items). */
function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = /^(\s*(?:- )?)/.exec(line)?.[1] ?? "";
  const pad = " ".repeat(indent.length);
  const out: string[] = [];
  let current = "";
  for (const word of line.slice(indent.length).split(" ")) {
    const prefix = out.length === 0 ? indent : pad;
    if (current !== "" && prefix.length + current.length + 1 + word.length > width) {
      out.push(prefix + current);
      current = word;
    } else {
      current = current === "" ? word : `${current} ${word}`;
    }
  }
  out.push((out.length === 0 ? indent : pad) + current);
  return out;
}

function comment(lines: readonly string[]): string {
  const bad = lines.find((l) => l.includes("*/"));
  if (bad !== undefined) throw new Error(`comment text would close the comment: ${bad}`);
  const body = lines.flatMap((l) => wrap(l, COMMENT_WIDTH - 3));
  return ["/*", ...body.map((l) => (l === "" ? " *" : ` * ${l}`)), " */"].join("\n");
}

/** A string array literal with a space after each comma. */
function stringArray(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;
}

function renderRegionEntry(r: RegionRow): string {
  const parts: string[] = [
    `code: ${JSON.stringify(r.code)}`,
    `name: ${JSON.stringify(r.name)}`,
    `country: ${JSON.stringify(r.country)}`,
  ];
  if (r.subdivision !== "") parts.push(`subdivision: ${JSON.stringify(r.subdivision)}`);
  parts.push(
    `jurisdiction: ${JSON.stringify(r.jurisdiction)}`,
    `geoGroup: ${JSON.stringify(r.geoGroup)}`,
    `zones: ${stringArray(zoneNames(r.code, r.azIds.length))}`,
    `azIds: ${stringArray(r.azIds)}`,
  );
  if (r.lat !== undefined) parts.push(`lat: ${r.lat}`);
  if (r.lon !== undefined) parts.push(`lon: ${r.lon}`);
  if (r.city !== "") parts.push(`city: ${JSON.stringify(r.city)}`);
  if (r.accountZoneLimit !== undefined && r.accountZoneLimit < r.azIds.length) {
    parts.push(`accountZoneLimit: ${r.accountZoneLimit}`);
  }
  return `  {\n${parts.map((p) => `    ${p},`).join("\n")}\n  },`;
}

function renderRegions(regions: readonly RegionRow[], all: readonly RegionRow[]): string {
  const excluded = all.filter((r) => !r.inRttMatrix).map((r) => r.code);
  const missingCoords = regions.filter((r) => r.lat === undefined || r.lon === undefined);
  const coordNotes = regions.filter((r) => r.latlonNote !== "");
  const limited = regions.filter(
    (r) => r.accountZoneLimit !== undefined && r.accountZoneLimit < r.azIds.length,
  );
  const header = comment([
    GENERATED_NOTICE,
    "",
    `AWS regions that appear in the inter-region RTT matrix (${regions.length}), sorted by code.`,
    `Not included (no RTT data): ${excluded.join(", ") || "none"}.`,
    "",
    ...REGIONS_SOURCE,
    "",
    "Zone names: `zones` are region code + a, b, c… for each AZ ID. AWS maps these names to",
    "physical AZ IDs independently per account, so `us-east-1a` in two accounts may be different",
    "data centres; use `azIds` to compare placement across accounts.",
    ...(limited.length === 0
      ? []
      : [
          `Some accounts can use fewer AZs than exist (accountZoneLimit, 2021 data): ${limited
            .map((r) => `${r.code} (${r.accountZoneLimit} of ${r.azIds.length})`)
            .join(", ")}.`,
        ]),
    "",
    "Coordinates are approximate city centres, not data-centre sites; they were not corrected.",
    `Regions without coordinates: ${missingCoords.map((r) => r.code).join(", ") || "none"}.`,
    ...coordNotes.flatMap((r) => [`- ${r.code}: ${r.latlonNote}`]),
  ]);
  return [
    header,
    'import type { RegionRecord } from "../types.js";',
    "",
    "export const AWS_REGIONS = [",
    ...regions.map(renderRegionEntry),
    "] as const satisfies readonly RegionRecord[];",
    "",
    "/** Code of a shipped AWS region. */",
    'export type AwsRegionCode = (typeof AWS_REGIONS)[number]["code"];',
    "",
  ].join("\n");
}

function renderRow(key: string, entries: ReadonlyArray<readonly [string, number]>): string {
  const body = entries.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(", ");
  return `  ${JSON.stringify(key)}: { ${body} },`;
}

function renderRtt(codes: readonly string[], rtt: DirectedRtt): string {
  const worst = maxAsymmetry(codes, rtt);
  const symmetricRows = codes.map((a) =>
    renderRow(
      a,
      codes
        .filter((b) => b !== a)
        .map((b) => [b, roundTenth((directed(rtt, a, b) + directed(rtt, b, a)) / 2)] as const),
    ),
  );
  const intraEntries = codes.map((a) => [a, roundTenth(directed(rtt, a, a))] as const);
  const header = comment([
    GENERATED_NOTICE,
    "",
    ...RTT_SOURCE,
    "",
    `Derivation: ${codes.length} regions. For a ≠ b the value is the mean of the published a→b and`,
    "b→a p50 values, rounded to 0.1 ms, so the matrix is symmetric. The published matrix is not",
    `exactly symmetric: the largest |a→b − b→a| is ${roundTenth(worst.diffMs)} ms (${worst.a} ↔ ${worst.b}).`,
    "There are no diagonal entries: intra-region (cross-zone) latency is modelled separately; the",
    "measured same-region values are kept in AWS_INTRA_REGION_RTT_MS for information only.",
  ]);
  return [
    header,
    "",
    "/** Symmetric inter-region p50 round-trip time in milliseconds: AWS_RTT_MS[a][b], a ≠ b. */",
    "export const AWS_RTT_MS: Readonly<Record<string, Readonly<Record<string, number>>>> = {",
    ...symmetricRows,
    "};",
    "",
    "/**",
    " * Measured same-region p50 RTT in milliseconds (cloudping's from == to pairs, rounded to 0.1).",
    " * Informational: which AZs the probes ran in is not recorded, so this is not a cross-zone figure.",
    " */",
    "export const AWS_INTRA_REGION_RTT_MS: Readonly<Record<string, number>> = {",
    ...intraEntries.map(([k, v]) => `  ${JSON.stringify(k)}: ${v},`),
    "};",
    "",
  ].join("\n");
}

/** Pure: CSV texts in, the two generated TypeScript files out (byte-identical for equal input). */
export function renderCatalogFiles(regionsCsv: string, rttCsv: string): { regions: string; rtt: string } {
  const all = parseRegionRows(regionsCsv);
  const rtt = parseDirectedRtt(rttCsv);
  const regions = selectRegions(all, rtt);
  return {
    regions: renderRegions(regions, all),
    rtt: renderRtt(
      regions.map((r) => r.code),
      rtt,
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

/** Repository root: the parent of this script's directory. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function main(): void {
  const read = (p: string): string => readFileSync(resolve(REPO_ROOT, p), "utf8");
  const files = renderCatalogFiles(read(CATALOG_PATHS.regionsCsv), read(CATALOG_PATHS.rttCsv));
  mkdirSync(resolve(REPO_ROOT, dirname(CATALOG_PATHS.regionsOut)), { recursive: true });
  writeFileSync(resolve(REPO_ROOT, CATALOG_PATHS.regionsOut), files.regions);
  writeFileSync(resolve(REPO_ROOT, CATALOG_PATHS.rttOut), files.rtt);
  console.log(`wrote ${CATALOG_PATHS.regionsOut} and ${CATALOG_PATHS.rttOut}`);
}

// Run only when executed directly, not when imported by the tests.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
