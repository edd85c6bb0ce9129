import { InputError } from "../diagnostics/diagnostic.js";
import { GITHUB_SARIF_RESULTS } from "../report/sarif.js";

/** `--max-results N` for SARIF reports: a whole number from 1; GitHub's stored limit by default. */
export function maxResultsFlag(value: string | undefined): number {
  if (value === undefined) return GITHUB_SARIF_RESULTS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError([
      {
        code: "cli/usage",
        severity: "error",
        path: "--max-results",
        message: `--max-results must be a whole number from 1 (got "${value}")`,
        fix: `e.g. --max-results 25000, GitHub code scanning's most results per run (it stores ${GITHUB_SARIF_RESULTS})`,
      },
    ]);
  return n;
}
