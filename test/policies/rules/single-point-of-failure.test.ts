import { singlePointOfFailure } from "../../../policies/rules/single-point-of-failure.js";
import { describeRule } from "../harness.js";

describeRule(singlePointOfFailure, {
  compliant: [
    {
      name: "two regions, three replicas over three regions",
      spec: {
        name: "shop",
        datastores: {
          kv: {
            replication: "consensus",
            replicas: 3,
            placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 },
          },
        },
        services: { api: { regions: ["eu-west-1", "eu-central-1"], calls: [{ to: "kv", timeoutMs: 100 }] } },
      },
    },
  ],
  noncompliant: [
    {
      // Its producers include the services that call it with op produce (none is declared).
      name: "a one-replica stream stops the services producing to it",
      spec: {
        name: "shop",
        streams: { events: { regions: ["eu-west-1"], partitions: 6, replicas: 1, minInSync: 1 } },
        services: {
          api: { regions: ["eu-west-1"], calls: [{ to: "events", op: "produce", timeoutMs: 100 }] },
        },
      },
      expect: [
        {
          path: "streams.events.replicas",
          message:
            "streams.events has 1 replica: losing one zone loses unconsumed messages and stops its producers api",
        },
        {
          path: "services.api.regions",
          message: "services.api runs only in eu-west-1: losing that region stops it",
        },
      ],
    },
    {
      name: "a single-replica datastore; a single-region store under a two-region service; single-region services",
      spec: {
        name: "shop",
        datastores: {
          cache: { replication: "primary-replica", replicas: 1, placement: { "eu-west-1": 1 } },
          kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } },
        },
        services: {
          api: {
            regions: ["eu-west-1", "eu-central-1"],
            calls: [
              { to: "kv", timeoutMs: 100 },
              { to: "cache", timeoutMs: 10 },
              { to: "auth", timeoutMs: 50 },
            ],
          },
          auth: { regions: ["eu-west-1"], replicasPerRegion: 3 },
          batch: { regions: ["eu-west-1"], replicasPerRegion: 1 },
        },
      },
      expect: [
        {
          path: "datastores.cache.replicas",
          message:
            "datastores.cache has 1 replica: losing zone eu-west-1a loses its data and stops it and its hard callers api with it",
          fix: "set replicas: 3 spread over three zones of eu-west-1 (survive: zone)",
        },
        {
          path: "datastores.kv.placement",
          message:
            "every replica of datastores.kv is in eu-west-1: losing that region stops api, which runs in other regions too",
        },
        {
          path: "services.auth.regions",
          message:
            "services.auth runs only in eu-west-1: losing that region stops it and its hard callers api with it",
          fix: "add a second region to services.auth.regions",
        },
        {
          path: "services.batch.replicasPerRegion",
          message: "services.batch runs 1 pod in eu-west-1: losing its zone stops it",
          fix: "set replicasPerRegion: 3 (one per zone of eu-west-1), and add a second region",
        },
      ],
    },
    {
      // sa-east-1 offers two zones to many accounts (the catalog's accountZoneLimit): "three zones"
      // cannot be followed there, and three replicas in two zones lose their majority with one zone.
      name: "in a region of two zones, the fixes count two",
      spec: {
        name: "shop",
        datastores: { cache: { replication: "primary-replica", replicas: 1, placement: { "sa-east-1": 1 } } },
        services: { batch: { regions: ["sa-east-1"], replicasPerRegion: 1 } },
      },
      expect: [
        {
          path: "datastores.cache.replicas",
          message: "datastores.cache has 1 replica: losing zone sa-east-1a loses its data and stops it",
          fix: "set replicas: 3, two in sa-east-1's two zones and one in another region (survive: zone): with three in two zones, losing the zone that holds two leaves no majority",
        },
        {
          path: "services.batch.replicasPerRegion",
          message: "services.batch runs 1 pod in sa-east-1: losing its zone stops it",
          fix: "set replicasPerRegion: 2 (one per zone of sa-east-1), and add a second region",
        },
      ],
    },
    {
      // A stream in one region under producers elsewhere was not flagged; a service whose store is
      // in its region alone was told to add a region, which alone changes nothing.
      name: "a single-region stream under a two-region producer; a service and its store in one region",
      spec: {
        name: "shop",
        datastores: { ledger: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
        streams: { events: { partitions: 4, regions: ["eu-west-1"], replicas: 3, minInSync: 2 } },
        services: {
          api: {
            regions: ["eu-west-1", "eu-central-1"],
            replicasPerRegion: 3,
            calls: [{ to: "events", timeoutMs: 100 }],
          },
          books: { regions: ["eu-west-1"], replicasPerRegion: 3, calls: [{ to: "ledger", timeoutMs: 100 }] },
        },
      },
      expect: [
        {
          path: "streams.events.regions",
          message:
            "every broker of streams.events is in eu-west-1: losing that region stops api, which runs in other regions too",
          fix: "run events in a second region (regions), or call it with hard: false and a fallback",
        },
        {
          path: "services.books.regions",
          message: "services.books runs only in eu-west-1: losing that region stops it",
          fix: "add a second region to services.books.regions, and place datastores.ledger there too (it is only in eu-west-1)",
        },
      ],
    },
  ],
});
