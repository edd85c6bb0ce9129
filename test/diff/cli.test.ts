import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Io } from "../../src/cli/command.js";
import { main } from "../../src/cli/main.js";
import globalKv from "../../stacks/global-kv.js";

function capture(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, color: false, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

const dir = mkdtempSync(join(tmpdir(), "topoplan-diff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const same = join(dir, "same.json");
writeFileSync(same, JSON.stringify(globalKv));
const scaledDown = join(dir, "scaled-down.json");
{
  const spec = structuredClone(globalKv) as unknown as {
    datastores: Record<string, { placement: Record<string, number> }>;
  };
  spec.datastores.accounts!.placement = { "eu-west-1": 1, "eu-central-1": 2, "eu-north-1": 2 };
  writeFileSync(scaledDown, JSON.stringify(spec));
}

describe("topoplan diff", () => {
  it("exit 0 when nothing destructive changes (the .ts stack and its JSON copy)", async () => {
    const io = capture();
    expect(await main(["diff", "stacks/global-kv.ts", same], io)).toBe(0);
    expect(io.out.join("")).toContain("Destructive changes (0)\n  none");
  });

  it("exit 1 on a scale-down, reported first; json and markdown too", async () => {
    const io = capture();
    expect(await main(["diff", "stacks/global-kv.ts", scaledDown], io)).toBe(1);
    const text = io.out.join("");
    expect(text).toContain(
      "  error datastores.accounts.placement.eu-west-1\n    replicas in eu-west-1: 2 → 1; scaling the StatefulSet down deletes 1 replica's volume unless the\n    PersistentVolumeClaims are retained\n",
    );
    for (const line of text.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
    // CockroachDB runs a StatefulSet per zone: eu-west-1b's set (protected) would also be deleted.
    expect(text.replace(/\n {4}(?=\S)/g, " ")).toContain(
      "1 protected resource would be deleted: eu-west-1/global-kv/StatefulSet/accounts-eu-west-1b",
    );
    expect(text.indexOf("Destructive changes (2)")).toBeLessThan(text.indexOf("Component changes"));

    const json = capture();
    expect(await main(["diff", "stacks/global-kv.ts", scaledDown, "--format", "json"], json)).toBe(1);
    const parsed = JSON.parse(json.out.join("")) as { destructive: { code: string }[] };
    expect(parsed.destructive.map((d) => d.code)).toEqual(["destructive-change", "destructive-change"]);

    const md = capture();
    const output = join(dir, "diff.md");
    expect(await main(["diff", "stacks/global-kv.ts", scaledDown, "-f", "markdown", "-o", output], md)).toBe(
      1,
    );
    expect(readFileSync(output, "utf8")).toContain(
      "❌ **2 destructive changes**: data can be lost or a protected resource replaced",
    );
  });

  it("exit 2 for a missing spec", async () => {
    const io = capture();
    expect(await main(["diff", "stacks/global-kv.ts", join(dir, "missing.json")], io)).toBe(2);
  });
});
