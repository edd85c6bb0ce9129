import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../diagnostics/diagnostic.js";
import type { RenderedFile } from "./extra-files.js";
import { type DeferredFile, RENDER_MARKER } from "./files.js";
import { sweepLeftovers, temporaryName } from "./temporary.js";

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
 * Deferred files are made one by one as they are written; if making one throws, only the
 * temporary directory has been written (and is removed). Returns whether the directory was
 * created or replaced.
 */
export async function writeRender(
  files: readonly (RenderedFile | DeferredFile)[],
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
  const prefix = `.${basename(target)}.topoplan-`;
  // A killed render leaves its temporary directory (and maybe the old render) behind: remove those.
  await sweepLeftovers(parent, prefix, [".tmp", ".old"]);
  const random = randomBytes(6).toString("hex");
  const temporary = join(parent, temporaryName(prefix, random, ".tmp"));
  try {
    await mkdir(temporary);
    // Paths are checked relative `/`-separated paths (deferRenderPlan): their directories are the
    // text before the last `/`, a few hundred for ~90,000 files.
    const dirs = new Set<string>();
    for (const file of files) {
      const cut = file.path.lastIndexOf("/");
      if (cut > 0) dirs.add(file.path.slice(0, cut));
    }
    for (const dir of dirs) mkdirSync(join(temporary, dir), { recursive: true });
    const paths = files.map((file) => join(temporary, file.path));
    // Synchronous writes: for thousands of small files they are ~2.5× faster than a pool of async
    // writes (no thread-pool round trip per open/write/close), and a CLI has nothing else to do.
    // A deferred file's text is made here, just before it is written, and dropped after.
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      writeFileSync(paths[i]!, typeof file.content === "string" ? file.content : file.content());
    }
    await writeFile(join(temporary, RENDER_MARKER), MARKER_TEXT);
    if (existing === undefined) {
      await rename(temporary, target);
      return "created";
    }
    const old = join(parent, temporaryName(prefix, random, ".old"));
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
