import { relative } from "node:path";
import { isAlias, isMap, isScalar, type Node, parseDocument, visit } from "yaml";
import { type Diagnostic, InputError } from "../../diagnostics/diagnostic.js";
import { diffTopologies } from "../../diff/index.js";
import { diffSide } from "../../diff/side.js";
import { inSpec, loadTopology, topologyFromData } from "../../pipeline.js";
import { terminalSafe, visibleLine } from "../../report/escape.js";
import { ROLES, type Role } from "../../solve/candidate.js";
import { SOLVE_FORMATS } from "../../solve/render.js";
import { type SolveOptions, solve } from "../../solve/solve.js";
import { type PlacementEdit, placementEdits, rewriteSpec, typescriptSnippet } from "../../solve/write.js";
import { parseJson } from "../../spec/load/json.js";
import { positionAfter } from "../../spec/load/position.js";
import { parseYaml } from "../../spec/load/yaml.js";
import { choice, formatChoice, wholeNumberFlag } from "../args.js";
import { type Command, EXIT, listFlag, stringFlag } from "../command.js";
import { emit, replaceFile } from "../output.js";

const usage = (path: string, message: string, fix: string) =>
  new InputError([{ code: "cli/usage", severity: "error", path, message, fix }]);

/** `--replicas 5`, `--replicas 3-7` or `--replicas auto`. */
function replicaFlag(value: string | undefined): SolveOptions["replicas"] {
  if (value === undefined) return undefined;
  if (value === "auto") return "auto";
  const match = /^(\d+)(?:-(\d+))?$/.exec(value.trim());
  const min = Number(match?.[1]);
  const max = match?.[2] === undefined ? min : Number(match[2]);
  if (match === null || min < 1 || max < min || max > MAX_REPLICAS)
    throw usage(
      "--replicas",
      `--replicas must be a count, a range MIN-MAX with 1 ≤ MIN ≤ MAX ≤ ${MAX_REPLICAS}, or auto (got "${value}")`,
      "e.g. --replicas 5, --replicas 3-7 or --replicas auto",
    );
  return min === max ? min : { min, max };
}

/**
 * `--regions eu-west-1,eu-central-1`. An empty list would leave the search no region (reported as
 * "infeasible", a model result); an empty or repeated entry is a typo. All are usage errors.
 */
function regionsFlag(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(",").map((r) => r.trim());
  const fix = "list candidate regions once each, separated by commas, e.g. --regions eu-west-1,eu-central-1";
  if (list.every((r) => r === "")) throw usage("--regions", "--regions names no region", fix);
  if (list.includes("")) throw usage("--regions", `--regions has an empty entry (got "${value}")`, fix);
  const repeated = list.find((r, i) => list.indexOf(r) !== i);
  if (repeated !== undefined) throw usage("--regions", `--regions names "${repeated}" twice`, fix);
  return list;
}

/** Largest count --replicas takes: the space grows as (regions × roles)^replicas. */
const MAX_REPLICAS = 15;

/** `--roles readOnly,witnesses` or `--roles all` (voters are always allowed). */
function roleFlag(value: string | undefined): SolveOptions["roles"] {
  if (value === undefined) return undefined;
  if (value.trim() === "all") return "all";
  const list = value
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  const unknown = list.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0 || list.length === 0)
    throw usage(
      "--roles",
      `unknown role${unknown.length === 1 ? "" : "s"} ${unknown.map((r) => `"${r}"`).join(", ") || "(none given)"}`,
      `list some of ${ROLES.join(", ")}, or all`,
    );
  return list as Role[];
}

const FORMATS = ["text", "json", "markdown"] as const;

export const solveCommand: Command = {
  name: "solve",
  summary:
    "Find the cheapest placement (regions, replicas per region, leader) that meets every SLO, residency and survival rule, and explain it.",
  usage:
    "topoplan solve <spec> [--datastore NAME] [--objective cost|latency] [--top N] [--regions A,B,…] [--replicas N|MIN-MAX|auto] [--roles LIST|all] [--limit N] [--write] [--format text|json|markdown] [--output FILE] [--policy-config FILE]",
  details: [
    "  <spec>            topology file: .ts (default export), .yaml/.yml or .json",
    '  --datastore NAME  solve this datastore (repeatable); default: those with placement "auto", else all',
    "  --objective O     cost (default; ties by demand-weighted p99) or latency (ties by cost)",
    "  --top N           next-best placements to show (default 3)",
    "  --regions LIST    candidate regions, comma-separated (default: every region residency allows)",
    "  --replicas R      replica count to search: N, MIN-MAX or auto (1 up to the declared count or 7, whichever",
    "                    is larger; consensus keeps an odd number of voting members); default: the declared count",
    "  --roles LIST      roles besides voters the search may use: readOnly, witnesses (comma-separated) or all;",
    "                    only where the replication model and the deploy (engine) build them (src/solve/README.md);",
    "                    default: the roles the declared placement uses",
    "  --limit N         candidates evaluated before the heuristic takes over (default 20000)",
    "  --write           write the chosen placements into the spec (YAML keeps comments; JSON is rewritten whole, 2-space indented; TypeScript: prints the object to paste); warns when deploying the edit is destructive, as diff reports it",
    "  --format F        text (default), json or markdown",
    "  --output FILE     write the report to FILE instead of stdout; without --format, its extension names the format",
    "  --policy-config FILE  policy settings merged over the spec's policies block (as in check)",
    "",
    "exit codes: 0 every datastore has a placement that passes check, apart from failures no placement of it",
    "           changes (listed: elsewhere, and callers' failures the current placement has too); 1 some datastore",
    "           has none; 2 invalid input",
  ],
  options: {
    datastore: { type: "string", multiple: true },
    objective: { type: "string" },
    top: { type: "string" },
    regions: { type: "string" },
    limit: { type: "string" },
    replicas: { type: "string" },
    roles: { type: "string" },
    write: { type: "boolean" },
    format: { type: "string", short: "f" },
    output: { type: "string", short: "o" },
    "policy-config": { type: "string" },
  },
  positionals: { min: 1, max: 1, names: "<spec>" },
  formats: FORMATS,
  async run(args, io) {
    const format = formatChoice(this, args.values, FORMATS, "text");
    const objective = choice(this, "objective", args.values.objective, ["cost", "latency"] as const, "cost");
    const top = wholeNumberFlag("top", stringFlag(args, "top"), 3, 0);
    const limit = wholeNumberFlag("limit", stringFlag(args, "limit"), 20_000, 1);
    const output = stringFlag(args, "output");
    const loaded = await loadTopology(args.positionals[0]!, { placeAuto: false });
    const { model } = loaded;

    // Named twice is named once (each would be solved, and written, again).
    const names = [...new Set(listFlag(args, "datastore"))];
    for (const name of names)
      if (!model.datastores.some((ds) => ds.name === name))
        throw usage(
          "--datastore",
          `no datastore "${name}" in ${model.name}`,
          `one of: ${model.datastores.map((ds) => ds.name).join(", ") || "(none declared)"}`,
        );
    if (model.datastores.length === 0)
      throw usage(
        "datastores",
        `${model.name} declares no datastores: nothing to place`,
        "declare a datastore",
      );
    const regions = regionsFlag(stringFlag(args, "regions"));
    for (const region of regions ?? [])
      if (!model.catalog.regions.has(region))
        throw usage(
          "--regions",
          `unknown region "${region}"`,
          "use catalog region codes (e.g. eu-west-1) or sites under `regions`",
        );
    const policyConfig = stringFlag(args, "policy-config");
    const policy =
      policyConfig === undefined
        ? {}
        : {
            // solve takes no --rules: the rules that run are known now (every problem in one run).
            fileConfig: await (await import("../../policy-config/load.js")).loadPolicyConfig(
              policyConfig,
              (await import("../../../policies/registry.js")).RULES,
            ),
          };

    const replicas = replicaFlag(stringFlag(args, "replicas"));
    const roles = roleFlag(stringFlag(args, "roles"));
    // Problems in the spec's policies block are placed on its lines (src/pipeline.ts).
    const report = inSpec(loaded, () =>
      solve(model, {
        objective,
        top,
        limit,
        ...(replicas === undefined ? {} : { replicas }),
        ...(roles === undefined ? {} : { roles }),
        policy,
        ...(names.length > 0 ? { datastores: names } : {}),
        ...(regions === undefined ? {} : { regions }),
        // Each datastore costs dozens of full checks: say where a long run is.
        progress: ({ name, index, total }) => {
          if (total > 1) io.stderr(`solving ${name} (${index + 1} of ${total})\n`);
        },
      }),
    );
    // Before the report is printed: a --write that cannot be done is the only output.
    if (args.values.write === true && loaded.spec.format === "yaml")
      refuseSharedYaml(loaded.spec.text, placementEdits(model, report), args.positionals[0]!);
    const style = { color: io.color && output === undefined };
    await emit(
      format === "text" ? SOLVE_FORMATS.text(report, style) : SOLVE_FORMATS[format](report),
      output,
      io,
    );

    if (args.values.write === true) await writeBack(loaded, model, report, io);
    return report.datastores.every((s) => s.chosen !== undefined) ? EXIT.ok : EXIT.findings;
  },
};

/** `placement: { eu-west-1: 2, eu-central-1: { voters: 1, witnesses: 1 } }, leader: eu-west-1`: one edit as YAML to paste. */
function yamlToPaste(edit: PlacementEdit): string {
  const entry = (e: PlacementEdit["placement"][string]) =>
    typeof e === "number"
      ? `${e}`
      : `{ ${Object.entries(e)
          .map(([role, n]) => `${role}: ${n}`)
          .join(", ")} }`;
  const placement = Object.entries(edit.placement).map(([region, e]) => `${region}: ${entry(e)}`);
  return [
    `placement: { ${placement.join(", ")} }`,
    ...(edit.replicas === undefined ? [] : [`replicas: ${edit.replicas}`]),
    ...(edit.leader === undefined ? [] : [`leader: ${edit.leader}`]),
    ...(edit.leaders === undefined ? [] : [`leaders: [${edit.leaders.join(", ")}]`]),
  ].join(", ");
}

/**
 * --write replaces the values written in each datastore's own mapping (src/solve/write.ts). A
 * datastore that is an alias (`config: *ds`), or takes a key --write sets from a merge key
 * (`<<: *ds`), shares that value with the anchor and its other users: exit 2 with what to write out,
 * rather than edit the shared text or fail half way. `shown` is the spec's path as given.
 */
function refuseSharedYaml(text: string, edits: readonly PlacementEdit[], shown: string): void {
  const doc = parseDocument(text, { merge: true });
  const at = (node: Node | null | undefined) => {
    const offset = node?.range?.[0];
    return offset === undefined ? {} : { location: { file: shown, ...positionAfter(text.slice(0, offset)) } };
  };
  const problems: Diagnostic[] = [];
  const datastores = doc.get("datastores", true) as Node | undefined;
  // Anchors something refers to (`*ds`, `<<: *ds`): editing the text under one edits them all.
  const used = new Set<string>();
  visit(doc, {
    Alias(_, alias) {
      used.add(alias.source);
    },
  });
  for (const edit of edits) {
    const path = `datastores.${edit.name}`;
    const pair = isMap(datastores)
      ? datastores.items.find((p) => isScalar(p.key) && p.key.value === edit.name)
      : undefined;
    const store = pair?.value as Node | null | undefined;
    const needed = [
      "placement",
      ...(edit.replicas === undefined ? [] : ["replicas"]),
      ...(edit.leaders === undefined ? [] : ["leaders"]),
    ];
    const own = isMap(store) ? store.items.flatMap((p) => (isScalar(p.key) ? [p.key.value] : [])) : [];
    const merged = needed.filter((key) => !own.includes(key));
    // The datastore, or a value --write replaces in it or anything inside that value, is an
    // anchor others use: the edit would change them, or leave their alias without its anchor.
    const edited = isMap(store)
      ? store.items.filter((p) => isScalar(p.key) && [...needed, "leader"].includes(String(p.key.value)))
      : [];
    let anchor: Node | undefined = store?.anchor !== undefined && used.has(store.anchor) ? store : undefined;
    for (const pair of edited)
      if (pair.value)
        visit(pair.value as Node, (_, node) => {
          const named = (node as Node).anchor;
          if (anchor === undefined && named !== undefined && used.has(named)) anchor = node as Node;
        });
    if (isMap(store) && anchor?.anchor !== undefined) {
      problems.push({
        code: "cli/write",
        severity: "error",
        path,
        message: `${path} holds the anchor &${anchor.anchor}, which other parts of the spec use (*${anchor.anchor}): --write would change them too, so nothing was written`,
        fix: `give the others their own values, or write the change yourself: ${yamlToPaste(edit)}`,
        ...at(anchor),
      });
      continue;
    }
    if (isMap(store) && merged.length === 0) continue;
    const merge = isMap(store) ? store.items.find((p) => isScalar(p.key) && p.key.value === "<<") : undefined;
    const shared = isMap(store)
      ? `${merged.join(" and ")} ${merged.length === 1 ? "comes" : "come"} from a merge key (<<)`
      : `the datastore is ${isAlias(store) ? `an alias (*${store.source})` : isAlias(datastores) ? "inside an alias" : "merged in"}`;
    problems.push({
      code: "cli/write",
      severity: "error",
      path,
      message: `${shared}, shared with the anchor; --write replaces only values written in the datastore itself, so nothing was written`,
      fix: isMap(store)
        ? `write these beside the \`<<\` of ${path} (keys written there win over merged ones): ${yamlToPaste(edit)}`
        : `write ${path} out as a mapping (\`<<: *anchor\` keeps the shared keys) and set in it: ${yamlToPaste(edit)}`,
      ...at((merge?.key as Node | undefined) ?? store ?? datastores),
    });
  }
  if (problems.length > 0) throw new InputError(problems);
}

/** --write: the chosen placements into the spec file, validated before the file is replaced. */
async function writeBack(
  loaded: Awaited<ReturnType<typeof loadTopology>>,
  model: Awaited<ReturnType<typeof loadTopology>>["model"],
  report: ReturnType<typeof solve>,
  io: Parameters<Command["run"]>[1],
): Promise<void> {
  const edits = placementEdits(model, report);
  const file = visibleLine(relative(process.cwd(), loaded.spec.file));
  if (edits.length === 0) {
    io.stderr(`nothing written to ${file}: no datastore has a feasible placement\n`);
    return;
  }
  const text = rewriteSpec(loaded.spec.format, loaded.spec.text, edits);
  if (text === undefined) {
    io.stderr(`${file} is TypeScript: paste these into the datastores (nothing written)\n`);
    io.stdout(`${typescriptSnippet(edits)}\n`);
    return;
  }
  // The edit is topoplan's: text it made that does not parse is its bug (exit 3), not the user's file.
  let data: unknown;
  try {
    data =
      loaded.spec.format === "yaml" ? parseYaml(text, loaded.spec.file) : parseJson(text, loaded.spec.file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new Error(
      `solve --write made text that does not parse for ${file} (nothing was written): ${error.diagnostics[0]?.message ?? ""}`,
    );
  }
  // Throws InputError before anything is written.
  const after = topologyFromData({ ...loaded.spec, text, data });
  // What `topoplan diff` will hold against the edit: a placement the solver prefers may move a
  // primary or drop a region's replicas (their data), which the spec edit alone does not show.
  // Both sides as `plan` and `pulumi up` resolve them, `placement: auto` placed: the spec before
  // deploys the auto placement, not the one solve starts its search from.
  const before = loaded.model.datastores.some((ds) => ds.autoPlaced) ? topologyFromData(loaded.spec) : loaded;
  const destructive = diffTopologies(diffSide(before), diffSide(after)).destructive;
  await replaceFile(loaded.spec.file, text);
  io.stderr(
    `wrote the chosen placement of ${edits.map((e) => e.name).join(", ")} into ${file}${relaidOut(loaded.spec) ? " (JSON is rewritten whole: its layout is now 2-space indentation, one key per line)" : ""}\n`,
  );
  if (destructive.length > 0)
    io.stderr(
      [
        `warning: deploying this edit is destructive (${destructive.length}, as \`topoplan diff\` reports them; review before pulumi up):`,
        ...destructive.map((d) => `  ${d.path}: ${terminalSafe(d.message, false)}`),
        "",
      ].join("\n"),
    );
}

/** Whether --write changes the layout of a JSON spec besides the placements (it is re-serialised). */
function relaidOut(spec: { readonly format: string; readonly text: string }): boolean {
  if (spec.format !== "json") return false;
  const text = spec.text.replace(/^\ufeff/, "");
  return text !== `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
}
