import { residency } from "../../../policies/rules/residency.js";

type DatastoreInput = NonNullable<TopologyInput["datastores"]>[string];

import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { describeRule } from "../harness.js";

const euStore = {
  replication: "consensus",
  replicas: 3,
  placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 },
  residency: ["EU"],
} satisfies DatastoreInput;

describeRule(residency, {
  compliant: [
    {
      name: "EU replicas, EU backups, EU callers",
      spec: {
        name: "shop",
        datastores: { accounts: { ...euStore, backup: { regions: ["eu-central-1"] } } },
        services: {
          api: {
            regions: ["eu-west-1", "eu-central-1"],
            calls: [{ to: "accounts", op: "write", timeoutMs: 100 }],
          },
        },
      },
    },
    {
      name: "country codes are allowed alongside jurisdictions",
      spec: {
        name: "shop",
        datastores: {
          accounts: {
            replication: "consensus",
            replicas: 3,
            placement: { "eu-west-2": 3 },
            residency: ["GB"],
          },
        },
      },
    },
  ],
  noncompliant: [
    {
      // Calls with op produce / consume reach the stream's records as declared producers do.
      name: "US services producing to and consuming from an EU stream through calls",
      spec: {
        name: "shop",
        streams: { events: { regions: ["eu-west-1"], partitions: 6, residency: ["EU"] } },
        services: {
          api: {
            regions: ["eu-west-1", "us-east-1"],
            calls: [{ to: "events", op: "produce", timeoutMs: 100 }],
          },
          reader: { regions: ["us-east-1"], calls: [{ to: "events", op: "consume", timeoutMs: 100 }] },
        },
      },
      expect: [
        {
          path: "services.api.calls[0]",
          message:
            "services.api runs in us-east-1 (US) and produces to streams.events, whose data must stay in EU",
        },
        {
          path: "services.reader.calls[0]",
          message:
            "services.reader runs in us-east-1 (US) and consumes from streams.events, whose data must stay in EU",
        },
      ],
    },
    {
      name: "a replica in the US",
      spec: {
        name: "shop",
        datastores: {
          accounts: { ...euStore, placement: { "eu-west-1": 2, "us-east-1": 1 } },
        },
      },
      expect: [
        {
          path: "datastores.accounts.placement",
          message:
            "replica region us-east-1 (US) is outside the allowed jurisdictions EU of datastores.accounts",
          fix: "move the us-east-1 replicas to a region in EU",
        },
      ],
    },
    {
      name: "cross-layer: a us-east-1 service writes EU-resident data; a backup in the US",
      spec: {
        name: "shop",
        datastores: { accounts: { ...euStore, backup: { regions: ["us-east-1"] } } },
        services: {
          api: {
            regions: ["eu-west-1", "us-east-1"],
            calls: [{ to: "accounts", op: "write", timeoutMs: 100 }],
          },
        },
      },
      expect: [
        {
          path: "datastores.accounts.backup.regions",
          message:
            "backup region us-east-1 (US) is outside the allowed jurisdictions EU of datastores.accounts",
        },
        {
          path: "services.api.calls[0]",
          message:
            "services.api runs in us-east-1 (US) and writes datastores.accounts, whose data must stay in EU",
          fix: "run api only in regions in EU, or route us-east-1 requests through a service inside EU",
        },
      ],
    },
    {
      name: "stream cluster, producer and a service's own residency",
      spec: {
        name: "shop",
        services: {
          api: { regions: ["eu-west-1", "ap-northeast-1"], residency: ["EU"] },
          sink: { regions: ["eu-west-1"] },
        },
        streams: {
          clicks: {
            partitions: 4,
            regions: ["eu-west-1", "us-west-2"],
            residency: ["EU"],
            producers: ["api"],
            consumers: ["sink"],
          },
        },
      },
      expect: [
        {
          path: "streams.clicks.regions",
          message: "stream region us-west-2 (US) is outside the allowed jurisdictions EU of streams.clicks",
        },
        {
          path: "streams.clicks.producers",
          message:
            "services.api runs in ap-northeast-1 (JP) and produces to streams.clicks, whose data must stay in EU",
        },
        {
          path: "services.api.regions",
          message: "services.api runs in ap-northeast-1 (JP), outside its allowed jurisdictions EU",
        },
      ],
    },
    {
      // Said "remove us-east-1 from services.api.regions": regions needs one (exit 2 once applied).
      name: "a service whose only region is outside its jurisdictions",
      spec: {
        name: "shop",
        services: { api: { regions: ["us-east-1"], residency: ["EU"] } },
      },
      expect: [
        {
          path: "services.api.regions",
          message: "services.api runs in us-east-1 (US), outside its allowed jurisdictions EU",
          fix: "run api in a region in EU instead (services.api.regions)",
        },
      ],
    },
    {
      name: "an EU-resident stream mirrored to the US",
      spec: {
        name: "shop",
        services: { api: { regions: ["eu-west-1"], residency: ["EU"] } },
        streams: {
          payments: {
            partitions: 12,
            regions: ["eu-west-1"],
            mirrorRegions: ["us-east-1"],
            residency: ["EU"],
            producers: ["api"],
            consumers: ["api"],
          },
        },
      },
      expect: [
        {
          path: "streams.payments.mirrorRegions",
          message: "mirror region us-east-1 (US) is outside the allowed jurisdictions EU of streams.payments",
          fix: "mirror payments only to regions in EU (remove us-east-1 from mirrorRegions)",
        },
      ],
    },
  ],
});
