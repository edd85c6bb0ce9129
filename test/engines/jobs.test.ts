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
import { placementScript } from "../../src/engines/cockroachdb.js";
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
/** A retry loop run for 2 s, then stopped (SIGTERM): what it did by then. */
const runStopped = (script: string) =>
  spawnSync("/bin/bash", ["-c", script], { encoding: "utf8", timeout: 2_000 });

/** A CockroachDB store of `bank` led from eu-west-1 with this placement. */
const ledgerModel = (placement: Record<string, number>, survive?: "region") =>
  modelOf({
    name: "bank",
    datastores: {
      ledger: {
        replication: "consensus",
        replicas: Object.values(placement).reduce((a, b) => a + b, 0),
        placement,
        leader: "eu-west-1",
        ...(survive === undefined ? {} : { survive }),
        deploy: { target: "kubernetes", engine: "cockroachdb" },
      },
    },
  });

describe("setup Job scripts", () => {
  test("the placement SQL reaches the CLI unchanged, quotes and all", () => {
    const model = ledgerModel({ "eu-west-1": 2, "eu-central-1": 1 });
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

describe("the multi-region placement Job drops the database regions outside the placement", () => {
  const model = ledgerModel({ "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 }, "region");
  const store = model.datastores[0]!;
  const statements = placementStatements(model, store);

  /**
   * A stand-in `cockroach` that appends each call's arguments to a log and answers the two queries
   * (`--format=tsv`) as `cockroach sql` prints a result, a header then the rows: the database's
   * region count, and `regions` for the stale-regions one; `dropFails`: a DROP REGION exits 1.
   */
  function cockroach(
    name: string,
    regions: string,
    {
      count = "3",
      dropFails = false,
      revertFails = false,
    }: { count?: string; dropFails?: boolean; revertFails?: boolean } = {},
  ) {
    const bin = join(dir, name);
    const log = join(dir, `${name}.log`);
    writeFileSync(
      bin,
      [
        "#!/bin/bash",
        `printf '%s\\0' "$@" >> '${log}'; printf '\\n' >> '${log}'`,
        `case "$*" in`,
        `  *database-regions:*) printf '%s\\n' regions 'database-regions:${count}' ;;`,
        `  *--format=tsv*) printf '%s\\n' ${regions} ;;`,
        `  *"DROP REGION"*) ${dropFails ? "exit 1" : "echo ALTER"} ;;`,
        `  *"SURVIVE ZONE FAILURE"*) ${revertFails ? "exit 1" : "echo ALTER"} ;;`,
        "  *) echo ok ;;",
        "esac",
      ].join("\n"),
    );
    chmodSync(bin, 0o755);
    const calls = () =>
      readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => line.split("\0").slice(0, -1));
    return { bin, calls };
  }
  const countQuery = [
    "--format=tsv",
    `--execute=SELECT 'database-regions:' || count(*)::STRING AS regions FROM [SHOW REGIONS FROM DATABASE "ledger"]`,
  ];
  const staleQuery = [
    "--format=tsv",
    `--execute=SELECT 'stale-region:' || region AS stale FROM [SHOW REGIONS FROM DATABASE "ledger"] WHERE region NOT IN ('eu-central-1', 'eu-north-1', 'eu-west-1')`,
  ];
  /** One `--execute` per statement, as the script passes them. */
  const execute = (sql: readonly string[]) => sql.map((statement) => `--execute=${statement};`);

  test("every region the query reports, one DROP REGION each, after the statements; nothing else read back", () => {
    // A header that is a glob, a region, a footer-like line and a second region.
    const fake = cockroach(
      "crdb-stale",
      "stale 'stale-region:eu-west-2' '?column? # 1 row' 'stale-region:us-east-1'",
    );
    const result = run(placementScript(store, [fake.bin, "sql", "--host=h:26257"], statements));
    expect(result.status).toBe(0);
    const client = ["sql", "--host=h:26257"];
    expect(fake.calls()).toEqual([
      [...client, ...execute(statements.slice(0, 1))],
      [...client, ...countQuery],
      [...client, ...execute(statements.slice(1))],
      [...client, ...staleQuery],
      [...client, '--execute=ALTER DATABASE "ledger" DROP REGION "eu-west-2"'],
      [...client, '--execute=ALTER DATABASE "ledger" DROP REGION "us-east-1"'],
    ]);
    expect(statements[0]).toMatch(/^CREATE DATABASE IF NOT EXISTS "ledger" PRIMARY REGION/);
  });

  test("a database without regions (the zone-configuration form's) is converted before the rest", () => {
    const fake = cockroach("crdb-convert", "stale", { count: "0" });
    const result = run(placementScript(store, [fake.bin, "sql"], statements));
    expect(result.status).toBe(0);
    expect(fake.calls()).toEqual([
      ["sql", ...execute(statements.slice(0, 1))],
      ["sql", ...countQuery],
      [
        "sql",
        '--execute=ALTER DATABASE "ledger" CONFIGURE ZONE DISCARD;',
        '--execute=ALTER DATABASE "ledger" SET PRIMARY REGION "eu-west-1";',
      ],
      ["sql", ...execute(statements.slice(1))],
      ["sql", ...staleQuery],
    ]);
  });

  test("a region count it cannot read: nothing more runs, and the Job retries", () => {
    const fake = cockroach("crdb-garbled", "stale", { count: "03" });
    const result = runStopped(placementScript(store, [fake.bin, "sql"], statements));
    expect(result.signal).toBe("SIGTERM");
    expect(result.stdout).toContain("no region count");
    expect(
      fake
        .calls()
        .every((call) => call.join(" ").includes("--format=tsv") || call.join(" ").includes("CREATE")),
    ).toBe(true);
  });

  test("nothing outside the placement: no DROP REGION, and the Job is done", () => {
    const fake = cockroach("crdb-none", "stale");
    const result = run(placementScript(store, [fake.bin, "sql"], statements));
    expect(result.status).toBe(0);
    expect(fake.calls()).toHaveLength(4);
  });

  test("a region name that is not a region code is not dropped, and the Job retries", () => {
    const fake = cockroach("crdb-odd", "'stale-region:eu-west-2\";rm'");
    const result = runStopped(placementScript(store, [fake.bin, "sql"], statements));
    expect(result.signal).toBe("SIGTERM");
    expect(result.stdout).toContain("not a region code");
    expect(fake.calls().some((call) => call.join(" ").includes("DROP REGION"))).toBe(false);
  });

  test("a DROP REGION that fails is retried, not taken as done", () => {
    const fake = cockroach("crdb-fail", "'stale-region:eu-west-2'", { dropFails: true });
    const result = runStopped(placementScript(store, [fake.bin, "sql"], statements));
    expect(result.signal).toBe("SIGTERM");
  });

  describe("the zone-configuration form", () => {
    const zoned = ledgerModel({ "eu-west-1": 2, "eu-central-1": 1 });
    const zonedStore = zoned.datastores[0]!;
    const zonedSql = placementStatements(zoned, zonedStore);
    const regionsQuery = [
      "--format=tsv",
      `--execute=SELECT 'database-region:' || region AS region FROM [SHOW REGIONS FROM DATABASE "ledger"] ORDER BY "primary", region`,
    ];
    const dropRegion = (region: string) => [
      "sql",
      `--execute=ALTER DATABASE "ledger" DROP REGION "${region}"`,
    ];

    test("a database without regions gets the zone configuration, nothing else", () => {
      const fake = cockroach("crdb-zoned", "region");
      const result = run(placementScript(zonedStore, [fake.bin, "sql"], zonedSql));
      expect(result.status).toBe(0);
      expect(fake.calls()).toEqual([
        ["sql", ...execute(zonedSql.slice(0, 1))],
        ["sql", ...regionsQuery],
        ["sql", ...execute(zonedSql.slice(1))],
      ]);
      expect(zonedSql[1]).toMatch(/^ALTER DATABASE "ledger" CONFIGURE ZONE USING num_replicas = 3/);
    });

    test("a database the multi-region form made loses its regions first, the primary last", () => {
      // As the query orders them: the regions that are not primary, then the primary.
      const fake = cockroach(
        "crdb-revert",
        "region 'database-region:eu-central-1' 'database-region:eu-north-1' 'database-region:eu-west-1'",
      );
      const result = run(placementScript(zonedStore, [fake.bin, "sql"], zonedSql));
      expect(result.status).toBe(0);
      expect(fake.calls()).toEqual([
        ["sql", ...execute(zonedSql.slice(0, 1))],
        ["sql", ...regionsQuery],
        [
          "sql",
          '--execute=ALTER DATABASE "ledger" SURVIVE ZONE FAILURE;',
          '--execute=ALTER DATABASE "ledger" DROP SECONDARY REGION IF EXISTS;',
        ],
        dropRegion("eu-central-1"),
        dropRegion("eu-north-1"),
        dropRegion("eu-west-1"),
        ["sql", ...execute(zonedSql.slice(1))],
      ]);
    });

    test("a revert that fails: no region dropped, no zone configuration, and the Job retries", () => {
      const fake = cockroach("crdb-revert-survive", "'database-region:eu-west-1'", { revertFails: true });
      const result = runStopped(placementScript(zonedStore, [fake.bin, "sql"], zonedSql));
      expect(result.signal).toBe("SIGTERM");
      const calls = fake.calls().map((call) => call.join(" "));
      expect(calls.some((call) => call.includes("SURVIVE ZONE FAILURE"))).toBe(true);
      expect(calls.some((call) => call.includes("DROP REGION") || call.includes("CONFIGURE ZONE"))).toBe(
        false,
      );
    });

    test("a DROP REGION that fails: no zone configuration, and the Job retries", () => {
      const fake = cockroach("crdb-revert-fail", "'database-region:eu-west-1'", { dropFails: true });
      const result = runStopped(placementScript(zonedStore, [fake.bin, "sql"], zonedSql));
      expect(result.signal).toBe("SIGTERM");
      expect(fake.calls().some((call) => call.join(" ").includes("CONFIGURE ZONE"))).toBe(false);
    });

    test("a region name that is not a region code is not dropped, and the Job retries", () => {
      const fake = cockroach("crdb-revert-odd", "'database-region:eu-west-1;rm'");
      const result = runStopped(placementScript(zonedStore, [fake.bin, "sql"], zonedSql));
      expect(result.signal).toBe("SIGTERM");
      expect(result.stdout).toContain("not a region code");
      expect(fake.calls().some((call) => call.join(" ").includes("DROP REGION"))).toBe(false);
    });
  });
});
