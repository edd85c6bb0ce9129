import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliCommand, ROOT } from "./cli.js";

/**
 * The "Done when": topoplan as a user gets it. `npm pack`, a project made by `topoplan
 * init`, the tarball installed into it, then check / plan / render there, tsc over the scaffolded
 * program, and the program itself run under Pulumi's mocks from that project (so every import
 * resolves through its node_modules, i.e. the package's `exports` and `files`). ES modules and
 * CommonJS. The npm cache is used first (`--offline`); on a cold cache npm may fetch from the
 * registry (`--prefer-offline`).
 */

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, timeout = 240_000): Run {
  const result = spawnSync(command, [...args], {
    cwd,
    encoding: "utf8",
    timeout,
    env: { ...process.env, NO_COLOR: "1", npm_config_update_notifier: "false" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ok = (r: Run, what: string) => {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
};

let work = "";
let tarball = "";

beforeAll(() => {
  if (!cliCommand().built) ok(run("npm", ["run", "build", "--silent"], ROOT), "npm run build");
  work = mkdtempSync(join(tmpdir(), "topoplan-package-"));
  ok(run("npm", ["pack", "--silent", "--pack-destination", work], ROOT), "npm pack");
  tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
}, 300_000);

afterAll(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
}, 300_000);

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string;
  readonly protect: boolean;
  readonly urn: string;
}

describe.each(["esm", "commonjs"] as const)("a %s project made by topoplan init", (module) => {
  let project = "";
  const topoplan = (...args: string[]) =>
    run(process.execPath, ["node_modules/topoplan/bin/topoplan.js", ...args], project);

  beforeAll(() => {
    project = join(work, module);
    // As the README says while topoplan is not on the npm registry: init --from the packed tarball,
    // then a plain `npm install` (the registry range it writes by default would 404).
    ok(
      run(
        process.execPath,
        [join(ROOT, "bin/topoplan.js"), "init", project, "--module", module, "--from", tarball],
        work,
      ),
      "init",
    );
    const install = ["install", "--no-audit", "--no-fund", "--ignore-scripts"];
    const offline = run("npm", [...install, "--offline"], project);
    if (offline.code !== 0) ok(run("npm", [...install, "--prefer-offline"], project), "npm install");
    copyFileSync(join(ROOT, "test/e2e/project/mock-run.mjs"), join(project, "mock-run.mjs"));
  }, 300_000);

  it("depends on the tarball by a path relative to the project", () => {
    const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
    expect(manifest.dependencies.topoplan).toBe(`file:../${basename(tarball)}`);
  });

  it("installs the packed topoplan, not this checkout", () => {
    const resolved = run(process.execPath, ["-p", "require.resolve('topoplan/package.json')"], project);
    expect(resolved.stdout.trim()).toBe(join(project, "node_modules/topoplan/package.json"));
  });

  it("checks, plans and renders the scaffolded topology", () => {
    const check = topoplan("check", "topology.ts");
    expect([check.code, check.stderr]).toEqual([0, ""]);
    expect(check.stdout).toMatch(/PASS {2}0 errors/);
    const plan = ok(topoplan("plan", "topology.ts"), "plan");
    expect(plan.stdout).toContain("Resources it would create");
    expect(plan.stdout).toContain("Cluster add-ons");
    const render = ok(topoplan("render", "topology.ts", "--out", "rendered"), "render");
    expect(render.stderr).toMatch(/wrote rendered: \d+ files/);
  });

  it("type-checks the topology and the Pulumi program with tsc", () => {
    const tsc = run(process.execPath, ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "."], project);
    expect([tsc.code, tsc.stdout]).toEqual([0, ""]);
  });

  it("runs the program under Pulumi's mocks: every resource under its component, stateful ones protected", () => {
    const result = ok(run(process.execPath, ["--import", "tsx", "mock-run.mjs"], project), "mock-run");
    const { outputs, registered } = JSON.parse(result.stdout) as {
      outputs: { topology: string; resourceCount: number; check: { errors: number } };
      registered: Registered[];
    };
    expect(outputs.topology).toBe("my-topology");
    expect(outputs.check.errors).toBe(0);
    const byUrn = new Map(registered.map((r) => [r.urn, r]));
    const components = registered.filter((r) => r.type.startsWith("topoplan:"));
    expect(components.map((c) => `${c.type} ${c.name}`).sort()).toEqual([
      "topoplan:index:Component api",
      "topoplan:index:Component config",
      "topoplan:index:Shared shared",
      "topoplan:index:Topology my-topology",
    ]);
    const resources = registered.filter((r) => r.custom && !r.type.startsWith("pulumi:"));
    expect(resources.length).toBe(outputs.resourceCount);
    for (const r of resources)
      expect(byUrn.get(r.parent)?.type ?? r.parent).toMatch(/^topoplan:index:(Component|Shared)$/);
    const statefulSet = resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!;
    expect([byUrn.get(statefulSet.parent)!.name, statefulSet.protect]).toEqual(["config", true]);
    const deployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
    expect([byUrn.get(deployment.parent)!.name, deployment.protect]).toEqual(["api", false]);
    const namespace = resources.find(
      (r) => r.type === "kubernetes:core/v1:Namespace" && r.name.endsWith("/my-topology"),
    )!;
    expect([byUrn.get(namespace.parent)!.name, namespace.protect]).toEqual(["shared", true]);
  });
});

describe("the pull-request workflow init writes, for a project in a subfolder of a repository", () => {
  it("runs its check-and-diff step in the subfolder against the installed topoplan", async () => {
    const { pullRequestWorkflow } = await import("../../src/init/workflow.js");
    const { parse } = await import("yaml");
    const git = (...args: string[]) =>
      ok(run("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], work), `git ${args[0]}`);
    // The scratch folder as the app's repository, the esm project its subfolder (each project's
    // .gitignore keeps node_modules out), and a bare clone as `origin` for the base branch.
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-qm", "base");
    const origin = join(work, "..", `${basename(work)}-origin.git`);
    try {
      git("clone", "-q", "--bare", work, origin);
      git("remote", "add", "origin", origin);
      git("fetch", "-q", "origin");
      const project = join(work, "esm");
      const spec = join(project, "topology.ts");
      writeFileSync(spec, readFileSync(spec, "utf8").replace("replicasPerRegion: 3", "replicasPerRegion: 4"));
      const workflow = parse(pullRequestWorkflow("esm").contents) as {
        defaults: { run: { "working-directory": string } };
        jobs: { check: { steps: { run?: string; env?: Record<string, string> }[] } };
      };
      expect(workflow.defaults.run["working-directory"]).toBe("esm");
      const step = workflow.jobs.check.steps.find((s) => s.run?.includes("git worktree add"))!;
      const outputs = join(work, "github-output.txt");
      // As GitHub runs a `shell: bash` step: -e and pipefail.
      const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
        cwd: join(work, workflow.defaults.run["working-directory"]),
        encoding: "utf8",
        timeout: 240_000,
        env: { ...process.env, NO_COLOR: "1", BASE_REF: "main", GITHUB_OUTPUT: outputs },
      });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(readFileSync(outputs, "utf8")).toBe("status=0\n");
      expect(readdirSync(join(project, "topoplan-out")).sort()).toEqual([
        "check.sarif",
        "comment.md",
        "parts",
        "summary.md",
      ]);
      expect(readdirSync(join(project, "topoplan-out/parts")).sort()).toEqual(["1-diff.md", "2-check.md"]);
      expect(readFileSync(join(project, "topoplan-out/parts/1-diff.md"), "utf8")).toContain(
        "replicasPerRegion",
      );
      // The comment: the diff first.
      expect(readFileSync(join(project, "topoplan-out/comment.md"), "utf8")).toMatch(
        /^<!-- topoplan-check:esm -->\n## topoplan diff: /,
      );
      const sarif = JSON.parse(readFileSync(join(project, "topoplan-out/check.sarif"), "utf8")) as {
        runs: { artifacts: { location: { uri: string } }[] }[];
      };
      // Annotations on the file where it is in the repository.
      expect(sarif.runs[0]!.artifacts[0]!.location.uri).toBe("esm/topology.ts");
      expect(git("worktree", "list").stdout.trim().split("\n")).toHaveLength(1);
    } finally {
      rmSync(origin, { recursive: true, force: true });
    }
  }, 300_000);
});
