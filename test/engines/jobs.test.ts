/**
 * The setup Jobs' retry scripts, run by a real bash against a stand-in binary that records its
 * arguments: the SQL and CQL reach the engine's CLI byte for byte, and the loop ends on success or
 * on the accepted failure text. Temporary files are removed even when a test fails.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { placementStatements } from "../../src/engines/cockroachdb-placement.js";
import { retryScript } from "../../src/engines/jobs.js";
import { modelOf } from "../compile/kubernetes/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "topoplan-jobs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A binary that writes its arguments (NUL-separated) to a file, prints `output` and exits `code`. */
function standIn(name: string, output: string, code: number): { bin: string; args: () => string[] } {
  const bin = join(dir, name);
  const log = join(dir, `${name}.args`);
  writeFileSync(bin, `#!/bin/bash\nprintf '%s\\0' "$@" > '${log}'\necho '${output}'\nexit ${code}\n`);
  chmodSync(bin, 0o755);
  return { bin, args: () => readFileSync(log, "utf8").split("\0").slice(0, -1) };
}

const run = (script: string) => spawnSync("/bin/bash", ["-c", script], { encoding: "utf8", timeout: 10_000 });

describe("setup Job scripts", () => {
  test("the placement SQL reaches the CLI unchanged, quotes and all", () => {
    const model = modelOf({
      name: "bank",
      datastores: {
        ledger: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 2, "eu-central-1": 1 },
          leader: "eu-west-1",
          deploy: { target: "kubernetes", engine: "cockroachdb" },
        },
      },
    });
    const sql = `--execute=${placementStatements(model, model.datastores[0]!).join("; ")};`;
    const fake = standIn("cockroach", "ok", 0);
    const result = run(retryScript([fake.bin, "sql", "--host=h:26257", sql]));
    expect(result.status).toBe(0);
    expect(fake.args()).toEqual(["sql", "--host=h:26257", sql]);
    expect(sql).toContain(`constraints = '{"+region=eu-central-1":1,"+region=eu-west-1":2}'`);
  });

  test("a failure whose output is the accepted text ends the loop", () => {
    const fake = standIn("init", "ERROR: cluster has already been initialized", 1);
    const result = run(retryScript([fake.bin, "init"], "cluster has already been initialized"));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("already been initialized");
  });

  test("any other failure retries (the loop is still running when stopped)", () => {
    const fake = standIn("down", "connection refused", 1);
    const result = spawnSync(
      "/bin/bash",
      ["-c", retryScript([fake.bin, "init"], "already been initialized")],
      {
        encoding: "utf8",
        timeout: 2_000,
      },
    );
    expect(result.signal).toBe("SIGTERM");
    expect(result.stdout).toContain("connection refused");
  });
});
