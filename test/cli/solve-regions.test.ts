import { describe, expect, it } from "vitest";
import { run } from "../hardening/harness.js";

const SPEC = "stacks/control-plane.yaml";

const solveWith = (regions: string) => run(["solve", SPEC, "--regions", regions]);

describe("solve --regions", () => {
  it.each([
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

  it('"" is refused like any flag given an empty value', async () => {
    const { code, stdout, stderr } = await solveWith("");
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toContain("error   --regions  --regions is given an empty value  [cli/usage]\n");
  });

  it("a region the datastore's residency forbids is a usage error (exit 2), not a silent drop", async () => {
    const { code, stdout, stderr } = await solveWith("us-east-1");
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    const flat = stderr.replace(/\s+/g, " ");
    expect(flat).toContain(
      "datastores.config.residency --regions us-east-1 is outside datastores.config.residency [EU]; the datastore may not be placed there [cli/usage]",
    );
    expect(flat).toContain("at: stacks/control-plane.yaml:");
    expect(flat).toContain("fix: list regions datastores.config.residency allows");
    // Mixed with allowed regions: still refused, and the fix names the rest.
    const mixed = await solveWith("eu-west-1,us-east-1");
    expect(mixed.code).toBe(2);
    expect(mixed.stderr.replace(/\s+/g, " ")).toContain("fix: drop us-east-1 (--regions eu-west-1)");
  });
});
