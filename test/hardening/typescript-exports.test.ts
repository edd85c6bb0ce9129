import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { topoplan } from "../e2e/cli.js";

/**
 * TypeScript specs (real CLI processes: what a spec prints goes to topoplan's stderr).
 * - A promise as the default export was "not a plain object (a class instance, or a __proto__
 *   key …)": it is named as a promise, with `export default await …` as the fix.
 * - What a spec prints reached the terminal raw: an ESC sequence or OSC 8 link in a spec's
 *   console output steered the terminal like any other user string must not.
 */
const scratch = mkdtempSync(join(tmpdir(), "topoplan-ts-exports-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const DATA = `{ name: "t", datastores: { kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } } }`;
const env = { TOPOPLAN_TIMEOUT_MS: "5000" };

function ts(name: string, body: string): string {
  const file = join(scratch, name);
  writeFileSync(file, body);
  return file;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("a TypeScript spec's default export", () => {
  it.each([
    ["resolved", `export default Promise.resolve(${DATA});\n`],
    ["never settling", "export default new Promise(() => {});\n"],
  ])("a %s promise is named as a promise, with the fix", async (_, body) => {
    const result = await topoplan(["check", ts(`promise-${_.replace(" ", "-")}.ts`, body)], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the default export at (root) is a promise");
    expect(result.stderr).toContain("export default await");
    expect(result.stderr).not.toContain("class instance");
  });
});

describe("what a TypeScript spec prints", () => {
  it("reaches stderr with its control characters shown as \\uXXXX; the JSON report stays clean", async () => {
    const file = ts(
      "prints-escapes.ts",
      `console.log("\\u001b]8;;https://evil.example\\u0007click\\u001b]8;;\\u0007");\nconsole.error("\\u001b[2Jcleared\\rover");\nexport default ${DATA};\n`,
    );
    const result = await topoplan(["check", file, "--format", "json"], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).topology).toBe("t");
    expect(result.rawStderr).not.toMatch(RAW_CONTROL);
    expect(result.rawStderr).toContain("\\u001b]8;;https://evil.example\\u0007click");
    expect(result.rawStderr).toContain("\\u001b[2Jcleared\\u000dover");
  });
});
