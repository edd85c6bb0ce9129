import { modelIndex } from "../model/model-index.js";
import type { Model, ResolvedDatastore, ResolvedService } from "../model/types.js";
import { sameData } from "../same-data.js";
import { analysisIndex } from "./analysis-index.js";
import { availabilityCap } from "./caps.js";
import { serviceCost } from "./cost.js";
import { NO_WAIT_UP_TO } from "./lag.js";
import { type NetworkView, networkView } from "./network.js";
import { writeDemand } from "./origins.js";
import { hasCallCycle, type Reuse } from "./touched.js";
import type { Analysis, LinkLoad, ServiceAnalysis } from "./types.js";

/** A model and its analysis without failures: the side of a diff the other side is analysed against. */
export interface AnalysedModel {
  readonly model: Model;
  readonly analysis: Analysis;
}

/**
 * The service results of `before` that an edited model can keep (`diff` analyses both sides; most
 * of an ordinary edit leaves most services alone). A service's figures (latency, availability,
 * calls) read only
 * - the network, the users and the settings (any change there: nothing is kept),
 * - its own regions, zones, processing time, calls and SLO (not its replica count or pod size:
 *   those are its cost, recomputed for every kept result),
 * - the figures of what it calls: a datastore's latency and availability follow its definition,
 *   its availability cap, the queueing on the links its replicas use (linkQueues) and its writers'
 *   demand (which elects its leader); a stream's its definition;
 *   a callee service's these same inputs, transitively; whether the mesh runs a call (its callee's
 *   kind, target, engine and protocol: src/model/mesh-calls.ts) is part of the callee compared.
 * Datastores and streams themselves are analysed in full: their figures follow their callers'
 * traffic and every component's load on the links. Call cycles make a service's figures depend on
 * where the walk entered: with one in either model, nothing is kept.
 */
export function editReuse(
  before: AnalysedModel,
  model: Model,
  links: readonly LinkLoad[],
): Reuse | undefined {
  const old = before.model;
  if (before.analysis.failures.length > 0 || !sameNetwork(old, model)) return undefined;
  if (hasCallCycle(old) || hasCallCycle(model)) return undefined;
  const was = modelIndex(old);
  const now = modelIndex(model);
  const oldLinks = linkQueues(before.analysis.links);
  const newLinks = linkQueues(links);

  // The two models' networks without failures, made when a datastore is first compared.
  let netNow: NetworkView | undefined;
  let netWas: NetworkView | undefined;
  const nets = {
    now: () => (netNow ??= networkView(model, [])),
    was: () => (netWas ??= networkView(old, [])),
  };
  const storeSame = new Map<string, boolean>();
  const sameStore = (ds: ResolvedDatastore, prior: ResolvedDatastore): boolean => {
    let same = storeSame.get(ds.name);
    if (same === undefined) {
      same =
        sameData(ds, prior) &&
        availabilityCap(model, ds) === availabilityCap(old, prior) &&
        loadsAlike(ds, oldLinks, newLinks) &&
        // Its writers' demand elects its leader: a caller's regions or traffic move it.
        sameData(writeDemand(model, ds.name, nets.now()), writeDemand(old, prior.name, nets.was()));
      storeSame.set(ds.name, same);
    }
    return same;
  };
  const serviceSame = new Map<string, boolean>();
  // Whether a component called by that name gives callers the same figures in both models.
  const calleeSame = (name: string): boolean => {
    const service = now.service(name);
    const prior = was.service(name);
    if (service !== undefined || prior !== undefined)
      return service !== undefined && prior !== undefined && sameService(service, prior);
    const ds = now.datastore(name);
    const priorDs = was.datastore(name);
    if (ds !== undefined || priorDs !== undefined)
      return ds !== undefined && priorDs !== undefined && sameStore(ds, priorDs);
    const stream = now.stream(name);
    const priorStream = was.stream(name);
    if (stream !== undefined || priorStream !== undefined)
      return stream !== undefined && priorStream !== undefined && sameData(stream, priorStream);
    return true; // Unknown in both: the same nothing.
  };
  // No cycles (checked above), so this recursion ends.
  function sameService(service: ResolvedService, prior: ResolvedService): boolean {
    let same = serviceSame.get(service.name);
    if (same === undefined) {
      same =
        sameData(figureInputs(service), figureInputs(prior)) &&
        service.calls.every((call) => calleeSame(call.to));
      serviceSame.set(service.name, same);
    }
    return same;
  }

  const kept = analysisIndex(before.analysis);
  return {
    datastore: () => undefined,
    stream: () => undefined,
    service(name) {
      const service = now.service(name);
      const prior = was.service(name);
      const result = kept.service(name);
      if (service === undefined || prior === undefined || result === undefined) return undefined;
      if (!sameService(service, prior)) return undefined;
      return withCost(result, service);
    },
  };
}

/** What a service's figures read of its own definition (services.ts, service-units.ts, index.ts). */
const figureInputs = (service: ResolvedService) => [
  service.name,
  service.path,
  service.regions,
  service.zones,
  service.processingMs,
  service.calls,
  service.slo,
  // A call between two services on Kubernetes crosses clusters spread over the callee's regions.
  service.deploy.target,
];

/** A kept result with the cost of the edited service, in the key order analyse writes. */
function withCost(result: ServiceAnalysis, service: ResolvedService): ServiceAnalysis {
  return { ...result, costUsdPerMonth: { replicas: serviceCost(service), egress: 0 } };
}

/**
 * Whether both models see the same network: the users, the settings, the links and regions, and
 * the catalog's inputs (a model's catalog is built from its topology's `regions` and `network`).
 */
function sameNetwork(a: Model, b: Model): boolean {
  const inputs = (m: Model) => [
    m.users,
    m.settings,
    m.links,
    m.regions,
    m.topology.regions,
    m.topology.network,
  ];
  return sameData(inputs(a), inputs(b));
}

/**
 * Each region's queueing links (either end), as text: what a datastore's acknowledgement delays read
 * of the loads (datastores.ts `shipDelay`, lag.ts `linkSojournMs`). Only a link with a declared
 * capacity queues, and only above NO_WAIT_UP_TO: below it an item takes its transfer alone, as on
 * an idle link, which the network (compared in sameNetwork) decides. So a placement or a caller that
 * moves some megabits over a link leaves its readers' figures, and their callers', alone.
 */
function linkQueues(links: readonly LinkLoad[]): Map<string, string[]> {
  const byRegion = new Map<string, string[]>();
  for (const link of links) {
    const rho = link.utilisation ?? 0;
    if (link.capacityMbps === undefined || rho <= NO_WAIT_UP_TO) continue;
    const text = `${link.from}|${link.to} ${link.capacityMbps} ${rho}`;
    for (const region of new Set([link.from, link.to])) {
      const list = byRegion.get(region);
      if (list === undefined) byRegion.set(region, [text]);
      else list.push(text);
    }
  }
  return byRegion;
}

/** The queueing links touching one of the datastore's regions are the same in both models. */
function loadsAlike(
  ds: ResolvedDatastore,
  before: ReadonlyMap<string, readonly string[]>,
  after: ReadonlyMap<string, readonly string[]>,
): boolean {
  const regions = new Set(ds.groups.flatMap((g) => g.replicas.map((slot) => slot.region)));
  for (const region of ds.regions) regions.add(region);
  for (const region of regions) {
    const a = before.get(region) ?? [];
    const b = after.get(region) ?? [];
    if (a.length !== b.length || a.some((text, i) => text !== b[i])) return false;
  }
  return true;
}
