import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { generateTopology } from "../../bench/generate.js";
import { pullRequestWorkflow } from "../../src/init/workflow.js";
import { cliCommand, ROOT, STACK_FRAME, topoplan } from "./cli.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "topoplan-init-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** This checkout, outside a scratch repository, installs topoplan here but not in a clone: init says so. */
const OUTSIDE_WARNING_OR_NOTHING =
  /^(|warning: package\.json installs topoplan from .*, outside this repository[^\n]*\n)$/;

const FILES = [
  ".github",
  ".gitignore",
  ".pulumi-state",
  "Pulumi.dev.yaml",
  "Pulumi.yaml",
  "README.md",
  "index.ts",
  "package.json",
  "topology.ts",
  "tsconfig.json",
];

describe("topoplan init", () => {
  it("scaffolds the project files, and Pulumi.yaml is valid against Pulumi's project schema", async () => {
    const result = await topoplan(["init", join(dir, "infra")]);
    expect([result.code, result.stderr]).toEqual([0, ""]);
    expect(readdirSync(join(dir, "infra")).sort()).toEqual(FILES);
    const project = parse(readFileSync(join(dir, "infra/Pulumi.yaml"), "utf8"));
    const schema = JSON.parse(
      readFileSync(new URL("../pulumi/schemas/pulumi-project.schema.json", import.meta.url), "utf8"),
    );
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect([validate(project), validate.errors ?? []]).toEqual([true, []]);
    expect(project).toMatchObject({
      name: "infra",
      runtime: { name: "nodejs", options: { typescript: false, nodeargs: "--import tsx" } },
      backend: { url: "file://./.pulumi-state" },
    });
    const pkg = JSON.parse(readFileSync(join(dir, "infra/package.json"), "utf8"));
    expect(pkg.type).toBe("module");
    // Run from this built checkout (npm test builds first), not from an npm install: the project
    // installs this checkout, since ^<version> from the registry 404s while topoplan is unpublished.
    if (existsSync(join(ROOT, "dist/cli"))) {
      expect(pkg.dependencies.topoplan).toBe(
        `file:${relative(join(dir, "infra"), ROOT).split(sep).join("/")}`,
      );
      expect(result.stdout).toMatch(
        /package\.json installs topoplan from .*, the checkout this command runs from/,
      );
    } else expect(pkg.dependencies.topoplan).toMatch(/^\^\d+\.\d+\.\d+/);
    const stack = parse(readFileSync(join(dir, "infra/Pulumi.dev.yaml"), "utf8"));
    expect(stack.config["topoplan:topology"]).toBe("topology.ts");
    // Outside a git repository the project is its own root: the workflow is in it.
    const workflow = readFileSync(join(dir, "infra/.github/workflows/topology-check.yml"), "utf8");
    expect(validateWorkflow(workflow).errors).toEqual([]);
    expect(parse(workflow).defaults).toBeUndefined();
  });

  it("--from: a tarball or folder as file: relative to the project, another spec as given, a missing path refused", async () => {
    writeFileSync(join(dir, "topoplan-0.1.0.tgz"), "");
    expect((await topoplan(["init", join(dir, "a"), "--from", join(dir, "topoplan-0.1.0.tgz")])).code).toBe(
      0,
    );
    const dependency = (project: string) =>
      JSON.parse(readFileSync(join(dir, project, "package.json"), "utf8")).dependencies.topoplan;
    expect(dependency("a")).toBe("file:../topoplan-0.1.0.tgz");
    expect((await topoplan(["init", join(dir, "b"), "--from", "github:acme/topoplan#v0.1.0"])).code).toBe(0);
    expect(dependency("b")).toBe("github:acme/topoplan#v0.1.0");
    // This checkout, built: its folder.
    expect((await topoplan(["init", join(dir, "f"), "--from", process.cwd()])).code).toBe(0);
    expect(dependency("f")).toMatch(/^file:(\.\.\/)+/);
    const missing = await topoplan(["init", join(dir, "c"), "--from", "./nowhere/topoplan-0.1.0.tgz"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--from");
    expect(missing.stderr).not.toMatch(STACK_FRAME);
    // Not a tarball, not a topoplan checkout: refused too (review).
    writeFileSync(join(dir, "notes.md"), "");
    expect((await topoplan(["init", join(dir, "d"), "--from", join(dir, "notes.md")])).code).toBe(2);
    mkdirSync(join(dir, "other"));
    const other = await topoplan(["init", join(dir, "e"), "--from", join(dir, "other")]);
    expect([other.code, other.stderr]).toEqual([2, expect.stringContaining("not a topoplan checkout")]);
    // A package.json that is not JSON, or null: refused the same way (was exit 3, "internal error").
    for (const text of ["{bad", "null"]) {
      writeFileSync(join(dir, "other", "package.json"), text);
      const broken = await topoplan(["init", join(dir, "g"), "--from", join(dir, "other")]);
      expect([broken.code, broken.stderr]).toEqual([2, expect.stringContaining("not a topoplan checkout")]);
    }
    expect(readdirSync(dir).sort()).toEqual(["a", "b", "f", "notes.md", "other", "topoplan-0.1.0.tgz"]);
  });

  it('a CommonJS project has no "type": "module" and loads topoplan with import()', async () => {
    expect((await topoplan(["init", dir, "--name", "acme", "--module", "commonjs"])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).type).toBeUndefined();
    expect(readFileSync(join(dir, "index.ts"), "utf8")).toContain('await import("topoplan/pulumi")');
  });

  it("refuses to overwrite: exit 2, names every existing file, writes nothing", async () => {
    writeFileSync(join(dir, "topology.ts"), "mine");
    mkdirSync(join(dir, ".github/workflows"), { recursive: true });
    writeFileSync(join(dir, ".github/workflows/topology-check.yml"), "mine");
    const result = await topoplan(["init", dir, "--name", "acme"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/topology\.ts +already exists/);
    expect(result.stderr).toMatch(/topology-check\.yml +already exists/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(readdirSync(dir).sort()).toEqual([".github", "topology.ts"]);
    expect(readFileSync(join(dir, "topology.ts"), "utf8")).toBe("mine");
  });

  it("rejects a name npm or Pulumi would reject, with the fix", async () => {
    const result = await topoplan(["init", join(dir, "My Infra")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"my infra" is not a valid npm and Pulumi project name');
    expect(result.stderr).toContain("--name my-infra");
  });
});

describe("topoplan init in an existing repository", () => {
  // An app's repository: init finds its root by the .git entry (git itself is not needed).
  beforeEach(() => {
    mkdirSync(join(dir, ".git"));
    writeFileSync(join(dir, "README.md"), "# app\n");
    writeFileSync(join(dir, "package.json"), '{ "name": "app" }\n');
  });

  it("at the repository's root: refused, and the fix is a subfolder", async () => {
    const result = await topoplan(["init", dir, "--name", "app"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/package\.json +already exists/);
    expect(result.stderr).toContain("give it a subfolder: topoplan init infra");
    expect(readdirSync(dir).sort()).toEqual([".git", "README.md", "package.json"]);
  });

  it("in a subfolder: the workflow goes to the root's .github/workflows and runs in the subfolder", async () => {
    const result = await topoplan(["init", join(dir, "deploy/infra")]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(OUTSIDE_WARNING_OR_NOTHING);
    expect(result.stdout).toContain("../../.github/workflows/topology-check-deploy-infra.yml");
    expect(existsSync(join(dir, "deploy/infra/.github"))).toBe(false);
    const text = readFileSync(join(dir, ".github/workflows/topology-check-deploy-infra.yml"), "utf8");
    expect(validateWorkflow(text).errors).toEqual([]);
    const workflow = parse(text) as {
      defaults: { run: { "working-directory": string } };
      jobs: {
        check: { steps: { uses?: string; run?: string; if?: string; with?: Record<string, string> }[] };
      };
    };
    expect(workflow.defaults.run["working-directory"]).toBe("deploy/infra");
    const steps = workflow.jobs.check.steps;
    const step = (uses: string) => steps.find((s) => s.uses?.startsWith(uses))!;
    expect(step("actions/setup-node").with?.["cache-dependency-path"]).toBe("deploy/infra/package-lock.json");
    // What the actions read is from the repository's root; what the run steps write, from the folder.
    expect(step("github/codeql-action/upload-sarif").with).toMatchObject({
      sarif_file: "deploy/infra/topoplan-out",
      category: "topoplan-deploy-infra",
    });
    expect(step("github/codeql-action/upload-sarif").if).toContain("deploy/infra/topoplan-out/*.sarif");
    expect(step("actions/github-script").with?.script).toContain('const out = "deploy/infra/topoplan-out"');
    const script = steps.find((s) => s.run?.includes("git worktree add"))!.run!;
    expect(script).toContain("if [ -f .topoplan-base/deploy/infra/topology.ts ]");
    // Never a registry package of that name, should topoplan not be installed.
    expect(text).not.toMatch(/npx topoplan/);
    expect(readFileSync(join(dir, "deploy/infra/README.md"), "utf8")).toContain(
      "`.github/workflows/topology-check-deploy-infra.yml` (at the repository's root; it runs in `deploy/infra/`)",
    );
  });

  it("refuses a subfolder the workflow could not hold safely, and another project's workflow", async () => {
    const odd = await topoplan(["init", join(dir, "in fra"), "--name", "infra"]);
    expect(odd.code).toBe(2);
    expect(odd.stderr).toContain("cannot hold safely");
    // A scoped package's folder is fine, and YAML reads a folder named null as the text "null".
    const scoped = await topoplan(["init", join(dir, "packages/@acme/infra"), "--name", "infra"]);
    expect(scoped.code).toBe(0);
    expect(scoped.stderr).toMatch(OUTSIDE_WARNING_OR_NOTHING);
    expect(
      parse(readFileSync(join(dir, ".github/workflows/topology-check-packages-acme-infra.yml"), "utf8"))
        .defaults,
    ).toEqual({ run: { "working-directory": "packages/@acme/infra" } });
    expect((await topoplan(["init", join(dir, "null"), "--name", "nul"])).code).toBe(0);
    expect(
      parse(readFileSync(join(dir, ".github/workflows/topology-check-null.yml"), "utf8")).defaults,
    ).toEqual({
      run: { "working-directory": "null" },
    });
    mkdirSync(join(dir, ".github/workflows"), { recursive: true });
    writeFileSync(join(dir, ".github/workflows/topology-check-infra.yml"), "mine");
    const taken = await topoplan(["init", join(dir, "infra")]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain("another project's workflow has this name");
    expect(existsSync(join(dir, "infra/package.json"))).toBe(false);
    expect(readFileSync(join(dir, ".github/workflows/topology-check-infra.yml"), "utf8")).toBe("mine");
  });

  it("warns when --from names a tarball outside the repository (a clone would not have it)", async () => {
    mkdirSync(join(dir, "app"));
    mkdirSync(join(dir, "app/.git"));
    writeFileSync(join(dir, "topoplan-0.1.0.tgz"), "");
    const outside = await topoplan([
      "init",
      join(dir, "app/infra"),
      "--from",
      join(dir, "topoplan-0.1.0.tgz"),
    ]);
    expect(outside.code).toBe(0);
    expect(outside.stderr).toContain("outside this repository");
    mkdirSync(join(dir, "app/vendor"));
    writeFileSync(join(dir, "app/vendor/topoplan-0.1.0.tgz"), "");
    const inside = await topoplan([
      "init",
      join(dir, "app/deploy"),
      "--from",
      join(dir, "app/vendor/topoplan-0.1.0.tgz"),
    ]);
    expect([inside.code, inside.stderr]).toEqual([0, ""]);
  });
});

type WorkflowStep = {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
};

/** The steps of the check job of the workflow init writes for a project in `folder`. */
function workflowSteps(folder?: string): WorkflowStep[] {
  return (parse(pullRequestWorkflow(folder).contents) as { jobs: { check: { steps: WorkflowStep[] } } }).jobs
    .check.steps;
}

/** The JavaScript the check step gives `node -` (a quoted heredoc): what writes the comment. */
function joinScript(folder?: string): string {
  const run = workflowSteps(folder).find((s) => s.id === "check")?.run ?? "";
  const script = /\nnode - <<'JS'\n([\s\S]*?)\nJS\n/.exec(run)?.[1];
  if (script === undefined) throw new Error(`no node - <<'JS' … JS in the check step:\n${run}`);
  return script;
}

/** A Markdown report of `size` characters: a table in a <details> block, as topoplan writes them. */
function report(title: string, size: number): string {
  const lines = [`## ${title}`, "", "<details><summary>rows</summary>", "", "| # | row |", "|---|---|"];
  for (let i = 0; lines.join("\n").length < size - 40; i++) lines.push(`| ${i} | ${title} row ${i} |`);
  return `${[...lines, "", "</details>"].join("\n")}\n`;
}

describe("the pull-request workflow's comment", () => {
  it("docs/policies.md names the markers the comments are found by: this workflow's and the action's", () => {
    const doc = readFileSync(join(ROOT, "docs/policies.md"), "utf8");
    for (const folder of [undefined, "infra"]) {
      const marker = /\nconst marker = "(<!-- [^"]+ -->)";\n/.exec(joinScript(folder))?.[1];
      expect(doc).toContain(`\`${marker}\``);
    }
    mkdirSync(join(dir, "parts"));
    for (const folder of ["", "infra"]) {
      const comment = execFileSync(
        process.execPath,
        [join(ROOT, "scripts/pr-comment.mjs"), join(dir, "parts"), "pass", folder],
        { encoding: "utf8" },
      );
      expect(doc).toContain(`\`${comment.split("\n", 1)[0]}\``);
    }
  });

  const join2 = (diff: string, check: string) => {
    mkdirSync(join(dir, "topoplan-out/parts"), { recursive: true });
    writeFileSync(join(dir, "topoplan-out/parts/1-diff.md"), diff);
    writeFileSync(join(dir, "topoplan-out/parts/2-check.md"), check);
    const result = spawnSync(process.execPath, ["-"], {
      cwd: dir,
      input: joinScript("infra"),
      encoding: "utf8",
    });
    expect(result.status, result.stderr).toBe(0);
    return {
      comment: readFileSync(join(dir, "topoplan-out/comment.md"), "utf8"),
      summary: readFileSync(join(dir, "topoplan-out/summary.md"), "utf8"),
    };
  };

  it("joins two reports whole, the diff first, under GitHub's 65,536 characters", () => {
    const diff = report("topoplan diff", 30_000);
    const check = report("topoplan check", 30_000);
    const { comment, summary } = join2(diff, check);
    expect(comment).toBe(`<!-- topoplan-check:infra -->\n${diff.trimEnd()}\n\n---\n\n${check.trimEnd()}\n`);
    expect(summary).toBe(comment);
  });

  it("two reports past the limit together: the second is left out whole, never cut inside a block", () => {
    const diff = report("topoplan diff", 40_000);
    const check = report("topoplan check", 40_000);
    const { comment, summary } = join2(diff, check);
    expect(comment.length).toBeLessThanOrEqual(65_536);
    expect(comment).toBe(
      `<!-- topoplan-check:infra -->\n${diff.trimEnd()}\n\n---\n\n> **Left out to fit GitHub's 65,536-character comment limit:** the check report; the job summary has every report.\n`,
    );
    // The job summary (GitHub allows 1 MiB) has both.
    expect(summary).toBe(`<!-- topoplan-check:infra -->\n${diff.trimEnd()}\n\n---\n\n${check.trimEnd()}\n`);
  });

  it("on a 120-service change: the destructive changes first, each report in its share, and a job summary", async () => {
    // The reported case: check and diff each wrote up to 65,536 characters, the check came first
    // and the joined comment was cut at 65,400, so the diff (the destructive changes) was lost.
    const before = generateTopology({ seed: 3, services: 120, partitions: 200, regions: 12 });
    const after = structuredClone(before);
    for (const store of Object.values(after.datastores ?? {}))
      if (store.deploy?.target === "kubernetes" && store.deploy.storageGi !== undefined)
        store.deploy.storageGi = Math.max(1, Math.floor(store.deploy.storageGi / 2));
    for (const stream of Object.values(after.streams ?? {}))
      stream.retentionHours = Math.max(1, Math.floor((stream.retentionHours ?? 24) / 2));
    const project = join(dir, "infra");
    mkdirSync(project);
    const spec = join(project, "topology.ts");
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
        cwd: dir,
        encoding: "utf8",
      });
    writeFileSync(spec, `export default ${JSON.stringify(before, null, 2)};\n`);
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-qm", "base");
    git("update-ref", "refs/remotes/origin/main", "HEAD");
    writeFileSync(spec, `export default ${JSON.stringify(after, null, 2)};\n`);
    // `npx --no-install topoplan` is this checkout's CLI.
    const cli = cliCommand().args.map((a) => (a === "tsx" ? import.meta.resolve("tsx") : a));
    mkdirSync(join(dir, "bin"));
    writeFileSync(
      join(dir, "bin/npx"),
      `#!/bin/sh\n[ "$1" = --no-install ] && shift\n[ "$1" = topoplan ] && shift\nexec ${[process.execPath, ...cli].map((a) => JSON.stringify(a)).join(" ")} "$@"\n`,
      { mode: 0o755 },
    );
    const env = {
      ...process.env,
      NO_COLOR: "1",
      PATH: `${join(dir, "bin")}:${process.env.PATH}`,
      BASE_REF: "main",
      GITHUB_OUTPUT: join(dir, "github-output.txt"),
      GITHUB_STEP_SUMMARY: join(dir, "step-summary.md"),
    };
    const steps = workflowSteps("infra");
    // Run steps as GitHub runs them: `shell: bash` is bash -eo pipefail, the default shell bash -e.
    const runStep = (step: WorkflowStep, shell: string[]) => {
      writeFileSync(join(dir, "step.sh"), step.run!);
      const result = spawnSync("bash", [...shell, join(dir, "step.sh")], {
        cwd: project,
        env,
        encoding: "utf8",
      });
      expect(result.status, `${step.name}: ${result.stdout}${result.stderr}`).toBe(0);
    };
    runStep(steps.find((s) => s.id === "check")!, ["--noprofile", "--norc", "-eo", "pipefail"]);
    expect(readFileSync(env.GITHUB_OUTPUT, "utf8")).toBe("status=1\n");
    const out = join(project, "topoplan-out");
    expect(readdirSync(join(out, "parts"))).toEqual(["1-diff.md", "2-check.md"]);
    const diff = readFileSync(join(out, "parts/1-diff.md"), "utf8").trimEnd();
    const check = readFileSync(join(out, "parts/2-check.md"), "utf8").trimEnd();
    expect(diff).toMatch(/^## topoplan diff: .*\n[\s\S]*\n### Destructive changes \([1-9]\d*\)\n/);
    expect(check).toMatch(/^## ❌ topoplan check: /);
    // Both whole, the diff first, and the check within what the diff left (its own cut note).
    const comment = readFileSync(join(out, "comment.md"), "utf8");
    expect(comment).toBe(`<!-- topoplan-check:infra -->\n${diff}\n\n---\n\n${check}\n`);
    expect(comment.length).toBeLessThanOrEqual(65_536);
    expect(check).toMatch(/\n> \*\*Cut to fit the [\d,]+-character comment limit:\*\*/);
    expect(comment.match(/<details>/g)?.length).toBe(comment.match(/<\/details>/g)?.length);

    // The comment step posts that file; the summary step writes the job summary.
    const posted: string[] = [];
    const github = {
      rest: {
        issues: { listComments: {}, createComment: async ({ body }: { body: string }) => posted.push(body) },
      },
      paginate: async () => [],
    };
    const script = steps.find((s) => s.uses?.startsWith("actions/github-script"))!.with!.script!;
    const cwd = process.cwd();
    // github-script runs in the repository's root; its script is an async function body.
    const body = new Function(
      "require",
      "github",
      "context",
      "core",
      `return (async () => {\n${script}\n})();`,
    );
    const rootRequire = createRequire(join(dir, "x.js"));
    try {
      process.chdir(dir);
      await body(rootRequire, github, { repo: { owner: "o", repo: "r" }, issue: { number: 1 } }, {});
    } finally {
      process.chdir(cwd);
    }
    expect(posted).toEqual([comment]);
    runStep(steps.find((s) => s.name === "Job summary")!, ["-e"]);
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, "utf8")).toBe(comment);
  }, 120_000);
});
