import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { parseStackSettings, readStackSettings } from "../../src/pulumi/config.js";
import { installMocks } from "./helpers/mocks.js";

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("readStackSettings", () => {
  it("reads topoplan:* config, structured values from their JSON text, with defaults", async () => {
    await installMocks({
      config: {
        "topoplan:topology": "stacks/global-kv.ts",
        "topoplan:clusters": { "eu-west-1": { context: "kind-eu-west-1", namespace: "kv" } },
      },
    });
    expect(readStackSettings()).toEqual({
      topology: "stacks/global-kv.ts",
      failOn: "error",
      clusters: { "eu-west-1": { context: "kind-eu-west-1", namespace: "kv" } },
      awsAccounts: {},
      network: {},
      alarmTopicArns: {},
      regionCidrs: {},
      installAddons: false,
      ingressNamespace: "istio-system",
      meshMode: "sidecar",
      zoneLabels: "required",
      alarmSubscriptions: [],
    });
  });

  it("reads the network settings the compilers use: existing VPCs, alarm topics, region CIDRs", async () => {
    await installMocks({
      config: {
        "topoplan:topology": "stacks/hybrid.ts",
        "topoplan:network": {
          "eu-west-1": {
            vpcId: "vpc-0abc123",
            subnetIds: ["subnet-0a", "subnet-0b"],
            callerCidrs: ["10.40.0.0/16"],
          },
        },
        "topoplan:alarmTopicArns": { "eu-west-1": "arn:aws:sns:eu-west-1:123456789012:oncall" },
        "topoplan:regionCidrs": { "eu-west-1": ["10.40.0.0/16"] },
      },
    });
    expect(readStackSettings()).toMatchObject({
      network: { "eu-west-1": { vpcId: "vpc-0abc123", subnetIds: ["subnet-0a", "subnet-0b"] } },
      alarmTopicArns: { "eu-west-1": "arn:aws:sns:eu-west-1:123456789012:oncall" },
      regionCidrs: { "eu-west-1": ["10.40.0.0/16"] },
    });
  });

  it("rejects a subnet that is not a subnet id", async () => {
    await installMocks({
      config: {
        "topoplan:topology": "stacks/hybrid.ts",
        "topoplan:network": { "eu-west-1": { vpcId: "vpc-0abc", subnetIds: ["sn-1"] } },
      },
    });
    expect(inputError(() => readStackSettings()).diagnostics.map((d) => d.path)).toEqual([
      "topoplan:network.eu-west-1.subnetIds[0]",
    ]);
  });

  it("reads failOn and awsAccounts", async () => {
    await installMocks({
      config: {
        "topoplan:topology": "stacks/streaming.ts",
        "topoplan:failOn": "warning",
        "topoplan:awsAccounts": {
          "eu-west-1": {
            profile: "prod",
            assumeRoleArn: "arn:aws:iam::123456789012:role/deploy",
            allowedAccountIds: ["123456789012"],
          },
        },
      },
    });
    expect(readStackSettings(new pulumi.Config("topoplan"))).toMatchObject({
      failOn: "warning",
      awsAccounts: {
        "eu-west-1": { profile: "prod", assumeRoleArn: "arn:aws:iam::123456789012:role/deploy" },
      },
    });
  });

  it("says how to set a missing topology", async () => {
    await installMocks({ config: {} });
    expect(inputError(() => readStackSettings()).diagnostics).toEqual([
      {
        code: "config/missing",
        severity: "error",
        path: "topoplan:topology",
        message: "the stack names no topology",
        fix: "pulumi config set topoplan:topology stacks/<name>.ts",
      },
    ]);
  });

  it("rejects a structured setting given as plain text", async () => {
    await installMocks({
      config: { "topoplan:topology": "stacks/x.ts", "topoplan:clusters": "kind-eu-west-1" },
    });
    const [problem] = inputError(() => readStackSettings()).diagnostics;
    expect(problem).toMatchObject({
      path: "topoplan:clusters",
      message: 'expected a structured value (YAML map), got "kind-eu-west-1"',
    });
  });
});

describe("parseStackSettings", () => {
  it("reads the ingress gateway's namespace (Istio's Helm guide: istio-ingress), a namespace name", () => {
    expect(
      parseStackSettings({ topology: "stacks/x.ts", ingressNamespace: "istio-ingress" }).ingressNamespace,
    ).toBe("istio-ingress");
    expect(parseStackSettings({ topology: "stacks/x.ts" }).ingressNamespace).toBe("istio-system");
    const [problem] = inputError(() =>
      parseStackSettings({ topology: "stacks/x.ts", ingressNamespace: "Istio Ingress" }),
    ).diagnostics;
    expect(problem).toMatchObject({ path: "topoplan:ingressNamespace" });
  });

  it("reads the rollout Jobs' image, an image reference (no spaces, no shell)", () => {
    const settings = (rolloutImage?: string) =>
      parseStackSettings({
        topology: "stacks/x.ts",
        ...(rolloutImage === undefined ? {} : { rolloutImage }),
      });
    expect(settings().rolloutImage).toBeUndefined();
    expect(settings("registry.example.com/tools/k8s@sha256:0123abcd").rolloutImage).toBe(
      "registry.example.com/tools/k8s@sha256:0123abcd",
    );
    const [problem] = inputError(() => settings("alpine/k8s:1.31 $(id)")).diagnostics;
    expect(problem).toMatchObject({ path: "topoplan:rolloutImage" });
  });

  it("refuses ambient mode, saying why, rather than compile a mesh whose traffic the policies refuse", () => {
    const [problem] = inputError(() =>
      parseStackSettings({ topology: "stacks/x.ts", meshMode: "ambient" }),
    ).diagnostics;
    expect(problem).toMatchObject({ path: "topoplan:meshMode" });
    expect(problem!.message).toMatch(
      /only "sidecar" is supported: in ambient mode the NetworkPolicies would refuse/,
    );
  });

  it("reports every problem with its config path", () => {
    const error = inputError(() =>
      parseStackSettings({
        topology: "stacks/x.ts",
        failOn: "fatal",
        clusters: { "eu-west-1": { contxt: "kind-eu-west-1" } },
        awsAccounts: { "eu-west-1": { assumeRoleArn: "deploy" } },
      }),
    );
    const paths = error.diagnostics.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "topoplan:failOn",
        expect.stringMatching(/^topoplan:clusters\.eu-west-1/),
        "topoplan:awsAccounts.eu-west-1.assumeRoleArn",
      ]),
    );
    expect(error.diagnostics.every((d) => d.code === "config/invalid" && d.severity === "error")).toBe(true);
    expect(JSON.stringify(error.diagnostics)).toContain("context");
  });
});
