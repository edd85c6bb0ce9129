import type { ResolvedCall } from "../../src/model/types.js";
import { ms } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/** The delays between attempts: base × multiplier^i, each capped at maxMs; no backoff means no delay. */
export function backoffTotalMs(call: ResolvedCall): number {
  if (call.backoff === undefined) return 0;
  let total = 0;
  for (let i = 0; i < call.retries; i++)
    total += Math.min(call.backoff.maxMs, call.backoff.baseMs * call.backoff.multiplier ** i);
  return total;
}

/** The longest a call can take with all its attempts: attempts × perTryTimeout + backoff. */
export function retryBudgetMs(call: ResolvedCall): number {
  return (call.retries + 1) * call.perTryTimeoutMs + backoffTotalMs(call);
}

/**
 * A caller must not give up before its own retries, or its callee's, can finish: otherwise the retries
 * are load without benefit.
 */
export const timeoutBudget: Rule = {
  id: "timeout-budget",
  title: "Timeouts leave room for the retries below them",
  severity: "warning",
  docs: {
    why: "A deadline shorter than the retries it wraps cancels the last attempts: the callee still does the work, the caller has already failed, and the retries only add load.",
    how: "Per call: timeoutMs ≥ attempts × perTryTimeoutMs + the backoff delays (base × multiplier^i, capped at maxMs). A retried call without a per-try timeout below its deadline (perTryTimeoutMs defaults to timeoutMs) is reported for what it means: a hung attempt uses the whole deadline, so only fast failures are retried. Per service-to-service call: the per-try timeout must cover the longest retry budget of the callee's own calls.",
    fix: "Set perTryTimeoutMs so all attempts fit in timeoutMs, raise timeoutMs, or retry fewer times.",
  },
  check(model) {
    const findings: Finding[] = [];
    const services = new Map(model.services.map((s) => [s.name, s]));
    for (const service of model.services) {
      for (const call of service.calls) {
        const backoff = backoffTotalMs(call);
        const needed = retryBudgetMs(call);
        if (call.retries > 0 && call.timeoutMs < needed) {
          const attempts = call.retries + 1;
          const perTry = Math.floor((call.timeoutMs - backoff) / attempts);
          // No attempt bound inside the deadline (perTryTimeoutMs defaults to timeoutMs): nothing is
          // cancelled for a retry, but the retries cover only fast failures — a hung attempt uses
          // the whole deadline (Envoy: per_try_timeout unset, each try bounded by the route's).
          const unbounded = call.perTryTimeoutMs >= call.timeoutMs;
          findings.push({
            path: `${call.path}.timeoutMs`,
            message: unbounded
              ? `${call.retries} ${call.retries === 1 ? "retry" : "retries"} but no attempt timeout below the ${ms(call.timeoutMs)} deadline (perTryTimeoutMs ${ms(call.perTryTimeoutMs)}): an attempt that hangs uses the whole deadline, so only fast failures (refused connections, 503s) are retried`
              : `timeout ${ms(call.timeoutMs)} gives up before ${attempts} attempts × ${ms(call.perTryTimeoutMs)} + ${ms(backoff)} backoff = ${ms(needed)} can finish`,
            // Raising timeoutMs alone moves a defaulted per-try timeout with it: no fix there.
            fix: unbounded
              ? perTry > 0
                ? `set perTryTimeoutMs: ${perTry} (or less), so that a slow attempt is retried within the ${ms(call.timeoutMs)} deadline`
                : `raise timeoutMs and set a perTryTimeoutMs that fits ${attempts} attempts and the backoff in it, or set retries: 0`
              : perTry > 0
                ? `set perTryTimeoutMs: ${perTry} (or less), or raise timeoutMs to ${Math.ceil(needed)}`
                : `raise timeoutMs to ${Math.ceil(needed)} or set retries: 0`,
            data: {
              timeoutMs: call.timeoutMs,
              neededMs: needed,
              attempts,
              perTryTimeoutMs: call.perTryTimeoutMs,
            },
          });
        }
        const callee = call.targetKind === "service" ? services.get(call.to) : undefined;
        if (callee === undefined) continue;
        const inner = callee.calls
          .filter((c) => c.retries > 0)
          .map((c) => ({ call: c, budget: Math.min(c.timeoutMs, retryBudgetMs(c)) }))
          .sort((a, b) => b.budget - a.budget)[0];
        if (inner === undefined) continue;
        const calleeNeeds = inner.budget + callee.processingMs;
        if (call.perTryTimeoutMs >= calleeNeeds) continue;
        findings.push({
          path: `${call.path}.perTryTimeoutMs`,
          message: `${service.name} gives ${call.to} ${ms(call.perTryTimeoutMs)} per attempt, but ${call.to} may need ${ms(calleeNeeds)}: its call to ${inner.call.to} (${inner.call.path}) may take ${ms(inner.budget)} with ${inner.call.retries} ${inner.call.retries === 1 ? "retry" : "retries"}, plus ${ms(callee.processingMs)} processing`,
          fix: `raise ${call.path}.perTryTimeoutMs (and timeoutMs) to at least ${Math.ceil(calleeNeeds)}, or lower the retries or timeout of ${inner.call.path}`,
          data: { perTryTimeoutMs: call.perTryTimeoutMs, calleeBudgetMs: inner.budget },
        });
      }
    }
    return findings;
  },
};
