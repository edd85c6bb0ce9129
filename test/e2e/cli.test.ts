import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands/index.js";
import { MAX_SPEC_BYTES } from "../../src/spec/load/limits.js";
import { ROOT, STACK_FRAME, topoplan } from "./cli.js";

const scratch = mkdtempSync(join(tmpdir(), "topoplan-e2e-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Topology files under stacks/ (Pulumi.<stack>.yaml files there are stack configs, not specs). */
const STACKS = readdirSync(join(ROOT, "stacks"))
  .filter((f) => /\.(ts|ya?ml|json)$/.test(f) && !f.startsWith("Pulumi."))
  .sort()
  .map((f) => `stacks/${f}`);

const invalid = (name: string) => `test/fixtures/invalid/${name}`;

// Each test spawns the CLI; run them side by side.
describe.concurrent("topoplan check on every stack", () => {
  it("finds the three example systems and the YAML example", () => {
    expect(STACKS).toEqual(
      expect.arrayContaining([
        "stacks/edge-cache.yaml",
        "stacks/global-kv.ts",
        "stacks/service-mesh.ts",
        "stacks/streaming.ts",
      ]),
    );
  });

  it.each(STACKS)("%s validates (exit 0 or 1) and prints a readable report", async (file) => {
    const { code, stdout, stderr } = await topoplan(["check", file]);
    expect(stderr).toBe("");
    expect([0, 1]).toContain(code);
    const [header, ...rest] = stdout.trimEnd().split("\n");
    expect(header).toMatch(new RegExp(`^[a-z][a-z0-9-]*  ${file.replace(/\./g, "\\.")}$`));
    const verdict = rest.at(-1) ?? "";
    expect(verdict).toMatch(/^(PASS|FAIL) {2}\d+ errors?, \d+ warnings?, \d+ unknown/);
    expect(verdict.startsWith("FAIL")).toBe(code === 1);
    expect(stdout).not.toContain("\u001b[");
  });
});

/** Every broken fixture: exit 2, every problem with its path on stderr, nothing on stdout, no stack. */
const BROKEN: readonly (readonly [file: string, problems: number, lines: readonly string[]])[] = [
  [
    invalid("unknown-region.yaml"),
    1,
    [
      'error   datastores.accounts.placement.eu-wset-1  unknown region "eu-wset-1": did you mean "eu-west-1"?  [spec/unknown-region]',
    ],
  ],
  [
    invalid("dangling-reference.yaml"),
    3,
    [
      'error   services.api.calls[0].to  calls "acounts", which is not a service, datastore or stream of this topology: did you mean "accounts"?  [spec/unknown-component]',
      'error   streams.clicks.consumers[0]  consumer "sesionizer" is not a service of this topology: did you mean "sessionizer"?  [spec/unknown-service]',
      'error   streams.clicks.producers[0]  producer "apii" is not a service of this topology: did you mean "api"?  [spec/unknown-service]',
    ],
  ],
  [
    invalid("percent-for-fraction.yaml"),
    1,
    [
      "error   services.api.slo.availability  99.99 is a percentage; availability is a fraction: did you mean 0.9999?  [spec/too-big]",
      "        fix: set services.api.slo.availability to 0.9999",
    ],
  ],
  [
    invalid("seconds-for-ms.yaml"),
    3,
    [
      "error   services.api.calls[0].timeoutMs  a 0.25 ms deadline is shorter than any network round trip; timeoutMs is in milliseconds: did you mean 250?  [spec/unit]",
    ],
  ],
  [
    invalid("bad-types.yaml"),
    10,
    [
      'error   datastores.accounts.replicas  expected a number, got string "five"  [spec/invalid-type]',
      "error   services.api.deploy.port  must be at most 65535 (got 80800)  [spec/too-big]",
    ],
  ],
  [
    invalid("malformed.yaml"),
    3,
    [
      `error   (root)  invalid YAML: Implicit keys need to be on a single line  [spec/yaml]`,
      `        at: ${invalid("malformed.yaml")}:4:18`,
    ],
  ],
  [
    invalid("replica-count.yaml"),
    1,
    [
      "error   datastores.accounts.placement  placement holds 4 replicas (eu-west-1: 2, eu-central-1: 2) but replicas is 5  [spec/replica-count]",
      "        fix: place 1 more replica or set replicas: 4",
    ],
  ],
  [
    invalid("leader-not-placed.yaml"),
    1,
    [
      'error   datastores.accounts.leader  leader "us-east-1" holds no replica (placement: eu-west-1, eu-central-1)  [spec/leader-not-placed]',
    ],
  ],
  [
    invalid("unknown-field.yaml"),
    1,
    [
      'error   datastores.accounts.consistensy  unknown field "consistensy": did you mean "consistency"?  [spec/unknown-field]',
    ],
  ],
  [
    invalid("duplicate-keys.yaml"),
    1,
    [
      `error   (root)  duplicate key "replicas": a key may appear once per mapping (YAML would silently keep only one)  [spec/yaml-duplicate-key]`,
      `        at: ${invalid("duplicate-keys.yaml")}:8:5`,
    ],
  ],
  [
    invalid("alias-bomb.yaml"),
    1,
    [
      `error   (root)  ${invalid("alias-bomb.yaml")}: Excessive alias count indicates a resource exhaustion attack  [spec/yaml]`,
    ],
  ],
  [
    invalid("malformed.json"),
    1,
    [
      `error   (root)  invalid JSON: Expected double-quoted property name  [spec/json]`,
      `        at: ${invalid("malformed.json")}:4:1`,
    ],
  ],
  [
    invalid("spec.toml"),
    1,
    [`error   (root)  ${invalid("spec.toml")}: unsupported file type ".toml"  [spec/file]`],
  ],
  [invalid("missing.yaml"), 1, [`error   (root)  ${invalid("missing.yaml")}: no such file  [spec/file]`]],
  [
    invalid("no-default-export.ts"),
    1,
    [
      `error   (root)  ${invalid("no-default-export.ts")} has no default export (it exports "topology")  [spec/typescript]`,
    ],
  ],
  [
    invalid("throws.ts"),
    1,
    [
      `error   (root)  the spec threw while loading: REGIONS is not set  [spec/typescript]`,
      `        at: ${invalid("throws.ts")}:4:9`,
    ],
  ],
];

describe.concurrent("topoplan check on broken specs", () => {
  it.each(BROKEN)("%s → exit 2 with %i problem(s)", async (file, count, lines) => {
    const { code, stdout, stderr } = await topoplan(["check", file]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    const printed = stderr.split("\n");
    for (const line of lines) expect(printed).toContain(line);
    expect(stderr).toContain(
      `\n${count} problem${count === 1 ? "" : "s"} in the input; nothing was written.\n`,
    );
    expect(printed.filter((l) => /^error {3}/.test(l))).toHaveLength(count);
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it("locates validation errors on their line, and diff reports the problems of both specs", async () => {
    const { stderr } = await topoplan(["check", invalid("unknown-field.yaml")]);
    expect(stderr).toMatch(new RegExp(`^ {8}at: ${invalid("unknown-field.yaml")}:\\d+:\\d+$`, "m"));
    const diff = await topoplan(["diff", invalid("malformed.yaml"), invalid("unknown-field.yaml")]);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toContain(`at: ${invalid("malformed.yaml")}:4:18`);
    expect(diff.stderr).toMatch(new RegExp(`at: ${invalid("unknown-field.yaml")}:\\d+:\\d+`));
    expect(diff.stderr).toContain("4 problems in the input; nothing was written.");
  });

  it("wraps every problem to 100 columns", async () => {
    const { rawStderr } = await topoplan(["check", invalid("many-problems.yaml")]);
    const lines = rawStderr.split("\n");
    expect(lines.some((l) => l.startsWith("          "))).toBe(true); // a wrapped message
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it("lists every problem of one spec in one run, each with its path and fix", async () => {
    const { code, stderr } = await topoplan(["check", invalid("many-problems.yaml")]);
    expect(code).toBe(2);
    const errors = stderr.split("\n").filter((l) => l.startsWith("error"));
    expect(errors.map((l) => l.split(/\s{2,}/)[1])).toEqual([
      "datastores.accounts.leader",
      "datastores.accounts.placement",
      "datastores.accounts.placement.eu-wset-1",
      "datastores.accounts.replicaz",
      "datastores.accounts.slo.availability",
      "datastores.accounts.slo.readP99Ms",
      "services.api.calls[0].to",
      "streams.clicks.consumers[0]",
      "streams.clicks.producers[0]",
    ]);
    expect(stderr.split("\n").filter((l) => l.startsWith("        fix: "))).toHaveLength(9);
    expect(stderr).toContain("did you mean 0.9999?");
    expect(stderr).toContain('did you mean "eu-west-1"?');
    expect(stderr).toContain("did you mean 20?");
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it("an oversize file is refused with its size and the limit", async () => {
    const file = join(scratch, "huge.yaml");
    writeFileSync(file, `name: huge\ndescription: ${"x".repeat(MAX_SPEC_BYTES)}\n`);
    const { code, stderr } = await topoplan(["check", file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`specs are limited to ${MAX_SPEC_BYTES} bytes  [spec/file]`);
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it("--format json reports input problems as a JSON report on stdout (and as text on stderr)", async () => {
    const { code, stdout, stderr } = await topoplan([
      "check",
      invalid("unknown-field.yaml"),
      "--format",
      "json",
    ]);
    expect(code).toBe(2);
    const report = JSON.parse(stdout) as { topology: string; findings: { ruleId: string }[] };
    expect(report.topology).toBe("(invalid input)");
    expect(report.findings.map((f) => f.ruleId)).toContain("spec/unknown-field");
    expect(stderr).toContain("[spec/unknown-field]");
  });
});

describe("--format json", () => {
  it("prints the stable JSON report of DESIGN.md", async () => {
    const { code, stdout, stderr } = await topoplan(["check", "stacks/service-mesh.ts", "--format", "json"]);
    expect(stderr).toBe("");
    const report = JSON.parse(stdout) as {
      topology: string;
      findings: Record<string, unknown>[];
      summary: Record<string, number>;
    };
    expect(report.topology).toBe("service-mesh");
    expect(report.summary).toEqual(
      expect.objectContaining({
        errors: expect.any(Number),
        warnings: expect.any(Number),
        unknowns: expect.any(Number),
      }),
    );
    expect(code).toBe(report.summary.errors! > 0 ? 1 : 0);
    expect(report.findings.length).toBeGreaterThan(0);
    for (const finding of report.findings) {
      expect(finding).toEqual(
        expect.objectContaining({
          ruleId: expect.stringMatching(/^[a-z][a-z0-9/-]*$/),
          severity: expect.stringMatching(/^(error|warning|info)$/),
          status: expect.stringMatching(/^(fail|unknown)$/),
          path: expect.any(String),
          message: expect.any(String),
        }),
      );
      expect(finding).not.toHaveProperty("code");
      if ("fix" in finding) expect(finding.fix).toEqual(expect.any(String));
    }
    const errors = report.findings.filter((f) => f.severity === "error" && f.status === "fail").length;
    expect(report.summary.errors).toBe(errors);
  });

  it("is deterministic: two runs print identical bytes", async () => {
    const [first, second] = await Promise.all([
      topoplan(["check", "stacks/edge-cache.yaml", "--format", "json"]),
      topoplan(["check", "stacks/edge-cache.yaml", "--format", "json"]),
    ]);
    expect(second.stdout).toBe(first.stdout);
  });
});

describe("--output", () => {
  it("writes the report atomically, says wrote then replaced, and leaves no temporary file", async () => {
    const target = join(scratch, "report.json");
    const stdoutRun = await topoplan(["check", "stacks/global-kv.ts", "--format", "json"]);
    const first = await topoplan(["check", "stacks/global-kv.ts", "--format", "json", "--output", target]);
    expect(first.stdout).toBe("");
    expect(first.stderr).toBe(`wrote ${target}\n`);
    expect(first.code).toBe(stdoutRun.code);
    expect(readFileSync(target, "utf8")).toBe(stdoutRun.stdout);

    const second = await topoplan(["check", "stacks/global-kv.ts", "--format", "json", "--output", target]);
    expect(second.stderr).toBe(`replaced ${target}\n`);
    expect(readFileSync(target, "utf8")).toBe(stdoutRun.stdout);
    expect(readdirSync(scratch).filter((f) => f.startsWith("report.json"))).toEqual(["report.json"]);
  });

  it("into a folder that does not exist: exit 2 and nothing written", async () => {
    const target = join(scratch, "no-such-folder", "report.txt");
    const { code, stderr } = await topoplan(["check", "stacks/global-kv.ts", "--output", target]);
    expect(code).toBe(2);
    expect(stderr).toContain(`--output  the folder of ${target} does not exist  [cli/output]`);
  });

  it("an invalid spec never touches the output file", async () => {
    const target = join(scratch, "kept.txt");
    writeFileSync(target, "previous report\n");
    const { code } = await topoplan(["check", invalid("unknown-region.yaml"), "--output", target]);
    expect(code).toBe(2);
    expect(readFileSync(target, "utf8")).toBe("previous report\n");
  });
});

describe.concurrent("schema", () => {
  it("prints the checked-in schema/topology.schema.json byte for byte", async () => {
    const { code, stdout, stderr } = await topoplan(["schema"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toBe(readFileSync(join(ROOT, "schema/topology.schema.json"), "utf8"));
  });

  it("--output writes it to a file", async () => {
    const target = join(scratch, "topology.schema.json");
    const { code } = await topoplan(["schema", "--output", target]);
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(target, "utf8")).$id).toBe(
      "https://topoplan.dev/schema/topology.schema.json",
    );
  });
});

describe.concurrent("command line", () => {
  it("an unknown command suggests the nearest one and exits 2", async () => {
    const { code, stdout, stderr } = await topoplan(["chek", "stacks/global-kv.ts"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain('topoplan  unknown command "chek": did you mean "check"?  [cli/usage]');
    expect(stderr).toContain("fix: run `topoplan --help` for the list of commands");
  });

  it.each(Object.keys(COMMANDS))("%s --help prints its usage and exits 0", async (name) => {
    const { code, stdout, stderr } = await topoplan([name, "--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain(`usage: topoplan ${name}`);
    expect(stdout).toContain("-h, --help");
  });

  it("--help lists every command; no command at all is a usage error", async () => {
    const help = await topoplan(["--help"]);
    expect(help.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    const bare = await topoplan([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain("usage: topoplan <command> [options]");
  });

  it("--version prints the package version", async () => {
    const { code, stdout } = await topoplan(["--version"]);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(code).toBe(0);
    expect(stdout).toBe(`${pkg.version}\n`);
  });

  it.each([
    [["check"], "topoplan check  missing <spec>"],
    [["check", "a.yaml", "b.yaml"], 'topoplan check  unexpected argument "b.yaml"'],
    [
      ["check", "stacks/global-kv.ts", "--formt", "json"],
      "topoplan check  unknown option --formt: did you mean --format?",
    ],
    [["check", "stacks/global-kv.ts", "--fromat", "json"], "fix: use --format"],
    [
      ["plan", "stacks/global-kv.ts", "--zzz"],
      "fix: see `topoplan plan --help` (options: --format, --output",
    ],
    [
      ["check", "stacks/global-kv.ts", "--format", "xml"],
      "topoplan check  --format must be one of text, json",
    ],
    // A slip gets the value it was near, not the default.
    [["check", "stacks/global-kv.ts", "--format", "sarf"], "fix: use --format sarif"],
  ])("%j is a usage error (exit 2)", async (args, expected) => {
    const { code, stderr } = await topoplan(args);
    expect(code).toBe(2);
    expect(stderr).toContain(expected);
    expect(stderr).not.toMatch(STACK_FRAME);
  });
});

describe("a reader that goes away", () => {
  it("`check bad.json 2>&1 | head -1`: the exit code stays 2 (invalid input), not an EPIPE's 1", async () => {
    const { spawn } = await import("node:child_process");
    const { cliCommand } = await import("./cli.js");
    // 3,000 services in a misspelt region: the first 200 of 3,000 errors printed.
    const services = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [
        `svc-${i}`,
        {
          regions: ["eu-wst-1"],
          deploy: { target: "kubernetes", image: "ghcr.io/acme/svc:1.0.0", port: 8080 },
        },
      ]),
    );
    const spec = join(scratch, "many-errors.json");
    writeFileSync(spec, JSON.stringify({ name: "many", services }));
    const child = spawn(process.execPath, [...cliCommand().args, "check", spec], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    // As `2>&1 | head -1` does once it has its line: the reader is gone before the rest is written
    // (here before anything is: a pipe buffer would otherwise take this report whole).
    child.stdout.destroy();
    child.stderr.destroy();
    const code = await new Promise<number | null>((done) => child.on("close", (status) => done(status)));
    expect(code).toBe(2);
  }, 60_000);
});
