import type { Model, ResolvedCall, UserOrigin } from "../model/types.js";
import type { NetworkView } from "./network.js";
import { nearest } from "./replication/common.js";

/**
 * Where a component's requests come from. Users reach a service in its nearest region, so a
 * datastore or stream called by services sees requests from those callers' regions, weighted by
 * the user demand each caller region serves (a standby region nobody is routed to adds nothing).
 * A component nobody calls is used by the users directly.
 */
export function callerOrigins(
  model: Model,
  callers: readonly string[],
  net: NetworkView,
  fallback: readonly UserOrigin[],
): readonly UserOrigin[] {
  const weights = new Map<string, number>();
  for (const name of callers) {
    const service = model.services.find((s) => s.name === name);
    if (service === undefined) continue;
    // A caller in a failed region makes no requests; users fail over to the nearest live one.
    const live = service.regions.filter((region) => net.regionUp(region));
    for (const user of model.users) {
      const region = nearest(user.region, live, net)?.region;
      if (region !== undefined) weights.set(region, (weights.get(region) ?? 0) + user.share);
    }
  }
  const total = [...weights.values()].reduce((sum, w) => sum + w, 0);
  if (total === 0) return fallback;
  return [...weights]
    .map(([region, weight]) => ({ region, share: weight / total }))
    .sort((a, b) => a.region.localeCompare(b.region));
}

/**
 * Services that call `component` with `op` (e.g. the readers of a datastore); all its callers when
 * none uses that op, so a datastore that callers only write still has origins for its reads.
 */
export function callersOf(model: Model, component: string, op?: ResolvedCall["op"]): string[] {
  const callers = (match: (call: ResolvedCall) => boolean) =>
    model.services
      .filter((s) => s.calls.some((call) => call.to === component && match(call)))
      .map((s) => s.name);
  const withOp = op === undefined ? [] : callers((call) => call.op === op);
  return withOp.length > 0 ? withOp : callers(() => true);
}
