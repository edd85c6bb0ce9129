import { availabilitySlo } from "../../../policies/rules/availability-slo.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { describeRule } from "../harness.js";

const spec: TopologyInput = {
  name: "shop",
  datastores: {
    accounts: {
      replication: "consensus",
      replicas: 3,
      placement: { "eu-west-1": 3 },
      slo: { availability: 0.9999 },
    },
  },
  services: {
    api: {
      regions: ["eu-west-1"],
      calls: [{ to: "accounts", timeoutMs: 100 }],
      slo: { availability: 0.999 },
    },
  },
  streams: { clicks: { partitions: 4, regions: ["eu-west-1"], slo: { availability: 0.999 } } },
};

describeRule(availabilitySlo, {
  compliant: [{ name: "predictions meet every target", spec }],
  noncompliant: [
    {
      // More replicas elsewhere were the advice; only a standby beside the writer helps (review
      // of 55ae438): Aurora re-creates a lone writer in its own zone, and the replica in
      // eu-central-1 is promoted only by an operator.
      name: "an Aurora writer alone in its region: a standby in another zone there, not more regions",
      spec: {
        name: "shop",
        datastores: {
          ledger: {
            replication: "primary-replica",
            sync: "async",
            replicas: 2,
            placement: { "eu-west-1": 1, "eu-central-1": 1 },
            leader: "eu-west-1",
            slo: { availability: 0.999 },
            deploy: { target: "aws", service: "aurora-postgresql" },
          },
        },
      },
      analysis: { datastores: { ledger: { availability: { write: 0.9989, read: 0.99999 } } } },
      expect: [
        {
          path: "datastores.ledger.slo.availability",
          message:
            "predicted write availability 99.89% is below the SLO 99.9% (47.52 min/30 days of downtime against a budget of 43.2 min/30 days)",
          fix: "add a standby in another zone of eu-west-1 (its region promotes it by itself when the primary's zone fails; replicas elsewhere are promoted only by an operator), or relax the SLO to 99.89%",
        },
      ],
    },
    {
      name: "a figure just below its target never prints as the target (cut, and the downtime rounded up)",
      spec,
      analysis: { datastores: { accounts: { availability: { write: 0.99989999, read: 0.99995 } } } },
      expect: [
        {
          path: "datastores.accounts.slo.availability",
          message:
            "predicted write availability 99.9899% is below the SLO 99.99% (4.33 min/30 days of downtime against a budget of 4.32 min/30 days)",
        },
      ],
    },
    {
      name: "write availability below the datastore SLO; service limited by itself; stream short",
      spec,
      analysis: {
        datastores: { accounts: { availability: { write: 0.9995, read: 0.99995 } } },
        services: { api: { availability: 0.998, ownAvailability: 0.9985 } },
        streams: { clicks: { availability: 0.9981 } },
      },
      expect: [
        {
          path: "datastores.accounts.slo.availability",
          message:
            "predicted write availability 99.95% is below the SLO 99.99% (21.6 min/30 days of downtime against a budget of 4.32 min/30 days)",
          fix: "spread the 3 replicas over more zones or regions so a quorum (2) survives more failures, or relax the SLO to 99.95%",
        },
        {
          path: "services.api.slo.availability",
          message:
            "predicted availability 99.8% is below the SLO 99.9% (86.4 min/30 days of downtime against a budget of 43.2 min/30 days)",
          fix: "run api in more regions (its own deployment gives 99.85%), or relax the SLO",
        },
        {
          path: "streams.clicks.slo.availability",
          message:
            "predicted availability 99.81% is below the SLO 99.9% (82.08 min/30 days of downtime against a budget of 43.2 min/30 days)",
        },
      ],
    },
    {
      name: "dependencies drag a service down; no figures is unknown",
      spec,
      analysis: {
        missing: ["accounts"],
        services: { api: { availability: 0.9985, ownAvailability: 0.99999 } },
      },
      expect: [
        {
          path: "datastores.accounts.slo.availability",
          status: "unknown",
          message: "the analysis has no availability figure for datastores.accounts",
        },
        {
          path: "services.api.slo.availability",
          message:
            "predicted availability 99.85% is below the SLO 99.9% (64.8 min/30 days of downtime against a budget of 43.2 min/30 days)",
          fix: "its own deployment gives 99.999%; make its hard dependencies more available or call them with hard: false and a fallback, or relax the SLO",
        },
      ],
    },
  ],
});
