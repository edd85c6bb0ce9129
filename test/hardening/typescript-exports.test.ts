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

describe("a TypeScript spec that runs out of memory, and the time limit's setting", () => {
  it("says it ran out of memory, without V8's heap report and native stack", async () => {
    const file = ts(
      "out-of-memory.ts",
      "const held: number[][] = [];\nwhile (true) held.push(new Array(1e6).fill(1.5));\nexport default {};\n",
    );
    // A small heap (inherited by the child through NODE_OPTIONS) runs out in well under a second.
    const result = await topoplan(["check", file], {
      env: { ...env, NODE_OPTIONS: "--max-old-space-size=64" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("ran out of memory");
    expect(result.stderr).not.toMatch(/Last few GCs|FATAL ERROR|Native stack trace/);
  });

  it.each(["3000000000", "abc", "-5", "1.5"])(
    "TOPOPLAN_TIMEOUT_MS=%s is refused with the range, not taken as another limit",
    async (value) => {
      const result = await topoplan(["check", ts("fine.ts", `export default ${DATA};\n`)], {
        env: { TOPOPLAN_TIMEOUT_MS: value },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("TOPOPLAN_TIMEOUT_MS");
      expect(result.stderr).toContain("whole milliseconds from 1 to 2147483647");
    },
  );
});
