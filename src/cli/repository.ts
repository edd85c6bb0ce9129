import { lstatSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/**
 * The root of the git repository `from` is in: the nearest folder at or above it holding `.git`
 * (a folder, or a file in a worktree or submodule); undefined outside a repository. Read from the
 * file system, not by running git (it may not be installed where topoplan runs).
 */
export function repositoryRoot(from: string): string | undefined {
  for (let at = resolve(from); ; at = dirname(at)) {
    if (lstatSync(join(at, ".git"), { throwIfNoEntry: false }) !== undefined) return at;
    if (dirname(at) === at) return undefined;
  }
}

/**
 * How file paths given relative to `cwd` read from the repository's root, as SARIF's `%SRCROOT%`
 * and GitHub code scanning read them: `topology.ts` checked in `infra/` is `infra/topology.ts`, or
 * its annotations land on a file that is not there. A path outside the repository, or with no
 * repository, stays as given.
 */
export function pathsFromRepositoryRoot(cwd = process.cwd()): (file: string) => string {
  const root = repositoryRoot(cwd);
  if (root === undefined) return (file) => file;
  // At the root too: an absolute path inside the repository is written relative to it.
  return (file) => {
    const path = relative(root, resolve(cwd, file));
    return path === "" || !isInside(root, resolve(cwd, file)) ? file : path.split(sep).join("/");
  };
}

/** Whether `path` (absolute) is `folder` or inside it; `..vendor` is inside, `../vendor` not. */
export function isInside(folder: string, path: string): boolean {
  const inside = relative(folder, path);
  return inside !== ".." && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}
