import { describe, expect, it } from "vitest";
import { AWS_TOKENS } from "../../src/compile/aws/typed.js";
import type { PlannedResource } from "../../src/compile/plan.js";
import { AWS_CLASSES, constructorFor, KUBERNETES_CLASSES } from "../../src/pulumi/registry.js";

const typeOf = (cls: unknown) => (cls as { __pulumiType: string }).__pulumiType;

const k8s = (type: string, apiVersion: string, kind: string): PlannedResource => ({
  type,
  name: "r",
  provider: "kubernetes",
  region: "eu-west-1",
  component: "",
  inputs: { apiVersion, kind, metadata: { name: "r" } },
});

describe("registry", () => {
  it("keys every class by the type token the class itself registers", () => {
    for (const [token, cls] of Object.entries({ ...KUBERNETES_CLASSES, ...AWS_CLASSES })) {
      expect(typeOf(cls), token).toBe(token);
    }
  });

  it("has a class for every token the aws compiler can emit", () => {
    expect(AWS_TOKENS.filter((t) => AWS_CLASSES[t] === undefined)).toEqual([]);
  });

  it("falls back to CustomResource for CRD kinds, whose token is kubernetes:<group>/<version>:<Kind>", () => {
    for (const [group, version, kind] of [
      ["monitoring.coreos.com", "v1", "PrometheusRule"],
      ["monitoring.coreos.com", "v1", "ServiceMonitor"],
      ["networking.istio.io", "v1", "VirtualService"],
      ["networking.istio.io", "v1", "DestinationRule"],
      ["security.istio.io", "v1", "PeerAuthentication"],
      ["chaos-mesh.org", "v1alpha1", "NetworkChaos"],
      ["chaos-mesh.org", "v1alpha1", "Schedule"],
    ] as const) {
      const construct = constructorFor(
        k8s(`kubernetes:${group}/${version}:${kind}`, `${group}/${version}`, kind),
      );
      expect(typeof construct, kind).toBe("function");
    }
  });

  it("maps the core group to apiVersion v1", () => {
    expect(typeof constructorFor(k8s("kubernetes:core/v1:ConfigMap", "v1", "ConfigMap"))).toBe("function");
  });

  it("names an unknown AWS token", () => {
    const r: PlannedResource = {
      ...k8s("aws:lambda/function:Function", "", ""),
      provider: "aws",
      inputs: {},
    };
    expect(constructorFor(r)).toBe(
      'unknown resource type "aws:lambda/function:Function" (resource "r"); add the token and its class to src/pulumi/registry.ts',
    );
  });

  it("refuses a built-in Kubernetes kind it has no typed class for, instead of registering it as a CR", () => {
    expect(constructorFor(k8s("kubernetes:core/v1:Pod", "v1", "Pod"))).toMatch(
      /^unknown resource type "kubernetes:core\/v1:Pod" .*built-in Kubernetes kind/,
    );
    expect(
      constructorFor(k8s("kubernetes:storage.k8s.io/v1:StorageClass", "storage.k8s.io/v1", "StorageClass")),
    ).toMatch(/^unknown resource type "kubernetes:storage.k8s.io\/v1:StorageClass"/);
  });

  it("refuses a manifest whose apiVersion/kind disagree with the token", () => {
    expect(constructorFor(k8s("kubernetes:apps/v1:StatefulSet", "apps/v1", "Deployment"))).toBe(
      '"r" has type "kubernetes:apps/v1:StatefulSet" but its manifest says apiVersion "apps/v1", kind "Deployment"; expected "apps/v1", "StatefulSet"',
    );
  });

  it("refuses a token of another provider", () => {
    const r: PlannedResource = { ...k8s("kubernetes:core/v1:Namespace", "v1", "Namespace"), provider: "aws" };
    expect(constructorFor(r)).toMatch(/must start with "aws:"/);
  });
});
