import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { InputError } from "../diagnostics/diagnostic.js";
import type { RenderedFile } from "./extra-files.js";
import type { DeferredFile } from "./files.js";
import { RENDER_MARKER } from "./paths.js";
import { nearestFile, sweepLeftovers, temporaryName } from "./temporary.js";

const MARKER_HEAD = "This directory was written by `topoplan render`; the next render replaces it.\n";
const HASHED_LIST_HEAD =
  "Files it wrote, each after the start of its SHA-1 (the next render stops rather than delete a file not listed here, or one changed since):\n";

/** The marker: what the render wrote, so the next one can tell the user's own files and edits from its own. */
const markerText = (written: readonly Written[]) =>
  `${MARKER_HEAD}${HASHED_LIST_HEAD}${written.map(({ path, hash }) => `${hash}  ${path}`).join("\n")}\n`;

interface Written {
  readonly path: string;
  /** The start of the SHA-1 of its text. */
  readonly hash: string;
}

const HASH_LENGTH = 16;
const HASHED_LINE = new RegExp(`^([0-9a-f]{${HASH_LENGTH}})  (.+)$`);

/**
 * The start of the SHA-1 of a file's text (it finds edits, not attacks: SHA-1 hashes ~1.5× faster
 * than SHA-256 here), line ends as render writes them: git may check a committed render out with
 * CRLF, which is no edit (render never writes a carriage return).
 */
const textHash = (text: string | Buffer) => {
  const hasCr = typeof text === "string" ? text.includes("\r") : text.includes(CR);
  const asWritten = hasCr ? text.toString().replaceAll("\r\n", "\n") : text;
  return createHash("sha1").update(asWritten).digest("hex").slice(0, HASH_LENGTH);
};
const CR = 0x0d;

/**
 * What an earlier render's marker lists, each file with its hash; undefined when the marker is not
 * one this version writes — from an older topoplan (no list, or no hashes: edits could not be
 * told), or not topoplan's at all (a `touch`ed file, a line without its hash) — so nothing in the
 * directory may be taken for a file topoplan wrote and may delete.
 */
async function markerList(target: string): Promise<Written[] | undefined> {
  const marker = await readFile(join(target, RENDER_MARKER), "utf8").catch(() => "");
  // Line by line, whatever the line ends: a render committed to git may come back with CRLF.
  const lines = marker.split(/\r?\n/);
  const at = lines.indexOf(HASHED_LIST_HEAD.trimEnd());
  if (lines[0] !== MARKER_HEAD.trimEnd() || at < 0) return undefined;
  const written: Written[] = [];
  for (const line of lines.slice(at + 1)) {
    if (line === "") continue;
    const entry = HASHED_LINE.exec(line);
    if (entry === null) return undefined;
    written.push({ path: entry[2]!, hash: entry[1]! });
  }
  return written;
}

/**
 * Entries of an earlier render's directory that it did not write (a note, a folder added by hand):
 * replacing the directory would delete them.
 */
async function foreignEntries(target: string, listed: readonly Written[]): Promise<string[]> {
  const ours = new Set<string>([RENDER_MARKER]);
  for (const { path } of listed) {
    ours.add(path);
    for (let cut = path.lastIndexOf("/"); cut > 0; cut = path.lastIndexOf("/", cut - 1))
      ours.add(path.slice(0, cut));
  }
  const entries = await readdir(target, { recursive: true });
  return entries
    .map((entry) => entry.split(sep).join("/"))
    .filter((entry) => !ours.has(entry))
    .sort();
}

/**
 * Files an earlier render wrote whose text has changed since (edited by hand): replacing the
 * directory would lose the edits. A file deleted since loses nothing.
 */
function editedFiles(target: string, listed: readonly Written[]): string[] {
  const edited: string[] = [];
  for (const { path, hash } of listed) {
    // The marker is a file in the user's tree: a path leading out of it is not one render wrote.
    if (path.startsWith("/") || path.split("/").includes("..")) continue;
    // Synchronous reads, as the writes: thousands of small files, nothing else to do meanwhile.
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(target, path));
    } catch {
      continue; // deleted since (or a directory now: the foreign-entry check names what is in the way)
    }
    if (textHash(bytes) !== hash) edited.push(path);
  }
  return edited.sort();
}

/** The first few of `paths` under `outDir`, and how many more there are. */
const SHOWN = 5;
const firstFew = (outDir: string, paths: readonly string[]) =>
  paths
    .slice(0, SHOWN)
    .map((path) => join(outDir, path))
    .join(", ") + (paths.length > SHOWN ? ` and ${paths.length - SHOWN} more` : "");

const refuse = (message: string, fix: string) =>
  new InputError([{ code: "render/output", severity: "error", path: "--out", message, fix }]);

/** Linux's limit on symlinks followed in one path (MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * The directory `--out` names, through symlinks: a link to a render (`rendered -> /srv/rendered`)
 * has its target replaced and stays a link, rather than becoming a directory of its own while the
 * target keeps the stale render.
 */
async function followLinks(outDir: string): Promise<string> {
  let at = resolve(outDir);
  for (let links = 0; links < MAX_LINKS; links++) {
    const entry = await lstat(at).catch(() => undefined);
    if (!entry?.isSymbolicLink()) return at;
    at = resolve(dirname(at), await readlink(at));
  }
  throw refuse(`${outDir}: too many symbolic links`, "name the directory itself, e.g. --out rendered");
}

/**
 * Writes rendered files to `outDir`, all or nothing:
 * - `outDir` must not exist, be empty, or be a directory an earlier render created (it holds
 *   the `.topoplan-render` marker, which lists the files that render wrote with the start of each
 *   one's SHA-1) with nothing added or edited since; anything else is refused (exit 2) and left
 *   untouched;
 * - a symlink is followed: its target is written and the link stays;
 * - files go to a temporary sibling directory first. A new directory is that one renamed into
 *   place, so a reader (or a crash) never sees it half-written. An existing directory (empty, or
 *   an earlier render) stays itself, with its mode and inode (it may be the shell's working
 *   directory): its entries are moved aside and the new ones moved in, the marker last, so a
 *   render cut short leaves no marker (the next one refuses rather than deletes); if a move fails,
 *   the old entries are put back.
 * Deferred files are made one by one as they are written; if making one throws, only the
 * temporary directory has been written (and is removed). Returns whether the directory was
 * created or replaced.
 */
export async function writeRender(
  files: readonly (RenderedFile | DeferredFile)[],
  outDir: string,
): Promise<"created" | "replaced"> {
  const target = await followLinks(outDir);
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
    const listed = entries.length === 0 ? [] : await markerList(target);
    if (listed === undefined)
      throw refuse(
        `${outDir} has a ${RENDER_MARKER} marker that does not list, with their hashes, the files a render wrote (an older topoplan's, or not topoplan's): replacing it could delete files of yours or edits`,
        `check what ${outDir} holds, move what you want to keep, delete the directory yourself, then render again (or render into a new directory)`,
      );
    const foreign = await foreignEntries(target, listed);
    if (foreign.length > 0) {
      throw refuse(
        `${outDir} holds ${foreign.length === 1 ? "an entry" : "entries"} the earlier render did not write (${firstFew(outDir, foreign)}); replacing it would delete ${foreign.length === 1 ? "it" : "them"}`,
        `move ${foreign.length === 1 ? "it" : "them"} out of ${outDir}, or render into a new directory`,
      );
    }
    const edited = editedFiles(target, listed);
    if (edited.length > 0) {
      throw refuse(
        `${outDir} holds ${edited.length === 1 ? "a file" : "files"} changed since the earlier render wrote ${edited.length === 1 ? "it" : "them"} (${firstFew(outDir, edited)}); replacing it would lose the changes`,
        `the files are generated: make the change in the topology; to keep ${edited.length === 1 ? "the edited file" : "them"}, move ${edited.length === 1 ? "it" : "them"} out of ${outDir}, or to discard the changes, delete ${edited.length === 1 ? "it" : "them"}; then render again`,
      );
    }
  }
  const parent = dirname(target);
  // `--out spec.yaml/rendered`: the "folder" is a file the user has; creating it is no fix.
  const file = await nearestFile(parent);
  if (file !== undefined)
    throw refuse(
      `${outDir} is inside ${relative(process.cwd(), file)}, which is a file, not a folder`,
      "name a directory in a folder, e.g. --out rendered",
    );
  await mkdir(parent, { recursive: true });
  const prefix = `.${basename(target)}.topoplan-`;
  // A killed render leaves its temporary directory (and maybe the old render) behind: remove those.
  await sweepLeftovers(parent, prefix, [".tmp", ".old"]);
  const random = randomBytes(6).toString("hex");
  const temporary = join(parent, temporaryName(prefix, random, ".tmp"));
  // The first write next to the target: a folder that refuses new entries is said of --out, not
  // of the temporary name. Other failures (a full disk) keep their own report.
  await mkdir(temporary).catch((error: NodeJS.ErrnoException) => {
    if (!["ENOENT", "EACCES", "EPERM", "EROFS"].includes(error.code ?? "")) throw error;
    throw refuse(
      `cannot write ${outDir}: ${relative(process.cwd(), parent) || "."} does not take new folders (${error.code})`,
      "name a directory in a folder you can write, e.g. --out rendered",
    );
  });
  try {
    // Paths are checked relative `/`-separated paths (deferRenderPlan): their directories are the
    // text before the last `/`, a few hundred for ~14,000 files.
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
    const written: Written[] = [];
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      const text = typeof file.content === "string" ? file.content : file.content();
      writeFileSync(paths[i]!, text);
      written.push({ path: file.path, hash: textHash(text) });
    }
    written.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    await writeFile(join(temporary, RENDER_MARKER), markerText(written));
    if (existing === undefined) {
      await rename(temporary, target);
      return "created";
    }
    // The directory itself stays (its owner, mode and inode; it may be the shell's working
    // directory): its entries are swapped, the marker last in, so a render cut short leaves no
    // marker and the next one refuses rather than deletes. A failed move puts the old entries back.
    const old = join(parent, temporaryName(prefix, random, ".old"));
    await mkdir(old);
    const moveAll = async (from: string, to: string, entries: readonly string[]) => {
      const moved: string[] = [];
      try {
        for (const entry of entries) {
          await rename(join(from, entry), join(to, entry));
          moved.push(entry);
        }
      } catch (error) {
        for (const entry of moved.reverse())
          await rename(join(to, entry), join(from, entry)).catch(() => undefined);
        throw error;
      }
    };
    const lastIn = (entries: string[]) => [
      ...entries.filter((e) => e !== RENDER_MARKER),
      ...entries.filter((e) => e === RENDER_MARKER),
    ];
    const before = await readdir(target);
    await moveAll(target, old, before);
    try {
      await moveAll(temporary, target, lastIn(await readdir(temporary)));
    } catch (error) {
      // Put back; if that fails too, the old entries stay in `old` (nothing is deleted).
      await moveAll(old, target, before);
      await rm(old, { recursive: true, force: true });
      throw error;
    }
    await rm(old, { recursive: true, force: true });
    return before.length === 0 ? "created" : "replaced";
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}
