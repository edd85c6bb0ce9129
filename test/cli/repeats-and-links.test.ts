/** Small refusals (review): a failure named twice, and init beside a dangling symlink. */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../hardening/harness.js";

const scratch = mkdtempSync(join(tmpdir(), "topoplan-repeats-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("refused before anything runs", () => {
  it("whatif with the same --fail twice: exit 2 naming it", async () => {
    const { code, stderr } = await run([
      "whatif",
      "stacks/control-plane.yaml",
      "--fail",
      "region:eu-west-1",
      "--fail",
      "region:eu-west-1",
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("--fail region:eu-west-1 is given more than once");
  });

  it("init where package.json is a dangling symlink: exit 2, the link left as it was", async () => {
    const dir = join(scratch, "project");
    mkdirSync(dir);
    symlinkSync("elsewhere/package.json", join(dir, "package.json"));
    const { code, stderr } = await run(["init", dir]);
    expect(code).toBe(2);
    expect(stderr).toContain("already exists; topoplan init never overwrites a file");
    expect(lstatSync(join(dir, "package.json")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, "package.json"))).toBe("elsewhere/package.json");
    expect(existsSync(join(dir, "topology.ts"))).toBe(false);
  });
});
