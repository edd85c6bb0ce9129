import type { ResolvedService } from "../model/types.js";
import type { DatastoreEvaluator } from "./datastores.js";
import { type AvailabilityUnit, deploymentUnit, type RequestShape } from "./joint.js";
import type { StreamEvaluator } from "./streams.js";

/**
 * The share of a caller's requests that a call fails when the callee fails a share `f` of the
 * calls it is sent: a request makes ⌊c⌋ calls and one more with probability c − ⌊c⌋
 * (`callsPerRequest` c, as services.ts `perRequest` counts them) and fails when any of them does,
 * each alike and independently. With f = 1 (the callee is down) that is every request for c ≥ 1
 * and a share c of them below: a gateway sending 1.25% of its requests to checkout fails those
 * 1.25% while checkout is down, not all of them.
 */
export function requestFailure(callsPerRequest: number, f: number): number {
  if (f <= 0) return 0;
  const whole = Math.floor(callsPerRequest);
  const fraction = callsPerRequest - whole;
  return 1 - (1 - f) ** whole * (1 - fraction * f);
}

/** What one service brings to a request's availability, before its callees are expanded. */
interface ServicePlan {
  /** Its own deployment. */
  readonly own: AvailabilityUnit;
  /** Per hard call, in call order: a datastore or stream unit (with a store's cap), or a callee service. */
  readonly steps: readonly (
    | { readonly unit: AvailabilityUnit; readonly cap?: number; readonly callsPerRequest: number }
    | { readonly callee: string; readonly callsPerRequest: number }
  )[];
}

/**
 * The availability units a service's requests need: its own deployment and every hard dependency,
 * transitively (a callee service brings its own deployment and its dependencies); each
 * (component, op) once, call cycles cut. With calls only some requests make (`callsPerRequest`
 * below 1), also which requests need what (`request`, joint.ts) and the share needing each unit. Each component's unit is made once and shared by every
 * service that depends on it, with one memo per component (joint.ts); each service's plan is made
 * once (a service is expanded once per service that depends on it, transitively: issue #15).
 */
export function serviceUnits(
  services: ReadonlyMap<string, ResolvedService>,
  datastores: ReadonlyMap<string, DatastoreEvaluator>,
  streams: ReadonlyMap<string, StreamEvaluator>,
  capOf: (datastore: string) => number,
): (name: string) => {
  units: AvailabilityUnit[];
  caps: number[];
  request?: RequestShape;
  shares?: number[];
} {
  const unitMemo = new Map<string, AvailabilityUnit>();
  const unitOf = (key: string, make: (memo: Map<string | number, number>) => AvailabilityUnit) => {
    let unit = unitMemo.get(key);
    if (unit === undefined) {
      unit = make(new Map());
      unitMemo.set(key, unit);
    }
    return unit;
  };
  const plans = new Map<string, ServicePlan | undefined>();
  const planOf = (name: string): ServicePlan | undefined => {
    if (plans.has(name)) return plans.get(name);
    const service = services.get(name);
    const plan = service === undefined ? undefined : makePlan(service);
    plans.set(name, plan);
    return plan;
  };
  const makePlan = (service: ResolvedService): ServicePlan => {
    const zonesOf = (r: string) => service.zones[r] ?? [`${r}-zone`];
    const ownKey = `service|${service.name}`;
    // Its memo is shared like a store's: callers of one service enumerate its deployment alike.
    const own = unitOf(ownKey, (memo) => ({ ...deploymentUnit(ownKey, service.regions, zonesOf), memo }));
    const steps: ServicePlan["steps"][number][] = [];
    for (const call of service.calls) {
      if (!call.hard) continue;
      const store = datastores.get(call.to);
      const stream = streams.get(call.to);
      if (store !== undefined) {
        const op = call.op === "write" ? "write" : "read";
        const key = `datastore|${call.to}|${op}`;
        const unit = unitOf(key, (memo) => ({
          key,
          domains: store.domains,
          given: (view) => store.availabilityGiven(view, op),
          memo,
        }));
        steps.push({ unit, cap: capOf(store.ds.name), callsPerRequest: call.callsPerRequest });
      } else if (stream !== undefined) {
        const key = `stream|${call.to}`;
        const unit = unitOf(key, (memo) => ({
          key,
          domains: new Map(stream.stream.regions.map((r) => [r, stream.stream.zones[r] ?? []])),
          given: (view) => stream.availabilityGiven(view),
          memo,
        }));
        steps.push({ unit, callsPerRequest: call.callsPerRequest });
      } else steps.push({ callee: call.to, callsPerRequest: call.callsPerRequest });
    }
    return { own, steps };
  };
  /**
   * Walks `name`'s hard calls into `node`: the units every request reaching it needs join
   * `node.needs`, a call only some requests make (`callsPerRequest` below 1) opens a branch.
   * `seen` holds the units already needed on the way here: a service met again (or a call cycle)
   * adds nothing. `budget` counts the steps walked inside branches (each copies `seen`, and
   * branches multiply); past it the caller takes every call as made.
   */
  const walk = (
    name: string,
    node: RequestNode,
    seen: Set<AvailabilityUnit>,
    budget: { left: number },
    branched: boolean,
  ) => {
    const plan = planOf(name);
    if (plan === undefined || seen.has(plan.own)) return;
    seen.add(plan.own);
    node.needs.push(plan.own);
    for (const step of plan.steps) {
      const share = requestFailure(step.callsPerRequest, 1);
      const branch = share < 1;
      if ((branched || branch) && --budget.left < 0) return;
      if (!branch) {
        if ("callee" in step) walk(step.callee, node, seen, budget, branched);
        else need(node, seen, step);
        continue;
      }
      const into: RequestNode = { needs: [], branches: [] };
      // What this call needs is not needed by the requests that do not make it.
      if ("callee" in step) walk(step.callee, into, new Set(seen), budget, true);
      else if (!seen.has(step.unit)) need(into, new Set(), step);
      if (into.needs.length > 0 || into.branches.length > 0) node.branches.push({ share, node: into });
    }
  };
  const need = (
    node: RequestNode,
    seen: Set<AvailabilityUnit>,
    step: { unit: AvailabilityUnit; cap?: number },
  ) => {
    if (seen.has(step.unit)) return;
    seen.add(step.unit);
    node.needs.push(step.unit);
    if (step.cap !== undefined) caps.set(step.unit, step.cap);
  };
  const caps = new Map<AvailabilityUnit, number>();
  return (name) => {
    const root: RequestNode = { needs: [], branches: [] };
    const budget = { left: REQUEST_WALK_BUDGET };
    walk(name, root, new Set(), budget, false);
    const request = root.branches.length === 0 || budget.left < 0 ? undefined : requestShape(root);
    if (request === undefined) {
      // Every request needs every unit (or the walk was too long to tell): the units as first met.
      const units = budget.left < 0 ? everyUnit(name) : root.needs;
      return { units, caps: units.flatMap((u) => caps.get(u) ?? []) };
    }
    return {
      units: request.units,
      request: request.shape,
      shares: request.shares,
      // A store's cap bounds the requests that need it: the others are served whatever it does.
      caps: request.units.flatMap((u, i) => {
        const cap = caps.get(u);
        const share = request.shares[i]!;
        return cap === undefined ? [] : [share === 1 ? cap : 1 - share * (1 - cap)];
      }),
    };
  };

  /** Every unit `name`'s requests may need, as if each call were made. */
  function everyUnit(name: string): AvailabilityUnit[] {
    const node: RequestNode = { needs: [], branches: [] };
    const all = (n: string, seen: Set<AvailabilityUnit>) => {
      const plan = planOf(n);
      if (plan === undefined || seen.has(plan.own)) return;
      seen.add(plan.own);
      node.needs.push(plan.own);
      for (const step of plan.steps) {
        if ("callee" in step) all(step.callee, seen);
        else need(node, seen, step);
      }
    };
    all(name, new Set());
    return node.needs;
  }
}

/**
 * Steps a request's walk may take before every call is taken as made (issue #15: a layered graph
 * of calls some requests make branches at every layer). Taking them all as made needs more units
 * up, so the figure is never above what the calls support.
 */
const REQUEST_WALK_BUDGET = 20_000;

/** What a request needs: units every request reaching here needs, and calls only some make. */
interface RequestNode {
  readonly needs: AvailabilityUnit[];
  readonly branches: { readonly share: number; readonly node: RequestNode }[];
}

/**
 * A request tree over unit indices, a unit already needed above a branch left out of it (it is
 * up there whenever the branch's requests get that far); with each unit's share of requests
 * needing it (at most 1: the sum over the paths reaching it, an upper bound).
 */
function requestShape(root: RequestNode): {
  units: AvailabilityUnit[];
  shares: number[];
  shape: RequestShape;
} {
  const index = new Map<AvailabilityUnit, number>();
  const units: AvailabilityUnit[] = [];
  const shares: number[] = [];
  const shapeOf = (node: RequestNode, above: ReadonlySet<AvailabilityUnit>, reach: number): RequestShape => {
    const own: number[] = [];
    for (const unit of node.needs) {
      if (above.has(unit)) continue;
      let i = index.get(unit);
      if (i === undefined) {
        i = units.length;
        index.set(unit, i);
        units.push(unit);
        shares.push(0);
      }
      shares[i] = Math.min(1, shares[i]! + reach);
      own.push(i);
    }
    const inner = node.branches.length === 0 ? above : new Set([...above, ...node.needs]);
    return {
      units: own,
      branches: node.branches.map((b) => ({
        share: b.share,
        shape: shapeOf(b.node, inner, reach * b.share),
      })),
    };
  };
  const shape = shapeOf(root, new Set(), 1);
  return { units, shares, shape };
}
