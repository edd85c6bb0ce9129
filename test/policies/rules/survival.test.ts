import { survival } from "../../../policies/rules/survival.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { describeRule } from "../harness.js";

const spec: TopologyInput = {
  name: "kv",
  datastores: {
    accounts: {
      replication: "consensus",
      replicas: 3,
      placement: { "eu-west-1": 2, "eu-central-1": 1 },
      survive: "region",
    },
  },
  streams: { clicks: { partitions: 4, regions: ["eu-west-1"], replicas: 2, minInSync: 1 } },
};

describeRule(survival, {
  compliant: [{ name: "the analysis finds every goal met", spec }],
  noncompliant: [
    {
      // Was "place at least 2 replicas over at least 2 zones", which it had: the one left outside
      // the lost zone takes no writes (not in leaders).
      name: "multi-leader: the lost zone held the only write region's replica",
      spec: {
        name: "kv",
        datastores: {
          carts: {
            replication: "multi-leader",
            consistency: "eventual",
            replicas: 2,
            placement: { "eu-west-1": 1, "us-east-1": 1 },
            leaders: ["eu-west-1"],
          },
        },
      } as TopologyInput,
      analysis: {
        datastores: {
          carts: {
            survival: {
              meetsGoal: false,
              minReplicas: 2,
              zone: { goal: "zone", survives: false, worstDomain: "eu-west-1a", replicasLeft: 0, quorum: 1 },
            },
          },
        },
      },
      expect: [
        {
          path: "datastores.carts.placement",
          message:
            "survive: zone does not hold: losing eu-west-1a leaves no replica in a write region (leaders: eu-west-1), though 2 replicas hold the data",
          fix: "add a region that holds a replica to leaders, or a replica in another zone of a write region",
        },
      ],
    },
    {
      // Was "place at least 3 replicas over at least 3 zones", which 2 + 1 over two regions had.
      name: "CloudNativePG semi-sync: the synchronous standby must be in the primary's region",
      spec: {
        name: "kv",
        datastores: {
          orders: {
            replication: "primary-replica",
            sync: "semi-sync",
            replicas: 3,
            placement: { "eu-west-1": 2, "us-east-1": 1 },
            leader: "eu-west-1",
            deploy: { target: "kubernetes", engine: "postgresql" },
          },
        },
      } as TopologyInput,
      analysis: {
        datastores: {
          orders: {
            survival: {
              meetsGoal: false,
              minReplicas: 3,
              zone: { goal: "zone", survives: false, worstDomain: "eu-west-1a", replicasLeft: 1, quorum: 2 },
            },
          },
        },
      },
      expect: [
        {
          path: "datastores.orders.placement",
          message:
            "survive: zone does not hold: losing eu-west-1a leaves 1 replica that may acknowledge a write and a quorum needs 2: this engine's synchronous standbys are those of the primary's region, eu-west-1",
          fix: "place at least 3 replicas in eu-west-1 over as many of its zones (the primary and its synchronous standbys after any zone's loss), or use sync: async; `topoplan solve <spec> --datastore orders --replicas auto` finds the cheapest such placement that also meets the store's SLOs and residency",
        },
      ],
    },
    {
      // Was "needs at least 4 replicas over 4 zones", then 5 once there were 4: a write every
      // replica acknowledges breaks with any zone that holds one, whatever the count.
      name: "synchronous replication to every replica",
      spec: {
        name: "kv",
        datastores: {
          ledger: {
            replication: "primary-replica",
            sync: "sync",
            replicas: 3,
            placement: { "us-east-1": 3 },
          },
        },
      } as TopologyInput,
      analysis: {
        datastores: {
          ledger: {
            survival: {
              meetsGoal: false,
              minReplicas: 4,
              zone: { goal: "zone", survives: false, worstDomain: "us-east-1a", replicasLeft: 2, quorum: 3 },
            },
          },
        },
      },
      expect: [
        {
          path: "datastores.ledger.placement",
          message:
            "survive: zone does not hold: losing us-east-1a leaves 2 of 3 replicas, and every write needs all 3",
          fix: "every replica must acknowledge a write, so losing any zone that holds one stops writes whatever the count: acknowledge on a quorum instead (sync: semi-sync, or replication: consensus)",
        },
      ],
    },
    {
      name: "a region holding a quorum's worth; a stream losing a zone",
      spec,
      analysis: {
        datastores: {
          accounts: {
            survival: {
              meetsGoal: false,
              region: {
                goal: "region",
                survives: false,
                worstDomain: "eu-west-1",
                replicasLeft: 1,
                quorum: 2,
              },
            },
          },
        },
        streams: {
          clicks: {
            survival: {
              meetsGoal: false,
              zone: { goal: "zone", survives: false, worstDomain: "eu-west-1a", replicasLeft: 1, quorum: 2 },
            },
          },
        },
      },
      expect: [
        {
          path: "datastores.accounts.placement",
          message:
            "survive: region does not hold: losing eu-west-1 leaves 1 of 3 replicas and a quorum needs 2; a majority must stay outside every region: 3 over at least 3 regions with at most 1 in any one",
          fix: "spread the 3 replicas over at least 3 regions with at most 1 in any one, or place 5 over at least 3 regions with at most 2 in any one (CockroachDB's region goal: a zone can fail too after a region is lost), or set survive: zone; `topoplan solve <spec> --datastore accounts --replicas auto` finds the cheapest such placement that also meets the store's SLOs and residency",
        },
        {
          path: "streams.clicks.replicas",
          message:
            "survive: zone does not hold: losing eu-west-1a leaves 1 of 2 replicas and a quorum needs 2; zone survival needs at least 3 replicas over 3 zones",
          fix: "place at least 3 replicas over at least 3 zones with at most 1 in any one zone",
        },
      ],
    },
    {
      // Asked for "at most 0 in any one region": the majority formula, where the write quorum of
      // a primary-replica store is fixed (1 for async) whatever the count.
      name: "all replicas in one region under a region goal (a fixed write quorum)",
      spec: {
        name: "kv",
        datastores: {
          orders: {
            replication: "primary-replica",
            sync: "async",
            replicas: 2,
            placement: { "us-east-1": 2 },
            survive: "region",
          },
        },
      } as TopologyInput,
      analysis: {
        datastores: {
          orders: {
            survival: {
              goal: "region",
              meetsGoal: false,
              minReplicas: 2,
              minRegions: 2,
              region: {
                goal: "region",
                survives: false,
                worstDomain: "us-east-1",
                replicasLeft: 0,
                quorum: 1,
              },
            },
          },
        },
      },
      expect: [
        {
          path: "datastores.orders.placement",
          message:
            "survive: region does not hold: losing us-east-1 leaves 0 of 2 replicas and a quorum needs 1; region survival needs at least 2 replicas over 2 regions",
          fix: "place at least 2 replicas over at least 2 regions with at most 1 in any one region, or set survive: zone; `topoplan solve <spec> --datastore orders --replicas auto` finds the cheapest such placement that also meets the store's SLOs and residency",
        },
      ],
    },
    {
      // Leaderless, W = 1 and R = 3: a zone's loss leaves the writes a quorum, not the reads.
      name: "a read quorum the worst zone breaks while the write quorum holds",
      spec: {
        name: "kv",
        datastores: {
          events: {
            replication: "leaderless",
            replicas: 3,
            quorum: { read: 3, write: 1 },
            placement: { "us-east-1": 3 },
          },
        },
      } as TopologyInput,
      analysis: {
        datastores: {
          events: {
            survival: {
              meetsGoal: false,
              minReplicas: 3,
              zone: { goal: "zone", survives: false, worstDomain: "us-east-1a", replicasLeft: 2, quorum: 1 },
            },
          },
        },
      },
      expect: [
        {
          path: "datastores.events.placement",
          message:
            "survive: zone does not hold: losing us-east-1a leaves 2 of 3 replicas: a write quorum (1) but not a read quorum",
          fix: "add or spread replicas so a read quorum outlives any one zone, or lower the read quorum; `topoplan solve <spec> --datastore events --replicas auto` finds the cheapest such placement that also meets the store's SLOs and residency",
        },
      ],
    },
    {
      name: "without an analysis the rule says it could not decide",
      spec,
      noAnalysis: true,
      expect: [
        { path: "(root)", status: "unknown", message: "survival needs the analysis, which did not run" },
      ],
    },
  ],
});
