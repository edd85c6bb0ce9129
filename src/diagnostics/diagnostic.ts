import { byText, readingKey } from "../order.js";
/**
 * One shape for every problem topoplan reports: spec errors, semantic errors and policy findings.
 * Rendered by one formatter per output format (src/report, src/diagnostics/format-text.ts).
 */
export type Severity = "error" | "warning" | "info";

/** `fail`: the check decided against the input; `unknown`: it could not decide (e.g. missing traffic figures). */
export type Status = "fail" | "unknown";

export interface SourceLocation {
  readonly file: string;
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly column: number;
}

export interface Diagnostic {
  /** Stable identifier: `spec/<problem>` for input problems, the rule id for policy findings. */
  readonly code: string;
  readonly severity: Severity;
  /** @default "fail" */
  readonly status?: Status;
  /** Path into the spec in dotted form, e.g. `datastores.accounts.placement["eu-west-1"]`. */
  readonly path: string;
  /** What is wrong, with the numbers that decided it. */
  readonly message: string;
  /** A concrete change that resolves it. */
  readonly fix?: string;
  /** Machine-readable figures behind the message. */
  readonly data?: Readonly<Record<string, unknown>>;
  readonly location?: SourceLocation;
}

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `["datastores", "accounts", "calls", 0]` → `datastores.accounts.calls[0]`; odd keys are bracket-quoted. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === "" ? "(root)" : out;
}

/** Inverse of {@link formatPath}. */
export function parsePath(path: string): PathSegment[] {
  if (path === "(root)" || path === "") return [];
  const segments: PathSegment[] = [];
  const token = /([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\./g;
  for (const match of path.matchAll(token)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** The order of {@link compareDiagnostics}, given each path's {@link readingKey}. */
const compareKeyed = (a: Diagnostic, aKey: string, b: Diagnostic, bKey: string): number =>
  SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
  byText(aKey, bKey) ||
  byText(a.path, b.path) ||
  byText(a.code, b.code) ||
  byText(a.message, b.message);

/**
 * Errors outrank warnings outrank infos; then by path (numbers in it as numbers: `calls[2]` before
 * `calls[10]`), then code — a stable, readable order.
 */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return compareKeyed(a, readingKey(a.path), b, readingKey(b.path));
}

/** A sorted copy in {@link compareDiagnostics} order, each path's key made once (70,000 findings at scale). */
export function sortDiagnostics<T extends Diagnostic>(diagnostics: readonly T[]): T[] {
  const keyed = diagnostics.map((d) => ({ d, key: readingKey(d.path) }));
  keyed.sort((x, y) => compareKeyed(x.d, x.key, y.d, y.key));
  return keyed.map((k) => k.d);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error" && (d.status ?? "fail") === "fail");
}

/**
 * Thrown at the edge when the input or the command line is invalid (exit code 2).
 * Carries every problem found, not just the first.
 */
export class InputError extends Error {
  /**
   * @param source the spec the problems are in, when they came from one: reports locate paths in it
   *   (SARIF results on the spec's lines)
   */
  constructor(
    readonly diagnostics: readonly Diagnostic[],
    readonly source?: {
      readonly file: string;
      readonly format: "typescript" | "yaml" | "json";
      readonly text: string;
    },
  ) {
    super(diagnostics.map((d) => `${d.path}: ${d.message}`).join("\n"));
    this.name = "InputError";
  }
}

/** A single input problem at a path, for code that finds one at a time. */
export function inputProblem(code: string, path: string, message: string, fix?: string): Diagnostic {
  return fix === undefined
    ? { code, severity: "error", path, message }
    : { code, severity: "error", path, message, fix };
}

/**
 * The component a spec path is about: `datastores.orders` of `datastores.orders.slo.writeP99Ms`
 * (component names hold no `.` or `[`); the path itself when it names none.
 */
export const componentPathOf = (path: string): string => /^[^.[]+\.[^.[]+/.exec(path)?.[0] ?? path;
