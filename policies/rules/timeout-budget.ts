import { type DeployedCall, deployedCalls, retryWaitTotalMs } from "../../src/model/mesh-calls.js";
import { type ModelIndex, modelIndex } from "../../src/model/model-index.js";
import type { ResolvedCall, ResolvedService } from "../../src/model/types.js";
import { ms } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/** The longest a call can take with all its attempts: attempts × perTryTimeout + the waits between them. */
export function retryBudgetMs(call: ResolvedCall): number {
  return (call.retries + 1) * call.perTryTimeoutMs + retryWaitTotalMs(call);
}

/** What the waits are, in a message: the declared backoff, or Envoy's where the mesh retries the call. */
const waitName = (run: DeployedCall) =>
  run.byMesh ? "backoff (Envoy's: the mesh retries this call)" : "backoff";

/**
 * The deadline a call needs once its per-try timeout is `perTryMs`: every attempt and the waits
 * (the first check of the rule), as " and timeoutMs to at least N" when its own is shorter.
 */
function deadlineFor(call: ResolvedCall, perTryMs: number): string {
  const needed = (call.retries + 1) * perTryMs + retryWaitTotalMs(call);
  return call.timeoutMs < needed ? ` and timeoutMs to at least ${needed}` : "";
}

interface CallBudget {
  readonly call: ResolvedCall;
  /** The longest the call takes, all its calls per request: attempts and backoff, within its deadline. */
  readonly budgetMs: number;
}

/**
 * How long `callee` may take until its last retried call is done: its calls run one after another
 * (docs/model.md), each at its longest — a retried one's attempts and backoff within its deadline,
 * any other its deadline — as many times per request as it may make them, plus its processing.
 * Undefined when it retries nothing: no retry of its is cut short then.
 */
function calleeNeeds(
  index: ModelIndex,
  callee: ResolvedService,
): { retried: CallBudget; before: CallBudget[]; totalMs: number } | undefined {
  const budgets = deployedCalls(index, callee).map(({ call }) => {
    return {
      call,
      budgetMs:
        Math.ceil(call.callsPerRequest) *
        (call.retries > 0 ? Math.min(call.timeoutMs, retryBudgetMs(call)) : call.timeoutMs),
    };
  });
  const last = budgets.findLastIndex((b) => b.call.retries > 0);
  if (last < 0) return undefined;
  const upTo = budgets.slice(0, last + 1);
  return {
    retried: budgets[last]!,
    before: upTo.slice(0, -1),
    totalMs: upTo.reduce((sum, b) => sum + b.budgetMs, callee.processingMs),
  };
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
    how: "Per call, as it runs: timeoutMs ≥ attempts × perTryTimeoutMs + the backoff delays (base × multiplier^i, capped at maxMs). Where the mesh runs the call (both ends on Kubernetes; the callee a service, a gRPC engine, or a datastore declaring `protocol: http` or `grpc` for what its Service serves), that is its route's: the largest deadlines and fewest retries of the caller's calls to that callee, and Envoy's back-off (25 ms doubling to 250 ms; mesh-route). A retried call without a per-try timeout below its deadline (perTryTimeoutMs defaults to timeoutMs) is reported for what it means: a hung attempt uses the whole deadline, so only fast failures are retried. Per service-to-service call: the per-try timeout must cover the callee's time until its last retried call is done — its calls one after another (as the analysis runs them), each at its longest (a retried one's attempts and backoff within its deadline, any other its deadline, times the calls per request), plus its processing.",
    fix: "Set perTryTimeoutMs so all attempts fit in timeoutMs, raise timeoutMs, or retry fewer times.",
  },
  check(model) {
    const findings: Finding[] = [];
    const index = modelIndex(model);
    for (const service of model.services) {
      // As they run: through the mesh, their route's deadlines and retries and Envoy's back-off.
      for (const run of deployedCalls(index, service)) {
        const call = run.call;
        const backoff = retryWaitTotalMs(call);
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
              : `timeout ${ms(call.timeoutMs)} gives up before ${attempts} attempts × ${ms(call.perTryTimeoutMs)} + ${ms(backoff)} ${waitName(run)} = ${ms(needed)} can finish`,
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
        const callee = call.targetKind === "service" ? index.service(call.to) : undefined;
        if (callee === undefined) continue;
        const needs = calleeNeeds(index, callee);
        if (needs === undefined || call.perTryTimeoutMs >= needs.totalMs) continue;
        const { retried, before } = needs;
        const own = `${ms(retried.budgetMs)} with ${retried.call.retries} ${retried.call.retries === 1 ? "retry" : "retries"}`;
        const why =
          before.length === 0
            ? `its call to ${retried.call.to} (${retried.call.path}) may take ${own}`
            : `its calls, one after another, may take ${ms(needs.totalMs - callee.processingMs)} until the retried one to ${retried.call.to} (${retried.call.path}) is done: ${[...before, retried].map((c) => `${c.call.to} ${c === retried ? own : ms(c.budgetMs)}`).join(", ")}`;
        findings.push({
          path: `${call.path}.perTryTimeoutMs`,
          message: `${service.name} gives ${call.to} ${ms(call.perTryTimeoutMs)} per attempt, but ${call.to} may need ${ms(needs.totalMs)}: ${why}, plus ${ms(callee.processingMs)} processing`,
          fix: `raise ${call.path}.perTryTimeoutMs to at least ${Math.ceil(needs.totalMs)}${deadlineFor(call, Math.ceil(needs.totalMs))}, or lower the retries or timeout of ${retried.call.path}${before.length === 0 ? "" : " or of the calls before it"}`,
          data: {
            perTryTimeoutMs: call.perTryTimeoutMs,
            calleeBudgetMs: needs.totalMs - callee.processingMs,
          },
        });
      }
    }
    return findings;
  },
};
