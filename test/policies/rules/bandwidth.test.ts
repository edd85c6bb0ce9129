import { bandwidth } from "../../../policies/rules/bandwidth.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { describeRule } from "../harness.js";

const spec = (traffic: boolean, headroom?: number): TopologyInput => ({
  name: "shop",
  datastores: {
    accounts: {
      replication: "consensus",
      replicas: 3,
      placement: { "eu-west-1": 2, "us-east-1": 1 },
      leader: "eu-west-1",
      ...(traffic ? { traffic: { writesPerSec: 1000, itemBytes: 1024 } } : {}),
    },
  },
  network: { links: [{ between: ["eu-west-1", "us-east-1"], bandwidthMbps: 100 }] },
  ...(headroom === undefined ? {} : { policies: { "bandwidth.headroom": headroom } }),
});

/** A stream in Dublin and Virginia, a cluster in each, mirrored to `mirrorRegions` (none: each keeps its own). */
const streamSpec = (mirrorRegions?: string[]): TopologyInput =>
  ({
    name: "shop",
    streams: {
      events: {
        regions: ["eu-west-1", "us-east-1"],
        partitions: 6,
        replicas: 3,
        ...(mirrorRegions === undefined ? {} : { mirrorRegions }),
      },
    },
    network: { links: [{ between: ["eu-west-1", "us-east-1"], bandwidthMbps: 100 }] },
  }) as never;

const load = (mbps: number) => ({
  from: "eu-west-1",
  to: "us-east-1",
  mbps,
  capacityMbps: 100,
  utilisation: mbps / 100,
  linkIndex: 0,
  contributors: [{ component: "accounts", mbps }],
  egressUsdPerMonth: 0,
});

describeRule(bandwidth, {
  compliant: [
    { name: "60% of the link is below the 0.7 headroom", spec: spec(true), analysis: { links: [load(60)] } },
    {
      name: "a raised headroom setting",
      spec: spec(true, 0.9),
      analysis: { links: [load(85)] },
    },
    { name: "links without a declared capacity are not checked", spec: { name: "shop" } },
    {
      // Was "unknown": a stream's clusters replicate across regions only to its mirror regions.
      name: "a stream's clusters in two regions, not mirrored, replicate over no link",
      spec: streamSpec(),
    },
  ],
  noncompliant: [
    {
      name: "80% utilisation",
      spec: spec(true),
      analysis: { links: [load(80)] },
      expect: [
        {
          path: "network.links[0]",
          message:
            "eu-west-1 → us-east-1 carries 80 Mbit/s of replication, 80.0% of its 100 Mbit/s, above bandwidth.headroom (70%); largest: accounts 80 Mbit/s",
          fix: "raise network.links[0].bandwidthMbps to at least 115, or move replicas of accounts so less data crosses eu-west-1 → us-east-1",
        },
      ],
    },
    {
      name: "saturated link",
      spec: spec(true),
      analysis: { links: [load(120)] },
      expect: [
        {
          path: "network.links[0]",
          message:
            "eu-west-1 → us-east-1 carries 120 Mbit/s of replication, 120.0% of its 100 Mbit/s, above bandwidth.headroom (70%): the backlog grows without bound; largest: accounts 120 Mbit/s",
        },
      ],
    },
    {
      name: "no traffic figures: unknown, not a silent pass",
      spec: spec(false),
      expect: [
        {
          path: "datastores.accounts.traffic",
          status: "unknown",
          message:
            "datastores.accounts replicates across eu-west-1 and us-east-1 but declares no traffic; the load on network.links[0] cannot be checked",
        },
      ],
    },
    {
      name: "a mirrored stream without traffic figures: unknown for the links its mirrors use",
      spec: streamSpec(["us-east-1"]),
      expect: [
        {
          path: "streams.events.traffic",
          status: "unknown",
          message:
            "streams.events mirrors eu-west-1 → us-east-1 but declares no traffic; the load on network.links[0] cannot be checked",
        },
      ],
    },
  ],
});
