import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { AWS_TOKENS } from "../../src/compile/aws/typed.js";
import { compilePlan } from "../../src/compile/index.js";
import { isRef, isRuntimeValue, type PlannedResource } from "../../src/compile/plan.js";
import { loadTopology } from "../../src/pipeline.js";
import { euSpec, modelOf } from "../compile/aws/helpers.js";
import { REPO_ROOT, STACKS_DIR, stackFiles } from "../render/stacks.js";

/**
 * Every compiled AWS and built-in Kubernetes resource, its inputs written as an object literal
 * assigned to the SDK's Args type (`aws.dynamodb.TableArgs`, `k8s.apps.v1.StatefulSetArgs`, …),
 * type-checked by tsc. Object literals get TypeScript's excess-property check, so a misspelled or
 * unknown property, or a value of the wrong type, fails here — what the mocks accept silently.
 * Refs and runtime values (outputs at deployment) become `any`. Custom resources (CRD kinds) have
 * no Args type; test/conformance/{istio,prometheus,chaos-mesh}.test.ts validate them by schema.
 */

/** `kubernetes:apps/v1:StatefulSet` → `k8s.apps.v1.StatefulSetArgs`; undefined for CRD kinds. */
function kubernetesArgs(type: string): string | undefined {
  const match = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(type);
  if (match === null) return undefined;
  const [, group, version, kind] = match as unknown as [string, string, string, string];
  if (group === "helm.sh") return `k8s.helm.${version}.${kind}Args`;
  if (group.includes(".") && !group.endsWith(".k8s.io")) return undefined;
  return `k8s.${group.split(".")[0]}.${version}.${kind}Args`;
}

function literal(value: unknown): string {
  if (isRef(value) || isRuntimeValue(value)) return "DEPLOY_TIME";
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (typeof value === "object" && value !== null)
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${literal(v)}`)
      .join(", ")} }`;
  return JSON.stringify(value);
}

function argsOf(resource: PlannedResource): { type: string; inputs: Record<string, unknown> } | undefined {
  if (resource.provider === "aws")
    return { type: `AwsArgsByToken[${JSON.stringify(resource.type)}]`, inputs: resource.inputs };
  const type = kubernetesArgs(resource.type);
  if (type === undefined) return undefined;
  // Typed classes set apiVersion and kind themselves; the Args types still accept them.
  return { type, inputs: resource.inputs };
}

async function allResources(): Promise<PlannedResource[]> {
  const resources: PlannedResource[] = [];
  for (const file of stackFiles()) {
    const { model } = await loadTopology(join(STACKS_DIR, file));
    resources.push(...compilePlan(model, analyse(model)).resources);
  }
  // Every option that changes what is emitted: stack-scoped names, subscriptions, Helm releases,
  // ambient mesh, zone fallback, an existing VPC.
  const model = modelOf(euSpec());
  resources.push(
    ...compilePlan(model, analyse(model), {
      aws: {
        stack: "staging",
        alarmSubscriptions: [{ protocol: "email", endpoint: "oncall@example.com" }],
        awsNetwork: {
          "eu-central-1": {
            vpcId: "vpc-0abc",
            subnetIds: ["subnet-0a", "subnet-0b"],
            callerCidrs: ["10.9.0.0/16"],
          },
        },
      },
      kubernetes: { zoneLabels: "preferred" },
      prerequisites: { installAddons: true, meshMode: "sidecar" },
      awsAccess: {
        eksClusterNames: { "eu-west-1": "prod-euw1" },
        oidcProviderArns: {
          "eu-central-1":
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABC",
        },
      },
    }).resources,
  );
  // The network paths (peering, transit gateways) from clusters to the hybrid stack's datastores.
  const { model: hybrid } = await loadTopology(join(STACKS_DIR, "hybrid.ts"));
  const cluster = (vpcId: string, cidr: string, connect: "peering" | "transit-gateway") => ({
    vpcId,
    cidrBlocks: [cidr],
    routeTableIds: ["rtb-0a1"],
    subnetIds: ["subnet-0a1", "subnet-0a2"],
    connect,
  });
  for (const connect of ["peering", "transit-gateway"] as const)
    resources.push(
      ...compilePlan(hybrid, analyse(hybrid), {
        aws: {
          awsNetwork: {
            "eu-west-1": { cluster: cluster("vpc-0c1", "10.100.0.0/16", connect) },
            "eu-central-1": { cluster: cluster("vpc-0c2", "10.101.0.0/16", connect) },
          },
        },
      }).resources.filter((r) =>
        /^aws:ec2(transitgateway)?\/(route|vpcPeering|transitGateway|vpcAttachment|peering)/.test(r.type),
      ),
    );
  return resources;
}

describe("compiled inputs against the SDKs' Args types", () => {
  it("type-check for every AWS and built-in Kubernetes resource of every stack", async () => {
    const resources = await allResources();
    const tokens = new Set(resources.map((r) => r.type));
    for (const token of AWS_TOKENS.filter((t) => /^aws:ec2(transitgateway)?\//.test(t)))
      expect(tokens.has(token), `no ${token} compiled here`).toBe(true);
    const typed = resources.flatMap((r) => {
      const args = argsOf(r);
      return args === undefined ? [] : [{ name: r.name, ...args }];
    });
    expect(typed.filter((t) => t.type.startsWith("AwsArgs")).length).toBeGreaterThan(50);
    expect(typed.filter((t) => t.type.startsWith("k8s.")).length).toBeGreaterThan(100);

    const source = [
      'import type * as k8s from "@pulumi/kubernetes";',
      `import type { AwsArgsByToken } from ${JSON.stringify(join(REPO_ROOT, "src/compile/aws/typed.js"))};`,
      "declare const DEPLOY_TIME: any;",
      ...typed.map((t, i) => `// ${t.name}\nexport const r${i}: ${t.type} = ${literal(t.inputs)};`),
    ].join("\n");
    const dir = mkdtempSync(join(REPO_ROOT, ".sdk-args-"));
    try {
      const file = join(dir, "resources.ts");
      writeFileSync(file, source);
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: [],
      });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file?.fileName === file)
        .map((d) => {
          const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
          const comment = source.split("\n")[line - 1] ?? "";
          return `${comment.replace(/^\/\/ /, "")}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
        });
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it("fails on a misspelled AWS or Kubernetes property (the check can fail)", () => {
    const dir = mkdtempSync(join(REPO_ROOT, ".sdk-args-"));
    try {
      const file = join(dir, "bad.ts");
      writeFileSync(
        file,
        'import type * as aws from "@pulumi/aws";\nexport const t: aws.dynamodb.TableArgs = { billingMode: "PAY_PER_REQUEST", hashKey: "pk", attributes: [], streamEnabld: true };\n' +
          'import type * as k8s from "@pulumi/kubernetes";\nexport const s: k8s.apps.v1.StatefulSetArgs = { spec: { replica: 3, selector: {}, serviceName: "x", template: {} } };\n',
      );
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: [],
      });
      const messages = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(messages.join("\n")).toContain("streamEnabld");
      expect(messages.join("\n")).toContain("replica");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
