import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { OTEL_METRICS } from "../../compile/observability/fixture.js";

/**
 * The topology the promtool fixtures are written against: one service, 99.9% availability SLO
 * (error budget 0.001), declared OpenTelemetry metric names, one region. The fixtures' expected
 * labels and annotations follow from it.
 */
export const PROMTOOL_TOPOLOGY: TopologyInput = {
  name: "promtool",
  services: {
    api: {
      regions: ["eu-west-1"],
      slo: { availability: 0.999, latencyP99Ms: 200 },
      deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
      observability: { metrics: OTEL_METRICS },
    },
  },
};
