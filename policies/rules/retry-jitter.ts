import { meshRetries } from "../../src/model/mesh-calls.js";
import { modelIndex } from "../../src/model/model-index.js";
import type { Finding, Rule } from "../types.js";

/** Retries need randomised backoff, or every client retries in the same instant after an outage. */
export const retryJitter: Rule = {
  id: "retry-jitter",
  title: "Retries use jittered backoff",
  severity: "warning",
  docs: {
    why: "Without jitter, every client that failed at the same moment retries at the same moment: a thundering herd that knocks the recovering callee over again.",
    how: "A call with retries > 0 that the application retries needs `backoff` with `jitter: true`. Where the mesh retries the call (both ends on Kubernetes; the callee a service, a gRPC engine, or a datastore declaring `protocol: http` or `grpc` for what its Service serves), the caller's sidecar waits Envoy's back-off, which is always jittered (mesh-route).",
    fix: "Add `backoff: { baseMs: 25, jitter: true }` to the call (full jitter).",
  },
  check(model) {
    const findings: Finding[] = [];
    const index = modelIndex(model);
    for (const service of model.services) {
      for (const call of service.calls) {
        if (call.retries === 0 || call.backoff?.jitter === true) continue;
        // The mesh's retries wait Envoy's back-off, always jittered (mesh-route reports a declared one).
        if (meshRetries(service, index.component(call.to), call.op)) continue;
        findings.push({
          path: call.backoff === undefined ? call.path : `${call.path}.backoff.jitter`,
          message: `${service.name} retries ${call.to} ${call.retries} time${call.retries === 1 ? "" : "s"} ${call.backoff === undefined ? "without backoff" : `with fixed exponential backoff (base ${call.backoff.baseMs} ms)`}: after an outage every caller retries in lockstep (thundering herd)`,
          fix:
            call.backoff === undefined
              ? `add backoff: { baseMs: 25, jitter: true } to ${call.path}`
              : `set ${call.path}.backoff.jitter: true`,
        });
      }
    }
    return findings;
  },
};
