import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "./harness.js";

/**
 * Paths and flags a careless user gives:
 * - `--output spec.yaml/report.json` said "the folder … does not exist; create spec.yaml first";
 * - `check stacks` (a folder, no extension) said `unsupported file type "(none)"`; `check ""` too;
 * - `--rules` naming a missing file, a folder or a YAML file gave the compiler's "Could not
 *   resolve /abs/path" or "No loader is configured", with a fix to run tsc;
 * - a one-value flag given twice with different values (`--output a.json --output b.json`)
 *   silently kept the last.
 */
const scratch = mkdtempSync(join(tmpdir(), "topoplan-paths-flags-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SPEC = join(scratch, "spec.yaml");
writeFileSync(
  SPEC,
  "name: t\ndatastores:\n  kv:\n    replication: consensus\n    replicas: 3\n    placement: { eu-west-1: 3 }\n",
);

describe("--output below a file", () => {
  it.each([
    ["directly", "report.json"],
    ["deeper", "sub/report.json"],
  ])("%s: exit 2 saying the spec is a file, not to create it; the spec is untouched", async (_, below) => {
    const before = readFileSync(SPEC, "utf8");
    const result = await run(["check", SPEC, "--output", join(SPEC, below)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is inside \S*spec\.yaml, which is a file, not a folder/);
    expect(result.stderr).not.toContain("first");
    expect(readFileSync(SPEC, "utf8")).toBe(before);
  });
});

describe("the spec path", () => {
  it("a folder without an extension is named as a folder", async () => {
    const folder = join(scratch, "stacks");
    mkdirSync(folder, { recursive: true });
    const result = await run(["check", folder]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${folder} is a directory`);
    expect(result.stderr).toContain("fix: name one spec file inside it");
  });

  it("an empty path says so", async () => {
    const result = await run(["check", ""]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the spec's path is empty");
  });
});

describe("--rules", () => {
  it.each([
    ["a missing file", "missing-rules.ts", "missing-rules.ts: no such file", "check the path"],
    ["a folder", "rules-folder.ts", "rules-folder.ts is a directory", "name the rules module inside it"],
    ["a YAML file", "spec.yaml", "spec.yaml is not a TypeScript or JavaScript module", "name a .ts"],
  ])("%s: exit 2 saying so, not the compiler's message", async (_, name, message, fix) => {
    mkdirSync(join(scratch, "rules-folder.ts"), { recursive: true });
    const result = await run(["check", SPEC, "--rules", join(scratch, name)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`fix: ${fix}`);
    expect(result.stderr).not.toMatch(/Could not resolve|No loader|tsc/);
  });
});

describe("a flag given an empty value", () => {
  it("exit 2 naming the flag (was: 'the path is a directory' with no path), nothing written", async () => {
    const before = readdirSync(scratch).length;
    for (const args of [
      ["check", SPEC, "--output", ""],
      ["check", SPEC, "--format", "json", "--output="],
      ["whatif", SPEC, "--fail", ""],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(" ")).toBe(2);
      const flag = args.includes("--fail") ? "--fail" : "--output";
      expect(result.stderr).toContain(`${flag} is given an empty value`);
      expect(result.stderr).toContain(`fix: give ${flag} a value, or leave it out`);
    }
    expect(readdirSync(scratch).length).toBe(before);
  });
});

describe("a one-value flag given twice", () => {
  it("with different values: exit 2 naming both, nothing written", async () => {
    const a = join(scratch, "a.json");
    const b = join(scratch, "b.json");
    const result = await run(["check", SPEC, "--format", "json", "--output", a, "--output", b]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--output is given twice, as "${a}" and as "${b}"`);
    expect(result.stderr).toContain("fix: give --output once");
    expect(existsSync(a) || existsSync(b)).toBe(false);
    expect((await run(["check", SPEC, "--format", "json", "--format", "text"])).code).toBe(2);
  });

  it("with the same value: as once; a repeatable flag (--fail) still repeats", async () => {
    expect((await run(["check", SPEC, "--format", "json", "--format=json"])).code).toBe(0);
    const whatif = await run(["whatif", SPEC, "--fail", "zone:eu-west-1a", "--fail", "zone:eu-west-1b"]);
    expect(whatif.code).toBeLessThan(2);
  });
});

describe("--policy-config", () => {
  it("a folder is named as a folder (it said unsupported file type, or no such file)", async () => {
    for (const name of ["policy-folder", "policy-folder.yaml"]) {
      const folder = join(scratch, name);
      mkdirSync(folder, { recursive: true });
      const result = await run(["check", SPEC, "--policy-config", folder]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${folder} is a directory`);
      expect(result.stderr).toContain("fix: name the configuration file inside it");
    }
  });
});
