import { describe, expect, it } from "vitest";
import { run } from "../hardening/harness.js";

const SPEC = "stacks/control-plane.yaml";

const solveWith = (regions: string) => run(["solve", SPEC, "--regions", regions]);

describe("solve --regions", () => {
  it.each([
    ["", "--regions names no region"],
    [" , ", "--regions names no region"],
    ["eu-west-1,,eu-central-1", '--regions has an empty entry (got "eu-west-1,,eu-central-1")'],
    ["eu-west-1,", '--regions has an empty entry (got "eu-west-1,")'],
    ["eu-west-1, eu-central-1,eu-west-1", '--regions names "eu-west-1" twice'],
  ])("%j is a usage error (exit 2), not a search over no region", async (regions, message) => {
    const { code, stdout, stderr } = await solveWith(regions);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toContain(
      `error   --regions  ${message}  [cli/usage]\n        fix: list candidate regions once each, separated by commas, e.g. --regions eu-west-1,eu-central-1\n`,
    );
  });
});
