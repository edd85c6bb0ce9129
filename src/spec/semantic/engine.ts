import { formatPath } from "../../diagnostics/diagnostic.js";
import { ENGINE_CAPABILITIES } from "../../engines/capabilities.js";
import type { EngineId } from "../../engines/ids.js";
import { roleCounts } from "../roles.js";
import { type CheckContext, entriesOf } from "./context.js";
import { checkEngineRoles, checkLagResolution, declaredLeaderRegion } from "./engine-roles.js";
import { checkGeoPartitions } from "./geo-partitions.js";
import { checkMirrorRegions } from "./mirror-regions.js";

interface ComponentInput {
  placement?: Record<string, Parameters<typeof roleCounts>[0]> | string | undefined;
  leader?: string | undefined;
  replicas?: number | undefined;
  deploy?: { target?: string; engine?: string | undefined; image?: string | undefined } | undefined;
  replication?: string | undefined;
  consistency?: string | undefined;
  sync?: string | undefined;
  partitions?: { count?: number | undefined } | number | undefined;
  slo?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Kubernetes deploys: an image or an engine; a declared engine must implement the component's kind,
 * replication model, consistency, sync mode, partitioning and placement roles.
 */
export function checkEngineFits(context: CheckContext): void {
  // Registered here: validate.ts's list of checks is outside this folder.
  checkMirrorRegions(context);
  checkGeoPartitions(context);
  for (const kind of ["datastores", "services", "streams"] as const) {
    for (const [name, component] of entriesOf<ComponentInput>(context.topology[kind])) {
      const deploy = component.deploy;
      if (deploy?.target !== "kubernetes") continue;
      const at = (...rest: string[]) => formatPath([kind, name, ...rest]);
      const declared = deploy.engine as EngineId | undefined;
      if (declared === undefined && deploy.image === undefined) {
        context.report({
          code: "spec/missing-image",
          path: at("deploy", "image"),
          message: `${at()} deploys to kubernetes with neither an image nor an engine`,
          fix:
            kind === "services"
              ? `set ${at("deploy", "image")} to the service's image, pinned by tag or digest`
              : `set ${at("deploy", "engine")} (${enginesFor(kind).join(", ")}) or ${at("deploy", "image")}`,
        });
        continue;
      }
      // Own keys only: the checks also run on specs the shape check refused (`engine: constructor`).
      const fits =
        declared === undefined || !Object.hasOwn(ENGINE_CAPABILITIES, declared)
          ? undefined
          : ENGINE_CAPABILITIES[declared];
      if (fits === undefined) continue;
      const enginePath = at("deploy", "engine");
      const label = fits.title;
      if (fits.kind !== kind) {
        context.report({
          code: "spec/engine-mismatch",
          path: enginePath,
          message: `${label} cannot run ${kind}: ${fits.why}`,
          fix:
            kind === "streams"
              ? 'use engine: "kafka" for streams'
              : kind === "services"
                ? "services run their own image: drop deploy.engine"
                : `choose a datastore engine (${enginesFor("datastores").join(", ")})`,
        });
        continue;
      }
      const unsupported = (
        field: "replication" | "consistency" | "sync",
        value: string | undefined,
        allowed: readonly string[] | undefined,
      ) => {
        if (value === undefined || allowed === undefined || allowed.includes(value)) return;
        const others = enginesFor(kind, (c) => c[field]?.includes(value) ?? false);
        context.report({
          code: "spec/engine-mismatch",
          path: at(field),
          message: `${label} does not implement ${field} "${value}": ${fits.why}`,
          fix: `set ${field} to ${allowed.map((v) => `"${v}"`).join(" or ")}${others.length > 0 ? `, or use an engine that implements "${value}" (${others.join(", ")})` : ""}`,
        });
      };
      unsupported("replication", component.replication, fits.replication);
      unsupported("consistency", component.consistency, fits.consistency);
      if (component.replication === "primary-replica") unsupported("sync", component.sync, fits.sync);
      checkSyncScope(context, at, label, component, fits);
      checkEngineRoles(context, at, fits, component);
      checkLagResolution(context, at, fits, component);
      const count =
        typeof component.partitions === "object" ? component.partitions?.count : component.partitions;
      if (fits.maxPartitions !== undefined && typeof count === "number" && count > fits.maxPartitions) {
        context.report({
          code: "spec/engine-mismatch",
          path: at("partitions", "count"),
          message: `${label} holds one partition (${fits.why}); ${count} partitions were declared`,
          fix: `set partitions.count to 1 (shard across several ${name}-N datastores), or use an engine that partitions (${enginesFor(kind, (c) => c.maxPartitions === undefined).join(", ")})`,
        });
      }
    }
  }
}

function enginesFor(
  kind: string,
  predicate: (c: (typeof ENGINE_CAPABILITIES)[EngineId]) => boolean = () => true,
): string[] {
  return (Object.keys(ENGINE_CAPABILITIES) as EngineId[]).filter(
    (id) => ENGINE_CAPABILITIES[id].kind === kind && predicate(ENGINE_CAPABILITIES[id]),
  );
}

/**
 * Engines whose synchronous standbys must sit in the primary's region: the declared sync mode must
 * be satisfiable there (semi-sync: one standby beside the primary; sync: every replica).
 */
function checkSyncScope(
  context: CheckContext,
  at: (...rest: string[]) => string,
  label: string,
  component: ComponentInput,
  fits: (typeof ENGINE_CAPABILITIES)[EngineId],
): void {
  if (fits.syncScope !== "primary-region" || component.replication !== "primary-replica") return;
  const sync = component.sync ?? "async";
  const placement = component.placement;
  if (sync === "async" || placement === undefined || typeof placement !== "object") return;
  // Synchronous standbys are voters (read-only replicas and witnesses never acknowledge a commit).
  const counts = Object.entries(placement)
    .filter(([, n]) => n !== null && (typeof n === "number" || typeof n === "object"))
    .map(([region, n]) => [region, roleCounts(n).voters] as const);
  const leader = declaredLeaderRegion(component) ?? "";
  const local = counts.find(([region]) => region === leader)?.[1] ?? 0;
  const total = counts.reduce((sum, [, n]) => sum + n, 0);
  const needed = sync === "sync" ? total : 2;
  if (local >= needed) return;
  context.report({
    code: "spec/engine-mismatch",
    path: at("sync"),
    message: `${label} replicates synchronously only inside the primary's region (${fits.why}); ${sync} needs ${needed} replicas in ${leader}, the placement has ${local}`,
    fix:
      sync === "sync"
        ? `place every replica in ${leader}, or use sync: "semi-sync" with a standby beside the primary`
        : `place a second replica in ${leader} (a standby beside the primary), or use sync: "async"`,
  });
}
