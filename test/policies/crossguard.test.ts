import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import {
  crossguardPolicies,
  podsNotRoot,
  statefulProtected,
  storageEncrypted,
} from "../../policies/crossguard-policies.js";

// Never import policies/crossguard.ts here: `new PolicyPack` binds a gRPC port (see /work/research/pulumi.md §5).

const emptyOpts = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  additionalSecretOutputs: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
};

function resourceArgs(p: Partial<ResourceValidationArgs>): ResourceValidationArgs {
  return {
    type: "",
    name: "r",
    urn: "urn:pulumi:dev::topoplan::x::r",
    props: {},
    opts: emptyOpts,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason}`);
    },
    ...p,
  } as ResourceValidationArgs;
}

async function runResource(
  policy: ResourceValidationPolicy,
  args: ResourceValidationArgs,
): Promise<string[]> {
  const out: string[] = [];
  for (const validate of [policy.validateResource].flat())
    if (validate) await validate(args, (m) => out.push(m));
  return out;
}

async function runStack(policy: StackValidationPolicy, resources: PolicyResource[]): Promise<string[]> {
  const out: string[] = [];
  await policy.validateStack!(
    {
      resources,
      stackTags: new Map(),
      getConfig: <T>() => ({}) as T,
      notApplicable: (reason?: string): never => {
        throw new Error(reason);
      },
    } as never,
    (message, urn) => out.push(`${urn ?? "-"} ${message}`),
  );
  return out;
}

const STACK_URN = "urn:pulumi:dev::topoplan::pulumi:pulumi:Stack::topoplan-dev";
const stackResource = (outputs: Record<string, unknown>): PolicyResource =>
  ({
    type: "pulumi:pulumi:Stack",
    name: "topoplan-dev",
    urn: STACK_URN,
    props: outputs,
    opts: emptyOpts,
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }) as unknown as PolicyResource;

describe("CrossGuard: the topoplan rules on the stack's topology", () => {
  const [rules, advisories] = crossguardPolicies() as StackValidationPolicy[];

  it("mandatory policy: every error-level finding of the spec named by the topoplanTopology output", async () => {
    const out = await runStack(rules!, [
      stackResource({ topoplanTopology: "test/report/fixtures/violations.yaml" }),
    ]);
    expect(out).toEqual([
      `${STACK_URN} test/report/fixtures/violations.yaml: [consistency-coordination] datastores.events.consistency: strong consistency with multi-leader replication: 2 regions (eu-central-1, eu-west-1) accept concurrent writes that are reconciled after the fact — fix: use replication: consensus for strong consistency, or declare consistency: eventual (or session) for multi-leader`,
      `${STACK_URN} test/report/fixtures/violations.yaml: [residency] datastores.ledger.placement: replica region us-east-1 (US) is outside the allowed jurisdictions EU of datastores.ledger — fix: move the us-east-1 replicas to a region in EU`,
    ]);
  });

  it("advisory policy: warnings (suppressed ones stay silent), and a stack without the output", async () => {
    const out = await runStack(advisories!, [
      stackResource({ topoplanTopology: "test/report/fixtures/violations.yaml" }),
    ]);
    expect(out).toEqual([
      `${STACK_URN} test/report/fixtures/violations.yaml: [partition-tests] datastores.events.chaos.enabled: datastores.events has 2 replicas in 2 regions but no partition experiment: topoplan generates them for components it runs on Kubernetes, and this one is external; nothing exercises its failover — fix: exercise its failover where it runs (a scheduled failover drill by whoever operates it), then suppress this finding at datastores.events.chaos.enabled with that reason`,
      `${STACK_URN} test/report/fixtures/violations.yaml: [partition-tests] datastores.ledger.chaos.enabled: datastores.ledger has 3 replicas in 2 regions but no partition experiment: topoplan generates them for components it runs on Kubernetes, and this one is external; nothing exercises its failover — fix: exercise its failover where it runs (a scheduled failover drill by whoever operates it), then suppress this finding at datastores.ledger.chaos.enabled with that reason`,
      `${STACK_URN} test/report/fixtures/violations.yaml: [timeout-budget] services.api.calls[0].timeoutMs: timeout 300 ms gives up before 3 attempts × 100 ms + 75 ms backoff = 375 ms can finish — fix: set perTryTimeoutMs: 75 (or less), or raise timeoutMs to 375`,
    ]);
    expect(await runStack(advisories!, [stackResource({})])).toEqual([
      '- the stack has no "topoplanTopology" output naming its topology spec, so the topoplan rules cannot run; export it from the Pulumi program (the topoplan program does)',
    ]);
    expect(await runStack(rules!, [stackResource({})])).toEqual([]);
  });
});

describe("CrossGuard: guards on compiled resources", () => {
  it("stateful resources must be protected", async () => {
    expect(
      await runResource(
        statefulProtected,
        resourceArgs({ type: "aws:dynamodb/table:Table", name: "global-kv-accounts" }),
      ),
    ).toEqual([
      "global-kv-accounts (aws:dynamodb/table:Table) holds data but is not protected: a rename or a removed component would delete it; set protect: true",
    ]);
    expect(
      await runResource(
        statefulProtected,
        resourceArgs({ type: "kubernetes:apps/v1:StatefulSet", opts: { ...emptyOpts, protect: true } }),
      ),
    ).toEqual([]);
    expect(
      await runResource(statefulProtected, resourceArgs({ type: "kubernetes:apps/v1:Deployment" })),
    ).toEqual([]);
  });

  it("DynamoDB, RDS and MSK must be encrypted", async () => {
    expect(
      await runResource(
        storageEncrypted,
        resourceArgs({ type: "aws:dynamodb/table:Table", name: "t", props: {} }),
      ),
    ).toEqual([
      "t: DynamoDB table without serverSideEncryption { enabled: true } (a customer-managed KMS key)",
    ]);
    expect(
      await runResource(
        storageEncrypted,
        resourceArgs({
          type: "aws:dynamodb/table:Table",
          props: { serverSideEncryption: { enabled: true, kmsKeyArn: "arn" } },
        }),
      ),
    ).toEqual([]);
    expect(
      await runResource(
        storageEncrypted,
        resourceArgs({ type: "aws:rds/cluster:Cluster", name: "c", props: { storageEncrypted: false } }),
      ),
    ).toEqual(["c: RDS cluster with storageEncrypted not set to true"]);
    expect(
      await runResource(
        storageEncrypted,
        resourceArgs({
          type: "aws:msk/cluster:Cluster",
          name: "m",
          props: { encryptionInfo: { encryptionInTransit: { clientBroker: "PLAINTEXT", inCluster: true } } },
        }),
      ),
    ).toEqual([
      'm: MSK cluster allows plaintext traffic (encryptionInTransit {"clientBroker":"PLAINTEXT","inCluster":true})',
    ]);
  });

  it("pods must not run as root", async () => {
    const statefulSet = (securityContext: object, container: object) =>
      resourceArgs({
        type: "kubernetes:apps/v1:StatefulSet",
        name: "accounts-eu-west-1",
        props: {
          spec: {
            template: { spec: { securityContext, containers: [{ name: "db", image: "x", ...container }] } },
          },
        },
      });
    expect(await runResource(podsNotRoot, statefulSet({ runAsNonRoot: true, runAsUser: 1000 }, {}))).toEqual(
      [],
    );
    expect(await runResource(podsNotRoot, statefulSet({}, {}))).toEqual([
      'accounts-eu-west-1: container "db" may run as root: set securityContext.runAsNonRoot: true (pod or container)',
    ]);
    expect(
      await runResource(
        podsNotRoot,
        statefulSet({ runAsNonRoot: true }, { securityContext: { runAsUser: 0, privileged: true } }),
      ),
    ).toEqual([
      'accounts-eu-west-1: container "db" is privileged; drop privileged: true',
      'accounts-eu-west-1: container "db" runs as UID 0 (root); set runAsUser to a non-zero UID',
    ]);
  });
});
