import { autoPlacementCandidates } from "../../catalog/catalog.js";
import { formatPath, type PathSegment } from "../../diagnostics/diagnostic.js";
import { suggestion } from "../../diagnostics/suggest.js";
import { arrayOf, type CheckContext, componentsOf, entriesOf } from "./context.js";

type Mention = { readonly region: string; readonly at: PathSegment[] };

/** Every region named anywhere in the spec, with where it is named; listed once per check context. */
const mentions = new WeakMap<CheckContext, readonly Mention[]>();
export function regionMentions(context: CheckContext): readonly Mention[] {
  let known = mentions.get(context);
  if (known === undefined) {
    known = listMentions(context);
    mentions.set(context, known);
  }
  return known;
}

function listMentions(context: CheckContext): Mention[] {
  const t = context.topology;
  const found: Mention[] = [];
  const add = (region: unknown, at: PathSegment[]) => {
    if (typeof region === "string") found.push({ region, at });
  };
  for (const [region] of entriesOf(t.users)) add(region, ["users", region]);
  for (const [name, store] of componentsOf(context, "datastores")) {
    if (store.placement !== "auto")
      for (const [region] of entriesOf(store.placement))
        add(region, ["datastores", name, "placement", region]);
    add(store.leader, ["datastores", name, "leader"]);
    const deploy = store.deploy as { homeRegion?: unknown } | undefined;
    add(deploy?.homeRegion, ["datastores", name, "deploy", "homeRegion"]);
    arrayOf(store.leaders).forEach((r, i) => {
      add(r, ["datastores", name, "leaders", i]);
    });
    for (const [region] of entriesOf(store.zones)) add(region, ["datastores", name, "zones", region]);
    arrayOf(store.backup?.regions).forEach((r, i) => {
      add(r, ["datastores", name, "backup", "regions", i]);
    });
  }
  for (const [name, service] of componentsOf(context, "services"))
    arrayOf(service.regions).forEach((r, i) => {
      add(r, ["services", name, "regions", i]);
    });
  for (const [name, stream] of componentsOf(context, "streams"))
    arrayOf(stream.regions).forEach((r, i) => {
      add(r, ["streams", name, "regions", i]);
    });
  arrayOf(t.network?.links).forEach((link, i) => {
    arrayOf(link.between).forEach((r, j) => {
      add(r, ["network", "links", i, "between", j]);
    });
  });
  for (const [code, site] of entriesOf(t.regions))
    for (const [other] of entriesOf(site?.rttMs)) add(other, ["regions", code, "rttMs", other]);
  return found;
}

/** Unknown region → "did you mean eu-west-1?". */
export function checkRegionsExist(context: CheckContext): void {
  const known = [...context.catalog.regions.keys()].sort();
  for (const { region, at } of regionMentions(context)) {
    if (context.catalog.regions.has(region)) continue;
    context.report({
      code: "spec/unknown-region",
      path: formatPath(at),
      message: `unknown region "${region}": ${suggestion(region, known, "regions")}`,
      fix: `use a catalog region code, or declare "${region}" under \`regions\` with its country, zones and RTTs`,
    });
  }
}

/** Zones listed for a datastore must belong to their region. */
export function checkZones(context: CheckContext): void {
  for (const [name, store] of componentsOf(context, "datastores")) {
    for (const [region, zones] of entriesOf<readonly string[]>(store.zones)) {
      const known = context.catalog.regions.get(region)?.zones;
      if (known === undefined) continue;
      arrayOf(zones).forEach((zone, i) => {
        if (known.includes(zone)) return;
        context.report({
          code: "spec/unknown-zone",
          path: formatPath(["datastores", name, "zones", region, i]),
          message: `zone "${zone}" is not in ${region}: ${suggestion(zone, known, "zones")}`,
          fix: `use zones of ${region}: ${known.join(", ")}`,
        });
      });
    }
  }
}

/** Analysis needs an RTT between every two regions the topology uses (custom sites declare theirs). */
export function checkRttKnown(context: CheckContext): void {
  // A site's own RTT list names regions it can reach; that does not make them regions the topology uses.
  const used = [
    ...new Set(
      regionMentions(context)
        .filter((m) => m.at[0] !== "regions")
        .map((m) => m.region),
    ),
  ]
    .filter((r) => context.catalog.regions.has(r))
    .sort();
  for (let i = 0; i < used.length; i++) {
    for (let j = i + 1; j < used.length; j++) {
      const [a, b] = [used[i]!, used[j]!];
      if (context.catalog.rttMs(a, b) !== undefined) continue;
      const custom = context.catalog.regions.get(a)?.custom ? a : b;
      const other = custom === a ? b : a;
      context.report({
        code: "spec/unknown-rtt",
        path: formatPath(["regions", custom, "rttMs"]),
        message: `no round-trip time is known between ${a} and ${b}`,
        fix: `add regions["${custom}"].rttMs["${other}"] (ms), or a network.links entry with rttMs`,
      });
    }
  }
}

/** `placement: "auto"` chooses among catalog regions allowed by `residency`; there must be one. */
export function checkAutoPlacement(context: CheckContext): void {
  for (const [name, store] of componentsOf(context, "datastores")) {
    if (store.placement !== "auto" || !Array.isArray(store.residency)) continue;
    const residency = store.residency.filter((r): r is string => typeof r === "string");
    const allowed = autoPlacementCandidates(
      context.catalog,
      Object.keys(context.topology.users ?? {}),
      residency,
    );
    if (allowed.length > 0) continue;
    context.report({
      code: "spec/no-allowed-region",
      path: formatPath(["datastores", name, "placement"]),
      message: `placement "auto" has no catalog region to choose from: none lies in ${residency.join(", ")} (residency)`,
      fix: `list the replicas per region explicitly (custom sites are never auto-placed), or widen datastores.${name}.residency`,
    });
  }
}
