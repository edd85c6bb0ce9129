import { partitionTests } from "../../../policies/rules/partition-tests.js";
import { describeRule } from "../harness.js";

describeRule(partitionTests, {
  compliant: [
    {
      name: "chaos enabled on Kubernetes; a single replica has nothing to partition",
      spec: {
        name: "kv",
        datastores: {
          a: {
            replication: "consensus",
            replicas: 3,
            placement: { "eu-west-1": 3 },
            chaos: { enabled: true },
            deploy: { target: "kubernetes", engine: "etcd" },
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
      name: "chaos enabled where no experiment can run: an AWS-managed table, an external store",
      spec: {
        name: "kv",
        datastores: {
          t: {
            replication: "multi-leader",
            replicas: 2,
            placement: { "eu-west-1": 1, "eu-central-1": 1 },
            chaos: { enabled: true },
            deploy: { target: "aws", service: "dynamodb" },
          },
          x: {
            replication: "consensus",
            replicas: 3,
            placement: { "eu-west-1": 3 },
          },
        },
      },
      expect: [
        {
          path: "datastores.t.chaos.enabled",
          message:
            "datastores.t has 2 replicas in 2 regions but no partition experiment: topoplan generates them for components it runs on Kubernetes, and this one is AWS-managed (dynamodb), so chaos.enabled runs nothing here; nothing exercises its failover",
          fix: "exercise its failover with AWS's own tools on a schedule (AWS Fault Injection Service, or the service's failover drill such as an Aurora switchover), then suppress this finding at datastores.t.chaos.enabled with that reason and remove datastores.t.chaos.enabled",
        },
        {
          path: "datastores.x.chaos.enabled",
          message:
            "datastores.x has 3 replicas in 1 region but no partition experiment: topoplan generates them for components it runs on Kubernetes, and this one is external; nothing exercises its failover",
        },
      ],
    },
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
            deploy: { target: "kubernetes", engine: "etcd" },
          },
        },
        streams: {
          s: { partitions: 3, regions: ["eu-west-1"], deploy: { target: "kubernetes", engine: "kafka" } },
        },
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
