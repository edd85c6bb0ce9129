import { retryJitter } from "../../../policies/rules/retry-jitter.js";
import { describeRule } from "../harness.js";
import { K8S, meshShop } from "./mesh-shop.js";

const kv = { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } as const;

describeRule(retryJitter, {
  compliant: [
    {
      name: "jittered retries and a call without retries",
      spec: {
        name: "shop",
        datastores: { kv, log: kv },
        services: {
          api: {
            regions: ["eu-west-1"],
            calls: [
              { to: "kv", timeoutMs: 300, perTryTimeoutMs: 100, retries: 2, backoff: { jitter: true } },
              { to: "log", timeoutMs: 100 },
            ],
          },
        },
      },
    },
    {
      // The caller's sidecar retries it and waits Envoy's back-off, which is always jittered.
      name: "a call the mesh retries, between two services on Kubernetes, without backoff",
      spec: meshShop({ deploy: K8S }, [{ to: "users", timeoutMs: 300, perTryTimeoutMs: 100, retries: 2 }]),
    },
  ],
  noncompliant: [
    {
      name: "no backoff at all, and backoff without jitter",
      spec: {
        name: "shop",
        datastores: { kv, log: kv },
        services: {
          api: {
            regions: ["eu-west-1"],
            calls: [
              { to: "kv", timeoutMs: 300, perTryTimeoutMs: 100, retries: 2 },
              { to: "log", timeoutMs: 300, perTryTimeoutMs: 100, retries: 1, backoff: { baseMs: 50 } },
            ],
          },
        },
      },
      expect: [
        {
          path: "services.api.calls[0]",
          message:
            "api retries kv 2 times without backoff: after an outage every caller retries in lockstep (thundering herd)",
          fix: "add backoff: { baseMs: 25, jitter: true } to services.api.calls[0]",
        },
        {
          path: "services.api.calls[1].backoff.jitter",
          message:
            "api retries log 1 time with fixed exponential backoff (base 50 ms): after an outage every caller retries in lockstep (thundering herd)",
          fix: "set services.api.calls[1].backoff.jitter: true",
        },
      ],
    },
  ],
});
