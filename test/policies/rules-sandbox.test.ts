import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runPolicies } from "../../policies/run.js";
import { analyse } from "../../src/analysis/index.js";
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
const module = (name: string, ...rules: string[]) => {
  const file = join(dir, name);
  writeFileSync(file, `export default [${rules.join(",\n")}];\n`);
  return file;
};

const DATA = {
  name: "t",
  datastores: { kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
  services: { api: { regions: ["eu-west-1", "us-east-1"], calls: [{ to: "kv", timeoutMs: 300 }] } },
};
const loaded = (policies: object = {}) =>
  topologyFromData({ file: "t.yaml", format: "yaml", text: "", data: { ...DATA, policies } });
const spec = join(dir, "spec.json");
writeFileSync(spec, JSON.stringify(DATA));
const env = { TOPOPLAN_TIMEOUT_MS: "3000" };

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
    const regions = [...catalog.regions.keys()];
    // Every ordered pair of a few regions and two the catalog lacks, each region with itself too.
    const asked = ["eu-west-1", "us-east-1", regions.at(-1)!, "no-such-region", "nor-this-one"];
    const pairs = asked.flatMap((a) => asked.map((b) => [a, b]));
    const file = module(
      "reads.ts",
      rule(
        "mine",
        `return [{ path: "datastores.kv", message: "m", data: {
          frozen: Object.isFrozen(model.datastores[0]),
          rtt: ${JSON.stringify(pairs)}.map(([a, b]) => [model.catalog.rttMs(a, b) ?? null, model.catalog.rttJitterMs(a, b)]),
          services: analysis.services.map((s) => [s.name, s.availability]),
          regions: model.regions,
          limit: settings.limit,
        } }];`,
        `settings: { limit: { default: 1, description: "d" } },`,
      ),
    );
    const [finding] = await findingsOf(file, policies);
    expect(finding?.data).toEqual({
      frozen: true,
      rtt: pairs.map(([a, b]) => [catalog.rttMs(a!, b!) ?? null, catalog.rttJitterMs(a!, b!)]),
      services: analyse(topology.model).services.map((s) => [s.name, s.availability]),
      regions: topology.model.regions,
      limit: 7,
    });
  });

  it("a throw, a result that is not data and a promise become the rule's error finding", async () => {
    const file = module(
      "broken.ts",
      rule("thrower", `throw new TypeError("boom");`),
      rule("function", `return [{ path: "x", message: "m", data: { f: () => 1 } }];`),
      rule("later", `return Promise.resolve([]);`),
      rule("fine", `return [{ path: "datastores.kv", message: "ok" }];`),
    );
    expect((await findingsOf(file)).map((f) => `${f.code} ${f.severity} ${f.message}`)).toEqual([
      "thrower error rule crashed: boom",
      "function error rule crashed: its result at [0].data.f is a function; a check returns an array of plain findings",
      "later error rule crashed: what it returned is a promise (a check is synchronous); a check returns an array of plain findings",
      "fine warning ok",
    ]);
  });

  it("a disabled rule's check is not run (it would loop here)", async () => {
    const file = module("disabled.ts", rule("spins", "while (true) {}"));
    const topology = loaded({ disabled: ["spins"] });
    const rules = await userRules(file, topology, analyse(topology.model));
    expect(rules.map((r) => r.id)).toEqual(["spins"]);
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
});
