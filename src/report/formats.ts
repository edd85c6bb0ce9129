import type { Rule } from "../../policies/types.js";
import type { TextStyle } from "../diagnostics/format-text.js";
import type { Model } from "../model/types.js";
import { renderJson } from "./json.js";
import { renderMarkdown } from "./markdown.js";
import { renderSarif } from "./sarif.js";
import { renderText } from "./text.js";
import type { CheckReport } from "./types.js";

export interface RenderContext extends TextStyle {
  /** The resolved model, for formats that draw the topology or list SLOs (Markdown). */
  readonly model?: Model;
  /** Markdown: the most characters the report may take (`--max-chars`). */
  readonly limit?: number;
  /** SARIF: the most results the run may hold (`--max-results`). */
  readonly maxResults?: number;
  /** SARIF: a file path as given, relative to the repository's root (src/cli/repository.ts). */
  readonly fromRoot?: (file: string) => string;
  /** SARIF: the users' rules that ran (--rules), described from their docs. */
  readonly userRules?: readonly Rule[];
}

/** One renderer per output format; a new format registers here. */
export const REPORT_FORMATS: Readonly<
  Record<string, (report: CheckReport, context: RenderContext) => string>
> = {
  text: renderText,
  json: (report) => renderJson(report),
  sarif: (report, { maxResults, fromRoot, userRules }) =>
    renderSarif(report, {
      ...(maxResults === undefined ? {} : { maxResults }),
      ...(fromRoot === undefined ? {} : { fromRoot }),
      ...(userRules === undefined ? {} : { userRules }),
    }),
  markdown: (report, context) =>
    renderMarkdown(report, {
      ...(context.model ? { model: context.model } : {}),
      ...(context.limit === undefined ? {} : { limit: context.limit }),
    }),
};

/** Formats that show where in the spec file a finding is (worth parsing a TypeScript spec for). */
export const LOCATED_FORMATS: ReadonlySet<string> = new Set(["sarif", "markdown"]);
