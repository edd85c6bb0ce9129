import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, terminalIo } from "../../src/cli/main.js";
import { unwrapDiagnostics } from "../../src/diagnostics/format-text.js";
import { parseYaml } from "../../src/spec/load/yaml.js";

const scratch = mkdtempSync(join(tmpdir(), "topoplan-solve-shared-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A consensus store defined once under an anchor; `config` is written as `configYaml` (indented 2). */
const spec = (config: string) =>
  [
    "name: control-plane",
    "users: { eu-west-1: 0.6, eu-central-1: 0.4 }",
    "x-ds: &ds",
    "  replication: consensus",
    "  replicas: 5",
    "  placement: { eu-west-1: 2, eu-central-1: 2, eu-north-1: 1 }",
    "  leader: eu-west-1",
    "  residency: [EU]",
    "  traffic: { readsPerSec: 2000, writesPerSec: 200, itemBytes: 512 }",
    "  slo: { writeP99Ms: 150, readP99Ms: 120 }",
    "  deploy: { target: kubernetes, engine: etcd }",
    "datastores:",
    config,
    "",
  ].join("\n");

async function solveWrite(name: string, text: string) {
  const file = join(scratch, name);
  writeFileSync(file, text);
  let stdout = "";
  let stderr = "";
  const io = terminalIo(
    (t) => {
      stdout += t;
    },
    (t) => {
      stderr += t;
    },
    false,
  );
  const code = await main(["solve", file, "--write"], io);
  return { file, code, stdout, stderr: unwrapDiagnostics(stderr), after: readFileSync(file, "utf8") };
}

describe("solve --write on a datastore shared through YAML anchors", () => {
  it("a placement from a merge key is refused (exit 2, the line of `<<`, what to paste), nothing written", async () => {
    const text = spec("  config:\n    <<: *ds");
    const { file, code, stdout, stderr, after } = await solveWrite("merged.yaml", text);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /^error {3}datastores\.config {2}placement comes from a merge key \(<<\), shared with the anchor; --write replaces only values written in the datastore itself, so nothing was written {2}\[cli\/write\]\n/,
    );
    expect(stderr).toContain(`at: ${file}:14:5\n`);
    expect(stderr).toMatch(
      /fix: write these beside the `<<` of datastores\.config \(keys written there win over merged ones\): placement: \{ [^}]+ \}, leader: [a-z0-9-]+\n/,
    );
    expect(after).toBe(text);
  });

  it("a datastore that is the anchor others merge is refused: --write would edit them too", async () => {
    // `a` owns &own, `b` merges it: a placement written into `a` would move `b` as well.
    const text = [
      "name: control-plane",
      "users: { eu-west-1: 0.6, eu-central-1: 0.4 }",
      "datastores:",
      "  a: &own",
      "    replication: consensus",
      "    replicas: 5",
      "    placement: { eu-west-1: 1, eu-west-2: 4 }",
      "    residency: [EU]",
      "    traffic: { readsPerSec: 2000, writesPerSec: 200, itemBytes: 512 }",
      "    slo: { writeP99Ms: 150, readP99Ms: 120 }",
      "    deploy: { target: kubernetes, engine: etcd }",
      "  b:",
      "    <<: *own",
      "    description: a copy of a",
      "",
    ].join("\n");
    const { code, stderr, after } = await solveWrite("owner.yaml", text);
    expect(code).toBe(2);
    expect(stderr).toContain(
      "datastores.a  datastores.a holds the anchor &own, which other parts of the spec use (*own): --write would change them too, so nothing was written",
    );
    expect(after).toBe(text);
  });

  it("an anchor inside a value --write replaces is refused too (its alias would lose it)", async () => {
    const text = [
      "name: control-plane",
      "users: { eu-west-1: 0.6, eu-central-1: 0.4 }",
      "datastores:",
      "  a:",
      "    replication: consensus",
      "    replicas: 5",
      "    placement: { eu-west-1: &one 1, eu-west-2: 4 }",
      "    residency: [EU]",
      "    traffic: { readsPerSec: 2000, writesPerSec: 200, itemBytes: 512 }",
      "    slo: { writeP99Ms: 150, readP99Ms: 120 }",
      "    deploy: { target: kubernetes, engine: etcd }",
      "  b:",
      "    replication: consensus",
      "    replicas: 5",
      "    placement: { eu-west-1: 2, eu-central-1: 2, eu-north-1: *one }",
      "    leader: eu-west-1",
      "    residency: [EU]",
      "    deploy: { target: kubernetes, engine: etcd }",
      "",
    ].join("\n");
    const { code, stderr, after } = await solveWrite("nested.yaml", text);
    expect(code).toBe(2);
    expect(stderr).toContain("datastores.a holds the anchor &one, which other parts of the spec use (*one)");
    expect(after).toBe(text);
  });

  it("a datastore that is an alias is refused the same way", async () => {
    const text = spec("  config: *ds");
    const { code, stderr, after } = await solveWrite("alias.yaml", text);
    expect(code).toBe(2);
    expect(stderr).toContain("datastores.config  the datastore is an alias (*ds), shared with the anchor;");
    expect(after).toBe(text);
  });

  it("with placement written beside `<<`, --write replaces it and adds the leader there; the anchor is untouched", async () => {
    // A placement solve moves (slower, not cheaper): an optimal one it keeps, and writes nothing.
    const text = spec("  config:\n    <<: *ds\n    placement: { eu-west-1: 1, eu-west-2: 4 }");
    const { code, after } = await solveWrite("beside.yaml", text);
    expect(code).toBe(0);
    const anchor = text.slice(0, text.indexOf("datastores:"));
    expect(after.startsWith(anchor)).toBe(true);
    const config = (parseYaml(after, "beside.yaml") as { datastores: { config: Record<string, unknown> } })
      .datastores.config;
    expect(config.placement).not.toEqual({ "eu-west-1": 1, "eu-west-2": 4 });
    expect(after).toMatch(/\n {4}<<: \*ds\n {4}placement: \{[^}]+\}\n {4}leader: [a-z0-9-]+\n$/);
  });
});
