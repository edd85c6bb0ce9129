import { readFile, stat } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { InputError } from "../../diagnostics/diagnostic.js";
import { parseJson } from "./json.js";
import { MAX_SPEC_BYTES } from "./limits.js";
import { positionAfter } from "./position.js";
import type { LoadedSpec, SpecFormat } from "./types.js";
import { importTypeScript } from "./typescript.js";
import { NOT_UTF8, strictUtf8, UTF8_FIX } from "./utf8.js";
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

/**
 * The file as UTF-8, refusing bytes that are not: decoding them leniently would put U+FFFD into
 * names and environment values, and so into the manifests, without a word (a Latin-1 "café").
 */
function decodeUtf8(bytes: Uint8Array, path: string): string {
  const decoded = strictUtf8(bytes);
  if (decoded.ok) return decoded.text;
  throw new InputError([
    {
      code: "spec/encoding",
      severity: "error",
      path: "(root)",
      message: `${path} is ${NOT_UTF8}`,
      fix: UTF8_FIX,
      location: { file: path, ...positionAfter(decoded.before) },
    },
  ]);
}
