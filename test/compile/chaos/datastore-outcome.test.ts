import { describe, expect, test } from "vitest";
import { ANNOTATIONS, compileChaos } from "../../../src/compile/chaos/index.js";
import type { Model } from "../../../src/model/types.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { modelOf } from "../observability/fixture.js";

type Store = NonNullable<TopologyInput["datastores"]>[string];

const withStore = (store: Partial<Store>): Model =>
  modelOf({
    name: "t",
    datastores: {
      db: {
        replication: "consensus",
        replicas: 3,
        placement: { "eu-west-1": 3 },
        deploy: { target: "kubernetes", image: "db:1" },
        chaos: { enabled: true },
        ...store,
      } as Store,
    },
  });

const outcome = (model: Model, experiment: string): string => {
  const found = compileChaos(model).find((r) => r.name.endsWith(`/Schedule/db-isolate-${experiment}`));
  if (found === undefined) throw new Error(`no experiment ${experiment}`);
  return (found.inputs as { metadata: { annotations: Record<string, string> } }).metadata.annotations[
    ANNOTATIONS.expectedOutcome
  ]!;
};

describe("primary-replica: the primary is replaced only where src/analysis/primary-dependence.ts says so", () => {
  const twoRegions = { "eu-west-1": 1, "eu-central-1": 1 };
  const threeRegions = { "eu-west-1": 2, "eu-central-1": 1, "eu-north-1": 1 };
  const primaryReplica = { replication: "primary-replica", leader: "eu-west-1" } as const;

  // Said the primary's side kept writing (isolating its region) or that writes continued
  // (isolating the other): a DCS-style failover whose lock store has 1 of 2 members on each side
  // has no quorum anywhere, and the primary demotes itself (the what-if says so).
  test("observers in two regions, one each: a cut between them leaves no primary, either way", () => {
    const m = withStore({ ...primaryReplica, replicas: 2, placement: twoRegions });
    expect(outcome(m, "region-eu-west-1")).toMatch(
      /^no primary: neither side holds a majority \(2\) of the 2 observers \(voters and witnesses: 1 inside region eu-west-1, 1 outside\), so the primary cannot renew its leader lock and demotes itself, and none is promoted; writes stop until the partition heals/,
    );
    expect(outcome(m, "zone-eu-west-1a")).toMatch(/^no primary: neither side holds a majority \(2\)/);
    expect(outcome(m, "region-eu-central-1")).toMatch(
      /^no primary: neither side holds a majority \(2\) of the 2 observers \(voters and witnesses: 1 inside region eu-central-1, 1 outside\)/,
    );
  });

  test("Redis: no failover where the primary's side leaves no majority of all Sentinels outside", () => {
    const redis = (placement: Record<string, number>) =>
      withStore({
        ...primaryReplica,
        consistency: "eventual",
        replicas: Object.values(placement).reduce((a, b) => a + b, 0),
        placement,
        deploy: { target: "kubernetes", engine: "redis" },
      });
    expect(
      outcome(redis({ "eu-west-1": 3, "eu-central-1": 1, "eu-north-1": 1 }), "region-eu-west-1"),
    ).toMatch(
      /^no failover: the primary is in region eu-west-1 and only 2 of the 5 Sentinels \(one per member\) remain outside it, and a failover needs a majority of all \(3\)/,
    );
    // Said only that what the old primary had not shipped is lost: nothing demotes it while cut
    // off, so what its clients write there for the whole partition is lost on rejoining.
    expect(
      outcome(redis({ "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 }), "region-eu-west-1"),
    ).toMatch(
      /^failover: the primary is in region eu-west-1; a replica outside it is promoted .*; the old primary in region eu-west-1 keeps taking writes from the clients still connected to it \(no min-replicas-to-write is compiled\) and loses them/,
    );
  });

  test("Redis over two regions: the side holding a majority of the Sentinels promotes, without a third site", () => {
    const m = withStore({
      ...primaryReplica,
      consistency: "eventual",
      replicas: 3,
      placement: { "eu-west-1": 1, "eu-central-1": 2 },
      deploy: { target: "kubernetes", engine: "redis" },
    });
    expect(outcome(m, "region-eu-west-1")).toMatch(
      /^failover: the primary is in region eu-west-1; a replica outside it is promoted after about 7 s .*keeps taking writes/,
    );
    expect(outcome(m, "region-eu-central-1")).toMatch(
      /^split brain: the 2 of 3 Sentinels in region eu-central-1 hold a majority of all \(2\)/,
    );
  });

  test("Redis: a cut-off region holding a majority of the Sentinels promotes its own (split brain)", () => {
    const m = withStore({
      ...primaryReplica,
      consistency: "eventual",
      replicas: 5,
      placement: { "eu-west-1": 1, "eu-central-1": 3, "eu-north-1": 1 },
      deploy: { target: "kubernetes", engine: "redis" },
    });
    expect(outcome(m, "region-eu-central-1")).toMatch(
      /^split brain: the 3 of 5 Sentinels in region eu-central-1 hold a majority of all \(3\) and cannot reach the primary, so they promote a replica there; the primary outside keeps taking writes .* loses them/,
    );
    expect(outcome(m, "region-eu-north-1")).toMatch(
      /^primary outside region eu-north-1: .*; writes continue/,
    );
  });

  // A DCS-style failover (automatic, no engine): the side holding the observers' majority takes
  // the lock. Cutting off the 2 of a 1 + 2 led from the 1 said "primary outside: writes continue",
  // while the 2 promote one of theirs and the 1 demotes itself (as the what-if now says).
  test("observers deciding: a cut-off majority promotes its own, a cut-off primary without one demotes", () => {
    const dcs = (placement: Record<string, number | { witnesses: number }>, replicas: number) =>
      withStore({ ...primaryReplica, replicas, placement, failover: { mode: "automatic" } });
    const oneTwo = dcs({ "eu-west-1": 1, "eu-central-1": 2 }, 3);
    expect(outcome(oneTwo, "region-eu-central-1")).toMatch(
      /^failover into the cut: the 2 of 3 observers \(voters and witnesses\) in region eu-central-1 hold a majority of all \(2\), take the leader lock and cannot reach the primary, so they promote a replica there; the primary outside, cut off from the majority, demotes itself and stops taking writes, and what it acknowledged after the cut is lost/,
    );
    const twoOneWitness = dcs({ "eu-west-1": 2, "eu-central-1": 1, "eu-north-1": { witnesses: 1 } }, 4);
    expect(outcome(twoOneWitness, "region-eu-west-1")).toMatch(
      /^no primary: neither side holds a majority \(3\) of the 4 observers \(voters and witnesses: 2 inside region eu-west-1, 2 outside\)/,
    );
    // Led from the 1, the 2 outside hold the majority: they promote by themselves (it said "no
    // failover … left to an operator", keyed on the loss of any one region).
    expect(outcome(oneTwo, "region-eu-west-1")).toMatch(
      /^failover: the primary is in region eu-west-1; a replica outside it is promoted after about/,
    );
    // Led from the 2, the 2 inside keep it: the side outside cannot promote.
    const twoLed = dcs({ "eu-west-1": 2, "eu-central-1": 1 }, 3);
    expect(outcome(twoLed, "region-eu-west-1")).toMatch(
      /^no failover: the primary is in region eu-west-1 and the 2 of 3 observers \(voters and witnesses\) inside hold a majority \(2\), so the primary keeps its leader lock and the side outside cannot promote; writes from outside it stop/,
    );
  });

  // A side holding the majority with witnesses only takes the lock and has no one to promote. Cut
  // off, it was read as "primary outside: writes continue"; holding the primary's region cut off,
  // "writes from outside it stop" (the primary, without the majority, demotes itself: none stay).
  test("observers deciding: a majority of witnesses only leaves no primary on either side", () => {
    const dcs = (placement: Record<string, number | { witnesses: number }>, replicas: number) =>
      withStore({ ...primaryReplica, replicas, placement, failover: { mode: "automatic" } });
    const witnessMajority = dcs({ "eu-west-1": 1, "eu-north-1": 1, "eu-central-1": { witnesses: 3 } }, 5);
    expect(outcome(witnessMajority, "region-eu-central-1")).toMatch(
      /^no primary: the 3 of 5 observers \(voters and witnesses\) in region eu-central-1 hold a majority \(3\) but none of them may lead \(witnesses never do\), so the primary, cut off from them, cannot renew its leader lock and demotes itself, and none is promoted; writes stop until the partition heals/,
    );
    const witnessesOutside = dcs({ "eu-west-1": 1, "eu-central-1": { witnesses: 2 } }, 3);
    expect(outcome(witnessesOutside, "region-eu-west-1")).toMatch(
      /^no primary: the 2 of 3 observers \(voters and witnesses\) outside region eu-west-1 hold a majority \(2\) but none of them may lead/,
    );
    // With a voter beside the witnesses, the majority's side promotes it.
    const withVoter = dcs({ "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": { witnesses: 1 } }, 3);
    expect(outcome(withVoter, "region-eu-west-1")).toMatch(/^failover: the primary is in region eu-west-1/);
  });

  // A majority with a voter but too few replicas to acknowledge a commit (semi-sync needs 2): it
  // promoted there by the chaos outcome while the what-if elected none; cutting off the primary's
  // region read "writes from outside it stop", though the primary demotes itself too.
  test("observers deciding: a majority without the acknowledgements a commit needs promotes no one", () => {
    const m = withStore({
      ...primaryReplica,
      sync: "semi-sync",
      consistency: "eventual",
      replicas: 4,
      placement: { "eu-west-1": 1, "eu-central-1": { voters: 1, witnesses: 2 } },
      failover: { mode: "automatic" },
    });
    expect(outcome(m, "region-eu-central-1")).toMatch(
      /^no primary: the 3 of 4 observers \(voters and witnesses\) in region eu-central-1 hold a majority \(3\) but only 1 replica there may acknowledge a commit \(semi-sync needs 2\), so the primary, cut off from them, cannot renew its leader lock and demotes itself, and none is promoted/,
    );
    expect(outcome(m, "region-eu-west-1")).toMatch(
      /^no primary: the 3 of 4 observers \(voters and witnesses\) outside region eu-west-1 hold a majority \(3\) but only 1 replica there/,
    );
  });

  test("a majority of the observers outlives any one region: a replica elsewhere is promoted after the failover's RTO", () => {
    // Three regions alone were taken for enough: 2 + 1 + 1 leaves 2 of the 4 outside the 2.
    expect(
      outcome(withStore({ ...primaryReplica, replicas: 4, placement: threeRegions }), "region-eu-west-1"),
    ).toMatch(/^no primary: neither side holds a majority \(3\) of the 4 observers/);
    const m = withStore({
      ...primaryReplica,
      replicas: 3,
      placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 },
    });
    expect(outcome(m, "region-eu-west-1")).toMatch(
      /^failover: the primary is in region eu-west-1; a replica outside it is promoted after about 30 s \(source: .*\), then 2 of 3 replicas that may acknowledge remain \(async needs 1\); writes the old primary acknowledged but had not shipped out of it are lost \(baseline p99 write [0-9.]+ ms; no figure under the partition/,
    );
    // An image without an engine: the failover is the spec's assumption, nothing topoplan deploys.
    expect(outcome(m, "region-eu-west-1")).toContain(
      "assumed, as the spec declares it: without an engine topoplan deploys no failover manager",
    );
  });

  test("CloudNativePG promotes only inside the primary's region, whatever the observers", () => {
    const m = withStore({
      ...primaryReplica,
      replicas: 4,
      placement: threeRegions,
      deploy: { target: "kubernetes", engine: "postgresql" },
    });
    expect(outcome(m, "region-eu-west-1")).toMatch(
      /^no failover: the primary is in region eu-west-1 and the engine promotes only inside eu-west-1/,
    );
  });

  // Predicted a promotion "after about 30 s" (review): the partition cuts the primary from its
  // standbys only, and CloudNativePG fails over on the kubelet's probes and the API server.
  test("CloudNativePG keeps a primary that a partition between its members leaves healthy", () => {
    const store = (sync: "async" | "semi-sync") =>
      withStore({
        ...primaryReplica,
        sync,
        // semi-sync: two standbys beside the primary, so the partition alone blocks no failover.
        replicas: sync === "async" ? 4 : 5,
        placement: sync === "async" ? threeRegions : { ...threeRegions, "eu-west-1": 3 },
        deploy: { target: "kubernetes", engine: "postgresql" },
      });
    // async: the primary commits alone, so writes go on; the standbys outside fall behind.
    expect(outcome(store("async"), "zone-eu-west-1a")).toMatch(
      /^no failover: the primary is in zone eu-west-1a, but PostgreSQL's failover is decided from the kubelet's probes and the operator's view through the API server, which a partition between its members leaves working, so the primary stays; writes continue \(async: the acknowledgement a commit needs is inside zone eu-west-1a\) and the replicas outside fall behind until the partition heals \(baseline p99 write [0-9.]+ ms\)$/,
    );
    // semi-sync: the standby that acknowledges is in eu-west-1b or 1c, outside the cut.
    expect(outcome(store("semi-sync"), "zone-eu-west-1a")).toMatch(
      /^no failover: .* so the primary stays; commits wait for standbys outside zone eu-west-1a \(semi-sync needs 2, 1 inside\): writes stop until the partition heals/,
    );
  });

  test("a manual failover is never predicted to happen", () => {
    const m = withStore({
      ...primaryReplica,
      replicas: 4,
      placement: threeRegions,
      failover: { mode: "manual" },
    });
    expect(outcome(m, "region-eu-west-1")).toMatch(/^no failover: .*failover is manual/);
  });
});

describe("consensus: leaderRegions is a preference", () => {
  test("cutting off the only preferred region leaves a quorum whose voters outside it lead", () => {
    const m = withStore({
      replicas: 5,
      placement: { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 },
      leader: "eu-west-1",
      leaderRegions: ["eu-west-1"],
      survive: "region",
    });
    expect(outcome(m, "region-eu-west-1")).toMatch(
      /^quorum holds: 3 of 5 voting replicas remain \(write quorum 3\); writes continue; leaders in region eu-west-1 lose their quorum and new ones are elected outside it/,
    );
  });

  test("a quorum of witnesses outside leads nothing: writes stop", () => {
    const m = withStore({
      replicas: 5,
      placement: {
        "eu-west-1": { voters: 2 },
        "eu-central-1": { witnesses: 1 },
        "eu-north-1": { witnesses: 1 },
        "eu-south-1": { witnesses: 1 },
      },
      leader: "eu-west-1",
    });
    expect(outcome(m, "region-eu-west-1")).toMatch(
      /^quorum holds but no voter that may lead \(witnesses and read-only replicas never do\) remains outside region eu-west-1; writes stop/,
    );
  });
});

describe("consensus counts votes: read-only replicas never vote", () => {
  test("losing the region of every voter loses the quorum, however many read-only replicas remain", () => {
    const m = withStore({
      replicas: 5,
      placement: { "eu-west-1": { voters: 3 }, "eu-central-1": { readOnly: 2 } },
      leader: "eu-west-1",
    });
    expect(outcome(m, "region-eu-west-1")).toMatch(
      /^quorum lost: 0 of 3 voting replicas remain \(write quorum 2\); writes to affected partitions stop/,
    );
    expect(outcome(m, "region-eu-central-1")).toMatch(/^quorum holds: 3 of 3 voting replicas remain/);
  });

  test("a zone that would keep its quorum in a clean split loses it here: its replicas are cut from each other", () => {
    const m = withStore({ zones: { "eu-west-1": ["eu-west-1a", "eu-west-1b"] } });
    const zones = ["zone-eu-west-1a", "zone-eu-west-1b"].map((z) => outcome(m, z));
    const twoReplicaZone = zones.find((o) => o.includes("1 of 3 voting replicas remain"));
    expect(twoReplicaZone).toMatch(
      /^quorum lost: 1 of 3 voting replicas remain \(write quorum 2\) \(the 2 in zone eu-west-1[ab] would hold one in a clean split, but the experiment also cuts them from each other\)/,
    );
  });
});

describe("models without a single leader say nothing about leaders stepping down", () => {
  test("leaderless: the write quorum W against the replicas left", () => {
    const m = withStore({ replication: "leaderless", quorum: { read: 2, write: 3 } });
    expect(outcome(m, "zone-eu-west-1a")).toBe(
      "write quorum lost: 2 of 3 replicas remain (W = 3); writes at W = 3 fail until the partition heals",
    );
  });

  test("multi-leader: the leaders outside the isolated region keep writing", () => {
    const m = withStore({
      replication: "multi-leader",
      replicas: 2,
      placement: { "eu-west-1": 1, "eu-central-1": 1 },
    });
    expect(outcome(m, "region-eu-west-1")).toMatch(
      /^writes continue at the leaders outside region eu-west-1 \(eu-central-1\); replication with region eu-west-1 pauses/,
    );
  });
});
