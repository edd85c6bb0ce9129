import { describe, expect, it } from "vitest";
import { analyse, parseFailures } from "../../src/analysis/index.js";
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
    for (const caps of Object.values(ENGINE_CAPABILITIES))
      for (const trait of [caps.strongRead, caps.leaderPreference])
        if (trait !== undefined) expect(trait.source.length).toBeGreaterThan(20);
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

  it("read-index reads cost what writes cost at p50 (same two round trips)", () => {
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

  it("etcd without a quorum: no leader, no candidate", () => {
    const model = spec("etcd");
    const ds = analyse(model, parseFailures(model, [`region:${W}`, `region:${C}`])).datastores[0]!;
    expect(ds.effectiveLeader).toBeUndefined();
    expect(ds.leaderCandidates).toBeUndefined();
    expect(ds.partitionsWithoutQuorum).toBe(1);
  });
});
