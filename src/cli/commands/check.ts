import { runCheck } from "../../check.js";
import { loadTopology } from "../../pipeline.js";
import { REPORT_FORMATS } from "../../report/formats.js";
import { choice } from "../args.js";
import { type Command, EXIT, stringFlag } from "../command.js";
import { emit } from "../output.js";

export const checkCommand: Command = {
  name: "check",
  summary: "Validate a topology, analyse it and check it against the policies.",
  usage: `topoplan check <spec> [--format ${Object.keys(REPORT_FORMATS).join("|")}] [--output FILE]`,
  details: [
    "  <spec>         topology file: .ts (default export), .yaml/.yml or .json",
    `  --format F     report format: ${Object.keys(REPORT_FORMATS).join(", ")} (default text)`,
    "  --output FILE  write the report to FILE instead of stdout",
    "",
    "exit codes: 0 no error-level finding; 1 error-level findings; 2 invalid input or command line",
  ],
  options: { format: { type: "string", short: "f" }, output: { type: "string", short: "o" } },
  positionals: { min: 1, max: 1, names: "<spec>" },
  async run(args, io) {
    const format = choice(this, "format", args.values.format, Object.keys(REPORT_FORMATS), "text");
    const loaded = await loadTopology(args.positionals[0]!);
    const report = runCheck(loaded);
    const render = REPORT_FORMATS[format]!;
    await emit(
      render(report, {
        color: io.color && stringFlag(args, "output") === undefined,
        specText: loaded.spec.text,
      }),
      stringFlag(args, "output"),
      io,
    );
    return report.summary.errors > 0 ? EXIT.findings : EXIT.ok;
  },
};
