import { sloViolations } from "./slo.js";
import type { Analysis, AnalysisChange, LatencyProfile } from "./types.js";

/** Latency changes smaller than this (ms) are noise from floating point, not news. */
const EPSILON_MS = 0.05;
const ms = (x: number) => `${+x.toFixed(1)} ms`;
const pct = (p: number) => `${+(p * 100).toFixed(4)}%`;

const KIND_ORDER: readonly AnalysisChange["kind"][] = [
  "slo-broken",
  "lost-quorum",
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
  for (const now of after.byOrigin) {
    const then = before.byOrigin.find((o) => o.origin === now.origin);
    if (then === undefined) continue;
    if (now.unavailable && !then.unavailable) {
      out.push({
        kind: "unavailable",
        component,
        path,
        message: `${what} from ${now.origin}: unavailable (was p99 ${ms(then.p99Ms)})`,
        from: then.p99Ms,
      });
    } else if (!now.unavailable && Math.abs(now.p99Ms - then.p99Ms) > EPSILON_MS) {
      out.push({
        kind: "latency",
        component,
        path,
        message: `${what} p99 from ${now.origin}: ${then.unavailable ? "unavailable" : ms(then.p99Ms)} → ${ms(now.p99Ms)}`,
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
    const then = baseline.datastores.find((d) => d.name === now.name);
    if (then === undefined) continue;
    if (now.partitionsWithoutQuorum > then.partitionsWithoutQuorum) {
      out.push({
        kind: "lost-quorum",
        component: now.name,
        path: now.path,
        message: `${now.partitionsWithoutQuorum} of ${now.partitions} partitions lost their write quorum (${now.quorum.write} of ${now.replicas} replicas needed)`,
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
    const leaderThen = then.effectiveLeader ?? then.leader;
    if (now.effectiveLeader !== undefined && now.effectiveLeader !== leaderThen) {
      out.push({
        kind: "leader-moved",
        component: now.name,
        path: now.path,
        message: `leader moved from ${leaderThen} to ${now.effectiveLeader}; commit ${ms(then.commitP50Ms)} → ${ms(now.commitP50Ms)} (p50)`,
        from: leaderThen,
        to: now.effectiveLeader,
      });
    }
    latencyChanges(out, now.name, now.path, "write", then.write, now.write);
    latencyChanges(out, now.name, now.path, "read", then.read, now.read);
    for (const lag of now.replicationLag) {
      const old = then.replicationLag.find((l) => l.region === lag.region);
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
    availabilityChange(
      out,
      now.name,
      now.path,
      "write availability",
      then.availability.write,
      now.availability.write,
    );
  }
  for (const now of failed.services) {
    const then = baseline.services.find((s) => s.name === now.name);
    if (then === undefined) continue;
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
    const then = baseline.streams.find((s) => s.name === now.name);
    if (then === undefined) continue;
    if (now.unavailable && !then.unavailable)
      out.push({
        kind: "unavailable",
        component: now.name,
        path: now.path,
        message: "no cluster can take produces",
      });
    latencyChanges(out, now.name, now.path, "produce", then.produce, now.produce);
    if (Math.abs(now.endToEndP99Ms - then.endToEndP99Ms) > EPSILON_MS)
      out.push({
        kind: "latency",
        component: now.name,
        path: now.path,
        message: `end-to-end p99: ${ms(then.endToEndP99Ms)} → ${ms(now.endToEndP99Ms)}`,
        from: then.endToEndP99Ms,
        to: now.endToEndP99Ms,
      });
    availabilityChange(out, now.name, now.path, "availability", then.availability, now.availability);
  }
  const linkKey = (l: { from: string; to: string }) => `${l.from} → ${l.to}`;
  const keys = new Set([...baseline.links, ...failed.links].map(linkKey));
  for (const key of [...keys].sort()) {
    const then = baseline.links.find((l) => linkKey(l) === key)?.mbps ?? 0;
    const now = failed.links.find((l) => linkKey(l) === key)?.mbps ?? 0;
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
      a.path.localeCompare(b.path) ||
      a.message.localeCompare(b.message),
  );
}

function availabilityChange(
  out: AnalysisChange[],
  component: string,
  path: string,
  what: string,
  then: number,
  now: number,
) {
  if (then === now) return;
  out.push({
    kind: "availability",
    component,
    path,
    message: `${what} ${pct(then)} → ${pct(now)} while the failures last`,
    from: then,
    to: now,
  });
}
