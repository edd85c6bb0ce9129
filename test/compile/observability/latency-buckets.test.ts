/**
 * A p99 latency target between two bucket boundaries is compared with an interpolated p99; the
 * alert says so (review: 400 ms lies in Istio's (250, 500] ms bucket, etcd's 120 ms in the
 * (100, 250] ms bucket of Prometheus's defaults).
 */
import { describe, expect, test } from "vitest";
import { compileKubernetes } from "../../../src/compile/kubernetes/index.js";
import { bucketAround, ISTIO_BUCKETS_ANNOTATION } from "../../../src/compile/observability/buckets.js";
import { ALERT, compileObservability, TYPES } from "../../../src/compile/observability/index.js";
import type { AlertingRule, RuleGroup } from "../../../src/compile/observability/rules.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { modelOf, OTEL_METRICS } from "./fixture.js";

const ISTIO = "istio_request_duration_milliseconds_bucket";
const GRPC = "grpc_server_handling_seconds_bucket";

describe("bucketAround", () => {
  test.each([
    [ISTIO, 400, { lowerMs: 250, upperMs: 500 }],
    [ISTIO, 150, { lowerMs: 100, upperMs: 250 }],
    [ISTIO, 200, { lowerMs: 100, upperMs: 250 }],
    [ISTIO, 2_000, { lowerMs: 1_000, upperMs: 2_500 }],
    [ISTIO, 3_000, { lowerMs: 2_500, upperMs: 5_000 }],
    [ISTIO, 0.2, { lowerMs: 0, upperMs: 0.5 }],
    [`${GRPC}{topoplan_component="config"}`, 120, { lowerMs: 100, upperMs: 250 }],
  ])("%s, %s ms: inside %o", (series, targetMs, bucket) => {
    expect(bucketAround(series, targetMs)).toEqual(expect.objectContaining(bucket));
  });

  test.each([
    [ISTIO, 250],
    [ISTIO, 1_000],
    [GRPC, 100],
    [GRPC, 2_500],
    // Past the last finite boundary; an unknown histogram.
    [ISTIO, 4_000_000],
    ["http_server_request_duration_seconds_bucket", 400],
  ])("%s, %s ms: exact or unknown", (series, targetMs) => {
    expect(bucketAround(series, targetMs)).toBeUndefined();
  });
});

function latencyAlert(topology: TopologyInput, component: string): AlertingRule {
  const rule = compileObservability(modelOf(topology))
    .filter((r) => r.type === TYPES.prometheusRule && r.component === component)
    .flatMap((r) => (r.inputs as { spec: { groups: RuleGroup[] } }).spec.groups)
    .flatMap((g) => g.rules)
    .find((r): r is AlertingRule => "alert" in r && r.alert === ALERT.latency);
  if (rule === undefined) throw new Error(`no latency alert for ${component}`);
  return rule;
}

const service = (latencyP99Ms: number, metrics?: typeof OTEL_METRICS): TopologyInput => ({
  name: "mesh",
  services: {
    web: {
      regions: ["eu-west-1"],
      slo: { availability: 0.999, latencyP99Ms },
      deploy: { target: "kubernetes", image: "ghcr.io/acme/web:1.0.0" },
      ...(metrics === undefined ? {} : { observability: { metrics } }),
    },
  },
});

describe("the latency alert states when its threshold is interpolated", () => {
  test("a service's target between Istio's defaults becomes a bucket of its own pods, so the alert is exact", () => {
    const alert = latencyAlert(service(400), "web");
    expect(alert.expr).toBe('topoplan:request_duration_seconds:p99_rate5m{topoplan_component="web"} > 0.4');
    expect(alert.annotations.description).toBe(
      "p99 request duration over 5m has stayed above 0.4 s for 10m.",
    );
    const deployment = compileKubernetes(modelOf(service(400))).find(
      (r) => (r.inputs as { kind: string }).kind === "Deployment",
    )!.inputs as { spec: { template: { metadata: { annotations?: Record<string, string> } } } };
    const annotation = deployment.spec.template.metadata.annotations?.[ISTIO_BUCKETS_ANNOTATION];
    expect(JSON.parse(annotation ?? "null")).toEqual({
      istiocustom: [
        0.5, 1, 5, 10, 25, 50, 100, 250, 400, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000,
        600_000, 1_800_000, 3_600_000,
      ],
    });
  });

  test("on a boundary, or with its own histogram, a service's pods keep Istio's defaults", () => {
    for (const spec of [service(250), service(400, OTEL_METRICS)]) {
      const deployment = compileKubernetes(modelOf(spec)).find(
        (r) => (r.inputs as { kind: string }).kind === "Deployment",
      )!.inputs as { spec: { template: { metadata: Record<string, unknown> } } };
      expect(deployment.spec.template.metadata.annotations).toBeUndefined();
    }
  });

  test("a target on a boundary, or a histogram whose buckets topoplan cannot know, says nothing more", () => {
    expect(latencyAlert(service(250), "web").annotations.description).toBe(
      "p99 request duration over 5m has stayed above 0.25 s for 10m.",
    );
    expect(latencyAlert(service(400, OTEL_METRICS), "web").annotations.description).not.toMatch(
      /Approximate/,
    );
  });

  test("etcd (go-grpc-prometheus, Prometheus's default buckets): 120 ms lies in (100, 250]", () => {
    const etcd: TopologyInput = {
      name: "cp",
      datastores: {
        config: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 3 },
          slo: { availability: 0.999, writeP99Ms: 120 },
          deploy: { target: "kubernetes", engine: "etcd" },
        },
      },
    };
    expect(latencyAlert(etcd, "config").annotations.description).toMatch(
      /Approximate: 120 ms lies inside the \(100, 250\] ms bucket of Prometheus's default buckets \(go-grpc-prometheus\)/,
    );
  });
});
