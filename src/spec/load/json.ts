import { InputError } from "../../diagnostics/diagnostic.js";
import { scanJson } from "./json-duplicates.js";
import { MAX_SPEC_NESTING } from "./limits.js";
import { tooDeep } from "./nesting.js";
import { positionAfter } from "./position.js";

/** JSON with the error position turned into line:column. */
export function parseJson(text: string, file: string): unknown {
  // Windows editors save UTF-8 with a byte-order mark; JSON.parse rejects it, YAML skips it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Before JSON.parse: a file of a million `[` is refused at once rather than parsed.
  const scan = scanJson(text, MAX_SPEC_NESTING);
  if (scan.tooDeep !== undefined) {
    const at = { file, ...positionAfter(text.slice(0, scan.tooDeep.offset)) };
    throw new InputError([tooDeep("JSON", file, scan.tooDeep.under, at)]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = Number(message.match(/position (\d+)/)?.[1] ?? Number.NaN);
    const before = Number.isNaN(offset) ? "" : text.slice(0, offset);
    throw new InputError([
      {
        code: "spec/json",
        severity: "error",
        path: "(root)",
        // Node's message ends with "in JSON at position N (line L column C)"; the location says that better.
        message: `${before ? "" : `${file}: `}invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`,
        fix: "fix the JSON syntax there (a trailing comma or a missing quote is the usual cause)",
        ...(before ? { location: { file, ...positionAfter(before) } } : {}),
      },
    ]);
  }
  const duplicate = scan.duplicate;
  if (duplicate !== undefined) {
    const before = text.slice(0, duplicate.offset);
    throw new InputError([
      {
        code: "spec/json-duplicate-key",
        severity: "error",
        path: duplicate.path,
        message: `duplicate key ${JSON.stringify(duplicate.key)}: a key may appear once per object (JSON.parse would silently keep the last)`,
        fix: "delete one of the two entries, or merge them",
        location: { file, ...positionAfter(before) },
      },
    ]);
  }
  return data;
}
