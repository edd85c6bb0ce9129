import { clusterReach } from "../../../policies/rules/cluster-reach.js";
import { describeRule } from "../harness.js";

/** `events` (Kafka on Strimzi) in eu-west-1; `feed` produces to it (or `op`) from `regions`. */
const kafka = (regions: string[], mirrorRegions?: string[], op: "produce" | "consume" = "produce") => ({
  name: "shop",
  users: { "eu-west-1": 1 },
  streams: {
    events: {
      regions: ["eu-west-1"],
      ...(mirrorRegions === undefined ? {} : { mirrorRegions }),
      partitions: 6,
      replicas: 3,
      minInSync: 2,
      ...(op === "produce" ? { producers: ["feed"] } : { consumers: ["feed"] }),
      deploy: { target: "kubernetes" as const, engine: "kafka" as const },
    },
  },
  services: {
    feed: {
      regions,
      calls: [{ to: "events", op, timeoutMs: 500 }],
      deploy: { target: "kubernetes" as const, image: "ghcr.io/acme/feed:1.0.0", port: 8080 },
    },
  },
});

describeRule(clusterReach, {
  compliant: [
    { name: "producers where the stream has its cluster", spec: kafka(["eu-west-1"]) },
    {
      // A mirror region runs a cluster of the stream too (its Strimzi bootstrap is local there).
      name: "consumers in a mirror region",
      spec: kafka(["eu-west-1", "eu-north-1"], ["eu-north-1"], "consume"),
    },
    {
      // topoplan exports its own client Service to callers in other regions.
      name: "a datastore without an engine called from another region",
      spec: {
        name: "shop",
        users: { "eu-west-1": 1 },
        datastores: {
          kv: {
            replication: "consensus",
            replicas: 3,
            placement: { "eu-west-1": 3 },
            deploy: { target: "kubernetes", image: "ghcr.io/acme/kv:1.0.0", port: 7000 },
          },
        },
        services: {
          api: {
            regions: ["us-east-1"],
            calls: [{ to: "kv", timeoutMs: 500 }],
            deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0", port: 8080 },
          },
        },
      },
    },
  ],
  noncompliant: [
    {
      // Its pods' bootstrap there is the mirror's: MirrorMaker 2 copies into it, never out of it.
      name: "a producer in a mirror-only region",
      spec: kafka(["eu-west-1", "eu-north-1"], ["eu-north-1"]),
      expect: [
        {
          path: "services.feed.calls[0]",
          message:
            "feed produces to events from eu-north-1, where events has only a mirror: its pods there would write into the copy MirrorMaker 2 fills, which is copied to no other region, so consumers elsewhere never get those records",
          fix: "run services.feed only in eu-west-1, or make eu-north-1 a stream region (streams.events.regions), whose records reach consumers elsewhere only where a mirror region they read copies them (streams.events.mirrorRegions)",
        },
      ],
    },
    {
      // Declared producers get egress to their region's cluster (the mirror here) without a call.
      name: "a declared producer, without a call, in a mirror-only region",
      spec: (() => {
        const spec = kafka(["eu-west-1", "eu-north-1"], ["eu-north-1"]);
        spec.services.feed.calls = [];
        return spec;
      })(),
      expect: [
        {
          path: "streams.events.producers[0]",
          message:
            "feed produces to events from eu-north-1, where events has only a mirror: its pods there would write into the copy MirrorMaker 2 fills, which is copied to no other region, so consumers elsewhere never get those records",
        },
      ],
    },
    {
      name: "a producer where Strimzi's bootstrap Service does not exist",
      spec: kafka(["eu-west-1", "eu-central-1"]),
      expect: [
        {
          path: "services.feed.calls[0]",
          message:
            "feed calls events from eu-central-1, where events serves no clients: its clients dial events-kafka-bootstrap (events-kafka-bootstrap.shop.svc.cluster.local), which exists only in eu-west-1 and is not exported to other clusters",
          fix: "run services.feed only in eu-west-1, or give streams.events a cluster in eu-central-1 (streams.events.regions)",
        },
      ],
    },
  ],
});
