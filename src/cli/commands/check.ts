import { stat } from "node:fs/promises";
import { analyse } from "../../analysis/index.js";
import { runCheck } from "../../check.js";
import { InputError } from "../../diagnostics/diagnostic.js";
import { loadTopology } from "../../pipeline.js";
import { LOCATED_FORMATS, REPORT_FORMATS } from "../../report/formats.js";
import { GITHUB_SARIF_RESULTS } from "../../report/sarif.js";
import { choice, wholeNumberFlag } from "../args.js";
import { type Command, EXIT, stringFlag } from "../command.js";
import { maxCharsFlag } from "../max-chars.js";
import { emit } from "../output.js";

export const checkCommand: Command = {
  name: "check",
  summary: "Validate a topology, analyse it and check it against the policies.",
  usage: `topoplan check <spec> [--format ${Object.keys(REPORT_FORMATS).join("|")}] [--output FILE] [--max-chars N] [--max-results N] [--policy-config FILE] [--rules FILE.ts]`,
  details: [
    "  <spec>         topology file: .ts (default export), .yaml/.yml or .json",
    `  --format F     report format: ${Object.keys(REPORT_FORMATS).join(", ")} (default text)`,
    "  --output FILE  write the report to FILE instead of stdout",
    "  --max-chars N  markdown: fit in N characters (default 65536, GitHub's comment limit)",
    "  --max-results N  sarif: keep the N most important findings (default 5000, what GitHub code",
    "                 scanning stores per run; it rejects runs of more than 25000)",
    "  --policy-config FILE  policy settings (YAML/JSON, the shape of the spec's policies block), merged over it",
    "  --rules FILE.ts       your own rules: a .ts, .mts, .cts, .js, .mjs or .cjs module whose default export is a rule or an array of rules; see docs/policies.md",
    "",
    "exit codes: 0 no error-level finding; 1 error-level findings; 2 invalid input or command line",
  ],
  options: {
    format: { type: "string", short: "f" },
    output: { type: "string", short: "o" },
    "max-chars": { type: "string" },
    "max-results": { type: "string" },
    "policy-config": { type: "string" },
    rules: { type: "string" },
  },
  positionals: { min: 1, max: 1, names: "<spec>" },
  formats: Object.keys(REPORT_FORMATS),
  async run(args, io) {
    const format = choice(this, "format", args.values.format, Object.keys(REPORT_FORMATS), "text");
    const limit = maxCharsFlag(stringFlag(args, "max-chars"));
    const maxResults = wholeNumberFlag(
      "max-results",
      stringFlag(args, "max-results"),
      GITHUB_SARIF_RESULTS,
      1,
      `e.g. --max-results 25000, GitHub code scanning's most results per run (it stores ${GITHUB_SARIF_RESULTS})`,
    );
    const loaded = await loadTopology(args.positionals[0]!);
    const policyConfig = stringFlag(args, "policy-config");
    const rulesFile = stringFlag(args, "rules");
    if (rulesFile !== undefined) await checkRulesFile(rulesFile);
    const { loadPolicyConfig } = await import("../../policy-config/load.js");
    const options = policyConfig === undefined ? {} : { fileConfig: await loadPolicyConfig(policyConfig) };
    const analysis = analyse(loaded.model);
    // Users' rules check in a child process, on this analysis (src/policy-config/rules.ts).
    const extraRules =
      rulesFile === undefined
        ? undefined
        : await (await import("../../policy-config/rules.js")).userRules(
            rulesFile,
            loaded,
            analysis,
            options,
          );
    const checked = runCheck(
      loaded,
      { ...options, ...(extraRules === undefined ? {} : { extraRules }) },
      analysis,
    );
    // Line numbers for formats that show them (TypeScript specs need the compiler's parser, so only then).
    const report = LOCATED_FORMATS.has(format)
      ? await (await import("../../report/locate/index.js")).locateReport(checked, loaded.spec)
      : checked;
    const render = REPORT_FORMATS[format]!;
    await emit(
      render(report, {
        color: io.color && stringFlag(args, "output") === undefined,
        model: loaded.model,
        limit,
        maxResults,
      }),
      stringFlag(args, "output"),
      io,
    );
    return report.summary.errors > 0 ? EXIT.findings : EXIT.ok;
  },
};

/** Modules a rules file can be: what the spec loader compiles (TypeScript) or runs (JavaScript). */
const RULES_FILE = /\.(?:[cm]?ts|[cm]?js)$/i;

/**
 * `--rules` names a module that exists: a missing file or a folder said so, not as the compiler's
 * "Could not resolve /abs/path" with a fix to run tsc.
 */
async function checkRulesFile(file: string): Promise<void> {
  const refuse = (message: string, fix: string) =>
    new InputError([{ code: "policy/rules", severity: "error", path: "--rules", message, fix }]);
  if (!RULES_FILE.test(file))
    throw refuse(
      `${file} is not a TypeScript or JavaScript module`,
      "name a .ts (or .mts, .cts, .js, .mjs, .cjs) file whose default export is a rule or an array of rules",
    );
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) throw refuse(`${file} is a directory`, "name the rules module inside it");
  if (info === undefined)
    throw refuse(`${file}: no such file`, "check the path (it is relative to the current directory)");
}
