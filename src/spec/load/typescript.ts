import { pathToFileURL } from "node:url";
import { InputError } from "../../diagnostics/diagnostic.js";

/**
 * Imports a TypeScript spec and returns its default export. tsx is loaded only here, so YAML and
 * JSON specs start without it.
 */
export async function importTypeScript(file: string): Promise<unknown> {
  const { tsImport } = await import("tsx/esm/api");
  let module: { default?: unknown };
  try {
    module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InputError([
      {
        code: "spec/typescript",
        severity: "error",
        path: "(root)",
        message: `${file} could not be loaded: ${message}`,
        fix: "fix the error in the spec module (run `npx tsc --noEmit` for the full type check)",
      },
    ]);
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
    throw new InputError([
      {
        code: "spec/typescript",
        severity: "error",
        path: "(root)",
        message: `${file} has no default export`,
        fix: "end the file with `export default defineTopology({ ... })`",
      },
    ]);
  }
  return value;
}
