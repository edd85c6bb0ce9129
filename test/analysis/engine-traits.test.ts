import { describe, expect, it } from "vitest";
import { analyse, parseFailures } from "../../src/analysis/index.js";
import { readIndexWaitMs } from "../../src/analysis/replication/read-index.js";
import type { LatencyProfile } from "../../src/analysis/types.js";
import { ENGINE_CAPABILITIES } from "../../src/engines/capabilities.js";
import { build, rtt, TAIL, XZ } from "./helpers.js";

/**
 * Engine behaviours the analysis prices (src/engines/capabilities.ts → src/model/engine-traits.ts):
 * the strong-read path (lease or read-index) and leader preference after a failover.
 */
const at = (profile: LatencyProfile, origin: string) => profile.byOrigin.find((o) => o.origin === origin)!;

const W = "eu-west-1";
const C = "eu-central-1";
const US = "us-east-1";
const USERS = { [W]: 0.6, [US]: 0.4 };

/** 3 voters, one per region, leader eu-west-1; `engine` undefined: no engine declared. */
const spec = (engine: "etcd" | "cockroachdb" | undefined) =>
  build({
    users: USERS,
    datastores: {
      kv: {
        replication: "consensus",
        consistency: "strong",
        replicas: 3,
        placement: { [W]: 1, [C]: 1, [US]: 1 },
        leader: W,
        deploy:
          engine === undefined ? { target: "kubernetes", image: "kv:1" } : { target: "kubernetes", engine },
      },
    },
  });

describe("engine traits in the model, from the capability table", () => {
  it.each([
    ["etcd", "read-index", false],
    ["cockroachdb", "lease", true],
    [undefined, "lease", true],
  ] as const)("%s: strong reads %s, leader preference %s", (engine, strongRead, leaderPreference) => {
    const ds = spec(engine).datastores[0]!;
    expect(ds.strongRead).toBe(strongRead);
    expect(ds.leaderPreference).toBe(leaderPreference);
  });

  it("every engine trait names its source", () => {
    // Every field of the table that is a trait (has a value), whatever its name: a new one too.
    let traits = 0;
    for (const [engine, caps] of Object.entries(ENGINE_CAPABILITIES))
      for (const [name, trait] of Object.entries(caps))
        if (trait !== null && typeof trait === "object" && "value" in trait) {
          traits++;
          expect((trait as { source?: string }).source?.length ?? 0, `${engine}.${name}`).toBeGreaterThan(20);
        }
    expect(traits).toBeGreaterThan(10);
  });

  it("Redis fails over in Sentinel's time (down-after 5 s as compiled, then the vote), not Patroni's default", () => {
    const redis = build({
      datastores: {
        kv: {
          replication: "primary-replica",
          consistency: "eventual",
          replicas: 3,
          placement: { [W]: 1, [C]: 1, [US]: 1 },
          deploy: { target: "kubernetes", engine: "redis" },
        },
      },
    }).datastores[0]!;
    expect(redis.failover).toMatchObject({ rtoSeconds: 7 });
    expect(redis.failover.source).toContain("sentinel");
  });
});

describe("waiting for a ReadIndex round (rounds of q ms, Poisson reads at λ/s)", () => {
  // B = 1 / (1 + e^(−λq) / (λq)); median q when B ≤ ½, else q (2 − 1 / (2B)); p99 q (2 − 0.01 / B).
  const busy = (q: number, rate: number) => 1 / (1 + Math.exp((-rate * q) / 1000) / ((rate * q) / 1000));
  it.each([
    // [q, λ, median, p99]
    [27.1, 0, 27.1, 27.1], // no reads declared: one round
    [27.1, 10, 27.1, 27.1 * (2 - 0.01 / busy(27.1, 10))], // B = 0.26: the median read finds the leader idle
    [69.6, 10, 69.6 * (2 - 1 / (2 * busy(69.6, 10))), 69.6 * (2 - 0.01 / busy(69.6, 10))], // B = 0.58
    [27.1, 2000, 27.1 * (2 - 1 / (2 * busy(27.1, 2000))), 27.1 * (2 - 0.01 / busy(27.1, 2000))], // busy: → 1.5 q, 2 q
  ])("q %f ms, λ %f/s → median %f ms, p99 %f ms", (q, rate, p50, p99) => {
    expect(readIndexWaitMs(q, rate, 0.5)).toBeCloseTo(p50, 9);
    expect(readIndexWaitMs(q, rate, 0.99)).toBeCloseTo(p99, 9);
  });

  it("hand figures: λq = 0.696 gives B = 0.583 and a median wait of 1.142 q", () => {
    expect(busy(69.6, 10)).toBeCloseTo(0.583, 3);
    expect(readIndexWaitMs(69.6, 10, 0.5) / 69.6).toBeCloseTo(1.142, 3);
    // Saturated leader (λq = 54): half a round of residual on top of the round, at the median.
    expect(readIndexWaitMs(27.1, 2000, 0.5) / 27.1).toBeCloseTo(1.5, 6);
  });

  it("never below one round, never above two, and grows with the rate", () => {
    let last = 0;
    for (const rate of [0, 1, 5, 10, 20, 50, 100, 1000, 1e6]) {
      const wait = readIndexWaitMs(50, rate, 0.5);
      expect(wait).toBeGreaterThanOrEqual(50);
      expect(wait).toBeLessThanOrEqual(100);
      expect(wait).toBeGreaterThanOrEqual(last);
      last = wait;
    }
  });
});

describe("strong read latency by read path (3 voters W, C, US; leader W; q = 2)", () => {
  // Commit from W: the nearest other voter, Frankfurt (27.1 ms) before Virginia (69.6 ms).
  const commit = Math.min(rtt(W, C), rtt(W, US));
  it.each([
    // read-index: RTT(origin, leader) + the leader's heartbeat round to a quorum (= the commit wait).
    ["etcd", W, XZ + commit],
    ["etcd", US, rtt(US, W) + commit],
    // lease: the leaseholder answers alone.
    ["cockroachdb", W, XZ],
    ["cockroachdb", US, rtt(US, W)],
    [undefined, US, rtt(US, W)],
  ] as const)("%s: strong read from %s = %f ms", (engine, origin, p50) => {
    const ds = analyse(spec(engine)).datastores[0]!;
    expect(ds.commitP50Ms).toBeCloseTo(commit, 9);
    expect(at(ds.read, origin).p50Ms).toBeCloseTo(p50, 9);
    // Flat tail factor: every leg at p50 × 1.5, and no durable-commit tail on a read.
    expect(at(ds.read, origin).p99Ms).toBeCloseTo(p50 * TAIL, 9);
  });

  it("with declared reads, a read-index read also waits for the round in flight (the group's whole read rate)", () => {
    const model = spec("etcd");
    const ds0 = model.datastores[0]!;
    const busy = {
      ...model,
      datastores: [{ ...ds0, traffic: { readsPerSec: 50, writesPerSec: 5, itemBytes: 64 } }],
    };
    const ds = analyse(busy).datastores[0]!;
    // λq = 50 × 0.0271 = 1.36: B = 0.84, median wait = q (2 − 1 / 1.68) = 1.40 q.
    expect(readIndexWaitMs(commit, 50, 0.5) / commit).toBeCloseTo(1.405, 3);
    expect(at(ds.read, US).p50Ms).toBeCloseTo(rtt(US, W) + readIndexWaitMs(commit, 50, 0.5), 9);
    // Writes do not batch.
    expect(at(ds.write, US).p50Ms).toBeCloseTo(rtt(US, W) + commit, 9);
  });

  it("read-index reads cost what writes cost at p50 (same two round trips) when reads are rare", () => {
    const ds = analyse(spec("etcd")).datastores[0]!;
    for (const origin of [W, US])
      expect(at(ds.read, origin).p50Ms).toBeCloseTo(at(ds.write, origin).p50Ms, 9);
  });

  it("serializable (eventual) reads at a read-index engine still go to the nearest member", () => {
    const model = build({
      users: USERS,
      datastores: {
        kv: {
          replication: "consensus",
          consistency: "eventual",
          replicas: 3,
          placement: { [W]: 1, [C]: 1, [US]: 1 },
          leader: W,
          deploy: { target: "kubernetes", engine: "etcd" },
        },
      },
    });
    const ds = analyse(model).datastores[0]!;
    expect(at(ds.read, US).p50Ms).toBeCloseTo(XZ, 9);
    expect(at(ds.read, W).p50Ms).toBeCloseTo(XZ, 9);
  });
});

describe("leader after a failover, with and without leader preference (3 voters W, C, US; leader W)", () => {
  const failed = (engine: "etcd" | "cockroachdb", failure: string) => {
    const model = spec(engine);
    return analyse(model, parseFailures(model, [failure])).datastores[0]!;
  };
  // Survivors C and US: commit from either is RTT(C, US), the only other voter.
  const commit = rtt(C, US);
  // Demand-weighted write p50 with the leader at C or at US (users W 0.6, US 0.4).
  const weighted = (leader: string) =>
    0.6 * (rtt(W, leader) + commit) + 0.4 * ((leader === US ? XZ : rtt(US, leader)) + commit);

  it("etcd: any region of the quorum side may win; figures price the worst candidate", () => {
    const ds = failed("etcd", `region:${W}`);
    expect(ds.leaderCandidates).toEqual([C, US]);
    // weighted(C) = 0.6 (27.1 + 92.8) + 0.4 (92.8 + 92.8) > weighted(US) = 0.6 (69.6 + 92.8) + 0.4 (1 + 92.8).
    expect(weighted(C)).toBeGreaterThan(weighted(US));
    expect(ds.effectiveLeader).toBe(C);
    expect(at(ds.write, W).p50Ms).toBeCloseTo(rtt(W, C) + commit, 9);
    expect(at(ds.write, US).p50Ms).toBeCloseTo(rtt(US, C) + commit, 9);
  });

  it("etcd: re-analysed with the leader a run observed (as the preferred leader), figures follow it", () => {
    const model = spec("etcd");
    const ds0 = model.datastores[0]!;
    const slot = ds0.groups[0]!.replicas.find((r) => r.region === US)!;
    const pinned = {
      ...model,
      datastores: [{ ...ds0, leader: US, groups: ds0.groups.map((g) => ({ ...g, leader: slot })) }],
    };
    const ds = analyse(pinned, parseFailures(model, [`region:${W}`])).datastores[0]!;
    expect(ds.effectiveLeader).toBe(US);
    expect(ds.leaderCandidates).toBeUndefined();
    expect(at(ds.write, US).p50Ms).toBeCloseTo(XZ + commit, 9);
  });

  it("etcd: a leader whose region survives keeps leading (no election, no candidates)", () => {
    const ds = failed("etcd", `region:${C}`);
    expect(ds.effectiveLeader).toBe(W);
    expect(ds.leaderCandidates).toBeUndefined();
  });

  it("CockroachDB (lease preferences): unchanged, the side's region nearest to the users", () => {
    const ds = failed("cockroachdb", `region:${W}`);
    expect(ds.leaderCandidates).toBeUndefined();
    // One voter each in C and US; US is nearer to the users (0.6 × 69.6 + 0.4 × 1 < 0.6 × 27.1 + 0.4 × 92.8).
    expect(ds.effectiveLeader).toBe(US);
  });

  it("Redis (Sentinel promotes any replica, never back): the worst candidate, as for etcd", () => {
    const model = build({
      users: USERS,
      datastores: {
        kv: {
          replication: "primary-replica",
          consistency: "eventual",
          replicas: 3,
          placement: { [W]: 1, [C]: 1, [US]: 1 },
          leader: W,
          deploy: { target: "kubernetes", engine: "redis" },
        },
      },
    });
    expect(model.datastores[0]!.leaderPreference).toBe(false);
    const ds = analyse(model, parseFailures(model, [`region:${W}`])).datastores[0]!;
    expect(ds.leaderCandidates).toEqual([C, US]);
    // The baseline's primary is the declared leader, which the members start with (redis.ts): a
    // write from its region stays in it.
    expect(at(analyse(model).datastores[0]!.write, W).p50Ms).toBeLessThan(rtt(W, C));
  });

  /** 5 members 2 + 2 + 1 (W, C, US), leader W, eventual reads. */
  const fiveMembers = (engine: "etcd" | "redis", users: Record<string, number> = USERS) =>
    build({
      users,
      datastores: {
        kv: {
          replication: engine === "redis" ? "primary-replica" : "consensus",
          consistency: "eventual",
          replicas: 5,
          placement: { [W]: 2, [C]: 2, [US]: 1 },
          leader: W,
          deploy: { target: "kubernetes", engine },
        },
      },
    });

  it("etcd and Redis: losing the leader's own member starts an election, though its region keeps one (expert probe)", () => {
    for (const engine of ["etcd", "redis"] as const) {
      const model = fiveMembers(engine);
      const leaderZone = model.datastores[0]!.groups[0]!.leader.zone;
      const otherZone = model.datastores[0]!.groups[0]!.replicas.find(
        (r) => r.region === W && r.zone !== leaderZone,
      )!.zone;
      const losing = (zone: string) => analyse(model, parseFailures(model, [`zone:${zone}`])).datastores[0]!;
      // Nothing pulls leadership back to W: any live member may win (priced at the worst).
      expect(losing(leaderZone).leaderCandidates, engine).toEqual([C, W, US]);
      expect(losing(leaderZone).effectiveLeader, engine).not.toBe(W);
      // The other W member's zone: the leader lives on, no election.
      expect(losing(otherZone).leaderCandidates, engine).toBeUndefined();
      expect(losing(otherZone).effectiveLeader, engine).toBe(W);
    }
  });

  it("Redis: a side without a majority of all Sentinels promotes no one; the live primary needs none", () => {
    const model = fiveMembers("redis");
    const losing = (...regions: string[]) =>
      analyse(
        model,
        parseFailures(
          model,
          regions.map((r) => `region:${r}`),
        ),
      ).datastores[0]!;
    // W and C lost: US alone holds 1 of 5 Sentinels, so no failover and no writes.
    expect(losing(W, C).effectiveLeader).toBeUndefined();
    expect(at(losing(W, C).write, US).unavailable).toBe(true);
    // W lost: C and US hold 3 of 5, so one of them is promoted.
    expect(losing(W).leaderCandidates).toEqual([C, US]);
    // C and US lost: the primary in W keeps writing with 2 of 5 (it needs no vote while it lives).
    expect(losing(C, US).effectiveLeader).toBe(W);
  });

  it("Redis after its primary's zone is lost: survival takes any candidate as the primary, whichever is priced", () => {
    // 4 members left over W, C, US; losing C (2) next, with C's member primary, leaves 2 of 5 votes.
    for (const users of [USERS, { [C]: 1 }]) {
      const model = fiveMembers("redis", users);
      const zone = model.datastores[0]!.groups[0]!.leader.zone;
      const lost = analyse(model, parseFailures(model, [`zone:${zone}`])).datastores[0]!;
      expect(lost.survival.region, JSON.stringify(users)).toMatchObject({
        survives: false,
        worstDomain: C,
        promotionVotes: 3,
      });
    }
  });

  it("Redis: W cut from C and US — their 3 of 5 Sentinels promote a replica; W's primary writes what it will lose", () => {
    const model = fiveMembers("redis");
    const cut = analyse(model, parseFailures(model, [`link:${W}/${C}`, `link:${W}/${US}`])).datastores[0]!;
    expect(cut.leaderCandidates).toEqual([C, US]);
    expect(cut.effectiveLeader).not.toBe(W);
    // etcd: W's 2 of 5 hold no quorum, so the majority side elects too (unchanged).
    const etcd = fiveMembers("etcd");
    const etcdCut = analyse(etcd, parseFailures(etcd, [`link:${W}/${C}`, `link:${W}/${US}`])).datastores[0]!;
    expect(etcdCut.leaderCandidates).toEqual([C, US]);
  });

  it("etcd without a quorum: no leader, no candidate", () => {
    const model = spec("etcd");
    const ds = analyse(model, parseFailures(model, [`region:${W}`, `region:${C}`])).datastores[0]!;
    expect(ds.effectiveLeader).toBeUndefined();
    expect(ds.leaderCandidates).toBeUndefined();
    expect(ds.partitionsWithoutQuorum).toBe(1);
  });
});

describe("CloudNativePG: clients reach the primary alone (its -rw Service), whatever the consistency", () => {
  const pg = (engine: "postgresql" | undefined) =>
    build({
      users: { [W]: 0.5, [C]: 0.5 },
      datastores: {
        orders: {
          replication: "primary-replica",
          consistency: "eventual",
          replicas: 2,
          placement: { [W]: 1, [C]: 1 },
          leader: W,
          deploy:
            engine === undefined
              ? { target: "kubernetes", image: "postgres:16.4" }
              : { target: "kubernetes", engine },
        },
      },
      services: {
        api: {
          regions: [W, C],
          calls: [{ to: "orders", op: "read", timeoutMs: 200 }],
          deploy: { target: "kubernetes", image: "x/api:1" },
        },
      },
    });
  const readFromCentral = (engine: "postgresql" | undefined) =>
    at(analyse(pg(engine)).datastores[0]!.read, C).p50Ms;

  it("reads from eu-central-1 cross to the primary in eu-west-1, not to the local replica", () => {
    expect(pg("postgresql").datastores[0]!.readsAtPrimary).toBe(true);
    // Without the engine an eventual read is served by the nearest replica: eu-central-1's own.
    expect(readFromCentral(undefined)).toBeCloseTo(XZ, 9);
    expect(readFromCentral("postgresql")).toBeCloseTo(rtt(C, W), 6);
  });
});

describe("Redis read from a region without members (expert probe)", () => {
  // api in US dials kv's clusterset name: the read lands on a member of either region (1 + 3 pods),
  // which serves it; the write goes to the primary the Sentinels name, in W.
  const model = build({
    users: { [US]: 1 },
    datastores: {
      kv: {
        replication: "primary-replica",
        consistency: "eventual",
        replicas: 4,
        placement: { [W]: 1, [C]: 3 },
        leader: W,
        deploy: { target: "kubernetes", engine: "redis" },
      },
    },
    services: {
      api: {
        regions: [US],
        calls: [
          { to: "kv", op: "read", timeoutMs: 1000 },
          { to: "kv", op: "write", timeoutMs: 1000 },
        ],
        deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
      },
    },
  });
  const ds = analyse(model).datastores[0]!;

  it("reads are spread over both member regions (MCS), not priced at the nearest alone", () => {
    // The nearer region alone gave RTT(US, W) = 69.6 ms at p50; three reads in four cross to C.
    expect(rtt(US, C)).toBeGreaterThan(rtt(US, W));
    expect(at(ds.read, US).p50Ms).toBeGreaterThan(rtt(US, C));
  });

  it("writes still go to the primary the Sentinels name", () => {
    expect(at(ds.write, US).p50Ms).toBeCloseTo(rtt(US, W), 6);
  });
});

describe("a Kubernetes client whose region's members are all down (expert probe)", () => {
  // The store has one member in eu-north-1, in its first zone; api runs there only and dials its
  // cluster's own client Service, which then has no endpoints (and its egress admits local pods).
  const N = "eu-north-1";
  const model = (engine: "cockroachdb" | "redis", op: "read" | "write", external = false) =>
    build({
      users: { [N]: 1 },
      datastores: {
        kv: {
          replication: engine === "redis" ? "primary-replica" : "consensus",
          consistency: engine === "redis" ? "eventual" : "strong",
          replicas: 5,
          placement: { [W]: 2, [C]: 2, [N]: 1 },
          leader: W,
          traffic: { readsPerSec: 1000, writesPerSec: 1000, itemBytes: 10_000 },
          deploy: { target: "kubernetes", engine },
        },
      },
      services: {
        api: {
          regions: [N],
          calls: [{ to: "kv", op, timeoutMs: 1000 }],
          deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
        },
        // A caller outside Kubernetes (not deployed by topoplan): it reaches the store itself.
        ...(external ? { batch: { regions: [N], calls: [{ to: "kv", op, timeoutMs: 1000 }] } } : {}),
      },
    });
  const api = (m: ReturnType<typeof model>, failures: string[]) =>
    analyse(m, parseFailures(m, failures)).services[0]!;
  const served = (m: ReturnType<typeof model>, failures: string[]) =>
    !api(m, failures).latency.byOrigin.find((o) => o.origin === N)?.unavailable;

  it("CockroachDB (the local gateway): its calls fail; a zone without the member changes nothing", () => {
    for (const op of ["read", "write"] as const) {
      expect(served(model("cockroachdb", op), [])).toBe(true);
      expect(served(model("cockroachdb", op), [`zone:${N}a`])).toBe(false);
      expect(served(model("cockroachdb", op), [`zone:${N}b`])).toBe(true);
      // Its availability says the same: the member's zone is one more thing it needs.
      expect(api(model("cockroachdb", op), [`zone:${N}a`]).availability).toBe(0);
    }
  });

  it("Redis: a read of the local replica fails, and so does a write (the local Sentinels name the primary)", () => {
    expect(served(model("redis", "write"), [`zone:${N}a`])).toBe(false);
    expect(served(model("redis", "read"), [`zone:${N}a`])).toBe(false);
  });

  it("the baseline availability counts the member's zone too (below the service's own)", () => {
    const m = model("cockroachdb", "write");
    const { availability, ownAvailability } = api(m, []);
    // One zone's failure probability (0.001 by default) at least, beside its own deployment's.
    expect(availability).toBeLessThan(ownAvailability - 0.0009);
  });

  it("a call that fails sends nothing: no client bytes on the links (nor egress) from its region", () => {
    // Strong reads go to the leader in eu-west-1: the replies cross W → N while api's calls are made.
    const kvMbps = (failures: string[], from: string, to: string) => {
      const m = model("cockroachdb", "read");
      const link = analyse(m, parseFailures(m, failures)).links.find((l) => l.from === from && l.to === to);
      return link?.contributors.find((c) => c.component === "kv")?.mbps ?? 0;
    };
    // 1,000 reads/s of 10 kB = 80 Mbps of replies, beside the replication to N's member.
    expect(kvMbps([], W, N)).toBeGreaterThanOrEqual(80);
    // N's only member down: the calls fail, and the member takes no replication either.
    expect(kvMbps([`zone:${N}a`], W, N)).toBe(0);
    // Another zone of N: the member is up, the calls are made.
    expect(kvMbps([`zone:${N}b`], W, N)).toBeGreaterThanOrEqual(80);
  });

  it("beside a caller outside Kubernetes, only the Kubernetes caller's half of the bytes stops", () => {
    const m = model("cockroachdb", "read", true);
    const link = analyse(m, parseFailures(m, [`zone:${N}a`])).links.find((l) => l.from === W && l.to === N);
    // batch reaches the leader itself (40 Mbps of replies); api's calls fail in N.
    expect(link?.contributors.find((c) => c.component === "kv")?.mbps).toBeCloseTo(40, 6);
  });
});
