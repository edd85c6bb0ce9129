import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "./harness.js";

/**
 * `solve --write` into a JSON spec: with a UTF-8 byte-order mark (which the loader accepts) it was
 * an internal error (exit 3, `Unexpected token '\ufeff'`) after printing the report; and the file is
 * re-serialised whole, which the user is now told when it changes the file's layout.
 */
const scratch = mkdtempSync(join(tmpdir(), "topoplan-solve-json-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const DATA = {
  name: "sw",
  datastores: { kv: { replication: "consensus", replicas: 3, placement: "auto" } },
};

function spec(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

describe("solve --write on JSON", () => {
  it("a byte-order mark: written (kept), exit 0, not an internal error", async () => {
    const file = spec("bom.json", `\ufeff${JSON.stringify(DATA, null, 2)}\n`);
    const result = await run(["solve", file, "--write"]);
    expect(result.stderr).not.toContain("internal error");
    expect(result.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text.startsWith("\ufeff")).toBe(true);
    expect(JSON.parse(text.slice(1)).datastores.kv.placement).not.toBe("auto");
    expect((await run(["check", file])).code).toBeLessThan(2);
  });

  it("a one-line file: the user is told its layout changed; a 2-space file is not", async () => {
    const compact = spec("compact.json", JSON.stringify(DATA));
    const told = await run(["solve", compact, "--write"]);
    expect(told.code).toBe(0);
    expect(told.stderr).toContain("JSON is rewritten whole: its layout is now 2-space indentation");
    const pretty = spec("pretty.json", `${JSON.stringify(DATA, null, 2)}\n`);
    const quiet = await run(["solve", pretty, "--write"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toContain("wrote the chosen placement of kv into");
    expect(quiet.stderr).not.toContain("layout");
  });
});
