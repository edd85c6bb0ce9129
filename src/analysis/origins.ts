import { modelIndex } from "../model/model-index.js";
import type { Model, ResolvedCall, ResolvedService, ResolvedStream, UserOrigin } from "../model/types.js";
import { byText } from "../order.js";
import type { DatastoreEvaluator, DatastoreOp } from "./datastores.js";
import { type Figure, latencyProfile } from "./latency.js";
import type { NetworkView } from "./network.js";
import { nearest } from "./replication/common.js";
import type { LatencyProfile } from "./types.js";

/** Per network view: each user's nearest region among a set of live regions (many callers share a set). */
const routes = new WeakMap<NetworkView, Map<string, readonly (readonly [string, number])[]>>();

/** Where each user origin is served among `live` regions: `[region, share]` in user order. */
function userRoutes(model: Model, live: readonly string[], net: NetworkView) {
  let memo = routes.get(net);
  if (memo === undefined) {
    memo = new Map();
    routes.set(net, memo);
  }
  const key = live.join(",");
  let known = memo.get(key);
  if (known === undefined) {
    const out: (readonly [string, number])[] = [];
    for (const user of model.users) {
      const region = nearest(user.region, live, net)?.region;
      if (region !== undefined) out.push([region, user.share]);
    }
    known = out;
    memo.set(key, known);
  }
  return known;
}

/** Per network view: where each user origin reaches one service (asked once per component it calls). */
const serviceRoutes = new WeakMap<
  NetworkView,
  Map<ResolvedService, readonly (readonly [string, number])[]>
>();

function routesOf(model: Model, service: ResolvedService, net: NetworkView) {
  let memo = serviceRoutes.get(net);
  if (memo === undefined) {
    memo = new Map();
    serviceRoutes.set(net, memo);
  }
  let known = memo.get(service);
  if (known === undefined) {
    // A caller in a failed region makes no requests; users fail over to the nearest live one.
    known = userRoutes(
      model,
      service.regions.filter((region) => net.regionUp(region)),
      net,
    );
    memo.set(service, known);
  }
  return known;
}

/**
 * Where a component's requests come from. Users reach a service in its nearest region, so a
 * datastore or stream called by services sees requests from those callers' regions, weighted by
 * the user demand each caller region serves (a standby region nobody is routed to adds nothing).
 * Each caller counts by its calls per second to the component when every caller's is known
 * (`callRates`), else equally. A component nobody calls is used by the users directly.
 */
export function callerOrigins(
  model: Model,
  callers: readonly string[],
  net: NetworkView,
  fallback: readonly UserOrigin[],
  rates?: ReadonlyMap<string, number>,
): readonly UserOrigin[] {
  const weights = callerWeights(model, callers, net, rates);
  const total = [...weights.values()].reduce((sum, w) => sum + w, 0);
  if (total === 0) return fallback;
  return [...weights]
    .map(([region, weight]) => ({ region, share: weight / total }))
    .sort((a, b) => byText(a.region, b.region));
}

/** Each region's weight in callerOrigins: the callers' rates (1 each unknown) × their share of calls there. */
function callerWeights(
  model: Model,
  callers: readonly string[],
  net: NetworkView,
  rates: ReadonlyMap<string, number> | undefined,
  only: (service: ResolvedService) => boolean = () => true,
): Map<string, number> {
  const index = modelIndex(model);
  const weights = new Map<string, number>();
  for (const name of callers) {
    const service = index.service(name);
    if (service === undefined || !only(service)) continue;
    const rate = rates?.get(name) ?? 1;
    for (const [region, share] of routesOf(model, service, net))
      weights.set(region, (weights.get(region) ?? 0) + rate * share);
  }
  return weights;
}

/**
 * Of the demand for `component` with `op` from a region (demandOrigins), the fraction its
 * Kubernetes callers make: they dial cluster and clusterset names, the others the store itself.
 */
export function kubernetesShare(
  model: Model,
  component: string,
  op: ResolvedCall["op"] | undefined,
  net: NetworkView,
): (region: string) => number {
  const callers = callersOf(model, component, op);
  const index = modelIndex(model);
  const onKubernetes = (service: ResolvedService | undefined) => service?.deploy.target === "kubernetes";
  // The usual cases, without weighing: every caller on Kubernetes, or none.
  const kinds = new Set(callers.map((name) => onKubernetes(index.service(name))));
  if (!kinds.has(false)) return () => 1;
  if (!kinds.has(true)) return () => 0;
  const rates = callRates(model, component, op, callers);
  const all = callerWeights(model, callers, net, rates);
  const k8s = callerWeights(model, callers, net, rates, onKubernetes);
  return (region) => {
    const weight = all.get(region) ?? 0;
    return weight > 0 ? (k8s.get(region) ?? 0) / weight : 0;
  };
}

/**
 * Where a datastore's writes come from: its writers' regions, weighted as callerOrigins weighs them
 * (the users when nobody calls it). The demand its evaluation weighs — write flows entering a
 * multi-leader store, the leader an election picks — as the write latency table shows it.
 */
export function writeDemand(model: Model, datastore: string, net: NetworkView): readonly UserOrigin[] {
  return demandOrigins(model, datastore, "write", net, model.users);
}

/**
 * callerOrigins over the services calling `component` with `op` (all its callers when none uses
 * that op, as callersOf), each weighted by how often it makes those calls.
 */
export function demandOrigins(
  model: Model,
  component: string,
  op: ResolvedCall["op"] | undefined,
  net: NetworkView,
  fallback: readonly UserOrigin[],
): readonly UserOrigin[] {
  const callers = callersOf(model, component, op);
  return callerOrigins(model, callers, net, fallback, callRates(model, component, op, callers));
}

/**
 * Calls per second each caller makes to `component` (with `op` when any caller uses it): its
 * request rate × callsPerRequest, summed over its calls there. Undefined unless every caller's
 * request rate is known and some caller calls at all: weights from a partial picture would
 * misstate the others, so callers then count equally.
 */
export function callRates(
  model: Model,
  component: string,
  op: ResolvedCall["op"] | undefined,
  callers: readonly string[],
): ReadonlyMap<string, number> | undefined {
  const sites = modelIndex(model).callsTo(component);
  const useOp = op !== undefined && sites.some((site) => site.call.op === op);
  const rates = new Map<string, number>();
  for (const { service, call } of sites) {
    if (useOp && call.op !== op) continue;
    const rate = requestRate(model, service.name);
    if (rate === undefined) return undefined;
    rates.set(service.name, (rates.get(service.name) ?? 0) + rate * call.callsPerRequest);
  }
  const total = callers.reduce((sum, name) => sum + (rates.get(name) ?? 0), 0);
  return total > 0 ? rates : undefined;
}

/** Per model: each service's requests per second (undefined: not known). */
const requestRates = new WeakMap<Model, Map<string, number | undefined>>();
/** Per model: the streams each service consumes (not a scan of every stream per service). */
const consumedStreams = new WeakMap<Model, Map<string, ResolvedStream[]>>();

function streamsConsumedBy(model: Model, service: string): readonly ResolvedStream[] {
  let byService = consumedStreams.get(model);
  if (byService === undefined) {
    byService = new Map();
    for (const stream of model.streams)
      for (const consumer of stream.consumers) {
        const list = byService.get(consumer);
        if (list === undefined) byService.set(consumer, [stream]);
        else list.push(stream);
      }
    consumedStreams.set(model, byService);
  }
  return byService.get(service) ?? [];
}

/**
 * Requests per second a service handles: its declared `traffic`; else what its callers send it
 * (their rates × callsPerRequest) plus the messages of the streams it consumes. Undefined when
 * any of those is unknown, or on a call cycle.
 */
export function requestRate(model: Model, name: string): number | undefined {
  let memo = requestRates.get(model);
  if (memo === undefined) {
    memo = new Map();
    requestRates.set(model, memo);
  }
  const index = modelIndex(model);
  const visiting = new Set<string>();
  const rateOf = (service: string): number | undefined => {
    if (memo.has(service)) return memo.get(service);
    // A cycle's rate is not determined by the spec: unknown.
    if (visiting.has(service)) return undefined;
    visiting.add(service);
    const declared = index.service(service)?.traffic?.requestsPerSec;
    let rate: number | undefined = declared;
    if (rate === undefined) {
      let sum = 0;
      let known = true;
      let sources = 0;
      for (const site of index.callsTo(service)) {
        const caller = rateOf(site.service.name);
        sources++;
        if (caller === undefined) known = false;
        else sum += caller * site.call.callsPerRequest;
      }
      for (const stream of streamsConsumedBy(model, service)) {
        sources++;
        const messages = stream.traffic?.messagesPerSec;
        if (messages === undefined) known = false;
        else sum += messages;
      }
      rate = known && sources > 0 ? sum : undefined;
    }
    visiting.delete(service);
    memo.set(service, rate);
    return rate;
  };
  return rateOf(name);
}

/**
 * Services that call `component` with `op` (e.g. the readers of a datastore); all its callers when
 * none uses that op, so a datastore that callers only write still has origins for its reads.
 */
export function callersOf(model: Model, component: string, op?: ResolvedCall["op"]): string[] {
  const sites = modelIndex(model).callsTo(component);
  const callers = (match: (call: ResolvedCall) => boolean) => {
    const names: string[] = [];
    for (const { service, call } of sites)
      if (match(call) && names[names.length - 1] !== service.name) names.push(service.name);
    return names;
  };
  const withOp = op === undefined ? [] : callers((call) => call.op === op);
  return withOp.length > 0 ? withOp : callers(() => true);
}

/**
 * A datastore's latency from its callers' regions: as Kubernetes clients see it (`clientLatency`,
 * through the clusterset name where no member runs) when every caller runs on Kubernetes, else
 * from a client in the region itself (users, or callers elsewhere, reaching the store directly).
 */
export function latencyFromCallers(
  model: Model,
  ev: DatastoreEvaluator,
): (origin: string, op: DatastoreOp) => Figure | undefined {
  return callersOnKubernetes(model, ev.ds.name) ? ev.clientLatency : ev.latency;
}

/** Whether `component` has callers and every one runs on Kubernetes (dials cluster and clusterset names). */
export function callersOnKubernetes(model: Model, component: string): boolean {
  const sites = modelIndex(model).callsTo(component);
  return sites.length > 0 && sites.every(({ service }) => service.deploy.target === "kubernetes");
}

/** A datastore's read or write latency from where the callers using that op send requests. */
export function datastoreLatency(
  model: Model,
  ev: DatastoreEvaluator,
  net: NetworkView,
  op: DatastoreOp,
): LatencyProfile {
  const origins = demandOrigins(model, ev.ds.name, op, net, model.users);
  const at = latencyFromCallers(model, ev);
  return latencyProfile(origins, (origin) => at(origin, op));
}
