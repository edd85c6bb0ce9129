import { HELM_RELEASE_SETTINGS, type HelmChart, type RequiredAddon } from "../compile/prerequisites/index.js";
import { shellQuote } from "../shell.js";
import { TEXT_WIDTH, wrap } from "./wrap.js";

/** A plan's cluster add-ons as data (stable JSON): per region, what needs each and how to install it. */
export function addonsData(required: readonly RequiredAddon[]) {
  return required.map(({ region, id, addon, types }) => ({
    region,
    id,
    title: addon.title,
    namespace: addon.namespace,
    neededBy: types,
    helm: addon.charts.map((c) => ({
      release: c.release,
      chart: c.chart,
      repo: c.repo,
      version: c.version,
      ...(c.values === undefined ? {} : { values: c.values }),
      command: helmInstallCommand(c, addon.namespace),
    })),
    docs: addon.docs,
  }));
}

/** The "Cluster add-ons" section of `topoplan plan`: install these first, or let topoplan. */
export function formatAddons(required: readonly RequiredAddon[]): string {
  if (required.length === 0) return "(none: the plan uses built-in Kubernetes kinds only)\n";
  const lines: string[] = [];
  for (const { region, addon, types } of required) {
    const kinds = types.map((t) => t.slice(t.lastIndexOf(":") + 1)).join(", ");
    lines.push(
      wrap(
        `${region}  ${addon.title} in namespace ${addon.namespace} — for ${kinds}`,
        "  ",
        "      ",
        TEXT_WIDTH,
      ),
    );
    for (const c of addon.charts)
      lines.push(
        wrap(
          `helm: ${c.chart} ${c.version} from ${c.repo} (release ${c.release})${c.values === undefined ? "" : `, values ${helmSetFlags(c.values).join(" ")}`}`,
          "      ",
          "        ",
          TEXT_WIDTH,
        ),
      );
  }
  lines.push(
    "",
    "  Install them before `pulumi up`, or set topoplan:installAddons: true in the stack config to",
    "  have the program install these pinned Helm releases (docs/deploy.md, Prerequisites).",
    "",
  );
  return lines.join("\n");
}

/**
 * A chart's values as Helm flags: `--set` for booleans and numbers, `--set-string` for strings (so
 * "true" stays a string), `--set-json` for lists, one per leaf, dots in keys and commas in values escaped as Helm reads
 * them (Helm docs, "The Format and Limitations of --set"); each flag quoted for a POSIX shell.
 */
export function helmSetFlags(values: Readonly<Record<string, unknown>>): string[] {
  const flags: string[] = [];
  const visit = (path: string, value: unknown) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value))
        visit(path === "" ? escapeKey(key) : `${path}.${escapeKey(key)}`, child);
      return;
    }
    // Lists as JSON (`--set-json`, Helm 3.10+): `--set`'s `{a,b}` cannot hold every item.
    const flag = typeof value === "string" ? "--set-string" : Array.isArray(value) ? "--set-json" : "--set";
    const text = typeof value === "string" ? value.replace(/[\\,]/g, "\\$&") : JSON.stringify(value);
    flags.push(`${flag} ${shellQuote(`${path}=${text}`)}`);
  };
  visit("", values);
  return flags;
}

const escapeKey = (key: string) => key.replace(/[\\.]/g, "\\$&");

/** The `helm upgrade --install` command that installs one pinned chart as topoplan would. */
export function helmInstallCommand(chart: HelmChart, namespace: string): string {
  return [
    "helm upgrade --install",
    shellQuote(chart.release),
    shellQuote(chart.chart),
    `--repo ${shellQuote(chart.repo)}`,
    `--version ${shellQuote(chart.version)}`,
    `--namespace ${shellQuote(namespace)} --create-namespace`,
    ...(HELM_RELEASE_SETTINGS.atomic ? ["--atomic"] : []),
    `--timeout ${HELM_RELEASE_SETTINGS.timeout}s`,
    ...(chart.values === undefined ? [] : helmSetFlags(chart.values)),
  ].join(" ");
}
