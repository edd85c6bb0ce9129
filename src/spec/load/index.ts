import { readFile, stat } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { InputError } from "../../diagnostics/diagnostic.js";
import { parseJson } from "./json.js";
import { MAX_SPEC_BYTES } from "./limits.js";
import { positionAfter } from "./position.js";
import type { LoadedSpec, SpecFormat } from "./types.js";
import { importTypeScript } from "./typescript.js";
import { parseYaml } from "./yaml.js";

export type { LoadedSpec, SpecFormat } from "./types.js";

/** One loader per file extension. */
const LOADERS: Readonly<Record<string, { format: SpecFormat; load(text: string, file: string): unknown }>> = {
  ".ts": { format: "typescript", load: (_text, file) => importTypeScript(resolve(file), file) },
  ".mts": { format: "typescript", load: (_text, file) => importTypeScript(resolve(file), file) },
  ".yaml": { format: "yaml", load: parseYaml },
  ".yml": { format: "yaml", load: parseYaml },
  ".json": { format: "json", load: parseJson },
};

const problem = (message: string, fix: string) =>
  new InputError([{ code: "spec/file", severity: "error", path: "(root)", message, fix }]);

/** Reads and parses a spec file. Throws InputError (exit code 2) with a clear message. */
export async function loadSpec(path: string): Promise<LoadedSpec> {
  const loader = LOADERS[extname(path).toLowerCase()];
  if (loader === undefined) {
    throw problem(
      `${path}: unsupported file type "${extname(path) || "(none)"}"`,
      `use one of ${Object.keys(LOADERS).join(", ")}`,
    );
  }
  const file = resolve(path);
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) throw problem(`${path} is a directory`, "name one spec file inside it");
  if (info === undefined || !info.isFile())
    throw problem(`${path}: no such file`, "check the path (it is relative to the current directory)");
  if (info.size > MAX_SPEC_BYTES) {
    throw problem(
      `${path} is ${info.size} bytes; specs are limited to ${MAX_SPEC_BYTES} bytes`,
      "split the file or generate it with a TypeScript spec",
    );
  }
  const text = decodeUtf8(await readFile(file), path);
  // Messages name the file as the user wrote it; the absolute path is kept for imports and reports.
  return { file, format: loader.format, text, data: await loader.load(text, path) };
}

// ignoreBOM: the text keeps a byte-order mark (the parsers skip it; solve --write writes it back).
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The file as UTF-8, refusing bytes that are not: decoding them leniently would put U+FFFD into
 * names and environment values, and so into the manifests, without a word (a Latin-1 "café").
 */
function decodeUtf8(bytes: Uint8Array, path: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, firstInvalidByte(bytes)));
    throw new InputError([
      {
        code: "spec/encoding",
        severity: "error",
        path: "(root)",
        message: `${path} is not valid UTF-8`,
        fix: "save the file as UTF-8 (it looks like Latin-1 or another legacy encoding)",
        location: { file: path, ...positionAfter(before) },
      },
    ]);
  }
}

/** Offset of the first byte that starts no valid UTF-8 sequence (RFC 3629: no overlongs, no surrogates). */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    // The second byte's range is narrower after E0, ED, F0 and F4 (overlongs, surrogates, > U+10FFFF).
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k]!;
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return i;
    }
    i += length;
  }
  return bytes.length;
}
