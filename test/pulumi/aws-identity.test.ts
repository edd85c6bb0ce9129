import { describe, expect, it } from "vitest";
import topoplanProgram from "../../src/pulumi/program.js";
import { installMocks, resourcesOf, runStack } from "./helpers/mocks.js";

/**
 * How pods of services calling AWS datastores get credentials, from the stack config to the
 * registered resources: EKS Pod Identity where a region names its EKS cluster, IRSA where it gives
 * the cluster's IAM OIDC provider (src/compile/aws-access).
 */
const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123";

describe("service identities under Pulumi's mocks", () => {
  it("IRSA in eu-west-1, Pod Identity in eu-central-1: trust, annotation and association", async () => {
    const registered = await installMocks({
      stack: "hybrid",
      config: {
        "topoplan:topology": "stacks/hybrid.ts",
        "topoplan:clusters": {
          "eu-west-1": { context: "kind-eu-west-1", oidcProviderArn: PROVIDER },
          "eu-central-1": { context: "kind-eu-central-1", eksClusterName: "prod-euc1" },
        },
      },
    });
    await runStack(() => topoplanProgram());
    const resources = resourcesOf(registered);
    const role = resources.find((r) => r.name === "checkout-aws-role")!;
    const trust = (
      typeof role.inputs.assumeRolePolicy === "string"
        ? JSON.parse(role.inputs.assumeRolePolicy)
        : role.inputs.assumeRolePolicy
    ) as { Statement: { Principal: Record<string, string>; Condition?: unknown }[] };
    expect(trust.Statement.map((s) => s.Principal)).toEqual([
      { Service: "pods.eks.amazonaws.com" },
      { Federated: PROVIDER },
    ]);
    expect(trust.Statement[1]!.Condition).toEqual({
      StringEquals: {
        "oidc.eks.eu-west-1.amazonaws.com/id/ABC123:aud": "sts.amazonaws.com",
        "oidc.eks.eu-west-1.amazonaws.com/id/ABC123:sub": "system:serviceaccount:hybrid-shop:checkout",
      },
    });
    const accounts = resources
      .filter(
        (r) =>
          r.type === "kubernetes:core/v1:ServiceAccount" &&
          (r.inputs.metadata as { name: string }).name === "checkout",
      )
      .map((r) => [r.name, (r.inputs.metadata as { annotations?: unknown }).annotations]);
    expect(accounts.sort()).toEqual([
      [expect.stringContaining("eu-central-1"), undefined],
      [
        expect.stringContaining("eu-west-1"),
        { "eks.amazonaws.com/role-arn": "arn:mock:iam/role:checkout-aws-role" },
      ],
    ]);
    expect(
      resources
        .filter((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["checkout-pod-identity-eu-central-1", "storefront-pod-identity-eu-central-1"]);
  });
});
