import { InputError } from "../diagnostics/diagnostic.js";
import { GITHUB_COMMENT_LIMIT } from "../report/fit.js";

/** `--max-chars N` for Markdown reports: from 2,000 to GitHub's comment limit (the default). */
export function maxCharsFlag(value: string | undefined): number {
  if (value === undefined) return GITHUB_COMMENT_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2_000 || n > GITHUB_COMMENT_LIMIT)
    throw new InputError([
      {
        code: "cli/usage",
        severity: "error",
        path: "--max-chars",
        message: `--max-chars must be a whole number from 2000 to ${GITHUB_COMMENT_LIMIT} (got "${value}")`,
        fix: `e.g. --max-chars ${Math.floor(GITHUB_COMMENT_LIMIT / 2)} to fit two stacks in one comment`,
      },
    ]);
  return n;
}
