import { InputError } from "../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../diagnostics/format-text.js";
import { ownPackage } from "../init/package-info.js";
import { terminalSafe } from "../report/escape.js";
import { helpText, parseCommandArgs } from "./args.js";
import { EXIT, type Io } from "./command.js";
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

async function reportInputError(error: InputError, argv: readonly string[], io: Io): Promise<void> {
  const { diagnostics } = error;
  io.stderr(`${formatDiagnostics(diagnostics, { color: io.color })}\n`);
  // With --format json|sarif|markdown the problems also come out in that format (CI annotates them).
  const { flagValue, renderInputError } = await import("./input-errors.js");
  const format = flagValue(argv, "format", "f");
  const machine = format === undefined ? undefined : await renderInputError(error, format);
  if (machine === undefined) {
    io.stderr(
      `\n${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"} in the input; nothing was written.\n`,
    );
    return;
  }
  const output = flagValue(argv, "output", "o");
  try {
    const { emit } = await import("./output.js");
    await emit(machine, output, io);
  } catch {
    io.stdout(machine); // --output itself is what is wrong: the report still reaches CI
  }
  io.stderr(
    `\n${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"} in the input, reported as ${format}.\n`,
  );
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
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      io.stdout(helpText(command));
      return EXIT.ok;
    }
    checkOutputsAreNotInputs(args);
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof InputError) {
      await reportInputError(error, rest, io);
      return EXIT.invalidInput;
    }
    const environment = environmentProblem(error);
    if (environment !== undefined) {
      await reportInputError(new InputError([environment]), rest, io);
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

export function processIo(): Io {
  return terminalIo(
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text),
    process.stdout.isTTY === true && !process.env.NO_COLOR,
  );
}
