import { describe, expect, it } from "vitest";
import type { ResourcePlan } from "../../src/compile/plan.js";
import { generatePassword } from "../../src/pulumi/runtime-values.js";
import { deployPlan } from "../../src/pulumi/stack.js";
import { plan as awsPlan, euSpec } from "../compile/aws/helpers.js";
import { installMocks, resourcesOf, runStack } from "./helpers/mocks.js";

const aws = (type: string, name: string, inputs: Record<string, unknown>, options = {}) => ({
  type,
  name,
  provider: "aws" as const,
  region: "eu-west-1",
  component: "orders",
  inputs,
  options,
});

describe("runtime values in the adapter", () => {
  it("generates letters and digits only, 32 of them, different each time", () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generatePassword()).not.toBe(a);
  });

  it("gives one generated password per key, as a secret, to every resource that uses it; JSON and concat resolved", async () => {
    const registered = await installMocks({
      outputs: (type, name) => (type.includes("Cluster") ? { endpoint: `${name}.cluster.mock` } : {}),
    });
    const plan: ResourcePlan = {
      topology: "t",
      resources: [
        aws(
          "aws:rds/cluster:Cluster",
          "orders-cluster",
          {
            engine: "aurora-postgresql",
            masterUsername: "u",
            masterPassword: { $runtime: "password", key: "k" },
          },
          { ignoreChanges: ["masterPassword"] },
        ),
        aws(
          "aws:secretsmanager/secretVersion:SecretVersion",
          "orders-secret-version",
          {
            secretId: "s",
            secretString: {
              $runtime: "json",
              value: {
                password: { $runtime: "password", key: "k" },
                host: {
                  $runtime: "concat",
                  parts: [{ $ref: "orders-cluster", property: "endpoint" }, ":5432"],
                },
              },
            },
          },
          { additionalSecretOutputs: ["secretString"] },
        ),
      ],
    };
    await runStack(async () => deployPlan(plan, { clusters: {} }));
    const [cluster, version] = resourcesOf(registered);
    const password = cluster!.inputs.masterPassword as {
      value?: string;
      "4dabf18193072939515e22adb298388d"?: string;
    };
    // Secrets reach the engine wrapped in Pulumi's secret signature.
    expect(password["4dabf18193072939515e22adb298388d"]).toBe("1b47061264138c4ac30d75fd1eb44270");
    const document = JSON.parse((version!.inputs.secretString as { value: string }).value) as Record<
      string,
      string
    >;
    expect(document.password).toBe(password.value);
    expect(document.host).toBe("orders-cluster.cluster.mock:5432");
  });
});

describe("the Aurora master secret", () => {
  it("stores the password the cluster holds, so a run after a first up that stopped before the secret stores the right one", async () => {
    // The second run: the cluster exists with the first run's password in its state, and its
    // ignoreChanges keeps that one over the password this run generates; the secret is new.
    const kept = "FirstRunPassword0123456789abcdef";
    const registered = await installMocks({
      outputs: (type, name) => ({
        endpoint: `${name}.cluster.mock`,
        arn: `arn:mock:${name}`,
        ...(type === "aws:rds/cluster:Cluster" && name.includes("eu-west-1") ? { masterPassword: kept } : {}),
      }),
    });
    await runStack(async () => deployPlan(awsPlan(euSpec()), { clusters: {} }));
    const version = resourcesOf(registered).find(
      (r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion" && r.name.includes("orders"),
    );
    const secretString = version!.inputs.secretString as { value: string };
    expect(JSON.parse(secretString.value).password).toBe(kept);
  });
});
