import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { STACK_FRAME, topoplan } from "./cli.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "topoplan-init-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const FILES = [
  ".github",
  ".gitignore",
  ".pulumi-state",
  "Pulumi.dev.yaml",
  "Pulumi.yaml",
  "README.md",
  "index.ts",
  "package.json",
  "topology.ts",
  "tsconfig.json",
];

describe("topoplan init", () => {
  it("scaffolds the project files, and Pulumi.yaml is valid against Pulumi's project schema", async () => {
    const result = await topoplan(["init", join(dir, "infra")]);
    expect([result.code, result.stderr]).toEqual([0, ""]);
    expect(readdirSync(join(dir, "infra")).sort()).toEqual(FILES);
    const project = parse(readFileSync(join(dir, "infra/Pulumi.yaml"), "utf8"));
    const schema = JSON.parse(
      readFileSync(new URL("../pulumi/schemas/pulumi-project.schema.json", import.meta.url), "utf8"),
    );
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect([validate(project), validate.errors ?? []]).toEqual([true, []]);
    expect(project).toMatchObject({
      name: "infra",
      runtime: { name: "nodejs", options: { typescript: false, nodeargs: "--import tsx" } },
      backend: { url: "file://./.pulumi-state" },
    });
    const pkg = JSON.parse(readFileSync(join(dir, "infra/package.json"), "utf8"));
    expect(pkg.type).toBe("module");
    expect(pkg.dependencies.topoplan).toMatch(/^\^\d+\.\d+\.\d+/);
    const stack = parse(readFileSync(join(dir, "infra/Pulumi.dev.yaml"), "utf8"));
    expect(stack.config["topoplan:topology"]).toBe("topology.ts");
  });

  it("--from: a tarball or folder as file: relative to the project, another spec as given, a missing path refused", async () => {
    writeFileSync(join(dir, "topoplan-0.1.0.tgz"), "");
    expect((await topoplan(["init", join(dir, "a"), "--from", join(dir, "topoplan-0.1.0.tgz")])).code).toBe(
      0,
    );
    const dependency = (project: string) =>
      JSON.parse(readFileSync(join(dir, project, "package.json"), "utf8")).dependencies.topoplan;
    expect(dependency("a")).toBe("file:../topoplan-0.1.0.tgz");
    expect((await topoplan(["init", join(dir, "b"), "--from", "github:acme/topoplan#v0.1.0"])).code).toBe(0);
    expect(dependency("b")).toBe("github:acme/topoplan#v0.1.0");
    // This checkout, built: its folder.
    expect((await topoplan(["init", join(dir, "f"), "--from", process.cwd()])).code).toBe(0);
    expect(dependency("f")).toMatch(/^file:(\.\.\/)+/);
    const missing = await topoplan(["init", join(dir, "c"), "--from", "./nowhere/topoplan-0.1.0.tgz"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--from");
    expect(missing.stderr).not.toMatch(STACK_FRAME);
    // Not a tarball, not a topoplan checkout: refused too (review).
    writeFileSync(join(dir, "notes.md"), "");
    expect((await topoplan(["init", join(dir, "d"), "--from", join(dir, "notes.md")])).code).toBe(2);
    mkdirSync(join(dir, "other"));
    const other = await topoplan(["init", join(dir, "e"), "--from", join(dir, "other")]);
    expect([other.code, other.stderr]).toEqual([2, expect.stringContaining("not a topoplan checkout")]);
    expect(readdirSync(dir).sort()).toEqual(["a", "b", "f", "notes.md", "other", "topoplan-0.1.0.tgz"]);
  });

  it('a CommonJS project has no "type": "module" and loads topoplan with import()', async () => {
    expect((await topoplan(["init", dir, "--name", "acme", "--module", "commonjs"])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).type).toBeUndefined();
    expect(readFileSync(join(dir, "index.ts"), "utf8")).toContain('await import("topoplan/pulumi")');
  });

  it("refuses to overwrite: exit 2, names every existing file, writes nothing", async () => {
    writeFileSync(join(dir, "topology.ts"), "mine");
    mkdirSync(join(dir, ".github/workflows"), { recursive: true });
    writeFileSync(join(dir, ".github/workflows/topology-check.yml"), "mine");
    const result = await topoplan(["init", dir, "--name", "acme"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/topology\.ts +already exists/);
    expect(result.stderr).toMatch(/topology-check\.yml +already exists/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(readdirSync(dir).sort()).toEqual([".github", "topology.ts"]);
    expect(readFileSync(join(dir, "topology.ts"), "utf8")).toBe("mine");
  });

  it("rejects a name npm or Pulumi would reject, with the fix", async () => {
    const result = await topoplan(["init", join(dir, "My Infra")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"my infra" is not a valid npm and Pulumi project name');
    expect(result.stderr).toContain("--name my-infra");
  });
});
