import type { ParseArgsConfig } from "node:util";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colour only on a terminal, never with NO_COLOR. */
  readonly color: boolean;
}

/** A `topoplan` sub-command: flags, help, and a run that returns the exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** e.g. `topoplan check <spec> [--format text|json] [--output FILE]` */
  readonly usage: string;
  /** Help lines after the usage, describing each option. */
  readonly details: readonly string[];
  readonly options: OptionSpec;
  /** How many positional arguments the command takes. */
  readonly positionals: { readonly min: number; readonly max: number; readonly names: string };
  /**
   * The values `--format` takes; none without the flag. An input error is
   * reported in a machine format only when the command has it (src/cli/main.ts).
   */
  readonly formats?: readonly string[];
  run(args: ParsedArgs, io: Io): Promise<number>;
}

export const EXIT = { ok: 0, findings: 1, invalidInput: 2, internal: 3 } as const;

/** A string flag's value (`--output FILE`), or undefined. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === "string" ? value : undefined;
}

/** A repeatable string flag's values (`--fail a --fail b`). */
export function listFlag(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === "string",
  );
}
