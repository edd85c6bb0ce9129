import { compilePlan } from "../../compile/index.js";
import { InputError } from "../../diagnostics/diagnostic.js";
import { loadTopology } from "../../pipeline.js";
import { deferRenderPlan } from "../../render/files.js";
import { RENDER_LAYOUT_NAMES } from "../../render/paths.js";
import { writeRender } from "../../render/write.js";
import { visibleLine } from "../../report/escape.js";
import { choice } from "../args.js";
import { type Command, EXIT, stringFlag } from "../command.js";
import { checkOutputsAreNotImports } from "../environment.js";

export const renderCommand: Command = {
  name: "render",
  summary: "Compile a topology and write the plan as reviewable files (no Pulumi, no credentials).",
  usage: "topoplan render <spec> --out DIR [--layout component|object]",
  details: [
    "  <spec>         topology file: .ts (default export), .yaml/.yml or .json",
    "  --out DIR      directory to write: new, empty, or one an earlier render wrote",
    "                 (it is replaced as a whole, unless it holds a file that render did",
    "                 not write or one edited since: then nothing is written; any other",
    "                 directory is refused)",
    "  --layout L     component (default): DIR/<region>/kubernetes/<namespace>/<component>.yaml,",
    "                 every object of the component there in one file, `---` between them;",
    "                 object: DIR/<region>/kubernetes/<namespace>/<kind>-<name>.yaml, one per object.",
    "                 AWS resources under DIR/<region>/aws/ alike; DIR/README.md explains.",
    "",
    "The same topology gives byte-identical files.",
    "",
    "exit codes: 0 written; 2 invalid input or command line (nothing is written)",
  ],
  options: { out: { type: "string", short: "o" }, layout: { type: "string" } },
  positionals: { min: 1, max: 1, names: "<spec>" },
  async run(args, io) {
    const out = stringFlag(args, "out");
    const layout = choice(this, "layout", args.values.layout, RENDER_LAYOUT_NAMES, "component");
    if (out === undefined || out === "") {
      throw new InputError([
        {
          code: "cli/usage",
          severity: "error",
          path: "topoplan render",
          message: "missing --out DIR",
          fix: `usage: ${this.usage}`,
        },
      ]);
    }
    const loaded = await loadTopology(args.positionals[0]!);
    // Paths are checked before anything is written, and each file's YAML is made as it is written
    // into a temporary directory that replaces --out only when all are there: a failure touches no file.
    const files = deferRenderPlan(compilePlan(loaded.model), { layout });
    checkOutputsAreNotImports(undefined, out);
    const outcome = await writeRender(files, out);
    io.stderr(`${outcome === "created" ? "wrote" : "replaced"} ${visibleLine(out)}: ${files.length} files\n`);
    return EXIT.ok;
  },
};
