import { analysisIndex } from "../src/analysis/analysis-index.js";
import type { Analysis, DatastoreAnalysis, ServiceAnalysis, StreamAnalysis } from "../src/analysis/types.js";
import { ENGINE_CAPABILITIES } from "../src/engines/capabilities.js";
import { modelIndex } from "../src/model/model-index.js";
import { isMirrorOnly } from "../src/model/msk-clusters.js";
import type {
  Model,
  ResolvedComponent,
  ResolvedDatastore,
  ResolvedService,
  ResolvedStream,
} from "../src/model/types.js";
import { byText } from "../src/order.js";

/** Helpers shared by the rules: number formatting, the call graph, catalog look-ups. */

/** `74` / `7.5` / `0.25`: at most two decimals, no trailing zeros. */
export function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export function ms(value: number): string {
  return `${num(value)} ms`;
}

/** A share of capacity as people read it: 0.82739 → `82.7%` (one decimal; thresholds are whole percents). */
export function utilisation(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** `$1,234` per month, rounded to whole dollars. */
export function usd(value: number): string {
  return `$${Math.round(value).toLocaleString("en-US")}`;
}

export { percent } from "../src/report/numbers.js";
export { list } from "../src/report/words.js";

export function plural(count: number, noun: string, suffix = "s"): string {
  return `${count} ${noun}${count === 1 ? "" : suffix}`;
}

/**
 * The mirror-only regions (a stream's `mirrorRegions` outside its `regions`) where a producer of a
 * Kubernetes stream runs pods on Kubernetes: their bootstrap there is the mirror's, which
 * MirrorMaker 2 fills and copies nowhere (cluster-reach reports them).
 */
export function producingIntoMirror(stream: ResolvedStream, service: ResolvedService): string[] {
  if (stream.deploy.target !== "kubernetes" || service.deploy.target !== "kubernetes") return [];
  return service.regions.filter((region) => isMirrorOnly(stream, region));
}

export function componentByName(model: Model, name: string): ResolvedComponent | undefined {
  return modelIndex(model).component(name);
}

export function serviceByName(model: Model, name: string): ResolvedService | undefined {
  return modelIndex(model).service(name);
}

export function allComponents(model: Model): ResolvedComponent[] {
  return [...model.datastores, ...model.services, ...model.streams];
}

/** Every service call to `target`, with its caller. */
export function callersOf(
  model: Model,
  target: string,
): readonly { readonly service: ResolvedService; readonly index: number }[] {
  return modelIndex(model).callsTo(target);
}

export function jurisdictionOfRegion(model: Model, region: string): string | undefined {
  return model.catalog.regions.get(region)?.jurisdiction;
}

/**
 * Regions a replica of `store` may move to near `from`: of `from`'s provider (one network, one bill;
 * topoplan places across providers only where told), allowed by the store's residency, other than
 * `from`, and passing `fits`; nearest first by median RTT.
 */
export function regionsNear(
  model: Model,
  store: Pick<ResolvedDatastore, "residency">,
  from: string,
  fits: (region: string, rttMs: number) => boolean,
): { region: string; rttMs: number }[] {
  const provider = model.catalog.regions.get(from)?.provider;
  return [...model.catalog.regions.keys()]
    .filter(
      (region) =>
        region !== from &&
        model.catalog.regions.get(region)?.provider === provider &&
        (store.residency === undefined ||
          store.residency.includes(jurisdictionOfRegion(model, region) ?? "")),
    )
    .map((region) => ({ region, rttMs: rtt(model, from, region) }))
    .filter((r): r is { region: string; rttMs: number } => r.rttMs !== undefined && fits(r.region, r.rttMs))
    .sort((a, b) => a.rttMs - b.rttMs || byText(a.region, b.region));
}

/** Median RTT between two regions; the cross-zone RTT within one region. */
export function rtt(model: Model, a: string, b: string): number | undefined {
  return a === b ? model.settings.crossZoneRttMs : model.catalog.rttMs(a, b);
}

export function datastoreAnalysis(analysis: Analysis, name: string): DatastoreAnalysis | undefined {
  return analysisIndex(analysis).datastore(name);
}

export function serviceAnalysis(analysis: Analysis, name: string): ServiceAnalysis | undefined {
  return analysisIndex(analysis).service(name);
}

export function streamAnalysis(analysis: Analysis, name: string): StreamAnalysis | undefined {
  return analysisIndex(analysis).stream(name);
}

/** An analysis with nothing in it, handed to rules that do not read the analysis when none ran. */
export const EMPTY_ANALYSIS: Analysis = Object.freeze({
  datastores: [],
  services: [],
  streams: [],
  links: [],
  cost: { basis: "none", replicasUsdPerMonth: 0, egressUsdPerMonth: 0, totalUsdPerMonth: 0 },
  failures: [],
});

/**
 * Whether the store's engine offers `consistency` (what a fix may tell a user to declare): any
 * level for a store without an engine or on a managed service topoplan does not describe.
 */
export function engineOffers(store: Pick<ResolvedDatastore, "deploy">, consistency: string): boolean {
  const engine = store.deploy.target === "kubernetes" ? store.deploy.engine : undefined;
  const caps =
    engine === undefined ? undefined : ENGINE_CAPABILITIES[engine as keyof typeof ENGINE_CAPABILITIES];
  return caps?.consistency === undefined || caps.consistency.includes(consistency);
}

/** Datastore engines that run `replication` (what a fix may tell a user to declare), by id. */
export function enginesRunning(replication: string): string[] {
  return Object.entries(ENGINE_CAPABILITIES)
    .filter(([, caps]) => caps.kind === "datastores" && (caps.replication ?? []).includes(replication))
    .map(([id]) => id)
    .sort();
}

/**
 * The services that lie on a call cycle (a strongly connected group of more than one, or one that
 * calls itself), by name, each with its group's number: Tarjan's algorithm, iterative (a deep call
 * chain must not overflow the stack), linear in services and calls. Walks that follow calls can
 * stop there: outside a cycle, where a path leads does not depend on how it came.
 */
export function callCycleGroups(model: Model): ReadonlyMap<string, number> {
  const services = modelIndex(model);
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups = new Map<string, number>();
  let counter = 0;
  let group = 0;
  for (const root of model.services) {
    if (order.has(root.name)) continue;
    const walk: { name: string; next: number }[] = [{ name: root.name, next: 0 }];
    order.set(root.name, counter);
    low.set(root.name, counter++);
    stack.push(root.name);
    onStack.add(root.name);
    while (walk.length > 0) {
      const frame = walk[walk.length - 1]!;
      const calls = services.service(frame.name)?.calls ?? [];
      if (frame.next < calls.length) {
        const to = calls[frame.next++]!.to;
        if (services.service(to) === undefined) continue;
        if (!order.has(to)) {
          order.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          walk.push({ name: to, next: 0 });
        } else if (onStack.has(to)) low.set(frame.name, Math.min(low.get(frame.name)!, order.get(to)!));
        continue;
      }
      walk.pop();
      const parent = walk[walk.length - 1];
      if (parent !== undefined) low.set(parent.name, Math.min(low.get(parent.name)!, low.get(frame.name)!));
      if (low.get(frame.name) !== order.get(frame.name)) continue;
      const members: string[] = [];
      for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
        onStack.delete(name);
        members.push(name);
        if (name === frame.name) break;
      }
      const selfCall = calls.some((c) => c.to === frame.name);
      if (members.length > 1 || selfCall) {
        for (const name of members) groups.set(name, group);
        group++;
      }
    }
  }
  return groups;
}
