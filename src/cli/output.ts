import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { chmod, lstat, open, readlink, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { InputError } from "../diagnostics/diagnostic.js";
import { nearestFile, sweepLeftovers, temporaryName } from "../render/temporary.js";
import { terminalSafe, visibleLine } from "../report/escape.js";
import type { Io } from "./command.js";
import { checkOutputsAreNotImports } from "./environment.js";

/** Errors of writing --output: an input-error report is then not written there again. */
const FAILED_WRITES = new WeakSet<object>();

/** Whether `error` came from writing --output (the path is wrong, or the write failed). */
export function isOutputFailure(error: unknown): boolean {
  return typeof error === "object" && error !== null && FAILED_WRITES.has(error);
}

/** Linux's limit on symlinks followed in one path (MAXSYMLINKS). */
const MAX_LINKS = 40;

/** Where a path that does not exist yet is created: a dangling symlink's target, else the path. */
async function creationPath(output: string): Promise<string> {
  let at = resolve(output);
  for (let links = 0; links < MAX_LINKS; links++) {
    const entry = await lstat(at).catch(() => undefined);
    if (!entry?.isSymbolicLink()) return at;
    at = resolve(dirname(at), await readlink(at));
  }
  throw Object.assign(new Error(`too many symbolic links in ${output}`), {
    code: "ELOOP",
    path: output,
    syscall: "open",
  });
}

/**
 * Writes a report to --output or to stdout. A regular file (or a new one) is replaced atomically
 * (a reader never sees half a file) through a temporary file beside it; a symlink is followed, so
 * its target is replaced and the link stays; a FIFO, device or `/dev/fd/N` is opened and written,
 * as a shell's `>` would. Replacing an existing file is said on stderr, never done silently.
 */
export async function emit(text: string | Uint8Array, output: string | undefined, io: Io): Promise<void> {
  if (output === undefined) {
    if (typeof text !== "string")
      throw new InputError([
        {
          code: "cli/output",
          severity: "error",
          path: "--output",
          message: "a PNG is binary and is not printed to the terminal",
          fix: "name a file, e.g. --output topology.png",
        },
      ]);
    io.stdout(text);
    return;
  }
  // As on a terminal: a control character is written as \uXXXX (inside JSON strings, the same text).
  const bytes = typeof text === "string" ? terminalSafe(text, false) : text;
  try {
    checkOutputsAreNotImports(output);
    io.stderr(`${await writeOutput(bytes, output)} ${visibleLine(output)}\n`);
  } catch (error) {
    if (typeof error === "object" && error !== null) {
      FAILED_WRITES.add(error);
      // A system error names the path the user gave: not the temporary file beside it, nor
      // nothing at all (a write to /dev/full carries no path).
      const failed = error as { code?: unknown; path?: unknown };
      if (typeof failed.code === "string") failed.path = output;
    }
    throw error;
  }
}

/** Writes `bytes` to the file `output` names; returns "wrote" or "replaced". */
async function writeOutput(bytes: string | Uint8Array, output: string): Promise<"wrote" | "replaced"> {
  const existing = await stat(output).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new InputError([
      {
        code: "cli/output",
        severity: "error",
        path: "--output",
        message: `${output} is a directory`,
        fix: "name a file, e.g. --output report.json",
      },
    ]);
  }
  if (existing !== undefined && !existing.isFile()) {
    // A FIFO or device is a stream, not a file to replace: a rename would put a file in its place.
    // No O_CREAT: should it vanish meanwhile, no half-written regular file appears.
    const handle = await open(output, constants.O_WRONLY);
    try {
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
    return "wrote";
  }
  const target = existing === undefined ? await creationPath(output) : await realpath(output);
  const parent = await stat(dirname(target)).catch(() => undefined);
  // `--output spec.yaml/report.json`: the "folder" is a file the user has; creating it is no fix.
  const file = parent?.isDirectory() ? undefined : await nearestFile(dirname(target));
  if (file !== undefined) {
    throw new InputError([
      {
        code: "cli/output",
        severity: "error",
        path: "--output",
        message: `${output} is inside ${relative(process.cwd(), file)}, which is a file, not a folder`,
        fix: "name a file in a folder, e.g. --output report.json",
      },
    ]);
  }
  if (!parent?.isDirectory()) {
    throw new InputError([
      {
        code: "cli/output",
        severity: "error",
        path: "--output",
        message:
          target === resolve(output)
            ? `the folder of ${output} does not exist`
            : `${output} links to ${target}, whose folder does not exist`,
        fix: `create ${target === resolve(output) ? dirname(output) : dirname(target)} first`,
      },
    ]);
  }
  await replaceAtomically(target, bytes, existing?.mode);
  return existing === undefined ? "wrote" : "replaced";
}

/**
 * Puts `bytes` at `target` (a real path, not a link) through a temporary file beside it renamed
 * over it, so a reader never sees half a file; with `mode`, the new file keeps the permissions of
 * the one it replaces (a 0600 report or 0640 spec stays so; a new file is made under the umask).
 */
async function replaceAtomically(target: string, bytes: string | Uint8Array, mode?: number): Promise<void> {
  await sweepLeftovers(dirname(target), `.${basename(target)}.`, [".tmp"]);
  const temporary = join(
    dirname(target),
    temporaryName(`.${basename(target)}.`, randomBytes(4).toString("hex"), ".tmp"),
  );
  try {
    // Created with the mode (the umask can only narrow it), so the temporary is never more open
    // than the file it replaces; chmod then restores bits the umask took.
    await writeFile(temporary, bytes, mode === undefined ? undefined : { mode: mode & 0o7777 });
    if (mode !== undefined) await chmod(temporary, mode & 0o7777);
    await rename(temporary, target);
  } finally {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

/**
 * Replaces the content of a file the user owns (`solve --write` into the spec): a symlink's target
 * (the link stays a link), with its permissions kept. A hard link's other names keep the old
 * content, as with any editor that saves atomically.
 */
export async function replaceFile(file: string, bytes: string): Promise<void> {
  const target = await realpath(file);
  await replaceAtomically(target, bytes, (await stat(target)).mode);
}
