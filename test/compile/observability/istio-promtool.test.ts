/**
 * The default path for services, run by promtool over series as Istio's sidecars serve them: the
 * server side (`reporter="destination"`) is the SLI, the callers' side is ignored, and the
 * millisecond histogram is compared with the target in seconds.
 */
import { describe, expect, test } from "vitest";
import { ALERT } from "../../../src/compile/observability/index.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { alertRule, firing, promtoolSuite, promtoolTest, regionRules } from "../../engines/promtool.js";
import { modelOf } from "./fixture.js";

const MESH: TopologyInput = {
  name: "mesh",
  services: {
    web: {
      regions: ["eu-west-1"],
      slo: { availability: 0.999, latencyP99Ms: 250 },
      deploy: { target: "kubernetes", image: "ghcr.io/acme/web:1.0.0" },
    },
  },
};

const groups = regionRules(modelOf(MESH), "web", "eu-west-1");
const RECORDED = { topoplan_component: "web", topoplan_region: "eu-west-1", topoplan_topology: "mesh" };

/** 6,000 requests a minute seen by `reporter`, `failed` of them answered 503. */
function requests(reporter: "destination" | "source", failed: number) {
  const series = (code: string, perMinute: number) => ({
    series: `istio_requests_total{topoplan_component="web",reporter="${reporter}",response_code="${code}"}`,
    values: `0+${perMinute}x90`,
  });
  return [series("200", 6000 - failed), series("503", failed)];
}

/** 6,000 requests a minute at the destination, `slow` of them between 250 and 500 ms, the rest under 100 ms. */
function durations(slow: number) {
  const cumulative: Record<string, number> = {
    "100": 6000 - slow,
    "250": 6000 - slow,
    "500": 6000,
    "+Inf": 6000,
  };
  return Object.entries(cumulative).map(([le, perMinute]) => ({
    series: `istio_request_duration_milliseconds_bucket{topoplan_component="web",reporter="destination",le="${le}"}`,
    values: `0+${perMinute}x90`,
  }));
}

describe("Istio's series", () => {
  test("the rules read the server side only", () => {
    expect(alertRule(groups, ALERT.latency).expr).toBe(
      'topoplan:request_duration_seconds:p99_rate5m{topoplan_component="web"} > 0.25',
    );
  });
});

promtoolSuite("promtool: a service on Istio's standard metrics", () => {
  const page = alertRule(groups, ALERT.burnPage);
  const latency = alertRule(groups, ALERT.latency);

  test("2% of the server side's answers are 503: the page fires", () => {
    promtoolTest(groups, [
      {
        interval: "1m",
        input_series: [...requests("destination", 120), ...durations(0)],
        alert_rule_test: [
          { eval_time: "60m", alertname: ALERT.burnPage, exp_alerts: [firing(page, RECORDED)] },
        ],
      },
    ]);
  });

  test("503s seen only by the callers' proxies (reporter=source), none by the server's: no page", () => {
    promtoolTest(groups, [
      {
        interval: "1m",
        input_series: [...requests("destination", 0), ...requests("source", 600), ...durations(0)],
        alert_rule_test: [{ eval_time: "60m", alertname: ALERT.burnPage, exp_alerts: [] }],
      },
    ]);
  });

  test("p99 above 250 ms (2% of requests between 250 and 500 ms) fires; 0.5% does not", () => {
    promtoolTest(groups, [
      {
        interval: "1m",
        input_series: [...requests("destination", 0), ...durations(120)],
        alert_rule_test: [
          { eval_time: "30m", alertname: ALERT.latency, exp_alerts: [firing(latency, RECORDED)] },
        ],
      },
      {
        interval: "1m",
        input_series: [...requests("destination", 0), ...durations(30)],
        alert_rule_test: [{ eval_time: "30m", alertname: ALERT.latency, exp_alerts: [] }],
      },
    ]);
  });

  test("an idle service (requests counted, none in the window) alerts on nothing and divides by no zero", () => {
    const idle = (name: string) => ({ series: name, values: "100x90" });
    promtoolTest(groups, [
      {
        interval: "1m",
        input_series: [
          idle('istio_requests_total{topoplan_component="web",reporter="destination",response_code="200"}'),
          idle(
            'istio_request_duration_milliseconds_bucket{topoplan_component="web",reporter="destination",le="+Inf"}',
          ),
        ],
        alert_rule_test: [ALERT.burnPage, ALERT.burnTicket, ALERT.latency, ALERT.metricsAbsent].map(
          (alertname) => ({ eval_time: "60m", alertname, exp_alerts: [] }),
        ),
      },
    ]);
  });
});

/** A gRPC service: every answer is HTTP 200, the outcome is in `grpc_response_status` (its number). */
const GRPC_MESH: TopologyInput = {
  name: "mesh",
  services: {
    stock: {
      regions: ["eu-west-1"],
      slo: { availability: 0.999 },
      deploy: { target: "kubernetes", image: "ghcr.io/acme/stock:1.0.0", protocol: "grpc" },
    },
  },
};
const grpcGroups = regionRules(modelOf(GRPC_MESH), "stock", "eu-west-1");

/** 6,000 calls a minute at the server side, `failed` of them ending with gRPC status `status`. */
function grpcCalls(status: string, failed: number) {
  const series = (grpc: string, perMinute: number) => ({
    series: `istio_requests_total{topoplan_component="stock",reporter="destination",response_code="200",grpc_response_status="${grpc}"}`,
    values: `0+${perMinute}x90`,
  });
  return [series("0", 6000 - failed), series(status, failed)];
}

promtoolSuite("promtool: a gRPC service on Istio's standard metrics", () => {
  const page = alertRule(grpcGroups, ALERT.burnPage);
  const recorded = { topoplan_component: "stock", topoplan_region: "eu-west-1", topoplan_topology: "mesh" };

  test("2% of calls end UNAVAILABLE (14) in an HTTP 200: the page fires", () => {
    promtoolTest(grpcGroups, [
      {
        interval: "1m",
        input_series: grpcCalls("14", 120),
        alert_rule_test: [
          { eval_time: "60m", alertname: ALERT.burnPage, exp_alerts: [firing(page, recorded)] },
        ],
      },
    ]);
  });

  test("2% end NOT_FOUND (5), the caller's mistake as a 4xx would be: no page", () => {
    promtoolTest(grpcGroups, [
      {
        interval: "1m",
        input_series: grpcCalls("5", 120),
        alert_rule_test: [{ eval_time: "60m", alertname: ALERT.burnPage, exp_alerts: [] }],
      },
    ]);
  });
});
