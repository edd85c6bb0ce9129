import { relative } from "node:path";
import { analyse } from "../../analysis/index.js";
import { compilePlan } from "../../compile/index.js";
import { requiredAddons } from "../../compile/prerequisites/index.js";
import { paint } from "../../diagnostics/format-text.js";
import { loadTopology } from "../../pipeline.js";
import { addonsData, formatAddons } from "../../report/addons.js";
import { renderAnalysisTables } from "../../report/analysis-tables.js";
import { stableJsonText } from "../../report/numbers.js";
import { formatPlanSummary, summarisePlan } from "../../report/plan-summary.js";
import { formatChoice } from "../args.js";
import { type Command, EXIT, stringFlag } from "../command.js";
import { emit } from "../output.js";

const FORMATS = ["text", "json", "svg", "png"] as const;

export const planCommand: Command = {
  name: "plan",
  summary: "Print the analysis of a topology: placement, quorum, survival, availability, latency, lag, cost.",
  usage: "topoplan plan <spec> [--format text|json|svg|png] [--output FILE]",
  details: [
    "  <spec>         topology file: .ts (default export), .yaml/.yml or .json",
    "  --format F     text (tables, default), json (the analysis as data), svg or png (a picture:",
    "                 the world map with replicas, leaders, demand and links, and the call graph;",
    "                 png needs --output)",
    "  --output FILE  write to FILE instead of stdout; without --format, its extension names the format",
    "",
    "exit codes: 0 printed; 2 invalid input or command line",
  ],
  options: { format: { type: "string", short: "f" }, output: { type: "string", short: "o" } },
  positionals: { min: 1, max: 1, names: "<spec>" },
  formats: FORMATS,
  async run(args, io) {
    const format = formatChoice(this, args.values, FORMATS, "text");
    const output = stringFlag(args, "output");
    const loaded = await loadTopology(args.positionals[0]!);
    const analysis = analyse(loaded.model);
    if (format === "svg" || format === "png") {
      // A picture of the model and its analysis: nothing compiled is drawn.
      const { renderPicture, svgToPng } = await import("../../picture/index.js");
      const svg = renderPicture(loaded.model, analysis);
      await emit(format === "svg" ? svg : await svgToPng(svg), output, io);
      return EXIT.ok;
    }
    const plan = compilePlan(loaded.model, analysis);
    const resources = summarisePlan(plan);
    const addons = requiredAddons(plan.resources);
    const style = { color: io.color && output === undefined };
    const file = relative(process.cwd(), loaded.spec.file);
    // Sections of the text plan, in order; each is one call.
    const text = () =>
      [
        `${paint(loaded.model.name, "bold", style)}  ${paint(file, "dim", style)}`,
        renderAnalysisTables(loaded.model, analysis, style),
        `\n${paint("Resources it would create", "bold", style)} (offline preview: no cloud, no credentials)\n`,
        formatPlanSummary(resources),
        `${paint("Cluster add-ons", "bold", style)} (prerequisites of the Kubernetes resources)\n`,
        formatAddons(addons),
      ].join("\n");
    await emit(
      format === "json"
        ? stableJsonText({
            topology: loaded.model.name,
            file,
            analysis,
            resources,
            addons: addonsData(addons),
          })
        : `${text()}\n`,
      output,
      io,
    );
    return EXIT.ok;
  },
};
