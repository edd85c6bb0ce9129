/**
 * Escaping at the edge, for text that may carry spec strings. The spec refuses control characters
 * (src/spec/semantic/names.ts); these keep reports safe whatever reaches them (file names, parser
 * messages, a user rule's findings).
 */

import { CONTROL_CHARACTERS_ALL as CONTROL } from "../diagnostics/control.js";

/** The only escape sequences topoplan itself prints: SGR colours of src/diagnostics/format-text.ts. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching our own escape sequences is the point.
const OWN_SGR = /(\u001b\[(?:0|1|2|31|33|36)m)/;

const visible = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** Text for a terminal: control characters become visible `\uXXXX`; own colours kept when asked. */
export function terminalSafe(text: string, keepColour: boolean): string {
  if (!keepColour) return text.replace(CONTROL, visible);
  // split() with a capturing group puts the separators (our colours) at the odd indices.
  return text
    .split(OWN_SGR)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(CONTROL, visible)))
    .join("");
}

/** Plain Markdown text (a table cell, a line): no HTML, links, images, emphasis or code. */
export function markdownText(text: string): string {
  return text
    .replace(CONTROL, "")
    .replace(/[\\`*_[\]<>!|~#&]/g, "\\$&")
    .replace(/:\/\//g, "\\://")
    .replace(/\r?\n/g, "<br>");
}

/** An inline code span: nothing inside is Markdown or HTML; backticks and pipes cannot break out. */
export function markdownCode(text: string): string {
  const body = text.replace(CONTROL, "").replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = longest > 0 || body.startsWith("`") || body.endsWith("`") ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** One line of a `#` comment in a generated file: no line break can end the comment. */
export function commentSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, visible);
}
