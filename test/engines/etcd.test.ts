/**
 * etcd's member flags, as compiled (the real engine is started from them in real/etcd.test.ts):
 * timeouts from the largest member round trip (etcd tuning guide) and pre-vote on.
 */
import { describe, expect, it } from "vitest";
import { etcd, etcdTimeouts } from "../../src/engines/etcd.js";
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
});
