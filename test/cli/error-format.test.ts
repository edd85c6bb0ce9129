/**
 * An input error is reported in a machine format only when the command has that format: `diff
 * --format sarif` printed a SARIF log of its own refusal, which a CI step would have uploaded.
 */
import { describe, expect, it } from "vitest";
import { run } from "../hardening/harness.js";

const SPEC = "stacks/control-plane.yaml";

describe("a refused --format is not used to report the refusal", () => {
  it.each([
    ["diff", SPEC, SPEC, "--format", "sarif"],
    ["solve", SPEC, "--format", "sarif"],
    ["plan", SPEC, "--format", "markdown"],
    ["schema", "--format", "json"],
  ])("%s … %s: exit 2, the error on stderr, nothing on stdout", async (...argv) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/error/);
    expect(stderr).toMatch(/nothing was written/);
  });

  it("a format the command has still carries the error (CI annotates it)", async () => {
    const { code, stdout } = await run(["check", "missing-spec.yaml", "--format", "sarif"]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).version).toBe("2.1.0");
  });
});
