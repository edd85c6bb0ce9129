import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { type PlannedResource, type ResourcePlan, ref } from "../../src/compile/plan.js";
import { instantiatePlan } from "../../src/pulumi/adapter.js";
import { PlanError } from "../../src/pulumi/order.js";
import { createProviders, resolveKubeconfig } from "../../src/pulumi/providers.js";
import { deployPlan } from "../../src/pulumi/stack.js";
import { failureOf, installMocks, providersOf, resourcesOf, runStack } from "./helpers/mocks.js";

const manifest = (apiVersion: string, kind: string, name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion,
  kind,
  metadata: { name, namespace: "kv" },
  ...extra,
});

const kube = (
  type: string,
  name: string,
  region: string,
  inputs: Record<string, unknown>,
  options?: PlannedResource["options"],
): PlannedResource => ({
  type,
  name,
  provider: "kubernetes",
  region,
  component: "accounts",
  inputs,
  ...(options === undefined ? {} : { options }),
});

const awsRes = (
  type: string,
  name: string,
  region: string,
  inputs: Record<string, unknown>,
): PlannedResource => ({
  type,
  name,
  provider: "aws",
  region,
  component: "accounts",
  inputs,
});

const clusters = {
  "eu-west-1": { context: "kind-eu-west-1" },
  "eu-central-1": { context: "kind-eu-central-1", kubeconfig: "/etc/kube/eu-central-1.yaml" },
};

describe("instantiatePlan under mocks", () => {
  it("creates referenced resources first and passes their outputs to the referrers", async () => {
    const registered = await installMocks();
    // Listed referrer-first: the adapter must reorder.
    const plan: ResourcePlan = {
      topology: "t",
      resources: [
        awsRes("aws:cloudwatch/metricAlarm:MetricAlarm", "accounts-alarm", "eu-west-1", {
          comparisonOperator: "GreaterThanThreshold",
          evaluationPeriods: 1,
          alarmActions: [ref("accounts-alerts", "arn")],
          dimensions: { TableName: ref("accounts-table", "name") },
        }),
        awsRes("aws:sns/topic:Topic", "accounts-alerts", "eu-west-1", {
          kmsMasterKeyId: ref("accounts-key", "arn"),
        }),
        awsRes("aws:dynamodb/table:Table", "accounts-table", "eu-west-1", {
          name: "accounts",
          hashKey: "id",
          attributes: [{ name: "id", type: "S" }],
        }),
        awsRes("aws:kms/key:Key", "accounts-key", "eu-west-1", { description: "accounts" }),
      ],
    };
    let created: string[] = [];
    await runStack(async () => {
      created = [...instantiatePlan(plan, createProviders(plan, { clusters: {} })).keys()];
    });
    // Creation order (registration RPCs themselves complete asynchronously, in any order).
    expect(created).toEqual(["accounts-table", "accounts-key", "accounts-alerts", "accounts-alarm"]);
    const resources = resourcesOf(registered);
    const byName = new Map(resources.map((r) => [r.name, r]));
    expect(byName.get("accounts-alerts")!.inputs).toEqual({
      kmsMasterKeyId: "arn:mock:kms/key:accounts-key",
    });
    expect(byName.get("accounts-alarm")!.inputs).toMatchObject({
      alarmActions: ["arn:mock:sns/topic:accounts-alerts"],
      dimensions: { TableName: "accounts" },
    });
    // A ref is a real dependency: Pulumi orders create/delete by it.
    expect(byName.get("accounts-alarm")!.dependencies).toEqual(
      expect.arrayContaining([byName.get("accounts-alerts")!.urn, byName.get("accounts-table")!.urn]),
    );
  });

  it("resolves dotted output paths such as metadata.name", async () => {
    const registered = await installMocks();
    const plan: ResourcePlan = {
      topology: "t",
      resources: [
        kube("kubernetes:core/v1:ConfigMap", "cfg", "eu-west-1", {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "cfg", namespace: ref("ns", "metadata.name") },
          data: { a: "b" },
        }),
        kube("kubernetes:core/v1:Namespace", "ns", "eu-west-1", {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: "kv" },
        }),
      ],
    };
    await runStack(async () => deployPlan(plan, { clusters }));
    const cfg = resourcesOf(registered).find((r) => r.name === "cfg")!;
    expect(cfg.inputs).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg", namespace: "kv" },
      data: { a: "b" },
    });
  });

  it("records protect, retainOnDelete, deleteBeforeReplace and dependsOn", async () => {
    const registered = await installMocks();
    const plan: ResourcePlan = {
      topology: "t",
      resources: [
        kube("kubernetes:core/v1:Namespace", "ns", "eu-west-1", manifest("v1", "Namespace", "kv")),
        kube(
          "kubernetes:apps/v1:StatefulSet",
          "accounts",
          "eu-west-1",
          manifest("apps/v1", "StatefulSet", "accounts", { spec: { replicas: 5, serviceName: "accounts" } }),
          { protect: true, retainOnDelete: true, deleteBeforeReplace: true, dependsOn: ["ns"] },
        ),
        kube(
          "kubernetes:core/v1:Service",
          "accounts-svc",
          "eu-west-1",
          manifest("v1", "Service", "accounts", { spec: {} }),
        ),
      ],
    };
    await runStack(async () => deployPlan(plan, { clusters }));
    const byName = new Map(resourcesOf(registered).map((r) => [r.name, r]));
    const sts = byName.get("accounts")!;
    expect(sts).toMatchObject({
      protect: true,
      retainOnDelete: true,
      deleteBeforeReplace: true,
      dependencies: [byName.get("ns")!.urn],
    });
    expect(sts.inputs).toEqual(
      manifest("apps/v1", "StatefulSet", "accounts", { spec: { replicas: 5, serviceName: "accounts" } }),
    );
    expect(byName.get("accounts-svc")).toMatchObject({
      protect: false,
      retainOnDelete: false,
      deleteBeforeReplace: false,
      dependencies: [],
    });
    expect(byName.get("ns")).toMatchObject({ protect: false, retainOnDelete: false });
  });

  it("gives each resource its region's provider, one provider per region and kind", async () => {
    const registered = await installMocks();
    const plan: ResourcePlan = {
      topology: "t",
      resources: [
        kube("kubernetes:core/v1:Namespace", "ns-euw1", "eu-west-1", manifest("v1", "Namespace", "kv")),
        kube("kubernetes:core/v1:Namespace", "ns-euc1", "eu-central-1", manifest("v1", "Namespace", "kv")),
        kube(
          "kubernetes:core/v1:ServiceAccount",
          "sa-euc1",
          "eu-central-1",
          manifest("v1", "ServiceAccount", "kv"),
        ),
        awsRes("aws:sns/topic:Topic", "topic-euc1", "eu-central-1", {}),
      ],
    };
    await runStack(async () => deployPlan(plan, { clusters, root: "/repo" }));
    const providers = providersOf(registered);
    expect([...providers.keys()].sort()).toEqual(["aws-eu-central-1", "k8s-eu-central-1", "k8s-eu-west-1"]);
    expect(providers.get("k8s-eu-west-1")!.inputs).toEqual({ context: "kind-eu-west-1" });
    expect(providers.get("k8s-eu-central-1")!.inputs).toEqual({
      context: "kind-eu-central-1",
      kubeconfig: "/etc/kube/eu-central-1.yaml",
    });
    expect(providers.get("aws-eu-central-1")!.inputs).toMatchObject({ region: "eu-central-1" });
    const providerOf = (name: string) => resourcesOf(registered).find((r) => r.name === name)!.provider;
    expect(providerOf("ns-euw1")).toBe(`${providers.get("k8s-eu-west-1")!.urn}::k8s-eu-west-1-id`);
    expect(providerOf("ns-euc1")).toBe(`${providers.get("k8s-eu-central-1")!.urn}::k8s-eu-central-1-id`);
    expect(providerOf("sa-euc1")).toBe(providerOf("ns-euc1"));
    expect(providerOf("topic-euc1")).toBe(`${providers.get("aws-eu-central-1")!.urn}::aws-eu-central-1-id`);
  });

  it("registers CRD kinds as CustomResources under the plan's own type token", async () => {
    const registered = await installMocks();
    const rule = manifest("monitoring.coreos.com/v1", "PrometheusRule", "accounts-slo", {
      spec: { groups: [] },
    });
    const chaos = manifest("chaos-mesh.org/v1alpha1", "NetworkChaos", "accounts-partition", {
      spec: { action: "partition" },
    });
    const plan: ResourcePlan = {
      topology: "t",
      resources: [
        kube("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "accounts-slo", "eu-west-1", rule),
        kube("kubernetes:chaos-mesh.org/v1alpha1:NetworkChaos", "accounts-partition", "eu-west-1", chaos),
      ],
    };
    await runStack(async () => deployPlan(plan, { clusters }));
    expect(resourcesOf(registered).map((r) => [r.type, r.name, r.inputs])).toEqual([
      ["kubernetes:monitoring.coreos.com/v1:PrometheusRule", "accounts-slo", rule],
      ["kubernetes:chaos-mesh.org/v1alpha1:NetworkChaos", "accounts-partition", chaos],
    ]);
  });

  it("instantiates with caller-made providers and returns the resources by name", async () => {
    const registered = await installMocks();
    const plan: ResourcePlan = {
      topology: "t",
      resources: [kube("kubernetes:core/v1:Namespace", "ns", "eu-west-1", manifest("v1", "Namespace", "kv"))],
    };
    const created = await runStack(async () => {
      const resources = instantiatePlan(plan, createProviders(plan, { clusters }));
      expect([...resources.keys()]).toEqual(["ns"]);
      return { urn: resources.get("ns")!.urn };
    });
    expect(created.urn).toBe(resourcesOf(registered)[0]!.urn);
  });
});

describe("plans the adapter refuses register nothing", () => {
  const cases: Array<[string, ResourcePlan, Parameters<typeof deployPlan>[1], RegExp]> = [
    [
      "an unknown type token",
      {
        topology: "t",
        resources: [
          kube("kubernetes:core/v1:Namespace", "ns", "eu-west-1", manifest("v1", "Namespace", "kv")),
          awsRes("aws:lambda/function:Function", "fn", "eu-west-1", {}),
        ],
      },
      { clusters },
      /unknown resource type "aws:lambda\/function:Function" \(resource "fn"\)/,
    ],
    [
      "a dependency cycle",
      {
        topology: "t",
        resources: [
          awsRes("aws:sns/topic:Topic", "a", "eu-west-1", { kmsMasterKeyId: ref("b", "arn") }),
          awsRes("aws:kms/key:Key", "b", "eu-west-1", { policy: ref("a", "arn") }),
        ],
      },
      { clusters },
      /dependency cycle: a → b → a/,
    ],
    [
      "missing cluster settings",
      {
        topology: "t",
        resources: [
          kube("kubernetes:core/v1:Namespace", "ns1", "eu-west-1", manifest("v1", "Namespace", "kv")),
          kube("kubernetes:core/v1:Namespace", "ns2", "us-east-1", manifest("v1", "Namespace", "kv")),
          kube("kubernetes:core/v1:Namespace", "ns3", "ap-south-1", manifest("v1", "Namespace", "kv")),
        ],
      },
      { clusters, stack: "prod" },
      /planned in ap-south-1, us-east-1 but topoplan:clusters has no settings for them; add to stacks\/Pulumi\.prod\.yaml:\n {2}config:\n {4}topoplan:clusters:\n {6}ap-south-1:\n {8}context: <kube context of the ap-south-1 cluster>\n {6}us-east-1:/,
    ],
    [
      "a cluster with neither context nor kubeconfig",
      {
        topology: "t",
        resources: [
          kube("kubernetes:core/v1:Namespace", "ns1", "eu-west-1", manifest("v1", "Namespace", "kv")),
        ],
      },
      { clusters: { "eu-west-1": { namespace: "kv" } } },
      /topoplan:clusters\.eu-west-1 names neither a context nor a kubeconfig/,
    ],
  ];

  for (const [what, plan, settings, message] of cases) {
    it(what, async () => {
      const registered = await installMocks();
      const error = await failureOf(() => deployPlan(plan, settings));
      expect(error).toBeInstanceOf(PlanError);
      expect(error.message).toMatch(message);
      expect(registered).toEqual([]);
    });
  }

  it("names a ref to an output the referenced resource does not have", async () => {
    await installMocks();
    const plan: ResourcePlan = {
      topology: "t",
      resources: [
        awsRes("aws:sns/topic:Topic", "topic", "eu-west-1", {}),
        awsRes("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", "eu-west-1", {
          alarmActions: [ref("topic", "nope")],
        }),
      ],
    };
    const error = await failureOf(() => deployPlan(plan, { clusters: {} }));
    expect(error.message).toContain('"alarm" refers to output "nope" of "topic", which has no output "nope"');
  });

  it("instantiatePlan alone refuses a region without a provider before registering anything", async () => {
    const registered = await installMocks();
    const plan: ResourcePlan = {
      topology: "t",
      resources: [
        kube("kubernetes:core/v1:Namespace", "ns", "eu-west-1", manifest("v1", "Namespace", "kv")),
        awsRes("aws:sns/topic:Topic", "topic", "eu-west-1", {}),
      ],
    };
    const error = await failureOf(() => instantiatePlan(plan, { kubernetes: new Map(), aws: new Map() }));
    expect((error as PlanError).problems).toEqual([
      "no aws provider for eu-west-1, which the plan's resources there need",
      "no kubernetes provider for eu-west-1, which the plan's resources there need",
    ]);
    expect(resourcesOf(registered)).toEqual([]);
  });
});

it("the mocks see resources only through the Pulumi SDK (sanity: the helper records the stack)", async () => {
  const registered = await installMocks();
  await runStack(async () => ({ ok: pulumi.output(1) }));
  expect(registered.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
});

describe("resolveKubeconfig", () => {
  it("passes contents through, YAML over lines or JSON on one line, and makes paths absolute", () => {
    const yaml = "apiVersion: v1\nkind: Config\n";
    const json = '{"apiVersion":"v1","kind":"Config","clusters":[]}';
    expect(resolveKubeconfig(yaml, "/repo")).toBe(yaml);
    // kubectl config view --flatten -o json writes one line: contents, not a file name.
    expect(resolveKubeconfig(json, "/repo")).toBe(json);
    expect(resolveKubeconfig("kube/eu.yaml", "/repo")).toBe("/repo/kube/eu.yaml");
  });
});
