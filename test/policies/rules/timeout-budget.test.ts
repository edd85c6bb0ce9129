import { timeoutBudget } from "../../../policies/rules/timeout-budget.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { describeRule } from "../harness.js";
import { K8S, meshShop } from "./mesh-shop.js";

/** A retried call whose attempts and backoff take 210 ms, and a slow one without retries. */
const RETRIED = { to: "kv", timeoutMs: 250, perTryTimeoutMs: 60, retries: 2, backoff: { baseMs: 10 } };
const SLOW = { to: "cache", timeoutMs: 300 };

/** `edge` gives `api` 400 ms per attempt; `api` makes `calls` one after another. */
type Call = NonNullable<TopologyInput["services"]>[string]["calls"];
const edgeApiCalling = (calls: Call): TopologyInput =>
  ({
    name: "shop",
    datastores: {
      kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } },
      cache: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } },
    },
    services: {
      edge: { regions: ["eu-west-1"], calls: [{ to: "api", timeoutMs: 800, perTryTimeoutMs: 400 }] },
      api: { regions: ["eu-west-1"], calls },
    },
  }) as never;

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
    {
      // A call after the last retried one cannot cut a retry short: kv's 210 ms + 5 ms fit in 400 ms.
      name: "calls made after the callee's last retried call do not count",
      spec: edgeApiCalling([RETRIED, SLOW]),
    },
  ],
  noncompliant: [
    {
      // Said "(and timeoutMs)" with no figure: 2 attempts of 515 ms need a 1,030 ms deadline.
      name: "a retried caller: the fix names the deadline its attempts then need",
      spec: (() => {
        const spec = edgeApiCalling([SLOW, RETRIED]);
        spec.services!.edge!.calls = [{ to: "api", timeoutMs: 900, perTryTimeoutMs: 400, retries: 1 }];
        return spec;
      })(),
      expect: [
        {
          path: "services.edge.calls[0].perTryTimeoutMs",
          message:
            "edge gives api 400 ms per attempt, but api may need 515 ms: its calls, one after another, may take 510 ms until the retried one to kv (services.api.calls[1]) is done: cache 300 ms, kv 210 ms with 2 retries, plus 5 ms processing",
          fix: "raise services.edge.calls[0].perTryTimeoutMs to at least 515 and timeoutMs to at least 1030, or lower the retries or timeout of services.api.calls[1] or of the calls before it",
        },
      ],
    },
    {
      // Said nothing: the longest retried call alone (210 ms) fits; after the cache's 300 ms it does not.
      name: "the callee's calls run one after another: a slow call before the retried one uses the caller's attempt",
      spec: edgeApiCalling([SLOW, RETRIED]),
      expect: [
        {
          path: "services.edge.calls[0].perTryTimeoutMs",
          message:
            "edge gives api 400 ms per attempt, but api may need 515 ms: its calls, one after another, may take 510 ms until the retried one to kv (services.api.calls[1]) is done: cache 300 ms, kv 210 ms with 2 retries, plus 5 ms processing",
          fix: "raise services.edge.calls[0].perTryTimeoutMs to at least 515, or lower the retries or timeout of services.api.calls[1] or of the calls before it",
        },
      ],
    },
    {
      // Said "gives up before 3 attempts × 250 ms": no per-try timeout was declared, and Envoy
      // still retries a fast failure inside the deadline; only a hung attempt is never retried.
      name: "retries without a per-try timeout cover only fast failures; a caller that gives up before its callee's retries",
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
          message:
            "2 retries but no attempt timeout below the 250 ms deadline (perTryTimeoutMs 250 ms): an attempt that hangs uses the whole deadline, so only fast failures (refused connections, 503s) are retried",
          fix: "set perTryTimeoutMs: 63 (or less), so that a slow attempt is retried within the 250 ms deadline",
        },
        {
          path: "services.edge.calls[0].perTryTimeoutMs",
          message:
            "edge gives api 250 ms per attempt, but api may need 255 ms: its call to kv (services.api.calls[0]) may take 250 ms with 2 retries, plus 5 ms processing",
          fix: "raise services.edge.calls[0].perTryTimeoutMs to at least 255 and timeoutMs to at least 255, or lower the retries or timeout of services.api.calls[0]",
        },
      ],
    },
    {
      name: "a per-try timeout whose attempts and backoff do not fit the deadline",
      spec: {
        name: "shop",
        datastores: { kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
        services: {
          api: {
            regions: ["eu-west-1"],
            calls: [{ to: "kv", timeoutMs: 300, perTryTimeoutMs: 100, retries: 2, backoff: { baseMs: 25 } }],
          },
        },
      },
      expect: [
        {
          path: "services.api.calls[0].timeoutMs",
          message: "timeout 300 ms gives up before 3 attempts × 100 ms + 75 ms backoff = 375 ms can finish",
          fix: "set perTryTimeoutMs: 75 (or less), or raise timeoutMs to 375",
        },
      ],
    },
    {
      // Said nothing: 3 × 100 ms + 5 + 10 ms fit, but the sidecar waits Envoy's back-off, not the declared one.
      name: "the mesh retries the call: Envoy's back-off (below 25 and 50 ms), not the declared 5 and 10 ms",
      spec: meshShop({ deploy: K8S }, [
        { to: "users", timeoutMs: 320, perTryTimeoutMs: 100, retries: 2, backoff: { baseMs: 5 } },
      ]),
      expect: [
        {
          path: "services.api.calls[0].timeoutMs",
          message:
            "timeout 320 ms gives up before 3 attempts × 100 ms + 75 ms backoff (Envoy's: the mesh retries this call) = 375 ms can finish",
          fix: "set perTryTimeoutMs: 81 (or less), or raise timeoutMs to 375",
        },
      ],
    },
  ],
});
