import { oneLine, visibleLine } from "../report/escape.js";
import type { Diagnostic } from "./diagnostic.js";

export interface TextStyle {
  readonly color: boolean;
}

const CODES = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
type Tone = keyof typeof CODES;

export function paint(text: string, tone: Tone, style: TextStyle): string {
  return style.color ? `\u001b[${CODES[tone]}m${text}\u001b[0m` : text;
}

const TONE: Readonly<Record<Diagnostic["severity"], Tone>> = {
  error: "red",
  warning: "yellow",
  info: "cyan",
};

/** Terminal width the text reports fit (wrapped with hanging indents). */
export const TEXT_WIDTH = 100;
/** Continuation lines of a message start with 10 spaces, of a fix with 13: unambiguous to unwrap. */
const MESSAGE_INDENT = " ".repeat(10);
const FIX_INDENT = " ".repeat(13);

/**
 * Word-wraps plain text (no colour codes) to `width`, the first line already `used` wide: each line
 * takes words while they fit (the first word always), words being what lies between single spaces.
 * A line starts at its first non-empty word (a double space at a break is dropped). Lines are
 * sliced from the text by index rather than built word by word: 70,652 findings at 20,000
 * services (issue #15); test/diagnostics/wrap-plain.test.ts holds it to the word-by-word version.
 */
export function wrapPlain(text: string, used: number, indent: string, width = TEXT_WIDTH): string[] {
  const lines: string[] = [];
  let room = width - used;
  let at = 0;
  for (;;) {
    while (at < text.length && text.charCodeAt(at) === SPACE) at++;
    if (at >= text.length) {
      lines.push(lines.length === 0 ? "" : indent);
      break;
    }
    const start = at;
    let end = text.indexOf(" ", start);
    if (end === -1 || text.length - start <= room) end = text.length;
    else {
      // The last word end (a space) that keeps the line within room, if past the first word.
      const last = text.lastIndexOf(" ", start + room);
      if (last > end) end = last;
    }
    lines.push(lines.length === 0 ? text.slice(start, end) : indent + text.slice(start, end));
    if (end >= text.length) break;
    at = end + 1;
    room = width - indent.length;
  }
  return lines;
}

const SPACE = 32;

/**
 * One diagnostic: `error   path  message  [code]`, `        at: file:line:col` when it is located,
 * and `        fix: …`, each wrapped to 100 columns
 * (continuations indented 10 and 13 spaces). Control characters from the input are removed, and a
 * line break in a path or file name is shown as `\u000a` (it could print a fake line).
 * Used for spec errors and findings alike.
 */
export function formatDiagnostic(d: Diagnostic, style: TextStyle): string {
  const label = d.status === "unknown" ? "unknown" : d.severity;
  const path = visibleLine(d.path);
  const head = `${label.padEnd(7)} ${path}  `;
  const body = wrapPlain(`${oneLine(d.message)}  [${d.code}]`, head.length, MESSAGE_INDENT);
  const last = body.length - 1;
  // Without colour the code stays as it is: no replacement to run per finding.
  if (style.color) body[last] = body[last]!.replace(/\[([^\]]*)\]$/, (code) => paint(code, "dim", style));
  const lines = [
    `${paint(label.padEnd(7), d.status === "unknown" ? "dim" : TONE[d.severity], style)} ${paint(path, "bold", style)}  ${body.join("\n")}`,
  ];
  // On a line of its own (a long path and file would not fit beside the message); `file:line:col`
  // is what terminals and editors turn into a link.
  if (d.location)
    lines.push(
      `        ${paint("at:", "dim", style)} ${visibleLine(d.location.file)}:${d.location.line}:${d.location.column}`,
    );
  if (d.fix) {
    const fix = wrapPlain(oneLine(d.fix), FIX_INDENT.length, FIX_INDENT);
    lines.push(`        ${paint("fix:", "dim", style)} ${fix.join("\n")}`);
  }
  return lines.join("\n");
}

/** The inverse of the wrapping, for tools and tests that read one diagnostic per line. */
export function unwrapDiagnostics(text: string): string {
  return text.replace(/\n {13}(?=\S)/g, " ").replace(/\n {10}(?=\S)/g, " ");
}

export function formatDiagnostics(diagnostics: readonly Diagnostic[], style: TextStyle): string {
  return diagnostics.map((d) => formatDiagnostic(d, style)).join("\n");
}
