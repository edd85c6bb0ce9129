import { exactlyOnce } from "../../../policies/rules/exactly-once.js";
import { describeRule } from "../harness.js";

describeRule(exactlyOnce, {
  compliant: [
    {
      name: "idempotent, transactional, 3 replicas, minInSync 2",
      spec: {
        name: "events",
        streams: {
          payments: {
            partitions: 12,
            regions: ["eu-west-1"],
            delivery: "exactly-once",
            idempotentProducers: true,
            transactions: true,
            replicas: 3,
            minInSync: 2,
          },
          clicks: { partitions: 12, regions: ["eu-west-1"], replicas: 1, minInSync: 1 },
        },
      },
    },
  ],
  noncompliant: [
    {
      name: "exactly-once declared, nothing configured",
      spec: {
        name: "events",
        streams: {
          payments: {
            partitions: 12,
            regions: ["eu-west-1"],
            delivery: "exactly-once",
            replicas: 2,
            minInSync: 1,
          },
        },
      },
      expect: [
        {
          path: "streams.payments.delivery",
          message:
            "exactly-once delivery needs idempotent producers (idempotentProducers is false), transactions (transactions is false), replicas ≥ 3 (has 2) and minInSync ≥ 2 (has 1)",
          fix: "set idempotentProducers: true, transactions: true, replicas: 3, minInSync: 2 on streams.payments, or declare delivery: at-least-once with idempotent consumers",
        },
      ],
    },
  ],
});
