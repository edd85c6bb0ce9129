import { InputError } from "../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../diagnostics/format-text.js";
import { ownPackage } from "../init/package-info.js";
import { terminalSafe } from "../report/escape.js";
import { formatsNamedBy, helpText, parseCommandArgs } from "./args.js";
import { EXIT, type Io, type ParsedArgs, stringFlag } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { checkOutputsAreNotInputs, environmentProblem } from "./environment.js";

function version(): string {
  return ownPackage()?.version ?? "unknown";
}

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    "topoplan — plan, check and compile distributed-system topologies",
    "",
    "usage: topoplan <command> [options]",
    "",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "`topoplan <command> --help` describes a command.",
    "",
  ].join("\n");
}

/**
 * Input problems listed on stderr: a generated spec with one mistake repeated can have a million
 * (each a few lines); past this many a terminal shows nothing useful. The machine formats list all.
 */
export const MAX_LISTED_PROBLEMS = 200;

/** Where an input error's report goes: `output` when it may be written, else stdout. */
interface ReportTarget {
  readonly format: string | undefined;
  readonly output: string | undefined;
  /** The --output given on the command line, to say it was not written when `output` is not it. */
  readonly asked: string | undefined;
  /** The command has `--format json`, which reports every problem. */
  readonly json: boolean;
  readonly command: string;
  /** The one spec the command was given, if it was given one. */
  readonly spec?: string | undefined;
}

/**
 * Reports an input error on stderr and, with --format json|sarif|markdown, in that format too (CI
 * annotates them).
 */
async function reportInputError(
  error: InputError,
  { format, output, asked, json, command, spec }: ReportTarget,
  io: Io,
) {
  const { locatedDiagnostics, MACHINE_FORMATS, renderInputError } = await import("./input-errors.js");
  // Located once, and only as many as are shown unless a machine format reports them all.
  const machineFormat = format !== undefined && MACHINE_FORMATS.has(format) ? format : undefined;
  const wanted =
    machineFormat === undefined ? error.diagnostics.slice(0, MAX_LISTED_PROBLEMS) : error.diagnostics;
  const diagnostics = await locatedDiagnostics(error, wanted).catch(() => wanted);
  const listed = diagnostics.slice(0, MAX_LISTED_PROBLEMS);
  io.stderr(`${formatDiagnostics(listed, { color: io.color })}\n`);
  const machine =
    machineFormat === undefined
      ? undefined
      : renderInputError(error, machineFormat, diagnostics, { command, spec });
  const total = error.diagnostics.length;
  const more =
    total > listed.length
      ? ` (the first ${listed.length} listed above${json ? "; --format json lists every one" : ""})`
      : "";
  const count = `${total} problem${total === 1 ? "" : "s"} in the input${more}`;
  if (machine === undefined) {
    io.stderr(`\n${count}; nothing was written.\n`);
    return;
  }
  let written = output;
  try {
    const { emit } = await import("./output.js");
    await emit(machine, output, io);
  } catch {
    written = undefined;
    io.stdout(machine); // --output itself is what is wrong: the report still reaches CI
  }
  const where = written === undefined && asked !== undefined ? ` on stdout; ${asked} was not written` : "";
  io.stderr(`\n${count}, reported as ${format}${where}.\n`);
}

/** An error of the input or the machine as an InputError (exit 2); undefined for a bug. */
function asInputError(error: unknown): InputError | undefined {
  if (error instanceof InputError) return error;
  const environment = environmentProblem(error);
  return environment === undefined ? undefined : new InputError([environment]);
}

/** Runs `topoplan` with argv (without node and script); returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(overview());
    return name === undefined ? EXIT.invalidInput : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`${version()}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS[name];
  let args: ParsedArgs | undefined;
  /** The arguments once --output is known to name no input. */
  let checked: ParsedArgs | undefined;
  try {
    if (entry === undefined) {
      const { suggestion } = await import("../diagnostics/suggest.js");
      throw new InputError([
        {
          code: "cli/usage",
          severity: "error",
          path: "topoplan",
          message: `unknown command "${name}": ${suggestion(name, Object.keys(COMMANDS), "commands")}`,
          fix: "run `topoplan --help` for the list of commands",
        },
      ]);
    }
    const command = await entry.load();
    args = parseCommandArgs(command, rest);
    if (args.values.help) {
      io.stdout(helpText(command));
      return EXIT.ok;
    }
    checkOutputsAreNotInputs(args);
    checked = args;
    return await command.run(args, io);
  } catch (error) {
    const problem = asInputError(error);
    if (problem !== undefined) {
      const { flagValue } = await import("./input-errors.js");
      const { isOutputFailure } = await import("./output.js");
      // Until the command line parses, the format is read leniently; --output never is: it may be
      // the very spec (`check --output s.yaml`, the spec forgotten), and exit 2 writes nothing there.
      // Nor is it used when it names an input, or when writing it is what failed.
      const asked = args === undefined ? flagValue(rest, "format", "f") : stringFlag(args, "format");
      // Only a format the command has: `diff --format sarif` must not print a SARIF log of its refusal.
      const formats = entry === undefined ? [] : ((await entry.load().catch(() => undefined))?.formats ?? []);
      const output =
        checked === undefined || isOutputFailure(error) ? undefined : stringFlag(checked, "output");
      // As the command reads it (formatChoice): --format, else what --output's extension names;
      // never a format the extension contradicts.
      const named = formatsNamedBy(output, formats);
      const format =
        asked === undefined
          ? named[0]
          : formats.includes(asked) && (named.length === 0 || named.includes(asked))
            ? asked
            : undefined;
      await reportInputError(
        problem,
        {
          format,
          output,
          asked: flagValue(rest, "output", "o"),
          json: formats.includes("json"),
          command: name,
          spec: args?.positionals.length === 1 ? args.positionals[0] : undefined,
        },
        io,
      );
      return EXIT.invalidInput;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`topoplan: internal error: ${message}\n`);
    if (process.env.TOPOPLAN_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    else io.stderr("This is a bug in topoplan. Re-run with TOPOPLAN_DEBUG=1 for details and report it.\n");
    return EXIT.internal;
  }
}

/** Output for a terminal: nothing but topoplan's own colours reaches it as an escape sequence. */
export function terminalIo(
  stdout: (text: string) => void,
  stderr: (text: string) => void,
  color: boolean,
): Io {
  return {
    stdout: (text) => stdout(terminalSafe(text, color)),
    stderr: (text) => stderr(terminalSafe(text, color)),
    color,
  };
}

/**
 * A reader that went away (`topoplan check big.yaml 2>&1 | head -1`) is not the command failing:
 * what is left to print is dropped and the exit code stays the command's (2 for invalid input),
 * not the 1 of an unhandled EPIPE.
 */
export function dropOutputForClosedReaders(): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
    });
}

export function processIo(): Io {
  return terminalIo(
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text),
    process.stdout.isTTY === true && !process.env.NO_COLOR,
  );
}
