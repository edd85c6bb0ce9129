/**
 * The one place where strings from a spec (names, images, messages quoting them) are made safe for
 * the outputs people read: a terminal, a Markdown PR comment, an SVG. Every report goes through
 * these helpers; none builds its own escaping.
 */

import { CONTROL_CHARACTERS_ALL as CONTROL_ALL } from "../diagnostics/control.js";

// C0 controls except tab and newline, DEL, and C1 controls (ESC sequences, CSI 0x9b, bidi is not
// here: it is printable and harmless to a terminal's state).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Removes terminal control characters (escape sequences cannot clear a screen or hide a line). */
export function stripControl(text: string): string {
  return text.replace(CONTROL, "");
}

/** One line: control characters removed and line breaks turned into spaces. */
export function oneLine(text: string): string {
  return stripControl(text).replace(/[\r\n\t]+/g, " ");
}

const HTML: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text inside XML/HTML (SVG labels, attribute values). */
export function escapeXml(text: string): string {
  return stripControl(text).replace(/[&<>"']/g, (c) => HTML[c]!);
}

/**
 * Plain text inside Markdown (a table cell, a sentence): no HTML element, no link, no emphasis,
 * no table break can come from the input. Backslash-escapes Markdown's punctuation and
 * entity-encodes what HTML would read.
 */
export function escapeMarkdown(text: string): string {
  return (
    oneLine(text)
      // Emphasis, code, links/images ("![" needs the "["), tables, strikethrough.
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
      .replace(/[&<>"]/g, (c) => HTML[c]!)
      // Before the zero-width entities are written (their "#" is no issue reference).
      .replace(GITHUB_REFERENCE, `$&${ZERO_WIDTH}`)
      // GitHub links bare URLs; a zero-width space after the scheme or "www" keeps them text.
      .replace(/:\/\//g, `:/${ZERO_WIDTH}/`)
      .replace(BARE_WWW, unlinkedWww)
  );
}

/** GitHub links a bare `www.` address too: a zero-width space after "www" keeps it text. */
const BARE_WWW = /\bwww\./gi;
const unlinkedWww = (www: string) => `${www.slice(0, 3)}${ZERO_WIDTH}.`;

/**
 * A zero-width space as an entity: invisible in the rendered comment, plain ASCII in the text (a
 * raw U+200B is a control character to terminalSafe, which would print it as `\u200b`).
 */
const ZERO_WIDTH = "&#8203;";

/**
 * What GitHub turns into a notification or a cross-reference in a comment: `@user`, `@org/team`,
 * `#123` (a timeline entry on that issue). A zero-width space after the sign keeps them text, as
 * Renovate does with the release notes it quotes.
 */
const GITHUB_REFERENCE = /[@#](?=[A-Za-z0-9])/g;

/**
 * A code span: the text verbatim (Markdown does not interpret inside), fenced with more backticks
 * than any run inside it. Pipes are still table separators in GFM, which splits a row before it
 * reads code spans, taking backslashes two by two: a pipe ends the cell unless an odd number of
 * backslashes stands before it (`\\|` is an escaped backslash, then a cell break that would leave
 * the span open and the rest of the row to Markdown). So each pipe gets one more backslash, and an
 * odd run the user wrote before it one more still (shown with one backslash extra).
 */
export function markdownCode(text: string): string {
  const clean = oneLine(text).replace(/(\\*)\|/g, (_, run: string) =>
    run.length % 2 === 0 ? `${run}\\|` : `${run}\\\\|`,
  );
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** The only escape sequences topoplan itself prints: SGR colours of src/diagnostics/format-text.ts. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching our own escape sequences is the point.
const OWN_SGR = /(\u001b\[(?:0|1|2|31|33|36)m)/;

/** `\u001b`; a character beyond U+FFFF (a tag character, two UTF-16 units) as `\u{e0041}`. */
const visible = (c: string) => {
  const code = c.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
};

/**
 * Text for a terminal (or an `--output` file): control characters (src/diagnostics/control.ts)
 * become visible `\uXXXX`; topoplan's own colours are kept when asked.
 */
export function terminalSafe(text: string, keepColour: boolean): string {
  if (!keepColour) return text.replace(CONTROL_ALL, visible);
  // split() with a capturing group puts the separators (our colours) at the odd indices.
  return text
    .split(OWN_SGR)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(CONTROL_ALL, visible)))
    .join("");
}

/** Every character terminalSafe shows as `\uXXXX`, and tab and line feed too. */
const NOT_ONE_LINE = new RegExp(`[\\t\\n]|${CONTROL_ALL.source}`, "g");

/**
 * A name the user chose (a file, a folder) inside one line of terminal text: as terminalSafe, and
 * line feeds and tabs become `\u000a` and `\u0009` too, so a file name cannot print a line of its
 * own (a fake finding) or shift columns.
 */
export function visibleLine(text: string): string {
  return text.replace(NOT_ONE_LINE, visible);
}

/** Plain Markdown text that may span lines (line breaks become `<br>`); see escapeMarkdown. */
export function markdownText(text: string): string {
  return (
    text
      .replace(CONTROL_ALL, "")
      .replace(/[\\`*_[\]<>!|~#&]/g, "\\$&")
      .replace(/:\/\//g, "\\://")
      .replace(GITHUB_REFERENCE, `$&${ZERO_WIDTH}`)
      // After the references, whose pattern the entity's "#" would match.
      .replace(BARE_WWW, unlinkedWww)
      .replace(/\r?\n/g, "<br>")
  );
}

/** One line of a `#` comment in a generated file: no line break can end the comment. */
export function commentSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, visible);
}
