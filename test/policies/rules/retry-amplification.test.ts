import { retryAmplification } from "../../../policies/rules/retry-amplification.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { describeRule } from "../harness.js";

const chain = (retries: number, threshold?: number): TopologyInput => ({
  name: "shop",
  datastores: { accounts: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
  services: {
    edge: { regions: ["eu-west-1"], calls: [{ to: "orders", timeoutMs: 1000, retries }] },
    orders: { regions: ["eu-west-1"], calls: [{ to: "payments", timeoutMs: 500, retries }] },
    payments: { regions: ["eu-west-1"], calls: [{ to: "accounts", timeoutMs: 200, retries }] },
  },
  ...(threshold === undefined ? {} : { policies: { "retry-amplification.threshold": threshold } }),
});

describeRule(retryAmplification, {
  compliant: [
    { name: "2 × 2 × 2 = 8 is under the default 10", spec: chain(1) },
    { name: "3 × 3 × 3 = 27 under a raised threshold", spec: chain(2, 30) },
  ],
  noncompliant: [
    {
      name: "3 × 3 × 3 = 27",
      spec: chain(2),
      expect: [
        {
          path: "services.edge.calls[0]",
          message:
            "call path edge → orders → payments → accounts multiplies attempts 3 × 3 × 3 = 27 (threshold 10): one failing accounts request becomes 27",
          fix: "retry at one layer only: keep the retries on services.edge.calls[0] and set retries: 0 on the calls below it that retry: services.orders.calls[0], services.payments.calls[0]",
        },
      ],
    },
    {
      // The worst chain goes through payments; stock's chain is over the threshold too, so a fix
      // naming the worst chain's calls only would leave a finding behind.
      name: "a fan-out below: every retrying call under the entry call is named, not the worst chain's only",
      spec: {
        name: "shop",
        services: {
          edge: { regions: ["eu-west-1"], calls: [{ to: "orders", timeoutMs: 2000, retries: 2 }] },
          orders: {
            regions: ["eu-west-1"],
            calls: [
              { to: "payments", timeoutMs: 500, retries: 2 },
              { to: "stock", timeoutMs: 500, retries: 1 },
            ],
          },
          payments: { regions: ["eu-west-1"], calls: [{ to: "bank", timeoutMs: 200, retries: 2 }] },
          stock: { regions: ["eu-west-1"], calls: [{ to: "bank", timeoutMs: 200, retries: 2 }] },
          bank: { regions: ["eu-west-1"] },
        },
      },
      expect: [
        {
          path: "services.edge.calls[0]",
          message:
            "call path edge → orders → payments → bank multiplies attempts 3 × 3 × 3 = 27 (threshold 10): one failing bank request becomes 27",
          fix: "retry at one layer only: keep the retries on services.edge.calls[0] and set retries: 0 on the calls below it that retry: services.orders.calls[0], services.orders.calls[1], services.payments.calls[0], services.stock.calls[0]",
        },
      ],
    },
  ],
});
