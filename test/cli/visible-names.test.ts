import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, terminalIo } from "../../src/cli/main.js";

const MINIMAL = "test/fixtures/valid/minimal.yaml";
const scratch = mkdtempSync(join(tmpdir(), "topoplan-names-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the CLI in-process as on a terminal without colour; returns what reached stdout and stderr. */
async function run(argv: readonly string[]) {
  let stdout = "";
  let stderr = "";
  const io = terminalIo(
    (text) => {
      stdout += text;
    },
    (text) => {
      stderr += text;
    },
    false,
  );
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe("file names reach the terminal on one line", () => {
  it("a line break in the spec's name is shown as \\u000a in the text report, not printed as a fake line", async () => {
    const spec = join(scratch, "nl\nerror   fake finding.yaml");
    copyFileSync(MINIMAL, spec);
    const { code, stdout } = await run(["check", spec]);
    expect(code).toBe(0);
    const shown = relative(process.cwd(), spec).replace("\n", "\\u000a");
    expect(stdout.split("\n")[0]).toBe(`minimal  ${shown}`);
    expect(stdout).not.toMatch(/^error {3}fake/m);
  });

  it("the wrote/replaced message shows a line break, a tab and ESC in --output as \\uXXXX", async () => {
    const output = join(scratch, "o\u001b[31mx\n\t.json");
    const first = await run(["check", MINIMAL, "--format", "json", "--output", output]);
    const shown = output.replace("\u001b", "\\u001b").replace("\n", "\\u000a").replace("\t", "\\u0009");
    expect(first).toEqual({ code: 0, stdout: "", stderr: `wrote ${shown}\n` });
    expect((await run(["check", MINIMAL, "--format", "json", "--output", output])).stderr).toBe(
      `replaced ${shown}\n`,
    );
    expect(readdirSync(scratch)).toContain("o\u001b[31mx\n\t.json");
  });
});

describe("diagnostics locate a file on one line", () => {
  it("the at: line of a spec error shows a line break in the file name as \\u000a", async () => {
    const spec = join(scratch, "bad\nerror   fake.yaml");
    writeFileSync(spec, "name: shop\nservices:\n  api:\n    regions: [eu-wst-1]\n");
    const { code, stdout, stderr } = await run(["check", spec]);
    expect(code).toBe(2);
    const out = `${stdout}${stderr}`;
    const at = out.split("\n").filter((line) => line.trimStart().startsWith("at:"));
    expect(at.length).toBeGreaterThan(0);
    for (const line of at) expect(line).toContain("bad\\u000aerror   fake.yaml:");
    expect(out.split("\n").some((line) => line.startsWith("error   fake.yaml"))).toBe(false);
  });
});
