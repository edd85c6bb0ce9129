import { InputError } from "../diagnostics/diagnostic.js";
import { GITHUB_COMMENT_LIMIT } from "../report/fit.js";
import { wholeNumber } from "./args.js";

/** The smallest `--max-chars`: a report's verdict and its first rows. */
export const MIN_MAX_CHARS = 2_000;

/** The `--max-chars` line of `check --help` and `diff --help`: the range the flag accepts. */
export const MAX_CHARS_DETAILS: readonly string[] = [
  `  --max-chars N  markdown: fit in N characters, ${MIN_MAX_CHARS} to ${GITHUB_COMMENT_LIMIT} (default ${GITHUB_COMMENT_LIMIT}, GitHub's comment limit)`,
];

/** `--max-chars N` for Markdown reports: from 2,000 to GitHub's comment limit (the default). */
export function maxCharsFlag(value: string | undefined): number {
  if (value === undefined) return GITHUB_COMMENT_LIMIT;
  const n = wholeNumber(value);
  if (!Number.isInteger(n) || n < MIN_MAX_CHARS || n > GITHUB_COMMENT_LIMIT)
    throw new InputError([
      {
        code: "cli/usage",
        severity: "error",
        path: "--max-chars",
        message: `--max-chars must be a whole number from ${MIN_MAX_CHARS} to ${GITHUB_COMMENT_LIMIT} (got "${value}")`,
        fix: `e.g. --max-chars ${Math.floor(GITHUB_COMMENT_LIMIT / 2)} to fit two stacks in one comment`,
      },
    ]);
  return n;
}
