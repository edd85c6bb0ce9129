/**
 * A small, fast YAML emitter for JSON data (what manifests are), several times faster than a
 * general YAML library's document model. Output is block style with keys sorted, so the same data
 * always gives the same bytes. Strings are written plain only when every YAML 1.1 and 1.2 reader
 * (kubectl's go-yaml included) reads them back as the same string; multi-line strings become
 * literal blocks (`|`) so rules and scripts stay reviewable; anything else is single-quoted (no
 * escapes: PromQL stays readable) or, when it holds control characters, double-quoted.
 * Round-trip is tested against the `yaml` parser with generated data.
 */

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
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const FORBIDDEN_IN_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** Single quotes when exact without escapes (one line, printable); else JSON-style double quotes. */
function quoted(text: string): string {
  if (!FORBIDDEN_IN_BLOCK.test(text) && !/[\t\n\r]/.test(text)) return `'${text.replaceAll("'", "''")}'`;
  return JSON.stringify(text).replace(
    NEEDS_ESCAPE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Whether `text` may be written plain: it is a name (matchesPlain) or a QUANTITY, and no YAML 1.1
 * bool or null. (A `#` is in neither, so no ` #` starts a comment.) Every key and string of every
 * manifest comes here, millions in a large render: names are checked by a scan over character
 * tables, which costs less than hashing the string to look up an earlier answer (issue #15).
 */
function isPlain(text: string): boolean {
  if (!matchesPlain(text) && !QUANTITY.test(text)) return false;
  return text.length > RESERVED_MAX_LENGTH || !RESERVED.has(text.toLowerCase());
}

/**
 * `/^[A-Za-z_/$][A-Za-z0-9 _./:@+=,()$*-]*$/` without `: ` (which would start a mapping) and
 * ending in neither a blank nor a colon.
 */
export function matchesPlain(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  const first = text.charCodeAt(0);
  if (first >= 128 || PLAIN_FIRST[first] === 0) return false;
  for (let i = 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || PLAIN_REST[c] === 0) return false;
    if (c === COLON && text.charCodeAt(i + 1) === BLANK) return false;
  }
  const last = text.charCodeAt(n - 1);
  return last !== BLANK && last !== COLON;
}

const COLON = 0x3a;
const BLANK = 0x20;
/** The pattern's two character classes as tables by char code (ASCII only: the rest is never plain). */
const charTable = (chars: string) => {
  const table = new Uint8Array(128);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
};
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const PLAIN_FIRST = charTable(`${LETTERS}_/$`);
const PLAIN_REST = charTable(`${LETTERS}0123456789 _./:@+=,()$*-`);

const plainString = (text: string): string => (isPlain(text) ? text : quoted(text));

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
function literalBlock(text: string, indent: string): [string, string] | undefined {
  if (!text.includes("\n") || FORBIDDEN_IN_BLOCK.test(text) || text.includes("\r")) return undefined;
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
    const literal = literalBlock(value, indentOf(depth + 1));
    text +=
      literal === undefined
        ? `${prefix} ${plainString(value)}\n`
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

/**
 * An object's keys in code-unit order (what `sort()` gives strings): an insertion sort, since a
 * manifest's objects have a handful of keys each; `sort()` beyond that (quadratic otherwise).
 */
const INSERTION_SORT_MAX = 16;
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
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
