import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { validateTopology } from "../../src/spec/validate.js";
import { topoplan } from "../e2e/cli.js";
import { run, writeSpec } from "./harness.js";

/** The reproductions of issue #14, each now an exit 2 naming the path (or a finding), never exit 3. */
const scratch = mkdtempSync(join(tmpdir(), "topoplan-hardening-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const minimal = () => ({
  name: "t",
  datastores: { kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
});
const k8s = { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" };
const service = (extra: Record<string, unknown>) => ({
  ...minimal(),
  services: { api: { regions: ["eu-west-1"], deploy: k8s, ...extra } },
});

/** Error paths and codes of a spec. */
function errors(data: unknown): string[] {
  const result = validateTopology(data);
  return result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.path} ${d.code}`);
}

describe("names that reach files, labels and comments are validated", () => {
  it.each([
    ["a namespace with a newline and ---", "x\n---\nkind: ClusterRoleBinding"],
    ["a path", "../../etc"],
    ["300 characters", "a".repeat(300)],
    ["upper case", "Team"],
    ["a label-invalid character", "team!/x"],
  ])("namespace: %s", (_, namespace) => {
    expect(errors(service({ deploy: { ...k8s, namespace } }))).toContain(
      "services.api.deploy.namespace spec/invalid-name",
    );
  });

  it("custom region codes and zones are DNS labels of at most 63 characters", () => {
    const long = `r${"x".repeat(70)}`;
    const found = errors({
      ...minimal(),
      regions: { [long]: { country: "DE", zones: ["Zone-A", "b/c"], rttMs: { "eu-west-1": 10 } } },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        `regions.${long} spec/invalid-name`,
        `regions.${long}.zones[0] spec/invalid-name`,
        `regions.${long}.zones[1] spec/invalid-name`,
      ]),
    );
  });

  it("control characters are refused anywhere, descriptions included", () => {
    expect(errors({ ...minimal(), description: "ok\u001b[2J" })).toContain(
      "description spec/control-character",
    );
    expect(errors({ ...minimal(), description: "two\nlines" })).toEqual([]);
  });

  it("a __proto__ key as written (parsing drops it) is refused, not silently lost", () => {
    // JSON.parse and the YAML parsers keep "__proto__" as an own key; an object literal would not.
    const env = JSON.parse('{"__proto__": "v", "OK": "w"}');
    expect(errors(service({ deploy: { ...k8s, env } }))).toContain(
      "services.api.deploy.env.__proto__ spec/reserved-key",
    );
  });

  it.each([
    ["soft hyphen", "\u00ad"],
    ["Arabic letter mark (bidi)", "\u061c"],
    ["Mongolian vowel separator", "\u180e"],
    ["deprecated format character", "\u206a"],
    ["Hangul filler", "\u3164"],
    ["halfwidth Hangul filler", "\uffa0"],
    ["Hangul choseong filler", "\u115f"],
    ["combining grapheme joiner", "\u034f"],
    ["interlinear annotation", "\ufff9"],
    ["tag character", "\u{e0041}"],
  ])("the other invisible characters too: %s", (_, c) => {
    expect(errors({ ...minimal(), description: `ok${c}ok` })).toContain("description spec/control-character");
  });
});

describe("duplicates and limits", () => {
  it.each([
    ["services.api.regions[1]", service({ regions: ["eu-west-1", "eu-west-1"] })],
    [
      "streams.s.regions[1]",
      {
        ...service({}),
        streams: { s: { partitions: 3, regions: ["eu-west-1", "eu-west-1"], producers: ["api"] } },
      },
    ],
    [
      "regions.site-1.zones[1]",
      {
        ...minimal(),
        regions: { "site-1": { country: "DE", zones: ["a", "a"], rttMs: { "eu-west-1": 9 } } },
      },
    ],
  ])("a repeated item is an error at %s", (path, data) => {
    expect(errors(data)).toContain(`${path} spec/duplicate`);
  });

  it("partitions above 100,000 are refused (2^53 used to run for ever)", () => {
    const data = minimal();
    (data.datastores.kv as Record<string, unknown>).partitions = { count: 2 ** 53 };
    expect(errors(data)).toContain("datastores.kv.partitions.count spec/limit");
  });

  it("a call cycle of 1,000 services is refused before the analysis recurses into it", async () => {
    const services: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++)
      services[`s${i}`] = { regions: ["eu-west-1"], calls: [{ to: `s${(i + 1) % 1000}`, timeoutMs: 100 }] };
    const spec = writeSpec(scratch, "cycle", { ...minimal(), services }, "json");
    const result = await run(["plan", spec]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/passes 1000 services .* the limit is 200/);
  });
});

describe("quantities, shares and thresholds", () => {
  it("cpu and memory are positive Kubernetes quantities", () => {
    const found = errors(service({ deploy: { ...k8s, cpu: "-4", memory: "-1Gi" } }));
    expect(found).toEqual(
      expect.arrayContaining([
        "services.api.deploy.cpu spec/quantity",
        "services.api.deploy.memory spec/quantity",
      ]),
    );
    expect(errors(service({ deploy: { ...k8s, cpu: "four" } }))).toContain(
      "services.api.deploy.cpu spec/quantity",
    );
  });

  it("user shares must add up to 1, with the normalised shares as the fix", () => {
    const result = validateTopology({ ...minimal(), users: { "eu-west-1": 0.6, "us-east-1": 0.5 } });
    const problem = result.diagnostics.find((d) => d.code === "spec/user-shares");
    expect(problem?.message).toBe("the shares add up to 1.1, not 1");
    expect(problem?.fix).toBe("use fractions that add up to 1, e.g. { eu-west-1: 0.545, us-east-1: 0.455 }");
    expect(
      errors({ ...minimal(), users: { "eu-west-1": 0.33, "us-east-1": 0.33, "eu-central-1": 0.33 } }),
    ).toEqual([]);
  });

  it('a percentage threshold: "did you mean 0.7?"', async () => {
    const spec = writeSpec(
      scratch,
      "headroom",
      { ...minimal(), policies: { "bandwidth.headroom": 70 } },
      "yaml",
    );
    const result = await run(["check", spec]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '"bandwidth.headroom" is 70, outside 0.01–1: 70 looks like a percentage; did you mean 0.7?',
    );
    const slack = writeSpec(
      scratch,
      "slack",
      { ...minimal(), policies: { "over-replication.slack": -3 } },
      "yaml",
    );
    expect((await run(["check", slack])).stderr).toContain('"over-replication.slack" is -3, outside 0–100');
  });

  it(".nan says it is not a finite number", async () => {
    const file = join(scratch, "nan.yaml");
    writeFileSync(file, "name: t\nusers: { eu-west-1: .nan }\n");
    const result = await run(["check", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("expected a number, got NaN (not a finite number");
  });
});

describe("secrets", () => {
  it("a literal credential is an error finding; a secretRef becomes valueFrom.secretKeyRef", async () => {
    const env = { DB_PASSWORD: "hunter2", TOKEN_REF: { secretRef: { name: "api-token", key: "token" } } };
    const spec = writeSpec(scratch, "secrets", service({ deploy: { ...k8s, env } }), "yaml");
    const check = await run(["check", spec, "--format", "json"]);
    expect(check.code).toBe(1);
    const findings = (
      JSON.parse(check.stdout) as { findings: { ruleId: string; path: string; message: string }[] }
    ).findings.filter((f) => f.ruleId === "plaintext-secret");
    expect(findings.map((f) => f.path)).toEqual(["services.api.deploy.env.DB_PASSWORD"]);
    expect(findings[0]!.message).not.toContain("hunter2");
    const out = join(scratch, "secrets-out");
    expect((await run(["render", spec, "--out", out])).code).toBe(0);
    const deployment = parseAllDocuments(readFileSync(join(out, "eu-west-1/kubernetes/t/api.yaml"), "utf8"))
      .map((doc) => doc.toJS())
      .find((manifest) => manifest.kind === "Deployment");
    expect(deployment.spec.template.spec.containers[0].env).toContainEqual({
      name: "TOKEN_REF",
      valueFrom: { secretKeyRef: { name: "api-token", key: "token" } },
    });
  });

  it("a value in a known credential format is found whatever its name", async () => {
    const env = { AWS_ID: "AKIAIOSFODNN7EXAMPLE" };
    const spec = writeSpec(scratch, "akia", service({ deploy: { ...k8s, env } }), "yaml");
    const check = await run(["check", spec]);
    expect(check.stdout).toContain("AWS_ID is set to what looks like an AWS access key id");
  });
});

describe("files: outputs and inputs, leftovers, BOM", () => {
  it("--output never replaces an input", async () => {
    const spec = writeSpec(scratch, "self", minimal(), "yaml");
    const before = readFileSync(spec, "utf8");
    const result = await run(["check", spec, "--output", spec]);
    expect(result.code).toBe(2);
    expect(readFileSync(spec, "utf8")).toBe(before);
    const inside = join(scratch, "outdir");
    const nested = writeSpec(inside, "spec", minimal(), "yaml");
    expect((await run(["render", nested, "--out", inside])).stderr).toContain(
      "which render replaces as a whole",
    );
  });

  it("a killed render's temporary directory is removed by the next render", async () => {
    const dir = join(scratch, "killed");
    mkdirSync(join(dir, ".out.topoplan-999999999-abc.tmp"), { recursive: true });
    writeFileSync(join(dir, ".out.topoplan-999999999-abc.tmp", "x.yaml"), "x: 1\n");
    mkdirSync(join(dir, `.out.topoplan-${process.pid}-live.tmp`));
    const spec = writeSpec(scratch, "render-me", minimal(), "yaml");
    expect((await run(["render", spec, "--out", join(dir, "out")])).code).toBe(0);
    // Gone: the dead pid's; kept: a live process's (this one).
    expect(readdirSync(dir).sort()).toEqual([`.out.topoplan-${process.pid}-live.tmp`, "out"]);
  });

  it("JSON with a UTF-8 byte-order mark loads", async () => {
    const file = join(scratch, "bom.json");
    writeFileSync(file, `\ufeff${JSON.stringify(minimal())}`);
    expect((await run(["check", file])).code).toBe(0);
  });
});

describe("TypeScript specs and rules run sandboxed (real CLI processes)", () => {
  const ts = (name: string, body: string) => {
    const file = join(scratch, name);
    writeFileSync(file, body);
    return file;
  };
  const data = JSON.stringify(minimal());
  const env = { TOPOPLAN_TIMEOUT_MS: "2000" };

  it("a spec that never settles is exit 2 at the time limit", async () => {
    const file = ts("loop.ts", `while (true) {}\nexport default ${data};\n`);
    const result = await topoplan(["check", file], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did not finish loading within 2000 ms");
  });

  it("process.exit in a spec is exit 2 saying so", async () => {
    const result = await topoplan(["check", ts("exit.ts", `process.exit(0);\nexport default ${data};\n`)], {
      env,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the spec ended the process while loading (process.exit(0))");
  });

  it("console.log and setInterval in a spec: JSON stays clean, topoplan still exits", async () => {
    const file = ts(
      "noisy.ts",
      `console.log("noise");\nsetInterval(() => {}, 100);\nexport default ${data};\n`,
    );
    const result = await topoplan(["check", file, "--format", "json"], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).topology).toBe("t");
    expect(result.stderr).toContain("noise");
  });

  it("a spec writing to file descriptor 1 itself (not console.log): JSON stays clean, the text goes to stderr", async () => {
    const file = ts(
      "fd1.ts",
      `import { writeSync } from "node:fs";\nwriteSync(1, "raw on fd 1\\n");\nexport default ${data};\n`,
    );
    const result = await topoplan(["check", file, "--format", "json"], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).topology).toBe("t");
    expect(result.stderr).toContain("raw on fd 1");
  });

  it("a process the spec starts and leaves running, holding its output open, does not hold topoplan", async () => {
    const pidFile = join(scratch, "left-running.pid");
    const file = ts(
      "spawns.ts",
      [
        'import { spawn } from "node:child_process";',
        'import { writeFileSync } from "node:fs";',
        'const left = spawn("sleep", ["20"], { stdio: "inherit" });',
        `writeFileSync(${JSON.stringify(pidFile)}, String(left.pid));`,
        `export default ${data};`,
        "",
      ].join("\n"),
    );
    try {
      // Without a bound on waiting for its pipes, this would take the 20 s the sleep holds them
      // (the sleep then ends by itself).
      const result = await topoplan(["check", file, "--format", "json"], { env });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).topology).toBe("t");
    } finally {
      try {
        process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
      } catch {
        // already gone, or never started
      }
    }
  }, 15_000);

  it("a throw from a timer while the spec is loading is exit 2 naming it", async () => {
    const file = ts(
      "late.ts",
      `setTimeout(() => { throw new Error("late boom"); }, 10);\nawait new Promise((r) => setTimeout(r, 500));\nexport default ${data};\n`,
    );
    const result = await topoplan(["check", file], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the spec threw while loading: late boom");
  });

  it("a __proto__ key in a TS spec is refused, not silently dropped", async () => {
    const file = ts(
      "proto.ts",
      `export default { name: "t", services: { __proto__: { regions: ["eu-west-1"] } } };\n`,
    );
    const result = await topoplan(["check", file], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("__proto__ key");
  });

  it("a rules module that loops, and one that prints and leaves a timer", async () => {
    const rule = `{ id: "mine", title: "t", severity: "warning", docs: { why: "", how: "", fix: "" }, check() { console.log("in check"); return []; } }`;
    const spec = writeSpec(scratch, "for-rules", minimal(), "yaml");
    const hang = await topoplan(
      ["check", spec, "--rules", ts("hang-rules.ts", `while (true) {}\nexport default ${rule};\n`)],
      { env },
    );
    expect(hang.code).toBe(2);
    expect(hang.stderr).toContain("did not finish loading within 2000 ms");
    const noisy = ts(
      "noisy-rules.ts",
      `console.log("loading");\nsetInterval(() => {}, 100);\nexport default ${rule};\n`,
    );
    const result = await topoplan(["check", spec, "--rules", noisy, "--format", "json"], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).topology).toBe("t");
    expect(result.stderr).toContain("in check");
  });
});

describe("docs/limits.md", () => {
  it("lists every limit with its value", async () => {
    const { LIMITS, MAX_CALL_DEPTH, MAX_COMPONENTS, MAX_STRING } = await import(
      "../../src/spec/semantic/limits.js"
    );
    const doc = readFileSync("docs/limits.md", "utf8");
    for (const limit of LIMITS)
      expect(doc).toContain(`| \`${limit.path}\` | ${limit.of} | ${limit.max.toLocaleString("en-US")} |`);
    for (const max of [MAX_CALL_DEPTH, MAX_COMPONENTS, MAX_STRING])
      expect(doc).toContain(`| ${max.toLocaleString("en-US")} |`);
  });
});

describe("a spec with a problem repeated by the hundred thousand (issue #15)", () => {
  it("is an input error listing the first 200, not a stack overflow", async () => {
    // 200,000 repeats of one tag (an unknown field): each but the first is a duplicate. Pushing that many diagnostics as arguments
    // overflowed the stack (exit 3); the terminal listing every one was 600,000 lines.
    const file = join(scratch, "repeated.yaml");
    writeFileSync(file, `name: t\ntags:\n${"- a\n".repeat(200_000)}`);
    const { code, stderr } = await run(["check", file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`error   tags[199]  "a" is listed twice (also at [0])  [spec/duplicate]`);
    expect(stderr).not.toContain("tags[200]");
    expect(stderr).toContain(
      "200000 problems in the input (the first 200 listed above; --format json lists every one); nothing was written.",
    );
    const json = await run(["check", file, "--format", "json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).findings).toHaveLength(200_000);
    // render has no --format json to point to.
    const render = await run(["render", file, "--out", join(scratch, "rendered")]);
    expect(render.code).toBe(2);
    expect(render.stderr).toContain(
      "200000 problems in the input (the first 200 listed above); nothing was written.",
    );
  });
});
