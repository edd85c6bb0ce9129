import { relative } from "node:path";
import type { Diagnostic, InputError } from "../diagnostics/diagnostic.js";
import { renderJson } from "../report/json.js";
import { renderMarkdown } from "../report/markdown.js";
import { renderSarif } from "../report/sarif.js";
import { type CheckReport, summarise } from "../report/types.js";
import { pathsFromRepositoryRoot } from "./repository.js";

/**
 * Invalid input in the format the command was asked for, so CI gets annotations for the very errors
 * it most needs to show: a check-shaped report (`topology` "(invalid input)") whose findings are the
 * input problems, located on the spec's lines where the problem came from a spec.
 */
const RENDERERS: Readonly<Record<string, (report: CheckReport, command: string) => string>> = {
  json: (report) => renderJson(report),
  sarif: (report) => renderSarif(report, { fromRoot: pathsFromRepositoryRoot() }),
  markdown: (report, command) => renderMarkdown(report, { command, findingsOnly: true }),
};

export const MACHINE_FORMATS: ReadonlySet<string> = new Set(Object.keys(RENDERERS));

/** A flag's value in argv (`--name V`, `-n V`, `--name=V`), read leniently: the parse may be what failed. */
export function flagValue(argv: readonly string[], name: string, short: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}` || arg === `-${short}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/**
 * The problems with a `location` (the spec's file as given relative to the working directory, line,
 * column) on each that has none, when they came from a spec: the text on stderr then names the
 * line as the SARIF does, and `diff` can tell which of its two specs a problem is in.
 */
export async function locatedDiagnostics(
  error: InputError,
  /** The ones to locate, when not all are shown. @default error.diagnostics */
  diagnostics: readonly Diagnostic[] = error.diagnostics,
): Promise<readonly Diagnostic[]> {
  if (error.source === undefined) return diagnostics;
  const { specLocator } = await import("../report/locate/index.js");
  const locate = await specLocator(error.source);
  const file = relative(process.cwd(), error.source.file);
  return diagnostics.map((d) =>
    d.location !== undefined ? d : { ...d, location: { file, ...locate(d.path) } },
  );
}

/**
 * The report of `error` in a machine format; `findings` are its diagnostics, located
 * (locatedDiagnostics). The file is the spec the problems are in, else `spec` (the one spec the
 * command was given: a file that could not be read).
 */
export function renderInputError(
  error: InputError,
  format: string,
  findings: readonly Diagnostic[],
  { command, spec }: { command: string; spec?: string | undefined },
): string | undefined {
  const render = RENDERERS[format];
  if (render === undefined) return undefined;
  const file = error.source
    ? relative(process.cwd(), error.source.file)
    : (error.diagnostics.find((d) => d.location)?.location?.file ?? spec ?? "");
  return render({ topology: "(invalid input)", file, findings, summary: summarise(findings) }, command);
}
