import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateAction, validateWorkflow } from "@action-validator/core";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cliCommand, ROOT } from "../e2e/cli.js";
import { EXISTING_VPC_EU_WEST_1 } from "../pulumi/stack-fixtures.js";

/**
 * The reusable action (action.yml) and the repository's workflow that uses it, validated against
 * the Actions metadata and workflow schemas (SchemaStore's github-action.json / github-workflow.json
 * as bundled by @action-validator/core), and the action's script run end to end on a scratch git
 * repository: a base commit, a change, the SARIF files, the per-stack parts and one comment.
 */
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** git in a scratch repository, with an author (CI machines may have none configured). */
const gitIn =
  (repo: string) =>
  (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
      cwd: repo,
      encoding: "utf8",
    });

/** The step outputs pr-review.sh wrote to GITHUB_OUTPUT (`name=value` lines). */
const stepOutputs = (file: string): Record<string, string> =>
  Object.fromEntries(
    readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );

/** An example stack's spec as JSON (a .ts spec would need the repository's sources beside it). */
const specJson = (stack: string): string =>
  execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `import("${join(ROOT, "stacks", stack)}").then(m => process.stdout.write(JSON.stringify(m.default)))`,
    ],
    { encoding: "utf8" },
  );

/** This repository's CLI as the action's `topoplan` input (split on spaces, as the action does). */
const thisCli = () =>
  // `--import tsx` resolves from the working directory: name the loader by its URL instead.
  [process.execPath, ...cliCommand().args.map((a) => (a === "tsx" ? import.meta.resolve("tsx") : a))].join(
    " ",
  );

/** pr-review.sh run in `cwd` against `base`: its step outputs, comment and log. */
function review(cwd: string, base: string, specs: string, topoplan = thisCli()) {
  const outputs = join(cwd, `outputs-${Math.random().toString(36).slice(2)}.txt`);
  const run = spawnSync("bash", [join(ROOT, "scripts/pr-review.sh")], {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      TOPOPLAN: topoplan,
      SPECS: specs,
      BASE_REF: base,
      OUT: join(cwd, "out"),
      GITHUB_OUTPUT: outputs,
      NO_COLOR: "1",
    },
  });
  expect(run.status, run.stderr).toBe(0);
  const values = stepOutputs(outputs);
  return {
    run,
    values,
    comment: readFileSync(values["comment-file"]!, "utf8"),
    log: run.stdout + run.stderr,
  };
}

describe("action.yml", () => {
  it("is valid action metadata (SchemaStore github-action schema)", () => {
    expect(validateAction(read("action.yml")).errors).toEqual([]);
  });

  it("the schema check is real: a composite run step without a shell is rejected", () => {
    const broken = read("action.yml").replace(
      /\n {6}shell: bash\n {6}working-directory: (.*)\n {6}env:\n {8}TOPOPLAN/,
      "\n      working-directory: $1\n      env:\n        TOPOPLAN",
    );
    expect(broken).not.toBe(read("action.yml"));
    expect(validateAction(broken).errors.length).toBeGreaterThan(0);
  });

  it("is a composite action whose steps use the declared inputs only", () => {
    const action = parse(read("action.yml")) as {
      runs: { using: string; steps: unknown[] };
      inputs: Record<string, unknown>;
    };
    expect(action.runs.using).toBe("composite");
    const used = [...read("action.yml").matchAll(/inputs\.([a-z-]+)/g)].map((m) => m[1]!);
    for (const name of used) expect(Object.keys(action.inputs), name).toContain(name);
  });

  it("the repository's workflow is valid and runs the action from this repository", () => {
    const text = read(".github/workflows/topology-check.yml");
    expect(validateWorkflow(text).errors).toEqual([]);
    const workflow = parse(text) as {
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
    };
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const own = steps.find((s) => s.uses === "./");
    expect(own?.with?.topoplan).toBe("node bin/topoplan.js");
    expect(steps.find((s) => s.uses?.startsWith("actions/checkout"))?.with).toEqual({ "fetch-depth": 0 });
  });
});

describe("scripts/pr-review.sh (the action's body) on a scratch repository", () => {
  const repo = mkdtempSync(join(tmpdir(), "topoplan-action-"));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const git = gitIn(repo);

  it("checks and diffs every stack, and writes one comment under the limit", () => {
    // Two JSON copies of example stacks (a .ts spec would need the repository's sources beside it).
    cpSync(join(ROOT, "stacks/edge-cache.yaml"), join(repo, "stacks/edge-cache.yaml"));
    const globalKv = specJson("global-kv.ts");
    writeFileSync(join(repo, "stacks/global-kv.json"), globalKv);
    writeFileSync(join(repo, "stacks/Pulumi.global-kv.yaml"), "config: {}\n");
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-qm", "base");
    const base = git("rev-parse", "HEAD").trim();
    // The change under review: accounts' volumes doubled (a replace of a protected StatefulSet).
    const spec = JSON.parse(globalKv) as { datastores: { accounts: { deploy: { storageGi: number } } } };
    spec.datastores.accounts.deploy.storageGi = 400;
    writeFileSync(join(repo, "stacks/global-kv.json"), JSON.stringify(spec));

    // `--import tsx` resolves from the working directory: name the loader by its URL instead.
    const cli = cliCommand().args.map((a) => (a === "tsx" ? import.meta.resolve("tsx") : a));
    const out = join(repo, "out");
    const outputs = join(repo, "outputs.txt");
    const run = spawnSync("bash", [join(ROOT, "scripts/pr-review.sh")], {
      cwd: repo,
      encoding: "utf8",
      env: {
        ...process.env,
        TOPOPLAN: [process.execPath, ...cli].join(" "), // split on spaces, as the action's input is
        SPECS: "stacks/*.json stacks/*.yaml",
        BASE_REF: base,
        OUT: out,
        GITHUB_OUTPUT: outputs,
        NO_COLOR: "1",
      },
    });
    expect(run.status, run.stderr).toBe(0);
    const values = stepOutputs(outputs);
    expect(values.status, run.stdout + run.stderr).toBe("destructive");
    const comment = readFileSync(values["comment-file"]!, "utf8");
    expect(comment.startsWith("<!-- topoplan-review -->\n# topoplan review: ❌ destructive changes\n")).toBe(
      true,
    );
    expect(comment.length).toBeLessThanOrEqual(65_536);
    // One part per stack (the Pulumi stack config is skipped), both diffed against the base.
    expect(comment.match(/^## topoplan diff: /gm)).toHaveLength(2);
    expect(comment).toContain("spec.volumeClaimTemplates cannot change in place");
    expect(comment).toContain("✅ no destructive change, no new error");
    for (const name of ["001-global-kv.json", "002-edge-cache.yaml"]) {
      const sarif = JSON.parse(readFileSync(join(values["sarif-dir"]!, `${name}.sarif`), "utf8")) as {
        version: string;
      };
      expect(sarif.version).toBe("2.1.0");
    }
    // The base worktree is removed afterwards.
    expect(git("worktree", "list").trim().split("\n")).toHaveLength(1);
  }, 120_000);
});

describe("scripts/pr-review.sh when the change deletes a spec", () => {
  const repo = mkdtempSync(join(tmpdir(), "topoplan-action-removed-"));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("reports the stack as removed, with what it holds, and the review as destructive", () => {
    const git = gitIn(repo);
    mkdirSync(join(repo, "stacks"));
    for (const stack of ["edge-cache.yaml", "control-plane.yaml"])
      cpSync(join(ROOT, "stacks", stack), join(repo, "stacks", stack));
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-qm", "base");
    const base = git("rev-parse", "HEAD").trim();
    git("rm", "-q", "stacks/edge-cache.yaml");
    // One pattern per line, the removed spec on the second; a plain path in neither commit.
    const specs = "stacks/control-plane.yaml\nstacks/edge-cache.yaml stacks/never-there.yaml";
    const { run, values, comment } = review(repo, base, specs);
    expect(values.status, run.stdout + run.stderr).toBe("destructive");
    expect(comment).toContain("## topoplan: `stacks/edge-cache.yaml` is removed");
    expect(comment).toContain("(`edge-kv`, `origin-db`, `purge-events`) are no longer planned");
    expect(comment).not.toContain("never-there");
    // The stack that stays is still diffed.
    expect(comment).toContain("## topoplan diff: `control-plane`");
  }, 120_000);
});

describe("scripts/pr-review.sh when the change edits a stack's settings only", () => {
  const repo = mkdtempSync(join(tmpdir(), "topoplan-action-settings-"));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("diffs with each version's stack file: existing subnets replace the protected MSK cluster", () => {
    const git = gitIn(repo);
    mkdirSync(join(repo, "stacks"));
    writeFileSync(join(repo, "stacks/hybrid.json"), specJson("hybrid.ts"));
    writeFileSync(join(repo, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nstackConfigDir: stacks\n");
    const settings = (extra: string) =>
      `config:\n  topoplan:topology: stacks/hybrid.json\n  topoplan:clusters:\n    eu-west-1:\n      context: a\n${extra}`;
    writeFileSync(join(repo, "stacks/Pulumi.prod.yaml"), settings(""));
    // A second stack of the same spec, unchanged: its own part (a comment on its value, quoted).
    writeFileSync(
      join(repo, "stacks/Pulumi.dev.yaml"),
      settings("").replace(
        "topoplan:topology: stacks/hybrid.json",
        'topoplan:topology: "stacks/hybrid.json"  # the spec',
      ),
    );
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-qm", "base");
    const base = git("rev-parse", "HEAD").trim();
    writeFileSync(join(repo, "stacks/Pulumi.prod.yaml"), settings(EXISTING_VPC_EU_WEST_1));
    const { run, values, comment } = review(repo, base, "stacks/*.json");
    expect(values.status, run.stdout + run.stderr).toBe("destructive");
    expect(comment).toContain("order-events-msk-cluster-eu-west-1");
    expect(comment).toContain("brokerNodeGroupInfo.clientSubnets");
    // One diff per stack file: prod's destructive, dev's clean.
    expect(comment.match(/^## topoplan diff: /gm)).toHaveLength(2);
    expect(comment).toContain("✅ no destructive change, no new error");
  }, 120_000);
});

describe("scripts/pr-review.sh with the policy-config and rules inputs", () => {
  const repo = mkdtempSync(join(tmpdir(), "topoplan-action-policy-"));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("gives both files to every check and diff", () => {
    const git = gitIn(repo);
    writeFileSync(join(repo, "topology.yaml"), "name: t\n");
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-qm", "base");
    const base = git("rev-parse", "HEAD").trim();
    // A stand-in topoplan that records each command line (one per line) and reports nothing.
    const log = join(repo, "calls.log");
    const stub = join(repo, "topoplan-stub.sh");
    writeFileSync(stub, `printf '%s ' "$@" >> '${log}'; echo >> '${log}'\n`);
    const run = spawnSync("bash", [join(ROOT, "scripts/pr-review.sh")], {
      cwd: repo,
      encoding: "utf8",
      env: {
        ...process.env,
        TOPOPLAN: `bash ${stub}`,
        SPECS: "topology.yaml",
        BASE_REF: base,
        OUT: join(repo, "out"),
        POLICY_CONFIG: "policy.yaml",
        RULES: "team-rules.ts",
      },
    });
    expect(run.status, run.stderr).toBe(0);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls.map((call) => call.split(" ").slice(0, 1)[0])).toEqual(["--version", "check", "diff"]);
    for (const call of calls.slice(1))
      expect(call).toContain("--policy-config policy.yaml --rules team-rules.ts ");
  });
});

describe("scripts/pr-review.sh when topoplan does not run, and in a project's subfolder", () => {
  const repo = mkdtempSync(join(tmpdir(), "topoplan-action-folder-"));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const git = gitIn(repo);
  it("says topoplan did not run, not that the change is destructive, when it cannot start", () => {
    mkdirSync(join(repo, "infra"));
    cpSync(join(ROOT, "stacks/edge-cache.yaml"), join(repo, "infra/topology.yaml"));
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-qm", "base");
    // What `npx --no-install topoplan` does where it is not installed: exit 1.
    const missing = join(repo, "missing.sh");
    writeFileSync(missing, "echo 'npm error could not determine executable to run' >&2; exit 1\n");
    const result = review(
      join(repo, "infra"),
      git("rev-parse", "HEAD").trim(),
      "topology.yaml",
      `bash ${missing}`,
    );
    expect(result.values.status, result.log).toBe("error");
    // Its own comment: a review in infra/ does not replace the root project's.
    expect(result.comment).toMatch(
      /^<!-- topoplan-review:infra -->\n# topoplan review: ❌ topoplan did not run\n/,
    );
    expect(result.comment).toContain("nothing was checked");
  });

  it("run in the subfolder: diffs against the base copy of that folder, SARIF paths from the repository's root", () => {
    const base = git("rev-parse", "HEAD").trim();
    const spec = join(repo, "infra/topology.yaml");
    writeFileSync(spec, readFileSync(spec, "utf8").replace("replicasPerRegion: 8", "replicasPerRegion: 9"));
    const result = review(join(repo, "infra"), base, "topology.yaml");
    expect(result.comment.match(/^## topoplan diff: /gm), result.log).toHaveLength(1);
    const sarif = JSON.parse(
      readFileSync(join(result.values["sarif-dir"]!, "001-topology.yaml.sarif"), "utf8"),
    ) as {
      runs: { artifacts: { location: { uri: string } }[]; automationDetails: { id: string } }[];
    };
    expect(sarif.runs[0]!.artifacts[0]!.location.uri).toBe("infra/topology.yaml");
    // GitHub files results under this id (it outranks upload-sarif's category): the spec's path, so
    // two projects whose topologies share a name keep their own annotations.
    expect(sarif.runs[0]!.automationDetails.id).toBe("topoplan/check/infra/topology.yaml/");
    expect(git("worktree", "list").trim().split("\n")).toHaveLength(1);
  }, 120_000);
});
