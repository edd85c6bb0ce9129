import { isReadOp } from "../model/call-ops.js";
import { isMirrorOnly } from "../model/msk-clusters.js";
import type { ResolvedService, ResolvedStream } from "../model/types.js";
import { type DatastoreEvaluator, memberZones } from "./datastores.js";
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

/**
 * The clusters a client's pods use for `op`, as the analysis routes their calls (streams.ts
 * clusterFor, readCluster): a consumer's pods in a mirror-only region read its mirror; on
 * Kubernetes a pod in a stream region dials its own region's bootstrap Service; any other pod the
 * nearest live stream cluster, any of them. Undefined when that is every stream cluster and no
 * other (one unit shared by every such client).
 */
function clustersUsed(stream: ResolvedStream, service: ResolvedService, op: string | undefined) {
  const used = new Set<string>();
  let anywhere = false;
  for (const region of service.regions) {
    if (isReadOp(op) && isMirrorOnly(stream, region)) used.add(region);
    else if (stream.deploy.target === "kubernetes" && stream.regions.includes(region)) used.add(region);
    else anywhere = true;
  }
  if (anywhere) for (const region of stream.regions) used.add(region);
  const every = used.size === stream.regions.length && stream.regions.every((region) => used.has(region));
  return used.size === 0 || every ? undefined : [...used].sort();
}

/** What one service brings to a request's availability, before its callees are expanded. */
interface ServicePlan {
  /** Its own deployment. */
  readonly own: AvailabilityUnit;
  /** Per hard call, in call order: a datastore or stream unit (with a store's cap), or a callee service. */
  readonly steps: readonly (
    | {
        readonly unit: AvailabilityUnit;
        readonly cap?: number;
        readonly callsPerRequest: number;
        /** The store's members in the caller's regions, which its Kubernetes pods dial (one up). */
        readonly members?: AvailabilityUnit;
      }
    | { readonly callee: string; readonly callsPerRequest: number }
  )[];
}

/**
 * The availability units a service's requests need: its own deployment and every hard dependency,
 * transitively (a callee service brings its own deployment and its dependencies); each
 * (component, op) once, call cycles cut. With calls only some requests make (`callsPerRequest`
 * below 1), also which requests need what (`request`, joint.ts) and the share needing each unit.
 * Each component's unit is made once and shared by every service that depends on it, with one
 * memo per component (joint.ts); each service's plan is made once.
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
        // A Kubernetes caller whose every region needs the store's members there (datastores.ts
        // needsLocalMembers): its calls also need one of those members up, as its latency says.
        const local =
          service.deploy.target === "kubernetes" &&
          service.regions.every((region) => store.needsLocalMembers(region, op));
        const membersKey = `datastore-members|${call.to}|${service.regions.join(",")}`;
        const members = local
          ? unitOf(membersKey, (memo) => ({
              ...deploymentUnit(membersKey, service.regions, (region) => memberZones(store.ds, region)),
              memo,
            }))
          : undefined;
        steps.push({
          unit,
          cap: capOf(store.ds.name),
          callsPerRequest: call.callsPerRequest,
          ...(members === undefined ? {} : { members }),
        });
      } else if (stream !== undefined) {
        // The clusters its pods use (on Kubernetes their own region's, a mirror its consumers
        // read): its calls need one of them, not any cluster.
        const own = clustersUsed(stream.stream, service, call.op);
        const key = own === undefined ? `stream|${call.to}` : `stream|${call.to}|${own.join(",")}`;
        const unit = unitOf(key, (memo) => ({
          key,
          domains: new Map((own ?? stream.stream.regions).map((r) => [r, stream.stream.zones[r] ?? []])),
          given: (view) => stream.availabilityGiven(view, own),
          memo,
        }));
        steps.push({ unit, callsPerRequest: call.callsPerRequest });
      } else steps.push({ callee: call.to, callsPerRequest: call.callsPerRequest });
    }
    return { own, steps };
  };
  // Whether some requests of a service skip part of what it needs: a hard call made by only some
  // of them (`callsPerRequest` below 1), or to a service of which that holds (call cycles
  // included: found backwards from the calls below 1, over the callers). Such a service is walked
  // again wherever a request calls it again (its calls decide anew each time).
  let partialSet: ReadonlySet<string> | undefined;
  const partial = (name: string): boolean => {
    partialSet ??= partialServices(services, planOf);
    return partialSet.has(name);
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
   * own, as services.ts counts them). A service on `path` is a call cycle: cut. Once the budget
   * is spent (services walked and copies made where branches multiply), every call still to walk
   * is taken as made: more units needed, a lower figure, and each service walked once from there.
   */
  const walk = (
    name: string,
    node: RequestNode,
    seen: Set<AvailabilityUnit>,
    path: Set<string>,
    budget: { left: number },
    branched: boolean,
  ): void => {
    const plan = planOf(name);
    if (plan === undefined || path.has(name)) return;
    const again = partial(name) && budget.left >= 0;
    if (seen.has(plan.own) && !again) return;
    if (branched || again) budget.left--;
    need(node, seen, { unit: plan.own });
    path.add(name);
    for (const step of plan.steps) {
      const made = budget.left < 0;
      const whole = made ? Math.max(1, Math.ceil(step.callsPerRequest)) : Math.floor(step.callsPerRequest);
      const extra = made ? 0 : step.callsPerRequest - whole;
      if (!("callee" in step)) {
        // A store or stream is up or down for every call of a request: one more call adds nothing.
        if (whole >= 1) {
          need(node, seen, step);
          if (step.members !== undefined) need(node, seen, { unit: step.members });
        } else {
          const needs = [step.unit, ...(step.members === undefined ? [] : [step.members])].filter(
            (unit) => !seen.has(unit),
          );
          if (needs.length > 0) node.branches.push({ share: extra, times: 1, node: { needs, branches: [] } });
          if (step.cap !== undefined && needs.includes(step.unit)) caps.set(step.unit, step.cap);
        }
        continue;
      }
      // Every request makes `whole` calls: the first brings the callee's units; each further one
      // draws the callee's partial calls again, the same branches each time (walked once, raised
      // to the number of calls: a chain of many calls is not walked per call).
      const drawn = partial(step.callee) && !made;
      if (whole >= 1) walk(step.callee, node, seen, path, budget, branched);
      if (whole >= 2 && drawn && budget.left >= 0) {
        const more: RequestNode = { needs: [], branches: [] };
        walk(step.callee, more, seen, path, budget, true);
        // Units it needs here only once the budget ran out (their calls taken as made): every request's.
        node.needs.push(...more.needs);
        for (const b of more.branches) node.branches.push({ ...b, times: b.times * (whole - 1) });
      }
      if (extra > 0 && (whole === 0 || drawn) && budget.left >= 0) {
        budget.left -= seen.size;
        const into: RequestNode = { needs: [], branches: [] };
        // What this call needs is not needed by the requests that do not make it.
        walk(step.callee, into, new Set(seen), path, budget, true);
        if (into.needs.length > 0 || into.branches.length > 0)
          node.branches.push({ share: extra, times: 1, node: into });
      }
    }
    path.delete(name);
  };
  const caps = new Map<AvailabilityUnit, number>();
  return (name) => {
    const root: RequestNode = { needs: [], branches: [] };
    walk(name, root, new Set(), new Set(), { left: REQUEST_WALK_BUDGET }, false);
    const request = root.branches.length === 0 ? undefined : requestShape(root);
    // Every request needs every unit: the units as first met.
    if (request === undefined)
      return { units: root.needs, caps: root.needs.flatMap((u) => caps.get(u) ?? []) };
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
}

/**
 * Steps (and copies of what is needed so far) a request's walk may take before the calls still to
 * walk are taken as made (issue #15: layers of calls some requests make branch at every layer).
 * A call made needs its units up: a lower bound of the share served.
 */
const REQUEST_WALK_BUDGET = 2_000;

/** What a request needs: units every request reaching here needs, and calls only some make. */
interface RequestNode {
  readonly needs: AvailabilityUnit[];
  /** Per call some requests make: their share, and how many such calls each request draws. */
  readonly branches: { readonly share: number; readonly times: number; readonly node: RequestNode }[];
}

/**
 * The services some of whose requests skip part of what they need (`partial` above): those with a
 * hard call below 1 per request, then, backwards over hard calls, every caller of one.
 */
function partialServices(
  services: ReadonlyMap<string, ResolvedService>,
  planOf: (name: string) => ServicePlan | undefined,
): ReadonlySet<string> {
  const found = new Set<string>();
  const callers = new Map<string, string[]>();
  const queue: string[] = [];
  for (const name of services.keys()) {
    for (const step of planOf(name)?.steps ?? []) {
      if (step.callsPerRequest < 1 && !found.has(name)) {
        found.add(name);
        queue.push(name);
      }
      if ("callee" in step) {
        const list = callers.get(step.callee);
        if (list === undefined) callers.set(step.callee, [name]);
        else list.push(name);
      }
    }
  }
  while (queue.length > 0)
    for (const caller of callers.get(queue.pop()!) ?? [])
      if (!found.has(caller)) {
        found.add(caller);
        queue.push(caller);
      }
  return found;
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
  // `drawn`: the node is drawn more than once per request (below a branch of several calls),
  // so each of its units is as good as met again.
  const shapeOf = (
    node: RequestNode,
    above: ReadonlySet<AvailabilityUnit>,
    reach: number,
    drawn: boolean,
  ): RequestShape => {
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
      if (met.has(i) || drawn) again.add(i);
      met.add(i);
      own.push(i);
    }
    const inner = node.branches.length === 0 ? above : new Set([...above, ...node.needs]);
    return {
      units: own,
      branches: node.branches.map((b) => ({
        share: b.share,
        times: b.times,
        shape: shapeOf(b.node, inner, Math.min(1, reach * b.share * b.times), drawn || b.times > 1),
      })),
    };
  };
  const shape = shapeOf(root, new Set(), 1, false);
  return { units, shares, shape: { ...shape, repeated: [...again] } };
}
