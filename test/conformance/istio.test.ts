import { DestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule";
import { ServiceEntry } from "@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry";
import { VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService";
import { PeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication";
import { describe, expect, test } from "vitest";
import { compileMesh, TYPES } from "../../src/compile/mesh/index.js";
import { ENGINE_SHOP } from "../compile/kubernetes/helpers.js";
import { modelOf, smallModel } from "../compile/observability/fixture.js";
import { readStack } from "./promtool/stacks.js";

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  [TYPES.virtualService]: VirtualService,
  [TYPES.destinationRule]: DestinationRule,
  [TYPES.peerAuthentication]: PeerAuthentication,
  [TYPES.serviceEntry]: ServiceEntry,
};

const models = [
  { name: "small fixture", model: smallModel() },
  // Engines: etcd's gRPC streams route, CloudNativePG's -rw, a callee across clusters.
  { name: "engine fixture", model: modelOf(ENGINE_SHOP) },
  ...(await readStack()),
];

describe.each(models)("Istio conformance: $name", ({ model }) => {
  const plan = compileMesh(model);

  test("every resource validates against @kubernetes-models/istio and its apiVersion matches the type token", () => {
    expect(plan.length).toBeGreaterThan(0);
    for (const r of plan) {
      const Model = MODELS[r.type];
      expect(Model, r.type).toBeDefined();
      const inputs = r.inputs as { apiVersion: string; kind: string };
      expect(r.type).toBe(`kubernetes:${inputs.apiVersion}:${inputs.kind}`);
      expect(() => new Model!(inputs as never).validate(), r.name).not.toThrow();
    }
  });

  test("Istio durations are seconds with an `s` suffix (protobuf JSON Duration)", () => {
    for (const r of plan.filter((x) => x.type === TYPES.virtualService)) {
      const http = (
        r.inputs as { spec: { http: { timeout?: string; retries?: { perTryTimeout?: string } }[] } }
      ).spec.http;
      for (const route of http)
        for (const d of [route.timeout, route.retries?.perTryTimeout])
          if (d !== undefined) expect(d).toMatch(/^\d+(\.\d{1,3})?s$/);
    }
  });
});

test("the Istio validation is live: a wrong type is rejected", () => {
  const plan = compileMesh(smallModel());
  const dr = structuredClone(plan.find((r) => r.type === TYPES.destinationRule)!.inputs) as {
    spec: { trafficPolicy: { connectionPool: { tcp: { maxConnections: unknown } } } };
  };
  dr.spec.trafficPolicy.connectionPool.tcp.maxConnections = "many";
  expect(() => new DestinationRule(dr as never).validate()).toThrow();
});
