import type { RequiredAddon } from "../compile/prerequisites/index.js";
import { TEXT_WIDTH, wrap } from "./wrap.js";

/** A plan's cluster add-ons as data (stable JSON): per region, what needs each and how to install it. */
export function addonsData(required: readonly RequiredAddon[]) {
  return required.map(({ region, id, addon, types }) => ({
    region,
    id,
    title: addon.title,
    namespace: addon.namespace,
    neededBy: types,
    helm: addon.charts.map((c) => ({ release: c.release, chart: c.chart, repo: c.repo, version: c.version })),
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
          `helm: ${c.chart} ${c.version} from ${c.repo} (release ${c.release})`,
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
