// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
/**
 * Redis members' names change when a caller first runs in a region without members (cluster-local
 * → clusterset, src/engines/redis.ts). A restarted member must still know itself in the Sentinels'
 * answer, and a Sentinel whose configuration was written with the old names must announce and
 * monitor by the new ones (review of the change: the old primary would have started as a replica
 * of itself, and an away caller been handed a name it cannot resolve). The compiled scripts run
 * under sh with redis-cli and redis-server stood in for.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { redisPlan } from "./redis-plan.js";

const plan = redisPlan({ "eu-west-1": 3 });
const scripts = (plan.find((r) => (r.inputs as any).data?.["start-redis.sh"] !== undefined)!.inputs as any)
  .data as Record<string, string>;

const LOCAL = (pod: string) => `${pod}.cache-peers.shop.svc.cluster.local`;
const CLUSTERSET = (pod: string) => `${pod}.eu-west-1.cache-peers.shop.svc.clusterset.local`;

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "topoplan-redis-names-"));
  // Stand-ins: redis-cli answers what SENTINEL_ANSWER says; redis-server prints its arguments.
  writeFileSync(join(dir, "redis-cli"), '#!/bin/sh\necho "$SENTINEL_ANSWER"\n');
  writeFileSync(join(dir, "redis-server"), '#!/bin/sh\necho "$@"\n');
  for (const tool of ["redis-cli", "redis-server"]) chmodSync(join(dir, tool), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(script: string, env: Record<string, string>): string {
  const result = spawnSync("sh", ["-c", script], {
    encoding: "utf8",
    env: {
      PATH: `${dir}:${process.env.PATH}`,
      DATA_DIR: dir,
      BIND_ADDRESS: "0.0.0.0",
      MASTER_NAME: "cache",
      QUORUM: "2",
      DOWN_AFTER_MS: "5000",
      FAILOVER_TIMEOUT_MS: "60000",
      ...env,
    },
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

describe("Redis members renamed (cluster-local → clusterset)", () => {
  const sentinels = ["cache-0", "cache-1", "cache-2"].map(CLUSTERSET).join(" ");

  test("the old primary, named by its old address, starts as the primary", () => {
    const args = run(scripts["start-redis.sh"]!, {
      SENTINELS: sentinels,
      SENTINEL_ANSWER: LOCAL("cache-0"),
      SELF_HOST: CLUSTERSET("cache-0"),
      INITIAL_PRIMARY: CLUSTERSET("cache-0"),
    });
    expect(args).not.toContain("--replicaof");
    // A replica still follows it.
    const replica = run(scripts["start-redis.sh"]!, {
      SENTINELS: sentinels,
      SENTINEL_ANSWER: LOCAL("cache-0"),
      SELF_HOST: CLUSTERSET("cache-1"),
      INITIAL_PRIMARY: CLUSTERSET("cache-0"),
    });
    expect(replica).toContain(`--replicaof ${LOCAL("cache-0")} 6379`);
  });

  test("addresses compare whole: the lab's loopback members are not one pod", () => {
    const args = run(scripts["start-redis.sh"]!, {
      SENTINELS: "127.0.0.1 127.0.0.2",
      SENTINEL_ANSWER: "127.0.0.1",
      SELF_HOST: "127.0.0.2",
      INITIAL_PRIMARY: "127.0.0.1",
    });
    expect(args).toContain("--replicaof 127.0.0.1 6379");
  });

  test("a Sentinel configured with the old names announces and monitors by the new ones", () => {
    const script = scripts["start-sentinel.sh"]!;
    const first = { SELF_HOST: LOCAL("cache-1"), INITIAL_PRIMARY: LOCAL("cache-0") };
    run(script, { ...first, SENTINELS: ["cache-0", "cache-1", "cache-2"].map(LOCAL).join(" ") });
    run(script, {
      SELF_HOST: CLUSTERSET("cache-1"),
      INITIAL_PRIMARY: CLUSTERSET("cache-0"),
      SENTINELS: sentinels,
    });
    const conf = readFileSync(join(dir, "sentinel.conf"), "utf8");
    expect(conf).toContain(`sentinel announce-ip ${CLUSTERSET("cache-1")}\n`);
    expect(conf).toContain(`sentinel monitor cache ${CLUSTERSET("cache-0")} 6379 2\n`);
    expect(conf).not.toContain("svc.cluster.local");
  });
});
