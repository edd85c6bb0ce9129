/** `topoplan init` leaves a project whose first `pulumi stack init` works (pulumi/pulumi#15841). */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { run } from "../hardening/harness.js";

const scratch = mkdtempSync(join(tmpdir(), "topoplan-init-state-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("topoplan init and Pulumi's local state", () => {
  it("creates the empty folder Pulumi.yaml's file backend points at, still git-ignored", async () => {
    const dir = join(scratch, "infra");
    const { code, stdout } = await run(["init", dir]);
    expect(code).toBe(0);
    const url = parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8")).backend.url as string;
    const state = join(dir, url.replace(/^file:\/\/\.\//, ""));
    expect(statSync(state).isDirectory()).toBe(true);
    expect(readdirSync(state)).toEqual([]);
    expect(readFileSync(join(dir, ".gitignore"), "utf8").split("\n")).toContain(".pulumi-state/");
    expect(stdout).toContain(".pulumi-state/");
  });

  it("the README says to create it where a clone lacks it (it is git-ignored)", async () => {
    const dir = join(scratch, "clone");
    expect((await run(["init", dir])).code).toBe(0);
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    expect(readme.indexOf("mkdir -p .pulumi-state")).toBeGreaterThan(-1);
    expect(readme.indexOf("mkdir -p .pulumi-state")).toBeLessThan(readme.indexOf("pulumi stack init dev"));
  });
});
