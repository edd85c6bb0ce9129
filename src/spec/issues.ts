import type { z } from "zod";
import { type Diagnostic, formatPath, type PathSegment } from "../diagnostics/diagnostic.js";
import { closest } from "../diagnostics/suggest.js";

const describe = (value: unknown): string =>
  value === undefined
    ? "nothing"
    : value === null
      ? "null"
      : Array.isArray(value)
        ? "an array"
        : typeof value === "number" && !Number.isFinite(value)
          ? `${value} (not a finite number: .nan and .inf are not figures)`
          : `${typeof value} ${JSON.stringify(value)}`;

const listed = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(", ");

/** zod's type names as a reader says them: `int` → "an integer", `record` → "an object". */
const NOUNS: Readonly<Record<string, string>> = {
  int: "an integer",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "an object",
  record: "an object",
  array: "an array",
  tuple: "an array",
};
const noun = (expected: string): string => NOUNS[expected] ?? `a ${expected}`;

/** Whether a message already quotes the value (as a whole token: "100%" does not quote 100). */
function mentions(message: string, input: string): boolean {
  const escaped = input.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\w.])${escaped}($|[^\\w.%])`).test(message);
}

/** A number written as a string, units and all: `"250ms"` → 250, `"2s"` in a `…Ms` field → 2000. */
function numberIn(input: unknown, path: string): number | undefined {
  if (typeof input !== "string") return undefined;
  const match = input.trim().match(/^(\d+(?:\.\d+)?)\s*(ms|s)?$/i);
  if (!match) return undefined;
  const value = Number(match[1]);
  const seconds = match[2]?.toLowerCase() === "s" && /Ms$/.test(path);
  return seconds ? +(value * 1000).toPrecision(6) : value;
}

/** The nearest valid component name: `Shop_Platform` → `shop-platform`. */
function dnsLabel(value: string): string | undefined {
  const label = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return label === "" || label === value ? undefined : label;
}

const BOUND_UNITS: Readonly<Record<string, [string, string]>> = {
  array: ["item", "items"],
  set: ["item", "items"],
  string: ["character", "characters"],
};

/** `too_small` / `too_big` in words, with the value that broke it. */
function boundMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): {
  message: string;
  fix: string;
} {
  const small = issue.code === "too_small";
  const limit = Number(small ? issue.minimum : issue.maximum);
  const exclusive = issue.inclusive === false;
  const units = BOUND_UNITS[issue.origin];
  if (units !== undefined) {
    const count = `${limit} ${limit === 1 ? units[0] : units[1]}`;
    const bound = small ? `at least ${count}` : `at most ${count}`;
    return { message: `must have ${bound}`, fix: `give it ${bound}` };
  }
  const relation = small ? (exclusive ? "greater than" : "at least") : exclusive ? "less than" : "at most";
  const got = typeof issue.input === "number" ? ` (got ${issue.input})` : "";
  return { message: `must be ${relation} ${limit}${got}`, fix: `use a value ${relation} ${limit}` };
}

/**
 * zod issues → diagnostics with a path, a plain message and a fix. `vocabulary` names the fields
 * for "did you mean" on misspelt keys.
 */
export function diagnosticsFromZod(error: z.ZodError, vocabulary: FieldNames): Diagnostic[] {
  return error.issues.flatMap((issue) => fromIssue(issue, vocabulary));
}

/** Field names for "did you mean": those of the object where a key was written, else every one. */
export interface FieldNames {
  readonly all: ReadonlySet<string>;
  /** The fields the object at `segments` (holding `input`) may have; undefined when unknown. */
  at?(segments: readonly PathSegment[], input: unknown): ReadonlySet<string> | undefined;
}

/** An unknown key's message and fix: a near field of that object, or where the key does belong. */
export function unknownField(
  key: string,
  segments: readonly PathSegment[],
  input: unknown,
  vocabulary: FieldNames,
): { message: string; fix?: string } {
  const here = vocabulary.at?.(segments, input);
  const near = closest(key, here ?? vocabulary.all);
  if (near !== undefined)
    return {
      message: `unknown field "${key}": did you mean "${near}"?`,
      fix: `rename "${key}" to "${near}"`,
    };
  if (here !== undefined && vocabulary.all.has(key))
    return {
      message: `"${key}" is not a field here (it is one elsewhere in the schema)`,
      fix: `remove "${key}"; fields here: ${[...here].sort().join(", ")}`,
    };
  return { message: `unknown field "${key}"` };
}

function fromIssue(issue: z.core.$ZodIssue, vocabulary: FieldNames): Diagnostic[] {
  const segments = issue.path.filter((s): s is PathSegment => typeof s !== "symbol");
  const path = formatPath(segments);
  const error = (code: string, message: string, fix: string, at = path): Diagnostic => ({
    code,
    severity: "error",
    path: at,
    message,
    fix,
  });
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) {
        return [
          error(
            "spec/missing",
            `required field is missing (expected ${noun(issue.expected)})`,
            `add ${path}`,
          ),
        ];
      }
      const number =
        issue.expected === "number" || issue.expected === "int" ? numberIn(issue.input, path) : undefined;
      return [
        error(
          "spec/invalid-type",
          `expected ${noun(issue.expected)}, got ${describe(issue.input)}${number === undefined ? "" : `: did you mean ${number}?`}`,
          number === undefined
            ? `make ${path} ${noun(issue.expected)}`
            : `set ${path} to ${number} (a bare number${/Ms$/.test(path) ? " of milliseconds" : ""})`,
        ),
      ];
    }
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const { message, fix } = unknownField(key, segments, issue.input, vocabulary);
        return error(
          "spec/unknown-field",
          message,
          fix ??
            (segments.length === 0
              ? `remove "${key}", or name it "x-${key}" to keep it as an extension field (ignored; a place for YAML anchors)`
              : `remove "${key}" (see schema/topology.schema.json for the fields)`),
          formatPath([...segments, key]),
        );
      });
    case "invalid_value": {
      if (issue.input === undefined)
        return [
          error("spec/missing", `required field is missing (one of ${listed(issue.values)})`, `add ${path}`),
        ];
      const near =
        typeof issue.input === "string" ? closest(issue.input, issue.values.map(String)) : undefined;
      return [
        error(
          "spec/invalid-value",
          `${describe(issue.input)} is not one of ${listed(issue.values)}${near ? `: did you mean "${near}"?` : ""}`,
          `use one of ${listed(issue.values)}`,
        ),
      ];
    }
    case "invalid_union": {
      if (issue.discriminator !== undefined) {
        const options = "options" in issue ? (issue.options ?? []) : [];
        const value = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
        const near = typeof value === "string" ? closest(value, options.map(String)) : undefined;
        const at =
          segments.at(-1) === issue.discriminator ? path : formatPath([...segments, issue.discriminator]);
        if (value === undefined)
          return [
            error("spec/missing", `required field is missing (one of ${listed(options)})`, `add ${at}`, at),
          ];
        return [
          error(
            "spec/invalid-value",
            `${describe(value)} is not one of ${listed(options)}${near ? `: did you mean "${near}"?` : ""}`,
            `use one of ${listed(options)}`,
            at,
          ),
        ];
      }
      // Every variant rejected the value itself (wrong type or literal): name all the forms at once,
      // e.g. placement: "everywhere" → expected an object or "auto".
      const atRoot = issue.errors.every(
        (branch) =>
          branch.length === 1 &&
          branch[0]!.path.length === 0 &&
          (branch[0]!.code === "invalid_type" || branch[0]!.code === "invalid_value"),
      );
      if (atRoot && issue.errors.length > 1) {
        const forms = issue.errors.map(([inner]) =>
          inner?.code === "invalid_type"
            ? noun(inner.expected)
            : inner?.code === "invalid_value"
              ? listed(inner.values)
              : "",
        );
        const choices = `${forms.slice(0, -1).join(", ")} or ${forms.at(-1)}`;
        if (issue.input === undefined)
          return [error("spec/missing", `required field is missing (${choices})`, `add ${path}`)];
        return [
          error(
            "spec/invalid-type",
            `expected ${choices}, got ${describe(issue.input)}`,
            `make ${path} ${choices}`,
          ),
        ];
      }
      // Report the issues of the variant that got furthest (fewest issues), not every branch.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0];
      if (best && best.length > 0)
        return best.flatMap((inner) =>
          fromIssue({ ...inner, path: [...issue.path, ...inner.path] }, vocabulary),
        );
      return [
        error(
          "spec/invalid-value",
          `${describe(issue.input)} matches none of the allowed forms`,
          "see the schema",
        ),
      ];
    }
    case "too_small":
    case "too_big": {
      // Our own messages (availability's "did you mean 0.9999?") win over the generic wording.
      if (!/^Too (small|big)/.test(issue.message)) {
        const input = issue.input === undefined ? undefined : JSON.stringify(issue.input);
        const got = input !== undefined && !mentions(issue.message, input) ? ` (got ${input})` : "";
        return [error(`spec/${issue.code.replace("_", "-")}`, `${issue.message}${got}`, fixFor(issue, path))];
      }
      const { message, fix } = boundMessage(issue);
      return [error(`spec/${issue.code.replace("_", "-")}`, message, fix)];
    }
    case "invalid_format":
    case "custom": {
      const input = "input" in issue && issue.input !== undefined ? JSON.stringify(issue.input) : undefined;
      const got = input !== undefined && !mentions(issue.message, input) ? ` (got ${input})` : "";
      return [error(`spec/${issue.code.replace("_", "-")}`, `${issue.message}${got}`, fixFor(issue, path))];
    }
    case "invalid_key":
      return issue.issues.flatMap((inner) =>
        fromIssue({ ...inner, path: [...issue.path, ...inner.path] }, vocabulary),
      );
    default:
      return [error("spec/invalid", issue.message, `fix ${path}`)];
  }
}

function fixFor(issue: z.core.$ZodIssue, path: string): string {
  const suggestion = issue.message.match(/did you mean ([^?]+)\?/);
  if (suggestion) return `set ${path} to ${suggestion[1]}`;
  // An exclusive bound excludes the limit itself: `availability: 0` is fixed by more than 0.
  const relation = (small: boolean) =>
    "inclusive" in issue && issue.inclusive === false
      ? small
        ? "greater than"
        : "less than"
      : small
        ? "at least"
        : "at most";
  if (issue.code === "too_small") return `use a value ${relation(true)} ${String(issue.minimum)}`;
  if (issue.code === "too_big") return `use a value ${relation(false)} ${String(issue.maximum)}`;
  if (issue.code === "invalid_format" && typeof issue.input === "string" && /DNS label/.test(issue.message)) {
    const label = dnsLabel(issue.input);
    if (label !== undefined) return `use "${label}"`;
  }
  return `fix ${path}`;
}
