import { deployedCalls } from "../model/mesh-calls.js";
import { modelIndex } from "../model/model-index.js";
import type { Model } from "../model/types.js";
import { byText } from "../order.js";
import { availabilityCap } from "./caps.js";
import { componentEgress, datastoreReplicaCost, serviceCost, streamReplicaCost, totalCost } from "./cost.js";
import type { DatastoreEvaluator } from "./datastores.js";
import { type AnalysedModel, editReuse } from "./edit-reuse.js";
import {
  dataLoss,
  demotedPrimary,
  failoverAnalysis,
  oldPrimaryKeepsWriting,
  withFailover,
} from "./failover.js";
import { withRegionsDown } from "./failures.js";
import { datastoreLags } from "./lag.js";
import { latencyProfile } from "./latency.js";
import { leaderOptions, saturatedFollowers } from "./leader-placement.js";
import { loadedNetwork } from "./loaded.js";
import { type NetworkView, networkView } from "./network.js";
import { demandOrigins, latencyFromCallers, writeDemand } from "./origins.js";
import { evaluateServices } from "./services.js";
import { endToEndP99, producerOrigins } from "./streams.js";
import { goalMinimum, survivalAnalysis } from "./survival.js";
import { commitMedianMs } from "./tails.js";
import { type Reuse, reusableResults, withEffectiveLeader } from "./touched.js";
import type {
  Analysis,
  CallAnalysis,
  DatastoreAnalysis,
  Failure,
  LinkLoad,
  ServiceAnalysis,
  StreamAnalysis,
} from "./types.js";

/**
 * Analyses a resolved model, optionally under failures (what-if): latency, survival, availability,
 * replication bandwidth, lag and cost for every component. Pure and deterministic; the result is
 * plain JSON-serialisable data (docs/model.md states every formula). Given `baseline` (this model's
 * analysis without failures), a what-if recomputes only the components the failures can change and
 * shares the other results with it (touched.ts); the result equals the full analysis.
 */
export function analyse(model: Model, given: readonly Failure[] = [], baseline?: Analysis): Analysis {
  const failures = withRegionsDown(model, given);
  // A what-if given its baseline keeps the results the failures cannot change (touched.ts).
  const reuse =
    baseline === undefined || failures.length === 0
      ? undefined
      : (links: readonly LinkLoad[]) => reusableResults(model, failures, baseline, links);
  return analyseKeeping(model, failures, reuse);
}

/**
 * The analysis of an edited model given the analysis of the model before the edit (`diff`'s two
 * sides): the services the edit cannot change keep their results (edit-reuse.ts), the rest is
 * analysed as `analyse` does. The result equals `analyse(model)`.
 */
export function analyseEdited(model: Model, before: AnalysedModel): Analysis {
  return analyseKeeping(model, [], (links) => editReuse(before, model, links));
}

/** `analyse`, keeping the results `reuse` (given the link loads) offers instead of computing them. */
function analyseKeeping(
  model: Model,
  failures: readonly Failure[],
  reuseOf?: (links: readonly LinkLoad[]) => Reuse | undefined,
): Analysis {
  const net = networkView(model, failures);
  const users = model.users;
  const { datastores, streams, flows, links, linkByKey } = loadedNetwork(model, net);
  const caps = new Map(model.datastores.map((ds) => [ds.name, availabilityCap(model, ds)]));
  const egressOf = componentEgress(model.catalog, flows, links);
  const reuse = reuseOf?.(links);

  const datastoreResults: DatastoreAnalysis[] = [...datastores.values()].map((ev) => {
    const kept = reuse?.datastore(ev.ds.name);
    if (kept !== undefined) return withEffectiveLeader(kept, effectiveLeaderOf(ev));
    return analyseDatastore(model, ev, net, linkByKey, failures, egressOf, caps.get(ev.ds.name) ?? 1);
  });

  const streamResults: StreamAnalysis[] = [...streams.values()].map((ev) => {
    const { stream } = ev;
    const kept = reuse?.stream(stream.name);
    if (kept !== undefined) return kept;
    const unavailable = ev.liveRegions.length === 0;
    const origins = producerOrigins(model, stream, net);
    return {
      name: stream.name,
      path: stream.path,
      produce: latencyProfile(origins, ev.produce),
      // Nothing is delivered: no end-to-end figure (0 would read as instant).
      ...(unavailable ? { unavailable: true } : endToEnd(endToEndP99(model, ev, net, linkByKey))),
      ...(origins.length === 0 && !unavailable ? { noProducer: true } : {}),
      survival: ev.survival,
      availability: Math.min(1 - model.settings.commonModeProbability, ev.availability),
      costUsdPerMonth: {
        replicas: streamReplicaCost(model.catalog, stream),
        egress: egressOf(stream.name),
      },
      ...(Object.keys(stream.slo).length === 0 ? {} : { slo: stream.slo }),
    };
  });

  const services = evaluateServices(model, net, datastores, streams, (name) => caps.get(name) ?? 1);
  const index = modelIndex(model);
  const serviceResults: ServiceAnalysis[] = model.services.map((service) => {
    const kept = reuse?.service(service.name);
    if (kept !== undefined) return kept;
    const latency = latencyProfile(users, (origin) => services.fromOnce(service.name, origin));
    const { own, total: joint } = services.availability(service.name);
    // With hard dependencies a service is never more available than alone; the joint enumeration
    // sums many terms, so clamp the last-digit rounding that could say otherwise.
    const total = Math.min(joint, own);
    const perRegion = service.regions.flatMap((region) => services.at(service.name, region) ?? []);
    const calls: CallAnalysis[] = service.calls.map((call, i) => {
      const figures = perRegion.map((r) => r.calls[i]!).filter((c) => c.single !== undefined);
      return {
        to: call.to,
        path: call.path,
        // As the mesh's route runs it, where it does (src/model/mesh-calls.ts).
        attempts: 1 + deployedCalls(index, service)[i]!.call.retries,
        p50Ms: Math.max(0, ...figures.map((c) => c.p50Ms)),
        p99Ms: Math.max(0, ...figures.map((c) => c.p99Ms)),
        ...(figures.length === 0 ? { unavailable: true } : {}),
      };
    });
    const cycle = services.cycles.get(service.name);
    const unavailable =
      total === 0 || (latency.byOrigin.length > 0 && latency.byOrigin.every((o) => o.unavailable));
    return {
      name: service.name,
      path: service.path,
      latency,
      availability: total,
      ownAvailability: own,
      calls,
      ...(unavailable ? { unavailable: true } : {}),
      costUsdPerMonth: { replicas: serviceCost(service), egress: 0 },
      ...(cycle === undefined ? {} : { cycle }),
      ...(Object.keys(service.slo).length === 0 ? {} : { slo: service.slo }),
    };
  });

  const all = [
    ...datastoreResults,
    ...streamResults,
    ...serviceResults.map((s) => ({ costUsdPerMonth: s.costUsdPerMonth ?? { replicas: 0, egress: 0 } })),
  ];
  return {
    datastores: datastoreResults,
    services: serviceResults,
    streams: streamResults,
    links,
    cost: totalCost(all),
    failures: [...failures],
  };
}

/**
 * One datastore's figures given everything else's replication flows and link loads: the part of
 * `analyse` the solver (src/solve) re-runs per candidate placement without re-analysing the rest.
 */
export function analyseDatastore(
  model: Model,
  ev: DatastoreEvaluator,
  net: NetworkView,
  linkByKey: ReadonlyMap<string, LinkLoad>,
  failures: readonly Failure[],
  egressOf: (component: string) => number,
  cap = 1,
): DatastoreAnalysis {
  const { ds, behaviour } = ev;
  const origins = (op: "read" | "write") => demandOrigins(model, ds.name, op, net, model.users);
  const replicationLag = datastoreLags(ev, linkByKey);
  const effectiveLeader = effectiveLeaderOf(ev);
  const rpoMs = behaviour.rpoMs(ds, replicationLag);
  const failover = failoverAnalysis(ds, rpoMs);
  const loss =
    failures.length > 0 ? dataLoss(ev, net, failures, linkByKey, failover, effectiveLeader) : undefined;
  const keptWriting = failures.length > 0 ? oldPrimaryKeepsWriting(ev, net, effectiveLeader) : undefined;
  const demoted = failures.length > 0 ? demotedPrimary(ev, net, failover) : undefined;
  const excluded = saturatedFollowers(ev, linkByKey);
  // The same demand its evaluator weighs (writeDemand): the write latency table and the flows agree.
  const writeOrigins = writeDemand(model, ds.name, net);
  const fromCallers = latencyFromCallers(model, ev);
  const options = failures.length === 0 ? leaderOptions(ev, writeOrigins, model, net, linkByKey) : undefined;
  return {
    name: ds.name,
    path: ds.path,
    replication: ds.replication,
    replicas: ds.replicas,
    quorum: ds.quorum,
    leader: ds.leader,
    ...(failures.length > 0 && effectiveLeader !== undefined ? { effectiveLeader } : {}),
    ...leaderCandidatesOf(ev),
    commitP50Ms: behaviour.commitP50(ev.main) + commitMedianMs(ds, net),
    write: latencyProfile(writeOrigins, (origin) => fromCallers(origin, "write")),
    read: latencyProfile(origins("read"), (origin) => fromCallers(origin, "read")),
    survival: withFailover(
      survivalAnalysis(ds.survive, ev.survival.zone, ev.survival.region, goalMinimum(behaviour, ds)),
      ds,
      failover,
    ),
    availability: {
      write: Math.min(cap, ev.availability.write),
      read: Math.min(cap, ev.availability.read),
    },
    partitionsWithoutQuorum: ev.partitionsWithoutQuorum,
    partitions: ds.partitions.count,
    replicationLag,
    rpoMs,
    failover,
    ...(loss === undefined ? {} : { dataLoss: loss }),
    ...(keptWriting === undefined ? {} : { oldPrimaryKeepsWriting: keptWriting }),
    ...(demoted === undefined ? {} : { demotedPrimary: demoted }),
    ...(excluded.length === 0 ? {} : { commitExcludes: excluded }),
    ...(options === undefined ? {} : { leaderOptions: options }),
    costUsdPerMonth: {
      replicas: datastoreReplicaCost(model.catalog, ds),
      egress: egressOf(ds.name),
    },
    ...(Object.keys(ds.slo).length === 0 ? {} : { slo: ds.slo }),
  };
}

/** The region leading most partitions under the evaluated failures, if any. */
function effectiveLeaderOf(ev: DatastoreEvaluator): string | undefined {
  const leaders = new Map<string, number>();
  for (const state of ev.states)
    if (state.leader !== undefined)
      leaders.set(state.leader, (leaders.get(state.leader) ?? 0) + state.group.partitions.length);
  return [...leaders].sort((a, b) => b[1] - a[1] || byText(a[0], b[0]))[0]?.[0];
}

/** Engines without leader preference, after an election: every region that may have won it. */
function leaderCandidatesOf(ev: DatastoreEvaluator): { leaderCandidates?: readonly string[] } {
  const states = ev.states.filter((state) => state.leaderCandidates !== undefined);
  if (states.length === 0) return {};
  return { leaderCandidates: [...new Set(states.flatMap((state) => state.leaderCandidates!))].sort() };
}

export type { AnalysedModel } from "./edit-reuse.js";
export { parseFailure, parseFailures } from "./failures.js";
export { sloViolations } from "./slo.js";
export type * from "./types.js";
export { compareAnalyses } from "./whatif.js";

/** A stream's end-to-end figure, absent when nothing is delivered (streams.ts endToEndMissing says why). */
const endToEnd = ({ p99Ms, unbounded, mirrorLag, undelivered }: ReturnType<typeof endToEndP99>) => ({
  ...(p99Ms === undefined ? {} : { endToEndP99Ms: p99Ms }),
  ...(unbounded === undefined ? {} : { endToEndUnbounded: unbounded }),
  ...(mirrorLag === undefined ? {} : { mirrorLag }),
  ...(undelivered === undefined ? {} : { undelivered }),
});
