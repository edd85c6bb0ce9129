import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { InputError } from "../../diagnostics/diagnostic.js";
import { ownPackage } from "../../init/package-info.js";
import { PROJECT_NAME, PULUMI_STATE_DIR, projectFiles } from "../../init/templates.js";
import { WORKFLOW_FOLDER } from "../../init/workflow.js";
import { visibleLine } from "../../report/escape.js";
import { choice } from "../args.js";
import { type Command, EXIT, stringFlag } from "../command.js";
import { isInside, repositoryRoot } from "../repository.js";

const MODULES = ["esm", "commonjs"] as const;

const problem = (path: string, message: string, fix: string) =>
  new InputError([{ code: "cli/init", severity: "error", path, message, fix }]);

/** npm specs that name a file or folder rather than a registry version, git URL or alias. */
const LOOKS_LIKE_PATH = /^(\.{1,2}[\\/]|\/|~)|\.(tgz|tar\.gz)$/;

/** The `name` a package.json declares; undefined when it is missing, not a file, or not JSON. */
function packageName(manifest: string): unknown {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, "utf8"));
    return parsed !== null && typeof parsed === "object" ? (parsed as { name?: unknown }).name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `--from` as package.json's dependency: a tarball or folder on disk as `file:` relative to the
 * project (npm resolves it from package.json's folder, so the project can move with it), anything
 * else as given (a version range, `github:org/topoplan`, a URL).
 */
function packageSpec(from: string, dir: string): string {
  const path = resolve(from);
  if (existsSync(path)) {
    // A folder must be a built topoplan checkout (its bin runs dist/; a git install builds none),
    // a file the tarball npm pack writes.
    const refuse = (message: string, fix: string) => problem("--from", `${from}: ${message}`, fix);
    if (statSync(path).isDirectory()) {
      const name = packageName(join(path, "package.json"));
      if (name !== "topoplan")
        throw refuse(
          "not a topoplan checkout (no package.json named topoplan)",
          "name the folder of a topoplan checkout, or a tarball npm pack made there",
        );
      if (!existsSync(join(path, "dist/cli")))
        throw refuse(
          "this checkout is not built (no dist/cli)",
          `run npm run build in ${from} first, or npm pack there and pass the tarball`,
        );
    } else if (!/\.(tgz|tar\.gz)$/.test(path))
      throw refuse("not a tarball (.tgz)", "pass the .tgz file npm pack wrote, or a topoplan checkout");
    if (path === dir)
      throw refuse(
        "is the project folder itself",
        "pass a tarball or a topoplan checkout outside the project",
      );
    return `file:${relative(dir, path).split("\\").join("/")}`;
  }
  if (LOOKS_LIKE_PATH.test(from))
    throw problem(
      "--from",
      `${from}: no such file or folder`,
      "name a tarball `npm pack` made, a topoplan folder, or an npm spec",
    );
  return from;
}

/**
 * The path a `file:` dependency names, when the project is in a git repository and the path is
 * outside it: a clone (CI) has the package.json but not the tarball.
 */
function outsideRepository(dir: string, spec: string, root: string | undefined): string | undefined {
  if (root === undefined) return undefined;
  const path = resolve(dir, spec.slice("file:".length));
  return isInside(root, path) ? undefined : relative(process.cwd(), path);
}

/**
 * Without --from, a topoplan run from a built checkout (not from an npm install under
 * node_modules) installs itself, as `file:`: `^<version>` from the registry, where topoplan may not
 * be published, fails `npm install` (404). Undefined when installed, or when the checkout is not
 * built (then the registry range it is).
 */
function checkoutSpec(topoplanDir: string, dir: string): string | undefined {
  if (installed(topoplanDir)) return undefined;
  try {
    return packageSpec(topoplanDir, dir);
  } catch {
    return undefined;
  }
}

/** Whether topoplan runs from an npm install (a folder under node_modules), not a checkout. */
const installed = (topoplanDir: string) => topoplanDir.split(/[\\/]/).includes("node_modules");

/** Whether anything is at `path`, a dangling symlink included. */
const present = (path: string) => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

export const initCommand: Command = {
  name: "init",
  summary: "Create a project that checks and deploys a topology from your own repository.",
  usage: "topoplan init [dir] [--name NAME] [--module esm|commonjs] [--from SPEC]",
  details: [
    "  [dir]          the project folder (created if missing; default: the current folder)",
    "  --name NAME    npm and Pulumi project name (default: the folder's name)",
    '  --module M     esm (default, "type": "module") or commonjs',
    "  --from SPEC    where npm installs topoplan from: a tarball `npm pack` made or a built topoplan",
    "                 checkout (written as file: relative to the project), or a registry version or tag;",
    "                 default: this checkout, when topoplan runs from a built one (not from",
    "                 node_modules), else ^<this version> from the npm registry",
    "",
    "Writes package.json (depending on topoplan), tsconfig.json, topology.ts, index.ts (the Pulumi",
    "program), Pulumi.yaml (local state in .pulumi-state, a folder init creates), Pulumi.dev.yaml,",
    "the pull-request workflow, .gitignore and a README of the next commands. Never overwrites: if",
    "any of these files exists, nothing is written.",
    "",
    "In a subfolder of a git repository (an existing app: topoplan init infra), the workflow goes",
    "where GitHub reads it, .github/workflows/topology-check-<folder>.yml at the repository's root,",
    "and runs in the subfolder.",
    "",
    "exit codes: 0 written; 2 a file exists, or an invalid name or command line",
  ],
  options: { name: { type: "string" }, module: { type: "string" }, from: { type: "string" } },
  positionals: { min: 0, max: 1, names: "[dir]" },
  async run(args, io) {
    const dir = resolve(args.positionals[0] ?? ".");
    const module = choice(this, "module", args.values.module, MODULES, "esm");
    const name = stringFlag(args, "name") ?? basename(dir).toLowerCase();
    if (!PROJECT_NAME.test(name)) {
      throw problem(
        "--name",
        `"${name}" is not a valid npm and Pulumi project name`,
        "use lowercase letters, digits, '-', '_' and '.', starting with a letter or digit (e.g. --name my-infra)",
      );
    }
    if (existsSync(dir) && !statSync(dir).isDirectory()) {
      throw problem(
        "[dir]",
        `${args.positionals[0]} exists and is not a folder`,
        "name a new or existing folder",
      );
    }
    // A project inside a git repository but not at its root: the workflow goes to the root.
    const root = repositoryRoot(dir);
    const folder = root === undefined || root === dir ? undefined : relative(root, dir).split(sep).join("/");
    if (folder !== undefined && !WORKFLOW_FOLDER.test(folder)) {
      throw problem(
        "[dir]",
        `${visibleLine(folder)} (the project's folder from the repository's root) has characters the pull-request workflow cannot hold safely (a quote, space, $ or backslash)`,
        "name the folder with letters, digits, '.', '_', '-', '@' and '+' (e.g. topoplan init infra)",
      );
    }
    const topoplan = ownPackage();
    if (topoplan === undefined) throw new Error("topoplan's package.json was not found beside the CLI");
    const from = stringFlag(args, "from");
    const checkout = from === undefined ? checkoutSpec(topoplan.dir, dir) : undefined;
    const topoplanSpec = from === undefined ? checkout : packageSpec(from, dir);
    const files = projectFiles({
      name,
      module,
      topoplan,
      ...(topoplanSpec === undefined ? {} : { topoplanSpec }),
      ...(folder === undefined ? {} : { folder }),
    });
    const shown = (file: string) => relative(process.cwd(), join(dir, file)) || file;
    // lstat, not existsSync: a dangling symlink is something the user has there too.
    const existing = files.map(([file]) => file).filter((file) => present(join(dir, file)));
    if (existing.length > 0) {
      throw new InputError(
        existing.map((file) => ({
          code: "cli/init-exists",
          severity: "error" as const,
          path: shown(file),
          message: "already exists; topoplan init never overwrites a file",
          fix: file.includes(".github/workflows/")
            ? "another project's workflow has this name: rename or remove it, or init the project in another folder"
            : // An app's own package.json or README: the project belongs in a folder of its own.
              "to add topoplan to an existing repository, give it a subfolder: topoplan init infra (the pull-request workflow goes to .github/workflows at the repository's root)",
        })),
      );
    }
    // Each file is written to a temporary name and renamed, and a failure removes what this run
    // wrote: no half-written project.
    const written: string[] = [];
    try {
      for (const [file, contents] of files) {
        const target = join(dir, file);
        mkdirSync(dirname(target), { recursive: true });
        const temporary = `${target}.topoplan-init.tmp`;
        writeFileSync(temporary, contents, { flag: "wx" });
        renameSync(temporary, target);
        written.push(target);
      }
      // Last, so a failure above leaves no folder behind. Pulumi's file backend does not create
      // it, and the first `pulumi stack init` would fail (pulumi/pulumi#15841).
      mkdirSync(join(dir, PULUMI_STATE_DIR), { recursive: true });
    } catch (error) {
      for (const target of written) rmSync(target, { force: true });
      throw error;
    }
    const outside = topoplanSpec?.startsWith("file:")
      ? outsideRepository(dir, topoplanSpec, root)
      : undefined;
    if (outside !== undefined)
      io.stderr(
        `warning: package.json installs topoplan from ${visibleLine(outside)}, outside this repository: a clone of it (the pull-request workflow's npm ci) will not find it. Put a tarball of it (npm pack) inside the repository (e.g. vendor/), commit it, and point package.json's topoplan dependency at it (file: and its path from this project).\n`,
      );
    io.stdout(
      [
        `Created a topoplan project in ${visibleLine(relative(process.cwd(), dir)) || "."}:`,
        ...files.map(([file]) => `  ${file}`),
        `  ${PULUMI_STATE_DIR}/ (Pulumi's local state, empty)`,
        "",
        ...(checkout !== undefined
          ? [
              `package.json installs topoplan from ${visibleLine(relative(process.cwd(), topoplan.dir) || ".")}, the checkout this command runs from (${checkout}); --from names another.`,
              "",
            ]
          : from === undefined && !installed(topoplan.dir)
            ? [
                // The checkout could not be used (not built, or the project is inside it).
                `package.json asks the npm registry for topoplan ^${topoplan.version}, where it is not published yet: npm install will fail. Run init again with --from (a tarball npm pack made, or a built checkout outside the project).`,
                "",
              ]
            : []),
        "Next:",
        ...(dir === process.cwd() ? [] : [`  cd ${visibleLine(relative(process.cwd(), dir))}`]),
        "  npm install",
        "  npx topoplan check topology.ts",
        "  npx topoplan plan topology.ts",
        "  (README.md has the deployment steps)",
        "",
      ].join("\n"),
    );
    return EXIT.ok;
  },
};
