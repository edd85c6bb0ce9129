import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Io } from "../../src/cli/command.js";
import { COMMANDS } from "../../src/cli/commands/index.js";
import { main } from "../../src/cli/main.js";

/**
 * Every command, with every format it offers, on invalid input: exit 2, and the output parses in
 * the format asked for (JSON, SARIF with results on the spec's lines, Markdown), while text goes
 * to stderr only. Spec problems of three kinds: YAML schema errors, YAML syntax, a TS spec without
 * a default export.
 */
function capture(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, color: false, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

const INVALID = [
  "test/fixtures/invalid/bad-types.yaml",
  "test/fixtures/invalid/malformed.yaml",
  "test/fixtures/invalid/no-default-export.ts",
];
const VALID = "stacks/global-kv.ts";

/** Arguments that make each command run on `spec` (diff: the invalid spec as the new version). */
const ARGS: Readonly<Record<string, (spec: string, out: string) => string[]>> = {
  check: (spec) => [spec],
  plan: (spec) => [spec],
  whatif: (spec) => [spec, "--fail", "region:eu-west-1"],
  diff: (spec) => [VALID, spec],
  render: (spec, out) => [spec, "--out", out],
  // Invalid input is reported before the lab checks for root or starts anything.
  lab: (spec) => [spec],
  solve: (spec) => [spec],
};

const dir = mkdtempSync(join(tmpdir(), "topoplan-invalid-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const formatsOf = async (name: string) => {
  const command = await COMMANDS[name]!.load();
  const match = /--format ([a-z|]+)/.exec(command.usage);
  return match ? match[1]!.split("|") : ["text"];
};

const cases = (
  await Promise.all(
    Object.keys(COMMANDS)
      .filter((name) => ARGS[name] !== undefined)
      .map(async (name) =>
        (await formatsOf(name)).flatMap((format) => INVALID.map((spec) => [name, format, spec])),
      ),
  )
).flat() as [string, string, string][];

it("every command that reads a spec is covered (a new one adds its arguments to ARGS)", async () => {
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const command = await entry.load();
    if (/<(before-|after-)?spec>/.test(command.usage)) expect(Object.keys(ARGS), name).toContain(name);
  }
});

describe("a spec that cannot be read, as Markdown", () => {
  it("names the file as given and the command, never an empty code span", async () => {
    for (const name of ["check", "solve"]) {
      const io = capture();
      const missing = join(dir, "missing.yaml");
      expect(await main([name, missing, "--format", "markdown"], io)).toBe(2);
      const head = io.out.join("").split("\n").slice(0, 3).join("\n");
      expect(head, name).toBe(
        `## ❌ topoplan ${name}: \`(invalid input)\` — FAIL\n\n\`${missing}\` · 1 error, 0 warnings, 0 unknown, 0 suppressed`,
      );
    }
  });
});

describe("invalid input in every format", () => {
  it.each(cases)("%s --format %s on %s", async (name, format, spec) => {
    const io = capture();
    const args = [
      name,
      ...ARGS[name]!(spec, join(dir, "out")),
      ...(format === "text" ? [] : ["--format", format]),
    ];
    expect(await main(args, io)).toBe(2);
    const stdout = io.out.join("");
    expect(io.err.join("")).toMatch(/^error /m); // people still get the text on stderr
    if (format === "json") {
      const report = JSON.parse(stdout) as {
        topology: string;
        findings: { ruleId: string; severity: string }[];
      };
      expect(report.topology).toBe("(invalid input)");
      expect(report.findings.length).toBeGreaterThan(0);
      expect(report.findings.every((f) => f.ruleId.startsWith("spec/") && f.severity === "error")).toBe(true);
    } else if (format === "sarif") {
      const sarif = JSON.parse(stdout) as {
        version: string;
        runs: {
          results: { level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
        }[];
      };
      expect(sarif.version).toBe("2.1.0");
      const results = sarif.runs[0]!.results;
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((r) => r.level === "error")).toBe(true);
      // YAML schema errors sit on the lines that are wrong, not on line 1.
      if (spec.endsWith("bad-types.yaml"))
        expect(results.map((r) => r.locations[0]!.physicalLocation.region.startLine)).toContain(4);
    } else if (format === "markdown") {
      // Titled by the command reporting, and naming the spec the problems are in (diff's TS spec
      // without a default export: which of its two is not located, so none, never an empty span).
      const file = name === "diff" && spec.endsWith(".ts") ? "" : `\`${spec}\` · `;
      const head = `## ❌ topoplan ${name}: \`(invalid input)\` — FAIL\n\n${file}`;
      expect(stdout.startsWith(head)).toBe(true);
      expect(stdout.slice(head.length)).toMatch(/^\d+ errors?, /);
      // A refusal, not a check: no SLO, cost or suppressed sections (review of 46aa2d4).
      expect(stdout).not.toMatch(/SLOs: target vs predicted|Suppressed \(|Monthly cost/);
      expect(stdout).toMatch(/^\| 🔴 error \| `spec\//m);
    } else {
      expect(stdout).toBe("");
    }
  });
});
