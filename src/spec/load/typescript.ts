import { formatPath, InputError, type SourceLocation } from "../../diagnostics/diagnostic.js";
import { importSandboxed } from "./sandbox.js";
import { NOT_UTF8, UTF8_FIX } from "./utf8.js";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** What the spec threw while loading, in one line, and where: the first stack frame inside the file. */
function describeFailure(
  error: Error,
  file: string,
  shown: string,
): { message: string; location?: SourceLocation } {
  const lines = error.message.split("\n").filter((line) => line.trim() !== "");
  // Frames are source-mapped to the spec's own files (./compile.ts writes an inline source map).
  const inFile = new RegExp(`(?:^|[\\s(])${escapeRegExp(file)}:(\\d+):(\\d+)`, "m");
  const at = error.stack?.match(inFile);
  const message = `the spec threw while loading: ${error.name === "Error" ? "" : `${error.name}: `}${lines[0] ?? ""}`;
  return at
    ? { message, location: { file: shown, line: Number(at[1]), column: Number(at[2]) } }
    : { message };
}

const failure = (shown: string, message: string, fix: string, location?: SourceLocation): InputError =>
  new InputError([
    {
      code: "spec/typescript",
      severity: "error",
      path: "(root)",
      // With a location the formatter already names the file and line.
      message: location ? message : `${shown}${message.startsWith("has ") ? " " : ": "}${message}`,
      fix,
      ...(location === undefined ? {} : { location }),
    },
  ]);

const MODULE_FIX = "fix the error in the spec module (run `npx tsc --noEmit` for the full type check)";

/**
 * A package the spec imports that is not installed (a fresh `topoplan init` project before
 * `npm install`: esbuild says `Could not resolve "topoplan"`) is fixed by installing it.
 */
function resolveFix(message: string): string {
  const missing = /^Could not resolve "([^"./][^"]*)"/.exec(message)?.[1];
  return missing === undefined
    ? MODULE_FIX
    : `install the packages the spec imports: run \`npm install\` in its project (or \`npm install ${missing}\`)`;
}

/**
 * Imports a TypeScript spec in a sandbox (./sandbox.ts: time limit, its own stdout, no
 * `process.exit`) and returns its default export as data. `shown` is the path as the user wrote it.
 */
export async function importTypeScript(file: string, shown: string = file): Promise<unknown> {
  const outcome = await importSandboxed(file, "data");
  switch (outcome.kind) {
    case "threw": {
      const error = Object.assign(new Error(outcome.error.message), outcome.error);
      const { message, location } = describeFailure(error, file, shown);
      throw failure(shown, message, MODULE_FIX, location);
    }
    case "timeout":
      throw failure(
        shown,
        `the spec did not finish loading within ${outcome.ms} ms (an endless loop, or a promise that never settles?)`,
        "a spec computes its topology and returns; set TOPOPLAN_TIMEOUT_MS if it really needs longer",
      );
    case "exited":
      throw failure(
        shown,
        `the spec ended the process while loading (process.exit(${outcome.code}))`,
        "remove the process.exit call: a spec only exports its topology",
      );
    case "unsettled":
      throw failure(
        shown,
        "the spec finished without producing its default export: a top-level await never settled (a promise nothing resolves)",
        "resolve the awaited promise, or compute the topology without it: a spec exports its topology and returns",
      );
    case "not-data":
      throw failure(
        shown,
        `the default export at ${formatPath(outcome.bad.at)} ${outcome.bad.why}; a topology is plain data`,
        "export plain objects, arrays, strings, numbers and booleans",
      );
    case "compile-error": {
      // A syntax error, or an import that does not resolve, in the spec or a file it imports.
      const here = outcome.location?.file === file;
      const encoding = outcome.message === NOT_UTF8;
      const message = /^Could not resolve/.test(outcome.message)
        ? outcome.message
        : encoding
          ? `a file it imports is ${NOT_UTF8}`
          : `syntax error: ${outcome.message}`;
      const elsewhere =
        outcome.location && !here
          ? ` (${outcome.location.file}:${outcome.location.line}:${outcome.location.column})`
          : "";
      throw failure(
        shown,
        `${message}${elsewhere}`,
        encoding ? UTF8_FIX : resolveFix(outcome.message),
        here ? { file: shown, line: outcome.location!.line, column: outcome.location!.column } : undefined,
      );
    }
    case "rules":
    case "ran":
      throw new Error("unreachable: a spec is imported as data");
  }
  if (outcome.value === undefined) {
    const named = outcome.names;
    throw failure(
      shown,
      `has no default export${named.length > 0 ? ` (it exports ${named.map((n) => `"${n}"`).join(", ")})` : ""}`,
      "end the file with `export default defineTopology({ ... })`",
    );
  }
  return outcome.value;
}
