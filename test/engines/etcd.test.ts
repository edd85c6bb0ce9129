/**
 * etcd's member flags, as compiled (the real engine is started from them in real/etcd.test.ts):
 * timeouts from the largest member round trip (etcd tuning guide) and pre-vote on.
 */
import { describe, expect, it } from "vitest";
import { indicatorsOf } from "../../src/compile/observability/indicators.js";
import { etcd, etcdTimeouts, quotaBackendBytes } from "../../src/engines/etcd.js";
import type { ResolvedDatastore } from "../../src/model/types.js";
import { modelOf } from "../compile/kubernetes/helpers.js";

const model = modelOf({
  name: "cp",
  users: { "eu-west-1": 1 },
  datastores: {
    config: {
      replication: "consensus",
      replicas: 3,
      placement: { "eu-west-1": 1, "eu-central-1": 1, "us-east-1": 1 },
      leader: "eu-west-1",
      deploy: { target: "kubernetes", engine: "etcd" },
    },
  },
});
const store = model.datastores[0] as ResolvedDatastore;
const members = etcd.local!(model, store, {
  address: (m) => `10.0.0.${m.name.length}`,
  dataDir: (m) => `/tmp/${m.name}`,
  networks: ["10.0.0.0/24"],
});

describe("etcd member flags", () => {
  it.each([
    // [largest RTT, heartbeat, election]: heartbeat ≈ the RTT (floor 100 ms), election ≥ 10 RTTs and ≥ 5 heartbeats, in 100 ms steps.
    [1, 100, 1000],
    [92.8, 100, 1000],
    [139.2, 140, 1400],
    [250, 250, 2500],
  ])("largest member RTT %f ms → heartbeat %i ms, election %i ms", (rtt, heartbeatMs, electionMs) => {
    expect(etcdTimeouts(rtt)).toEqual({ heartbeatMs, electionMs });
  });

  it("every member runs with pre-vote, so a member that was cut off does not depose the leader", () => {
    expect(members).toHaveLength(3);
    for (const member of members) expect(member.command).toContain("--pre-vote=true");
  });

  it("history is compacted hourly and the backend quota follows the volume: never NOSPACE by default", () => {
    // Without compaction every revision is kept until the (2 GiB default) quota, then NOSPACE.
    for (const member of members) {
      expect(member.command).toContain("--auto-compaction-mode=periodic");
      expect(member.command).toContain("--auto-compaction-retention=1");
      // storageGi 100 (the default): half of it is over etcd's suggested 8 GiB maximum.
      expect(member.command).toContain(`--quota-backend-bytes=${8 * 1024 ** 3}`);
    }
    expect(quotaBackendBytes(4)).toBe(2 * 1024 ** 3);
  });
});

describe("etcd failed requests", () => {
  // The error ratio's grpc_code matcher, anchored as Prometheus anchors regular expressions.
  const matcher = /grpc_code=~"([^"]+)"/.exec(indicatorsOf(store).errorRatio!("5m"))?.[1] ?? "";
  const counted = (code: string) => new RegExp(`^(?:${matcher})$`).test(code);

  it.each([
    // etcd's server errors (api/v3rpc/rpctypes/error.go) that are the store's failures.
    ["Unavailable", "no leader, leader changed, request timed out, server stopped", true],
    ["ResourceExhausted", "database space exceeded, too many requests", true],
    ["DataLoss", "corrupt cluster", true],
    [
      "FailedPrecondition",
      "not leader, too many learners, re-configuration with too few members started",
      true,
    ],
    ["DeadlineExceeded", "the caller's deadline passed in the server", true],
    ["Internal", "a server fault", true],
    ["Unknown", "an error without a gRPC status", true],
    // The client's own: as etcd's mixin, not counted.
    ["OutOfRange", "required revision compacted / in the future", false],
    ["InvalidArgument", "empty key, request too large", false],
    ["NotFound", "lease not found", false],
    ["PermissionDenied", "permission denied", false],
    ["Unauthenticated", "invalid auth token", false],
    ["Canceled", "the client went away", false],
    ["OK", "served", false],
  ])("%s (%s) counted as failed: %s", (code, _, failed) => {
    expect(counted(code)).toBe(failed);
  });
});
