import { relative } from "node:path";
import { InputError } from "../../diagnostics/diagnostic.js";
import { diffTopologies } from "../../diff/index.js";
import { blocks, renderDiffJson, renderDiffMarkdown, renderDiffText } from "../../diff/render.js";
import { diffSide, sideAnalysis } from "../../diff/side.js";
import { type LoadedTopology, loadTopology } from "../../pipeline.js";
import type { StackFile } from "../../pulumi/stack-file.js";
import { formatChoice } from "../args.js";
import { type Command, EXIT, stringFlag } from "../command.js";
import { MAX_CHARS_DETAILS, maxCharsFlag } from "../max-chars.js";
import { emit } from "../output.js";
import { POLICY_DETAILS, POLICY_OPTIONS, POLICY_USAGE, policyFlags, policyFor } from "../policy-flags.js";

const FORMATS = ["text", "json", "markdown"] as const;

/**
 * Both specs, loaded before either is analysed: when both are invalid the problems of both are
 * reported together, each located in its own file (not the first spec's alone).
 */
async function loadBoth(paths: readonly [string, string]): Promise<[LoadedTopology, LoadedTopology]> {
  const [before, after] = await Promise.allSettled(paths.map((path) => loadTopology(path)));
  if (before!.status === "fulfilled" && after!.status === "fulfilled") return [before!.value, after!.value];
  const failed = [before!, after!].flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  if (failed.length === 1 || !failed.every((e) => e instanceof InputError)) throw failed[0];
  const { locatedDiagnostics } = await import("../input-errors.js");
  const located = await Promise.all(failed.map((e) => locatedDiagnostics(e as InputError)));
  throw new InputError(located.flat());
}

/** Both versions' stack files (`--base-stack-config`, `--stack-config`), or neither. */
async function stackConfigs(
  args: Parameters<Command["run"]>[0],
  specs: readonly [string, string],
): Promise<[StackFile | undefined, StackFile | undefined]> {
  const base = stringFlag(args, "base-stack-config");
  const head = stringFlag(args, "stack-config");
  if (base === undefined && head === undefined) return [undefined, undefined];
  if (base === undefined || head === undefined)
    throw new InputError([
      {
        code: "cli/usage",
        severity: "error",
        path: base === undefined ? "--base-stack-config" : "--stack-config",
        message: `${base === undefined ? "--stack-config" : "--base-stack-config"} needs ${base === undefined ? "--base-stack-config" : "--stack-config"}: a setting compared with the defaults would show as a change`,
        fix: "give the stack file of both versions (the base one from the base checkout)",
      },
    ]);
  const { readStackFile } = await import("../../pulumi/stack-file.js");
  return Promise.all([
    readStackFile(base, "--base-stack-config", specs[0]),
    readStackFile(head, "--stack-config", specs[1]),
  ]);
}

export const diffCommand: Command = {
  name: "diff",
  summary:
    "Compare two versions of a topology: destructive changes, findings, cost, SLOs, components, resources.",
  usage: `topoplan diff <before-spec> <after-spec> [--format text|json|markdown] [--output FILE] [--max-chars N] [--base-stack-config FILE --stack-config FILE] ${POLICY_USAGE}`,
  details: [
    "  <before-spec>  the current topology file: .ts (default export), .yaml/.yml or .json",
    "  <after-spec>   the proposed topology file",
    "  --format F     text (default), json, or markdown (the PR comment)",
    "  --output FILE  write to FILE instead of stdout; without --format, its extension names the format",
    ...MAX_CHARS_DETAILS,
    "  --base-stack-config FILE, --stack-config FILE",
    "                 the Pulumi stack file (Pulumi.<stack>.yaml) of each version: its topoplan:*",
    "                 settings (existing VPCs, subnets, region CIDRs, alarm topics, ...) compile both",
    "                 plans as `pulumi up` would, so a change of settings alone shows its replacements;",
    "                 give both or neither (without them both plans use the defaults)",
    ...POLICY_DETAILS,
    "                 (both apply to both versions, as `check` applies them: its findings introduced",
    "                 and fixed are check's)",
    "",
    "For every compiled resource: create, update, replace (an immutable field changed: the field",
    "and its documented source are in --format json) or delete, with the inputs before → after.",
    "Destructive changes (rule destructive-change) lose data, break residency or replace what holds",
    "data: a removed (or renamed) datastore or stream; fewer replicas in a region; a stream's region",
    "removed, retention shortened, partitions reduced (or added while records are keyed: keys move)",
    "or replicas raised (existing topics keep their replication factor until reassigned);",
    "datastore partitions reduced or re-keyed; a",
    "smaller volume; a new storage class; an engine downgrade; residency narrowed, moved or removed;",
    "a backup region removed; pinned zones removed; a new replication model or deploy target; the",
    "primary moved while replication is asynchronous; an Aurora or DynamoDB leader moved without",
    "deploy.homeRegion; and any protected resource the new plan deletes or replaces.",
    "",
    "In a pull request, check out the base branch inside the project, so the base .ts spec",
    "finds topoplan in the project's node_modules:",
    "  git worktree add .topoplan-base origin/main",
    "  topoplan diff .topoplan-base/topology.ts topology.ts --format markdown --output diff.md",
    "  git worktree remove .topoplan-base",
    "The GitHub Action in action.yml does this for every stack and keeps one PR comment current.",
    "",
    "exit codes: 0 nothing destructive; 1 a destructive change or a replaced/deleted protected",
    "resource; 2 invalid input or command line",
  ],
  options: {
    format: { type: "string", short: "f" },
    output: { type: "string", short: "o" },
    "max-chars": { type: "string" },
    "base-stack-config": { type: "string" },
    "stack-config": { type: "string" },
    ...POLICY_OPTIONS,
  },
  positionals: { min: 2, max: 2, names: "<before-spec> <after-spec>" },
  formats: FORMATS,
  async run(args, io) {
    const format = formatChoice(this, args.values, FORMATS, "text");
    const output = stringFlag(args, "output");
    const limit = maxCharsFlag(stringFlag(args, "max-chars"));
    const [first, second] = await loadBoth([args.positionals[0]!, args.positionals[1]!]);
    const [beforeStack, afterStack] = await stackConfigs(args, [args.positionals[0]!, args.positionals[1]!]);
    const flags = await policyFlags(args);
    const firstAnalysis = sideAnalysis(first);
    const before = diffSide(first, {
      analysis: firstAnalysis,
      policy: await policyFor(flags, first, firstAnalysis),
      ...(beforeStack === undefined ? {} : { compile: beforeStack.options }),
    });
    // The second side is analysed against the first (most of an edit leaves most components alone).
    const secondAnalysis = sideAnalysis(second, before);
    const after = diffSide(second, {
      analysis: secondAnalysis,
      policy: await policyFor(flags, second, secondAnalysis),
      ...(afterStack === undefined ? {} : { compile: afterStack.options }),
    });
    const diff = diffTopologies(before, after);
    const text =
      format === "json"
        ? renderDiffJson(diff)
        : format === "markdown"
          ? renderDiffMarkdown(diff, { limit, file: relative(process.cwd(), args.positionals[1]!) })
          : renderDiffText(diff, { color: io.color && output === undefined });
    await emit(text, output, io);
    return blocks(diff) ? EXIT.findings : EXIT.ok;
  },
};
