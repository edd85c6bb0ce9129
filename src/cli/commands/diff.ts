import { analyse } from "../../analysis/index.js";
import { compilePlan } from "../../compile/index.js";
import { type DiffSide, diffTopologies } from "../../diff/index.js";
import { renderDiffMarkdown, renderDiffText } from "../../diff/render.js";
import { loadTopology } from "../../pipeline.js";
import { choice } from "../args.js";
import { type Command, EXIT, stringFlag } from "../command.js";
import { emit } from "../output.js";

const FORMATS = ["text", "json", "markdown"] as const;

async function side(path: string): Promise<DiffSide> {
  const { model } = await loadTopology(path);
  const analysis = analyse(model);
  return { model, analysis, plan: compilePlan(model, analysis) };
}

export const diffCommand: Command = {
  name: "diff",
  summary: "Compare two versions of a topology: destructive changes, components, resources, analysis.",
  usage: "topoplan diff <before-spec> <after-spec> [--format text|json|markdown] [--output FILE]",
  details: [
    "  <before-spec>  the current topology file: .ts (default export), .yaml/.yml or .json",
    "  <after-spec>   the proposed topology file",
    "  --format F     text (default), json, or markdown (a PR comment, under 65,536 characters)",
    "  --output FILE  write to FILE instead of stdout",
    "",
    "Destructive changes (rule destructive-change) lose data or delete/replace a stateful resource:",
    "a removed datastore or stream, a removed protected resource, fewer replicas in a region,",
    "a changed partition key or strategy, a smaller storageGi, a changed replication model,",
    "a changed deploy target or service of a datastore or stream.",
    "",
    "In a pull request, check out the base branch inside the project, so the base .ts spec",
    "finds topoplan in the project's node_modules:",
    "  git worktree add .topoplan-base origin/main",
    "  topoplan diff .topoplan-base/topology.ts topology.ts --format markdown --output diff.md",
    "  git worktree remove .topoplan-base",
    "",
    "exit codes: 0 no destructive change; 1 a destructive change; 2 invalid input or command line",
  ],
  options: {
    format: { type: "string", short: "f" },
    output: { type: "string", short: "o" },
  },
  positionals: { min: 2, max: 2, names: "<before-spec> <after-spec>" },
  async run(args, io) {
    const format = choice(this, "format", args.values.format, FORMATS, "text");
    const output = stringFlag(args, "output");
    const before = await side(args.positionals[0]!);
    const after = await side(args.positionals[1]!);
    const diff = diffTopologies(before, after);
    const text =
      format === "json"
        ? `${JSON.stringify(diff, null, 2)}\n`
        : format === "markdown"
          ? renderDiffMarkdown(diff)
          : renderDiffText(diff, { color: io.color && output === undefined });
    await emit(text, output, io);
    return diff.destructive.length > 0 ? EXIT.findings : EXIT.ok;
  },
};
