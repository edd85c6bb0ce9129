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
  ],
  noncompliant: [
    {
      name: "an SLO on an external component; a consumer-lag SLO",
      spec: {
        name: "shop",
        services: { partner: { regions: ["eu-west-1"], slo: { availability: 0.999, latencyP99Ms: 300 } } },
        streams: {
          clicks: {
            partitions: 4,
            regions: ["eu-west-1"],
            slo: { consumerLagMs: 5000 },
            deploy: { target: "aws", service: "msk" },
          },
        },
      },
      expect: [
        {
          path: "services.partner.slo",
          message:
            "services.partner has SLOs (availability, latencyP99Ms) but deploy target external: topoplan generates no alert for them",
          fix: "deploy partner with topoplan (kubernetes or aws), or alert on it where it runs and suppress this finding with that reason",
        },
        {
          path: "streams.clicks.slo.consumerLagMs",
          message:
            "streams.clicks has a consumerLagMs SLO but no consumer-lag metric to derive it from (observability.metrics has requests, latency and replicationLag only)",
        },
      ],
    },
  ],
});
