/**
 * Placement roles and lag targets a declared engine can really give (src/engines/capabilities.ts
 * `replicaRoles`, `lagResolutionMs`). An engine that runs a read-only replica or a witness as a
 * voting, data-holding member has other quorums than the ones the analysis counts (etcd's
 * --initial-cluster makes every member a voter), so such a placement is invalid input.
 */
import type { EngineCapabilities, RoleSupport } from "../../engines/capabilities.js";
import { ENGINE_CAPABILITIES } from "../../engines/capabilities.js";
import type { EngineId } from "../../engines/ids.js";
import { byText } from "../../order.js";
import { type PlacementEntryInput, roleCounts } from "../roles.js";
import type { CheckContext } from "./context.js";

export interface RoleInput {
  placement?: Record<string, PlacementEntryInput> | string | undefined;
  leader?: string | undefined;
  replication?: string | undefined;
  slo?: Readonly<Record<string, unknown>> | undefined;
}

const ROLE_WORDS: Readonly<Record<keyof EngineCapabilities["replicaRoles"], string>> = {
  readOnly: "read-only replicas",
  witnesses: "witnesses",
};

/** The primary's (leader's) region as the model picks it: declared, else the most voters. */
export function declaredLeaderRegion(component: RoleInput): string | undefined {
  const placement = component.placement;
  if (component.leader !== undefined) return component.leader;
  if (placement === undefined || typeof placement !== "object") return undefined;
  const voters = Object.entries(placement)
    .filter(([, n]) => n !== null && (typeof n === "number" || typeof n === "object"))
    .map(([region, n]) => [region, roleCounts(n).voters] as const);
  return [...voters].sort(([a, x], [b, y]) => y - x || byText(a, b))[0]?.[0];
}

/** Every region entry whose read-only replicas or witnesses the engine cannot run, one diagnostic each. */
export function checkEngineRoles(
  context: CheckContext,
  at: (...rest: string[]) => string,
  fits: EngineCapabilities,
  component: RoleInput,
): void {
  const placement = component.placement;
  if (placement === undefined || typeof placement !== "object") return;
  // Without a leader no role applies, whatever the engine: counts.ts says so once.
  if (component.replication === "leaderless" || component.replication === "multi-leader") return;
  const leader = declaredLeaderRegion(component);
  for (const [region, entry] of Object.entries(placement)) {
    if (entry === null || typeof entry !== "object") continue;
    const counts = roleCounts(entry);
    for (const role of ["readOnly", "witnesses"] as const) {
      const count = counts[role];
      const support = fits.replicaRoles[role];
      if (typeof count !== "number" || count <= 0 || allowed(support, region, leader)) continue;
      const where = support.where === "outside-primary-region" ? ` in the primary's region ${region}` : "";
      const elsewhere = enginesRunning(role, component.replication);
      const orEngine =
        elsewhere.length > 0
          ? `, or use an engine that runs ${ROLE_WORDS[role]} (${elsewhere.join(", ")})`
          : "";
      context.report({
        code: "spec/engine-mismatch",
        path: at("placement", region, role),
        message: `${fits.title} cannot run ${ROLE_WORDS[role]}${where}: ${support.how}; ${at("placement", region, role)} is ${count}`,
        fix:
          support.where === "outside-primary-region"
            ? `move the ${count} ${ROLE_WORDS[role]} to a region other than ${region}, or count them as voters`
            : `count them as voters (${region}: ${counts.voters + count})${orEngine}`,
      });
    }
  }
}

/**
 * A replication-lag target finer than the engine's lag metric can tell apart: healthy replicas read
 * up to the resolution, so the compiled alert can page on them. A warning: the target still serves
 * the analysis.
 */
export function checkLagResolution(
  context: CheckContext,
  at: (...rest: string[]) => string,
  fits: EngineCapabilities,
  component: RoleInput,
): void {
  const target = component.slo?.replicationLagMs;
  const resolution = fits.lagResolutionMs;
  if (resolution === undefined || typeof target !== "number" || target >= resolution.value) return;
  context.report({
    code: "spec/engine-lag-resolution",
    severity: "warning",
    path: at("slo", "replicationLagMs"),
    message: `${fits.title} measures replication lag to ${resolution.value} ms (${resolution.source}); the ${target} ms target is finer, so its alert can fire while every replica is healthy`,
    fix: `set ${at("slo", "replicationLagMs")} to ${resolution.value} or more`,
  });
}

function allowed(support: RoleSupport, region: string, leader: string | undefined): boolean {
  if (support.where === "anywhere") return true;
  if (support.where === "none") return false;
  return leader !== undefined && region !== leader;
}

/** Engines that run the role for the component's replication model (any model when undeclared). */
function enginesRunning(
  role: keyof EngineCapabilities["replicaRoles"],
  replication: string | undefined,
): string[] {
  return (Object.keys(ENGINE_CAPABILITIES) as EngineId[]).filter((id) => {
    const caps = ENGINE_CAPABILITIES[id];
    const fitsModel = replication === undefined || (caps.replication?.includes(replication) ?? false);
    return caps.replicaRoles[role].where !== "none" && fitsModel;
  });
}
