import { isReadOp } from "../model/call-ops.js";
import { deployedCalls, retryWaitTotalMs } from "../model/mesh-calls.js";
import { modelIndex } from "../model/model-index.js";
import type { Model, ResolvedCall, ResolvedService } from "../model/types.js";
import { byText } from "../order.js";
import { deploymentAvailability } from "./availability.js";
import type { DatastoreEvaluator } from "./datastores.js";
import { jointAvailability } from "./joint.js";
import { evenMixture, type Figure } from "./latency.js";
import type { NetworkView } from "./network.js";
import { requestFailure, serviceUnits } from "./service-units.js";
import type { StreamEvaluator } from "./streams.js";

/** What a call costs from one caller region. */
export interface CallFigure {
  readonly call: ResolvedCall;
  /** undefined: the callee cannot be reached / has no quorum. */
  readonly single: Figure | undefined;
  /** With retries and the deadline; what the call adds to one request. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The share of the caller's requests this call fails (a hard dependency that cannot serve them). */
  readonly failedShare: number;
}

/** A service serving in one region: its own time plus its calls. */
export interface RegionFigure extends Figure {
  readonly region: string;
  /** The share of its requests that fail here: a hard dependency cannot serve the calls they make. */
  readonly failedShare: number;
  /** Every request fails here (`failedShare` 1): callers and users are served from another region. */
  readonly failed: boolean;
  readonly calls: readonly CallFigure[];
}

/** A service's figure from an origin, and the share of those requests its dependencies fail. */
export type ServedFigure = Figure & { readonly failedShare: number };

/**
 * The call's p99 accounts for its attempts. A tail request is retried only when an attempt outruns
 * the per-try timeout: if the callee's p99 fits within it, fewer than 1% of attempts time out and
 * the p99 is the callee's. Otherwise timeouts are common enough to reach the tail, and the p99
 * request is taken to be one whose every attempt ran to the per-try timeout, plus the waits
 * before each retry (the full wait even with jitter: the top of the jitter range) — never
 * beyond the overall deadline `timeoutMs`. The median request succeeds on its first attempt.
 */
export function retriedCall(call: ResolvedCall, single: Figure): { p50Ms: number; p99Ms: number } {
  const p50Ms = Math.min(single.p50Ms, call.timeoutMs);
  if (single.p99Ms <= call.perTryTimeoutMs) return { p50Ms, p99Ms: Math.min(single.p99Ms, call.timeoutMs) };
  const waits = retryWaitTotalMs(call);
  return { p50Ms, p99Ms: Math.min(call.timeoutMs, call.perTryTimeoutMs * (1 + call.retries) + waits) };
}

/**
 * A request makes ⌊c⌋ calls and one more with probability c − ⌊c⌋ (`callsPerRequest` c, each request
 * as near the mean as whole calls allow). A quantile q counts that extra call in full when at least
 * 1 − q of requests make it, else not at all: the median request makes it from a fraction of 0.5,
 * the p99 request from 0.01. (A mean, c × p50, is no request's time: with c = 0.3 the median
 * request makes no call.)
 */
export function perRequest(call: ResolvedCall, figure: { p50Ms: number; p99Ms: number }): Figure {
  const whole = Math.floor(call.callsPerRequest);
  const fraction = call.callsPerRequest - whole;
  return {
    p50Ms: (whole + (fraction >= 0.5 ? 1 : 0)) * figure.p50Ms,
    p99Ms: (whole + (fraction >= 0.01 ? 1 : 0)) * figure.p99Ms,
  };
}

/**
 * Whether a call from `caller` in `region` to the service `callee` crosses clusters by the
 * callee's clusterset name (src/compile/kubernetes/endpoints.ts `clientEndpoint`): both run on
 * Kubernetes and the callee has no pods in the caller's region. The Multi-Cluster Services address
 * then balances the calls over every region the callee runs in, not the nearest one.
 */
export function crossesClusters(caller: ResolvedService, callee: ResolvedService, region: string): boolean {
  return (
    caller.deploy.target === "kubernetes" &&
    callee.deploy.target === "kubernetes" &&
    !callee.regions.includes(region)
  );
}

export interface ServiceEvaluator {
  at(service: string, region: string): RegionFigure | undefined;
  /** Latency from an origin: the nearest serving region whose hard dependencies work. */
  from(service: string, origin: string): (ServedFigure & { region: string }) | undefined;
  /**
   * The same figure without keeping it for later look-ups (a service's own latency profile asks
   * once per user origin; only its callers ask again).
   */
  fromOnce(service: string, origin: string): (ServedFigure & { region: string }) | undefined;
  availability(service: string): { own: number; total: number };
  /** Call cycles met (each as the list of services around it, first repeated at the end). */
  readonly cycles: ReadonlyMap<string, readonly string[]>;
}

/**
 * Services along their call graph, memoised per (service, region). A call back into a service
 * already on the stack is a cycle (reported by the `call-cycle` policy): it contributes nothing and
 * the cycle is recorded on every service it passes through, so evaluation always terminates.
 */
export function evaluateServices(
  model: Model,
  net: NetworkView,
  datastores: ReadonlyMap<string, DatastoreEvaluator>,
  streams: ReadonlyMap<string, StreamEvaluator>,
  /** A datastore's availability cap (common mode, designed availability; src/analysis/caps.ts). */
  capOf: (datastore: string) => number = () => 1,
): ServiceEvaluator {
  const services = new Map(model.services.map((s) => [s.name, s]));
  const index = modelIndex(model);
  // Keyed by name, then region (no key string built per look-up: asked per service × origin).
  const memo = new Map<string, Map<string, RegionFigure>>();
  const stack: string[] = [];
  const cycles = new Map<string, string[]>();
  const processingTail = net.processingTailFactor;

  const serves = (service: ResolvedService, region: string) =>
    net.regionUp(region) && (service.zones[region] ?? [`${region}-zone`]).some(net.zoneUp);

  const callee = (
    caller: ResolvedService,
    call: ResolvedCall,
    region: string,
  ): (Figure & { failedShare?: number }) | undefined => {
    const store = datastores.get(call.to);
    if (store !== undefined) {
      const op = call.op === "write" ? "write" : "read";
      return caller.deploy.target === "kubernetes"
        ? store.clientLatency(region, op)
        : store.latency(region, op);
    }
    const stream = streams.get(call.to);
    // A consumer fetches (the exactly-once rule reads `read` as consuming too); a producer waits for acks=all.
    if (stream !== undefined) return isReadOp(call.op) ? stream.consume(region) : stream.produce(region);
    const target = services.get(call.to);
    return target !== undefined && crossesClusters(caller, target, region)
      ? spread(call.to, region)
      : from(call.to, region);
  };

  function at(name: string, region: string): RegionFigure | undefined {
    let byRegion = memo.get(name);
    if (byRegion === undefined) {
      byRegion = new Map();
      memo.set(name, byRegion);
    }
    const known = byRegion.get(region);
    if (known !== undefined) return known;
    const service = services.get(name);
    if (service === undefined || !serves(service, region)) return undefined;
    stack.push(name);
    // As they run: through the mesh, with their route's deadlines and retries and Envoy's back-off.
    const calls: CallFigure[] = deployedCalls(index, service).map(({ call }) => {
      if (call.targetKind === "service" && stack.includes(call.to)) {
        const cycle = [...stack.slice(stack.indexOf(call.to)), call.to];
        for (const member of new Set(cycle)) if (!cycles.has(member)) cycles.set(member, cycle);
        return { call, single: { p50Ms: 0, p99Ms: 0 }, p50Ms: 0, p99Ms: 0, failedShare: 0 };
      }
      const single = callee(service, call, region);
      if (single === undefined) {
        // A dead soft dependency costs its deadline; a dead hard one fails the requests calling it.
        const wait = call.hard ? 0 : call.timeoutMs;
        const failedShare = call.hard ? requestFailure(call.callsPerRequest, 1) : 0;
        return { call, single, p50Ms: wait, p99Ms: wait, failedShare };
      }
      // A callee failing some of its requests fails as many of these calls; soft ones degrade the
      // page instead. The figures are those of the calls it serves (a failing one answers with an
      // error in its own time: its dependency's timeout counts in its figure).
      const failedShare = call.hard ? requestFailure(call.callsPerRequest, single.failedShare ?? 0) : 0;
      return { call, single, ...perRequest(call, retriedCall(call, single)), failedShare };
    });
    stack.pop();
    let served = 1;
    for (const c of calls) served *= 1 - c.failedShare;
    const failedShare = 1 - served;
    const figure: RegionFigure = {
      region,
      p50Ms: service.processingMs + calls.reduce((sum, c) => sum + c.p50Ms, 0),
      // Own processing time: model.processingTailFactor (no measured figure exists for user code).
      p99Ms: service.processingMs * processingTail + calls.reduce((sum, c) => sum + c.p99Ms, 0),
      failedShare,
      failed: failedShare >= 1,
      calls,
    };
    byRegion.set(region, figure);
    return figure;
  }

  /**
   * `compute` memoised by name, then origin (no key strings built per look-up: this runs per
   * service × origin). Results computed while a call cycle was cut depend on where the walk
   * entered: those are not kept.
   */
  function memoised<T>(compute: (name: string, origin: string) => T) {
    const memo = new Map<string, Map<string, T>>();
    const get = (name: string, origin: string): T => {
      let byOrigin = memo.get(name);
      if (byOrigin === undefined) {
        byOrigin = new Map();
        memo.set(name, byOrigin);
      }
      if (byOrigin.has(origin)) return byOrigin.get(origin) as T;
      const result = compute(name, origin);
      if (stack.length === 0) byOrigin.set(origin, result);
      return result;
    };
    return { memo, get };
  }
  const fromMemoised = memoised((name, origin) => fromUncached(name, origin));
  const fromMemo = fromMemoised.memo;
  const from = fromMemoised.get;
  // Not kept: 25 user origins × 20,000 services would hold half a million figures through the
  // analysis (issue #15). The same value as `from` (a kept one is reused).
  function fromOnce(name: string, origin: string): (ServedFigure & { region: string }) | undefined {
    const byOrigin = fromMemo.get(name);
    if (byOrigin?.has(origin)) return byOrigin.get(origin);
    return fromUncached(name, origin);
  }
  // Serving regions nearest first, per region set and origin: many services share a region set.
  // The set's text key is made once per regions array (each service's), not once per look-up.
  const orderMemo = new Map<string, Map<string, readonly string[]>>();
  const orderOfArray = new WeakMap<readonly string[], Map<string, readonly string[]>>();
  const nearestFirst = (regions: readonly string[], origin: string): readonly string[] => {
    let byOrigin = orderOfArray.get(regions);
    if (byOrigin === undefined) {
      const set = regions.join(",");
      byOrigin = orderMemo.get(set);
      if (byOrigin === undefined) {
        byOrigin = new Map();
        orderMemo.set(set, byOrigin);
      }
      orderOfArray.set(regions, byOrigin);
    }
    let order = byOrigin.get(origin);
    if (order === undefined) {
      // Each region's RTT read once, then the same comparison as ever (so the same order).
      const rtts = new Map<string, number>();
      for (const region of regions) {
        if (!net.connected(origin, region)) continue;
        const rtt = net.rtt(origin, region);
        if (Number.isFinite(rtt)) rtts.set(region, rtt);
      }
      order = regions
        .filter((region) => rtts.has(region))
        .sort((a, b) => rtts.get(a)! - rtts.get(b)! || byText(a, b));
      byOrigin.set(origin, order);
    }
    return order;
  };
  /**
   * The nearest region that serves any request. One failing some requests (a hard dependency
   * called by a share of them is down) is assumed to keep all of them (docs/model.md: a health
   * check of every dependency, or outlier ejection at high error shares, would move them).
   */
  function fromUncached(name: string, origin: string): (ServedFigure & { region: string }) | undefined {
    const service = services.get(name);
    if (service === undefined) return undefined;
    for (const region of nearestFirst(service.regions, origin)) {
      const figure = at(name, region);
      if (figure === undefined || figure.failed) continue;
      const rtt = net.rtt(origin, region);
      return {
        region,
        p50Ms: rtt + figure.p50Ms,
        p99Ms: net.rtt99(origin, region) + figure.p99Ms,
        failedShare: figure.failedShare,
      };
    }
    return undefined;
  }

  const spread = memoised((name, origin) => spreadUncached(name, origin)).get;
  /**
   * A call spread evenly over every serving region whose hard dependencies work (each region runs
   * the same number of pods, and the clusterset address balances over pods): their mixture.
   */
  function spreadUncached(name: string, origin: string): ServedFigure | undefined {
    const service = services.get(name);
    if (service === undefined) return undefined;
    const figures: Figure[] = [];
    let failed = 0;
    for (const region of nearestFirst(service.regions, origin)) {
      const figure = at(name, region);
      if (figure === undefined || figure.failed) continue;
      figures.push({
        p50Ms: net.rtt(origin, region) + figure.p50Ms,
        p99Ms: net.rtt99(origin, region) + figure.p99Ms,
      });
      failed += figure.failedShare;
    }
    const mixture = evenMixture(figures);
    return mixture === undefined ? undefined : { ...mixture, failedShare: failed / figures.length };
  }

  const availabilityMemo = new Map<string, { own: number; total: number }>();
  const zonesOf = (service: ResolvedService) => (r: string) => service.zones[r] ?? [`${r}-zone`];
  const commonMode = 1 - model.settings.commonModeProbability;
  const unitsOf = serviceUnits(services, datastores, streams, capOf);
  /**
   * Own deployment, and jointly with every hard dependency over the failure domains they share
   * (src/analysis/joint.ts) — a service and its datastores in one region fail together with it —
   * capped by the common-mode term.
   */
  function availability(name: string): { own: number; total: number } {
    const known = availabilityMemo.get(name);
    if (known !== undefined) return known;
    const service = services.get(name);
    if (service === undefined) return { own: 0, total: 0 };
    const own = deploymentAvailability(service.regions, zonesOf(service), net);
    const { units, caps, request, shares } = unitsOf(name);
    // Caps bound the result, not each enumerated state (a cap per state would compound).
    const result = {
      own: Math.min(commonMode, own),
      total: Math.min(commonMode, ...caps, jointAvailability(units, net, request, shares)),
    };
    availabilityMemo.set(name, result);
    return result;
  }

  return { at, from, fromOnce, availability, cycles };
}
