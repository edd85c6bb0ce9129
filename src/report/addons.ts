import { kindOfType } from "../compile/names.js";
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
    const kinds = types.map(kindOfType).join(", ");
    lines.push(
      wrap(
        `${region}  ${addon.title} in namespace ${addon.namespace} — for ${kinds}`,
        "  ",
        "      ",
        TEXT_WIDTH,
      ),
    );
    if (addon.charts.length === 0)
      lines.push(wrap("by hand (no chart): see the add-on's docs", "      ", "        ", TEXT_WIDTH));
    for (const c of addon.charts)
      lines.push(
        wrap(
          `helm: ${c.chart} ${c.version} from ${c.repo} (release ${c.release})${
            c.values === undefined
              ? ""
              : `, values ${leaves(c.values)
                  .map(([path, value]) => `${path}=${JSON.stringify(value)}`)
                  .join(", ")}`
          }`,
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
 * A chart's values as Helm flags, one per leaf, each quoted for a POSIX shell: `--set` for
 * booleans and integers, `--set-string` for plain strings (so "true" stays a string), and
 * `--set-json` for anything `--set`'s own syntax would change (Helm's strvals parser: only integers
 * become numbers, `{…}` is a list, `,` separates values, `\` escapes) — floats, lists, null, and
 * strings with those characters. Dots and the other separators in keys are escaped.
 */
export function helmSetFlags(values: Readonly<Record<string, unknown>>): string[] {
  return leaves(values).map(([path, value]) => {
    const [flag, text] =
      typeof value === "boolean" || (typeof value === "number" && Number.isSafeInteger(value))
        ? ["--set", String(value)]
        : typeof value === "string" && PLAIN_STRING.test(value)
          ? ["--set-string", value]
          : ["--set-json", JSON.stringify(value)];
    return `${flag} ${shellQuote(`${path}=${text}`)}`;
  });
}

/** Every value that is not an object, with its key path in Helm's syntax; undefined ones dropped. */
function leaves(values: Readonly<Record<string, unknown>>, path = ""): [string, unknown][] {
  return Object.entries(values).flatMap(([key, value]): [string, unknown][] => {
    const at = path === "" ? escapeKey(key) : `${path}.${escapeKey(key)}`;
    if (value === undefined) return [];
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return leaves(value as Record<string, unknown>, at);
    return [[at, value]];
  });
}

/** A string `--set-string` passes through as it is. */
const PLAIN_STRING = /^[A-Za-z0-9_./:@%+ -]*$/;

/** Helm's key syntax: `.` nests, `[` indexes, `=` and `,` end the key; `\` escapes any of them. */
const escapeKey = (key: string) => key.replace(/[\\.[\]=,]/g, "\\$&");

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
