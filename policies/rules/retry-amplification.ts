import type { ResolvedService } from "../../src/model/types.js";
import { callCycleGroups } from "../lib.js";
import type { Finding, Rule } from "../types.js";

interface Chain {
  /** Component names from the entry service to the last callee. */
  readonly names: string[];
  /** Attempts (1 + retries) of each call along the chain. */
  readonly attempts: number[];
  readonly product: number;
}

/**
 * Retries multiply along call paths: 3 attempts at each of three layers turn one failing request at
 * the bottom into 27. Reported once per entry call, for its worst chain.
 */
export const retryAmplification: Rule = {
  id: "retry-amplification",
  title: "Retries do not multiply into a retry storm",
  severity: "warning",
  settings: {
    threshold: {
      default: 10,
      description: "Highest acceptable product of attempts along one call path.",
      min: 1,
      max: 1_000_000,
    },
  },
  docs: {
    why: "When the bottom of a call chain slows down, every layer retries: attempts multiply (3 × 3 × 3 = 27) and the retries themselves keep the overloaded component down.",
    how: "For every call path from an entry service (one no other service calls), the product of attempts (1 + retries) of its calls must not exceed `retry-amplification.threshold` (default 10). Cycles are followed once.",
    fix: "Retry at one layer only (usually the edge), set retries: 0 on inner calls, or use a retry budget in the mesh.",
  },
  check(model, _analysis, settings) {
    const threshold = Number(settings.threshold);
    const services = new Map(model.services.map((s) => [s.name, s]));
    const called = new Set(model.services.flatMap((s) => s.calls.map((c) => c.to)));
    const entries = model.services.filter((s) => !called.has(s.name));
    const roots = entries.length > 0 ? entries : model.services;
    const findings: Finding[] = [];
    const walk = suffixWalker(services, callCycleGroups(model));
    for (const root of roots) {
      root.calls.forEach((call, index) => {
        const tail = walk(call.to, new Set([root.name, call.to]));
        const attempts = [call.retries + 1, ...tail.attempts];
        const worst: Chain = {
          names: [root.name, call.to, ...tail.names],
          attempts,
          product: (call.retries + 1) * tail.product,
        };
        if (worst.product <= threshold) return;
        const last = worst.names[worst.names.length - 1];
        findings.push({
          path: `${root.path}.calls[${index}]`,
          message: `call path ${worst.names.join(" → ")} multiplies attempts ${worst.attempts.join(" × ")} = ${worst.product} (threshold ${threshold}): one failing ${last} request becomes ${worst.product}`,
          fix: retryBelowFix(services, root, index),
          data: { chain: worst.names, attempts: worst.attempts, product: worst.product, threshold },
        });
      });
    }
    return findings;
  },
};

/** Calls named in a fix before the rest are counted. */
const FIX_NAMES_MAX = 8;

/**
 * The fix for an entry call: keep its retries and set retries: 0 on every retrying call it can
 * reach, naming them. Naming the worst chain's calls only would leave any other chain over the
 * threshold (a fan-out below), to be reported again after the fix.
 */
function retryBelowFix(
  services: ReadonlyMap<string, ResolvedService>,
  root: ResolvedService,
  index: number,
): string {
  const retrying: string[] = [];
  const seen = new Set<string>([root.name]);
  const queue = [root.calls[index]!.to];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const service = services.get(next);
    if (service === undefined || seen.has(next)) continue;
    seen.add(next);
    service.calls.forEach((call, i) => {
      if (call.retries > 0) retrying.push(`${service.path}.calls[${i}]`);
      queue.push(call.to);
    });
  }
  const named = retrying.slice(0, FIX_NAMES_MAX).join(", ");
  const more = retrying.length > FIX_NAMES_MAX ? ` and ${retrying.length - FIX_NAMES_MAX} more` : "";
  return `retry at one layer only: keep the retries on ${root.path}.calls[${index}] and set retries: 0 on the calls below it that retry: ${named}${more}`;
}

/** Calls followed inside call cycles per entry call, at most (see suffixWalker). */
const CYCLE_STEPS = 100_000;

/**
 * The worst chain on from a service: the calls after it whose attempts multiply the most (the
 * longer on a tie), never back to a service on the path. Outside a call cycle the path cannot come
 * back (callCycleGroups), so the chain on from such a service is the same however it was reached
 * and is worked out once: linear in calls for an acyclic graph, where walking every path took
 * time exponential in its depth. Inside a cycle simple paths are walked, up to CYCLE_STEPS calls
 * followed (a dense group has factorially many; call-cycle reports the cycles as errors): past
 * that, the chain found so far stands (a path that exists, perhaps not the worst).
 */
function suffixWalker(
  services: ReadonlyMap<string, ResolvedService>,
  cyclic: ReadonlyMap<string, number>,
): (at: string, onPath: ReadonlySet<string>) => Chain {
  const memo = new Map<string, Chain>();
  // The budget is each entry call's; a chain worked out after it ran out may not be the worst,
  // so it is not kept for the next entry call.
  let steps = 0;
  const walk = (at: string, onPath: ReadonlySet<string>): Chain => {
    const known = memo.get(at);
    if (known !== undefined) return known;
    let best: Chain = { names: [], attempts: [], product: 1 };
    for (const call of services.get(at)?.calls ?? []) {
      if (onPath.has(call.to)) continue;
      if (cyclic.has(call.to) && ++steps > CYCLE_STEPS) break;
      const tail = walk(call.to, cyclic.has(call.to) ? new Set([...onPath, call.to]) : onPath);
      const product = (call.retries + 1) * tail.product;
      const length = tail.names.length + 1;
      if (product > best.product || (product === best.product && length > best.names.length))
        best = { names: [call.to, ...tail.names], attempts: [call.retries + 1, ...tail.attempts], product };
    }
    if (!cyclic.has(at) && steps <= CYCLE_STEPS) memo.set(at, best);
    return best;
  };
  return (at, onPath) => {
    steps = 0;
    return walk(at, onPath);
  };
}
