/**
 * `--output`'s extension and `--format`: `check --output results.sarif` wrote the text report into
 * a file a SARIF upload then refused, and `plan --output topology.png` wrote text into a `.png`.
 * Without --format the extension names the format; an extension naming another one, or only
 * formats the command does not write (`diff --output d.sarif`), is refused.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatsNamedBy } from "../../src/cli/args.js";
import { run } from "../hardening/harness.js";

const SPEC = "stacks/control-plane.yaml";
const dir = mkdtempSync(join(tmpdir(), "topoplan-output-ext-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the format an --output extension names", () => {
  it("of the command's formats only; a SARIF log may be named .json; text has no extension", () => {
    const check = ["text", "json", "sarif", "markdown"];
    expect(formatsNamedBy("out/results.sarif", check)).toEqual(["sarif"]);
    expect(formatsNamedBy("results.sarif.json", check)).toEqual(["json", "sarif"]);
    expect(formatsNamedBy("COMMENT.MD", check)).toEqual(["markdown"]);
    expect(formatsNamedBy("report.txt", check)).toEqual([]);
    expect(formatsNamedBy("diagram.png", check)).toEqual([]);
    expect(formatsNamedBy(undefined, check)).toEqual([]);
  });

  it("check --output results.sarif, no --format: a SARIF log", async () => {
    const output = join(dir, "results.sarif");
    const { code } = await run(["check", SPEC, "--output", output]);
    expect(code).toBeLessThan(2);
    expect(JSON.parse(readFileSync(output, "utf8")).version).toBe("2.1.0");
  });

  it("plan --output topology.png, no --format: a PNG", async () => {
    const output = join(dir, "topology.png");
    const { code } = await run(["plan", SPEC, "--output", output]);
    expect(code).toBe(0);
    expect([...readFileSync(output).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it("--format sarif --output results.sarif.json: SARIF is JSON, written as asked", async () => {
    const output = join(dir, "results.sarif.json");
    const { code } = await run(["check", SPEC, "--format", "sarif", "--output", output]);
    expect(code).toBeLessThan(2);
    expect(JSON.parse(readFileSync(output, "utf8")).version).toBe("2.1.0");
  });

  it("--format json --output results.sarif: exit 2, the fix named, nothing written there", async () => {
    const output = join(dir, "contradicted.sarif");
    const { code, stdout, stderr } = await run(["check", SPEC, "--format", "json", "--output", output]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/contradicted\.sarif is a \.sarif file, but --format is json/);
    expect(stderr).toMatch(/leave out --format \(the extension says sarif\)/);
    expect(existsSync(output)).toBe(false);
  });

  it.each([
    ["diff", [SPEC, SPEC], "d.sarif", /d\.sarif is a \.sarif file \(sarif\), which diff does not write/],
    ["check", [SPEC], "r.png", /r\.png is a \.png file \(png\), which check does not write/],
    ["plan", [SPEC], "p.sarif", /p\.sarif is a \.sarif file \(sarif\), which plan does not write/],
  ])(
    "%s --output %s: a format the command does not write is refused, exit 2, nothing written",
    async (command, specs, name, message) => {
      const output = join(dir, name as string);
      const { code, stdout, stderr } = await run([
        command as string,
        ...(specs as string[]),
        "--output",
        output,
      ]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(message as RegExp);
      expect(stderr).toMatch(/fix: name the file for a format \w+ writes: text \(report\.txt\)/);
      expect(existsSync(output)).toBe(false);
    },
  );

  it("an input error goes to the file in the format its extension names", async () => {
    const output = join(dir, "missing.sarif");
    const { code } = await run(["check", "missing-spec.yaml", "--output", output]);
    expect(code).toBe(2);
    expect(JSON.parse(readFileSync(output, "utf8")).version).toBe("2.1.0");
  });

  it("an extension naming no format at all says nothing: diff --output diff.txt is text", async () => {
    const output = join(dir, "diff.txt");
    const { code } = await run(["diff", SPEC, SPEC, "--output", output]);
    expect(code).toBe(0);
    expect(readFileSync(output, "utf8")).toMatch(/^topoplan diff/);
  });
});
