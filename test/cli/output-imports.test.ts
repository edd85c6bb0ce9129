import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../hardening/harness.js";

const scratch = mkdtempSync(join(tmpdir(), "topoplan-imports-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A TS spec importing a module and a JSON file, one of them in a subfolder; returns its folder. */
function project(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, "data"), { recursive: true });
  const files: Record<string, string> = {
    "package.json": '{ "type": "module" }',
    "regions.ts": 'export const placement = { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 };\n',
    "data/sizes.json": '{ "replicas": 5 }\n',
    "spec.ts": [
      'import { placement } from "./regions.js";',
      'import sizes from "./data/sizes.json";',
      "export default {",
      '  name: "imports",',
      "  datastores: {",
      '    config: { replication: "consensus", replicas: sizes.replicas, placement, leader: "eu-west-1" },',
      "  },",
      "};",
      "",
    ].join("\n"),
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

describe("--output and --out never replace a file a TypeScript spec imports", () => {
  it("check --output naming an imported module or JSON file is refused, and the file is kept", async () => {
    const dir = project("check");
    const spec = join(dir, "spec.ts");
    for (const [imported, format] of [
      ["regions.ts", "text"],
      ["data/sizes.json", "json"],
    ] as const) {
      const target = join(dir, imported);
      const before = readFileSync(target, "utf8");
      const { code, stderr } = await run(["check", spec, "--format", format, "--output", target]);
      expect(code).toBe(2);
      expect(stderr).toContain(
        `error   --output  ${target} is also an input (imported by ${spec}); writing the report would replace it  [cli/output]\n        fix: name another file, e.g. --output report.txt`,
      );
      expect(readFileSync(target, "utf8")).toBe(before);
    }
    // Any other file is written as before.
    expect((await run(["check", spec, "--output", join(dir, "report.txt")])).code).toBe(0);
  });

  it("render --out holding an imported file is refused before anything is written", async () => {
    const dir = project("render");
    const spec = join(dir, "spec.ts");
    const { code, stderr } = await run(["render", spec, "--out", join(dir, "data")]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `error   --out  ${join(dir, "data/sizes.json")} (imported by ${spec}) is inside ${join(dir, "data")}, which render replaces as a whole  [cli/output]`,
    );
    expect(readFileSync(join(dir, "data/sizes.json"), "utf8")).toBe('{ "replicas": 5 }\n');
  });
});
