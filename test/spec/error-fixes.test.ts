/**
 * Error messages whose fix could not be followed (review): the fix names what to do for the
 * problem that is there.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkProblems as problems } from "./problems.js";

const scratch = mkdtempSync(join(tmpdir(), "topoplan-error-fixes-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function spec(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

describe("fixes that can be followed", () => {
  it("missing required fields say so, and a bad replica count asks for no impossible placement sum", async () => {
    const found = await problems(spec("neg.yaml", "name: x\ndatastores: {a: {replicas: -3}}\n"));
    expect(found.map((f) => [f.path, f.ruleId])).toEqual([
      ["datastores.a.placement", "spec/missing"],
      ["datastores.a.replicas", "spec/too-small"],
      ["datastores.a.replication", "spec/missing"],
    ]);
    expect(found.find((f) => f.path === "datastores.a.replication")?.message).toBe(
      'required field is missing (one of "consensus", "primary-replica", "multi-leader", "leaderless")',
    );
    for (const f of found) expect(f.fix ?? "").not.toMatch(/replicas: 0/);
  });

  it("a placement past the replica limit is not offered as the count to set", async () => {
    const found = await problems(
      spec(
        "big.yaml",
        "name: x\ndatastores:\n  a:\n    replication: consensus\n    replicas: 3\n    placement: { eu-west-1: 101 }\n",
      ),
    );
    const sum = found.find((f) => f.ruleId === "spec/replica-count" && f.path === "datastores.a.placement");
    expect(sum?.fix).toBe("remove 98 replicas from placement");
  });

  it("an alias without its anchor names the anchor, not the alias limit", async () => {
    const [found] = await problems(spec("alias.yaml", "name: x\ndescription: *b\n"));
    expect(found?.fix).toBe(
      "define the anchor (`&name`) before the alias (`*name`) that uses it, or write the value out",
    );
  });

  it("a symlink loop is named as one, not as a missing file", async () => {
    const loop = join(scratch, "loop.yaml");
    symlinkSync("loop.yaml", loop);
    const [found] = await problems(loop);
    expect(found?.message).toMatch(/too many levels of symbolic links/);
  });

  it("a package the spec imports that is not installed is fixed by npm install", async () => {
    const project = join(scratch, "project");
    mkdirSync(project);
    const file = join(project, "topology.ts");
    writeFileSync(
      file,
      'import { defineTopology } from "not-installed-pkg";\nexport default defineTopology({ name: "x" });\n',
    );
    const [found] = await problems(file);
    expect(found?.message).toBe('Could not resolve "not-installed-pkg"');
    expect(found?.fix).toBe(
      "install the packages the spec imports: run `npm install` in its project (or `npm install not-installed-pkg`)",
    );
  });

  it("a TS spec whose export nests thousands of levels deep is refused at the level past the limit", async () => {
    const file = join(scratch, "deep.ts");
    writeFileSync(
      file,
      'let v: unknown = 1;\nfor (let i = 0; i < 30_000; i++) v = [v];\nexport default { name: "x", v };\n',
    );
    const [found] = await problems(file);
    expect(found?.message).toMatch(/: the default export at v(\[0\]){99} nests more than 100 levels deep/);
  });
});
