import { modelIndex } from "../model/model-index.js";
import type { Model, ResolvedService } from "../model/types.js";
import { analysisIndex } from "./analysis-index.js";
import type {
  Analysis,
  DatastoreAnalysis,
  Failure,
  LinkLoad,
  ServiceAnalysis,
  StreamAnalysis,
} from "./types.js";

/**
 * The baseline results a what-if can keep: a component's figures change under failures only when
 * - one of its replicas, zones or regions is in a failed zone or region,
 * - a service calling it runs in a failed region (its requests then come from elsewhere),
 * - it calls a component whose figures change (services: latency and availability follow callees),
 * - it replicates over a link whose load changed (lag and its share of the egress bill follow the load).
 * Everything else is the baseline's result object, shared. Cut links change round trips and sides of
 * the network for many pairs at once, and call cycles make a service's figures depend on where the
 * walk entered: with either, nothing is kept and the analysis runs in full.
 */
export interface Reuse {
  datastore(name: string): DatastoreAnalysis | undefined;
  service(name: string): ServiceAnalysis | undefined;
  stream(name: string): StreamAnalysis | undefined;
}

export function reusableResults(
  model: Model,
  failures: readonly Failure[],
  baseline: Analysis,
  links: readonly LinkLoad[],
): Reuse | undefined {
  if (failures.some((f) => f.kind === "link") || hasCallCycle(model)) return undefined;
  const regions = new Set<string>();
  const zones = new Set<string>();
  for (const failure of failures) {
    if (failure.kind === "region") regions.add(failure.region);
    else if (failure.kind === "zone") zones.add(failure.zone);
  }
  const index = modelIndex(model);
  const touched = new Set<string>();
  const inFailedRegion = (service: ResolvedService) => service.regions.some((r) => regions.has(r));
  const zonesHit = (byRegion: Readonly<Record<string, readonly string[]>>) =>
    Object.entries(byRegion).some(([region, list]) => regions.has(region) || list.some((z) => zones.has(z)));

  for (const ds of model.datastores) {
    const hit =
      ds.groups.some((g) => g.replicas.some((slot) => regions.has(slot.region) || zones.has(slot.zone))) ||
      index.callersOf(ds.name).some(inFailedRegion);
    if (hit) touched.add(ds.name);
  }
  for (const stream of model.streams) {
    const clients = [
      ...stream.producers,
      ...stream.consumers,
      ...index.callersOf(stream.name).map((s) => s.name),
    ];
    const hit =
      zonesHit(stream.zones) ||
      clients.some((name) => {
        const service = index.service(name);
        return service !== undefined && inFailedRegion(service);
      });
    if (hit) touched.add(stream.name);
  }
  // Links whose load moved: every datastore replicating over them (lag, egress share) changes too.
  const before = analysisIndex(baseline);
  for (const link of links) {
    const old = before.link(link.from, link.to);
    if (old !== undefined && old.mbps === link.mbps) continue;
    for (const c of link.contributors) touched.add(c.component);
  }
  const loaded = new Set(links.map((l) => `${l.from}|${l.to}`));
  for (const old of baseline.links) {
    if (loaded.has(`${old.from}|${old.to}`)) continue;
    for (const c of old.contributors) touched.add(c.component);
  }
  // Services: hit directly, then every caller of anything touched, transitively.
  const queue: string[] = [...touched];
  for (const service of model.services)
    if (zonesHit(service.zones) && !touched.has(service.name)) {
      touched.add(service.name);
      queue.push(service.name);
    }
  while (queue.length > 0) {
    const name = queue.pop()!;
    for (const caller of index.callersOf(name))
      if (!touched.has(caller.name)) {
        touched.add(caller.name);
        queue.push(caller.name);
      }
  }
  const keep = <T>(name: string, lookup: (name: string) => T | undefined) =>
    touched.has(name) ? undefined : lookup(name);
  return {
    datastore: (name) => keep(name, before.datastore),
    service: (name) => keep(name, before.service),
    stream: (name) => keep(name, before.stream),
  };
}

/** Whether any service reaches itself through its calls to services (iterative three-colour DFS). */
export function hasCallCycle(model: Model): boolean {
  const index = modelIndex(model);
  const state = new Map<string, "open" | "done">();
  for (const root of model.services) {
    if (state.has(root.name)) continue;
    const stack: { name: string; next: number }[] = [{ name: root.name, next: 0 }];
    state.set(root.name, "open");
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const calls = index.service(top.name)?.calls ?? [];
      const call = calls[top.next++];
      if (call === undefined) {
        state.set(top.name, "done");
        stack.pop();
      } else if (index.service(call.to) !== undefined) {
        const seen = state.get(call.to);
        if (seen === "open") return true;
        if (seen === undefined) {
          state.set(call.to, "open");
          stack.push({ name: call.to, next: 0 });
        }
      }
    }
  }
  return false;
}

/** A kept datastore result with the leader the failures leave, placed after `leader` as analyse writes it. */
export function withEffectiveLeader(
  kept: DatastoreAnalysis,
  effectiveLeader: string | undefined,
): DatastoreAnalysis {
  // Leader options are a baseline-only figure (the full analysis under failures has none).
  const { leaderOptions: _baselineOnly, ...rest } = kept;
  if (effectiveLeader === undefined) return rest;
  return Object.fromEntries(
    Object.entries(rest).flatMap(([key, value]) =>
      key === "leader"
        ? [
            [key, value],
            ["effectiveLeader", effectiveLeader],
          ]
        : [[key, value]],
    ),
  ) as unknown as DatastoreAnalysis;
}
