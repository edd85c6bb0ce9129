import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { loadSpec } from "../../src/spec/load/index.js";
import { MAX_SPEC_BYTES } from "../../src/spec/load/limits.js";
import { brief, problemsOf } from "./problems.js";

const fixture = (name: string) => `test/fixtures/invalid/${name}`;
const scratch = mkdtempSync(join(tmpdir(), "topoplan-load-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes a file into a private temporary folder and returns its path. */
function temporary(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

describe("loaders: files that cannot be read as a spec", () => {
  it("malformed YAML names line and column of every syntax error", async () => {
    const problems = await problemsOf(fixture("malformed.yaml"));
    expect(problems.map((d) => [d.code, d.location?.line, d.location?.column, d.message])).toEqual([
      ["spec/yaml", 4, 18, "invalid YAML: Nested mappings are not allowed in compact mappings"],
      ["spec/yaml", 4, 18, "invalid YAML: Implicit keys need to be on a single line"],
      [
        "spec/yaml",
        7,
        1,
        "invalid YAML: Flow map in block collection must be sufficiently indented and end with a }",
      ],
    ]);
    expect(problems.every((d) => d.location?.file === fixture("malformed.yaml"))).toBe(true);
  });

  it("duplicate YAML keys are an error naming the key, not a silent overwrite", async () => {
    expect(
      (await problemsOf(fixture("duplicate-keys.yaml"))).map((d) => ({ ...brief(d), at: d.location })),
    ).toEqual([
      {
        code: "spec/yaml-duplicate-key",
        path: "(root)",
        message:
          'duplicate key "replicas": a key may appear once per mapping (YAML would silently keep only one)',
        fix: "delete one of the two entries, or merge them",
        at: { file: fixture("duplicate-keys.yaml"), line: 8, column: 5 },
      },
    ]);
  });

  it("a YAML alias bomb is refused at the alias limit", async () => {
    expect((await problemsOf(fixture("alias-bomb.yaml"))).map(brief)).toEqual([
      {
        code: "spec/yaml",
        path: "(root)",
        message: `${fixture("alias-bomb.yaml")}: Excessive alias count indicates a resource exhaustion attack`,
        fix: "use at most 100 alias expansions; write the repeated parts out",
      },
    ]);
  });

  it("custom YAML tags are not executed or constructed", async () => {
    const file = temporary("tagged.yaml", "name: !!js/function 'function () { return 1 }'\n");
    const problems = await problemsOf(file);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((d) => d.code.startsWith("spec/"))).toBe(true);
  });

  it("an empty YAML file says so", async () => {
    const file = temporary("empty.yaml", "# nothing here yet\n");
    expect((await problemsOf(file)).map(brief)).toEqual([
      {
        code: "spec/empty",
        path: "(root)",
        message: `${file} is empty`,
        fix: "a topology needs at least `name:`; see stacks/edge-cache.yaml for an example",
      },
    ]);
  });

  it("an oversize file is refused before it is parsed", async () => {
    const file = temporary("huge.yaml", `name: huge\ndescription: ${"x".repeat(MAX_SPEC_BYTES)}\n`);
    const size = MAX_SPEC_BYTES + "name: huge\ndescription: \n".length;
    expect((await problemsOf(file)).map(brief)).toEqual([
      {
        code: "spec/file",
        path: "(root)",
        message: `${file} is ${size} bytes; specs are limited to ${MAX_SPEC_BYTES} bytes`,
        fix: "split the file or generate it with a TypeScript spec",
      },
    ]);
  });

  it("an unsupported extension lists the supported ones", async () => {
    expect((await problemsOf(fixture("spec.toml"))).map(brief)).toEqual([
      {
        code: "spec/file",
        path: "(root)",
        message: `${fixture("spec.toml")}: unsupported file type ".toml"`,
        fix: "use one of .ts, .mts, .yaml, .yml, .json",
      },
    ]);
  });

  it("a missing file and a directory", async () => {
    expect((await problemsOf(fixture("no-such-spec.yaml"))).map(brief)).toEqual([
      {
        code: "spec/file",
        path: "(root)",
        message: `${fixture("no-such-spec.yaml")}: no such file`,
        fix: "check the path (it is relative to the current directory)",
      },
    ]);
    const folder = join(scratch, "folder.yaml");
    await import("node:fs/promises").then((fs) => fs.mkdir(folder));
    expect((await problemsOf(folder)).map((d) => d.message)).toEqual([`${folder} is a directory`]);
  });

  it("malformed JSON names line and column", async () => {
    expect(
      (await problemsOf(fixture("malformed.json"))).map((d) => ({ ...brief(d), at: d.location })),
    ).toEqual([
      {
        code: "spec/json",
        path: "(root)",
        message: "invalid JSON: Expected double-quoted property name",
        fix: "fix the JSON syntax there (a trailing comma or a missing quote is the usual cause)",
        at: { file: fixture("malformed.json"), line: 4, column: 1 },
      },
    ]);
  });

  it("a TypeScript spec without a default export names what it does export", async () => {
    expect((await problemsOf(fixture("no-default-export.ts"))).map(brief)).toEqual([
      {
        code: "spec/typescript",
        path: "(root)",
        message: `${fixture("no-default-export.ts")} has no default export (it exports "topology")`,
        fix: "end the file with `export default defineTopology({ ... })`",
      },
    ]);
  });

  it("a TypeScript spec that throws: the error's message, no stack", async () => {
    // The spec runs in a worker thread with tsx's source maps, so the line is right under vitest too.
    const problems = await problemsOf(fixture("throws.ts"));
    expect(problems.map((d) => ({ ...brief(d), at: d.location }))).toEqual([
      {
        code: "spec/typescript",
        path: "(root)",
        message: "the spec threw while loading: REGIONS is not set",
        fix: "fix the error in the spec module (run `npx tsc --noEmit` for the full type check)",
        at: { file: fixture("throws.ts"), line: 4, column: 9 },
      },
    ]);
  });

  it("a TypeScript syntax error points at the line", async () => {
    const file = temporary("syntax.ts", 'export default { name: "x",\n');
    const problems = await problemsOf(file);
    expect(problems.map((d) => [d.code, d.message, d.location?.line])).toEqual([
      ["spec/typescript", "syntax error: Expected identifier but found end of file", 2],
    ]);
  });

  it("parsed formats report what they are", async () => {
    for (const [file, format] of [
      ["stacks/global-kv.ts", "typescript"],
      ["stacks/edge-cache.yaml", "yaml"],
      ["test/fixtures/valid/auto-placement.json", "json"],
    ] as const) {
      const spec = await loadSpec(file);
      expect(spec.format).toBe(format);
      expect((spec.data as { name: string }).name).toMatch(/^[a-z-]+$/);
    }
  });

  it("loader failures are InputErrors (exit code 2), never other exceptions", async () => {
    await expect(loadSpec(fixture("spec.toml"))).rejects.toBeInstanceOf(InputError);
    await expect(loadSpec(fixture("throws.ts"))).rejects.toBeInstanceOf(InputError);
    await expect(loadSpec(fixture("alias-bomb.yaml"))).rejects.toBeInstanceOf(InputError);
  });
});
