import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "./harness.js";

/**
 * YAML 1.1's typed tags (!!omap, !!set, !!binary, !!timestamp, !!pairs) are refused like any other
 * tag: the `yaml` package built a Map, Set, Uint8Array or Date from them, which the schema read as
 * an empty object ("expected an object, got object {}") or, under `policies:`, not at all — the
 * settings were silently ignored. A second YAML document is said in the user's terms, not as the
 * parser's API ("please use YAML.parseAllDocuments()").
 */
const scratch = mkdtempSync(join(tmpdir(), "topoplan-yaml-tags-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MINIMAL = [
  "name: t",
  "datastores:",
  "  kv:",
  "    replication: consensus",
  "    replicas: 3",
  "    placement: { eu-west-1: 3 }",
].join("\n");

function spec(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

describe("typed YAML tags are refused, never built into objects the schema misreads", () => {
  it("a policies block written as !!omap is refused (its out-of-range setting was ignored)", async () => {
    const file = spec("omap.yaml", `${MINIMAL}\npolicies: !!omap [ { bandwidth.headroom: 70 } ]\n`);
    const result = await run(["check", file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("invalid YAML: Unresolved tag: !!omap");
    expect(result.stderr).toMatch(/at: \S*omap\.yaml:7:11/);
    expect(result.stderr).toContain("fix: remove the tag");
  });

  it.each([
    ["!!set", "x-tags: !!set { a, b }"],
    ["!!binary", "description: !!binary aGVsbG8="],
    ["!!timestamp", "description: !!timestamp 2020-01-01"],
    ["!!pairs", "users: !!pairs [ { eu-west-1: 1 } ]"],
  ])("%s: exit 2 naming the tag and the fix", async (tag, line) => {
    const result = await run(["check", spec(`${tag.slice(2)}.yaml`, `${MINIMAL}\n${line}\n`)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Unresolved tag: ${tag}`);
    expect(result.stderr).toContain("a spec holds plain strings, numbers, booleans, lists and mappings");
    expect(result.stderr).not.toContain("got object {}");
  });

  it("--policy-config reads YAML the same way", async () => {
    const config = spec("policy.yaml", "bandwidth.headroom: !!binary aGVsbG8=\n");
    const result = await run(["check", spec("plain.yaml", `${MINIMAL}\n`), "--policy-config", config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unresolved tag: !!binary");
    expect(result.stderr).not.toContain("Invalid input");
  });
});

describe("a second YAML document", () => {
  it("is named as such, with the fix, not as the parser's API", async () => {
    const result = await run(["check", spec("two.yaml", `${MINIMAL}\n---\nname: u\n`)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the file holds more than one YAML document");
    expect(result.stderr).toContain("remove the `---` at that line");
    expect(result.stderr).not.toContain("parseAllDocuments");
  });
});
