/**
 * Synchronous standbys only in the primary's region (the engine's `syncScope`, PostgreSQL on
 * CloudNativePG): a semi-sync or sync commit waits only for the primary region's standbys, and with
 * fewer of them up than `synchronous.number` writes block (`dataDurability: required`). The same
 * placement without an engine keeps the generic model (any replica may be the synchronous one).
 * Every expected figure is worked out by hand from the catalog RTT and the cross-zone RTT (1 ms).
 */
import { describe, expect, it } from "vitest";
import { analyse, parseFailures } from "../../src/analysis/index.js";
import { postgresSettings } from "../../src/engines/postgresql-settings.js";
import { build, rtt, XZ } from "./helpers.js";

const EU = "eu-west-1";
const US = "us-east-1";
/** eu-west-1 ↔ us-east-1 median RTT from the catalog. */
const ATL = rtt(EU, US);

type Sync = "sync" | "semi-sync" | "async";

function model(sync: Sync, placement: Record<string, number>, engine: boolean) {
  return build({
    users: { [EU]: 0.5, [US]: 0.5 },
    datastores: {
      db: {
        replication: "primary-replica",
        consistency: "strong",
        sync,
        replicas: Object.values(placement).reduce((a, b) => a + b, 0),
        placement,
        leader: EU,
        survive: "zone",
        deploy: engine ? { target: "kubernetes", engine: "postgresql" } : { target: "external" },
      },
    },
  });
}

function run(sync: Sync, placement: Record<string, number>, engine: boolean, fail: string[]) {
  const m = model(sync, placement, engine);
  return analyse(m, parseFailures(m, fail)).datastores[0]!;
}

/** Write p50 per origin, or "blocked". */
const writes = (ds: ReturnType<typeof run>) =>
  [EU, US].map((origin) => {
    const row = ds.write.byOrigin.find((o) => o.origin === origin)!;
    return row.unavailable ? "blocked" : Math.round(row.p50Ms * 10) / 10;
  });
const r = (x: number) => Math.round(x * 10) / 10;

describe("semi-sync / sync on an engine whose synchronous standbys are the primary region's", () => {
  // Replicas of a region take its zones in order: the primary is eu-west-1a, the first standby eu-west-1b.
  it.each([
    // placement, failures, engine: [write p50 from eu-west-1, from us-east-1], commit wait
    // Baseline: the nearest standby is beside the primary either way: commit = XZ.
    ["semi-sync", { [EU]: 2, [US]: 1 }, [], true, [XZ + XZ, r(ATL + XZ)], XZ],
    ["semi-sync", { [EU]: 2, [US]: 1 }, [], false, [XZ + XZ, r(ATL + XZ)], XZ],
    // The primary region's only standby lost: CloudNativePG's ANY 1 over it blocks every commit;
    // the generic model lets the remote replica acknowledge (commit = ATL).
    ["semi-sync", { [EU]: 2, [US]: 1 }, ["zone:eu-west-1b"], true, ["blocked", "blocked"], 0],
    ["semi-sync", { [EU]: 2, [US]: 1 }, ["zone:eu-west-1b"], false, [r(XZ + ATL), r(ATL + ATL)], ATL],
    // A second standby in the region (eu-west-1c) keeps the quorum at cross-zone latency.
    ["semi-sync", { [EU]: 3, [US]: 1 }, ["zone:eu-west-1b"], true, [XZ + XZ, r(ATL + XZ)], XZ],
    // The remote replica never counted: losing it changes nothing (users in us-east-1 still write
    // to the primary across the Atlantic: a region failure takes its replicas, not its users).
    ["semi-sync", { [EU]: 2, [US]: 1 }, ["region:us-east-1"], true, [XZ + XZ, r(ATL + XZ)], XZ],
    // The primary's region lost: the generic model elects us-east-1 (two replicas there, quorum 2);
    // CloudNativePG promotes a replica cluster only by hand, so writes stop.
    ["semi-sync", { [EU]: 2, [US]: 2 }, ["region:eu-west-1"], true, ["blocked", "blocked"], 0],
    ["semi-sync", { [EU]: 2, [US]: 2 }, ["region:eu-west-1"], false, [r(ATL + XZ), XZ + XZ], XZ],
    // sync: every replica in the primary's region (validation), so both models wait for all and
    // block on any loss.
    ["sync", { [EU]: 3 }, [], true, [XZ + XZ, r(ATL + XZ)], XZ],
    ["sync", { [EU]: 3 }, ["zone:eu-west-1c"], true, ["blocked", "blocked"], 0],
    // async: the primary waits for nobody. Losing its region promotes elsewhere in the generic
    // model; CloudNativePG fails over only inside the primary's region (capability failoverScope),
    // so there writes stop until an operator promotes the replica cluster — as the lab shows.
    ["async", { [EU]: 2, [US]: 1 }, ["region:eu-west-1"], false, [ATL, XZ], 0],
    ["async", { [EU]: 2, [US]: 1 }, ["region:eu-west-1"], true, ["blocked", "blocked"], 0],
    // …and inside the primary's region it does fail over: the standby in eu-west-1b takes over.
    ["async", { [EU]: 2, [US]: 1 }, ["zone:eu-west-1a"], true, [XZ, r(ATL)], 0],
  ] as const)(
    "%s %o, fail %o, engine %s: writes %o, commit %s ms",
    (sync, placement, fail, engine, expected, commit) => {
      const ds = run(sync, placement, engine, [...fail]);
      expect(writes(ds)).toEqual(expected);
      expect(ds.commitP50Ms).toBeCloseTo(commit, 9);
      expect(ds.partitionsWithoutQuorum).toBe(expected.every((w) => w === "blocked") ? 1 : 0);
    },
  );

  it("zone survival: two replicas in the primary's region survive a zone only without the engine's scope", () => {
    // Generic: losing any one zone leaves 2 replicas that may lead ≥ quorum 2. Engine: losing the
    // standby's zone leaves the primary alone in its region (1 < 2).
    expect(run("semi-sync", { [EU]: 2, [US]: 1 }, false, []).survival.meetsGoal).toBe(true);
    const scoped = run("semi-sync", { [EU]: 2, [US]: 1 }, true, []).survival;
    expect(scoped.meetsGoal).toBe(false);
    expect(scoped.zone).toMatchObject({ survives: false, replicasLeft: 1, quorum: 2 });
    expect(run("semi-sync", { [EU]: 3, [US]: 1 }, true, []).survival.meetsGoal).toBe(true);
  });

  it("the model's quorum is the engine's synchronous.number plus the primary", () => {
    // semi-sync: ANY 1; sync: ANY (standbys in the primary's region); async: no synchronous stanza.
    for (const [sync, placement, number] of [
      ["semi-sync", { [EU]: 2, [US]: 1 }, 1],
      ["semi-sync", { [EU]: 3, [US]: 1 }, 1],
      ["sync", { [EU]: 3 }, 2],
      ["async", { [EU]: 2, [US]: 1 }, 0],
    ] as const) {
      const m = model(sync, placement, true);
      const store = m.datastores[0]!;
      expect(postgresSettings(store).synchronousStandbys).toBe(number);
      expect(analyse(m).datastores[0]!.quorum.write).toBe(number + 1);
    }
  });
});
