import { callCycle } from "../../../policies/rules/call-cycle.js";
import { describeRule } from "../harness.js";

describeRule(callCycle, {
  compliant: [
    {
      name: "a diamond is not a cycle",
      spec: {
        name: "shop",
        services: {
          a: {
            regions: ["eu-west-1"],
            calls: [
              { to: "b", timeoutMs: 100 },
              { to: "c", timeoutMs: 100 },
            ],
          },
          b: { regions: ["eu-west-1"], calls: [{ to: "d", timeoutMs: 100 }] },
          c: { regions: ["eu-west-1"], calls: [{ to: "d", timeoutMs: 100 }] },
          d: { regions: ["eu-west-1"] },
        },
      },
    },
  ],
  noncompliant: [
    {
      name: "orders → payments → ledger → orders, reported once",
      spec: {
        name: "shop",
        services: {
          orders: { regions: ["eu-west-1"], calls: [{ to: "payments", timeoutMs: 100 }] },
          payments: { regions: ["eu-west-1"], calls: [{ to: "ledger", timeoutMs: 100 }] },
          ledger: { regions: ["eu-west-1"], calls: [{ to: "orders", timeoutMs: 100 }] },
        },
      },
      expect: [
        {
          path: "services.ledger.calls[0]",
          message:
            "call cycle ledger → orders → payments → ledger: a request can circle until its deadline, and retries multiply on every lap",
          fix: "break the cycle: let payments publish to a stream instead of calling ledger, or merge the services",
        },
      ],
    },
  ],
});
