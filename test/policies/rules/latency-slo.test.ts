import { describe, expect, test } from "vitest";
import { latencySlo, quorumFloor } from "../../../policies/rules/latency-slo.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { describeRule, modelOf, profile } from "../harness.js";

const transatlantic = (slo: { writeP99Ms?: number; readP99Ms?: number }): TopologyInput => ({
  name: "ledger",
  users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
  datastores: {
    accounts: {
      replication: "consensus",
      replicas: 3,
      placement: { "eu-west-1": 1, "us-east-1": 1, "us-west-2": 1 },
      leader: "eu-west-1",
      slo,
    },
  },
});

describeRule(latencySlo, {
  compliant: [
    {
      name: "predicted p99 within the SLOs",
      spec: transatlantic({ writeP99Ms: 300, readP99Ms: 150 }),
      analysis: {
        datastores: {
          accounts: {
            write: profile({ "eu-west-1": 110, "us-east-1": 250 }),
            read: profile({ "eu-west-1": 2, "us-east-1": 110 }),
          },
        },
      },
    },
    {
      name: "service and stream SLOs met",
      spec: {
        name: "shop",
        services: { api: { regions: ["eu-west-1"], slo: { latencyP99Ms: 100 } } },
        streams: { clicks: { partitions: 4, regions: ["eu-west-1"], slo: { endToEndP99Ms: 500 } } },
      },
      analysis: {
        services: { api: { latency: profile({ "eu-west-1": 80 }) } },
        streams: { clicks: { endToEndP99Ms: 400 } },
      },
    },
  ],
  noncompliant: [
    {
      name: "an SLO below the quorum round trip names the physical floor",
      spec: transatlantic({ writeP99Ms: 20 }),
      expect: [
        {
          path: "datastores.accounts.slo.writeP99Ms",
          message: "write p99 SLO 20 ms is below the 69.6 ms quorum round trip eu-west-1 → us-east-1",
          // Where a quorum can sit: the leader's zones and its provider's regions within the SLO.
          fix: "place 2 of the 3 voting replicas (a write quorum, the leader's among them) within 20 ms of eu-west-1: eu-west-1's zones, or eu-west-2 (13.7 ms); or relax writeP99Ms to at least 70",
        },
      ],
    },
    {
      name: "below even the round trip between two zones: no placement meets it",
      spec: transatlantic({ writeP99Ms: 0.5 }),
      expect: [
        {
          path: "datastores.accounts.slo.writeP99Ms",
          message: "write p99 SLO 0.5 ms is below the 69.6 ms quorum round trip eu-west-1 → us-east-1",
          fix: "no placement meets it: even two zones of eu-west-1 are 1 ms apart; relax writeP99Ms to at least 70",
        },
      ],
    },
    {
      name: "achievable in principle, but not from every origin",
      spec: transatlantic({ writeP99Ms: 200, readP99Ms: 50 }),
      analysis: {
        datastores: {
          accounts: {
            write: profile({ "eu-west-1": 110, "us-east-1": 215.5 }),
            read: profile({ "eu-west-1": 2, "us-east-1": 106 }),
          },
        },
      },
      expect: [
        {
          path: "datastores.accounts.slo.writeP99Ms",
          message: "write p99 215.5 ms from us-east-1 exceeds the SLO 200 ms (leader eu-west-1)",
          fix: "move the leader or a quorum nearer us-east-1, partition by geography (partitions.strategy: geo), or relax writeP99Ms to 216",
        },
        {
          path: "datastores.accounts.slo.readP99Ms",
          message:
            "read p99 106 ms from us-east-1 exceeds the SLO 50 ms (strong reads go to the leader in eu-west-1)",
          // us-east-1 holds a replica already: strong reads still cross to the leader.
          fix: "serve us-east-1 reads from the nearest replica (consistency: bounded-staleness), move the leader nearer us-east-1 (a replica there alone serves only stale reads), or relax readP99Ms to 106",
        },
      ],
    },
    {
      // A replica in every reading region already (a DynamoDB global table): no replica is nearer.
      name: "eventual reads over the SLO where every origin reads locally",
      spec: {
        name: "profiles",
        users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
        datastores: {
          profiles: {
            replication: "multi-leader",
            consistency: "eventual",
            replicas: 2,
            placement: { "eu-west-1": 1, "us-east-1": 1 },
            slo: { readP99Ms: 10 },
            deploy: { target: "aws", service: "dynamodb" },
          },
        },
      } as TopologyInput,
      analysis: {
        datastores: { profiles: { read: profile({ "eu-west-1": 11.2, "us-east-1": 11.2 }) } },
      },
      expect: [
        {
          path: "datastores.profiles.slo.readP99Ms",
          message:
            "read p99 11.2 ms from eu-west-1 (and 11.2 ms from us-east-1) exceeds the SLO 10 ms: each reads a replica in its own region, so this is the local read time",
          fix: "relax readP99Ms to 12",
        },
      ],
    },
    {
      // etcd: no bounded-staleness to offer, and no leader preference to move (the review of
      // the strong-read fix); only relaxing is left.
      name: "strong reads on etcd over the SLO",
      spec: {
        name: "ctl",
        users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
        datastores: {
          config: {
            replication: "consensus",
            consistency: "strong",
            replicas: 3,
            placement: { "eu-west-1": 1, "us-east-1": 1, "us-west-2": 1 },
            leader: "eu-west-1",
            slo: { readP99Ms: 50 },
            deploy: { target: "kubernetes", engine: "etcd" },
          },
        },
      } as TopologyInput,
      analysis: {
        datastores: { config: { read: profile({ "eu-west-1": 80, "us-east-1": 140 }) } },
      },
      expect: [
        {
          path: "datastores.config.slo.readP99Ms",
          message:
            "read p99 140 ms from us-east-1 (and 80 ms from eu-west-1) exceeds the SLO 50 ms (strong reads go to the leader in eu-west-1, which confirms its leadership with a quorum round first)",
          fix: "relax readP99Ms to 140",
        },
      ],
    },
    {
      // CloudNativePG: clients reach the primary only; a replica in eu-west-1 is not read there.
      name: "eventual reads of a PostgreSQL store from a region with a replica but not the primary",
      spec: {
        name: "pg",
        users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
        datastores: {
          orders: {
            replication: "primary-replica",
            consistency: "eventual",
            replicas: 3,
            placement: { "us-east-1": 2, "eu-west-1": 1 },
            leader: "us-east-1",
            slo: { readP99Ms: 20 },
            deploy: { target: "kubernetes", engine: "postgresql" },
          },
        },
      } as TopologyInput,
      analysis: {
        datastores: { orders: { read: profile({ "eu-west-1": 70.1, "us-east-1": 2 }) } },
      },
      expect: [
        {
          path: "datastores.orders.slo.readP99Ms",
          message: "read p99 70.1 ms from eu-west-1 exceeds the SLO 20 ms",
          fix: "clients read at the primary in us-east-1 (a replica near eu-west-1 is not read): move the primary nearer eu-west-1, or relax readP99Ms to 71",
        },
      ],
    },
    {
      name: "strong reads with the leader pinned: no move is offered",
      spec: (() => {
        const spec = transatlantic({ readP99Ms: 50 });
        return {
          ...spec,
          datastores: { accounts: { ...spec.datastores!.accounts!, leaderRegions: ["eu-west-1"] } },
        } as TopologyInput;
      })(),
      analysis: {
        datastores: { accounts: { read: profile({ "eu-west-1": 2, "us-east-1": 106 }) } },
      },
      expect: [
        {
          path: "datastores.accounts.slo.readP99Ms",
          message:
            "read p99 106 ms from us-east-1 exceeds the SLO 50 ms (strong reads go to the leader in eu-west-1)",
          fix: "serve us-east-1 reads from the nearest replica (consistency: bounded-staleness), or relax readP99Ms to 106",
        },
      ],
    },
    {
      name: "service and stream over their SLOs; missing figures are unknown",
      spec: {
        name: "shop",
        datastores: {
          kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 }, slo: { readP99Ms: 5 } },
        },
        services: {
          api: { regions: ["eu-west-1"], calls: [{ to: "kv", timeoutMs: 100 }], slo: { latencyP99Ms: 50 } },
        },
        streams: { clicks: { partitions: 4, regions: ["eu-west-1"], slo: { endToEndP99Ms: 500 } } },
      },
      analysis: {
        missing: ["kv"],
        services: {
          api: {
            latency: profile({ "eu-west-1": 75 }),
            calls: [{ to: "kv", path: "services.api.calls[0]", attempts: 1, p99Ms: 60 }],
          },
        },
        streams: { clicks: { endToEndP99Ms: 900 } },
      },
      expect: [
        {
          path: "datastores.kv.slo",
          status: "unknown",
          message: "the analysis has no latency figures for datastores.kv",
        },
        {
          path: "services.api.slo.latencyP99Ms",
          message: "p99 latency 75 ms from eu-west-1 exceeds the SLO 50 ms; slowest call: kv 60 ms",
        },
        { path: "streams.clicks.slo.endToEndP99Ms", message: "end-to-end p99 900 ms exceeds the SLO 500 ms" },
      ],
    },
    {
      // consumerLagMs was read by no rule while it set the compiled mirror-lag alerts' threshold:
      // below the mirror's own lag they fire all the time. An overloaded mirror link made the
      // end-to-end p99 the pipeline's 5 s whatever the backlog. A consumer of the cluster it was
      // produced to has no lag the model bounds (its producer's trip is not lag): not held.
      name: "a consumer lag below the mirror's lag, and objectives through an overloaded link",
      spec: {
        name: "feed",
        streams: {
          clicks: { partitions: 4, regions: ["eu-west-1"], slo: { consumerLagMs: 1000 } },
          local: { partitions: 4, regions: ["eu-west-1"], slo: { consumerLagMs: 100 } },
          orders: {
            partitions: 4,
            regions: ["eu-west-1"],
            slo: { endToEndP99Ms: 8000, consumerLagMs: 9000 },
          },
        },
      },
      analysis: {
        streams: {
          clicks: { endToEndP99Ms: 5030, mirrorLag: { p99Ms: 5017.5 } },
          local: { endToEndP99Ms: 201.9 },
          orders: {
            endToEndP99Ms: 10_805_017,
            endToEndUnbounded: true,
            mirrorLag: { p99Ms: 10_805_000, unbounded: true },
          },
        },
      },
      expect: [
        {
          path: "streams.clicks.slo.consumerLagMs",
          message:
            "consumer lag SLO 1000 ms is below the mirror's own p99 lag 5017.5 ms (one way, the mirroring pipeline's estimate, the link's queueing): consumers reading the copy run at least that far behind the source, and an alert at the SLO fires all the time",
          fix: "have those consumers read the stream's own regions, or relax consumerLagMs to 5018",
        },
        {
          path: "streams.orders.slo.endToEndP99Ms",
          message:
            "end-to-end p99 is unbounded: the mirror's copies cross a link at or over capacity, so its backlog grows for as long as the traffic lasts (10805017 ms after an hour; SLO 8000 ms)",
        },
        {
          path: "streams.orders.slo.consumerLagMs",
          message:
            "consumer lag through the mirror is unbounded: the mirror's copies cross a link at or over capacity, so its backlog grows for as long as the traffic lasts (10805000 ms after an hour; SLO 9000 ms)",
        },
      ],
    },
    {
      // The fix named the worst origin alone: a replica near ap-south-1 leaves the others over it.
      name: "reads and a service over their SLOs from several origins name them all, worst first",
      spec: {
        name: "shop",
        users: {
          "ap-south-1": 0.2,
          "sa-east-1": 0.2,
          "ap-southeast-2": 0.2,
          "af-south-1": 0.1,
          "me-south-1": 0.1,
          "eu-west-1": 0.2,
        },
        datastores: {
          kv: {
            replication: "consensus",
            consistency: "bounded-staleness",
            replicas: 3,
            placement: { "eu-west-1": 3 },
            slo: { readP99Ms: 100 },
          },
        },
        services: { api: { regions: ["eu-west-1"], slo: { latencyP99Ms: 200 } } },
      },
      analysis: {
        datastores: {
          kv: {
            read: profile({
              "ap-south-1": 140,
              "sa-east-1": 190,
              "ap-southeast-2": 260,
              "af-south-1": 170,
              "me-south-1": 110,
              "eu-west-1": 2,
            }),
          },
        },
        services: { api: { latency: profile({ "ap-southeast-2": 270, "sa-east-1": 210, "eu-west-1": 10 }) } },
      },
      expect: [
        {
          path: "datastores.kv.slo.readP99Ms",
          message:
            "read p99 260 ms from ap-southeast-2 (and 190 ms from sa-east-1, 170 ms from af-south-1, 140 ms from ap-south-1 and 1 more origin) exceeds the SLO 100 ms",
          fix: "add a replica near ap-southeast-2, sa-east-1, af-south-1 and 2 more, or relax readP99Ms to 260",
        },
        {
          path: "services.api.slo.latencyP99Ms",
          message:
            "p99 latency 270 ms from ap-southeast-2 (and 210 ms from sa-east-1) exceeds the SLO 200 ms",
          fix: "run api nearer ap-southeast-2 and sa-east-1, or relax latencyP99Ms to 270",
        },
      ],
    },
    {
      // No leader to name, nothing nearer to move to: the time is the local commit tail.
      name: "multi-leader: an origin that is a write region misses on its local commit tail",
      spec: {
        name: "carts",
        users: { "us-east-1": 0.5, "eu-west-1": 0.5 },
        datastores: {
          carts: {
            replication: "multi-leader",
            consistency: "eventual",
            replicas: 4,
            placement: { "us-east-1": 2, "eu-west-1": 2 },
            leaders: ["us-east-1", "eu-west-1"],
            slo: { writeP99Ms: 5 },
          },
        },
      },
      analysis: { datastores: { carts: { write: profile({ "eu-west-1": 11.2, "us-east-1": 9 }) } } },
      expect: [
        {
          path: "datastores.carts.slo.writeP99Ms",
          message:
            "write p99 11.2 ms from eu-west-1 (and 9 ms from us-east-1) exceeds the SLO 5 ms: eu-west-1 commits locally, so this is the local commit tail (a flat estimate without an engine)",
          // No engine runs multi-leader replication: declaring one would not validate.
          fix: "relax writeP99Ms to 12",
        },
      ],
    },
    {
      name: "multi-leader: an origin far from every write region is told to add one, not to move a leader",
      spec: {
        name: "carts",
        users: { "us-east-1": 0.5, "eu-west-1": 0.5 },
        datastores: {
          carts: {
            replication: "multi-leader",
            consistency: "eventual",
            replicas: 4,
            placement: { "us-east-1": 2, "eu-west-1": 2 },
            leaders: ["us-east-1"],
            slo: { writeP99Ms: 50 },
          },
        },
      },
      analysis: { datastores: { carts: { write: profile({ "eu-west-1": 80.4, "us-east-1": 9 }) } } },
      expect: [
        {
          path: "datastores.carts.slo.writeP99Ms",
          message: "write p99 80.4 ms from eu-west-1 exceeds the SLO 50 ms",
          fix: "add a write region at or near eu-west-1 (placement and leaders), or relax writeP99Ms to 81",
        },
      ],
    },
    {
      name: "leaderless: a write quorum in the origin's region leaves the local commit tail",
      spec: {
        name: "kv",
        users: { "eu-west-1": 1 },
        datastores: {
          kv: {
            replication: "leaderless",
            consistency: "eventual",
            replicas: 3,
            placement: { "eu-west-1": 2, "eu-central-1": 1 },
            quorum: { write: 2, read: 1 },
            slo: { writeP99Ms: 2 },
          },
        },
      },
      analysis: { datastores: { kv: { write: profile({ "eu-west-1": 3.1 }) } } },
      expect: [
        {
          path: "datastores.kv.slo.writeP99Ms",
          message:
            "write p99 3.1 ms from eu-west-1 exceeds the SLO 2 ms: eu-west-1 commits locally, so this is the local commit tail (a flat estimate without an engine)",
          fix: "set datastores.kv.deploy.engine (cassandra, deploy.target: kubernetes) to use the engine's measured commit tail, or relax writeP99Ms to 4",
        },
      ],
    },
  ],
});

describe("quorumFloor", () => {
  // A read-only replica beside the leader never acknowledges a write: the commit's round trip is
  // to the nearest voter, across the Atlantic, not the local copy's 0 ms.
  test("counts only the replicas that acknowledge writes", () => {
    const model = modelOf({
      name: "ledger",
      users: { "eu-west-1": 1 },
      datastores: {
        accounts: {
          replication: "consensus",
          replicas: 4,
          placement: {
            "eu-west-1": { voters: 1, readOnly: 1 },
            "us-east-1": 1,
            "us-east-2": 1,
          },
          leader: "eu-west-1",
        },
      },
    });
    const floor = quorumFloor(model, model.datastores[0]!);
    expect(floor?.region).toBe("us-east-1");
    expect(floor!.rttMs).toBeGreaterThan(50);
  });
});
