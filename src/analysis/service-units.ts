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
  // Whether some requests of a service skip part of what it needs: a hard call made by only some
  // of them (`callsPerRequest` below 1), or to a service of which that holds. Such a service is
  // walked again wherever a request calls it again (its calls decide anew each time).
  const partialMemo = new Map<string, boolean>();
  const partial = (name: string): boolean => {
    const known = partialMemo.get(name);
    if (known !== undefined) return known;
    partialMemo.set(name, false); // a call cycle adds nothing
    const steps = planOf(name)?.steps ?? [];
    const result = steps.some((s) => s.callsPerRequest < 1 || ("callee" in s && partial(s.callee)));
    partialMemo.set(name, result);
    return result;
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
  /**
   * Walks one call of `name` into `node`: the units every request reaching it needs join
   * `node.needs`; a call only some requests make (`callsPerRequest` c below 1, or the extra call
   * of a fractional c above: ⌊c⌋ calls and one more with probability c − ⌊c⌋) opens a branch.
   * `seen` holds the units already needed on the way here, which a service met again adds
   * nothing to; its calls that only some requests make are drawn again (each call decides on its
   * own, as services.ts counts them). A service on `path` is a call cycle: cut. Returns false
   * when the walk's budget runs out: services walked and copies made where branches multiply
   * (below a partial service; the rest is linear, each service once).
   */
  const walk = (
    name: string,
    node: RequestNode,
    seen: Set<AvailabilityUnit>,
    path: Set<string>,
    budget: { left: number },
  ): boolean => {
    const plan = planOf(name);
    if (plan === undefined || path.has(name)) return true;
    const again = partial(name);
    if (seen.has(plan.own) && !again) return true;
    if (again && --budget.left < 0) return false;
    need(node, seen, { unit: plan.own });
    path.add(name);
    let ok = true;
    for (const step of plan.steps) {
      const whole = Math.floor(step.callsPerRequest);
      const extra = step.callsPerRequest - whole;
      if (!("callee" in step)) {
        // A store or stream is up or down for every call of a request: one more call adds nothing.
        if (whole >= 1) need(node, seen, step);
        else if (!seen.has(step.unit)) {
          node.branches.push({ share: extra, node: { needs: [step.unit], branches: [] } });
          if (step.cap !== undefined) caps.set(step.unit, step.cap);
        }
        continue;
      }
      // Every request makes `whole` calls: the first brings the callee's units, each further
      // one only what some of its requests need (drawn again).
      const drawn = partial(step.callee);
      for (let i = 0; i < whole && ok && (i === 0 || drawn); i++)
        ok = walk(step.callee, node, seen, path, budget);
      if (ok && extra > 0 && (whole === 0 || drawn)) {
        budget.left -= seen.size;
        const into: RequestNode = { needs: [], branches: [] };
        // What this call needs is not needed by the requests that do not make it.
        ok = walk(step.callee, into, new Set(seen), path, budget);
        if (into.needs.length > 0 || into.branches.length > 0)
          node.branches.push({ share: extra, node: into });
      }
      if (!ok) break;
    }
    path.delete(name);
    return ok && budget.left >= 0;
  };
  const caps = new Map<AvailabilityUnit, number>();
  return (name) => {
    const root: RequestNode = { needs: [], branches: [] };
    const walked = walk(name, root, new Set(), new Set(), { left: REQUEST_WALK_BUDGET });
    const request = root.branches.length === 0 || !walked ? undefined : requestShape(root);
    if (request === undefined) {
      // Every request needs every unit (or the walk was too long to tell): the units as first met.
      const units = walked ? root.needs : everyUnit(name);
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
      need(node, seen, { unit: plan.own });
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
 * Steps (and copies of what is needed so far) a request's walk may take before every call is
 * taken as made (issue #15: layers of calls some requests make branch at every layer). Every call
 * made needs every unit up: a lower bound of the share served.
 */
const REQUEST_WALK_BUDGET = 5_000;

/** What a request needs: units every request reaching here needs, and calls only some make. */
interface RequestNode {
  readonly needs: AvailabilityUnit[];
  readonly branches: { readonly share: number; readonly node: RequestNode }[];
}

/**
 * A request tree over unit indices, a unit already needed above a branch left out of it (it is
 * up there whenever the branch's requests get that far), with the units met more than once (on
 * two branches: joint.ts conditions on them); and each unit's share of requests needing it (at
 * most 1: the sum over the paths reaching it, an upper bound).
 */
function requestShape(root: RequestNode): {
  units: AvailabilityUnit[];
  shares: number[];
  shape: RequestShape;
} {
  const index = new Map<AvailabilityUnit, number>();
  const units: AvailabilityUnit[] = [];
  const shares: number[] = [];
  const met = new Set<number>();
  const again = new Set<number>();
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
      if (met.has(i)) again.add(i);
      met.add(i);
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
  return { units, shares, shape: { ...shape, repeated: [...again] } };
}
