import { realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { type Diagnostic, InputError } from "../diagnostics/diagnostic.js";
import { bundledFiles } from "../spec/load/bundled.js";
import { type ParsedArgs, stringFlag } from "./command.js";

/**
 * Errors of the machine, not of topoplan: permissions, disk, limits. They are exit 2 with what to
 * do, never "a bug in topoplan". One entry per errno code.
 */
const ENVIRONMENT: Readonly<Record<string, { what: string; fix: string }>> = {
  EACCES: {
    what: "permission denied",
    fix: "check the permissions of the file and its folders, or use another path",
  },
  EPERM: { what: "operation not permitted", fix: "check the permissions, or use another path" },
  EROFS: { what: "the file system is read-only", fix: "write to a writable location" },
  ENOSPC: { what: "no space left on the device", fix: "free some disk space, or write elsewhere" },
  EDQUOT: { what: "the disk quota is exceeded", fix: "free some space in your quota, or write elsewhere" },
  EFBIG: {
    what: "the file would exceed the file-size limit",
    fix: "raise the limit (ulimit -f) or write elsewhere",
  },
  EBUSY: {
    what: "the path is busy (a mount point, or in use)",
    fix: "choose a directory that is not a mount point and not in use",
  },
  ENAMETOOLONG: { what: "the path is too long for the file system", fix: "use a shorter path" },
  EMFILE: { what: "too many open files", fix: "raise the open-file limit (ulimit -n)" },
  ENFILE: {
    what: "the system has too many open files",
    fix: "close other programs, or raise the system limit",
  },
  ENOTDIR: { what: "a part of the path is not a directory", fix: "check the path" },
  EISDIR: { what: "the path is a directory", fix: "name a file" },
  ELOOP: { what: "too many symbolic links in the path", fix: "check the path for a symlink loop" },
  EXDEV: {
    what: "cannot move files across file systems",
    fix: "write to a directory on the same file system as its parent",
  },
  EIO: { what: "an input/output error", fix: "check the disk" },
  ENXIO: {
    what: "no such device or address (a socket, or a device without its driver)",
    fix: "write to a file or a pipe",
  },
  ENOENT: { what: "no such file or directory", fix: "check the path" },
};

/** An environment error as a diagnostic, or undefined for anything else (a real bug). */
export function environmentProblem(error: unknown): Diagnostic | undefined {
  const { code, path, syscall } = (error ?? {}) as { code?: unknown; path?: unknown; syscall?: unknown };
  const known = typeof code === "string" ? ENVIRONMENT[code] : undefined;
  if (known === undefined) return undefined;
  return {
    code: "cli/environment",
    severity: "error",
    path: typeof path === "string" ? path : "(environment)",
    message: `${known.what} (${String(code)}${typeof syscall === "string" ? ` in ${syscall}` : ""})`,
    fix: known.fix,
  };
}

/** The path with every symlink resolved; for a file not there yet, its folder's real path. */
const real = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return resolve(path);
    }
  }
};

/** Device and inode of an existing file: a hard link is the same file under another name. */
const inode = (path: string): string | undefined => {
  try {
    const { dev, ino } = statSync(path);
    return `${dev}:${ino}`;
  } catch {
    return undefined;
  }
};

interface Input {
  /** As the user wrote it, or relative to the working directory. */
  readonly shown: string;
  /** How it is an input, when not named on the command line ("imported by spec.ts"). @default none */
  readonly role?: string;
  readonly at: string;
  readonly inode: string | undefined;
}

const asInput = (path: string, role?: string): Input => ({
  shown: path,
  ...(role === undefined ? {} : { role }),
  at: real(path),
  inode: inode(path),
});

/** `--output` naming an input, `--out` holding one; one file is recognised through symlinks, `./`, `..` and hard links. */
function clashes(
  inputs: readonly Input[],
  output: string | undefined,
  out: string | undefined,
): Diagnostic[] {
  const problems: Diagnostic[] = [];
  if (output !== undefined) {
    const at = real(output);
    const id = inode(output);
    for (const input of inputs.filter((i) => i.at === at || (id !== undefined && i.inode === id)))
      problems.push({
        code: "cli/output",
        severity: "error",
        path: "--output",
        message: `${output} is also an input (${input.role ?? input.shown}); writing the report would replace it`,
        fix: "name another file, e.g. --output report.txt",
      });
  }
  if (out !== undefined && out !== "") {
    const dir = real(out);
    for (const input of inputs.filter((i) => i.at === dir || i.at.startsWith(dir + sep)))
      problems.push({
        code: "cli/output",
        severity: "error",
        path: "--out",
        message: `${input.shown}${input.role === undefined ? "" : ` (${input.role})`} is inside ${out}, which render replaces as a whole`,
        fix: "render to a directory that holds none of the inputs, e.g. --out rendered",
      });
  }
  return problems;
}

/**
 * `--output` never names an input, and `--out` never holds one: the report would replace the
 * spec, or the next render would delete it. Inputs are the positional specs, the policy config and
 * the rules module; once they are loaded, checkOutputsAreNotImports adds the files they import.
 */
export function checkOutputsAreNotInputs(args: ParsedArgs): void {
  const inputs = [...args.positionals, stringFlag(args, "policy-config"), stringFlag(args, "rules")]
    .filter((p): p is string => p !== undefined && p !== "")
    .map((p) => asInput(p));
  const problems = clashes(inputs, stringFlag(args, "output"), stringFlag(args, "out"));
  if (problems.length > 0) throw new InputError(problems);
}

/**
 * The same for the local files a TypeScript spec or rules module imported (`./regions.ts`,
 * `./data.json`): known only once it is compiled, so checked just before writing.
 */
export function checkOutputsAreNotImports(output: string | undefined, out?: string): void {
  // Relative to the working directory when inside it, as the user most likely wrote it.
  const shown = (file: string) => {
    const inside = relative(process.cwd(), file);
    return inside === "" || inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)
      ? file
      : inside;
  };
  const inputs = [...bundledFiles()]
    .filter(([file, by]) => file !== by) // the spec and --rules themselves: checked before loading
    .map(([file, by]) => asInput(shown(file), `imported by ${shown(by)}`));
  const problems = clashes(inputs, output, out);
  if (problems.length > 0) throw new InputError(problems);
}
