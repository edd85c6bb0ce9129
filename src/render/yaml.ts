/**
 * A small, fast YAML emitter for JSON data (what manifests are), several times faster than a
 * general YAML library's document model. Output is block style with keys sorted, so the same data
 * always gives the same bytes. Strings are written plain only when every YAML 1.1 and 1.2 reader
 * (kubectl's go-yaml included) reads them back as the same string; multi-line strings become
 * literal blocks (`|`) so rules and scripts stay reviewable; anything else is single-quoted (no
 * escapes: PromQL stays readable) or, when it holds control characters, double-quoted.
 * Round-trip is tested against the `yaml` parser with generated data.
 */

import { sortedKeys } from "../order.js";

/** YAML 1.1 booleans and nulls: never plain (`on` would become true for go-yaml). */
const RESERVED = new Set(["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ""]);
const RESERVED_MAX_LENGTH = 5;
/**
 * Quantities such as 500m, 16Gi, 30s: digits then letters, not an exponent (1e3 is a number) and
 * not a hex or octal literal (0xA, 0o7 are integers to YAML readers).
 */
const QUANTITY = /^(?!0[xXoO])[0-9]+(\.[0-9]+)?[A-DF-Za-df-z][A-Za-z]*$/;
/** Characters a YAML reader would not keep as they are inside a double-quoted scalar. */
const NEEDS_ESCAPE = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

const COLON = 0x3a;
const BLANK = 0x20;
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** The characters a plain name may start with, by char code (ASCII only: the rest is never plain). */
const PLAIN_FIRST = (() => {
  const table = new Uint8Array(128);
  for (const c of `${LETTERS}_/$`) table[c.charCodeAt(0)] = 1;
  return table;
})();

// What one pass over a string finds (`scan`): every key and string of every manifest comes here,
// millions in a large render, and scanning each once replaced five scans and regexes (issue #15).

/** Not a plain name (matchesPlain): a character outside its pattern, `: `, or a blank or colon at the end. */
const NOT_NAME = 1;
const LINE_BREAK = 2;
const TAB_OR_CR = 4;
/** A character no block or single-quoted scalar keeps: C0 and C1 controls but tab and line feed, DEL, U+2028, U+2029, U+FEFF. */
const FORBIDDEN = 8;
const QUOTE = 16;

/** Per ASCII char code: the bits it sets, 0 for the characters a plain name may hold after its first. */
const ASCII_BITS = (() => {
  const bits = new Uint8Array(128).fill(NOT_NAME);
  for (const c of `${LETTERS}0123456789 _./:@+=,()$*-`) bits[c.charCodeAt(0)] = 0;
  for (let c = 0; c < 0x20; c++) bits[c] = NOT_NAME | FORBIDDEN;
  bits[0x7f] = NOT_NAME | FORBIDDEN;
  bits[0x09] = NOT_NAME | TAB_OR_CR;
  bits[0x0a] = NOT_NAME | LINE_BREAK;
  bits[0x0d] = NOT_NAME | TAB_OR_CR | FORBIDDEN;
  bits["'".charCodeAt(0)] = NOT_NAME | QUOTE;
  return bits;
})();

/** The bits of `text` (a non-ASCII character is never in a name; some are forbidden). */
function scan(text: string): number {
  const n = text.length;
  if (n === 0) return NOT_NAME;
  const first = text.charCodeAt(0);
  let found = first >= 128 || PLAIN_FIRST[first] === 0 ? NOT_NAME : 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      found |= ASCII_BITS[c]!;
      if (c === COLON && text.charCodeAt(i + 1) === BLANK) found |= NOT_NAME;
    } else {
      found |= NOT_NAME;
      if (c <= 0x9f || c === 0x2028 || c === 0x2029 || c === 0xfeff) found |= FORBIDDEN;
    }
  }
  const last = text.charCodeAt(n - 1);
  return last === BLANK || last === COLON ? found | NOT_NAME : found;
}

/** Single quotes when exact without escapes (one line, printable); else JSON-style double quotes. */
function quoted(text: string, found: number): string {
  if ((found & (FORBIDDEN | TAB_OR_CR | LINE_BREAK)) === 0)
    return (found & QUOTE) === 0 ? `'${text}'` : `'${text.replaceAll("'", "''")}'`;
  return JSON.stringify(text).replace(
    NEEDS_ESCAPE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Whether `text`, whose bits are `found`, may be written plain: it is a name (matchesPlain) or a
 * QUANTITY, and no YAML 1.1 bool or null. (A `#` is in neither, so no ` #` starts a comment.)
 */
function isPlain(text: string, found: number): boolean {
  if ((found & NOT_NAME) !== 0 && !QUANTITY.test(text)) return false;
  return text.length > RESERVED_MAX_LENGTH || !RESERVED.has(text.toLowerCase());
}

/**
 * `/^[A-Za-z_/$][A-Za-z0-9 _./:@+=,()$*-]*$/` without `: ` (which would start a mapping) and
 * ending in neither a blank nor a colon.
 */
export const matchesPlain = (text: string): boolean => (scan(text) & NOT_NAME) === 0;

const plainString = (text: string, found = scan(text)): string =>
  isPlain(text, found) ? text : quoted(text, found);

function scalar(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as YAML: not JSON data`);
    return String(value);
  }
  if (typeof value === "string") return plainString(value);
  throw new TypeError(`cannot write a ${typeof value} as YAML: not JSON data`);
}

/**
 * A literal block for multi-line text: its header (`|` or `|-`) and its lines indented (empty lines
 * stay empty) as one string; undefined when only a quoted scalar is exact.
 */
function literalBlock(text: string, found: number, indent: string): [string, string] | undefined {
  // A carriage return is FORBIDDEN too: a reader would turn it into a line break.
  if ((found & LINE_BREAK) === 0 || (found & FORBIDDEN) !== 0) return undefined;
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (body.endsWith("\n") || body.trim() === "") return undefined; // trailing blank lines: keep it exact, quote
  // The first non-empty line must not start with blanks (YAML would read them as its indentation).
  const first = FIRST_LINE_START.exec(body)?.[1];
  if (first === undefined || first === " " || first === "\t") return undefined;
  // Every line break in `body` is followed by a line; only non-empty lines get the indent.
  const lines = (body.startsWith("\n") ? "" : indent) + body.replace(NON_EMPTY_LINE_BREAK, `\n${indent}`);
  return [text.endsWith("\n") ? "|" : "|-", lines];
}

/** The first character of the first non-empty line. */
const FIRST_LINE_START = /^\n*([^\n])/;
const NON_EMPTY_LINE_BREAK = /\n(?!\n)/g;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A non-empty collection (written as a block); counted without listing keys or values. */
const isBlock = (value: unknown): value is object => {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.length > 0;
  // Own keys only, as Object.values sees them (for…in also visits inherited enumerable ones).
  for (const key in value)
    if (Object.hasOwn(value, key) && (value as Record<string, unknown>)[key] !== undefined) return true;
  return false;
};

function inline(value: unknown): string {
  if (Array.isArray(value)) return "[]";
  if (value !== null && typeof value === "object") return "{}";
  return scalar(value);
}

/** Indentation by depth, made once. */
const INDENTS: string[] = [""];
const indentOf = (depth: number): string => {
  while (INDENTS.length <= depth) INDENTS.push(`${INDENTS[INDENTS.length - 1]}  `);
  return INDENTS[depth]!;
};

/**
 * The document being written: appended to, not collected as lines and joined (V8 keeps the
 * appends as a rope and flattens it once; 1.8× faster on 20,000 manifests here, issue #15).
 */
let text = "";

/**
 * Appends `value` as the content after `prefix` (a `key:` or `-` already at the right indent, for
 * a value at `depth`). An array item's nested collection starts on the dash's line (compact form).
 */
function node(prefix: string, item: boolean, value: unknown, depth: number): void {
  if (typeof value === "string") {
    const found = scan(value);
    const literal = literalBlock(value, found, indentOf(depth + 1));
    text +=
      literal === undefined
        ? `${prefix} ${plainString(value, found)}\n`
        : `${prefix} ${literal[0]}\n${literal[1]}\n`;
    return;
  }
  if (!isBlock(value)) {
    text += `${prefix} ${inline(value)}\n`;
    return;
  }
  if (item) {
    block(value, depth + 1, `${prefix} `);
    return;
  }
  text += `${prefix}\n`;
  block(value, depth + 1, indentOf(depth + 1));
}

/**
 * A key's line up to its colon at an indent, made once: the same keys fill every manifest, and
 * the line made anew for each cost a tenth of the emitter's time (issue #15). Bounded: keys can be
 * the user's (labels, annotations), so the table is emptied when it grows large.
 */
const KEY_LINES = new Map<string, string[]>();
const KEY_LINES_MAX = 10_000;
function keyLine(key: string, depth: number): string {
  let byDepth = KEY_LINES.get(key);
  if (byDepth === undefined) {
    if (KEY_LINES.size >= KEY_LINES_MAX) KEY_LINES.clear();
    byDepth = [];
    KEY_LINES.set(key, byDepth);
  }
  let line = byDepth[depth];
  if (line === undefined) {
    line = `${indentOf(depth)}${plainString(key)}:`;
    byDepth[depth] = line;
  }
  return line;
}

/** `value`'s entries at `depth`; the first line starts with `first` instead of the indent (compact form). */
function block(value: object, depth: number, first: string): void {
  const indent = indentOf(depth);
  let lead = first;
  if (Array.isArray(value)) {
    for (const item of value) {
      node(`${lead}-`, true, item === undefined ? null : item, depth);
      lead = indent;
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of sortedKeys(record)) {
    const v = record[key];
    if (v === undefined) continue;
    // Only the first key of an array item starts on the dash's line (`lead` is then not the indent).
    node(lead === indent ? keyLine(key, depth) : `${lead}${plainString(key)}:`, false, v, depth);
    lead = indent;
  }
}

/** Writes JSON data as a YAML document (sorted keys, block style, trailing newline). */
export function emitYaml(value: unknown): string {
  if (!isBlock(value)) return `${inline(value as Json)}\n`;
  // A value that cannot be written (NaN, a function) throws half-way: the buffer is let go either way.
  text = "";
  try {
    block(value, 0, "");
    return text;
  } finally {
    text = "";
  }
}
