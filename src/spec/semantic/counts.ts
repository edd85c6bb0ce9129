import { formatPath } from "../../diagnostics/diagnostic.js";
import { roleCounts, totalOf } from "../roles.js";
import { arrayOf, type CheckContext, componentsOf, entriesOf } from "./context.js";
import { LIMITS } from "./limits.js";

type Entry = Parameters<typeof roleCounts>[0];
/** A placement entry's role counts, or undefined when its shape is invalid (reported elsewhere). */
const countsOf = (entry: unknown) =>
  typeof entry === "number" || (entry !== null && typeof entry === "object" && !Array.isArray(entry))
    ? roleCounts(entry as Entry)
    : undefined;

const MAX_REPLICAS = LIMITS.find((limit) => limit.path === "datastores.*.replicas")?.max ?? Infinity;
/** A replica count the spec may hold (others are reported by the schema and the limits check). */
const validCount = (n: unknown): n is number =>
  Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_REPLICAS;

/**
 * Why replica roles mean nothing without a leader: the analysis would count a witness (no data)
 * or a read-only replica (no writes) as a full replica.
 */
const WITHOUT_LEADER = {
  leaderless: "every leaderless replica stores writes and answers reads (R and W count them all)",
  "multi-leader":
    "every multi-leader replica holds the data, and takes writes where its region is one of leaders",
} as const;

/** Replica arithmetic: placement adds up, leaders hold replicas, quorums fit. */
export function checkReplicaCounts(context: CheckContext): void {
  for (const [name, store] of componentsOf(context, "datastores")) {
    const at = (...rest: (string | number)[]) => formatPath(["datastores", name, ...rest]);
    // Only a valid count is summed against (Infinity, 2.5, -3 or 0 is reported by the schema, and
    // asking to set replicas to a placement's sum of 0 would be an impossible fix).
    const replicas = validCount(store.replicas) ? store.replicas : undefined;
    const placement =
      store.placement === "auto" || store.placement === undefined
        ? undefined
        : entriesOf<unknown>(store.placement).map(([r, entry]) => [r, countsOf(entry)] as const);
    for (const [region, counts] of placement ?? []) {
      if (counts !== undefined && totalOf(counts) === 0)
        context.report({
          code: "spec/replica-count",
          path: at("placement", region),
          message: `placement["${region}"] holds no replica (voters, readOnly and witnesses are all 0)`,
          fix: `remove "${region}" from placement or give it at least one voter`,
        });
    }
    // A placement entry of the wrong shape is reported as such; a sum without it would mislead.
    if (placement && replicas !== undefined && placement.every(([, counts]) => counts !== undefined)) {
      const placed = placement.reduce((sum, [, n]) => sum + totalOf(n!), 0);
      if (placed !== replicas) {
        const shown = placement.map(([r, n]) => `${r}: ${totalOf(n!)}`).join(", ");
        const diff = replicas - placed;
        context.report({
          code: "spec/replica-count",
          path: at("placement"),
          message: `placement holds ${placed} replicas (${shown}) but replicas is ${replicas}`,
          fix: [
            diff > 0
              ? `place ${diff} more replica${diff === 1 ? "" : "s"}`
              : `remove ${-diff} replica${diff === -1 ? "" : "s"} from placement`,
            // Only a count replicas may take: never 0, never past the limit the schema reports.
            ...(validCount(placed) ? [`set replicas: ${placed}`] : []),
          ].join(" or "),
        });
      }
    }
    const regions = placement?.map(([r]) => r);
    const voterRegions = placement?.filter(([, n]) => (n?.voters ?? 0) > 0).map(([r]) => r);
    if (
      placement &&
      placement.length > 0 &&
      voterRegions?.length === 0 &&
      placement.every(([, n]) => n !== undefined)
    ) {
      context.report({
        code: "spec/no-voter",
        path: at("placement"),
        message:
          "placement has no voter: witnesses and read-only replicas cannot lead or hold a quorum's data",
        fix: "give at least one region voters, e.g. { voters: 2 }",
      });
    }
    arrayOf(store.leaderRegions).forEach((region, i) => {
      if (voterRegions && !voterRegions.includes(region)) {
        context.report({
          code: "spec/leader-not-placed",
          path: at("leaderRegions", i),
          message: `leader region "${region}" holds no voter (regions with voters: ${voterRegions.join(", ") || "none"})`,
          fix: "list only regions with voters in leaderRegions: witnesses and read-only replicas never lead",
        });
      }
    });
    if (
      typeof store.leader === "string" &&
      Array.isArray(store.leaderRegions) &&
      !store.leaderRegions.includes(store.leader)
    ) {
      context.report({
        code: "spec/leader-not-eligible",
        path: at("leader"),
        message: `leader "${store.leader}" is not one of leaderRegions (${store.leaderRegions.join(", ")})`,
        fix: `choose the leader among ${store.leaderRegions.join(", ")}, or add it to leaderRegions`,
      });
    } else if (
      typeof store.leader === "string" &&
      voterRegions &&
      regions?.includes(store.leader) &&
      !voterRegions.includes(store.leader)
    ) {
      context.report({
        code: "spec/leader-not-eligible",
        path: at("leader"),
        message: `leader "${store.leader}" holds no voter: witnesses and read-only replicas never lead`,
        fix: `choose the leader among ${voterRegions.join(", ")}`,
      });
    }
    // The global cluster or table lives in one of the store's regions (src/compile/aws/aurora.ts, dynamodb.ts).
    const home = (store.deploy as { homeRegion?: unknown } | undefined)?.homeRegion;
    if (regions && typeof home === "string" && !regions.includes(home))
      context.report({
        code: "spec/home-not-placed",
        path: at("deploy", "homeRegion"),
        message: `homeRegion "${home}" holds no replica (placement: ${regions.join(", ")})`,
        fix: `choose the region the global cluster or table was created in, among ${regions.join(", ")}`,
      });
    if (regions && typeof store.leader === "string" && !regions.includes(store.leader)) {
      // A misspelled placement region has its own finding (spec/unknown-region): not offered here.
      const known = regions.filter((region) => context.catalog.regions.has(region));
      context.report({
        code: "spec/leader-not-placed",
        path: at("leader"),
        message: `leader "${store.leader}" holds no replica (placement: ${regions.join(", ")})`,
        fix:
          known.length === 0
            ? `place replicas in ${store.leader}, or choose a leader among the placement's regions once their codes are fixed`
            : `choose a leader among ${known.join(", ")}, or place replicas in ${store.leader}`,
      });
    }
    if (store.leaders !== undefined && store.replication !== "multi-leader") {
      context.report({
        code: "spec/not-applicable",
        path: at("leaders"),
        message: `leaders applies only to replication: multi-leader (this datastore is ${String(store.replication)})`,
        fix: `remove leaders, or use leader: "<region>" for a single preferred leader`,
      });
    }
    arrayOf(store.leaders).forEach((leader, i) => {
      if (regions && !regions.includes(leader)) {
        context.report({
          code: "spec/leader-not-placed",
          path: at("leaders", i),
          message: `leader "${leader}" holds no replica (placement: ${regions.join(", ")})`,
          fix: `list only placement regions in leaders`,
        });
      }
    });
    if (store.quorum !== undefined && store.replication !== "leaderless") {
      context.report({
        code: "spec/not-applicable",
        path: at("quorum"),
        message: `quorum (R/W) applies only to replication: leaderless; ${String(store.replication)} derives its quorum`,
        fix: "remove quorum",
      });
    }
    if (store.replication === "leaderless" || store.replication === "multi-leader")
      for (const [region, counts] of placement ?? [])
        for (const role of ["readOnly", "witnesses"] as const)
          if (counts !== undefined && counts[role] > 0)
            context.report({
              code: "spec/not-applicable",
              path: at("placement", region, role),
              message: `${role} applies only to a leader's quorum (consensus, primary-replica): ${WITHOUT_LEADER[store.replication]}`,
              fix: `count them as voters (placement["${region}"]: ${totalOf(counts)})${store.replication === "multi-leader" ? `; a region that only serves reads is one left out of leaders` : ""}`,
            });
    for (const side of ["read", "write"] as const) {
      const q = store.quorum?.[side];
      if (typeof q === "number" && replicas !== undefined && q > replicas) {
        context.report({
          code: "spec/quorum-too-large",
          path: at("quorum", side),
          message: `${side} quorum ${q} exceeds replicas ${replicas}, so no ${side} could ever succeed`,
          fix: `use at most ${replicas}`,
        });
      }
    }
  }
  for (const [name, stream] of componentsOf(context, "streams")) {
    const replicas = stream.replicas ?? 3;
    const minInSync = stream.minInSync ?? 2;
    if (minInSync > replicas) {
      context.report({
        code: "spec/quorum-too-large",
        path: formatPath(["streams", name, "minInSync"]),
        message: `minInSync ${minInSync} exceeds replicas ${replicas}: every acks=all write would fail`,
        fix: `use minInSync ≤ ${replicas} (typically replicas − 1)`,
      });
    }
  }
  for (const [name, service] of componentsOf(context, "services")) {
    arrayOf(service.calls).forEach((call, i) => {
      if (
        typeof call?.perTryTimeoutMs === "number" &&
        typeof call.timeoutMs === "number" &&
        call.perTryTimeoutMs > call.timeoutMs
      ) {
        context.report({
          code: "spec/timeout-order",
          path: formatPath(["services", name, "calls", i, "perTryTimeoutMs"]),
          message: `perTryTimeoutMs ${call.perTryTimeoutMs} exceeds the call's timeoutMs ${call.timeoutMs}`,
          fix: `use perTryTimeoutMs ≤ ${call.timeoutMs}`,
        });
      }
    });
  }
}

const LATENCY_FIELDS = [
  "readP99Ms",
  "writeP99Ms",
  "replicationLagMs",
  "latencyP99Ms",
  "endToEndP99Ms",
  "consumerLagMs",
];

const CALL_DURATIONS = ["timeoutMs", "perTryTimeoutMs"] as const;

/** Latency targets are milliseconds; 0.02 is almost certainly seconds. So is a 0.5 ms call deadline. */
export function checkLatencyUnits(context: CheckContext): void {
  for (const [name, service] of componentsOf(context, "services")) {
    arrayOf(service.calls).forEach((call, i) => {
      for (const field of CALL_DURATIONS) {
        const value = call?.[field];
        // NaN is zod's to report ("expected a number"): it is no figure to rescale.
        if (typeof value !== "number" || !(value > 0 && value < 1)) continue;
        context.report({
          code: "spec/unit",
          path: formatPath(["services", name, "calls", i, field]),
          message: `a ${value} ms deadline is shorter than any network round trip; ${field} is in milliseconds: did you mean ${+(value * 1000).toPrecision(6)}?`,
          fix: `set ${field}: ${+(value * 1000).toPrecision(6)}`,
        });
      }
    });
  }
  for (const kind of ["datastores", "services", "streams"] as const) {
    for (const [name, component] of componentsOf(context, kind)) {
      for (const [field, value] of entriesOf(component.slo as Record<string, unknown> | undefined)) {
        if (!LATENCY_FIELDS.includes(field) || typeof value !== "number" || !(value > 0 && value < 0.1))
          continue;
        context.report({
          code: "spec/unit",
          path: formatPath([kind, name, "slo", field]),
          message: `${value} ms is below any network round trip; ${field} is in milliseconds: did you mean ${+(value * 1000).toPrecision(6)}?`,
          fix: `set ${field}: ${+(value * 1000).toPrecision(6)}`,
        });
      }
    }
  }
}
