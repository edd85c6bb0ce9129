import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { replicationTiming } from "../../../src/compile/aws/s3.js";
import { at, byType, euSpec, named, plan } from "./helpers.js";

/**
 * What `pulumi up` would meet on a real account (issue #13) and the generated hardening
 * (issue #14, item 11): one test per rule, over the EU fixture (DynamoDB, Aurora, S3, MSK).
 */
const compiled = plan(euSpec());
const staged = plan(euSpec(), {
  stack: "staging",
  alarmSubscriptions: [{ protocol: "email", endpoint: "oncall@example.com" }],
});

describe("Aurora global database", () => {
  it("never sets manageMasterUserPassword (global clusters reject it): a generated password, secret", () => {
    for (const cluster of byType(compiled, "aws:rds/cluster:Cluster")) {
      expect(at(cluster.inputs, "manageMasterUserPassword")).toBeUndefined();
      expect(at(cluster.inputs, "masterUserSecretKmsKeyId")).toBeUndefined();
    }
    const version = named(compiled, "orders-master-secret-version");
    const document = at(version.inputs, "secretString") as {
      $runtime: string;
      value: Record<string, unknown>;
    };
    expect(document.$runtime).toBe("json");
    // The primary cluster generates it; the secret stores the cluster's (its state's, on later runs).
    expect(at(named(compiled, "orders-cluster-eu-west-1").inputs, "masterPassword")).toEqual({
      $runtime: "password",
      key: "orders-master-password",
    });
    expect(document.value.password).toMatchObject({
      $runtime: "firstDefined",
      values: ["eu-central-1", "eu-west-1"].map((region) => ({
        $ref: `orders-cluster-${region}`,
        property: "masterPassword",
      })),
    });
    expect(document.value.host).toEqual({ $ref: "orders-cluster-eu-west-1", property: "endpoint" });
    expect(version.options).toMatchObject({
      ignoreChanges: ["secretString"],
      additionalSecretOutputs: ["secretString"],
    });
    const secret = named(compiled, "orders-master-secret");
    expect(secret.inputs).toMatchObject({ kmsKeyId: { $ref: "orders-kms-key-eu-west-1", property: "arn" } });
    expect(at(secret.inputs, "replicas")).toEqual([
      { region: "eu-central-1", kmsKeyId: { $ref: "orders-kms-key-eu-central-1", property: "arn" } },
    ]);
  });

  it("ignores on every member, whatever its role, what a switchover or the first deployment settles", () => {
    for (const region of ["eu-west-1", "eu-central-1"])
      expect(named(compiled, `orders-cluster-${region}`).options?.ignoreChanges, region).toEqual([
        "engineVersion",
        "replicationSourceIdentifier",
        "masterUsername",
        "masterPassword",
      ]);
  });

  it("requires TLS (rds.force_ssl = 1) through a cluster parameter group of the engine's family", () => {
    for (const region of ["eu-west-1", "eu-central-1"]) {
      const group = named(compiled, `orders-cluster-parameters-${region}`);
      expect(group.inputs).toMatchObject({
        family: "aurora-postgresql16",
        parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }],
      });
      expect(at(named(compiled, `orders-cluster-${region}`).inputs, "dbClusterParameterGroupName")).toEqual({
        $ref: group.name,
        property: "name",
      });
    }
  });

  it("alarms on replication lag even when the metric stops (treatMissingData: breaching)", () => {
    const alarm = named(compiled, "orders-alarm-global-replication-lag-eu-central-1");
    expect(at(alarm.inputs, "treatMissingData")).toBe("breaching");
  });
});

describe("S3 replication", () => {
  it("emits metrics.eventThreshold only together with replicationTime (the two valid combinations)", () => {
    fc.assert(
      fc.property(fc.boolean(), (rtc) => {
        const timing = replicationTiming(rtc) as {
          metrics: { eventThreshold?: unknown };
          replicationTime?: unknown;
        };
        expect(timing.metrics.eventThreshold !== undefined).toBe(timing.replicationTime !== undefined);
      }),
    );
    for (const media of [{}, { slo: {} }]) {
      const p = plan(euSpec({ media }));
      for (const rule of at(named(p, "media-bucket-replication").inputs, "rules") as {
        destination: Record<string, unknown>;
      }[]) {
        const destination = rule.destination as {
          metrics?: { eventThreshold?: unknown };
          replicationTime?: unknown;
        };
        expect(destination.metrics?.eventThreshold !== undefined).toBe(
          destination.replicationTime !== undefined,
        );
      }
    }
  });

  it("uses Replication Time Control when the spec declares it (the analysis models its 15-minute bound)", () => {
    const withRtc = plan(
      euSpec({ media: { deploy: { target: "aws", service: "s3", replicationTimeControl: true } } }),
    );
    const [rule] = at(named(withRtc, "media-bucket-replication").inputs, "rules") as {
      destination: object;
    }[];
    expect(rule!.destination).toMatchObject({
      metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
      replicationTime: { status: "Enabled", time: { minutes: 15 } },
    });
    const noSlo = plan(euSpec({ media: { deploy: { target: "aws", service: "s3" } } }));
    const [plain] = at(named(noSlo, "media-bucket-replication").inputs, "rules") as { destination: object }[];
    expect(plain!.destination).toMatchObject({ metrics: { status: "Enabled" } });
    expect(at(plain!.destination, "replicationTime")).toBeUndefined();
  });

  it("alarms on failed replication, and on latency without paging while nothing replicates", () => {
    const failed = named(compiled, "media-alarm-replication-failed-to-eu-central-1-eu-west-1");
    expect(failed.inputs).toMatchObject({
      metricName: "OperationsFailedReplication",
      threshold: 0,
      statistic: "Sum",
    });
    expect(
      at(
        named(compiled, "media-alarm-replication-latency-to-eu-central-1-eu-west-1").inputs,
        "treatMissingData",
      ),
      // S3 reports ReplicationLatency only while objects replicate; broken replication of written
      // objects shows in OperationsFailedReplication.
    ).toBe("notBreaching");
  });

  it("denies every request not made over TLS", () => {
    for (const region of ["eu-west-1", "eu-central-1"]) {
      const policy = named(compiled, `media-bucket-policy-${region}`);
      const document = at(policy.inputs, "policy") as { value: { Statement: object[] } };
      expect(document.value.Statement).toEqual([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [
            { $ref: `media-bucket-${region}`, property: "arn" },
            { $runtime: "concat", parts: [{ $ref: `media-bucket-${region}`, property: "arn" }, "/*"] },
          ],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
    }
  });
});

describe("DynamoDB replication alarms", () => {
  it("page when ReplicationLatency stops while writes are taken: missing latency then reads above the SLO", () => {
    const alarms = byType(compiled, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) =>
      a.name.startsWith("carts-alarm-replication-latency"),
    );
    expect(alarms.length).toBe(6);
    for (const alarm of alarms) {
      const queries = at(alarm.inputs, "metricQueries") as { expression?: string }[];
      const threshold = at(alarm.inputs, "threshold") as number;
      expect(queries.at(-1)?.expression).toBe(`IF(writes > 0, FILL(lag, ${threshold + 1}), lag)`);
    }
  });
});

describe("names, alarms and logs", () => {
  it("scopes physical names to the stack, so two stacks share an account", () => {
    expect(at(named(staged, "carts-table").inputs, "name")).toBe("shop-staging-carts");
    expect(at(named(staged, "orders-global-cluster").inputs, "globalClusterIdentifier")).toBe(
      "shop-staging-orders",
    );
    expect(at(named(staged, "events-msk-cluster-eu-west-1").inputs, "clusterName")).toBe(
      "shop-staging-events",
    );
    expect(at(named(staged, "media-bucket-eu-west-1").inputs, "bucketPrefix")).toBe(
      "shop-staging-media-eu-west-1-",
    );
    expect(at(named(staged, "aws-dashboard-eu-west-1").inputs, "dashboardName")).toBe(
      "shop-staging-eu-west-1",
    );
    for (const alarm of byType(staged, "aws:cloudwatch/metricAlarm:MetricAlarm"))
      expect(at(alarm.inputs, "name") as string).toMatch(/^shop\/staging\//);
    expect(at(named(compiled, "carts-table").inputs, "name")).toBe("shop-carts");
  });

  it("encrypts the alarm topics with a key CloudWatch may use, and subscribes the stack's endpoints", () => {
    const topic = named(staged, "aws-alarms-eu-west-1");
    expect(at(topic.inputs, "kmsMasterKeyId")).toEqual({
      $ref: "aws-alarms-kms-key-eu-west-1",
      property: "arn",
    });
    const policy = at(named(staged, "aws-alarms-kms-key-eu-west-1").inputs, "policy") as {
      value: { Statement: object[] };
    };
    expect(policy.value.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      }),
    );
    expect(named(staged, "aws-alarms-subscription-1-eu-west-1").inputs).toEqual({
      endpoint: "oncall@example.com",
      protocol: "email",
      topic: { $ref: "aws-alarms-eu-west-1", property: "arn" },
    });
    expect(byType(compiled, "aws:sns/topicSubscription:TopicSubscription")).toEqual([]);
  });

  it("logs VPC flows where topoplan creates the VPC, and MSK broker logs", () => {
    for (const vpc of byType(compiled, "aws:ec2/vpc:Vpc")) {
      const flowLog = named(compiled, `aws-vpc-flow-log-${vpc.region}`);
      expect(flowLog.inputs).toMatchObject({
        vpcId: { $ref: vpc.name, property: "id" },
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
      });
    }
    const existing = plan(euSpec(), {
      awsNetwork: {
        "eu-west-1": {
          vpcId: "vpc-0abc",
          subnetIds: ["subnet-0a", "subnet-0b", "subnet-0c"],
          callerCidrs: ["10.1.0.0/16"],
        },
      },
    });
    expect(byType(existing, "aws:ec2/flowLog:FlowLog").map((f) => f.region)).not.toContain("eu-west-1");
    const msk = named(compiled, "events-msk-cluster-eu-west-1");
    expect(at(msk.inputs, "loggingInfo")).toEqual({
      brokerLogs: {
        cloudwatchLogs: {
          enabled: true,
          logGroup: { $ref: "events-msk-broker-logs-eu-west-1", property: "name" },
        },
      },
    });
  });
});
