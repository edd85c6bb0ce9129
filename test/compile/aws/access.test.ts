// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
import { describe, expect, it } from "vitest";
import { analyse } from "../../../src/analysis/index.js";
import { baselineNetworkView } from "../../../src/analysis/network.js";
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

  describe("where a pod's calls go: where the analysis prices them", () => {
    // api runs in eu-north-1, which holds a DynamoDB replica only, and eu-west-2 (London), which
    // holds none. Round trips (catalog): eu-north-1 → eu-central-1 22.8 ms, → eu-west-1 40.5 ms;
    // eu-west-2 → eu-west-1 13.7 ms, → eu-central-1 17.8 ms. The leader (eu-west-1) and the stream
    // region that sorts first (eu-central-1) are not the nearest from one of the two each.
    const awaySpec = (edit: (spec: ReturnType<typeof euSpec>) => void = () => {}) => {
      const spec = euSpec();
      spec.services!.api!.regions = ["eu-north-1", "eu-west-2"];
      spec.datastores!.carts!.residency = spec.datastores!.orders!.residency = undefined;
      spec.datastores!.media!.residency = spec.streams!.events!.residency = undefined;
      edit(spec);
      return modelOf(spec);
    };
    const endpointsIn = (model: ReturnType<typeof modelOf>) => {
      const resources = compilePlan(model).resources;
      return (region: string) =>
        (
          resources.find(
            (r) => r.region === region && (r.inputs as any).metadata?.name === "api-aws-endpoints",
          )!.inputs as any
        ).data;
    };

    it("away from every copy, the nearest one", () => {
      const away = awaySpec();
      const endpoints = endpointsIn(away);
      expect(endpoints("eu-north-1")).toMatchObject({
        TOPOPLAN_CARTS_REGION: "eu-north-1",
        TOPOPLAN_ORDERS_WRITER: { $ref: "orders-cluster-eu-west-1", property: "endpoint" },
        TOPOPLAN_ORDERS_READER: { $ref: "orders-cluster-eu-central-1", property: "readerEndpoint" },
        TOPOPLAN_EVENTS_BOOTSTRAP: {
          $ref: "events-msk-cluster-eu-central-1",
          property: "bootstrapBrokersSaslIam",
        },
      });
      expect(endpoints("eu-west-2")).toMatchObject({
        TOPOPLAN_CARTS_REGION: "eu-west-1",
        TOPOPLAN_ORDERS_READER: { $ref: "orders-cluster-eu-west-1", property: "readerEndpoint" },
        TOPOPLAN_EVENTS_BOOTSTRAP: {
          $ref: "events-msk-cluster-eu-west-1",
          property: "bootstrapBrokersSaslIam",
        },
      });
      // api reads media (a datastore call's default op): the nearest copy, not the leader's.
      expect(endpoints("eu-north-1")).toMatchObject({
        TOPOPLAN_MEDIA_BUCKET: { $ref: "media-bucket-eu-central-1", property: "bucket" },
        TOPOPLAN_MEDIA_REGION: "eu-central-1",
      });
      // The analysis prices the same cluster: from eu-north-1 a produce takes at least the round
      // trip to eu-central-1's and less than one to eu-west-1's.
      const net = baselineNetworkView(away);
      const events = analyse(away).streams.find((s) => s.name === "events")!;
      const p99 = events.produce.byOrigin.find((o) => o.origin === "eu-north-1")!.p99Ms;
      expect(p99).toBeGreaterThanOrEqual(net.rtt99("eu-north-1", "eu-central-1"));
      expect(p99).toBeLessThan(net.rtt99("eu-north-1", "eu-west-1"));
    });

    it("strong reads at the primary: Aurora's writer endpoint, S3's leader bucket, wherever the pod runs", () => {
      const strong = { consistency: "strong" };
      const endpoints = endpointsIn(awaySpec((spec) => Object.assign(spec.datastores!.orders!, strong)));
      const writer = { $ref: "orders-cluster-eu-west-1", property: "endpoint" };
      expect(endpoints("eu-north-1")).toMatchObject({
        TOPOPLAN_ORDERS_WRITER: writer,
        TOPOPLAN_ORDERS_READER: writer,
      });
      // Also where a secondary runs: its reader endpoint is a replica, behind the primary.
      const central = endpointsIn(modelOf(euSpec({ orders: strong, media: strong })))("eu-central-1");
      expect(central).toMatchObject({ TOPOPLAN_ORDERS_READER: writer });
      expect(central).toMatchObject({
        TOPOPLAN_MEDIA_BUCKET: { $ref: "media-bucket-eu-west-1", property: "bucket" },
        TOPOPLAN_MEDIA_REGION: "eu-west-1",
      });
    });

    it("DynamoDB writes at the nearest of its declared `leaders`, reads at the nearest replica", () => {
      const endpoints = endpointsIn(
        awaySpec((spec) => {
          spec.datastores!.carts!.leaders = ["eu-central-1"];
          (spec.services!.api!.calls as object[]).push({ to: "carts", op: "write", timeoutMs: 100 });
        }),
      );
      expect(endpoints("eu-west-2")).toMatchObject({
        TOPOPLAN_CARTS_REGION: "eu-west-1",
        TOPOPLAN_CARTS_WRITE_REGION: "eu-central-1",
      });
      // A reader gets no write region.
      expect(endpointsIn(awaySpec())("eu-west-2").TOPOPLAN_CARTS_WRITE_REGION).toBeUndefined();
    });

    it("MSK in a mirror-only region: consume from the mirror, produce to the nearest stream region", () => {
      const endpoints = endpointsIn(
        awaySpec((spec) => {
          spec.streams!.events!.mirrorRegions = ["eu-north-1"];
          (spec.services!.api!.calls as object[]).push({ to: "events", op: "consume", timeoutMs: 300 });
        }),
      );
      const bootstrap = (region: string) => ({
        $ref: `events-msk-cluster-${region}`,
        property: "bootstrapBrokersSaslIam",
      });
      // A mirror takes no produces: what is written there reaches no other region.
      expect(endpoints("eu-north-1")).toMatchObject({
        TOPOPLAN_EVENTS_BOOTSTRAP: bootstrap("eu-north-1"),
        TOPOPLAN_EVENTS_PRODUCE_BOOTSTRAP: bootstrap("eu-central-1"),
      });
      expect(endpoints("eu-west-2")).toMatchObject({
        TOPOPLAN_EVENTS_BOOTSTRAP: bootstrap("eu-west-1"),
        TOPOPLAN_EVENTS_PRODUCE_BOOTSTRAP: bootstrap("eu-west-1"),
      });
    });

    it("never reads from a region of witnesses only (it holds no data)", () => {
      const endpoints = endpointsIn(
        awaySpec((spec) => {
          spec.datastores!.orders!.placement = { "eu-west-1": 2, "eu-central-1": { witnesses: 1 } };
          spec.datastores!.orders!.replicas = 3;
        }),
      );
      expect(endpoints("eu-north-1").TOPOPLAN_ORDERS_READER).toEqual({
        $ref: "orders-cluster-eu-west-1",
        property: "readerEndpoint",
      });
    });
  });

  it("may reach the Pod Identity agent, and nothing else link-local", () => {
    const policy = plain.find((r) => (r.inputs as any).metadata?.name === "api-pod-identity")!;
    expect((policy.inputs as any).spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [{ protocol: "TCP", port: 80 }] },
    ]);
  });
});

describe("what a caller may do follows its calls' op", () => {
  const withCalls = (calls: object[]) => {
    const spec = euSpec();
    (spec.services!.api as { calls: object[] }).calls = calls;
    return compilePlan(modelOf(spec)).resources;
  };
  const statements = (resources: typeof plain) =>
    (named("api-aws-policy", resources).inputs as any).policy.value.Statement as {
      Action: string[];
      Resource: unknown[];
    }[];
  const endpoints = (resources: typeof plain, region: string) =>
    (
      resources.find((r) => r.region === region && (r.inputs as any).metadata?.name === "api-aws-endpoints")!
        .inputs as any
    ).data;
  const bucket = (region: string) => ({ $ref: `media-bucket-${region}`, property: "bucket" });
  const objects = (region: string) => ({
    $runtime: "concat",
    parts: [{ $ref: `media-bucket-${region}`, property: "arn" }, "/*"],
  });

  it("a reader (a datastore call's default op) gets no write, delete or put", () => {
    const granted = statements(
      withCalls([
        { to: "carts", timeoutMs: 100 },
        { to: "media", timeoutMs: 300 },
      ]),
    );
    const actions = granted.flatMap((s) => s.Action);
    // The bucket keys: decrypt to read, nothing to encrypt with.
    expect(granted.filter((s) => JSON.stringify(s.Resource).includes("media-kms-key"))).toEqual([
      {
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: [
          { $ref: "media-kms-key-eu-central-1", property: "arn" },
          { $ref: "media-kms-key-eu-west-1", property: "arn" },
        ],
      },
    ]);
    expect(actions).toContain("dynamodb:GetItem");
    expect(actions).toContain("s3:GetObject");
    for (const write of ["dynamodb:PutItem", "dynamodb:DeleteItem", "s3:PutObject", "s3:DeleteObject"])
      expect(actions).not.toContain(write);
  });

  it("an S3 writer puts into the leader's bucket only, the replication source, and is told which it is", () => {
    const resources = withCalls([{ to: "media", op: "write", timeoutMs: 300 }]);
    const put = statements(resources).find((s) => s.Action.includes("s3:PutObject"))!;
    expect(put.Resource).toEqual([objects("eu-west-1")]);
    expect(statements(resources).some((s) => s.Action.includes("s3:GetObject"))).toBe(false);
    // Outside the leader's region too: an object put into eu-central-1's copy would never replicate.
    expect(endpoints(resources, "eu-central-1")).toMatchObject({
      TOPOPLAN_MEDIA_BUCKET: bucket("eu-west-1"),
      TOPOPLAN_MEDIA_REGION: "eu-west-1",
      TOPOPLAN_MEDIA_WRITE_BUCKET: bucket("eu-west-1"),
      TOPOPLAN_MEDIA_WRITE_REGION: "eu-west-1",
    });
    // Reading and writing: reads from the copy in its region, writes to the leader's.
    const both = withCalls([
      { to: "media", op: "read", timeoutMs: 300 },
      { to: "media", op: "write", timeoutMs: 300 },
    ]);
    expect(endpoints(both, "eu-central-1")).toMatchObject({
      TOPOPLAN_MEDIA_BUCKET: bucket("eu-central-1"),
      TOPOPLAN_MEDIA_WRITE_BUCKET: bucket("eu-west-1"),
    });
    expect(statements(both).find((s) => s.Action.includes("s3:GetObject"))!.Resource).toEqual([
      objects("eu-central-1"),
      objects("eu-west-1"),
    ]);
    expect(endpoints(withCalls([{ to: "media", timeoutMs: 300 }]), "eu-central-1")).not.toHaveProperty(
      "TOPOPLAN_MEDIA_WRITE_BUCKET",
    );
  });
});

describe("S3 replication and MSK monitoring", () => {
  it("the replication role may decrypt with the replica's key (S3 Bucket Keys verify it that way)", () => {
    const statement = (named("media-replication-policy").inputs as any).policy.Statement.find(
      (s: { Action: string[] }) => s.Action.includes("kms:Encrypt"),
    );
    expect(statement).toEqual({
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:Encrypt"],
      Resource: [{ $ref: "media-kms-key-eu-central-1", property: "arn" }],
    });
  });

  it("MSK clusters monitor at the free DEFAULT level, which every alarm reads", () => {
    const clusters = plain.filter((r) => r.type === "aws:msk/cluster:Cluster");
    expect(clusters.length).toBeGreaterThan(0);
    for (const cluster of clusters) expect((cluster.inputs as any).enhancedMonitoring).toBe("DEFAULT");
  });
});
