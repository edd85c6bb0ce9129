import { type Diagnostic, InputError } from "../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../diagnostics/format-text.js";
import { ownPackage } from "../init/package-info.js";
import { helpText, parseCommandArgs } from "./args.js";
import { EXIT, type Io } from "./command.js";
import { COMMANDS } from "./commands/index.js";

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

function reportInputError(diagnostics: readonly Diagnostic[], io: Io): void {
  io.stderr(`${formatDiagnostics(diagnostics, { color: io.color })}\n`);
  io.stderr(
    `\n${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"} in the input; nothing was written.\n`,
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
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof InputError) {
      reportInputError(error.diagnostics, io);
      return EXIT.invalidInput;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`topoplan: internal error: ${message}\n`);
    if (process.env.TOPOPLAN_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    else io.stderr("This is a bug in topoplan. Re-run with TOPOPLAN_DEBUG=1 for details and report it.\n");
    return EXIT.internal;
  }
}

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  };
}
