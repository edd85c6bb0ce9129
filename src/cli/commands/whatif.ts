import { relative } from "node:path";
import { analyse, compareAnalyses, parseFailures } from "../../analysis/index.js";
import { InputError } from "../../diagnostics/diagnostic.js";
import { loadTopology } from "../../pipeline.js";
import { renderChanges } from "../../report/analysis-tables.js";
import { stableJsonText } from "../../report/numbers.js";
import { formatChoice } from "../args.js";
import { type Command, EXIT, listFlag, stringFlag } from "../command.js";
import { emit } from "../output.js";

const FORMATS = ["text", "json", "svg", "png"] as const;

export const whatifCommand: Command = {
  name: "whatif",
  summary: "Fail zones, regions or links and show what breaks: quorum, leaders, latency, SLOs.",
  usage:
    "topoplan whatif <spec> --fail region:R|zone:Z|link:A/B [--fail …] [--format text|json|svg|png] [--output FILE]",
  details: [
    "  <spec>         topology file: .ts (default export), .yaml/.yml or .json",
    "  --fail F       a failure, repeatable: region:us-east-1, zone:eu-west-1a, link:eu-west-1/us-east-1",
    "  --format F     text (default), json, svg or png (the map with the failures crossed out, moved",
    "                 leaders and broken SLOs; png needs --output)",
    "  --output FILE  write to FILE instead of stdout; without --format, its extension names the format",
    "",
    "exit codes: 0 no SLO breaks; 1 an SLO breaks; 2 invalid input or command line",
  ],
  options: {
    fail: { type: "string", multiple: true },
    format: { type: "string", short: "f" },
    output: { type: "string", short: "o" },
  },
  positionals: { min: 1, max: 1, names: "<spec>" },
  formats: FORMATS,
  async run(args, io) {
    const format = formatChoice(this, args.values, FORMATS, "text");
    const output = stringFlag(args, "output");
    const texts = listFlag(args, "fail");
    if (texts.length === 0) {
      throw new InputError([
        {
          code: "cli/usage",
          severity: "error",
          path: "topoplan whatif",
          message: "no --fail given: say what to fail",
          fix: "e.g. --fail region:us-east-1",
        },
      ]);
    }
    const repeated = texts.filter((text, i) => texts.indexOf(text) !== i);
    if (repeated.length > 0)
      throw new InputError([
        {
          code: "cli/usage",
          severity: "error",
          path: "--fail",
          message: `--fail ${repeated[0]} is given more than once`,
          fix: "name each failure once",
        },
      ]);
    const loaded = await loadTopology(args.positionals[0]!);
    const failures = parseFailures(loaded.model, texts);
    const baseline = analyse(loaded.model);
    const failed = analyse(loaded.model, failures, baseline);
    const changes = compareAnalyses(baseline, failed);
    const broken = changes.some((c) => c.kind === "slo-broken");
    const style = { color: io.color && output === undefined };
    if (format === "svg" || format === "png") {
      const { renderPicture, svgToPng } = await import("../../picture/index.js");
      const svg = renderPicture(loaded.model, failed, { failures, changes });
      await emit(format === "svg" ? svg : await svgToPng(svg), output, io);
      return broken ? EXIT.findings : EXIT.ok;
    }
    await emit(
      format === "json"
        ? stableJsonText({
            topology: loaded.model.name,
            file: relative(process.cwd(), loaded.spec.file),
            failures,
            sloBroken: broken,
            changes,
            analysis: failed,
          })
        : renderChanges(texts, changes, style),
      output,
      io,
    );
    return broken ? EXIT.findings : EXIT.ok;
  },
};
