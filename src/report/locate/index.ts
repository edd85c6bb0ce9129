import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { parsePath } from "../../diagnostics/diagnostic.js";
import type { SpecFormat } from "../../spec/load/types.js";
import type { CheckReport } from "../types.js";
import type { Position } from "./types.js";
import { typescriptLocator } from "./typescript.js";
import { yamlLocator } from "./yaml.js";

export type { Position } from "./types.js";

/** The spec as loaded: enough to find where a path is written. */
export interface SpecSource {
  readonly format: SpecFormat;
  readonly text: string;
  /** Absolute path, for the TypeScript parser's file name. */
  readonly file: string;
}

/** A function from a spec path (`datastores.accounts.placement`) to its line and column in the spec. */
export async function specLocator(spec: SpecSource): Promise<(path: string) => Position> {
  const locate =
    spec.format === "typescript" ? await typescriptLocator(spec.text, spec.file) : yamlLocator(spec.text);
  return (path) => locate(parsePath(path));
}

/**
 * The report with a `location` (file as in the report, line, column) on every finding and suppressed
 * finding that has none yet. Paths the spec does not spell out (defaults) point at the nearest parent written.
 */
export async function locateReport(report: CheckReport, spec: SpecSource): Promise<CheckReport> {
  const locate = await specLocator(spec);
  const place = <T extends Diagnostic>(d: T): T =>
    d.location !== undefined ? d : { ...d, location: { file: report.file, ...locate(d.path) } };
  return {
    ...report,
    findings: report.findings.map(place),
    ...(report.suppressed === undefined ? {} : { suppressed: report.suppressed.map(place) }),
  };
}
