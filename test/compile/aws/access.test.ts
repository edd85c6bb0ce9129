// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
import { describe, expect, it } from "vitest";
import { POD_IDENTITY_AGENT } from "../../../src/compile/aws-access/index.js";
import { compilePlan } from "../../../src/compile/index.js";
import { euSpec, modelOf } from "./helpers.js";

const model = modelOf(euSpec());
const plain = compilePlan(model).resources;
const eks = compilePlan(model, undefined, {
  awsAccess: { eksClusterNames: { "eu-west-1": "prod-euw1" } },
}).resources;
const named = (name: string, resources = plain) => {
  const found = resources.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
};

describe("services calling AWS components", () => {
  it("get an IAM role for EKS Pod Identity with the data-plane actions of what they call", () => {
    const role = named("api-aws-role");
    expect((role.inputs as any).assumeRolePolicy.Statement).toEqual([
      {
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
      },
    ]);
    const policy = (named("api-aws-policy").inputs as any).policy.value.Statement as { Action: string[] }[];
    const actions = policy.flatMap((s) => s.Action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "dynamodb:GetItem",
        "rds-db:connect",
        "s3:GetObject",
        "kafka-cluster:WriteData",
        "kms:Decrypt",
      ]),
    );
    expect(actions.some((a) => a.endsWith(":*") || a === "*")).toBe(false);
  });

  it("associate the role with the service account only where the cluster names its EKS cluster", () => {
    expect(plain.filter((r) => r.type.includes("podIdentityAssociation"))).toEqual([]);
    expect(named("api-pod-identity-eu-west-1", eks).inputs).toEqual({
      clusterName: "prod-euw1",
      namespace: "shop",
      roleArn: { $ref: "api-aws-role", property: "arn" },
      serviceAccount: "api",
    });
  });

  it("IRSA where the cluster gives its OIDC provider: the role trusts it for exactly the service's ServiceAccount, which names the role", () => {
    const provider = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
    const irsa = compilePlan(model, undefined, {
      awsAccess: { oidcProviderArns: { "eu-west-1": provider } },
    }).resources;
    expect((named("api-aws-role", irsa).inputs as any).assumeRolePolicy.Statement).toEqual([
      {
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
      },
      {
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC123:aud": "sts.amazonaws.com",
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC123:sub": "system:serviceaccount:shop:api",
          },
        },
        Effect: "Allow",
        Principal: { Federated: provider },
      },
    ]);
    const accounts = (resources: typeof irsa) =>
      resources
        .filter(
          (r) => r.type === "kubernetes:core/v1:ServiceAccount" && (r.inputs as any).metadata.name === "api",
        )
        .map((r) => [r.region, (r.inputs as any).metadata.annotations]);
    // Annotated only in the region whose cluster trusts the provider; nothing without IRSA.
    expect(accounts(irsa).sort()).toEqual([
      ["eu-central-1", undefined],
      ["eu-west-1", { "eks.amazonaws.com/role-arn": { $ref: "api-aws-role", property: "arn" } }],
    ]);
    expect(accounts(plain).every(([, annotations]) => annotations === undefined)).toBe(true);
    expect((named("api-aws-role").inputs as any).assumeRolePolicy.Statement.length).toBe(1);
  });

  it("read the endpoints of their region from a ConfigMap, as environment", () => {
    const configMap = plain.find(
      (r) => r.region === "eu-central-1" && (r.inputs as any).metadata?.name === "api-aws-endpoints",
    )!;
    expect((configMap.inputs as any).data).toMatchObject({
      AWS_REGION: "eu-central-1",
      TOPOPLAN_CARTS_TABLE: { $ref: "carts-table", property: "name" },
      TOPOPLAN_ORDERS_WRITER: { $ref: "orders-cluster-eu-west-1", property: "endpoint" },
      TOPOPLAN_ORDERS_READER: { $ref: "orders-cluster-eu-central-1", property: "readerEndpoint" },
      TOPOPLAN_MEDIA_BUCKET: { $ref: "media-bucket-eu-central-1", property: "bucket" },
      TOPOPLAN_EVENTS_BOOTSTRAP: {
        $ref: "events-msk-cluster-eu-central-1",
        property: "bootstrapBrokersSaslIam",
      },
    });
    const deployment = plain.find(
      (r) =>
        r.region === "eu-central-1" &&
        r.type === "kubernetes:apps/v1:Deployment" &&
        (r.inputs as any).metadata.name === "api",
    )!;
    expect((deployment.inputs as any).spec.template.spec.containers[0].envFrom).toEqual([
      { configMapRef: { name: "api-aws-endpoints" } },
    ]);
  });

  it("may reach the Pod Identity agent, and nothing else link-local", () => {
    const policy = plain.find((r) => (r.inputs as any).metadata?.name === "api-pod-identity")!;
    expect((policy.inputs as any).spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [{ protocol: "TCP", port: 80 }] },
    ]);
  });
});
