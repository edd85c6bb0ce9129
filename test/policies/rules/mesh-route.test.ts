import { meshRoute } from "../../../policies/rules/mesh-route.js";
import { describeRule } from "../harness.js";
import { K8S, meshShop } from "./mesh-shop.js";

const BACKOFF = { baseMs: 100, maxMs: 400, jitter: false };

describeRule(meshRoute, {
  compliant: [
    {
      name: "the mesh retries with Envoy's back-off and none is declared",
      spec: meshShop({ deploy: K8S }, [{ to: "users", timeoutMs: 500, perTryTimeoutMs: 100, retries: 2 }]),
    },
    {
      name: "Envoy's own back-off declared",
      spec: meshShop({ deploy: K8S }, [
        {
          to: "users",
          timeoutMs: 900,
          perTryTimeoutMs: 100,
          retries: 2,
          backoff: { baseMs: 25, maxMs: 250, multiplier: 2, jitter: true },
        },
      ]),
    },
    {
      name: "the application retries (its caller is not on Kubernetes): its backoff runs",
      spec: meshShop({}, [
        { to: "users", timeoutMs: 900, perTryTimeoutMs: 100, retries: 2, backoff: BACKOFF },
      ]),
    },
    {
      name: "a store without an engine speaks a protocol topoplan does not know: its application retries",
      spec: meshShop({ deploy: K8S }, [
        { to: "plain", timeoutMs: 900, perTryTimeoutMs: 100, retries: 2, backoff: BACKOFF },
      ]),
    },
    {
      name: "two calls to one callee declared alike",
      spec: meshShop({ deploy: K8S }, [
        { to: "users", op: "read", timeoutMs: 500, perTryTimeoutMs: 100, retries: 1 },
        { to: "users", op: "write", timeoutMs: 500, perTryTimeoutMs: 100, retries: 1 },
      ]),
    },
  ],
  noncompliant: [
    {
      name: "a declared backoff on a call the mesh retries",
      spec: meshShop({ deploy: K8S }, [
        { to: "users", timeoutMs: 900, perTryTimeoutMs: 100, retries: 2, backoff: BACKOFF },
      ]),
      expect: [
        {
          path: "services.api.calls[0].backoff",
          message:
            "api's sidecar retries users after Envoy's back-off, a random wait below 25, 50 ms before retries 1–2, not the declared one (base 100 ms, cap 400 ms, ×2, no jitter): Istio 1.24's VirtualService cannot set a back-off",
          fix: "remove services.api.calls[0].backoff (the analysis and timeout-budget use Envoy's), or lower services.api.calls[0].retries if users cannot take retries that soon",
        },
      ],
    },
    {
      // The route takes the write's 0 retries: the read's two are not deployed, nor its backoff used.
      name: "two calls to one callee declared differently share one route",
      spec: meshShop({ deploy: K8S }, [
        { to: "users", op: "read", timeoutMs: 300, perTryTimeoutMs: 100, retries: 2, backoff: BACKOFF },
        { to: "users", op: "write", timeoutMs: 800 },
      ]),
      expect: [
        {
          path: "services.api.calls[0]",
          message:
            "api's calls to users (services.api.calls[0], services.api.calls[1]) share one mesh route, which the sidecar cannot tell them apart by: it runs each with timeout 800 ms, 0 retries (the largest deadlines, the fewest retries), not this call's timeout 300 ms, 2 retries of 100 ms each",
          fix: "give services.api.calls[0] and services.api.calls[1] the same timeoutMs, perTryTimeoutMs and retries, or make them one call",
        },
      ],
    },
  ],
});
