import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { READ_RETRY_AFTER_MS, ReadTargets } from "./read-targets.js";
import type { ClientDriver, ClientOptions, LabClient, LabEndpoint } from "./types.js";

/**
 * PostgreSQL through Debian's `psql` (no npm driver): pools of long-lived psql sessions per endpoint
 * (writes, reads and control apart, so blocked commits cannot starve reads), fed statements on
 * stdin. Every statement is followed by `\echo` of a marker, and succeeds iff it printed `ok`
 * before the marker, so errors need no parsing.
 */
const PSQL = "psql";
const TABLE = "topoplan_lab";

/**
 * Sessions per endpoint and purpose (writes, reads, control), like an application's connection pool
 * (estimate: at 10 ops/s and half writes, a 140 ms transatlantic write keeps under one busy).
 */
export const POOL_SIZE = 8;

class PsqlSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = "";
  private waiter: ((lines: string[] | Error) => void) | undefined;
  dead = false;
  /** A statement is running (possibly one its caller gave up on: it still holds the connection). */
  busy = false;
  /** Connected and answering (a first trivial statement went through). */
  readonly ready: Promise<void>;

  constructor(endpoint: LabEndpoint, connectTimeoutMs: number) {
    const user = endpoint.env.PGUSER ?? "postgres";
    this.child = spawn(
      PSQL,
      [
        "-X",
        "-A",
        "-t",
        "-q",
        "-h",
        endpoint.host,
        "-p",
        String(endpoint.port),
        "-U",
        user,
        "-d",
        "postgres",
      ],
      { env: { ...process.env, PGCONNECT_TIMEOUT: "3" }, stdio: ["pipe", "pipe", "pipe"] },
    );
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => {
      this.buffer += chunk;
      const at = this.buffer.indexOf("@@end");
      if (at >= 0 && this.waiter !== undefined) {
        const lines = this.buffer.slice(0, at).split("\n");
        this.buffer = this.buffer.slice(this.buffer.indexOf("\n", at) + 1);
        const waiter = this.waiter;
        this.waiter = undefined;
        waiter(lines);
      }
    });
    this.child.stderr.resume();
    this.child.stdin.on("error", () => this.kill());
    this.child.on("exit", () => {
      this.dead = true;
      this.waiter?.(new Error("psql session ended (connection lost)"));
      this.waiter = undefined;
    });
    this.ready = this.run("SELECT 'ok';", connectTimeoutMs).then(
      (lines) => {
        if (!lines.includes("ok")) throw new Error(`cannot connect to ${endpoint.name}`);
      },
      (error: Error) => {
        this.kill();
        throw error;
      },
    );
  }

  /**
   * Runs `sql` (one statement); resolves with the lines it printed. On timeout the caller gets an
   * error but the statement keeps its connection until the server answers, as in an application
   * whose request gave up (a blocked synchronous commit holds its backend).
   */
  run(sql: string, timeoutMs: number): Promise<string[]> {
    if (this.dead || this.busy) return Promise.reject(new Error("session busy or closed"));
    this.busy = true;
    return new Promise<string[]>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(new Error(`timeout after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (result) => {
        clearTimeout(timer);
        this.busy = false;
        if (settled) return;
        settled = true;
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      this.child.stdin.write(`${sql}\n\\echo @@end\n`);
    });
  }

  kill() {
    this.dead = true;
    this.child.kill("SIGKILL");
  }
}

class PoolExhausted extends Error {
  constructor(size: number, purpose: string, name: string) {
    super(`connection pool exhausted (${size} ${purpose} sessions busy on ${name})`);
  }
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

class PostgresClient implements LabClient {
  private readonly pools = new Map<string, PsqlSession[]>();
  private primary: string | undefined;
  private finding: Promise<string | undefined> | undefined;
  private readonly reads: ReadTargets;
  constructor(
    private readonly endpoints: readonly LabEndpoint[],
    private readonly options: ClientOptions,
  ) {
    this.reads = new ReadTargets(options.readOrder, READ_RETRY_AFTER_MS);
  }

  /** Runs `sql` on an idle (or new, connected) session; the time counts from the statement's send. */
  private async query(
    name: string,
    sql: string,
    timeoutMs: number,
    purpose: "write" | "read" | "control" = "control",
  ): Promise<{ lines: string[]; ms: number }> {
    const endpoint = this.endpoints.find((e) => e.name === name)!;
    const key = `${name}|${purpose}`;
    const pool = (this.pools.get(key) ?? []).filter((s) => !s.dead);
    this.pools.set(key, pool);
    let session = pool.find((s) => !s.busy);
    if (session === undefined) {
      if (pool.length >= POOL_SIZE) throw new PoolExhausted(POOL_SIZE, purpose, name);
      session = new PsqlSession(endpoint, timeoutMs);
      pool.push(session);
      await session.ready;
    }
    const start = performance.now();
    const lines = await session.run(sql, timeoutMs);
    return { lines, ms: performance.now() - start };
  }

  private async okQuery(name: string, sql: string, timeoutMs: number, purpose?: "write" | "read") {
    const result = await this.query(name, sql, timeoutMs, purpose);
    if (!result.lines.some((line) => line.startsWith("ok"))) throw new Error(`statement failed on ${name}`);
    return result;
  }

  /** The first member that answers as a primary; a lost member's timeout delays only a "none". */
  async leader(timeoutMs: number): Promise<string | undefined> {
    return new Promise((resolve) => {
      let pending = this.endpoints.length;
      if (pending === 0) resolve(undefined);
      for (const e of this.endpoints)
        this.query(e.name, "SELECT 'ok', pg_is_in_recovery();", timeoutMs)
          .then(
            ({ lines }) => {
              if (lines.some((l) => l === "ok|f")) resolve(e.name);
            },
            () => undefined,
          )
          .finally(() => {
            pending -= 1;
            if (pending === 0) resolve(undefined);
          });
    });
  }

  /** Runs `sql` on the primary; a failure forgets it, so the next call finds the current one. */
  private async onPrimary(sql: string, timeoutMs: number) {
    const name = await this.target(timeoutMs);
    try {
      return await this.okQuery(name, sql, timeoutMs);
    } catch (error) {
      this.primary = undefined;
      throw error;
    }
  }

  private async target(timeoutMs: number): Promise<string> {
    if (this.primary === undefined) {
      // One discovery at a time: concurrent requests share it instead of each opening sessions.
      this.finding ??= this.leader(timeoutMs).finally(() => {
        this.finding = undefined;
      });
      this.primary = await this.finding;
    }
    if (this.primary === undefined) throw new Error("no primary");
    return this.primary;
  }

  async write(key: string, value: string, timeoutMs: number): Promise<number> {
    const name = await this.target(timeoutMs);
    try {
      return (
        await this.okQuery(
          name,
          `INSERT INTO ${TABLE} VALUES (${quote(key)}, ${quote(value)}) RETURNING 'ok';`,
          timeoutMs,
          "write",
        )
      ).ms;
    } catch (error) {
      // A full pool says commits are blocked (every write session waits for its standby), not that
      // the primary moved: rediscovering then would only pile up sessions to members that are gone.
      if (!(error instanceof PoolExhausted)) this.primary = undefined;
      throw error;
    }
  }

  async prepare(timeoutMs: number): Promise<void> {
    await this.okQuery(
      await this.target(timeoutMs),
      `CREATE TABLE IF NOT EXISTS ${TABLE} (k text PRIMARY KEY, v text); SELECT 'ok';`,
      timeoutMs,
    );
  }

  async read(key: string, timeoutMs: number): Promise<number> {
    const strong = this.options.strongReads;
    const name = strong ? await this.target(timeoutMs) : this.reads.current();
    try {
      return (
        await this.okQuery(
          name,
          `SELECT 'ok', count(*) FROM ${TABLE} WHERE k = ${quote(key)};`,
          timeoutMs,
          "read",
        )
      ).ms;
    } catch (error) {
      // A full pool is this client's own queue, not a member that is gone.
      if (!strong && !(error instanceof PoolExhausted)) this.reads.failed(name);
      throw error;
    }
  }

  async keys(prefix: string, timeoutMs: number): Promise<string[]> {
    // From the primary of now: after a failover the one found earlier may be a standby catching up.
    this.primary = undefined;
    const { lines } = await this.onPrimary(
      `SELECT 'ok'; SELECT k FROM ${TABLE} WHERE starts_with(k, ${quote(prefix)});`,
      timeoutMs,
    );
    return lines.filter((l) => l.startsWith(prefix));
  }

  async lag(timeoutMs: number): Promise<Record<string, number>> {
    const { lines } = await this.onPrimary(
      "SELECT 'ok'; SELECT application_name, coalesce(extract(epoch FROM replay_lag) * 1000, 0) FROM pg_stat_replication;",
      timeoutMs,
    );
    const out: Record<string, number> = {};
    for (const line of lines) {
      const [app, ms] = line.split("|");
      // Unnamed walsenders are base backups and pg_rewind runs of a rejoining member, not standbys.
      if (app !== undefined && app !== "" && app !== "ok" && ms !== undefined) out[app] = Number(ms);
    }
    return out;
  }

  close() {
    for (const pool of this.pools.values()) for (const session of pool) session.kill();
  }
}

export const postgresqlDriver: ClientDriver = {
  connect: (endpoints, options) => new PostgresClient(endpoints, options),
};
