import { observabilityCoverage } from "../../../policies/rules/observability-coverage.js";
import { describeRule } from "../harness.js";

describeRule(observabilityCoverage, {
  compliant: [
    {
      name: "deployed components with SLOs; an external one without",
      spec: {
        name: "shop",
        services: {
          api: {
            regions: ["eu-west-1"],
            slo: { availability: 0.999 },
            deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
          },
          partner: { regions: ["eu-west-1"] },
        },
        streams: {
          clicks: {
            partitions: 4,
            regions: ["eu-west-1"],
            slo: { availability: 0.999 },
            deploy: { target: "aws", service: "msk" },
          },
        },
      },
    },
    {
      name: "an MSK stream's consumer lag: CloudWatch alarms on EstimatedMaxTimeLag per consumer group",
      spec: {
        name: "shop",
        services: {
          api: {
            regions: ["eu-west-1"],
            calls: [{ to: "clicks", timeoutMs: 100 }],
            traffic: { requestsPerSec: 100 },
            deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
          },
          reporter: {
            regions: ["eu-west-1"],
            traffic: { requestsPerSec: 100 },
            deploy: { target: "kubernetes", image: "ghcr.io/acme/reporter:1.0.0" },
          },
        },
        streams: {
          clicks: {
            partitions: 4,
            regions: ["eu-west-1"],
            producers: ["api"],
            consumers: ["reporter"],
            slo: { consumerLagMs: 5000 },
            deploy: { target: "aws", service: "msk" },
          },
        },
      },
    },
    {
      name: "a stream consumer that users call (it declares traffic) keeps the mesh's indicators",
      spec: {
        name: "shop",
        services: {
          api: {
            regions: ["eu-west-1"],
            calls: [{ to: "clicks", timeoutMs: 100 }],
            deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
          },
          reporter: {
            regions: ["eu-west-1"],
            traffic: { requestsPerSec: 500 },
            slo: { availability: 0.999 },
            deploy: { target: "kubernetes", image: "ghcr.io/acme/reporter:1.0.0" },
          },
        },
        streams: {
          clicks: {
            partitions: 4,
            regions: ["eu-west-1"],
            producers: ["api"],
            consumers: ["reporter"],
            deploy: { target: "aws", service: "msk" },
          },
        },
      },
    },
    {
      name: "stream consumers with an alert path: one declares its metrics, one is called",
      spec: {
        name: "shop",
        services: {
          api: {
            regions: ["eu-west-1"],
            calls: [
              { to: "clicks", timeoutMs: 100 },
              { to: "scorer", timeoutMs: 100 },
            ],
            deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
          },
          sessionizer: {
            regions: ["eu-west-1"],
            slo: { availability: 0.999 },
            observability: {
              metrics: {
                requests: "kafka_streams_records_total",
                errorSelector: 'outcome="failed"',
              },
            },
            deploy: { target: "kubernetes", image: "ghcr.io/acme/sessionizer:1.0.0" },
          },
          scorer: {
            regions: ["eu-west-1"],
            slo: { availability: 0.999 },
            deploy: { target: "kubernetes", image: "ghcr.io/acme/scorer:1.0.0" },
          },
        },
        streams: {
          clicks: {
            partitions: 4,
            regions: ["eu-west-1"],
            producers: ["api"],
            consumers: ["sessionizer", "scorer"],
            deploy: { target: "aws", service: "msk" },
          },
        },
      },
    },
  ],
  noncompliant: [
    {
      name: "an MSK stream's end-to-end latency: no CloudWatch metric spans producer to consumer",
      spec: {
        name: "shop",
        streams: {
          clicks: {
            partitions: 4,
            regions: ["eu-west-1"],
            slo: { endToEndP99Ms: 500 },
            deploy: { target: "aws", service: "msk" },
          },
        },
      },
      expect: [
        {
          path: "streams.clicks.slo",
          message:
            "streams.clicks SLO endToEndP99Ms has no alert: MSK's CloudWatch metrics give no producer-to-consumer latency",
        },
      ],
    },
    {
      name: "an SLO on an external component; a consumer-lag SLO on a stream without an engine",
      spec: {
        name: "shop",
        services: { partner: { regions: ["eu-west-1"], slo: { availability: 0.999, latencyP99Ms: 300 } } },
        streams: {
          clicks: {
            partitions: 4,
            regions: ["eu-west-1"],
            slo: { consumerLagMs: 5000 },
            deploy: { target: "kubernetes", image: "ghcr.io/acme/queue:1.0.0" },
          },
        },
      },
      expect: [
        {
          path: "services.partner.slo",
          message:
            "services.partner has SLOs (availability, latencyP99Ms) but deploy target external: topoplan generates no alert for them",
          // A service: the AWS target hosts none (it said "kubernetes or aws").
          fix: "deploy partner with topoplan (deploy.target: kubernetes), or alert on it where it runs and suppress this finding with that reason",
        },
        {
          path: "streams.clicks.slo.consumerLagMs",
          message:
            "streams.clicks has a consumerLagMs SLO but no consumer-lag metric in milliseconds to derive it from",
        },
      ],
    },
    {
      name: "an SLO its engine has no metric for; a datastore with neither an engine nor declared metrics",
      spec: {
        name: "shop",
        datastores: {
          orders: {
            replication: "primary-replica",
            replicas: 2,
            placement: { "eu-west-1": 2 },
            slo: { availability: 0.999, readP99Ms: 20, replicationLagMs: 1000 },
            deploy: { target: "kubernetes", engine: "postgresql" },
          },
          cache: {
            replication: "primary-replica",
            replicas: 2,
            placement: { "eu-west-1": 2 },
            slo: { availability: 0.999 },
            deploy: { target: "kubernetes", image: "redis:7.2.7" },
          },
        },
      },
      expect: [
        {
          path: "datastores.cache.slo",
          message:
            "datastores.cache SLO availability has no alert: no known metrics (no engine, no observability.metrics): no indicator",
          fix: 'its image is redis\'s: set datastores.cache.deploy.engine: "redis" so topoplan configures the cluster and alerts on its metrics',
        },
        {
          path: "datastores.orders.slo",
          message:
            "datastores.orders SLO readP99Ms/writeP99Ms has no alert: the PostgreSQL engine's metrics give no indicator for it",
        },
      ],
    },
    {
      name: "a stream consumer nothing calls, with the mesh's metrics only",
      spec: {
        name: "shop",
        services: {
          api: {
            regions: ["eu-west-1"],
            calls: [{ to: "clicks", timeoutMs: 100 }],
            deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
          },
          sessionizer: {
            regions: ["eu-west-1"],
            slo: { availability: 0.999 },
            deploy: { target: "kubernetes", image: "ghcr.io/acme/sessionizer:1.0.0" },
          },
          scorer: { regions: ["eu-west-1"] },
        },
        streams: {
          clicks: {
            partitions: 4,
            regions: ["eu-west-1"],
            producers: ["api"],
            consumers: ["sessionizer", "scorer"],
            deploy: { target: "aws", service: "msk" },
          },
        },
      },
      expect: [
        {
          path: "services.sessionizer.slo",
          message:
            "services.sessionizer SLO availability has no alert: it consumes streams, no service calls it and it declares no traffic, so the mesh's request metrics (Istio) never see its work",
          fix: "name the metrics it exports in services.sessionizer.observability.metrics (its record counters as requests, failed records as the error selector), or drop the SLO",
        },
      ],
    },
  ],
});
