import { byText } from "../order.js";
import { recoveryVerdicts } from "./recovery.js";
import { endToEndMissing } from "./streams.js";
import type { Analysis, LatencyProfile, SloViolation } from "./types.js";

/**
 * How to read availability objectives. `probability` (plan/check): the computed availability
 * must reach the target. `serving` (what-if): an objective is broken only when the component
 * cannot serve under the applied failures — the target is a long-run average, and a conditional
 * probability during an outage is reported as a change, not as a broken objective.
 */
export type AvailabilityMode = "probability" | "serving";

const pct = (p: number) => `${+(p * 100).toFixed(4)}%`;
const ms = (x: number) => `${+x.toFixed(1)} ms`;

function latency(
  out: SloViolation[],
  component: string,
  path: string,
  objective: string,
  target: number | undefined,
  profile: LatencyProfile,
  what: string,
) {
  if (target === undefined) return;
  const unreachable = profile.byOrigin.filter((o) => o.unavailable).map((o) => o.origin);
  if (unreachable.length > 0) {
    out.push({
      component,
      path: `${path}.slo.${objective}`,
      objective,
      target,
      message: `${what} p99 target ${ms(target)}: cannot be served from ${unreachable.join(", ")}`,
    });
  } else if (profile.worstP99Ms > target) {
    // The origin behind worstP99Ms: the slowest one that has demand.
    const worst =
      profile.byOrigin.find((o) => o.share > 0 && o.p99Ms === profile.worstP99Ms) ?? profile.byOrigin[0]!;
    out.push({
      component,
      path: `${path}.slo.${objective}`,
      objective,
      target,
      actual: profile.worstP99Ms,
      message: `${what} p99 ${ms(profile.worstP99Ms)} from ${worst.origin} exceeds the ${ms(target)} target`,
    });
  }
}

function availability(
  out: SloViolation[],
  component: string,
  path: string,
  target: number | undefined,
  actual: number,
  serving: boolean,
  mode: AvailabilityMode,
) {
  if (target === undefined) return;
  if (mode === "serving" ? serving : actual >= target) return;
  out.push({
    component,
    path: `${path}.slo.availability`,
    objective: "availability",
    target,
    actual,
    message:
      mode === "serving"
        ? `availability target ${pct(target)}: it cannot serve (all or part of it is down)`
        : `availability ${pct(actual)} is below the ${pct(target)} target`,
  });
}

/** Every SLO the analysis does not meet, sorted by path. */
export function sloViolations(analysis: Analysis, mode: AvailabilityMode = "probability"): SloViolation[] {
  const out: SloViolation[] = [];
  for (const ds of analysis.datastores) {
    const slo = ds.slo ?? {};
    latency(out, ds.name, ds.path, "writeP99Ms", slo.writeP99Ms, ds.write, "write");
    latency(out, ds.name, ds.path, "readP99Ms", slo.readP99Ms, ds.read, "read");
    const serving = ds.partitionsWithoutQuorum === 0 && ds.write.byOrigin.some((o) => !o.unavailable);
    availability(
      out,
      ds.name,
      ds.path,
      slo.availability,
      Math.min(ds.availability.write, ds.availability.read),
      serving,
      mode,
    );
    if (slo.replicationLagMs !== undefined) {
      const worst = ds.replicationLag.reduce<(typeof ds.replicationLag)[number] | undefined>(
        (a, b) => (a === undefined || b.p99Ms > a.p99Ms ? b : a),
        undefined,
      );
      if (worst !== undefined && (worst.unbounded || worst.p99Ms > slo.replicationLagMs)) {
        out.push({
          component: ds.name,
          path: `${ds.path}.slo.replicationLagMs`,
          objective: "replicationLagMs",
          target: slo.replicationLagMs,
          actual: worst.p99Ms,
          message: worst.unbounded
            ? `replication lag to ${worst.region} grows without bound (link over capacity, or cut off by a network partition)`
            : `replication lag p99 ${ms(worst.p99Ms)} to ${worst.region} exceeds the ${ms(slo.replicationLagMs)} target`,
        });
      }
    }
  }
  for (const ds of analysis.datastores) recoveryObjectives(out, ds);
  for (const service of analysis.services) {
    const slo = service.slo ?? {};
    latency(out, service.name, service.path, "latencyP99Ms", slo.latencyP99Ms, service.latency, "request");
    availability(
      out,
      service.name,
      service.path,
      slo.availability,
      service.availability,
      !service.unavailable,
      mode,
    );
  }
  for (const stream of analysis.streams) {
    const slo = stream.slo ?? {};
    const endToEnd = stream.endToEndP99Ms;
    const missing = endToEndMissing(stream);
    if (slo.endToEndP99Ms !== undefined && missing !== undefined) {
      // Nothing is delivered: the objective is missed, with no figure.
      out.push({
        component: stream.name,
        path: `${stream.path}.slo.endToEndP99Ms`,
        objective: "endToEndP99Ms",
        target: slo.endToEndP99Ms,
        message: `end-to-end p99 target ${ms(slo.endToEndP99Ms)}: ${missing}`,
      });
    } else if (slo.endToEndP99Ms !== undefined && endToEnd !== undefined && endToEnd > slo.endToEndP99Ms) {
      out.push({
        component: stream.name,
        path: `${stream.path}.slo.endToEndP99Ms`,
        objective: "endToEndP99Ms",
        target: slo.endToEndP99Ms,
        actual: endToEnd,
        message: `end-to-end p99 ${ms(endToEnd)} exceeds the ${ms(slo.endToEndP99Ms)} target`,
      });
    }
    availability(
      out,
      stream.name,
      stream.path,
      slo.availability,
      stream.availability,
      !stream.unavailable,
      mode,
    );
  }
  return out.sort((a, b) => byText(a.path, b.path));
}

/** RPO and RTO objectives through the loss of the leader's region (recovery.ts). */
function recoveryObjectives(out: SloViolation[], ds: Analysis["datastores"][number]): void {
  for (const verdict of recoveryVerdicts(ds))
    if (verdict.message !== undefined)
      out.push({
        component: ds.name,
        path: `${ds.path}.slo.${verdict.objective}`,
        objective: verdict.objective,
        target: verdict.target,
        ...(verdict.actual === undefined ? {} : { actual: verdict.actual }),
        message: verdict.message,
      });
}
