import { extname } from "node:path";
import { parseArgs } from "node:util";
import { InputError } from "../diagnostics/diagnostic.js";
import { closest } from "../diagnostics/suggest.js";
import type { Command, ParsedArgs } from "./command.js";

const usageError = (command: Command, message: string, fix: string) =>
  new InputError([{ code: "cli/usage", severity: "error", path: `topoplan ${command.name}`, message, fix }]);

/** Parses argv for a command; every mistake is an InputError naming the fix (exit 2). */
export function parseCommandArgs(command: Command, argv: readonly string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    throw usageError(command, ...unknownFlag(command, error as Error));
  }
  if (parsed.values.help) return parsed;
  refuseEmptyValues(command, parsed.tokens ?? []);
  refuseConflictingRepeats(command, parsed.tokens ?? []);
  const { min, max, names } = command.positionals;
  if (parsed.positionals.length < min)
    throw usageError(command, `missing ${names}`, `usage: ${command.usage}`);
  if (parsed.positionals.length > max) {
    throw usageError(command, `unexpected argument "${parsed.positionals[max]}"`, `usage: ${command.usage}`);
  }
  return parsed;
}

/**
 * parseArgs's refusal in the CLI's words: an unknown flag named with the nearest one this command
 * takes (`--fromat` → `--format`), not Node's advice about positionals that start with `-`.
 */
function unknownFlag(command: Command, error: Error): [string, string] {
  const help = `see \`topoplan ${command.name} --help\``;
  const code = (error as NodeJS.ErrnoException).code;
  const flag = /^Unknown option '(-{1,2}[^']*)'/.exec(error.message)?.[1];
  if (code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION" || flag === undefined) return [error.message, help];
  const flags = Object.keys({ ...command.options, help: {} }).map((name) => `--${name}`);
  const near = closest(flag, flags);
  return [
    `unknown option ${flag}${near === undefined ? "" : `: did you mean ${near}?`}`,
    near === undefined ? `${help} (options: ${flags.join(", ")})` : `use ${near}`,
  ];
}

/**
 * A flag given an empty value (`--output ''`, an unset shell variable): no flag means anything by
 * it, and `--output ''` failed later as "the path is a directory".
 */
function refuseEmptyValues(command: Command, tokens: NonNullable<ReturnType<typeof parseArgs>["tokens"]>) {
  for (const token of tokens)
    if (token.kind === "option" && token.value === "")
      throw new InputError([
        {
          code: "cli/usage",
          severity: "error",
          path: `--${token.name}`,
          message: `--${token.name} is given an empty value`,
          fix: `give --${token.name} a value, or leave it out (see \`topoplan ${command.name} --help\`)`,
        },
      ]);
}

/**
 * A flag that takes one value, given twice with different values (`--output a.json --output
 * b.json`): which one was meant is unknown, and parseArgs would silently keep the last.
 */
function refuseConflictingRepeats(
  command: Command,
  tokens: NonNullable<ReturnType<typeof parseArgs>["tokens"]>,
) {
  const seen = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== "option" || token.value === undefined) continue;
    if (command.options[token.name]?.multiple === true) continue;
    const first = seen.get(token.name);
    if (first !== undefined && first !== token.value)
      throw usageError(
        command,
        `--${token.name} is given twice, as "${first}" and as "${token.value}"`,
        `give --${token.name} once`,
      );
    seen.set(token.name, token.value);
  }
}

/** A flag restricted to a set of values: `--format text|json`. */
export function choice<T extends string>(
  command: Command,
  flag: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  // The nearest value when the given one is a slip (`--format sarf`: sarif), else the default.
  const near = typeof value === "string" ? closest(value, allowed) : undefined;
  throw usageError(
    command,
    `--${flag} must be one of ${allowed.join(", ")} (got "${String(value)}")`,
    `use --${flag} ${near ?? allowed[0]}`,
  );
}

/**
 * The formats an --output file's extension names, the first the one it implies alone. A SARIF log
 * is JSON (`results.sarif.json` is a common name); text has no extension of its own.
 */
const EXTENSION_FORMATS: Readonly<Record<string, readonly string[]>> = {
  ".json": ["json", "sarif"],
  ".sarif": ["sarif"],
  ".md": ["markdown"],
  ".markdown": ["markdown"],
  ".svg": ["svg"],
  ".png": ["png"],
};

/** A file name for each format, for a fix. */
const EXAMPLE_NAMES: Readonly<Record<string, string>> = {
  text: "report.txt",
  json: "report.json",
  sarif: "report.sarif",
  markdown: "report.md",
  svg: "topology.svg",
  png: "topology.png",
};

/** Of the command's formats, those the --output file's extension names (none: it says nothing). */
export function formatsNamedBy(output: string | undefined, formats: readonly string[]): string[] {
  if (output === undefined) return [];
  return (EXTENSION_FORMATS[extname(output).toLowerCase()] ?? []).filter((f) => formats.includes(f));
}

/**
 * `--format`, or when it is not given the format `--output`'s extension names (`--output
 * report.sarif` → sarif, `topology.png` → png), else `fallback`. An extension naming another of
 * the command's formats than `--format` is refused: a JSON report uploaded as SARIF, or text
 * opened as a PNG, fails later and far from its cause.
 */
export function formatChoice<T extends string>(
  command: Command,
  values: { readonly format?: unknown; readonly output?: unknown },
  allowed: readonly T[],
  fallback: T,
): T {
  const output = typeof values.output === "string" ? values.output : undefined;
  const named = formatsNamedBy(output, allowed) as T[];
  // An extension naming only formats this command does not write (`diff --output d.sarif`):
  // writing text there would be read as that format later, and fail far from its cause.
  const foreign = output === undefined ? [] : (EXTENSION_FORMATS[extname(output).toLowerCase()] ?? []);
  if (named.length === 0 && foreign.length > 0)
    throw usageError(
      command,
      `--output ${output} is a ${extname(output!)} file (${foreign.join(" or ")}), which ${command.name} does not write`,
      `name the file for a format ${command.name} writes: ${allowed.map((f) => (EXAMPLE_NAMES[f] === undefined ? f : `${f} (${EXAMPLE_NAMES[f]})`)).join(", ")}`,
    );
  if (values.format === undefined) return named[0] ?? fallback;
  const format = choice(command, "format", values.format, allowed, fallback);
  if (named.length > 0 && !named.includes(format))
    throw usageError(
      command,
      `--output ${output} is a ${extname(output!)} file, but --format is ${format}`,
      `leave out --format (the extension says ${named[0]}), or give the file a name that fits ${format}`,
    );
  return format;
}

/** A whole-number flag at least `min`: `--top 3`; `fallback` when it is not given. */
/**
 * A flag's text as a whole number written in decimal digits, NaN otherwise: `Number` would also
 * take `1e4`, `0x1000`, `" 5 "` and `""` (0), which no one means as a count.
 */
export function wholeNumber(text: string): number {
  return /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
}

export function wholeNumberFlag(
  flag: string,
  value: string | undefined,
  fallback: number,
  min: number,
  fix = `e.g. --${flag} ${fallback}`,
): number {
  if (value === undefined) return fallback;
  const n = wholeNumber(value);
  if (!Number.isInteger(n) || n < min)
    throw new InputError([
      {
        code: "cli/usage",
        severity: "error",
        path: `--${flag}`,
        message: `--${flag} must be an integer ≥ ${min} (got "${value}")`,
        fix,
      },
    ]);
  return n;
}

export function helpText(command: Command): string {
  return [
    `${command.summary}`,
    "",
    `usage: ${command.usage}`,
    "",
    ...command.details,
    "  -h, --help     show this help",
    "",
  ].join("\n");
}
