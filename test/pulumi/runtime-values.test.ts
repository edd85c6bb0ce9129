import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { ResourcePlan } from "../../src/compile/plan.js";
import { generatePassword, RuntimeValues } from "../../src/pulumi/runtime-values.js";
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
  /** Deploys the EU fixture with each cluster's `masterPassword` as its state holds it (a second run). */
  async function secretPassword(held: Readonly<Record<string, string | null>>, orders: object = {}) {
    const registered = await installMocks({
      outputs: (type, name) => ({
        endpoint: `${name}.cluster.mock`,
        arn: `arn:mock:${name}`,
        ...(type === "aws:rds/cluster:Cluster" && name.startsWith("orders-")
          ? { masterPassword: held[name.replace("orders-cluster-", "")] ?? null }
          : {}),
      }),
    });
    await runStack(async () => deployPlan(awsPlan(euSpec({ orders })), { clusters: {} }));
    const version = resourcesOf(registered).find(
      (r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion" && r.name.includes("orders"),
    );
    const secretString = version!.inputs.secretString as { value: string };
    return JSON.parse(secretString.value).password as unknown;
  }
  const kept = "FirstRunPassword0123456789abcdef";

  it("stores the password the cluster holds, so a run after a first up that stopped before the secret stores the right one", async () => {
    // The cluster exists with the first run's password in its state, and its ignoreChanges keeps
    // that one over the password this run generates; the secret is new.
    expect(await secretPassword({ "eu-west-1": kept })).toBe(kept);
  });

  it("after a switchover and a leader edit, still the password of the cluster created as primary", async () => {
    // eu-central-1 was created as a secondary: its state never holds a password (ignoreChanges).
    const moved = {
      leader: "eu-central-1",
      deploy: { target: "aws", service: "aurora-postgresql", homeRegion: "eu-west-1" },
    };
    expect(await secretPassword({ "eu-west-1": kept, "eu-central-1": null }, moved)).toBe(kept);
  });

  it("stops the deployment, naming what is missing, when no member holds one", async () => {
    await installMocks();
    const resolved = new RuntimeValues().resolve(
      {
        $runtime: "firstDefined",
        what: "the master password of datastores.orders",
        values: [undefined, null, ""],
      },
      undefined as never,
      (value) => value,
    ) as pulumi.Output<unknown>;
    // Output.promise() is how the engine reads it when it serialises the resource's inputs; its
    // other promises (known, secret) reject alike: read here, not left unhandled.
    const internal = resolved as unknown as Record<"promise" | "isKnown" | "isSecret", unknown>;
    for (const other of [internal.isKnown, internal.isSecret]) (other as Promise<unknown>).catch(() => {});
    await expect((internal.promise as () => Promise<unknown>).call(resolved)).rejects.toThrow(
      "no resource in the Pulumi state holds the master password of datastores.orders",
    );
    const held = new RuntimeValues().resolve(
      { $runtime: "firstDefined", what: "x", values: [null, pulumi.secret("kept")] },
      undefined as never,
      (value) => value,
    ) as pulumi.Output<unknown>;
    expect(await (held as unknown as { promise(): Promise<unknown> }).promise()).toBe("kept");
    expect(await pulumi.isSecret(held)).toBe(true);
  });
});
