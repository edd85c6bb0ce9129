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
const PLAIN = /^[A-Za-z_/$][A-Za-z0-9 _./:@+=,()$*-]*$/;
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

function plainString(text: string): string {
  const plain =
    (PLAIN.test(text) || QUANTITY.test(text)) &&
    !RESERVED.has(text.toLowerCase()) &&
    !text.endsWith(" ") &&
    !text.endsWith(":") &&
    !text.includes(": ") &&
    !text.includes(" #");
  return plain ? text : quoted(text);
}

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

/** A literal block for multi-line text, or undefined when only a quoted scalar is exact. */
function literalBlock(text: string, indent: string): string[] | undefined {
  if (!text.includes("\n") || FORBIDDEN_IN_BLOCK.test(text) || text.includes("\r")) return undefined;
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (body.endsWith("\n") || body.trim() === "") return undefined; // trailing blank lines: keep it exact, quote
  const lines = body.split("\n");
  const first = lines.find((line) => line !== "");
  if (first === undefined || first.startsWith(" ") || first.startsWith("\t")) return undefined;
  return [text.endsWith("\n") ? "|" : "|-", ...lines.map((line) => (line === "" ? "" : `${indent}${line}`))];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isBlock = (value: unknown): value is object =>
  value !== null &&
  typeof value === "object" &&
  (Array.isArray(value) ? value.length > 0 : Object.values(value).some((v) => v !== undefined));

function inline(value: unknown): string {
  if (Array.isArray(value)) return "[]";
  if (value !== null && typeof value === "object") return "{}";
  return scalar(value);
}

/** Appends `value` as the content after `prefix` (a `key:` or `-` already at the right indent). */
function node(out: string[], prefix: string, value: unknown, indent: string): void {
  if (typeof value === "string") {
    const block = literalBlock(value, `${indent}  `);
    if (block !== undefined) {
      out.push(`${prefix} ${block[0]}`);
      for (let i = 1; i < block.length; i++) out.push(block[i]!);
      return;
    }
  }
  if (!isBlock(value)) {
    out.push(`${prefix} ${inline(value)}`);
    return;
  }
  const child = `${indent}  `;
  if (prefix.endsWith("-")) {
    // Compact form: the first line of a nested collection shares the dash's line.
    const start = out.length;
    block(out, value, child);
    out[start] = `${prefix} ${out[start]!.slice(child.length)}`;
    return;
  }
  out.push(prefix);
  block(out, value, child);
}

function block(out: string[], value: object, indent: string): void {
  if (Array.isArray(value)) {
    for (const item of value) node(out, `${indent}-`, item === undefined ? null : item, indent);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v === undefined) continue;
    node(out, `${indent}${plainString(key)}:`, v, indent);
  }
}

/** Writes JSON data as a YAML document (sorted keys, block style, trailing newline). */
export function emitYaml(value: unknown): string {
  if (!isBlock(value)) return `${inline(value as Json)}\n`;
  const out: string[] = [];
  block(out, value, "");
  return `${out.join("\n")}\n`;
}
