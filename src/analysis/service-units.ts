import type { ResolvedService } from "../model/types.js";
import type { DatastoreEvaluator } from "./datastores.js";
import { type AvailabilityUnit, deploymentUnit } from "./joint.js";
import type { StreamEvaluator } from "./streams.js";

/** What one service brings to a request's availability, before its callees are expanded. */
interface ServicePlan {
  /** Its own deployment. */
  readonly own: AvailabilityUnit;
  /** Per hard call, in call order: a datastore or stream unit (with a store's cap), or a callee service. */
  readonly steps: readonly (
    | { readonly unit: AvailabilityUnit; readonly cap?: number }
    | { readonly callee: string }
  )[];
}

/**
 * The availability units a service's requests need: its own deployment and every hard dependency,
 * transitively (a callee service brings its own deployment and its dependencies); each
 * (component, op) once, call cycles cut. Each component's unit is made once and shared by every
 * service that depends on it, with one memo per component (joint.ts); each service's plan is made
 * once (a service is expanded once per service that depends on it, transitively: issue #15).
 */
export function serviceUnits(
  services: ReadonlyMap<string, ResolvedService>,
  datastores: ReadonlyMap<string, DatastoreEvaluator>,
  streams: ReadonlyMap<string, StreamEvaluator>,
  capOf: (datastore: string) => number,
): (name: string) => { units: AvailabilityUnit[]; caps: number[] } {
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
        steps.push({ unit, cap: capOf(store.ds.name) });
      } else if (stream !== undefined) {
        const key = `stream|${call.to}`;
        const unit = unitOf(key, (memo) => ({
          key,
          domains: new Map(stream.stream.regions.map((r) => [r, stream.stream.zones[r] ?? []])),
          given: (view) => stream.availabilityGiven(view),
          memo,
        }));
        steps.push({ unit });
      } else steps.push({ callee: call.to });
    }
    return { own, steps };
  };
  const expand = (name: string, seen: Set<AvailabilityUnit>, out: AvailabilityUnit[], caps: number[]) => {
    const plan = planOf(name);
    if (plan === undefined || seen.has(plan.own)) return;
    seen.add(plan.own);
    out.push(plan.own);
    for (const step of plan.steps) {
      if ("callee" in step) {
        expand(step.callee, seen, out, caps);
        continue;
      }
      if (seen.has(step.unit)) continue;
      seen.add(step.unit);
      if (step.cap !== undefined) caps.push(step.cap);
      out.push(step.unit);
    }
  };
  return (name) => {
    const units: AvailabilityUnit[] = [];
    const caps: number[] = [];
    expand(name, new Set(), units, caps);
    return { units, caps };
  };
}
