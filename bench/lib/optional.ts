import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Modules other engineers are still writing (analysis, compile, render, the Pulumi adapter) are
 * imported by path at run time, so the bench builds and runs whatever is on disk and says which
 * subject is missing instead of failing to compile.
 */
export type Optional<T> =
  | { readonly ok: true; readonly module: T }
  | { readonly ok: false; readonly reason: string };

/** `source` is relative to the repository root, e.g. `src/render/index.ts`. */
export async function importOptional<T>(source: string): Promise<Optional<T>> {
  // This file runs as dist/bench/lib/optional.js (compiled) or bench/lib/optional.ts (tsx, tests):
  // either way `../../` is the tree holding src/.
  const compiled = import.meta.url.endsWith(".js");
  const url = new URL(compiled ? source.replace(/\.ts$/, ".js") : source, new URL("../../", import.meta.url));
  if (!existsSync(fileURLToPath(url))) return { ok: false, reason: `skipped: ${source} not found` };
  try {
    return { ok: true, module: (await import(url.href)) as T };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { ok: false, reason: `skipped: ${source} failed to load (${message})` };
  }
}

/** The function `name` of a loaded module, or why it is not there. */
export function exported<F>(
  loaded: Optional<Record<string, unknown>>,
  source: string,
  name: string,
): Optional<F> {
  if (!loaded.ok) return loaded;
  const value = loaded.module[name];
  return typeof value === "function"
    ? { ok: true, module: value as F }
    : { ok: false, reason: `skipped: ${source} has no export ${name}()` };
}

/** The repository root (where package.json and bin/ are), from dist/bench/lib or bench/lib. */
export function repoRoot(): string {
  const compiled = import.meta.url.endsWith(".js");
  return fileURLToPath(new URL(compiled ? "../../../" : "../../", import.meta.url));
}
