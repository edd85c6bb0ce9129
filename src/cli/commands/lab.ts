import { parseFailures } from "../../analysis/index.js";
import { InputError } from "../../diagnostics/diagnostic.js";
import { suggestion } from "../../diagnostics/suggest.js";
import { engineOf } from "../../engines/registry.js";
import {
  LAB_ENGINES,
  renderLabJson,
  renderLabMarkdown,
  renderLabText,
  runLabReport,
  unsupported,
} from "../../lab/index.js";
import { loadTopology } from "../../pipeline.js";
import { formatChoice } from "../args.js";
import { type Command, EXIT, listFlag, stringFlag } from "../command.js";
import { emit } from "../output.js";

const FORMATS = ["text", "json", "markdown"] as const;
const RENDER = { text: renderLabText, json: renderLabJson, markdown: renderLabMarkdown } as const;

const usage = (message: string, fix: string) =>
  new InputError([{ code: "cli/usage", severity: "error", path: "topoplan lab", message, fix }]);

/** `30s`, `1500ms`, `2m` → ms. */
function duration(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  if (match === null) throw usage(`--${flag} ${text} is not a duration`, `e.g. --${flag} 30s`);
  const value = Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as "ms" | "s" | "m"];
  if (value < 1000 || value > 3_600_000)
    throw usage(`--${flag} ${text} must be between 1s and 60m`, `e.g. --${flag} 30s`);
  return value;
}

export const labCommand: Command = {
  name: "lab",
  summary: "Run a datastore for real across an emulated WAN and check the predictions.",
  usage:
    "topoplan lab <spec> [--datastore NAME] [--duration 20s] [--fail F …] [--fail-for 16s] [--rate N] [--format text|json|markdown] [--output FILE]",
  details: [
    "  <spec>          topology file: .ts (default export), .yaml/.yml or .json",
    "  --datastore N   the datastore to run (default: the only one the lab can run)",
    "  --duration D    baseline workload after a 3 s warm-up (default 20s)",
    "  --fail F        executed for real, repeatable: region:R (kill its members), zone:Z, link:A/B (cut the relays)",
    "  --fail-for D    how long the failures last before healing (default 16s; with a predicted failover, its RTO + 25s)",
    "  --rate N        operations per second per user origin (default 10)",
    "  --format F      text (default), json or markdown",
    "  --output FILE   write to FILE instead of stdout; without --format, its extension names the format",
    "",
    "needs root (network namespaces) and the engine's Debian package; cleans up everything it starts.",
    "exit codes: 0 every prediction holds; 1 a prediction failed; 2 invalid input, not root or a binary missing",
  ],
  options: {
    datastore: { type: "string" },
    duration: { type: "string" },
    fail: { type: "string", multiple: true },
    "fail-for": { type: "string" },
    rate: { type: "string" },
    format: { type: "string", short: "f" },
    output: { type: "string", short: "o" },
  },
  positionals: { min: 1, max: 1, names: "<spec>" },
  formats: FORMATS,
  async run(args, io) {
    const format = formatChoice(this, args.values, FORMATS, "text");
    const output = stringFlag(args, "output");
    const rateText = stringFlag(args, "rate");
    const rate = rateText === undefined ? 10 : Number(rateText);
    if (!Number.isFinite(rate) || rate < 1 || rate > 200)
      throw usage(`--rate ${rateText} must be a number from 1 to 200`, "e.g. --rate 10");
    const failFor = stringFlag(args, "fail-for");
    const schedule = {
      baselineMs: duration("duration", stringFlag(args, "duration"), 20_000),
      // Unset: the lab picks it (16 s, or long enough for a predicted failover).
      ...(failFor === undefined ? {} : { failMs: duration("fail-for", failFor, 16_000) }),
      opsPerSec: rate,
    };
    const loaded = await loadTopology(args.positionals[0]!);
    const { model } = loaded;
    const failureTexts = listFlag(args, "fail");
    const failures = parseFailures(model, failureTexts);
    const wanted = stringFlag(args, "datastore");
    const runnable = model.datastores.filter((d) => {
      const engine = engineOf(d);
      return engine !== undefined && unsupported(engine) === undefined;
    });
    const names = model.datastores.map((d) => d.name);
    const ds =
      wanted === undefined
        ? runnable.length === 1
          ? runnable[0]
          : undefined
        : model.datastores.find((d) => d.name === wanted);
    if (ds === undefined) {
      if (wanted !== undefined)
        throw usage(
          `no datastore "${wanted}": ${suggestion(wanted, names, "datastores")}`,
          "name one with --datastore",
        );
      throw usage(
        runnable.length === 0
          ? `no datastore of ${model.name} runs on an engine the lab can start (${LAB_ENGINES.join(", ")})`
          : `${runnable.length} datastores can run: ${runnable.map((d) => d.name).join(", ")}`,
        runnable.length === 0
          ? `set deploy.engine to one of ${LAB_ENGINES.join(", ")}`
          : "pick one with --datastore",
      );
    }
    const engine = engineOf(ds);
    if (engine === undefined)
      throw usage(
        `datastore "${ds.name}" has no engine the lab can run`,
        "set deploy.engine to etcd or postgresql",
      );
    const report = await runLabReport({
      model,
      datastore: ds,
      engine,
      failures,
      failureTexts,
      schedule,
      log: (line) => io.stderr(`lab: ${line}\n`),
    });
    await emit(RENDER[format](report), output, io);
    return report.pass ? EXIT.ok : EXIT.findings;
  },
};
