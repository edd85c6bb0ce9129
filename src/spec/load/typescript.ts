import { pathToFileURL } from "node:url";
import { type Diagnostic, InputError, type SourceLocation } from "../../diagnostics/diagnostic.js";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * What went wrong while importing the spec, in one line, and where in the spec file: esbuild's
 * "Transform failed with 1 error:\n<file>:2:0: ERROR: …" or the first stack frame inside the file.
 */
function describeFailure(
  error: unknown,
  file: string,
  shown: string,
): { message: string; location?: SourceLocation } {
  if (!(error instanceof Error)) return { message: String(error) };
  const lines = error.message.split("\n").filter((line) => line.trim() !== "");
  // Source-mapped frames name the module by its path; unmapped ones (file://…?tsx-namespace=…, as
  // under a test runner that replaces stack formatting) carry positions in the transpiled code, so
  // they give no location rather than a wrong one.
  const inFile = new RegExp(`(?:^|[\\s(])${escapeRegExp(file)}:(\\d+):(\\d+)`, "m");
  if (/^Transform failed/.test(lines[0] ?? "")) {
    const detail = lines[1] ?? "";
    const at = detail.match(inFile);
    const message = `syntax error: ${detail.replace(/^.*?: ERROR: /, "")}`;
    // esbuild columns are 0-based.
    return at
      ? { message, location: { file: shown, line: Number(at[1]), column: Number(at[2]) + 1 } }
      : { message };
  }
  const at = error.stack?.match(inFile);
  const message = `the spec threw while loading: ${error.name === "Error" ? "" : `${error.name}: `}${lines[0] ?? ""}`;
  return at
    ? { message, location: { file: shown, line: Number(at[1]), column: Number(at[2]) } }
    : { message };
}

/**
 * Imports a TypeScript spec and returns its default export. tsx is loaded only here, so YAML and
 * JSON specs start without it. `shown` is the path as the user wrote it, for messages.
 */
export async function importTypeScript(file: string, shown: string = file): Promise<unknown> {
  const { tsImport } = await import("tsx/esm/api");
  // Stack positions in the author's lines (tsx emits inline source maps), for "the spec threw at 4:9".
  process.setSourceMapsEnabled(true);
  let module: { default?: unknown };
  try {
    module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
  } catch (error) {
    const { message, location } = describeFailure(error, file, shown);
    const problem: Diagnostic = {
      code: "spec/typescript",
      severity: "error",
      path: "(root)",
      // With a location the formatter already names the file and line.
      message: `${location ? "" : `${shown}: `}${message}`,
      fix: "fix the error in the spec module (run `npx tsc --noEmit` for the full type check)",
      ...(location === undefined ? {} : { location }),
    };
    throw new InputError([problem]);
  }
  // tsx may wrap CommonJS-style exports one level deeper.
  const value =
    module.default !== undefined &&
    typeof module.default === "object" &&
    "default" in (module.default as object) &&
    !("name" in (module.default as object))
      ? (module.default as { default: unknown }).default
      : module.default;
  if (value === undefined) {
    const named = Object.keys(module).filter((key) => key !== "default");
    throw new InputError([
      {
        code: "spec/typescript",
        severity: "error",
        path: "(root)",
        message: `${shown} has no default export${named.length > 0 ? ` (it exports ${named.map((n) => `"${n}"`).join(", ")})` : ""}`,
        fix: "end the file with `export default defineTopology({ ... })`",
      },
    ]);
  }
  return value;
}
