import { replicationLagSlo } from "../../../policies/rules/replication-lag-slo.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { describeRule } from "../harness.js";

const spec: TopologyInput = {
  name: "kv",
  datastores: {
    accounts: {
      replication: "primary-replica",
      replicas: 3,
      placement: { "eu-west-1": 1, "us-east-1": 1, "ap-northeast-1": 1 },
      leader: "eu-west-1",
      traffic: { writesPerSec: 100 },
      slo: { replicationLagMs: 200 },
    },
  },
};

describeRule(replicationLagSlo, {
  compliant: [
    {
      name: "lag below the target everywhere",
      spec,
      analysis: {
        datastores: {
          accounts: {
            replicationLag: [
              { region: "ap-northeast-1", p50Ms: 110, p99Ms: 180, unbounded: false },
              { region: "us-east-1", p50Ms: 40, p99Ms: 60, unbounded: false },
            ],
          },
        },
      },
    },
  ],
  noncompliant: [
    {
      name: "lag to Tokyo over the target",
      spec,
      analysis: {
        datastores: {
          accounts: {
            replicationLag: [
              { region: "ap-northeast-1", p50Ms: 130, p99Ms: 260.4, unbounded: false },
              { region: "us-east-1", p50Ms: 40, p99Ms: 60, unbounded: false },
            ],
          },
        },
      },
      expect: [
        {
          path: "datastores.accounts.slo.replicationLagMs",
          message: "replication lag p99 260.4 ms to ap-northeast-1 exceeds the SLO 200 ms",
          fix: "move the ap-northeast-1 replicas nearer eu-west-1, add link bandwidth, or relax replicationLagMs to 261",
        },
      ],
    },
    {
      name: "a saturated link makes the lag unbounded",
      spec,
      analysis: {
        datastores: {
          accounts: {
            replicationLag: [
              { region: "ap-northeast-1", p50Ms: 130, p99Ms: 180, unbounded: false },
              { region: "us-east-1", p50Ms: 40, p99Ms: 60, unbounded: true },
            ],
          },
        },
      },
      expect: [
        {
          path: "datastores.accounts.slo.replicationLagMs",
          message:
            "replication lag to us-east-1 is unbounded: the link from eu-west-1 is at or over capacity, or cut off by a network partition (SLO 200 ms)",
        },
      ],
    },
    {
      // No leader to name: the writes come from every region that takes them.
      name: "a multi-leader store's saturated links, named by where they lead",
      spec: {
        ...spec,
        datastores: {
          accounts: { ...spec.datastores!.accounts!, replication: "multi-leader", leader: undefined },
        },
      } as TopologyInput,
      analysis: {
        datastores: {
          accounts: {
            replicationLag: [
              { region: "ap-northeast-1", p50Ms: 130, p99Ms: 180, unbounded: true },
              { region: "us-east-1", p50Ms: 40, p99Ms: 60, unbounded: true },
            ],
          },
        },
      },
      expect: [
        {
          path: "datastores.accounts.slo.replicationLagMs",
          message:
            "replication lag to ap-northeast-1, us-east-1 is unbounded: the links into them are at or over capacity, or cut off by a network partition (SLO 200 ms)",
          fix: "add bandwidth into ap-northeast-1, us-east-1 from the regions that write or reduce the replicated write volume",
        },
      ],
    },
    {
      name: "no lag figures: unknown",
      spec,
      analysis: { datastores: { accounts: { replicationLag: [] } } },
      expect: [
        {
          path: "datastores.accounts.slo.replicationLagMs",
          status: "unknown",
          message: "the analysis has no replication lag figures for datastores.accounts",
        },
      ],
    },
  ],
});
