import { kindOfType } from "../compile/names.js";
import type { ResourcePlan } from "../compile/plan.js";
import { type RequiredAddon, requiredAddons } from "../compile/prerequisites/index.js";
import { byText } from "../order.js";
import { helmInstallCommand } from "../report/addons.js";
import { commentSafe } from "../report/escape.js";
import { summarisePlan } from "../report/plan-summary.js";
import { RENDER_MARKER, type RenderLayout } from "./paths.js";

/** The layout section of the README, per layout. */
const LAYOUT_LINES: Readonly<Record<RenderLayout, readonly string[]>> = {
  component: [
    "- `<region>/kubernetes/_cluster/_shared.yaml` — cluster-scoped objects (Namespaces) of the region's cluster",
    "- `<region>/kubernetes/<namespace>/<component>.yaml` — every object of one component there, `---` between them",
    "- `<region>/kubernetes/<namespace>/_shared.yaml` — objects no one component owns (namespace-wide policies, dashboards)",
    "- `<region>/aws/<component>.yaml` — AWS resources: Pulumi type, logical name, inputs, options",
  ],
  object: [
    "- `<region>/kubernetes/_cluster/<kind>-<name>.yaml` — cluster-scoped objects (Namespaces) of the region's cluster",
    "- `<region>/kubernetes/<namespace>/<kind>-<name>.yaml` — one manifest per object",
    "- `<region>/aws/<service.Type>-<name>.yaml` — AWS resources: Pulumi type, logical name, inputs, options",
  ],
};

/** Files named in the README's list; a large topology's list would bury the rest. */
const LISTED_FILES = 20;

/**
 * The README's "Applying with kubectl" section. Server-side apply, because client-side apply
 * copies each object into its `last-applied-configuration` annotation, and annotations are limited
 * to 256 KiB (Kubernetes API validation, `TotalAnnotationSizeLimitB`; kubernetes/kubectl#712):
 * a region's dashboard ConfigMap takes 4.5–5 KB of compact JSON per component (measured at 2,000
 * services), so one of more than about 50 components passes that. Files holding values only the
 * deployment knows (AWS outputs as `$ref`, generated values as `$runtime`) are named: kubectl
 * rejects those objects (a ConfigMap's data must be strings) and applies the rest of the file.
 */
function kubectlLines(deploymentValueFiles: readonly string[], afterAddons: boolean): string[] {
  const apply = "kubectl apply --server-side --field-manager=topoplan -R -f";
  const count = deploymentValueFiles.length;
  return [
    "## Applying with kubectl",
    "",
    `\`pulumi up\` is the supported path. With kubectl, ${afterAddons ? "after the add-ons above, " : ""}run against each`,
    "region's cluster (namespaces first):",
    "",
    "```sh",
    `${apply} <region>/kubernetes/_cluster && ${apply} <region>/kubernetes`,
    "```",
    "",
    "Server-side apply, because client-side apply stores each object in an annotation limited to",
    "256 KiB, which a region's dashboard ConfigMap passes from about 50 components. Objects applied",
    "before by client-side apply or by another field manager (Pulumi) need `--force-conflicts` once.",
    ...(count === 0
      ? []
      : [
          "",
          `### ${count} file${count === 1 ? "" : "s"} with values known only at deployment`,
          "",
          "These files hold outputs of the AWS resources (`$ref: <resource>`, `property: <output>`) or",
          "values generated at deployment (`$runtime`), which `pulumi up` fills in. kubectl rejects those",
          "objects and applies the rest, so a Deployment would wait on the ConfigMap that failed: before",
          "running the commands above, replace each such mapping with its value (a string), or deploy",
          "the region with `pulumi up` instead.",
          "",
          ...deploymentValueFiles.slice(0, LISTED_FILES).map((path) => `- \`${path}\``),
          ...(count > LISTED_FILES
            ? [
                `- … and ${count - LISTED_FILES} more: \`${DEPLOYMENT_VALUE_GREP}\` (from this directory) lists them all`,
              ]
            : []),
        ]),
    "",
  ];
}

/** Lists the rendered Kubernetes files holding a `$ref` or `$runtime` key, as a map entry or a list item. */
export const DEPLOYMENT_VALUE_GREP = "grep -rlE '^[ -]*\\$(ref|runtime):' */kubernetes";

/**
 * The add-ons serving the plan's custom resources, one row per add-on with the regions that need
 * it, and the `helm` commands that install them with topoplan's pinned charts and values (without
 * them, e.g., Prometheus ignores rules not labelled for its release): kubectl refuses a kind whose
 * CRD is not installed ("no matches for kind"). The same add-ons as `topoplan plan` lists
 * (src/report/addons.ts), from the same pins.
 */
function addonLines(required: readonly RequiredAddon[]): string[] {
  if (required.length === 0) return [];
  const byAddon = new Map<string, { addon: RequiredAddon["addon"]; regions: string[]; kinds: Set<string> }>();
  for (const { id, region, addon, types } of required) {
    const entry = byAddon.get(id) ?? { addon, regions: [], kinds: new Set<string>() };
    entry.regions.push(region);
    for (const type of types) entry.kinds.add(kindOfType(type));
    byAddon.set(id, entry);
  }
  const rows = [...byAddon.entries()].sort(([a], [b]) => byText(a, b)).map(([, entry]) => entry);
  return [
    "## Cluster add-ons (install first)",
    "",
    "The custom resources here need these in each listed region's cluster before they can be applied",
    "(kubectl refuses a kind whose CRD is missing). `topoplan:installAddons: true` in the stack config has",
    "`pulumi up` install these pinned releases; by hand, run the commands below against each region's cluster.",
    "",
    "| add-on | namespace | for | regions |",
    "| --- | --- | --- | --- |",
    ...rows.map(
      ({ addon, regions, kinds }) =>
        `| ${addon.title} | ${addon.namespace} | ${[...kinds].sort().join(", ")} | ${regions.join(", ")} |`,
    ),
    ...rows.flatMap(({ addon }) => (addon.note === undefined ? [] : ["", addon.note])),
    "",
    "The commands are written for Helm 3.10 or later:",
    "",
    "```sh",
    ...rows.flatMap(({ addon, regions }) => [
      `# ${commentSafe(`${addon.title}, in ${regions.join(", ")} (${addon.docs})`)}`,
      ...(addon.charts.length === 0
        ? ["# (no chart: install it by hand, see above)"]
        : addon.charts.map((chart) => helmInstallCommand(chart, addon.namespace))),
    ]),
    "```",
    "",
  ];
}

/**
 * The rendered directory's README.md: the layout, how to apply it (kubectl or Pulumi), the cluster
 * add-ons its custom resources need, and the resources by region and type. `deploymentValueFiles`
 * are the Kubernetes files holding values only the deployment knows, sorted.
 */
export function renderReadme(
  plan: ResourcePlan,
  layout: RenderLayout,
  deploymentValueFiles: readonly string[],
): string {
  const summary = summarisePlan(plan);
  const addons = addonLines(requiredAddons(plan.resources));
  return [
    `# ${plan.topology} — rendered plan`,
    "",
    "Generated by `topoplan render`. Do not edit: change the topology and re-render. Re-rendering",
    `replaces this whole directory (it is marked by \`${RENDER_MARKER}\`, which lists the files written; a`,
    "file added or edited here by hand makes the next render stop rather than lose it). The bytes depend",
    "only on the topology.",
    "",
    `## Layout (\`--layout ${layout}\`)`,
    "",
    ...LAYOUT_LINES[layout],
    "- other files (Prometheus rule files, dashboards) come from the targets that add them",
    "",
    "Every object is preceded by a comment naming its Pulumi type token and logical name, and whether",
    "the resource is protected (`protect`, `retainOnDelete`: stateful, never deleted by an edit).",
    "",
    ...addons,
    ...kubectlLines(deploymentValueFiles, addons.length > 0),
    "## Resources",
    "",
    "| region | type | count | protected |",
    "| --- | --- | ---: | ---: |",
    ...summary.regions.flatMap((region) =>
      region.types.map((t) => `| ${region.region} | \`${t.type}\` | ${t.count} | ${t.protected} |`),
    ),
    "",
    `${summary.total} resources, ${summary.protected} protected.`,
    "",
  ].join("\n");
}
