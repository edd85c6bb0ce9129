import { replicationLagSlo } from "../../../policies/rules/replication-lag-slo.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { describeRule } from "../harness.js";

const spec: TopologyInput = {
  name: "kv",
  datastores: {
    accounts: {
      replication: "primary-replica",
      replicas: 3,
      placement: { "eu-west-1": 1, "us-east-1": 1, "ap-northeast-1": 1 },
      leader: "eu-west-1",
      traffic: { writesPerSec: 100 },
      slo: { replicationLagMs: 200 },
    },
  },
};

/** A store led from eu-west-1 with a 60 s RTO objective: automatic primary-replica (the default failover) unless `extra` says otherwise. */
function rtoStore(
  placement: Record<string, number | { voters?: number; witnesses?: number; readOnly?: number }>,
  extra: Record<string, unknown> = {},
): TopologyInput {
  return {
    name: "kv",
    users: { "eu-west-1": 1 },
    datastores: {
      accounts: {
        replication: "primary-replica",
        replicas: Object.values(placement).reduce<number>(
          (sum, p) =>
            sum + (typeof p === "number" ? p : (p.voters ?? 0) + (p.witnesses ?? 0) + (p.readOnly ?? 0)),
          0,
        ),
        placement,
        leader: "eu-west-1",
        slo: { rtoSeconds: 60 },
        ...extra,
      },
    },
  } as TopologyInput;
}

describeRule(replicationLagSlo, {
  compliant: [
    {
      name: "lag below the target everywhere",
      spec,
      analysis: {
        datastores: {
          accounts: {
            replicationLag: [
              { region: "ap-northeast-1", p50Ms: 110, p99Ms: 180, unbounded: false },
              { region: "us-east-1", p50Ms: 40, p99Ms: 60, unbounded: false },
            ],
          },
        },
      },
    },
    {
      // A majority of the observers (voters and witnesses) outside the primary's region: they
      // agree on a promotion without an operator (Patroni's 30 s). 2 + 1 and a witness passed
      // here before, though losing the 2 leaves 2 of 4, no majority.
      name: "RTO of an automatic primary with a majority of its observers outside its region",
      spec: rtoStore({ "eu-west-1": 1, "us-east-1": 1, "eu-west-2": { witnesses: 1 } }),
    },
    {
      // Consensus 2 + 2 + 1: losing the leader's region leaves 3 of 5 voters, a new leader in 10 s.
      name: "RTO of a consensus store whose quorum outlives the leader's region",
      spec: rtoStore({ "eu-west-1": 2, "eu-west-2": 2, "eu-central-1": 1 }, { replication: "consensus" }),
    },
  ],
  noncompliant: [
    {
      // Passed (the 10 s election) while whatif said no region can take the writes over: losing
      // eu-west-1 leaves 1 of 3 voters.
      name: "RTO of a consensus store whose leader's region holds the quorum",
      spec: rtoStore({ "eu-west-1": 2, "eu-west-2": 1 }, { replication: "consensus" }),
      expect: [
        {
          path: "datastores.accounts.slo.rtoSeconds",
          message:
            "losing eu-west-1 leaves no write quorum outside it: writes stop until it returns, so no 60 s RTO holds through its loss",
          fix: "place the replicas so that a write quorum outlives eu-west-1 (e.g. 2 + 2 + 1 over three regions), or drop rtoSeconds",
        },
      ],
    },
    {
      // Redis 3 + 1 + 1: losing eu-west-1 leaves 2 of 5 Sentinels, no majority to promote (was the
      // Sentinel failover's 7 s).
      name: "RTO of a Redis primary whose region holds a majority of the Sentinels",
      spec: rtoStore(
        { "eu-west-1": 3, "eu-west-2": 1, "eu-central-1": 1 },
        { consistency: "eventual", deploy: { target: "kubernetes", engine: "redis" } },
      ),
      expect: [
        {
          path: "datastores.accounts.slo.rtoSeconds",
          message:
            "losing eu-west-1 leaves fewer than a majority of all members (the votes a promotion needs) outside it: writes stop until it returns, so no 60 s RTO holds through its loss",
          fix: "place the members so that a majority of all of them outlives eu-west-1 (e.g. 2 + 2 + 1 over three regions), or drop rtoSeconds",
        },
      ],
    },
    {
      // Said "no replica allowed to lead" first, whose fix (a voter outside) left the quorum short.
      name: "RTO of a consensus store whose voters are all in the leader's region",
      spec: rtoStore(
        { "eu-west-1": 3, "eu-west-2": { readOnly: 1 }, "eu-central-1": { readOnly: 1 } },
        { replication: "consensus" },
      ),
      expect: [
        {
          path: "datastores.accounts.slo.rtoSeconds",
          message:
            "losing eu-west-1 leaves no write quorum outside it: writes stop until it returns, so no 60 s RTO holds through its loss",
        },
      ],
    },
    {
      // No leader: the region holding two of W = 2's three replicas is the one whose loss stops
      // writes (the leader region named in the spec is not).
      name: "RTO of a leaderless store that a region's loss leaves below W",
      spec: rtoStore(
        { "eu-west-1": 1, "eu-west-2": 2 },
        { replication: "leaderless", consistency: "eventual", quorum: { read: 2, write: 2 } },
      ),
      expect: [
        {
          path: "datastores.accounts.slo.rtoSeconds",
          message:
            "losing eu-west-2 leaves no write quorum outside it: writes stop until it returns, so no 60 s RTO holds through its loss",
        },
      ],
    },
    {
      // CloudNativePG semi-sync waits for a standby in the primary's region: one promoted by hand
      // in eu-west-2 has its own there (was: no write quorum, counting eu-west-1's standbys).
      name: "RTO of CloudNativePG semi-sync with standbys beside each region's candidate",
      spec: rtoStore(
        { "eu-west-1": 2, "eu-west-2": 2, "eu-central-1": 1 },
        { sync: "semi-sync", deploy: { target: "kubernetes", engine: "postgresql" } },
      ),
      expect: [
        {
          path: "datastores.accounts.slo.rtoSeconds",
          message:
            "losing eu-west-1 stops writes until an operator promotes a replica elsewhere, after about 600 s (an estimate of an operator's promotion), above the 60 s RTO: the engine fails over only inside the primary's region",
        },
      ],
    },
    {
      // CloudNativePG promotes only inside the primary's region, whatever the observers.
      name: "RTO of an engine that fails over only inside the primary's region",
      spec: rtoStore(
        { "eu-west-1": 2, "eu-west-2": 1, "eu-central-1": 1 },
        { deploy: { target: "kubernetes", engine: "postgresql" } },
      ),
      expect: [
        {
          path: "datastores.accounts.slo.rtoSeconds",
          message:
            "losing eu-west-1 stops writes until an operator promotes a replica elsewhere, after about 600 s (an estimate of an operator's promotion), above the 60 s RTO: the engine fails over only inside the primary's region",
          fix: "use an engine or replication that promotes outside the leader's region (consensus, e.g. CockroachDB), or relax rtoSeconds",
        },
      ],
    },
    {
      // A declared automatic failover slower than an operator is not made faster by one.
      name: "RTO of a declared 900 s automatic failover that needs an operator across regions",
      spec: rtoStore(
        { "eu-west-1": 2, "us-east-1": 1 },
        { failover: { mode: "automatic", rtoSeconds: 900 } },
      ),
      expect: [
        {
          path: "datastores.accounts.slo.rtoSeconds",
          message:
            "losing eu-west-1 stops writes until an operator promotes a replica elsewhere, after about 900 s (declared), above the 60 s RTO: automatic failover needs a majority of the observers to outlive any one region, and eu-west-1 holds 2 of the 3 observers (voters and witnesses)",
        },
      ],
    },
    {
      // Declared (by default) automatic, but with the majority of its observers in its region
      // nothing promotes outside eu-west-1 by itself: losing it waits for an operator, as what-if
      // says. A witness in a third region (this rule's fix before) leaves 2 of 4: still none.
      name: "RTO of an automatic primary whose observers are mostly in its region",
      spec: rtoStore({ "eu-west-1": 2, "us-east-1": 1, "eu-west-2": { witnesses: 1 } }),
      expect: [
        {
          path: "datastores.accounts.slo.rtoSeconds",
          message:
            "losing eu-west-1 stops writes until an operator promotes a replica elsewhere, after about 600 s (an estimate of an operator's promotion), above the 60 s RTO: automatic failover needs a majority of the observers to outlive any one region, and eu-west-1 holds 2 of the 4 observers (voters and witnesses)",
          fix: "place the voters and witnesses so that no region holds half of them or more (e.g. 1 + 1 and { witnesses: 1 } in a third region, or 2 + 2 + 1), so that the side keeping the majority promotes by itself, or relax rtoSeconds",
        },
      ],
    },
    {
      // The failover figures of a store in one region describe a failover inside it: they passed
      // rpoSeconds 1 and rtoSeconds 60 that no region's loss can meet.
      name: "RPO and RTO of a store whose every replica is in one region",
      spec: {
        name: "kv",
        datastores: {
          accounts: {
            replication: "consensus",
            replicas: 3,
            placement: { "us-east-1": 3 },
            slo: { rpoSeconds: 1, rtoSeconds: 60 },
          },
        },
      } as TopologyInput,
      expect: [
        {
          path: "datastores.accounts.slo.rpoSeconds",
          message:
            "every replica is in us-east-1: losing us-east-1 stops writes until it returns, and losing its storage loses every write, so no 1 s RPO holds through a region's loss",
          fix: "place a replica in another region (and replicate to it synchronously for an RPO of 0), or drop rpoSeconds",
        },
        {
          path: "datastores.accounts.slo.rtoSeconds",
          message:
            "every replica is in us-east-1: losing us-east-1 stops writes until it returns, and losing its storage loses every write, so no 60 s RTO holds through a region's loss",
        },
      ],
    },
    {
      // A witness in another region holds no data and never leads: the data is in one region.
      name: "RPO of an async primary whose other region holds a witness only",
      spec: {
        name: "kv",
        users: { "us-east-1": 1 },
        datastores: {
          accounts: {
            replication: "primary-replica",
            replicas: 3,
            placement: { "us-east-1": 2, "us-east-2": { witnesses: 1 } },
            leader: "us-east-1",
            slo: { rpoSeconds: 30 },
          },
        },
      } as TopologyInput,
      expect: [
        {
          path: "datastores.accounts.slo.rpoSeconds",
          message:
            "every copy of the data is in us-east-1 (us-east-2 holds witnesses only): losing us-east-1 stops writes until it returns, and losing its storage loses every write, so no 30 s RPO holds through a region's loss",
        },
      ],
    },
    {
      // Declared capacity: the link's transfer and queueing add to the floor (lag.ts).
      name: "lag to Tokyo over the target",
      spec: {
        ...spec,
        network: { links: [{ between: ["eu-west-1", "ap-northeast-1"], bandwidthMbps: 100 }] },
      } as TopologyInput,
      analysis: {
        datastores: {
          accounts: {
            replicationLag: [
              { region: "ap-northeast-1", p50Ms: 130, p99Ms: 260.4, unbounded: false },
              { region: "us-east-1", p50Ms: 40, p99Ms: 60, unbounded: false },
            ],
          },
        },
      },
      expect: [
        {
          path: "datastores.accounts.slo.replicationLagMs",
          message: "replication lag p99 260.4 ms to ap-northeast-1 exceeds the SLO 200 ms",
          // Above the floor the link's transfer and queueing add the rest: bandwidth removes them.
          fix: "the link from eu-west-1 to ap-northeast-1 adds 153.7 ms to the 106.7 ms floor (one way from eu-west-1: half the 201 ms median round trip plus its 6.2 ms p99 excess): add bandwidth between them or replicate fewer bytes, or relax replicationLagMs to 261",
        },
      ],
    },
    {
      // Below the floor no bandwidth helps; moving the replica to a region beside the others
      // would cost the store a region (its survival goal): only regions holding none are named.
      name: "lag SLO below the one-way floor to Tokyo",
      spec: {
        ...spec,
        datastores: { accounts: { ...spec.datastores!.accounts!, slo: { replicationLagMs: 80 } } },
      },
      analysis: {
        datastores: {
          accounts: {
            replicationLag: [
              { region: "ap-northeast-1", p50Ms: 105, p99Ms: 107.3, unbounded: false },
              { region: "us-east-1", p50Ms: 40, p99Ms: 45, unbounded: false },
            ],
          },
        },
      },
      expect: [
        {
          path: "datastores.accounts.slo.replicationLagMs",
          message: "replication lag p99 107.3 ms to ap-northeast-1 exceeds the SLO 80 ms",
          fix: "no bandwidth meets it: the lag to ap-northeast-1 cannot go below 106.7 ms (one way from eu-west-1: half the 201 ms median round trip plus its 6.2 ms p99 excess); move the ap-northeast-1 replicas to a region within reach that holds none yet (as many regions for the survival goal; reads near ap-northeast-1 then travel): eu-west-2 (7.55 ms), eu-west-3 (11.4 ms), eu-central-1 (13.95 ms); or relax replicationLagMs to 108",
        },
      ],
    },
    {
      // Multi-leader: every write region ships; the farthest one and the service's own pipeline
      // decide the floor, which no bandwidth lowers.
      name: "a DynamoDB global table's lag SLO below its pipeline's p99",
      spec: {
        name: "kv",
        datastores: {
          profiles: {
            replication: "multi-leader",
            consistency: "eventual",
            replicas: 3,
            placement: { "us-east-1": 1, "us-west-2": 1, "eu-west-1": 1 },
            slo: { replicationLagMs: 900 },
            deploy: { target: "aws", service: "dynamodb" },
          },
        },
      } as TopologyInput,
      analysis: {
        datastores: {
          profiles: {
            // "Usually within a second" from region to region, the network inside it.
            replicationLag: [{ region: "eu-west-1", p50Ms: 500, p99Ms: 1000, unbounded: false }],
          },
        },
      },
      expect: [
        {
          path: "datastores.profiles.slo.replicationLagMs",
          message: "replication lag p99 1000 ms to eu-west-1 exceeds the SLO 900 ms",
          fix: "no bandwidth meets it: the lag to eu-west-1 cannot go below 1000 ms (the larger of the DynamoDB global tables replication's 1000 ms p99 from region to region, network included, and the one way from us-east-1: half the 69.6 ms median round trip plus its 0.5 ms p99 excess); relax replicationLagMs to 1000",
        },
      ],
    },
    {
      // Users only in eu-west-1: the analysis ships from there, not from sa-east-1, whose floor to
      // ap-southeast-2 (its one-way time) is above the predicted lag; the floor named is eu-west-1's.
      name: "a multi-leader floor from the region that writes, not the farthest write region",
      spec: {
        name: "kv",
        users: { "eu-west-1": 1 },
        datastores: {
          profiles: {
            replication: "multi-leader",
            consistency: "eventual",
            replicas: 3,
            placement: { "eu-west-1": 1, "sa-east-1": 1, "ap-southeast-2": 1 },
            slo: { replicationLagMs: 100 },
          },
        },
      } as TopologyInput,
      analysis: {
        datastores: {
          profiles: {
            replicationLag: [{ region: "ap-southeast-2", p50Ms: 127.8, p99Ms: 128.3, unbounded: false }],
          },
        },
      },
      expect: [
        {
          path: "datastores.profiles.slo.replicationLagMs",
          message: "replication lag p99 128.3 ms to ap-southeast-2 exceeds the SLO 100 ms",
          fix: "no bandwidth meets it: the lag to ap-southeast-2 cannot go below 128.3 ms (one way from eu-west-1: half the 255.6 ms median round trip plus its 0.5 ms p99 excess); relax replicationLagMs to 129",
        },
      ],
    },
    {
      name: "a saturated link makes the lag unbounded",
      spec,
      analysis: {
        datastores: {
          accounts: {
            replicationLag: [
              { region: "ap-northeast-1", p50Ms: 130, p99Ms: 180, unbounded: false },
              { region: "us-east-1", p50Ms: 40, p99Ms: 60, unbounded: true },
            ],
          },
        },
      },
      expect: [
        {
          path: "datastores.accounts.slo.replicationLagMs",
          message:
            "replication lag to us-east-1 is unbounded: the link from eu-west-1 is at or over capacity, or cut off by a network partition (SLO 200 ms)",
        },
      ],
    },
    {
      // No leader to name: the writes come from every region that takes them.
      name: "a multi-leader store's saturated links, named by where they lead",
      spec: {
        ...spec,
        datastores: {
          accounts: { ...spec.datastores!.accounts!, replication: "multi-leader", leader: undefined },
        },
      } as TopologyInput,
      analysis: {
        datastores: {
          accounts: {
            replicationLag: [
              { region: "ap-northeast-1", p50Ms: 130, p99Ms: 180, unbounded: true },
              { region: "us-east-1", p50Ms: 40, p99Ms: 60, unbounded: true },
            ],
          },
        },
      },
      expect: [
        {
          path: "datastores.accounts.slo.replicationLagMs",
          message:
            "replication lag to ap-northeast-1, us-east-1 is unbounded: the links into them are at or over capacity, or cut off by a network partition (SLO 200 ms)",
          fix: "add bandwidth into ap-northeast-1, us-east-1 from the regions that write or reduce the replicated write volume",
        },
      ],
    },
    {
      name: "no lag figures: unknown",
      spec,
      analysis: { datastores: { accounts: { replicationLag: [] } } },
      expect: [
        {
          path: "datastores.accounts.slo.replicationLagMs",
          status: "unknown",
          message: "the analysis has no replication lag figures for datastores.accounts",
        },
      ],
    },
  ],
});
