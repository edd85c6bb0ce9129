import { timeoutBudget } from "../../../policies/rules/timeout-budget.js";
import { describeRule } from "../harness.js";

describeRule(timeoutBudget, {
  compliant: [
    {
      name: "3 × 100 ms + 20 + 40 ms backoff fits in 400 ms; the caller waits out the callee",
      spec: {
        name: "shop",
        datastores: { kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
        services: {
          edge: { regions: ["eu-west-1"], calls: [{ to: "api", timeoutMs: 800, perTryTimeoutMs: 400 }] },
          api: {
            regions: ["eu-west-1"],
            calls: [
              {
                to: "kv",
                timeoutMs: 400,
                perTryTimeoutMs: 100,
                retries: 2,
                backoff: { baseMs: 20, jitter: true },
              },
            ],
          },
        },
      },
    },
  ],
  noncompliant: [
    {
      name: "retries without a per-try timeout never run; a caller that gives up before its callee's retries",
      spec: {
        name: "shop",
        datastores: { kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
        services: {
          edge: { regions: ["eu-west-1"], calls: [{ to: "api", timeoutMs: 250 }] },
          api: {
            regions: ["eu-west-1"],
            calls: [{ to: "kv", timeoutMs: 250, retries: 2, backoff: { baseMs: 20, jitter: true } }],
          },
        },
      },
      expect: [
        {
          path: "services.api.calls[0].timeoutMs",
          message: "timeout 250 ms gives up before 3 attempts × 250 ms + 60 ms backoff = 810 ms can finish",
          fix: "set perTryTimeoutMs: 63 (or less), or raise timeoutMs to 810",
        },
        {
          path: "services.edge.calls[0].perTryTimeoutMs",
          message:
            "edge gives api 250 ms per attempt, but api may need 255 ms: its call to kv (services.api.calls[0]) may take 250 ms with 2 retries, plus 5 ms processing",
          fix: "raise services.edge.calls[0].perTryTimeoutMs (and timeoutMs) to at least 255, or lower the retries or timeout of services.api.calls[0]",
        },
      ],
    },
  ],
});
