import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check.js";
import { compilePlan } from "../../src/compile/index.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { unwrapDiagnostics } from "../../src/diagnostics/format-text.js";
import { loadTopology } from "../../src/pipeline.js";
import topoplanProgram from "../../src/pulumi/program.js";
import { PROJECT_ROOT, runProgram } from "../../src/pulumi/stack.js";
import { failureOf, installMocks, resourcesOf, runStack } from "./helpers/mocks.js";

const PASSING = "test/pulumi/fixtures/passing.yaml";
const clusters = { "eu-west-1": { context: "kind-eu-west-1" } };
const config = (topology: string, extra: Record<string, unknown> = {}) => ({
  "topoplan:topology": topology,
  "topoplan:clusters": clusters,
  ...extra,
});

const finding = (severity: Diagnostic["severity"], code: string, status?: "unknown"): Diagnostic => ({
  code,
  severity,
  path: "datastores.kv.placement",
  message: `${code} says no`,
  ...(status === undefined ? {} : { status }),
});

describe("the program", () => {
  it("passes the stack's network settings to the compilers: an existing VPC replaces the created one", async () => {
    const hybridClusters = {
      "eu-west-1": { context: "kind-eu-west-1" },
      "eu-central-1": { context: "kind-eu-central-1" },
    };
    const network = {
      "eu-west-1": {
        vpcId: "vpc-0abc123",
        subnetIds: ["subnet-0a1", "subnet-0b2", "subnet-0c3"],
        callerCidrs: ["100.64.0.0/16"],
      },
    };
    const registered = await installMocks({
      stack: "hybrid",
      config: {
        "topoplan:topology": "stacks/hybrid.ts",
        "topoplan:clusters": hybridClusters,
        "topoplan:network": network,
      },
    });
    await runStack(() => topoplanProgram());
    const vpcs = resourcesOf(registered).filter((r) => r.type === "aws:ec2/vpc:Vpc");
    expect(vpcs.map((r) => r.name)).toEqual(["aws-vpc-eu-central-1"]);
    const groups = resourcesOf(registered).filter(
      (r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.name.includes("eu-west-1"),
    );
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(group.inputs.vpcId).toBe("vpc-0abc123");
  });

  it("deploys a topology that passes the check and returns the stack outputs", async () => {
    const registered = await installMocks({ stack: "dev", config: config(PASSING) });
    const outputs = await runStack(() => topoplanProgram());
    const loaded = await loadTopology(PASSING);
    const plan = compilePlan(loaded.model, runCheck(loaded).analysis as never);
    expect(
      resourcesOf(registered)
        .map((r) => r.name)
        .sort(),
    ).toEqual(plan.resources.map((r) => r.name).sort());
    expect(outputs).toEqual({
      topology: "pulumi-passing",
      topoplanTopology: PASSING,
      regions: ["eu-west-1"],
      resourceCount: plan.resources.length,
      resourceCounts: { "eu-west-1": plan.resources.length },
      endpoints: {
        kv: {
          "eu-west-1": expect.arrayContaining([
            expect.stringMatching(/^kv(-peers)?\.[a-z0-9-]+\.svc\.cluster\.local$/),
          ]),
        },
      },
      check: { errors: 0, warnings: 0, unknowns: 0 },
    });
  });

  it("resolves the topology from the project root, not the CWD (Pulumi runs it in src/pulumi)", async () => {
    const registered = await installMocks({ config: config(PASSING) });
    const cwd = process.cwd();
    process.chdir(`${PROJECT_ROOT}src/pulumi`);
    try {
      const outputs = await runStack(() => topoplanProgram());
      expect(outputs.topoplanTopology).toBe(PASSING);
    } finally {
      process.chdir(cwd);
    }
    expect(resourcesOf(registered).length).toBeGreaterThan(0);
  });

  it("stops on an error-level policy finding with the text report, registering nothing", async () => {
    const registered = await installMocks({ config: config("test/pulumi/fixtures/unsurvivable.yaml") });
    const error = await failureOf(() => topoplanProgram());
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(
      /^topoplan: test\/pulumi\/fixtures\/unsurvivable\.yaml has 1 finding at or above failOn "error"; nothing was registered\.\n\npulumi-unsurvivable {2}test\/pulumi\/fixtures\/unsurvivable\.yaml\n/,
    );
    // The text report wraps at 100 columns; unwrapped, each finding is one line.
    expect(unwrapDiagnostics(error.message)).toMatch(
      /error +datastores\.kv\.placement +survive: region does not hold.*\[survival\]/,
    );
    expect(error.message).toContain("FAIL  1 error");
    expect(registered).toEqual([]);
  });

  it("stops on an invalid spec with every problem, registering nothing", async () => {
    const registered = await installMocks({ config: config("test/pulumi/fixtures/invalid.yaml") });
    const error = await failureOf(() => topoplanProgram());
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toContain("topoplan: invalid input");
    expect(error.message).toContain('unknown field "replicaz": did you mean "replicas"?');
    expect(registered).toEqual([]);
  });

  it("stops on bad stack config before loading anything", async () => {
    const registered = await installMocks({
      config: { "topoplan:clusters": clusters, "topoplan:failOn": "fatal" },
    });
    const error = await failureOf(() => topoplanProgram());
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toContain("topoplan:topology");
    expect(registered).toEqual([]);
  });

  it("stops when a region with Kubernetes resources has no cluster settings, naming the region", async () => {
    const registered = await installMocks({ stack: "dev", config: { "topoplan:topology": PASSING } });
    const error = await failureOf(() => topoplanProgram());
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toContain(
      "Kubernetes resources are planned in eu-west-1 but topoplan:clusters has no settings for it; add to stacks/Pulumi.dev.yaml:",
    );
    expect(registered).toEqual([]);
  });

  describe("failOn", () => {
    const settings = {
      topology: PASSING,
      clusters,
      awsAccounts: {},
      network: {},
      alarmTopicArns: {},
      regionCidrs: {},
      installAddons: false,
      ingressNamespace: "istio-system",
      meshMode: "sidecar",
      zoneLabels: "required",
      alarmSubscriptions: [],
    } as const;
    const checkWith =
      (...findings: Diagnostic[]) =>
      (loaded: Parameters<typeof runCheck>[0]) => ({
        ...runCheck(loaded),
        findings,
        summary: {
          errors: findings.filter((f) => f.severity === "error" && f.status === undefined).length,
          warnings: findings.filter((f) => f.severity === "warning" && f.status === undefined).length,
          infos: 0,
          unknowns: findings.filter((f) => f.status === "unknown").length,
          suppressed: 0,
        },
      });

    it("error (default): warnings and unknown errors do not stop it; they are counted in the outputs", async () => {
      const registered = await installMocks();
      const outputs = await runStack(() =>
        runProgram(
          { ...settings, failOn: "error" },
          {
            check: checkWith(finding("warning", "timeout-budget"), finding("error", "bandwidth", "unknown")),
          },
        ),
      );
      expect(outputs.check).toEqual({ errors: 0, warnings: 1, unknowns: 1 });
      expect(resourcesOf(registered).length).toBeGreaterThan(0);
    });

    it("warning: a warning stops it", async () => {
      const registered = await installMocks();
      const error = await failureOf(() =>
        runProgram(
          { ...settings, failOn: "warning" },
          { check: checkWith(finding("warning", "timeout-budget")) },
        ),
      );
      expect(error.message).toContain('has 1 finding at or above failOn "warning"; nothing was registered.');
      expect(error.message).toContain("timeout-budget says no");
      expect(registered).toEqual([]);
    });

    it("error: an error stops it", async () => {
      const registered = await installMocks();
      const error = await failureOf(() =>
        runProgram(
          { ...settings, failOn: "error" },
          { check: checkWith(finding("error", "residency"), finding("error", "survival")) },
        ),
      );
      expect(error.message).toContain('has 2 findings at or above failOn "error"');
      expect(registered).toEqual([]);
    });
  });
});
