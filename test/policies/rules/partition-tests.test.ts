import { partitionTests } from "../../../policies/rules/partition-tests.js";
import { describeRule } from "../harness.js";

describeRule(partitionTests, {
  compliant: [
    {
      name: "chaos enabled; a single replica has nothing to partition",
      spec: {
        name: "kv",
        datastores: {
          a: {
            replication: "consensus",
            replicas: 3,
            placement: { "eu-west-1": 3 },
            chaos: { enabled: true },
          },
          b: {
            replication: "primary-replica",
            replicas: 1,
            placement: { "eu-west-1": 1 },
            chaos: { enabled: false },
          },
        },
      },
    },
  ],
  noncompliant: [
    {
      name: "replicated datastore with chaos disabled, stream that never opted in (chaos is opt-in)",
      spec: {
        name: "kv",
        datastores: {
          a: {
            replication: "consensus",
            replicas: 3,
            placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 },
            chaos: { enabled: false },
          },
        },
        streams: { s: { partitions: 3, regions: ["eu-west-1"] } },
      },
      expect: [
        {
          path: "datastores.a.chaos.enabled",
          message:
            "datastores.a has 3 replicas in 3 regions but no partition experiment: chaos is opt-in and not enabled, so nothing exercises its failover",
          fix: 'set datastores.a.chaos.enabled: true (pick a quiet chaos.schedule such as "0 3 * * 2")',
        },
        {
          path: "streams.s.chaos.enabled",
          message:
            "streams.s has 3 replicas in 1 region but no partition experiment: chaos is opt-in and not enabled, so nothing exercises its failover",
        },
      ],
    },
  ],
});
