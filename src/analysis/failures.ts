import { type Diagnostic, InputError } from "../diagnostics/diagnostic.js";
import { suggestion } from "../diagnostics/suggest.js";
import { zonesIn } from "../model/resolve.js";
import type { Model } from "../model/types.js";
import { byText } from "../order.js";
import type { Failure } from "./types.js";

const KINDS = ["region", "zone", "link"] as const;

/** Regions the what-if may fail: the catalog's (with the topology's own sites); those in use first. */
function knownRegions(model: Model): string[] {
  return [...new Set([...model.regions, ...[...model.catalog.regions.keys()].sort()])];
}

function knownZones(model: Model): string[] {
  const zones = new Set<string>();
  for (const ds of model.datastores) for (const p of ds.placement) for (const z of p.zones) zones.add(z);
  for (const region of model.regions)
    for (const z of model.catalog.regions.get(region)?.zones ?? []) zones.add(z);
  for (const region of model.catalog.regions.values()) for (const z of region.zones) zones.add(z);
  return [...zones];
}

/**
 * Parses `region:eu-west-1`, `zone:eu-west-1a` or `link:eu-west-1/us-east-1` (as given to
 * `topoplan whatif --fail`). Returns the failure or a diagnostic naming the fix.
 */
export function parseFailure(model: Model, text: string): Failure | Diagnostic {
  const problem = (message: string, fix: string): Diagnostic => ({
    code: "cli/fail",
    severity: "error",
    path: "--fail",
    message,
    fix,
  });
  const colon = text.indexOf(":");
  const kind = colon < 0 ? "" : text.slice(0, colon);
  const value = colon < 0 ? text : text.slice(colon + 1);
  const regions = knownRegions(model);
  const region = (code: string): Diagnostic | undefined =>
    regions.includes(code)
      ? undefined
      : problem(
          `unknown region "${code}" in --fail ${text}: ${suggestion(code, regions, "regions")}`,
          `name a catalog region or one declared under \`regions\`, e.g. --fail region:${model.regions[0] ?? "eu-west-1"}`,
        );
  if (!(KINDS as readonly string[]).includes(kind)) {
    return problem(
      `--fail ${text} must be region:<code>, zone:<zone> or link:<a>/<b>${kind === "" ? "" : ` (unknown kind "${kind}": ${suggestion(kind, KINDS, "kinds")})`}`,
      "e.g. --fail region:us-east-1 --fail zone:eu-west-1a --fail link:eu-west-1/us-east-1",
    );
  }
  if (kind === "region") return region(value) ?? { kind: "region", region: value };
  if (kind === "zone") {
    const zones = knownZones(model);
    return zones.includes(value)
      ? { kind: "zone", zone: value }
      : problem(
          `unknown zone "${value}" in --fail ${text}: ${suggestion(value, zones, "zones")}`,
          "name a zone of a region, e.g. --fail zone:eu-west-1a",
        );
  }
  const ends = value.split("/");
  if (ends.length !== 2 || ends[0] === ends[1] || ends.some((e) => e === "")) {
    return problem(
      `--fail ${text}: a link is two different regions separated by "/"`,
      "e.g. --fail link:eu-west-1/us-east-1",
    );
  }
  const [a, b] = ends as [string, string];
  return region(a) ?? region(b) ?? { kind: "link", between: [a, b].sort() as [string, string] };
}

/** Parses every `--fail` value; throws one InputError listing every bad one. */
export function parseFailures(model: Model, texts: readonly string[]): Failure[] {
  const results = texts.map((text) => parseFailure(model, text));
  const problems = results.filter((r): r is Diagnostic => "code" in r);
  if (problems.length > 0) throw new InputError(problems);
  return results as Failure[];
}

/**
 * The failures, plus every region whose zones have all failed as a failed region: a region with no
 * zone left is down, however its loss is named, so `--fail zone:` for each of its zones gives the
 * what-if of `--fail region:` (its users gone, nothing sent there), not a live region without
 * replicas. "Its zones": those the topology can use there — the catalog's first three (a cluster
 * spans three; us-east-1 lists six, src/model/resolve.ts zonesIn) and any a component names.
 */
export function withRegionsDown(model: Model, failures: readonly Failure[]): readonly Failure[] {
  const zones = new Set(failures.flatMap((f) => (f.kind === "zone" ? [f.zone] : [])));
  if (zones.size === 0) return failures;
  const regions = new Set(failures.flatMap((f) => (f.kind === "region" ? [f.region] : [])));
  const usable = new Map<string, Set<string>>();
  const use = (region: string, names: readonly string[]) => {
    const set = usable.get(region) ?? new Set<string>();
    for (const zone of names) set.add(zone);
    usable.set(region, set);
  };
  const zonesOf = zonesIn(model.catalog);
  for (const [code, region] of model.catalog.regions)
    if (region.zones.some((zone) => zones.has(zone))) use(code, zonesOf(code));
  for (const ds of model.datastores)
    for (const p of ds.placement) if (usable.has(p.region)) use(p.region, p.zones);
  for (const c of [...model.services, ...model.streams])
    for (const [region, names] of Object.entries(c.zones)) if (usable.has(region)) use(region, names);
  const down = [...usable]
    .filter(([code, set]) => !regions.has(code) && set.size > 0 && [...set].every((zone) => zones.has(zone)))
    .map(([code]) => code)
    .sort(byText);
  return down.length === 0
    ? failures
    : [...failures, ...down.map((region) => ({ kind: "region" as const, region }))];
}
