import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { topologyFromData } from "../../src/pipeline.js";
import { loadSpec } from "../../src/spec/load/index.js";
import { scanJson } from "../../src/spec/load/json-duplicates.js";
import { MAX_SPEC_BYTES } from "../../src/spec/load/limits.js";
import { brief, problemsOf, REPO } from "./problems.js";

const fixture = (name: string) => `test/fixtures/invalid/${name}`;
const scratch = mkdtempSync(join(tmpdir(), "topoplan-load-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes a file into a private temporary folder and returns its path. */
function temporary(name: string, text: string): string {
  const file = join(scratch, name);
  mkdirSync(dirname(file), { recursive: true });
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

  it("a YAML merge key merges the mapping in, the keys written beside it winning; merges are bounded", async () => {
    const merged = temporary(
      "merge.yaml",
      [
        "name: merged",
        "services:",
        "  a:",
        "    regions: [us-east-1]",
        "    deploy: &deploy { target: kubernetes, image: ghcr.io/acme/a:1.0.0, port: 8080 }",
        "  b:",
        "    regions: [us-east-1]",
        "    deploy:",
        "      <<: *deploy",
        "      image: ghcr.io/acme/b:1.0.0",
        "",
      ].join("\n"),
    );
    const data = (await loadSpec(merged)).data as { services: Record<string, { deploy: unknown }> };
    expect(data.services.b!.deploy).toEqual({
      target: "kubernetes",
      image: "ghcr.io/acme/b:1.0.0",
      port: 8080,
    });
    // A merge bomb: every level merges the one below twice.
    const levels = Array.from({ length: 12 }, (_, i) =>
      i === 0 ? "l0: &l0 { a: 1 }" : `l${i}: &l${i} { <<: [*l${i - 1}, *l${i - 1}], k${i}: 1 }`,
    );
    const bomb = temporary("merge-bomb.yaml", `${levels.join("\n")}\nname: x\n`);
    expect((await problemsOf(bomb)).map((d) => d.code)).toEqual(["spec/yaml"]);
    // Merging a list: the parser's message, and a fix that says what a merge takes.
    const list = temporary("merge-list.yaml", "name: m\nx-list: &l [1, 2]\nservices:\n  a:\n    <<: *l\n");
    expect((await problemsOf(list)).map((d) => [d.code, d.fix])).toEqual([
      ["spec/yaml", "merge mappings only: `<<: *defaults` where `&defaults` names a mapping"],
    ]);
  });

  it("top-level x- keys are extension fields: anchors live there, topoplan ignores them", async () => {
    const file = temporary(
      "extensions.yaml",
      [
        "name: extended",
        "x-service: &service",
        "  regions: [us-east-1, eu-west-1]",
        "  deploy: { target: kubernetes, image: ghcr.io/acme/svc:1.0.0, port: 8080 }",
        "x-owner: { team: platform, pager: '#oncall' }",
        "services:",
        "  api: { <<: *service }",
        "  worker:",
        "    <<: *service",
        "    regions: [us-east-1]",
        "",
      ].join("\n"),
    );
    expect(await problemsOf(file)).toEqual([]);
    const { model } = topologyFromData(await loadSpec(file));
    expect(model.services.map((s) => [s.name, s.regions])).toEqual([
      ["api", ["eu-west-1", "us-east-1"]],
      ["worker", ["us-east-1"]],
    ]);
    expect(Object.keys(model.topology)).not.toContain("x-service");
    // Only at the top: elsewhere an x- key is as unknown as any other.
    const nested = temporary(
      "nested-extension.yaml",
      "name: n\nservices:\n  api:\n    regions: [us-east-1]\n    x-note: hi\n",
    );
    expect((await problemsOf(nested)).map((d) => [d.code, d.path])).toEqual([
      ["spec/unknown-field", "services.api.x-note"],
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
        fix: 'load it from a TypeScript spec, which has no size limit: export default JSON.parse(readFileSync("topology.json", "utf8"))',
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

  it("a FIFO is named for what it is, not read (reading could block) and not called missing", async () => {
    const fifo = join(scratch, "pipe.yaml");
    execFileSync("mkfifo", [fifo]);
    expect((await problemsOf(fifo)).map((d) => d.message)).toEqual([
      `${fifo} is not a regular file (a pipe, device or socket)`,
    ]);
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

  it("a key twice in one JSON object is refused, with its object's path and the second one's line", async () => {
    const file = temporary(
      "dup.json",
      '{\n  "name": "x",\n  "services": {\n    "api": {"regions": ["eu-west-1"]},\n    "\\u0061pi": {}\n  },\n  "name": "y"\n}\n',
    );
    expect((await problemsOf(file)).map((d) => ({ ...brief(d), at: d.location }))).toEqual([
      {
        code: "spec/json-duplicate-key",
        path: "services",
        message:
          'duplicate key "api": a key may appear once per object (JSON.parse would silently keep the last)',
        fix: "delete one of the two entries, or merge them",
        at: { file, line: 5, column: 5 },
      },
    ]);
    // The same key in different objects, in arrays and inside strings is no duplicate.
    const fine = temporary(
      "fine.json",
      '{"name": "x", "users": {"eu-west-1": 1}, "services": {"a": {"regions": ["eu-west-1"], "description": "\\"name\\": {"}, "b": {"regions": ["eu-west-1"]}}}',
    );
    expect(await problemsOf(fine)).toEqual([]);
  });

  it("a file that is not UTF-8 is refused at its first bad byte, not decoded into U+FFFD", async () => {
    const file = join(scratch, "latin1.yaml");
    // A correctly encoded U+FFFD before the bad byte is text, not the place to point at.
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from("name: x\n# \uFFFD\n", "utf8"),
        Buffer.from("description: caf\xe9\n", "latin1"),
      ]),
    );
    expect((await problemsOf(file)).map((d) => ({ ...brief(d), at: d.location }))).toEqual([
      {
        code: "spec/encoding",
        path: "(root)",
        message: `${file} is not valid UTF-8`,
        fix: "save the file as UTF-8 (it looks like Latin-1 or another legacy encoding)",
        at: { file, line: 3, column: 17 },
      },
    ]);
  });

  it("YAML nested thousands deep says so rather than 'fix the syntax'", async () => {
    const file = temporary("deep.yaml", `name: x\ndescription: ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
    expect((await problemsOf(file)).map(brief)).toEqual([
      {
        code: "spec/yaml",
        path: "(root)",
        message: "the YAML nests too deeply to read (more than 100 levels; a topology has fewer than ten)",
        fix: "flatten the nesting at that line",
      },
    ]);
  });

  it("JSON and YAML refuse the same nesting: 100 levels are read, 101 are not, with the same message", async () => {
    const nested = (levels: number) => `${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}`;
    const json = (levels: number) => `{"name": "x", "description": ${nested(levels)}}`;
    const yaml = (levels: number) => `name: x\ndescription: ${nested(levels)}\n`;
    // At the limit the loaders hand the data on, and validation says what is wrong with it.
    for (const file of [temporary("ok100.json", json(100)), temporary("ok100.yaml", yaml(100))])
      expect((await problemsOf(file)).map((d) => d.code)).toEqual(["spec/invalid-type"]);
    const tooDeep = "nests too deeply to read (more than 100 levels; a topology has fewer than ten)";
    const deepJson = temporary("deep101.json", json(101));
    expect((await problemsOf(deepJson)).map((d) => ({ ...brief(d), at: d.location }))).toEqual([
      {
        code: "spec/json",
        path: "description",
        message: `the JSON ${tooDeep}`,
        fix: "flatten the nesting at that line",
        at: { file: deepJson, line: 1, column: 129 },
      },
    ]);
    const deepYaml = temporary("deep101.yaml", yaml(101));
    expect((await problemsOf(deepYaml)).map(brief)).toEqual([
      {
        code: "spec/yaml",
        path: "description",
        message: `${deepYaml}: the YAML ${tooDeep}`,
        fix: "flatten the nesting under description",
      },
    ]);
  });

  it("JSON nested 50,000 deep is refused at once (a path copied per level took gigabytes and crashed)", async () => {
    const file = temporary(
      "deep50000.json",
      `{"name": "x", "description": ${"[".repeat(50_000)}${"]".repeat(50_000)}}`,
    );
    const started = performance.now();
    expect((await problemsOf(file)).map((d) => d.code)).toEqual(["spec/json"]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("the JSON scan is linear in depth, and builds the path of a deep duplicate key", () => {
    const levels = 50_000;
    const text = `${"[".repeat(levels)}{"a": 1, "a": 2}${"]".repeat(levels)}`;
    const started = performance.now();
    const { duplicate } = scanJson(text, Number.POSITIVE_INFINITY);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(duplicate).toEqual({ key: "a", path: "[0]".repeat(levels), offset: levels + 9 });
    expect(scanJson(text, levels)).toEqual({ tooDeep: { under: 0, offset: levels } });
  });

  it("a top-level await that never settles is named as such, not blamed on process.exit", async () => {
    const never = temporary("never.ts", 'await new Promise(() => {});\nexport default { name: "x" };\n');
    expect((await problemsOf(never)).map(brief)).toEqual([
      {
        code: "spec/typescript",
        path: "(root)",
        message: `${never}: the spec finished without producing its default export: a top-level await never settled (a promise nothing resolves)`,
        fix: "resolve the awaited promise, or compute the topology without it: a spec exports its topology and returns",
      },
    ]);
    // A real process.exit is still reported as one, with its code.
    const exits = temporary("exits.ts", 'process.exit(3);\nexport default { name: "x" };\n');
    expect((await problemsOf(exits)).map((d) => d.message)).toEqual([
      `${exits}: the spec ended the process while loading (process.exit(3))`,
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

  it("one object under two keys is data; only an object inside itself is a cycle", async () => {
    // The everyday TypeScript spec: a regions array and a deploy block reused by several services.
    const shared = temporary(
      "shared.ts",
      [
        'const regions = ["us-east-1", "eu-west-1"];',
        'const deploy = { target: "kubernetes", image: "ghcr.io/acme/a:1.0.0", port: 8080 };',
        "export default {",
        '  name: "shared",',
        "  services: {",
        "    a: { regions, deploy },",
        '    b: { regions, deploy, calls: [{ to: "a", timeoutMs: 1000 }] },',
        "  },",
        "};",
        "",
      ].join("\n"),
    );
    const spec = await loadSpec(shared);
    const services = (spec.data as { services: Record<string, { regions: string[] }> }).services;
    expect(services.a!.regions).toEqual(["us-east-1", "eu-west-1"]);
    expect(services.b!.regions).toEqual(["us-east-1", "eu-west-1"]);

    const cycle = temporary(
      "cycle.ts",
      'const t: any = { name: "x", services: { a: { regions: ["us-east-1"] } } };\nt.services.a.back = t.services;\nexport default t;\n',
    );
    expect((await problemsOf(cycle)).map(brief)).toEqual([
      {
        code: "spec/typescript",
        path: "(root)",
        message: `${cycle}: the default export at services.a.back refers back to an enclosing object (a cycle); a topology is plain data`,
        fix: "export plain objects, arrays, strings, numbers and booleans",
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

  it("a TypeScript syntax error in an imported file names that file", async () => {
    temporary("broken-import/package.json", '{ "type": "module" }');
    temporary("broken-import/helper.ts", "export const x = ;\n");
    const file = temporary(
      "broken-import/spec.ts",
      'import { x } from "./helper.js";\nexport default { name: x };\n',
    );
    expect((await problemsOf(file)).map((d) => [d.message, d.location])).toEqual([
      [`${file}: syntax error: Unexpected ";" (${join(scratch, "broken-import/helper.ts")}:1:18)`, undefined],
    ]);
  });

  it("a file a TypeScript spec imports that is not UTF-8 is refused at its first bad byte", async () => {
    temporary("latin1-import/package.json", '{ "type": "module" }');
    const helper = join(scratch, "latin1-import/helper.ts");
    writeFileSync(
      helper,
      Buffer.concat([Buffer.from('// ok\nexport const x = "caf', "utf8"), Buffer.from('\xe9";\n', "latin1")]),
    );
    const file = temporary(
      "latin1-import/spec.ts",
      'import { x } from "./helper.js";\nexport default { name: "x", description: x };\n',
    );
    expect((await problemsOf(file)).map((d) => [d.message, d.fix, d.location])).toEqual([
      [
        `${file}: a file it imports is not valid UTF-8 (${helper}:2:22)`,
        "save the file as UTF-8 (it looks like Latin-1 or another legacy encoding)",
        undefined,
      ],
    ]);
  });

  it.each([
    ["JSON", "data.json", '{ "x": "caf'],
    ["JavaScript", "data.js", 'export default { x: "caf'],
  ])("a local %s file a TypeScript spec imports is refused when not UTF-8", async (_what, name, head) => {
    temporary("latin1-data/package.json", '{ "type": "module" }');
    writeFileSync(
      join(scratch, "latin1-data", name),
      Buffer.concat([Buffer.from(head, "utf8"), Buffer.from('\xe9" }\n', "latin1")]),
    );
    const file = temporary(
      `latin1-data/spec-${name}.ts`,
      `import data from "./${name}";\nexport default { name: "x", description: data.x };\n`,
    );
    expect((await problemsOf(file)).map((d) => d.message)).toEqual([
      `${file}: a file it imports is not valid UTF-8 (${join(scratch, "latin1-data", name)}:1:${head.length + 1})`,
    ]);
  });

  it("an import that does not resolve points at the import", async () => {
    const file = temporary(
      "unresolved.ts",
      'import x from "no-such-package";\nexport default { name: x };\n',
    );
    expect((await problemsOf(file)).map((d) => [d.message, d.location?.line, d.location?.column])).toEqual([
      ['Could not resolve "no-such-package"', 1, 15],
    ]);
  });
});

describe("TypeScript specs: what the loader gives a spec (src/spec/load/compile.ts)", () => {
  it("local imports the TypeScript way, JSON, each file's own import.meta, packages from node_modules", async () => {
    const dir = join(scratch, "esm-project");
    temporary("esm-project/package.json", '{ "type": "module" }');
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(join(REPO, "node_modules/yaml"), join(dir, "node_modules/yaml"), "dir");
    temporary("esm-project/regions.json", '["eu-west-1", "eu-central-1"]');
    temporary(
      "esm-project/lib/names.ts",
      "export const here: string = import.meta.url;\nexport const folder: string = import.meta.dirname;\n",
    );
    temporary("esm-project/lib/index.ts", 'export * from "./names.js";\n');
    const file = temporary(
      "esm-project/topology.ts",
      [
        'import { stringify } from "yaml";',
        'import regions from "./regions.json";',
        'import { folder, here } from "./lib";',
        "type Name = string;",
        'const name: Name = "t";',
        'export default { name, description: [here, folder, import.meta.url, stringify(regions).trim()].join(" | ") };',
        "",
      ].join("\n"),
    );
    const spec = await loadSpec(file);
    expect((spec.data as { description: string }).description.split(" | ")).toEqual([
      pathToFileURL(join(dir, "lib/names.ts")).href,
      join(dir, "lib"),
      pathToFileURL(file).href,
      "- eu-west-1\n- eu-central-1",
    ]);
  });

  it("CommonJS scope: each file's __dirname and __filename, require, module.exports in a .cjs file", async () => {
    const dir = join(scratch, "cjs-project");
    temporary("cjs-project/package.json", '{ "name": "cjs-project" }');
    temporary("cjs-project/sub/where.ts", "export const where: string = __filename;\n");
    temporary("cjs-project/legacy.cjs", 'module.exports = { region: "eu-west-1" };\n');
    const file = temporary(
      "cjs-project/topology.ts",
      [
        'import { where } from "./sub/where";',
        'import legacy from "./legacy.cjs";',
        'const { basename } = require("node:path");',
        'export default { name: basename(__dirname), description: [where, legacy.region].join(" ") };',
        "",
      ].join("\n"),
    );
    const spec = await loadSpec(file);
    expect(spec.data).toEqual({
      name: "cjs-project",
      description: `${join(dir, "sub/where.ts")} eu-west-1`,
    });
  });

  it("a throw in an imported file is located at the spec's line that called it", async () => {
    temporary("throw-import/package.json", '{ "type": "module" }');
    temporary(
      "throw-import/helper.ts",
      'export function fail(): never {\n  throw new Error("no regions");\n}\n',
    );
    const file = temporary(
      "throw-import/spec.ts",
      'import { fail } from "./helper.js";\n\nexport default { name: fail() };\n',
    );
    expect((await problemsOf(file)).map((d) => [d.message, d.location?.line, d.location?.column])).toEqual([
      ["the spec threw while loading: no regions", 3, 24],
    ]);
  });

  it("leaves no temporary files behind", async () => {
    const tmp = join(scratch, "tmp");
    mkdirSync(tmp, { recursive: true });
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      await loadSpec("stacks/global-kv.ts");
      await problemsOf(fixture("throws.ts"));
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });
});
