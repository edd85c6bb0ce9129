import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../diagnostics/diagnostic.js";
import type { RenderedFile } from "./extra-files.js";
import { RENDER_MARKER } from "./files.js";

const WRITERS = 32;
const MARKER_TEXT = "This directory was written by `topoplan render`; the next render replaces it.\n";

const refuse = (message: string, fix: string) =>
  new InputError([{ code: "render/output", severity: "error", path: "--out", message, fix }]);

/**
 * Writes rendered files to `outDir`, all or nothing:
 * - `outDir` must not exist, be empty, or be a directory an earlier render created (it holds
 *   the `.topoplan-render` marker); anything else is refused (exit 2) and left untouched;
 * - files go to a temporary sibling directory first, which is then renamed into place, so a reader
 *   (or a crash) never sees a half-written directory. Replacing an earlier render swaps two
 *   renames; if the second fails, the old render is put back.
 * Returns whether the directory was created or replaced.
 */
export async function writeRender(
  files: readonly RenderedFile[],
  outDir: string,
): Promise<"created" | "replaced"> {
  const target = resolve(outDir);
  const existing = await stat(target).catch(() => undefined);
  if (existing !== undefined) {
    if (!existing.isDirectory())
      throw refuse(`${outDir} exists and is not a directory`, "name a new directory, e.g. --out rendered");
    const entries = await readdir(target);
    if (entries.length > 0 && !entries.includes(RENDER_MARKER)) {
      throw refuse(
        `${outDir} is not empty and was not created by topoplan render (no ${RENDER_MARKER} marker); refusing to replace it`,
        "name a new or empty directory, or delete this one yourself",
      );
    }
  }
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const suffix = randomBytes(6).toString("hex");
  const temporary = join(parent, `.${basename(target)}.topoplan-${suffix}.tmp`);
  try {
    await mkdir(temporary);
    const paths = files.map((file) => join(temporary, ...file.path.split("/")));
    for (const dir of [...new Set(paths.map((path) => dirname(path)))].sort())
      await mkdir(dir, { recursive: true });
    // Bounded parallelism: thousands of small files, without exhausting file descriptors.
    // Every writer settles before cleanup runs: removing the temporary directory while a writer is
    // still creating files in it would fail and leave it behind.
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (next < files.length && failure === undefined) {
        const i = next++;
        try {
          await writeFile(paths[i]!, files[i]!.content);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITERS, files.length) }, worker));
    if (failure !== undefined) throw failure.error;
    await writeFile(join(temporary, RENDER_MARKER), MARKER_TEXT);
    if (existing === undefined) {
      await rename(temporary, target);
      return "created";
    }
    const old = join(parent, `.${basename(target)}.topoplan-${suffix}.old`);
    await rename(target, old);
    try {
      await rename(temporary, target);
    } catch (error) {
      await rename(old, target);
      throw error;
    }
    await rm(old, { recursive: true, force: true });
    return "replaced";
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}
