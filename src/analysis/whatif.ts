import { modelIndex } from "../model/model-index.js";
import type { Model } from "../model/types.js";
import { byText } from "../order.js";
import { list } from "../report/words.js";
import { analysisIndex } from "./analysis-index.js";
import { evaluateDatastore } from "./datastores.js";
import { NOT_FENCED } from "./failover.js";
import { loadedNetwork } from "./loaded.js";
import { type NetworkView, networkView } from "./network.js";
import { datastoreLatency, writeDemand } from "./origins.js";
import { sloViolations } from "./slo.js";
import { endToEndMissing } from "./streams.js";
import type {
  Analysis,
  AnalysisChange,
  DataLoss,
  DatastoreAnalysis,
  Failure,
  LatencyProfile,
  LinkLoad,
} from "./types.js";

/** Latency changes smaller than this (ms) are noise from floating point, not news. */
const EPSILON_MS = 0.05;
const ms = (x: number) => `${+x.toFixed(1)} ms`;
const pct = (p: number) => `${+(p * 100).toFixed(4)}%`;
/** A loss window as people read it: 35 ms, 5 s, 15 min. */
const duration = (x: number) =>
  x < 1000 ? ms(x) : x < 120_000 ? `${+(x / 1000).toFixed(1)} s` : `${+(x / 60_000).toFixed(1)} min`;

const KIND_ORDER: readonly AnalysisChange["kind"][] = [
  "slo-broken",
  "lost-quorum",
  "data-loss",
  "unavailable",
  "leader-moved",
  "regained-quorum",
  "latency",
  "lag",
  "availability",
  "link-load",
];

function latencyChanges(
  out: AnalysisChange[],
  component: string,
  path: string,
  what: string,
  before: LatencyProfile,
  after: LatencyProfile,
) {
  const origins = new Map(before.byOrigin.map((o) => [o.origin, o]));
  for (const now of after.byOrigin) {
    const then = origins.get(now.origin);
    if (then === undefined) continue;
    if (now.unavailable && !then.unavailable) {
      out.push({
        kind: "unavailable",
        component,
        path,
        message: `${what} from ${now.origin}: unavailable (was p99 ${ms(then.p99Ms)})`,
        from: then.p99Ms,
      });
      continue;
    }
    const failed = now.failedShare ?? 0;
    if (!now.unavailable && failed > (then.failedShare ?? 0) && pct(failed) !== pct(then.failedShare ?? 0))
      out.push({
        kind: "unavailable",
        component,
        path,
        message: `${what} from ${now.origin}: ${pct(failed)} of requests fail (a hard dependency that only some of them call cannot serve them)`,
      });
    if (!now.unavailable && Math.abs(now.p99Ms - then.p99Ms) > EPSILON_MS) {
      out.push({
        kind: "latency",
        component,
        path,
        // Failed requests take no time in the figure: say whose p99 it is.
        message: `${what} p99 from ${now.origin}: ${then.unavailable ? "unavailable" : ms(then.p99Ms)} → ${ms(now.p99Ms)}${failed > 0 ? ` (of the requests served; ${pct(failed)} fail)` : ""}`,
        ...(then.unavailable ? {} : { from: then.p99Ms }),
        to: now.p99Ms,
      });
    }
  }
}

/**
 * What changed from `baseline` to `failed` (the same model analysed under failures): lost quorum,
 * leader moves, latency per origin, lag, availability, link load, and the SLOs that break (an
 * objective met in the baseline and missed under the failures; availability objectives break
 * when the component cannot serve). Sorted by component path, most serious first.
 */
export function compareAnalyses(baseline: Analysis, failed: Analysis): AnalysisChange[] {
  const out: AnalysisChange[] = [];
  const was = analysisIndex(baseline);
  const before = new Set(sloViolations(baseline, "serving").map((v) => v.path));
  for (const violation of sloViolations(failed, "serving")) {
    if (before.has(violation.path)) continue;
    out.push({
      kind: "slo-broken",
      component: violation.component,
      path: violation.path,
      message: `SLO broken: ${violation.message}`,
      to: violation.actual ?? "unavailable",
    });
  }
  for (const now of failed.datastores) {
    const then = was.datastore(now.name);
    if (then === undefined) continue;
    // A primary that demoted itself (failover.ts `demotedPrimary`) is said once, with the change it
    // explains where there is one, else on its own.
    const demoted = then.demotedPrimary === undefined ? now.demotedPrimary : undefined;
    let demotionSaid = false;
    if (now.partitionsWithoutQuorum > then.partitionsWithoutQuorum) {
      // With no successor anywhere it lost its observers' majority, not a write quorum.
      const lostPrimary =
        now.effectiveLeader === undefined &&
        demoted !== undefined &&
        demoted.untilOperatorSeconds === undefined;
      demotionSaid ||= lostPrimary;
      out.push({
        kind: "lost-quorum",
        component: now.name,
        path: now.path,
        message: lostPrimary
          ? `${now.partitionsWithoutQuorum} of ${now.partitions} partitions lost their primary${demotedText(demoted)}`
          : `${now.partitionsWithoutQuorum} of ${now.partitions} partitions lost their write quorum (${now.quorum.write} of ${now.replicas} replicas needed)`,
        from: then.partitionsWithoutQuorum,
        to: now.partitionsWithoutQuorum,
      });
    } else if (now.partitionsWithoutQuorum < then.partitionsWithoutQuorum) {
      out.push({
        kind: "regained-quorum",
        component: now.name,
        path: now.path,
        message: `${then.partitionsWithoutQuorum - now.partitionsWithoutQuorum} partitions regained their write quorum`,
      });
    }
    if (demoted?.untilOperatorSeconds !== undefined) {
      demotionSaid = true;
      out.push({
        kind: "lost-quorum",
        component: now.name,
        path: now.path,
        message: `the primary in ${demoted.region} lives, but the failures leave ${demoted.observers.onSide} of its ${demoted.observers.of} observers (voters and witnesses), short of a majority: it cannot renew its leader lock and demotes itself, so writes stop until an operator restores it (about ${demoted.untilOperatorSeconds} s; the figures below assume it restored) or the observers return; nothing acknowledged is lost`,
      });
    }
    const leaderThen = then.effectiveLeader ?? then.leader;
    if (now.effectiveLeader !== undefined && now.effectiveLeader !== leaderThen) {
      // The demoted primary is this leader's when its group's successor is the new leader.
      const ours = demoted?.region === leaderThen && demoted.successor === now.effectiveLeader;
      demotionSaid ||= ours;
      out.push({
        kind: "leader-moved",
        component: now.name,
        path: now.path,
        // An asynchronous commit waits for no replica (0 ms before and after): nothing to say.
        message: `leader moved from ${leaderThen} to ${now.effectiveLeader}${successorsText(now)}${then.commitP50Ms === 0 && now.commitP50Ms === 0 ? "" : `; commit ${ms(then.commitP50Ms)} → ${ms(now.commitP50Ms)} (p50)`}${oldPrimaryText(now, ours ? demoted : undefined)}`,
        from: leaderThen,
        to: now.effectiveLeader,
      });
    }
    // Another placement group's primary (geo partitions): its own line.
    if (demoted !== undefined && !demotionSaid)
      out.push({
        kind: demoted.successor === undefined ? "lost-quorum" : "leader-moved",
        component: now.name,
        path: now.path,
        message: `${demoted.partitions} of ${now.partitions} partitions led from ${demoted.region} ${demoted.successor === undefined ? "lost their primary" : `moved their primary to ${demoted.successor}`}${demotedText(demoted)}`,
        ...(demoted.successor === undefined ? {} : { from: demoted.region, to: demoted.successor }),
      });
    latencyChanges(out, now.name, now.path, "write", then.write, now.write);
    latencyChanges(out, now.name, now.path, "read", then.read, now.read);
    const lags = new Map(then.replicationLag.map((l) => [l.region, l]));
    for (const lag of now.replicationLag) {
      const old = lags.get(lag.region);
      if (old !== undefined && Math.abs(old.p99Ms - lag.p99Ms) > EPSILON_MS) {
        out.push({
          kind: "lag",
          component: now.name,
          path: now.path,
          message: `replication lag p99 to ${lag.region}: ${ms(old.p99Ms)} → ${lag.unbounded ? "unbounded" : ms(lag.p99Ms)}`,
          from: old.p99Ms,
          to: lag.p99Ms,
        });
      }
    }
    if (now.dataLoss !== undefined && then.dataLoss === undefined)
      out.push({
        kind: "data-loss",
        component: now.name,
        path: now.path,
        message: dataLossMessage(now.dataLoss, now.partitions, then.rpoMs),
        to: now.dataLoss.windowMs,
      });
    availabilityChange(
      out,
      now.name,
      now.path,
      "write availability",
      then.availability.write,
      now.availability.write,
    );
    availabilityChange(
      out,
      now.name,
      now.path,
      "read availability",
      then.availability.read,
      now.availability.read,
    );
  }
  for (const now of failed.services) {
    const then = was.service(now.name);
    if (then === undefined || then === now) continue; // a what-if shares untouched results
    if (now.unavailable && !then.unavailable)
      out.push({
        kind: "unavailable",
        component: now.name,
        path: now.path,
        message: "cannot serve any request",
      });
    latencyChanges(out, now.name, now.path, "request", then.latency, now.latency);
    availabilityChange(out, now.name, now.path, "availability", then.availability, now.availability);
  }
  for (const now of failed.streams) {
    const then = was.stream(now.name);
    if (then === undefined || then === now) continue;
    if (now.unavailable && !then.unavailable)
      out.push({
        kind: "unavailable",
        component: now.name,
        path: now.path,
        message: "no cluster can take produces",
      });
    latencyChanges(out, now.name, now.path, "produce", then.produce, now.produce);
    // An unavailable stream delivers nothing and has no end-to-end figure (the change above says so).
    const [before, after] = [then.endToEndP99Ms, now.endToEndP99Ms];
    // Clusters up but nothing delivered: every producer down, or none reaching a live cluster.
    if (before !== undefined && after === undefined && !now.unavailable)
      out.push({
        kind: "latency",
        component: now.name,
        path: now.path,
        message: `end-to-end p99: ${ms(before)} → none (${endToEndMissing(now) ?? "no producer is up"})`,
        from: before,
      });
    if (after !== undefined && (before === undefined || Math.abs(after - before) > EPSILON_MS))
      out.push({
        kind: "latency",
        component: now.name,
        path: now.path,
        message: `end-to-end p99: ${before === undefined ? "unavailable" : ms(before)} → ${ms(after)}`,
        ...(before === undefined ? {} : { from: before }),
        to: after,
      });
    availabilityChange(out, now.name, now.path, "availability", then.availability, now.availability);
  }
  const linkKey = (l: { from: string; to: string }) => `${l.from} → ${l.to}`;
  const thenLinks = new Map(baseline.links.map((l) => [linkKey(l), l]));
  const nowLinks = new Map(failed.links.map((l) => [linkKey(l), l]));
  const keys = new Set([...thenLinks.keys(), ...nowLinks.keys()]);
  for (const key of [...keys].sort()) {
    const then = thenLinks.get(key)?.mbps ?? 0;
    const now = nowLinks.get(key)?.mbps ?? 0;
    if (Math.abs(now - then) > 0.01)
      out.push({
        kind: "link-load",
        component: key,
        path: "network.links",
        message: `replication load ${key}: ${+then.toFixed(2)} → ${+now.toFixed(2)} Mbit/s`,
        from: then,
        to: now,
      });
  }
  return out.sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      byText(a.path, b.path) ||
      byText(a.message, b.message),
  );
}

/**
 * An estimate's count of writes: a tenth shown below ten (0.3 of a write is a chance, not a
 * count), whole writes above, grouped ("about 4,500 writes", not 4500.1).
 */
const writesCount = (writes: number) =>
  writes < 10 ? `${+writes.toFixed(1)} writes` : `${Math.round(writes).toLocaleString("en-US")} writes`;

/** "is down, but it alone holds" for one failed domain, "are down, but they alone hold" for several. */
const heldWords = (domains: number) =>
  domains === 1 ? "is down, but it alone holds" : "are down, but they alone hold";

/** What losing the leader costs: the writes lost (RPO) and when writes resume (RTO). */
function dataLossMessage(loss: DataLoss, partitions: number, rpoMs: number): string {
  const where = loss.lostZone ?? loss.lostRegion;
  const which = loss.partitions === partitions ? "" : ` (${loss.partitions} of ${partitions} partitions)`;
  // No region took over, yet a quorum could commit inside the lost one: nothing is lost while it
  // is down, but it alone holds the newest writes until it returns.
  const heldThere =
    loss.windowMs === 0 && loss.resumeAfterSeconds === undefined && rpoMs > 0 && !loss.lostZone;
  // Other write regions go on (multi-leader, leaderless): no replica is promoted over the lost
  // region's newest writes, which wait there, durable, to be merged when it returns.
  const stranded = loss.resumeAfterSeconds === 0;
  const held = loss.held;
  const lost =
    held !== undefined
      ? `nothing acknowledged is lost while ${list(held.domains)} ${heldWords(held.domains.length)} the last ${duration(held.windowMs)} of writes (the p99 lag to ${held.nearest}) until ${held.domains.length === 1 ? "it returns" : "they return"}${which}`
      : loss.windowMs > 0 && stranded
        ? `writes acknowledged in the last ${duration(loss.windowMs)} before ${where} failed are held only there until it returns${which} (p99 replication lag; about ${writesCount(loss.writesAtRisk)}), then reconciled with what other regions wrote meanwhile (a conflicting update may be overwritten)`
        : loss.windowMs > 0
          ? `writes acknowledged in the last ${duration(loss.windowMs)} before ${where} failed are lost${which} (p99 replication lag; about ${writesCount(loss.writesAtRisk)})`
          : heldThere
            ? `nothing acknowledged is lost while ${where} is down, but it alone holds the last ${duration(rpoMs)} of writes (the RPO) until it returns${which}`
            : `losing ${where} loses no acknowledged write${which}`;
  const resume =
    loss.resumeAfterSeconds === undefined
      ? loss.byOperator !== undefined
        ? `no region takes the writes over by itself (${loss.byOperator.because}); an operator can promote a replica elsewhere, after about ${loss.byOperator.afterSeconds} s (an estimate, the plan's RTO)`
        : "no region can take the writes over"
      : loss.resumeAfterSeconds === 0
        ? "other write regions keep taking writes"
        : loss.manualBecause !== undefined
          ? `writes stop until an operator promotes a replica (about ${loss.resumeAfterSeconds} s, an estimate): ${loss.manualBecause}`
          : `writes stop for about ${loss.resumeAfterSeconds} s (${loss.mode} failover)`;
  return `${lost}; ${resume}`;
}

function availabilityChange(
  out: AnalysisChange[],
  component: string,
  path: string,
  what: string,
  then: number,
  now: number,
) {
  // A move below the last shown digit (0.99989999 → 0.99989990, "99.99% → 99.99%") is float
  // noise to a reader, not a change.
  if (pct(then) === pct(now)) return;
  out.push({
    kind: "availability",
    component,
    path,
    message: `${what} ${pct(then)} → ${pct(now)} while the failures last`,
    from: then,
    to: now,
  });
}

/**
 * One datastore's write latency under failures, evaluating that datastore alone (its placement and
 * where its writers run) rather than the whole topology: what a chaos experiment's expected outcome
 * quotes, once per failure domain. Network views are shared between datastores failed the same way.
 * A follower behind a link with declared capacity waits on the link's load: the baseline's
 * (`baselineLinks`, else evaluated once without failures, loaded.ts), not re-summed per failure —
 * re-summing every component's flows per failure domain would make compiling the experiments
 * quadratic again (issue #15). So the figure equals `analyse(model, failures)`'s for the datastore
 * when no link declares a capacity, and under a failure that leaves the loads on its followers'
 * links as they were; otherwise it prices those links at their baseline load (an estimate).
 */
export function writeLatencyUnder(
  model: Model,
  baselineLinks?: readonly LinkLoad[],
): (store: string, failures: readonly Failure[]) => LatencyProfile | undefined {
  const views = new Map<string, NetworkView>();
  const declared = model.links.some((link) => link.bandwidthMbps !== undefined);
  let loads: ReadonlyMap<string, LinkLoad> | undefined;
  const baseline = () => {
    loads ??= new Map(
      (baselineLinks ?? loadedNetwork(model, networkView(model, [])).links).map((l) => [
        `${l.from}|${l.to}`,
        l,
      ]),
    );
    return loads;
  };
  return (store, failures) => {
    const ds = modelIndex(model).datastore(store);
    if (ds === undefined) return undefined;
    const key = JSON.stringify(failures);
    let net = views.get(key);
    if (net === undefined) {
      net = networkView(model, failures);
      views.set(key, net);
    }
    const ev = evaluateDatastore(ds, net, writeDemand(model, store, net));
    if (declared) ev.useLinks(baseline());
    return datastoreLatency(model, ev, net, "write");
  };
}

/** Several regions may win the election: which one is the engine's pick. */
const successorsText = (now: DatastoreAnalysis) =>
  (now.leaderCandidates?.length ?? 0) > 1
    ? ` (no preferred successor: any of ${now.leaderCandidates!.join(", ")} may take over; priced at the worst)`
    : "";

/** What the old primary does once a partition elected another: keeps writing (Redis) or demotes itself. */
function oldPrimaryText(now: DatastoreAnalysis, demoted: Demoted | undefined): string {
  if (now.oldPrimaryKeepsWriting !== undefined)
    return `; split brain: the old primary in ${now.oldPrimaryKeepsWriting} keeps taking the writes of the clients cut off with it (${NOT_FENCED}) and loses them when it rejoins as a replica: writes there are acknowledged, then lost (counted unavailable here)`;
  return demoted === undefined ? "" : demotedText(demoted);
}

type Demoted = NonNullable<DatastoreAnalysis["demotedPrimary"]>;

/** Why no replica is promoted when the old primary demotes itself. */
const MAJORITY_LACKS: Readonly<Record<NonNullable<Demoted["majorityLacks"]> | "none", string>> = {
  none: "no side holds that majority",
  voter: "the side holding that majority has no voter to promote (witnesses never lead)",
  "write-quorum": "the side holding that majority has too few replicas to acknowledge a commit",
};

/** A DCS-style primary cut off from its observers' majority (failover.ts `demotedPrimary`). */
function demotedText(demoted: Demoted): string {
  const { region, acknowledged, observers } = demoted;
  const lost = acknowledged
    ? ": writes it acknowledged from the cut until then (at most the lock's TTL) never reach the new primary and are lost when it rejoins as a replica"
    : "";
  const promoted =
    demoted.successor !== undefined
      ? ""
      : `; ${MAJORITY_LACKS[demoted.majorityLacks ?? "none"]}, so no replica is promoted and writes stop until the partition heals`;
  return `; the old primary in ${region} is cut off from the majority of its observers (${observers.onSide} of ${observers.of} on its side), cannot renew its leader lock and demotes itself${lost}${promoted}`;
}
