/**
 * PostgreSQL's automatic failover as the catalog runs it locally (src/engines/patroni.ts): Patroni
 * with a three-member etcd lock store in the primary's region, standing in for CloudNativePG.
 * Started from exactly what `local()` returns, on loopback: the primary's zone crashes (its member
 * and its lock-store member), a standby of the primary's region is promoted inside the operator's
 * 20–30 s window, never the other region's replica, no committed row is lost, synchronous commits
 * go on with the remaining standby, the remote replica follows the new primary, and the former
 * primary, restarted, rejoins as a standby of the new timeline.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAILOVER_TIMING, PATRONI_BINARY } from "../../../src/engines/patroni.js";
import { postgresql } from "../../../src/engines/postgresql.js";
import type { LocalMember } from "../../../src/engines/types.js";
import { build } from "../../analysis/helpers.js";
import { loopbackBlock, Processes, requireBinaries, waitFor } from "./harness.js";

const BIN = "/usr/lib/postgresql/15/bin";
const suite = requireBinaries([PATRONI_BINARY, `${BIN}/postgres`, "/usr/bin/psql", "/usr/bin/etcd"])
  ? describe
  : describe.skip;

/** Runs `sql` on a member; undefined when it cannot connect or the statement fails. */
function psql(address: string, sql: string, timeoutSeconds = 5): string | undefined {
  const run = spawnSync("/usr/bin/psql", ["-h", address, "-U", "postgres", "-d", "postgres", "-tAc", sql], {
    encoding: "utf8",
    env: {
      ...process.env,
      PGCONNECT_TIMEOUT: "2",
      PGOPTIONS: `-c statement_timeout=${timeoutSeconds * 1000}`,
    },
    timeout: (timeoutSeconds + 3) * 1000,
  });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

const model = build({
  name: "shop",
  users: { "eu-west-1": 0.7, "us-east-1": 0.3 },
  datastores: {
    orders: {
      replication: "primary-replica",
      consistency: "strong",
      sync: "semi-sync",
      replicas: 4,
      placement: { "eu-west-1": 3, "us-east-1": 1 },
      leader: "eu-west-1",
      deploy: { target: "kubernetes", engine: "postgresql" },
    },
  },
});

suite("PostgreSQL engine: automatic failover (Patroni standing in for CloudNativePG)", () => {
  const processes = new Processes();
  const address = loopbackBlock(41);
  const addresses = new Map<string, string>();
  let locals: LocalMember[] = [];
  const at = (m: LocalMember) => addresses.get(m.member.name)!;
  const named = (name: string) => locals.find((m) => m.member.name === name)!;
  const start = (m: LocalMember) => processes.startMember(m, at(m), processes.dir(m.member.name), 60_000);

  beforeAll(async () => {
    const store = model.datastores[0]!;
    expect(store.failover).toMatchObject({ mode: "automatic", rtoSeconds: 30, earliestSeconds: 20 });
    let i = 0;
    locals = postgresql.local!(model, store, {
      address: (m) => {
        if (!addresses.has(m.name)) addresses.set(m.name, address(i++));
        return addresses.get(m.name)!;
      },
      dataDir: (m) => processes.dir(m.name),
      networks: ["127.0.0.0/8"],
    });
    for (const m of locals) await start(m);
  }, 180_000);

  afterAll(async () => {
    await processes.cleanup();
  });

  test("a lock store of three in the primary's region, then one primary and its standbys", async () => {
    const control = locals.filter((m) => m.controlPlane);
    expect(control.map((m) => m.member.zone)).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    const data = locals.filter((m) => !m.controlPlane);
    expect(data.map((m) => m.member.name)).toEqual([
      "orders-eu-west-1-0",
      "orders-eu-west-1-1",
      "orders-eu-west-1-2",
      "orders-us-east-1-0",
    ]);
    const primary = named("orders-eu-west-1-0");
    // Bootstrap (the lock store's election, initdb, the first leader key) took 5 s on an idle
    // machine and passed 30 s once on a loaded one: a start-up wait, not a measured property.
    await waitFor(
      "the first member leads",
      async () => (psql(at(primary), "SELECT pg_is_in_recovery()") === "f" ? true : undefined),
      75_000,
    );
    const states = await waitFor("every standby streaming", async () => {
      const rows = psql(
        at(primary),
        "SELECT application_name || '=' || sync_state FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1",
      );
      // A standby still catching up is listed as async until it streams.
      return rows !== undefined && rows.split("\n").filter(Boolean).length === 3
        ? rows.split("\n")
        : undefined;
    });
    // ANY 1 over the primary region's members, as CloudNativePG writes it; the remote one is async.
    expect(states).toEqual([
      "orders-eu-west-1-1=quorum",
      "orders-eu-west-1-2=quorum",
      "orders-us-east-1-0=async",
    ]);
  }, 150_000);

  test("losing the primary's zone promotes a standby of its region within the operator's window; nothing committed is lost", async () => {
    const primary = named("orders-eu-west-1-0");
    expect(psql(at(primary), "CREATE TABLE t (id int PRIMARY KEY)")).toBe("CREATE TABLE");
    for (let id = 1; id <= 50; id++)
      expect(psql(at(primary), `INSERT INTO t VALUES (${id})`)).toBe("INSERT 0 1");
    // The zone goes: its database member and its lock-store member, killed at once.
    const crashedAt = Date.now();
    for (const m of locals.filter((x) => x.member.zone === "eu-west-1a"))
      processes.crash(m.member.name, processes.dir(m.member.name));
    const candidates = ["orders-eu-west-1-1", "orders-eu-west-1-2", "orders-us-east-1-0"].map(named);
    const promoted = await waitFor(
      "a new primary",
      async () => candidates.find((m) => psql(at(m), "SELECT pg_is_in_recovery()", 2) === "f"),
      (FAILOVER_TIMING.ttlSeconds + 30) * 1000,
    );
    const seconds = (Date.now() - crashedAt) / 1000;
    expect(promoted.member.region).toBe("eu-west-1");
    // The lock expires ttl after its last refresh (refreshed every loop_wait), a standby notices on
    // its next loop and promotes: inside CloudNativePG's 20–30 s (the model's earliest and RTO).
    console.info(`patroni failover: a new primary ${seconds.toFixed(1)} s after the crash`);
    expect(seconds).toBeGreaterThanOrEqual(FAILOVER_TIMING.ttlSeconds - FAILOVER_TIMING.loopWaitSeconds);
    expect(seconds).toBeLessThanOrEqual(30 + 1);
    expect(psql(at(promoted), "SELECT count(*) FROM t")).toBe("50");
    // Commits go on: ANY 1 is met by the region's other standby once it follows the new primary.
    const committed = await waitFor("a synchronous commit on the new primary", async () =>
      psql(at(promoted), "INSERT INTO t VALUES (51)", 3) === "INSERT 0 1" ? true : undefined,
    );
    expect(committed).toBe(true);
    const remote = named("orders-us-east-1-0");
    await waitFor("the remote replica follows the new primary", async () =>
      psql(at(remote), "SELECT count(*) FROM t WHERE id = 51") === "1" ? true : undefined,
    );
  }, 120_000);

  test("the former primary, restarted, rejoins as a standby of the new timeline", async () => {
    for (const m of locals.filter((x) => x.member.zone === "eu-west-1a")) await start(m);
    const former = named("orders-eu-west-1-0");
    await waitFor(
      "the former primary streams as a standby",
      async () =>
        psql(at(former), "SELECT pg_is_in_recovery()") === "t" &&
        psql(at(former), "SELECT count(*) FROM t WHERE id = 51") === "1"
          ? true
          : undefined,
      90_000,
    );
  }, 120_000);
});
