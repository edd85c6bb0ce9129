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
          fix: "set replicas: 3 spread over three zones (survive: zone)",
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
        },
      ],
    },
  ],
});
