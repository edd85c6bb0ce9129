import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Esbuild from "esbuild";
import { recordBundled } from "./bundled.js";
import { positionAfter } from "./position.js";
import { NOT_UTF8, strictUtf8 } from "./utf8.js";

/**
 * Compiles a TypeScript spec or `--rules` file, with the local files it imports, into one ES module
 * in a private temporary folder, for the sandbox (./sandbox.ts) to import. It replaced tsx, which
 * cost about 250 ms per cold `check` (its ES module API, module hooks run on a thread of their own,
 * a CommonJS require hook, all on top of esbuild): a TS spec took twice a YAML one (issue #13,
 * bench scenario `cold-start-ts`). esbuild bundles here in topoplan's process while the
 * sandbox's child process starts.
 *
 * What a spec gets, and what it does not:
 * - local files (`./regions.ts`, `./regions.js` meaning regions.ts, JSON) are bundled; packages
 *   (`"topoplan"`, `"node:fs"`) are not: they are imported from where Node resolves them for the spec
 *   (a package whose entry is TypeScript, as in a monorepo, is bundled);
 * - an inline source map, so errors name the spec's own files, lines and columns;
 * - each file's own `import.meta.url` / `dirname` / `filename`, and in CommonJS scope (`.cts`, or a
 *   package.json without `"type": "module"`) its own `__filename` / `__dirname` and a `require`;
 * - not: tsconfig.json (`paths` aliases, decorator metadata), `import()` of a computed path.
 */

export type Compiled =
  | { readonly kind: "compiled"; readonly url: string; dispose(): Promise<void> }
  | {
      readonly kind: "compile-error";
      readonly message: string;
      /** 1-based line and column, when esbuild names a place. */
      readonly location?: { readonly file: string; readonly line: number; readonly column: number };
    };

let esbuild: typeof Esbuild | undefined;
/** require, not import(): importing esbuild's 100 kB CommonJS entry runs Node's export lexer over it (~50 ms). */
const loadEsbuild = (): typeof Esbuild => {
  esbuild ??= createRequire(import.meta.url)("esbuild") as typeof Esbuild;
  return esbuild;
};

/** Whether the package.json nearest to dir declares "type": "module" (Node's rule), cached per folder. */
const scopes = new Map<string, boolean>();
function isModuleScope(dir: string): boolean {
  const known = scopes.get(dir);
  if (known !== undefined) return known;
  let type: unknown;
  try {
    type =
      (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { type?: unknown }).type ?? "commonjs";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
  }
  const parent = dirname(dir);
  const module = type !== undefined ? type === "module" : parent === dir ? false : isModuleScope(parent);
  scopes.set(dir, module);
  return module;
}

const TYPESCRIPT = /\.[cm]?ts$/;

/** The per-file values esbuild's define replaces, when the file uses them. */
function fileValues(file: string, text: string): Record<string, string> | undefined {
  const values: Record<string, string> = {};
  if (text.includes("import.meta")) {
    values["import.meta.url"] = JSON.stringify(pathToFileURL(file).href);
    values["import.meta.filename"] = JSON.stringify(file);
    values["import.meta.dirname"] = JSON.stringify(dirname(file));
  }
  const commonjs = file.endsWith(".cts") || (!file.endsWith(".mts") && !isModuleScope(dirname(file)));
  if (commonjs && /\b__(?:file|dir)name\b/.test(text)) {
    values.__filename = JSON.stringify(file);
    values.__dirname = JSON.stringify(dirname(file));
  }
  return Object.keys(values).length > 0 ? values : undefined;
}

/**
 * A bundled file's text, or esbuild's error at its first byte that is not UTF-8: refused like a
 * spec (./utf8.ts), since a lenient read would carry U+FFFD into names.
 */
async function readUtf8(file: string): Promise<string | Esbuild.OnLoadResult> {
  const decoded = strictUtf8(await readFile(file));
  if (decoded.ok) return decoded.text;
  const { line, column } = positionAfter(decoded.before);
  return { errors: [{ text: NOT_UTF8, location: { file, line, column: column - 1 } }] };
}

const plugin = (build: typeof Esbuild, entry: string): Esbuild.Plugin => ({
  name: "topoplan-spec",
  setup(context) {
    // First of the load callbacks, and it loads nothing (the ones below, or esbuild, do): every local
    // file bundled is an input the CLI must not overwrite (./bundled.ts).
    context.onLoad({ filter: /.*/, namespace: "file" }, (args) => {
      recordBundled(args.path, entry);
      return undefined;
    });
    // Packages stay outside the bundle, imported by absolute URL (the bundle lives in a temporary
    // folder, from where bare names would not resolve).
    context.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === "resolving") return undefined;
      const found = await context.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: "resolving",
      });
      // esbuild's own resolver then reports it, at the import.
      if (found.errors.length > 0) return undefined;
      if (found.external || found.path === "") return { path: args.path, external: true };
      if (TYPESCRIPT.test(found.path)) return { path: found.path };
      const require = args.kind === "require-call" || args.kind === "require-resolve";
      return { path: require ? found.path : pathToFileURL(found.path).href, external: true };
    });
    // A file's own import.meta.url (and __dirname in CommonJS scope) instead of the bundle's: those
    // files are compiled alone first, with their values defined; esbuild chains the source maps.
    context.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      const text = await readUtf8(args.path);
      if (typeof text !== "string") return text;
      const define = fileValues(args.path, text);
      if (define === undefined) return { contents: text, loader: "ts" };
      const { code } = await build.transform(text, {
        loader: "ts",
        format: "esm",
        platform: "node",
        target: `node${process.versions.node}`,
        sourcefile: args.path,
        sourcemap: "inline",
        sourcesContent: false,
        define,
      });
      return { contents: code, loader: "js" };
    });
    // Local JSON and JavaScript are bundled as they are, once read as strictly.
    context.onLoad({ filter: /\.(?:json|[cm]?js)$/ }, async (args) => {
      const text = await readUtf8(args.path);
      if (typeof text !== "string") return text;
      return { contents: text, loader: args.path.endsWith(".json") ? "json" : "js" };
    });
  },
});

/** esbuild's first error as a message and a 1-based place. */
function firstError(failure: unknown, workingDir: string): Compiled {
  const errors = (failure as Partial<Esbuild.BuildFailure>).errors;
  const error = errors?.[0];
  if (error === undefined) throw failure;
  const more = errors!.length > 1 ? ` (and ${errors!.length - 1} more)` : "";
  const at = error.location;
  return {
    kind: "compile-error",
    message: `${error.text}${more}`,
    ...(at ? { location: { file: resolve(workingDir, at.file), line: at.line, column: at.column + 1 } } : {}),
  };
}

/** Bundles `file` (absolute) and its local imports into one ES module in a new temporary folder. */
export async function compileModule(file: string): Promise<Compiled> {
  const build = loadEsbuild();
  const folder = await mkdtemp(join(tmpdir(), "topoplan-spec-"));
  const dispose = () => rm(folder, { recursive: true, force: true });
  const outfile = join(folder, "module.mjs");
  const workingDir = dirname(file);
  let output: string;
  try {
    const result = await build.build({
      entryPoints: [file],
      absWorkingDir: workingDir,
      outfile,
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: `node${process.versions.node}`,
      // Node's conditions and main field, not the bundlers' "module".
      conditions: [],
      mainFields: ["main"],
      sourcemap: "inline",
      sourcesContent: false,
      logLevel: "silent",
      plugins: [plugin(build, file)],
    });
    output = result.outputFiles[0]!.text;
  } catch (failure) {
    await dispose();
    return firstError(failure, workingDir);
  }
  // A `require` for esbuild's __require shim (calls it could not bundle: packages, computed paths),
  // on line 1 beside esbuild's leading comment so the source map's lines stay right.
  const prefix = output.includes("__require")
    ? `import { createRequire as __topoplanCreateRequire } from "node:module"; var require = __topoplanCreateRequire(${JSON.stringify(pathToFileURL(file).href)}); `
    : "";
  await writeFile(outfile, prefix + output);
  return { kind: "compiled", url: pathToFileURL(outfile).href, dispose };
}
