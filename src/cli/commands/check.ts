import { analyse } from "../../analysis/index.js";
import { runCheck } from "../../check.js";
import { loadTopology } from "../../pipeline.js";
import { LOCATED_FORMATS, REPORT_FORMATS } from "../../report/formats.js";
import { GITHUB_SARIF_RESULTS } from "../../report/sarif.js";
import { formatChoice, wholeNumberFlag } from "../args.js";
import { type Command, EXIT, stringFlag } from "../command.js";
import { MAX_CHARS_DETAILS, maxCharsFlag } from "../max-chars.js";
import { emit } from "../output.js";
import { POLICY_DETAILS, POLICY_OPTIONS, POLICY_USAGE, policyFlags, policyFor } from "../policy-flags.js";
import { pathsFromRepositoryRoot } from "../repository.js";

export const checkCommand: Command = {
  name: "check",
  summary: "Validate a topology, analyse it and check it against the policies.",
  usage: `topoplan check <spec> [--format ${Object.keys(REPORT_FORMATS).join("|")}] [--output FILE] [--max-chars N] [--max-results N] ${POLICY_USAGE}`,
  details: [
    "  <spec>         topology file: .ts (default export), .yaml/.yml or .json",
    `  --format F     report format: ${Object.keys(REPORT_FORMATS).join(", ")} (default text)`,
    "  --output FILE  write the report to FILE instead of stdout; without --format, its extension names the format",
    ...MAX_CHARS_DETAILS,
    "  --max-results N  sarif: keep the N most important findings (default 5000, what GitHub code",
    "                 scanning stores per run; it rejects runs of more than 25000)",
    ...POLICY_DETAILS,
    "",
    "exit codes: 0 no error-level finding; 1 error-level findings; 2 invalid input or command line",
  ],
  options: {
    format: { type: "string", short: "f" },
    output: { type: "string", short: "o" },
    "max-chars": { type: "string" },
    "max-results": { type: "string" },
    ...POLICY_OPTIONS,
  },
  positionals: { min: 1, max: 1, names: "<spec>" },
  formats: Object.keys(REPORT_FORMATS),
  async run(args, io) {
    const format = formatChoice(this, args.values, Object.keys(REPORT_FORMATS), "text");
    const limit = maxCharsFlag(stringFlag(args, "max-chars"));
    const maxResults = wholeNumberFlag(
      "max-results",
      stringFlag(args, "max-results"),
      GITHUB_SARIF_RESULTS,
      1,
      `e.g. --max-results 25000, GitHub code scanning's most results per run (it stores ${GITHUB_SARIF_RESULTS})`,
    );
    const loaded = await loadTopology(args.positionals[0]!);
    const flags = await policyFlags(args);
    const analysis = analyse(loaded.model);
    const policy = await policyFor(flags, loaded, analysis);
    const checked = runCheck(loaded, policy, analysis);
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
        fromRoot: pathsFromRepositoryRoot(),
        ...(policy.extraRules === undefined ? {} : { userRules: policy.extraRules }),
      }),
      stringFlag(args, "output"),
      io,
    );
    return report.summary.errors > 0 ? EXIT.findings : EXIT.ok;
  },
};
