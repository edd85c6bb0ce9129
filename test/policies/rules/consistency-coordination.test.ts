import { consistencyCoordination } from "../../../policies/rules/consistency-coordination.js";
import { describeRule } from "../harness.js";

const placement = { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 };

describeRule(consistencyCoordination, {
  compliant: [
    {
      name: "consensus, sync primary-replica, overlapping leaderless quorums, eventual multi-leader",
      spec: {
        name: "kv",
        datastores: {
          a: { replication: "consensus", consistency: "strong", replicas: 3, placement },
          b: { replication: "primary-replica", sync: "sync", consistency: "strong", replicas: 3, placement },
          c: {
            replication: "leaderless",
            consistency: "strong",
            replicas: 3,
            placement,
            quorum: { read: 2, write: 2 },
          },
          d: { replication: "multi-leader", consistency: "eventual", replicas: 3, placement },
        },
      },
    },
  ],
  noncompliant: [
    {
      // Said "use replication: consensus, or declare consistency: bounded-staleness": PostgreSQL
      // runs neither, so both exited 2 once applied.
      name: "async PostgreSQL declared strong: the fix names what the engine allows",
      spec: {
        name: "shop",
        datastores: {
          orders: {
            replication: "primary-replica",
            sync: "async",
            consistency: "strong",
            replicas: 2,
            placement: { "eu-west-1": 2 },
            deploy: { target: "kubernetes", engine: "postgresql" },
          },
        },
      },
      expect: [
        {
          path: "datastores.orders.consistency",
          message:
            "strong consistency with async primary-replica replication: replicas lag the primary and a failover loses acknowledged writes",
          fix: "move to a consensus engine (replication: consensus with deploy.engine cockroachdb or etcd: PostgreSQL runs no consensus), or declare consistency: session or eventual (sync: sync also gives strong reads, but every replica must then acknowledge each write, and losing a zone that holds one stops writes)",
        },
      ],
    },
    {
      name: "strong without coordination",
      spec: {
        name: "kv",
        datastores: {
          a: { replication: "multi-leader", consistency: "strong", replicas: 3, placement },
          b: { replication: "primary-replica", consistency: "strong", replicas: 3, placement },
          c: {
            replication: "leaderless",
            consistency: "strong",
            replicas: 3,
            placement,
            quorum: { read: 1, write: 2 },
          },
        },
      },
      expect: [
        {
          path: "datastores.a.consistency",
          message:
            "strong consistency with multi-leader replication: 3 regions (eu-central-1, eu-north-1, eu-west-1) accept concurrent writes that are reconciled after the fact",
          fix: "use replication: consensus for strong consistency, or declare consistency: eventual (or session) for multi-leader",
        },
        {
          path: "datastores.b.consistency",
          message:
            "strong consistency with async primary-replica replication: replicas lag the primary and a failover loses acknowledged writes",
        },
        {
          path: "datastores.c.consistency",
          message:
            "strong consistency with leaderless quorums R 1 + W 2 = 3 ≤ N 3: a read can miss the latest write",
          fix: "raise quorum.read or quorum.write so R + W > 3 (e.g. R 2, W 2), or declare consistency: eventual",
        },
      ],
    },
    {
      // Semi-sync loses nothing in a failover to the standby that acknowledged (the model's RPO 0):
      // what strong reads miss is the replicas' apply lag. One write region has nothing concurrent.
      name: "semi-sync, and multi-leader with one write region",
      spec: {
        name: "kv",
        datastores: {
          a: {
            replication: "multi-leader",
            consistency: "strong",
            replicas: 3,
            placement,
            leaders: ["eu-west-1"],
          },
          b: {
            replication: "primary-replica",
            consistency: "strong",
            sync: "semi-sync",
            replicas: 3,
            placement,
          },
        },
      },
      expect: [
        {
          path: "datastores.a.consistency",
          message:
            "strong consistency with multi-leader replication: only eu-west-1 takes writes, and the other regions serve reads from copies that lag it",
        },
        {
          path: "datastores.b.consistency",
          message:
            "strong consistency with semi-sync primary-replica replication: a commit waits for one standby to receive it, not for the replicas to apply it, so reads from replicas can miss acknowledged writes",
        },
      ],
    },
  ],
});
