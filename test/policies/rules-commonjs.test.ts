import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadRules } from "../../src/policy-config/rules.js";

const RULE = `const rule = {
  id: "team-rule",
  title: "t",
  severity: "warning",
  docs: { why: "w", how: "h", fix: "f" },
  check() { return []; },
};
`;

const dir = mkdtempSync(join(tmpdir(), "topoplan-rules-cjs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--rules in a CommonJS project (package.json without "type": "module")', () => {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "cjs-project", private: true }));

  it.each([
    ["a default export", "default.ts", `${RULE}export default rule;\n`],
    ["named exports", "named.ts", `${RULE}export const teamRule = rule;\n`],
    ["module.exports", "exports.cjs", `${RULE}module.exports = rule;\n`],
  ])("loads %s", async (_what, file, source) => {
    writeFileSync(join(dir, file), source);
    const rules = await loadRules(join(dir, file), []);
    expect(rules.map((r) => r.id)).toEqual(["team-rule"]);
  });
});

describe("--rules that is not UTF-8", () => {
  it("is refused at its first bad byte, with the fix for the encoding", async () => {
    const file = join(dir, "latin1.ts");
    writeFileSync(
      file,
      Buffer.concat([Buffer.from(`${RULE}// caf`, "utf8"), Buffer.from("\xe9\n", "latin1")]),
    );
    const error = await loadRules(file, []).then(
      () => undefined,
      (e: unknown) => e as { diagnostics?: { message: string; fix: string }[] },
    );
    expect(error?.diagnostics?.map((d) => [d.message, d.fix])).toEqual([
      [
        `${file}: could not be compiled: not valid UTF-8 (${file}:8:7)`,
        "save the file as UTF-8 (it looks like Latin-1 or another legacy encoding)",
      ],
    ]);
  });
});
