import type { TextStyle } from "../diagnostics/format-text.js";
import { renderJson } from "./json.js";
import { renderText } from "./text.js";
import type { CheckReport } from "./types.js";

export interface RenderContext extends TextStyle {
  /** The spec source, for formats that point at lines (SARIF). */
  readonly specText?: string;
}

/** One renderer per output format; a new format registers here. */
export const REPORT_FORMATS: Readonly<
  Record<string, (report: CheckReport, context: RenderContext) => string>
> = {
  text: renderText,
  json: (report) => renderJson(report),
};
