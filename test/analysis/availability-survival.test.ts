import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { renderAnalysisTables } from "../../src/report/analysis-tables.js";
import { build } from "./helpers.js";

const pz = 0.01;
const pr = 0.001;
const model = { zoneFailureProbability: pz, regionFailureProbability: pr };

/** A Redis store led from eu-west-1 (no common-mode cap: its nines are the counts'). */
const redisStore = (placement: Record<string, number>, survive?: "zone") =>
  build({
    model: { ...model, commonModeProbability: 0 },
    datastores: {
      kv: {
        replication: "primary-replica",
        consistency: "eventual",
        replicas: Object.values(placement).reduce((a, b) => a + b, 0),
        placement,
        leader: "eu-west-1",
        ...(survive === undefined ? {} : { survive }),
        deploy: { target: "kubernetes", engine: "redis" },
      },
    },
  });

describe("availability, exact over zone and region failures (pZ = 0.01, pR = 0.001)", () => {
  it("3 voters in 3 zones of one region: (1 − pR)·P(≥ 2 of 3 zones up)", () => {
    const m = build({
      model,
      datastores: { kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
    });
    const a = analyse(m).datastores[0]!.availability;
    expect(a.write).toBeCloseTo((1 - pr) * (1 - 3 * pz * pz * (1 - pz) - pz ** 3), 12);
    expect(a.read).toBeCloseTo(a.write, 15);
  });

  it("5 voters 2+2+1 over three regions: P(≥ 3 survive), regions convolved", () => {
    const m = build({
      model,
      datastores: {
        kv: {
          replication: "consensus",
          replicas: 5,
          placement: { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
        },
      },
    });
    // Two replicas in distinct zones of a region: [P(0), P(1), P(2)]; a single replica: [P(0), P(1)].
    const two = [pr + (1 - pr) * pz * pz, (1 - pr) * 2 * pz * (1 - pz), (1 - pr) * (1 - pz) ** 2];
    const one = [pr + (1 - pr) * pz, (1 - pr) * (1 - pz)];
    let expected = 0;
    for (let i = 0; i <= 2; i++)
      for (let j = 0; j <= 2; j++)
        for (let k = 0; k <= 1; k++) if (i + j + k >= 3) expected += two[i]! * two[j]! * one[k]!;
    expect(analyse(m).datastores[0]!.availability.write).toBeCloseTo(expected, 12);
  });

  it("consensus with witnesses: a quorum needs a voter among it to elect a leader (writes and strong reads)", () => {
    const led = (
      placement: Record<string, number | { witnesses: number }>,
      consistency: "strong" | "eventual",
    ) =>
      analyse(
        build({
          model: { ...model, commonModeProbability: 0 },
          datastores: {
            kv: { replication: "consensus", consistency, replicas: 3, placement, leader: "eu-west-1" },
          },
        }),
      ).datastores[0]!.availability;
    const up = (1 - pr) * (1 - pz);
    // One voter, two witnesses elsewhere: the voter's region and zone up, and a witness of two.
    const oneVoter = led(
      { "eu-west-1": 1, "eu-central-1": { witnesses: 1 }, "eu-north-1": { witnesses: 1 } },
      "strong",
    );
    const expected = up * (1 - (1 - up) ** 2);
    expect(oneVoter.write).toBeCloseTo(expected, 12);
    expect(oneVoter.read).toBeCloseTo(expected, 12);
    // Stale reads need a replica holding data only: the voter.
    expect(
      led({ "eu-west-1": 1, "eu-central-1": { witnesses: 1 }, "eu-north-1": { witnesses: 1 } }, "eventual")
        .read,
    ).toBeCloseTo(up, 12);
    // Two voters and a witness: any two of the three hold a voter, so P(≥ 2 of 3 up) as before.
    const twoVoters = led({ "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": { witnesses: 1 } }, "strong");
    expect(twoVoters.write).toBeCloseTo(up ** 3 + 3 * up ** 2 * (1 - up), 12);
  });

  it("multi-leader over two regions: writes while either replica lives", () => {
    const m = build({
      model,
      datastores: {
        c: { replication: "multi-leader", replicas: 2, placement: { "eu-west-1": 1, "us-east-1": 1 } },
      },
    });
    const down = pr + (1 - pr) * pz;
    expect(analyse(m).datastores[0]!.availability.write).toBeCloseTo(1 - down * down, 12);
  });

  it("primary-replica sync needs every replica; async any one (automatic failover)", () => {
    const store = (sync: "sync" | "async", placement: Record<string, number>) =>
      build({
        // No common-mode cap: three regions give more nines than its 1e-5.
        model: { ...model, commonModeProbability: 0 },
        datastores: {
          db: {
            replication: "primary-replica",
            sync,
            replicas: Object.keys(placement).length,
            placement,
          },
        },
      });
    const up = (1 - pr) * (1 - pz);
    const three = { "eu-west-1": 1, "us-east-1": 1, "ap-southeast-1": 1 };
    expect(analyse(store("sync", three)).datastores[0]!.availability.write).toBeCloseTo(up ** 3, 12);
    // Observers in three regions: a surviving replica is promoted wherever it is, while a majority
    // of them (two of three) is up: one left alone cannot hold the lock and demotes itself, as the
    // what-if says (it read 1 − (1 − up)³, counting that lone survivor).
    expect(analyse(store("async", three)).datastores[0]!.availability.write).toBeCloseTo(
      up ** 3 + 3 * up ** 2 * (1 - up),
      12,
    );
  });

  it("primary-replica strong reads need a primary as writes do, not their acknowledgements", () => {
    const store = (sync: "sync" | "async", failover: "manual" | "automatic") =>
      analyse(
        build({
          model: { ...model, commonModeProbability: 0 },
          datastores: {
            db: {
              replication: "primary-replica",
              consistency: "strong",
              sync,
              failover: { mode: failover },
              replicas: 2,
              placement: { "eu-west-1": 1, "eu-central-1": 1 },
              leader: "eu-west-1",
            },
          },
        }),
      ).datastores[0]!.availability;
    const up = (1 - pr) * (1 - pz);
    // Manual failover: the primary's region and zone, as its writes (was any replica: 1 − (1 − up)²).
    const manual = store("async", "manual");
    expect(manual.read).toBeCloseTo(up, 12);
    expect(manual.read).toBeCloseTo(manual.write, 12);
    // Sync writes wait for both; the primary alone serves a strong read.
    const sync = store("sync", "manual");
    expect(sync.write).toBeCloseTo(up * up, 12);
    expect(sync.read).toBeCloseTo(up, 12);
  });

  it("a primary promoted only inside its region needs a replica there, not one anywhere", () => {
    // CloudNativePG promotes inside the primary's region only; Aurora inside its cluster's region
    // (a reader in another zone). Both of the region's instance zones down, the region up: no
    // writes, though the replicas elsewhere live (the what-if says so too).
    type Deploy =
      | { target: "kubernetes"; engine: "postgresql" }
      | { target: "aws"; service: "aurora-postgresql" };
    const store = (deploy: Deploy, placement: Record<string, number>) =>
      analyse(
        build({
          model: { ...model, commonModeProbability: 0 },
          datastores: {
            db: {
              replication: "primary-replica",
              sync: "async",
              replicas: Object.values(placement).reduce((a, b) => a + b, 0),
              placement,
              leader: "eu-west-1",
              deploy,
            },
          },
        }),
      ).datastores[0]!.availability.write;
    const twoZones = (1 - pr) * (1 - pz * pz);
    expect(
      store(
        { target: "kubernetes", engine: "postgresql" },
        { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
      ),
    ).toBeCloseTo(twoZones, 12);
    expect(
      store({ target: "aws", service: "aurora-postgresql" }, { "eu-west-1": 2, "eu-central-1": 1 }),
    ).toBeCloseTo(twoZones, 12);
  });

  it("Aurora promotes a read-only reader: a writer and one in its region survive a zone, as survival says", () => {
    const db = analyse(
      build({
        model: { ...model, commonModeProbability: 0 },
        datastores: {
          db: {
            replication: "primary-replica",
            consistency: "strong",
            sync: "async",
            replicas: 2,
            placement: { "eu-west-1": { voters: 1, readOnly: 1 } },
            leader: "eu-west-1",
            survive: "zone",
            deploy: { target: "aws", service: "aurora-postgresql" },
          },
        },
      }),
    ).datastores[0]!;
    // Was (1 − pR)(1 − pZ), and "zone FAILS": the reader counted for the region's standby only.
    expect(db.availability.write).toBeCloseTo((1 - pr) * (1 - pz * pz), 12);
    expect(db.survival.zone.survives).toBe(true);
  });

  it("a service calling such a store is never more available than the store (the promotable reader's zone counts)", () => {
    // An Aurora read-only reader is promoted but neither acknowledges a sync write nor serves a
    // strong read: its zone was left out of the store's failure domains, and the joint
    // enumeration reused the store's figure for both of that zone's states.
    const a = analyse(
      build({
        model: { ...model, commonModeProbability: 0 },
        users: { "eu-west-1": 1 },
        datastores: {
          db: {
            replication: "primary-replica",
            consistency: "strong",
            sync: "sync",
            replicas: 3,
            placement: { "eu-west-1": { voters: 1, readOnly: 1 }, "eu-central-1": 1 },
            leader: "eu-west-1",
            deploy: { target: "aws", service: "aurora-postgresql" },
          },
        },
        services: {
          api: {
            regions: ["eu-west-1"],
            replicasPerRegion: 3,
            calls: [{ to: "db", op: "read", timeoutMs: 1000 }],
            deploy: { target: "kubernetes", image: "api:1" },
          },
        },
      }),
    );
    const store = a.datastores[0]!.availability.read;
    expect(a.services[0]!.availability).toBeLessThanOrEqual(store + 1e-12);
    // The service's own pods are up whenever the store's region is: the same figure.
    expect(a.services[0]!.availability).toBeCloseTo(store, 9);
  });

  it("Redis: a replica is promoted only with a majority of all Sentinels (one per member)", () => {
    const redis = redisStore({ "eu-west-1": 1, "us-east-1": 1, "ap-southeast-1": 1 });
    const up = (1 - pr) * (1 - pz);
    // The primary lives, or it is lost and both others live to promote one of them.
    expect(analyse(redis).datastores[0]!.availability.write).toBeCloseTo(up + (1 - up) * up * up, 12);
    // Reads of any live member, as before.
    expect(analyse(redis).datastores[0]!.availability.read).toBeCloseTo(1 - (1 - up) ** 3, 12);
  });

  it("Redis over two regions: the primary's region is needed, and a standby there is promoted only with a majority", () => {
    const redis = redisStore({ "eu-west-1": 2, "us-east-1": 1 }, "zone");
    const usUp = (1 - pr) * (1 - pz);
    // W up, and its primary's zone, or (that zone down) the other W member and US: 2 of 3 votes.
    const expected = (1 - pr) * (1 - pz + pz * (1 - pz) * usUp);
    const ds = analyse(redis).datastores[0]!;
    expect(ds.availability.write).toBeCloseTo(expected, 12);
    // Losing the primary's zone leaves 2 of 3 members: a majority, so the zone goal holds.
    expect(ds.survival.zone.survives).toBe(true);
  });

  it("Redis over two regions led from the lone member: the other region's majority promotes, no third site needed", () => {
    const redis = build({
      model: { ...model, commonModeProbability: 0 },
      datastores: {
        kv: {
          replication: "primary-replica",
          consistency: "eventual",
          replicas: 3,
          placement: { "eu-west-1": 1, "us-east-1": 2 },
          leader: "eu-west-1",
          survive: "region",
          deploy: { target: "kubernetes", engine: "redis" },
        },
      },
    });
    const up = (1 - pr) * (1 - pz);
    const ds = analyse(redis).datastores[0]!;
    // The primary lives, or both US members do (2 of 3 votes) to promote one of theirs.
    expect(ds.availability.write).toBeCloseTo(up + (1 - up) * (1 - pr) * (1 - pz) ** 2, 12);
    // Losing eu-west-1 leaves the majority; losing us-east-1 leaves the primary writing (async).
    expect(ds.survival.region.survives).toBe(true);
    expect(ds.survival.meetsGoal).toBe(true);
  });

  it("Redis in one region, two members: losing the primary's zone leaves 1 of 2 Sentinels, no failover", () => {
    const redis = redisStore({ "eu-west-1": 2 }, "zone");
    const survival = analyse(redis).datastores[0]!.survival;
    expect(survival.zone).toMatchObject({ survives: false, promotionVotes: 2 });
    // The least that survives a zone: 3 members over 3 zones (over-replication counts from it).
    expect(survival.minReplicas).toBe(3);
  });

  it("a primary nothing replaces automatically needs its own region up (observers in two regions, manual failover)", () => {
    const store = (
      failover?: { mode: "manual" | "automatic" },
      placement = { "eu-west-1": 1, "us-east-1": 1 },
      deploy?: { target: "aws"; service: "aurora-postgresql" },
    ) =>
      build({
        model: { ...model, commonModeProbability: 0 },
        datastores: {
          db: {
            replication: "primary-replica",
            sync: "async",
            replicas: Object.values(placement).reduce((a, b) => a + b, 0),
            placement,
            ...(failover === undefined ? {} : { failover }),
            ...(deploy === undefined ? {} : { deploy }),
          },
        },
      });
    const up = (1 - pr) * (1 - pz);
    // Two observer regions: the side that loses its peer must not promote, so writes need the
    // primary's region up — and its zone: with no other voter in that region, losing the zone is
    // losing the region for this store (the replica elsewhere cannot tell the two apart; the chaos
    // outcome and the what-if say "manual failover" there too). Once the figure counted a failover
    // to the replica elsewhere, (1 − pR)(1 − pZ(1 − up)), which nothing performs. And the primary
    // keeps its lock only with both observers up (a majority of two): losing the replica's region
    // demotes it, as the what-if says (the figure read `up` until 2026-12-08).
    const twoRegions = up * up;
    expect(analyse(store()).datastores[0]!.availability.write).toBeCloseTo(twoRegions, 12);
    // Aurora promotes a reader in another zone of the writer's region by itself; without one it
    // re-creates the writer in the same zone ("if the DB cluster doesn't contain any Aurora
    // Replicas, then the primary instance is recreated in the same AZ", Aurora User Guide), which
    // a zone outage does not allow: the writer's zone is needed then, as for any primary.
    const aurora = { target: "aws", service: "aurora-postgresql" } as const;
    expect(analyse(store(undefined, undefined, aurora)).datastores[0]!.availability.write).toBeCloseTo(
      up,
      12,
    );
    const withReader = store(undefined, { "eu-west-1": 2, "us-east-1": 1 }, aurora);
    expect(analyse(withReader).datastores[0]!.availability.write).toBeGreaterThan(up);
    // Aurora promotes any reader, one declared read-only too (review of 55ae438).
    const readOnly = build({
      model: { ...model, commonModeProbability: 0 },
      datastores: {
        db: {
          replication: "primary-replica",
          sync: "async",
          replicas: 3,
          placement: { "eu-west-1": { voters: 1, readOnly: 1 }, "us-east-1": 1 },
          deploy: aurora,
        },
      },
    });
    expect(analyse(readOnly).datastores[0]!.availability.write).toBeGreaterThan(up);
    expect(twoRegions).toBeLessThan(1 - (1 - up) ** 2);
    // Manual failover in three regions: the primary's region and zone, whatever the replicas.
    const three = { "eu-west-1": 1, "us-east-1": 1, "ap-southeast-1": 1 };
    expect(analyse(store({ mode: "manual" }, three)).datastores[0]!.availability.write).toBeCloseTo(up, 12);
    // Automatic: any survivor is promoted, while two of the three observers hold the lock.
    expect(analyse(store({ mode: "automatic" }, three)).datastores[0]!.availability.write).toBeCloseTo(
      up ** 3 + 3 * up ** 2 * (1 - up),
      12,
    );
  });

  it("a DCS-style primary (Patroni): a majority of the observers decides, wherever the primary is", () => {
    // 1 (the primary) + 2: losing eu-west-1 leaves the two in eu-central-1, a majority, which
    // promotes one (the what-if's failover); losing eu-central-1 leaves the primary alone, short
    // of a majority: it demotes itself. Writes need two of the three, not the primary's region.
    const m = build({
      model: { ...model, commonModeProbability: 0 },
      datastores: {
        db: {
          replication: "primary-replica",
          sync: "async",
          replicas: 3,
          leader: "eu-west-1",
          placement: { "eu-west-1": 1, "eu-central-1": 2 },
          failover: { mode: "automatic" },
        },
      },
    });
    const w = (1 - pr) * (1 - pz);
    const both = (1 - pr) * (1 - pz) ** 2;
    const one = (1 - pr) * 2 * pz * (1 - pz);
    expect(analyse(m).datastores[0]!.availability.write).toBeCloseTo(w * (one + both) + (1 - w) * both, 12);
    // A witness instead of a second voter: two of three, one of them a voter.
    const witness = build({
      model: { ...model, commonModeProbability: 0 },
      datastores: {
        db: {
          replication: "primary-replica",
          sync: "async",
          replicas: 3,
          leader: "eu-west-1",
          placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": { witnesses: 1 } },
          failover: { mode: "automatic" },
        },
      },
    });
    // Voters v1, v2 and witness x, each up with w: (v1 ∧ v2) ∨ (x ∧ (v1 ∨ v2)).
    expect(analyse(witness).datastores[0]!.availability.write).toBeCloseTo(w * w + w * (2 * w * (1 - w)), 12);
  });

  it("a service beside the replica writes only while the primary's region is up (no automatic failover)", () => {
    const m = build({
      model: { ...model, commonModeProbability: 0 },
      datastores: {
        db: {
          replication: "primary-replica",
          sync: "async",
          replicas: 2,
          leader: "eu-west-1",
          placement: { "eu-west-1": 1, "eu-central-1": 1 },
        },
      },
      services: { api: { regions: ["eu-central-1"], calls: [{ to: "db", op: "write", timeoutMs: 100 }] } },
    });
    // Writes need eu-west-1 and the primary's zone up (two observer regions, no other voter there:
    // no promotion), and the replica's too (the primary's lock needs both observers); the service
    // needs eu-central-1 and one of its three zones, up whenever the replica's zone is.
    const expected = (1 - pr) * (1 - pz) * (1 - pr) * (1 - pz);
    const api = analyse(m).services.find((s) => s.name === "api")!;
    expect(api.availability).toBeCloseTo(expected, 12);
  });

  it("a service: own deployment (any region up with any zone) jointly with its hard dependencies", () => {
    const m = build({
      model,
      datastores: { kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
      services: {
        api: { regions: ["eu-west-1", "eu-central-1"], calls: [{ to: "kv", op: "write", timeoutMs: 100 }] },
        edge: {
          regions: ["eu-west-1"],
          calls: [
            { to: "api", timeoutMs: 200 },
            { to: "kv", timeoutMs: 50, hard: false },
          ],
        },
      },
    });
    const a = analyse(m);
    // Both regions have 3 zones: a region serves unless it fails or all 3 zones do.
    const region = (1 - pr) * (1 - pz ** 3);
    const own = 1 - (1 - region) ** 2;
    const kv = a.datastores[0]!.availability.write;
    const api = a.services.find((s) => s.name === "api")!;
    // Own: 1 − 2.0e-6 would be more nines than the common-mode term (1e-5) allows.
    expect(own).toBeGreaterThan(1 - 1e-5);
    expect(api.ownAvailability).toBeCloseTo(1 - 1e-5, 12);
    // Jointly over eu-west-1, which api and kv share: whenever kv has its quorum (eu-west-1 up with
    // ≥ 2 of its 3 zones), api's eu-west-1 deployment serves too — so the joint figure is kv's, not
    // the independent product own × kv.
    expect(api.availability).toBeCloseTo(kv, 12);
    expect(api.availability).toBeGreaterThan(own * kv);
    // The soft call to kv does not count; the hard call to api brings api's own dependencies; edge's
    // own eu-west-1 deployment is up whenever kv is.
    const edge = a.services.find((s) => s.name === "edge")!;
    expect(edge.availability).toBeCloseTo(kv, 12);
  });

  it("adding a voter can LOWER consensus availability (3 → 4 raises the quorum from 2 to 3)", () => {
    // Why "non-decreasing when replicas are added" is not a property of consensus.
    const with3 = build({
      model,
      datastores: {
        kv: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 },
        },
      },
    });
    const with4 = build({
      model,
      datastores: {
        kv: {
          replication: "consensus",
          replicas: 4,
          placement: { "eu-west-1": 2, "eu-central-1": 1, "eu-north-1": 1 },
        },
      },
    });
    expect(analyse(with4).datastores[0]!.availability.write).toBeLessThan(
      analyse(with3).datastores[0]!.availability.write,
    );
  });
});

describe("survival goals (CockroachDB reference: zone 3 voters; region 5 voters over ≥ 3 regions)", () => {
  const consensus = (
    placement: Record<string, number>,
    survive: "zone" | "region" = "zone",
    zones?: Record<string, string[]>,
  ) =>
    build({
      datastores: {
        kv: {
          replication: "consensus",
          replicas: Object.values(placement).reduce((a, b) => a + b, 0),
          placement,
          survive,
          ...(zones ? { zones } : {}),
        },
      },
    });
  it.each([
    // placement, zone survives, region survives, replicas left after the worst zone / region loss
    [{ "eu-west-1": 3 }, true, false, 2, 0],
    [{ "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 }, true, true, 2, 2],
    [{ "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 }, true, true, 4, 3],
    [{ "eu-west-1": 2, "eu-central-1": 2 }, true, false, 3, 2], // quorum 3: losing a region leaves 2
    [{ "eu-west-1": 3, "eu-central-1": 2 }, true, false, 4, 2], // streaming's risk-state
    [{ "eu-west-1": 1 }, false, false, 0, 0],
  ] as const)("%o: zone %s, region %s", (placement, zone, region, zoneLeft, regionLeft) => {
    const s = analyse(consensus(placement)).datastores[0]!.survival;
    expect([s.zone.survives, s.region.survives]).toEqual([zone, region]);
    expect([s.zone.replicasLeft, s.region.replicasLeft]).toEqual([zoneLeft, regionLeft]);
  });

  it("every replica in one zone does not survive a zone", () => {
    const s = analyse(consensus({ "eu-west-1": 3 }, "zone", { "eu-west-1": ["eu-west-1a"] })).datastores[0]!
      .survival;
    expect(s.zone).toMatchObject({ survives: false, worstDomain: "eu-west-1a", replicasLeft: 0, quorum: 2 });
    expect(s.meetsGoal).toBe(false);
  });

  it("minimum replicas and regions per goal", () => {
    expect(analyse(consensus({ "eu-west-1": 3 }, "zone")).datastores[0]!.survival).toMatchObject({
      goal: "zone",
      minReplicas: 3,
      minRegions: 1,
      meetsGoal: true,
    });
    expect(
      analyse(consensus({ "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 }, "region")).datastores[0]!
        .survival,
    ).toMatchObject({ goal: "region", minReplicas: 5, minRegions: 3, meetsGoal: true });
  });

  it("a goal no replica count meets says so: CloudNativePG fails over inside its region only", () => {
    const cnpg = build({
      datastores: {
        pg: {
          replication: "primary-replica",
          sync: "async",
          replicas: 5,
          placement: { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
          leader: "eu-west-1",
          survive: "region",
          deploy: { target: "kubernetes", engine: "postgresql" },
        },
      },
    });
    const analysis = analyse(cnpg);
    expect(analysis.datastores[0]!.survival).toMatchObject({ meetsGoal: false, noCount: true });
    expect(renderAnalysisTables(cnpg, analysis, { color: false })).toContain(
      "minimum       no replica count meets goal region — this engine fails over only inside",
    );
    // Manual failover: no count survives losing the primary's region either.
    const manual = analyse(
      build({
        datastores: {
          db: {
            replication: "primary-replica",
            sync: "async",
            replicas: 7,
            placement: { "eu-west-1": 3, "eu-central-1": 2, "eu-north-1": 2 },
            leader: "eu-west-1",
            survive: "region",
            failover: { mode: "manual" },
          },
        },
      }),
    ).datastores[0]!.survival;
    expect(manual).toMatchObject({ meetsGoal: false, noCount: true });
    expect(manual.operatorNeeded?.message).toContain("failover is manual");
    // A count that does meet it is no such case.
    expect(
      analyse(consensus({ "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 }, "region")).datastores[0]!
        .survival.noCount,
    ).toBeUndefined();
  });

  // Async: a replica outlives the primary's region (the count holds), but 1 of the 2 observers
  // outside it cannot promote it by itself: the region line fails on the operator it waits for,
  // and the least that survives is 3 (1 + 2 led from the 1). Semi-sync and sync: the count fails
  // (a write waits for the lost one).
  it.each([
    ["async", true, 3],
    ["semi-sync", false, 3],
    ["sync", false, 3],
  ] as const)(
    "primary-replica %s over two regions: a replica is left %s",
    (sync, countHolds, minReplicas) => {
      const m = build({
        datastores: {
          db: {
            replication: "primary-replica",
            sync,
            replicas: 2,
            placement: { "eu-west-1": 1, "us-east-1": 1 },
            survive: "region",
          },
        },
      });
      const s = analyse(m).datastores[0]!.survival;
      expect(s.region.replicasLeft >= s.region.quorum).toBe(countHolds);
      expect(s.region.survives).toBe(false);
      expect(s.region.operatorDomain !== undefined).toBe(countHolds);
      expect(s.meetsGoal).toBe(false);
      expect(s.minReplicas).toBe(minReplicas);
    },
  );

  it("stream: RF 3 / minISR 2 over 3 zones survives a zone (MSK's recommended layout)", () => {
    const m = build({
      streams: { s: { regions: ["eu-west-1"], partitions: 6, replicas: 3, minInSync: 2 } },
    });
    const s = analyse(m).streams[0]!.survival;
    expect(s.zone).toMatchObject({ survives: true, replicasLeft: 2, quorum: 2 });
    expect(s.region.survives).toBe(false);
    expect(s.minReplicas).toBe(3);
  });
});
