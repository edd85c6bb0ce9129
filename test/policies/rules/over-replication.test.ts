import { overReplication } from "../../../policies/rules/over-replication.js";
import { describeRule } from "../harness.js";

describeRule(overReplication, {
  compliant: [
    {
      // 3 + 1 + 1 was told "2 suffice" by the analysis' region minimum (test/analysis holds that
      // minimum now). This harness's stub analysis gives region survival a need of 5 whatever the
      // rule computes, so this case holds only that five are not flagged; the noncompliant
      // six-replica case below is the one that fails on the old rule.
      name: "an automatic primary with its region goal: five are the need, however placed",
      spec: {
        name: "kv",
        users: { "eu-west-1": 1 },
        datastores: {
          orders: {
            replication: "primary-replica",
            replicas: 5,
            placement: { "eu-west-1": 3, "eu-central-1": 1, "eu-north-1": 1 },
            leader: "eu-west-1",
            survive: "region",
          },
        },
      },
    },
    {
      // Four voters tolerate no more failures than three (https://etcd.io/docs/v3.5/faq/).
      name: "consensus with four local regions: the need rounds up to an odd five",
      spec: {
        name: "kv",
        users: { "us-east-1": 0.25, "us-west-2": 0.25, "eu-west-1": 0.25, "ap-northeast-1": 0.25 },
        datastores: {
          profiles: {
            replication: "consensus",
            replicas: 5,
            placement: { "us-east-1": 2, "us-west-2": 1, "eu-west-1": 1, "ap-northeast-1": 1 },
            leader: "us-east-1",
            survive: "zone",
          },
        },
      },
    },
    {
      name: "five replicas for region survival",
      spec: {
        name: "kv",
        users: { "eu-west-1": 1 },
        datastores: {
          accounts: {
            replication: "consensus",
            replicas: 5,
            placement: { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
            survive: "region",
          },
        },
      },
    },
    {
      name: "one replica per region with users, beyond the survival need",
      spec: {
        name: "kv",
        users: { "eu-west-1": 0.25, "us-east-1": 0.25, "ap-northeast-1": 0.25, "sa-east-1": 0.25 },
        datastores: {
          profiles: {
            replication: "primary-replica",
            replicas: 4,
            placement: { "eu-west-1": 1, "us-east-1": 1, "ap-northeast-1": 1, "sa-east-1": 1 },
          },
        },
      },
    },
    {
      name: "leaderless R=W=2 with three copies per local region (LOCAL_QUORUM through a zone loss)",
      spec: {
        name: "kv",
        users: { "eu-west-1": 0.4, "us-east-1": 0.3, "us-west-2": 0.3 },
        datastores: {
          catalog: {
            replication: "leaderless",
            replicas: 9,
            quorum: { read: 2, write: 2 },
            placement: { "eu-west-1": 3, "us-east-1": 3, "us-west-2": 3 },
          },
        },
      },
    },
    {
      // Was "3 replicas where 2 suffice": the fix (one per region) turned a 30 s failover in
      // us-east-1 into a manual one across regions that loses the last seconds of writes.
      name: "an async primary with a standby beside it and a replica in the other local region",
      spec: {
        name: "kv",
        users: { "us-east-1": 0.6, "us-west-2": 0.4 },
        datastores: {
          ledger: {
            replication: "primary-replica",
            replicas: 3,
            placement: { "us-east-1": 2, "us-west-2": 1 },
            leader: "us-east-1",
          },
        },
      },
      // What the analysis says of an async primary-replica store surviving a zone.
      analysis: { datastores: { ledger: { survival: { minReplicas: 2 } } } },
    },
    {
      // Was "set replicas: 2": the fix is minInSync 2, which needs the third replica.
      name: "a stream at replication factor 3 with minInSync 1",
      spec: {
        name: "kv",
        streams: { clicks: { partitions: 4, regions: ["eu-west-1"], replicas: 3, minInSync: 1 } },
      },
      analysis: { streams: { clicks: { survival: { minReplicas: 2 } } } },
    },
    {
      name: "semi-sync primary with two standbys: W = 2 must survive losing one",
      spec: {
        name: "kv",
        users: { "us-east-1": 1 },
        datastores: {
          orders: {
            replication: "primary-replica",
            sync: "semi-sync",
            replicas: 3,
            placement: { "us-east-1": 3 },
          },
        },
      },
    },
    {
      name: "semi-sync on CloudNativePG: W + 1 in the primary's region (only those are synchronous) plus a local replica elsewhere",
      spec: {
        name: "kv",
        users: { "us-east-1": 0.6, "us-west-2": 0.4 },
        datastores: {
          orders: {
            replication: "primary-replica",
            sync: "semi-sync",
            replicas: 4,
            placement: { "us-east-1": 3, "us-west-2": 1 },
            leader: "us-east-1",
            deploy: { target: "kubernetes", engine: "postgresql" },
          },
        },
      },
    },
  ],
  noncompliant: [
    {
      // Said "5 replicas where 2 suffice … keeping 2 voters in eu-west-1" of 3 + 1 + 1, whose fix
      // (2 in one region) fails survive: region; the need is the 2 beside the primary and 3 of the
      // observers outside it, and a sixth is extra.
      name: "an automatic primary surviving its region: the standby beside it and a majority outside",
      spec: {
        name: "kv",
        users: { "eu-west-1": 1 },
        datastores: {
          orders: {
            replication: "primary-replica",
            replicas: 6,
            placement: { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 2 },
            leader: "eu-west-1",
            survive: "region",
          },
        },
      },
      expect: [
        {
          path: "datastores.orders.replicas",
          message:
            "6 replicas where 5 suffice (region survival needs 5; read locality 1 region (eu-west-1); primary-replica quorums need no more); the 1 extra cost about $78/month",
          fix: "set replicas: 5 and remove 1 from the placement, keeping 2 voters in eu-west-1 (the primary and a standby in another zone) and fewer than half of the voters and witnesses in any one region (its failover's quorum)",
        },
      ],
    },
    {
      name: "the same placement without the engine: any replica may be the synchronous one, so 3 suffice",
      spec: {
        name: "kv",
        users: { "us-east-1": 0.6, "us-west-2": 0.4 },
        datastores: {
          orders: {
            replication: "primary-replica",
            sync: "semi-sync",
            replicas: 4,
            placement: { "us-east-1": 3, "us-west-2": 1 },
            leader: "us-east-1",
          },
        },
      },
      expect: [
        {
          path: "datastores.orders.replicas",
          message:
            "4 replicas where 3 suffice (zone survival needs 3; read locality 2 regions (us-east-1 and us-west-2); primary-replica quorums need no more); the 1 extra cost about $78/month",
          fix: "set replicas: 3 and remove 1 from the placement, keeping 2 voters in us-east-1 (the primary and a standby in another zone)",
        },
      ],
    },
    {
      name: "seven replicas where five do, and a five-way stream",
      spec: {
        name: "kv",
        users: { "eu-west-1": 0.9, "eu-north-1": 0.1 },
        datastores: {
          accounts: {
            replication: "consensus",
            replicas: 7,
            placement: { "eu-west-1": 3, "eu-central-1": 2, "eu-north-1": 2 },
            survive: "region",
          },
        },
        streams: { clicks: { partitions: 4, regions: ["eu-west-1"], replicas: 5, minInSync: 2 } },
      },
      expect: [
        {
          path: "datastores.accounts.replicas",
          message:
            "7 replicas where 5 suffice (region survival needs 5; read locality 2 regions (eu-north-1 and eu-west-1); consensus quorums need no more); the 2 extra cost about $156/month",
          fix: "set replicas: 5 and remove 2 from the placement",
        },
        {
          path: "streams.clicks.replicas",
          message:
            "5 replicas where survival needs 3, minInSync 2 needs 3 and durable writes 3; the 2 extra cost about $156/month",
          fix: "set replicas: 3",
        },
      ],
    },
    {
      // Not pro rata: MSK brokers come in multiples of the zones (6 → 3 brokers of $253.30:
      // 0.21 × 730 h + 1,000 GB × $0.10), and DynamoDB bills its replicated writes per region.
      // (This harness's stub analysis says region survival needs 5.)
      name: "what the extra replicas cost as the services price them",
      spec: {
        name: "kv",
        users: { "us-east-1": 0.5, "eu-west-1": 0.5 },
        datastores: {
          tbl: {
            replication: "multi-leader",
            replicas: 6,
            placement: { "us-east-1": 3, "eu-west-1": 3 },
            survive: "region",
            traffic: { readsPerSec: 1000, writesPerSec: 100, itemBytes: 1000 },
            deploy: { target: "aws", service: "dynamodb" },
          },
        },
        streams: {
          events: {
            partitions: 12,
            regions: ["us-east-1"],
            replicas: 4,
            minInSync: 2,
            deploy: { target: "aws", service: "msk", instanceClass: "kafka.m5.large", storageGi: 1000 },
          },
        },
      },
      expect: [
        {
          path: "datastores.tbl.replicas",
          message:
            "6 replicas where 5 suffice (region survival needs 5; read locality 2 regions (eu-west-1 and us-east-1); multi-leader quorums need no more); removing the 1 extra saves no replica cost",
          fix: "set replicas: 5 and remove 1 from the placement",
        },
        {
          path: "streams.events.replicas",
          message:
            "4 replicas where survival needs 3, minInSync 2 needs 3 and durable writes 3; the 1 extra cost about $760/month",
          fix: "set replicas: 3",
        },
      ],
    },
    {
      name: "consensus with four local regions and seven replicas: five suffice, not four",
      spec: {
        name: "kv",
        users: { "us-east-1": 0.25, "us-west-2": 0.25, "eu-west-1": 0.25, "ap-northeast-1": 0.25 },
        datastores: {
          profiles: {
            replication: "consensus",
            replicas: 7,
            placement: { "us-east-1": 2, "us-west-2": 2, "eu-west-1": 2, "ap-northeast-1": 1 },
            leader: "us-east-1",
            survive: "zone",
          },
        },
      },
      expect: [
        {
          path: "datastores.profiles.replicas",
          message:
            "7 replicas where 5 suffice (zone survival needs 3; read locality 4 regions (ap-northeast-1, eu-west-1, us-east-1 and us-west-2); consensus quorums need an odd count (4 voters tolerate no more failures than 3)); the 2 extra cost about $156/month",
          fix: "set replicas: 5 and remove 2 from the placement",
        },
      ],
    },
  ],
});
