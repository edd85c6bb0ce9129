import { readFile, stat } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { InputError } from "../../diagnostics/diagnostic.js";
import { parseJson } from "./json.js";
import { MAX_SPEC_BYTES } from "./limits.js";
import type { LoadedSpec, SpecFormat } from "./types.js";
import { importTypeScript } from "./typescript.js";
import { utf8Text } from "./utf8.js";
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
  // A folder is named as one whatever its name (`check stacks` is not a file type problem).
  if (loader === undefined && path !== "" && (await stat(path).catch(() => undefined))?.isDirectory())
    throw problem(`${path} is a directory`, "name one spec file inside it");
  if (loader === undefined) {
    throw problem(
      path === ""
        ? "the spec's path is empty"
        : `${path}: unsupported file type "${extname(path) || "(none)"}"`,
      `use one of ${Object.keys(LOADERS).join(", ")}`,
    );
  }
  const file = resolve(path);
  let failure: string | undefined;
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    failure = error.code;
    return undefined;
  });
  if (info?.isDirectory()) throw problem(`${path} is a directory`, "name one spec file inside it");
  if (failure === "ELOOP")
    throw problem(
      `${path}: too many levels of symbolic links (a link that leads back to itself)`,
      "point the link at the spec file, or name the file itself",
    );
  if (info === undefined)
    throw problem(`${path}: no such file`, "check the path (it is relative to the current directory)");
  // A FIFO, a device or a socket: reading it could block or never end, and it has no size to check.
  if (!info.isFile())
    throw problem(
      `${path} is not a regular file (a pipe, device or socket)`,
      "save the spec to a file and name that file",
    );
  if (info.size > MAX_SPEC_BYTES) {
    throw problem(
      `${path} is ${info.size} bytes; specs are limited to ${MAX_SPEC_BYTES} bytes`,
      'load it from a TypeScript spec, which has no size limit: export default JSON.parse(readFileSync("topology.json", "utf8"))',
    );
  }
  const text = utf8Text(await readFile(file), path, "spec/encoding", "(root)");
  // Messages name the file as the user wrote it; the absolute path is kept for imports and reports.
  return { file, format: loader.format, text, data: await loader.load(text, path) };
}
