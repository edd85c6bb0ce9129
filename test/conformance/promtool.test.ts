/**
 * The generated rules pass Prometheus's own tooling: `promtool check rules` on every rendered
 * PrometheusRule's groups, and `promtool test rules` on the fixtures in test/conformance/promtool/
 * (the burn-rate alerts fire at their burn rates, stay silent below them and under low traffic).
 * promtool comes from Debian's `prometheus` package (installed by .ci/run). Under CI=true a
 * missing promtool fails the suite; locally these tests are skipped with a message.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { compileObservability, TYPES } from "../../src/compile/observability/index.js";
import type { PlannedResource } from "../../src/compile/plan.js";
import { modelOf, smallModel } from "../compile/observability/fixture.js";
import { PROMTOOL_TOPOLOGY } from "./promtool/model.js";
import { readStack } from "./promtool/stacks.js";

const FIXTURES = fileURLToPath(new URL("./promtool/", import.meta.url));

function promtoolVersion(): string | undefined {
  const run = spawnSync("promtool", ["--version"], { encoding: "utf8" });
  if (run.error !== undefined || run.status !== 0) return undefined;
  return `${run.stdout}${run.stderr}`.split("\n")[0];
}

const version = promtoolVersion();
if (version === undefined && process.env.CI !== "true")
  console.warn(
    "promtool not found: skipping the promtool conformance tests (install Debian's `prometheus` package; under CI=true they fail instead)",
  );
const suite = version === undefined && process.env.CI !== "true" ? describe.skip : describe;

// Made only for a suite that runs: a skipped file runs no hooks, and left an empty folder in /tmp.
const work = suite === describe ? mkdtempSync(join(tmpdir(), "topoplan-promtool-")) : "";
afterAll(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

function rulesFile(resources: readonly PlannedResource[]): string {
  const groups = resources
    .filter((r) => r.type === TYPES.prometheusRule)
    .flatMap((r) => (r.inputs as { spec: { groups: unknown[] } }).spec.groups);
  return stringify({ groups });
}

/**
 * Runs promtool and returns stdout + stderr. Fails on a non-zero exit and on "FAILED" in the
 * output (`check rules` reports lint errors such as duplicate rules with exit status 0).
 */
function promtool(args: readonly string[], cwd: string): string {
  const run = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  if (run.error !== undefined || run.status !== 0 || /FAILED/.test(output))
    throw new Error(
      `promtool ${args.join(" ")} failed (exit ${run.status}):\n${output}${run.error?.message ?? ""}`,
    );
  return output;
}

suite(`promtool (${version ?? "missing"})`, () => {
  test("promtool is installed (required under CI)", () => {
    expect(version, "promtool not on PATH: apt-get install prometheus").toBeDefined();
  });

  // One Prometheus per region: each region's rules are one rule file (group names unique in it).
  test("promtool check rules: the small fixture and every example stack, region by region", {
    timeout: 180_000,
  }, async () => {
    const models = [{ name: "small fixture", model: smallModel() }, ...(await readStack())];
    let checked = 0;
    for (const { name, model } of models) {
      const plan = compileObservability(model);
      for (const region of [...new Set(plan.map((r) => r.region))]) {
        const dir = mkdtempSync(join(work, "check-"));
        writeFileSync(join(dir, "rules.yaml"), rulesFile(plan.filter((r) => r.region === region)));
        expect(promtool(["check", "rules", "rules.yaml"], dir), `${name} ${region}`).toMatch(
          /SUCCESS: [1-9]\d* rules found/,
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith(".yaml"));
  test("there are promtool unit-test fixtures", () => {
    expect(fixtures).toContain("burn-rates.yaml");
  });

  test.each(fixtures)("promtool test rules %s", { timeout: 180_000 }, (fixture) => {
    const dir = mkdtempSync(join(work, "test-"));
    writeFileSync(join(dir, "rules.yaml"), rulesFile(compileObservability(modelOf(PROMTOOL_TOPOLOGY))));
    copyFileSync(join(FIXTURES, fixture), join(dir, fixture));
    expect(promtool(["test", "rules", fixture], dir)).toMatch(/SUCCESS/);
  });
});
