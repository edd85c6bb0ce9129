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
        : `${typeof value} ${JSON.stringify(value)}`;

const listed = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(", ");

/**
 * zod issues → diagnostics with a path, a plain message and a fix. `vocabulary` is every field
 * name the schema knows, for "did you mean" on misspelt keys.
 */
export function diagnosticsFromZod(error: z.ZodError, vocabulary: ReadonlySet<string>): Diagnostic[] {
  return error.issues.flatMap((issue) => fromIssue(issue, vocabulary));
}

function fromIssue(issue: z.core.$ZodIssue, vocabulary: ReadonlySet<string>): Diagnostic[] {
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
          error("spec/missing", `required field is missing (expected ${issue.expected})`, `add ${path}`),
        ];
      }
      return [
        error(
          "spec/invalid-type",
          `expected ${issue.expected}, got ${describe(issue.input)}`,
          `make ${path} a ${issue.expected}`,
        ),
      ];
    }
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const near = closest(key, vocabulary);
        return error(
          "spec/unknown-field",
          `unknown field "${key}"${near ? `: did you mean "${near}"?` : ""}`,
          near
            ? `rename "${key}" to "${near}"`
            : `remove "${key}" (see schema/topology.schema.json for the fields)`,
          formatPath([...segments, key]),
        );
      });
    case "invalid_value": {
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
        return [
          error(
            "spec/invalid-value",
            `${describe(value)} is not one of ${listed(options)}${near ? `: did you mean "${near}"?` : ""}`,
            `use one of ${listed(options)}`,
            segments.at(-1) === issue.discriminator ? path : formatPath([...segments, issue.discriminator]),
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
    case "invalid_format":
    case "too_small":
    case "too_big":
    case "custom": {
      const input = "input" in issue && issue.input !== undefined ? JSON.stringify(issue.input) : undefined;
      const got = input !== undefined && !issue.message.includes(input) ? ` (got ${input})` : "";
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
  if (issue.code === "too_small") return `use a value of at least ${String(issue.minimum)}`;
  if (issue.code === "too_big") return `use a value of at most ${String(issue.maximum)}`;
  return `fix ${path}`;
}
