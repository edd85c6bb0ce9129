import { deployedCalls, MESH_RETRY_BACKOFF, retryWaitsMs } from "../../src/model/mesh-calls.js";
import { modelIndex } from "../../src/model/model-index.js";
import type { ResolvedCall } from "../../src/model/types.js";
import { ms } from "../lib.js";
import type { Finding, Rule } from "../types.js";

type Backoff = NonNullable<ResolvedCall["backoff"]>;

const sameBackoff = (a: Backoff, b: Backoff) =>
  a.baseMs === b.baseMs && a.maxMs === b.maxMs && a.multiplier === b.multiplier && a.jitter === b.jitter;

const retriesText = (n: number) => `${n} ${n === 1 ? "retry" : "retries"}`;

/** A call's deadline and retries, as a route or a declaration states them. */
const routeText = (call: ResolvedCall) =>
  `timeout ${ms(call.timeoutMs)}, ${retriesText(call.retries)}${call.retries > 0 ? ` of ${ms(call.perTryTimeoutMs)} each` : ""}`;

/**
 * What the mesh cannot deploy of a call it runs (src/model/mesh-calls.ts): a backoff (the sidecar
 * waits Envoy's), and a deadline or retries of its own when the caller makes other calls to the
 * same callee (one route for all of them).
 */
export const meshRoute: Rule = {
  id: "mesh-route",
  title: "Calls run through the mesh as declared",
  severity: "warning",
  docs: {
    why: "Where both ends run on Kubernetes and the callee is a service, speaks gRPC, or is a datastore declaring `protocol: http` or `grpc` (for what its Service serves), topoplan puts a call's deadline and retries in an Istio VirtualService route and the caller's sidecar makes them. The route cannot carry everything a call may declare: Istio 1.24's VirtualService has no back-off field, so the sidecar waits Envoy's (a random wait below 25 ms doubling to 250 ms), and the mesh cannot tell two calls from one caller to one callee apart, so one route takes the largest deadlines and the fewest retries of them. A call declared otherwise runs otherwise; the analysis and timeout-budget judge what runs.",
    how: "For each call the mesh runs: a declared `backoff` other than Envoy's (base 25, cap 250, multiplier 2, jitter); and, when the caller makes several calls to that callee, a timeoutMs, perTryTimeoutMs or retries other than the shared route's.",
    fix: "Drop the backoff of calls the mesh retries, and give a caller's calls to one callee the same timeoutMs, perTryTimeoutMs and retries.",
  },
  check(model) {
    const findings: Finding[] = [];
    const index = modelIndex(model);
    for (const service of model.services) {
      const runs = deployedCalls(index, service);
      for (const [i, call] of service.calls.entries()) {
        const run = runs[i]!;
        if (!run.byMesh) continue;
        const route = run.call;
        const shared = run.sharing ?? [call];
        if (
          shared.length > 1 &&
          (route.timeoutMs !== call.timeoutMs ||
            route.perTryTimeoutMs !== call.perTryTimeoutMs ||
            route.retries !== call.retries)
        ) {
          const paths = shared.map((c) => c.path);
          findings.push({
            path: call.path,
            message: `${service.name}'s calls to ${call.to} (${paths.join(", ")}) share one mesh route, which the sidecar cannot tell them apart by: it runs each with ${routeText(route)} (the largest deadlines, the fewest retries), not this call's ${routeText(call)}`,
            fix: `give ${paths.join(" and ")} the same timeoutMs, perTryTimeoutMs and retries, or make them one call`,
          });
        }
        if (
          route.retries === 0 ||
          call.backoff === undefined ||
          sameBackoff(call.backoff, MESH_RETRY_BACKOFF)
        )
          continue;
        const { baseMs, maxMs, multiplier, jitter } = call.backoff;
        const waits = retryWaitsMs(route);
        findings.push({
          path: `${call.path}.backoff`,
          message: `${service.name}'s sidecar retries ${call.to} after Envoy's back-off, a random wait below ${waits.join(", ")} ms before retr${waits.length === 1 ? "y 1" : `ies 1–${waits.length}`}, not the declared one (base ${ms(baseMs)}, cap ${ms(maxMs)}, ×${multiplier}${jitter ? "" : ", no jitter"}): Istio 1.24's VirtualService cannot set a back-off`,
          fix: `remove ${call.path}.backoff (the analysis and timeout-budget use Envoy's), or lower ${call.path}.retries if ${call.to} cannot take retries that soon`,
        });
      }
    }
    return findings;
  },
};
