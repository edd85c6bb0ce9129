import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runPolicies } from "../../policies/run.js";
import { analyse } from "../../src/analysis/index.js";
import { CONTROL_CHARACTERS } from "../../src/diagnostics/control.js";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { topologyFromData } from "../../src/pipeline.js";
import { userRules } from "../../src/policy-config/rules.js";
import { topoplan } from "../e2e/cli.js";

/**
 * `--rules` checks run in a child process (src/policy-config/rules.ts): the model and analysis
 * they read are the parent's, and a check that loops, exits or prints cannot hang topoplan, end it
 * or write into its report.
 */
const dir = mkdtempSync(join(tmpdir(), "topoplan-rules-sandbox-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DOCS = `docs: { why: "w", how: "h", fix: "f" }`;
const rule = (id: string, check: string, extra = "") =>
  `{ id: "${id}", title: "t", severity: "warning", ${DOCS}, ${extra} check(model, analysis, settings) { ${check} } }`;
/** A rules module exporting `rules`, after `head` (its imports, a statement run when it loads). */
const moduleWith = (name: string, head: string, ...rules: string[]) => {
  const file = join(dir, name);
  writeFileSync(file, `${head}export default [${rules.join(",\n")}];\n`);
  return file;
};
const module = (name: string, ...rules: string[]) => moduleWith(name, "", ...rules);

// A custom site and link overrides: the round trips the child's table must carry besides the
// shipped matrices.
const DATA = {
  name: "t",
  regions: {
    "fra-dc": {
      country: "DE",
      zones: ["fra-dc-a"],
      rttMs: { "eu-central-1": 1.5, "eu-west-1": 25, "us-east-1": 95 },
    },
  },
  network: {
    links: [
      { between: ["eu-central-1", "fra-dc"], rttMs: 3 },
      { between: ["us-east-1", "eu-west-1"], rttMs: 99 },
    ],
  },
  datastores: { kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
  services: {
    api: { regions: ["eu-west-1", "us-east-1", "fra-dc"], calls: [{ to: "kv", timeoutMs: 300 }] },
  },
};
const loaded = (policies: object = {}) =>
  topologyFromData({ file: "t.yaml", format: "yaml", text: "", data: { ...DATA, policies } });
const spec = join(dir, "spec.json");
writeFileSync(spec, JSON.stringify(DATA));
const env = { TOPOPLAN_TIMEOUT_MS: "3000" };

/** What userRules refuses the module with (exit 2): its messages. */
async function refusalOf(file: string): Promise<string[]> {
  const topology = loaded();
  const error = await userRules(file, topology, analyse(topology.model)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return (error as InputError).diagnostics.map((d) => d.message);
}

/** The findings each user rule gave, as runPolicies reports them. */
async function findingsOf(file: string, policies?: object) {
  const topology = loaded(policies);
  const analysis = analyse(topology.model);
  const rules = await userRules(file, topology, analysis);
  const { findings } = runPolicies(topology.model, analysis, { extraRules: rules });
  return findings.filter((f) => rules.some((r) => r.id === f.code));
}

describe("a user's check runs in a child process", () => {
  it("reads the same model, catalog round trips, analysis and settings as in this process", async () => {
    const policies = { "mine.limit": 7 };
    const topology = loaded(policies);
    const { catalog } = topology.model;
    // Every ordered pair of catalog regions (the custom site among them) and two it lacks, each
    // region with itself too.
    const asked = [...catalog.regions.keys(), "no-such-region", "nor-this-one"];
    const pairs = asked.flatMap((a) => asked.map((b) => [a, b]));
    // The model as JSON, Maps as their entries: what a check can read of it, functions aside.
    const asJson = `(value) => JSON.stringify(value, (_key, v) => (v instanceof Map ? [...v] : v))`;
    const file = module(
      "reads.ts",
      rule(
        "mine",
        `return [{ path: "datastores.kv", message: "m", data: {
          model: (${asJson})(model),
          analysis: (${asJson})(analysis),
          frozen: [Object.isFrozen(model), Object.isFrozen(model.datastores[0]), Object.isFrozen(model.catalog.regions)],
          rtt: ${JSON.stringify(pairs)}.map(([a, b]) => [model.catalog.rttMs(a, b) ?? null, model.catalog.rttJitterMs(a, b)]),
          limit: settings.limit,
        } }];`,
        `settings: { limit: { default: 1, description: "d" } },`,
      ),
    );
    const analysis = analyse(topology.model);
    const toJson = (value: unknown) =>
      JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? [...v] : v));
    const [finding] = await findingsOf(file, policies);
    expect(finding?.data).toEqual({
      model: toJson(topology.model),
      analysis: toJson(analysis),
      frozen: [true, true, false],
      rtt: pairs.map(([a, b]) => [catalog.rttMs(a!, b!) ?? null, catalog.rttJitterMs(a!, b!)]),
      limit: 7,
    });
    // The overrides are in what was compared.
    expect(catalog.rttMs("fra-dc", "eu-central-1")).toBe(3);
    expect(catalog.rttMs("eu-west-1", "us-east-1")).toBe(99);
  });

  it("a throw, a result that is not data, one that cannot be copied and a promise become the rule's error finding", async () => {
    const file = module(
      "broken.ts",
      rule("thrower", `throw new TypeError("boom");`),
      rule("function", `return [{ path: "x", message: "m", data: { f: () => 1 } }];`),
      rule("proxy", `return new Proxy([], {});`),
      rule("later", `return Promise.resolve([]);`),
      rule("getter", `return [{ path: "x", get message() { throw new RangeError("read me not"); } }];`),
      rule("fine", `return [{ path: "datastores.kv", message: "ok" }];`),
    );
    expect((await findingsOf(file)).map((f) => `${f.code} ${f.severity} ${f.message}`)).toEqual([
      "thrower error rule crashed: boom",
      "function error rule crashed: its result at [0].data.f is a function; a check returns an array of plain findings",
      // V8's own words after "(": its DataCloneError's message.
      expect.stringMatching(
        /^proxy error rule crashed: what it returned cannot be copied out of the process that ran it \(.*could not be cloned\.\); a check returns an array of plain findings$/,
      ),
      "later error rule crashed: what it returned is a promise (a check is synchronous); a check returns an array of plain findings",
      // Read while its result is checked for data: this rule's error alone, not the whole run's.
      "getter error rule crashed: read me not",
      "fine warning ok",
    ]);
  });

  it("a disabled rule's check is not run", async () => {
    const marker = join(dir, "disabled-ran");
    const file = module(
      "disabled.ts",
      rule("marks", `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran"); return [];`),
    );
    const topology = loaded({ disabled: ["marks"] });
    const rules = await userRules(file, topology, analyse(topology.model));
    expect(rules.map((r) => r.id)).toEqual(["marks"]);
    expect(existsSync(marker)).toBe(false);
  });

  it("imports the module once: the rules it declares are the ones whose checks run", async () => {
    // Each import appends a line; a module loaded twice (once to declare, once to run) could
    // declare one set of rules and run another.
    const imports = join(dir, "imports.log");
    const file = moduleWith(
      "counted.ts",
      `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(imports)}, "import\\n");\n`,
      rule("counted", 'return [{ path: "services.api", message: "ran" }];'),
    );
    expect((await findingsOf(file)).map((f) => `${f.code} ${f.message}`)).toEqual(["counted ran"]);
    expect(readFileSync(imports, "utf8")).toBe("import\n");
  });

  it("a declaration the parent refuses ends the child before any check runs (exit 2)", async () => {
    const ran = join(dir, "taken-ran");
    const file = moduleWith(
      "taken.ts",
      `import { writeFileSync } from "node:fs";\n`,
      rule("latency-slo", `writeFileSync(${JSON.stringify(ran)}, ""); return [];`),
    );
    expect(await refusalOf(file)).toEqual([`${file}: rule id "latency-slo" is already taken`]);
    expect(existsSync(ran)).toBe(false);
  });

  it("a child that ends while its checks run, without process.exit, is refused as the checks' failure (exit 2)", async () => {
    // reallyExit: Node's exit without the 'exit' handlers the sandbox's own process.exit marks.
    const file = module("vanishes.ts", rule("vanish", "process.reallyExit(3); return [];"));
    expect(await refusalOf(file)).toEqual([
      `${file}: its checks could not run: the process running its checks ended without a result (exit code 3)`,
    ]);
  });

  it("a message sent while the checks run that is not their results is refused, whatever its kind", async () => {
    const file = module(
      "forges.ts",
      rule("forger", `process.send({ kind: "rules", rules: [] }); return [];`),
    );
    expect(await refusalOf(file)).toEqual([
      `${file}: sent topoplan a message it did not ask for (process.send in the module or a check?)`,
    ]);
  });

  it("a message the module sends itself is refused (exit 2), not taken for the checks' results", async () => {
    const file = module(
      "sends.ts",
      rule("sender", `process.send({ kind: "ran", results: "forged" }); return [];`),
    );
    expect(await refusalOf(file)).toEqual([
      `${file}: sent topoplan a message it did not ask for (process.send in the module or a check?)`,
    ]);
  });
});

describe("topoplan check --rules", () => {
  it("a check that loops for ever is stopped at the time limit: exit 2, naming the module", async () => {
    const file = module("loops.ts", rule("spins", "while (true) {}"));
    const result = await topoplan(["check", spec, "--rules", file], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${file}: its checks did not finish within 3000 ms (an endless loop in a check?)`,
    );
  }, 20_000);

  it("a check that calls process.exit ends the child, not topoplan: exit 2, saying so", async () => {
    const file = module("exits.ts", rule("quits", "process.exit(0);"));
    const result = await topoplan(["check", spec, "--rules", file], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: ended the process while running its checks (process.exit(0))`);
  }, 20_000);

  it("what a check prints, on file descriptor 1 too, goes to stderr and the JSON report stays JSON", async () => {
    const file = module(
      "prints.ts",
      rule(
        "noisy",
        `console.log("from console"); require("node:fs").writeSync(1, "from fd 1\\n"); return [{ path: "services.api", message: "seen" }];`,
      ),
    );
    const result = await topoplan(["check", spec, "--rules", file, "--format", "json"], { env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { findings: { ruleId: string; message: string }[] };
    expect(report.findings.filter((f) => f.ruleId === "noisy").map((f) => f.message)).toEqual(["seen"]);
    expect(result.stderr).toContain("from console");
    expect(result.stderr).toContain("from fd 1");
  }, 20_000);

  it("control, bidi and zero-width characters a check writes are shown as \\uXXXX in SARIF and JSON", async () => {
    // The module's text holds the escapes; the strings its check returns hold the characters.
    const file = module(
      "hostile-text.ts",
      rule(
        "hostile",
        String.raw`return [{ path: "services.api", message: "clear\u001b[2J\u0007 \u202egnp.exe", fix: "tab\u200bhidden\r" }];`,
      ),
    );
    const strings = (value: unknown): string[] =>
      typeof value === "string"
        ? [value]
        : typeof value === "object" && value !== null
          ? Object.values(value).flatMap(strings)
          : [];
    for (const format of ["sarif", "json"]) {
      const result = await topoplan(["check", spec, "--rules", file, "--format", format], { env });
      expect(result.code, result.stderr).toBe(0);
      const texts = strings(JSON.parse(result.stdout));
      expect(texts.filter((t) => CONTROL_CHARACTERS.test(t))).toEqual([]);
      expect(texts.some((t) => t.includes(String.raw`clear\u001b[2J\u0007 \u202egnp.exe`))).toBe(true);
      expect(texts.some((t) => t.includes(String.raw`tab\u200bhidden\u000d`))).toBe(true);
    }
  }, 20_000);
});
