import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { analyse } from "../../../src/analysis/index.js";
import { kafkaVersionBelow, REPLICATOR_MIN_KAFKA } from "../../../src/compile/aws/msk-mirror.js";
import { compilePlan } from "../../../src/compile/index.js";
import { isRef, isRuntimeValue, type PlannedResource, type ResourcePlan } from "../../../src/compile/plan.js";
import { InputError } from "../../../src/diagnostics/diagnostic.js";
import { diffTopologies } from "../../../src/diff/index.js";
import { brokerCount } from "../../../src/model/msk-clusters.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { REPO_ROOT } from "../../render/stacks.js";
import { at, byType, euSpec, modelOf, named, plan, refsIn, stringsIn } from "./helpers.js";

const REPLICATOR = "aws:msk/replicator:Replicator";
const CLUSTER = "aws:msk/cluster:Cluster";
const POLICY = "aws:msk/clusterPolicy:ClusterPolicy";

/** euSpec's `events` stream (eu-west-1 + eu-central-1) with mirror regions and other overrides. */
function mirrored(
  mirrorRegions: string[] | undefined,
  overrides: Record<string, unknown> = {},
): TopologyInput {
  const spec = euSpec();
  const events = (spec.streams as Record<string, Record<string, unknown>>).events!;
  Object.assign(events, mirrorRegions === undefined ? {} : { mirrorRegions }, overrides);
  return spec;
}

function compileError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

// eu-central-1 is a stream region that is also a mirror; eu-north-1 holds only a mirror.
const compiled = plan(mirrored(["eu-central-1", "eu-north-1"]));

describe("MSK Replicator for mirrorRegions", () => {
  it("runs one Replicator per (stream region → other mirror region) pair, in the target region", () => {
    expect(
      byType(compiled, REPLICATOR)
        .map((r) => [r.name, r.region])
        .sort(),
    ).toEqual([
      ["events-msk-replicator-eu-central-1-to-eu-north-1", "eu-north-1"],
      ["events-msk-replicator-eu-west-1-to-eu-central-1", "eu-central-1"],
      ["events-msk-replicator-eu-west-1-to-eu-north-1", "eu-north-1"],
    ]);
  });

  it("gives a mirror region outside `regions` its own cluster, VPC, subnets and security group", () => {
    expect(byType(compiled, CLUSTER).map((c) => c.region)).toEqual([
      "eu-central-1",
      "eu-north-1",
      "eu-west-1",
    ]);
    const north = named(compiled, "events-msk-cluster-eu-north-1");
    expect(at(north.inputs, "brokerNodeGroupInfo", "clientSubnets")).toEqual(
      ["eu-north-1a", "eu-north-1b", "eu-north-1c"].map((zone) => ({
        $ref: `aws-subnet-${zone}`,
        property: "id",
      })),
    );
    expect(at(north.inputs, "clientAuthentication")).toEqual({ sasl: { iam: true }, unauthenticated: false });
    expect(north.options).toEqual({ protect: true, retainOnDelete: true });
    expect(named(compiled, "aws-vpc-eu-north-1").inputs).toMatchObject({ cidrBlock: "10.27.0.0/16" });
    expect(at(named(compiled, "events-sg-eu-north-1").inputs, "vpcId")).toEqual({
      $ref: "aws-vpc-eu-north-1",
      property: "id",
    });
  });

  it("a consumer running in a mirror-only region reads the mirror: its bootstrap, its lag alarms, no group copied over it", () => {
    const lagAlarms = (p: ResourcePlan) =>
      byType(p, "aws:cloudwatch/metricAlarm:MetricAlarm")
        .filter((a) => a.region === "eu-north-1" && a.name.includes("consumer"))
        .map((a) => a.name)
        .sort();
    // worker runs in eu-central-1, a stream region: the mirror's "worker" group is a copy.
    expect(lagAlarms(compiled)).toEqual([]);
    const spec = mirrored(["eu-north-1"]);
    const worker = (spec.services as Record<string, Record<string, unknown>>).worker!;
    worker.regions = ["eu-north-1"];
    worker.calls = [{ to: "events", op: "consume", timeoutMs: 300 }];
    const there = plan(spec);
    expect(lagAlarms(there)).toEqual([
      "events-alarm-consumer-time-lag-worker-absent-eu-north-1",
      "events-alarm-consumer-time-lag-worker-eu-north-1",
    ]);
    const endpoints = compilePlan(modelOf(spec)).resources.find(
      (r) => r.name === "eu-north-1/shop/ConfigMap/worker-aws-endpoints",
    )!;
    expect((endpoints.inputs as { data: Record<string, unknown> }).data.TOPOPLAN_EVENTS_BOOTSTRAP).toEqual({
      $ref: "events-msk-cluster-eu-north-1",
      property: "bootstrapBrokersSaslIam",
    });
    // Its group there is live: neither source's Replicator writes a translation into it.
    for (const source of ["eu-west-1", "eu-central-1"])
      expect(
        at(
          named(there, `events-msk-replicator-${source}-to-eu-north-1`).inputs,
          "replicationInfoList",
          "consumerGroupReplications",
          0,
        ),
      ).toMatchObject({ synchroniseConsumerGroupOffsets: false });
    // A consumer far from every cluster reads a stream region's cluster, not the mirror.
    worker.regions = ["eu-west-3"];
    expect(lagAlarms(plan(spec))).toEqual([]);
  });

  it("wires source and target clusters, each with its own subnets and security group", () => {
    const replicator = named(compiled, "events-msk-replicator-eu-west-1-to-eu-central-1");
    const side = (region: string, zones: string[]) => ({
      amazonMskCluster: { mskClusterArn: { $ref: `events-msk-cluster-${region}`, property: "arn" } },
      vpcConfig: {
        subnetIds: zones.map((zone) => ({ $ref: `aws-subnet-${zone}`, property: "id" })),
        securityGroupsIds: [{ $ref: `events-sg-${region}`, property: "id" }],
      },
    });
    expect(replicator.inputs).toMatchObject({
      replicatorName: "shop-events-eu-west-1-to-eu-central-1",
      serviceExecutionRoleArn: {
        $ref: "events-msk-replicator-eu-west-1-to-role-eu-central-1",
        property: "arn",
      },
      kafkaClusters: [
        side("eu-west-1", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        side("eu-central-1", ["eu-central-1a", "eu-central-1b", "eu-central-1c"]),
      ],
    });
    expect(at(replicator.inputs, "replicatorName")).toMatch(/^[0-9A-Za-z][0-9A-Za-z-]{0,127}$/);
  });

  it("replicates the stream's topic under its own name, from the earliest record, with its consumers' offsets", () => {
    const info = at(
      named(
        plan(mirrored(["eu-north-1"], { regions: ["eu-central-1"] })),
        "events-msk-replicator-eu-central-1-to-eu-north-1",
      ).inputs,
      "replicationInfoList",
    );
    expect(info).toEqual({
      sourceKafkaClusterArn: { $ref: "events-msk-cluster-eu-central-1", property: "arn" },
      targetKafkaClusterArn: { $ref: "events-msk-cluster-eu-north-1", property: "arn" },
      targetCompressionType: "LZ4",
      topicReplications: [
        {
          topicsToReplicates: ["events"],
          topicNameConfiguration: { type: "IDENTICAL" },
          startingPosition: { type: "EARLIEST" },
          detectAndCopyNewTopics: true,
          copyTopicConfigurations: true,
          copyAccessControlListsForTopics: false,
        },
      ],
      consumerGroupReplications: [
        {
          consumerGroupsToReplicates: ["worker"],
          synchroniseConsumerGroupOffsets: true,
          detectAndCopyNewConsumerGroups: true,
        },
      ],
    });
  });

  it("copies no consumer group where translations would meet another's: into a mirror of two sources, or a stream region's own consumers", () => {
    const groups = (name: string) =>
      at(named(compiled, name).inputs, "replicationInfoList", "consumerGroupReplications", 0);
    for (const source of ["eu-west-1", "eu-central-1"])
      expect(groups(`events-msk-replicator-${source}-to-eu-north-1`)).toMatchObject({
        consumerGroupsToExcludes: [".*"],
        synchroniseConsumerGroupOffsets: false,
      });
    // A stream region receiving a mirror has one source: the groups of consumers that do not run
    // there are copied (worker runs in eu-central-1 only) ...
    const both = plan(mirrored(["eu-west-1", "eu-central-1"]));
    const bothGroups = (name: string) =>
      at(named(both, name).inputs, "replicationInfoList", "consumerGroupReplications", 0);
    expect(bothGroups("events-msk-replicator-eu-central-1-to-eu-west-1")).toMatchObject({
      consumerGroupsToReplicates: ["worker"],
      synchroniseConsumerGroupOffsets: true,
    });
    // ... not a group that reads the target's own topic, which holds the source's records too:
    // MSK would write the source's translation into it whenever it had no active member.
    expect(bothGroups("events-msk-replicator-eu-west-1-to-eu-central-1")).toMatchObject({
      consumerGroupsToExcludes: [".*"],
      synchroniseConsumerGroupOffsets: false,
    });
    // Nor one whose pods dial the target from a region without a cluster: worker's pods in
    // eu-west-2 (London) get eu-west-1's bootstrap, the nearest (access.ts), so its group there is live.
    const spec = mirrored(["eu-west-1", "eu-central-1"], { residency: undefined });
    (spec.services as Record<string, Record<string, unknown>>).worker!.regions = [
      "eu-central-1",
      "eu-west-2",
    ];
    expect(
      at(
        named(plan(spec), "events-msk-replicator-eu-central-1-to-eu-west-1").inputs,
        "replicationInfoList",
        "consumerGroupReplications",
        0,
      ),
    ).toMatchObject({ consumerGroupsToExcludes: [".*"], synchroniseConsumerGroupOffsets: false });
  });

  it("syncs offsets ENHANCED where two stream regions mirror each other, else LEGACY (MSK's default)", () => {
    const groups = (compiledPlan: ResourcePlan, name: string) =>
      at(named(compiledPlan, name).inputs, "replicationInfoList", "consumerGroupReplications", 0);
    // LEGACY translates only while no producer writes to the target: eu-west-1's own do.
    // ENHANCED needs the Replicator back, which exists when both regions are mirror regions; both
    // take it, the one that copies no group too (the mode forces a new Replicator when it changes).
    const both = plan(mirrored(["eu-west-1", "eu-central-1"]));
    expect(groups(both, "events-msk-replicator-eu-central-1-to-eu-west-1")).toMatchObject({
      consumerGroupsToReplicates: ["worker"],
      synchroniseConsumerGroupOffsets: true,
      consumerGroupOffsetSyncMode: "ENHANCED",
    });
    expect(groups(both, "events-msk-replicator-eu-west-1-to-eu-central-1")).toMatchObject({
      consumerGroupsToExcludes: [".*"],
      consumerGroupOffsetSyncMode: "ENHANCED",
    });
    // Into a stream region not mirrored back (eu-central-1 → eu-west-1): LEGACY, the default.
    const oneWay = plan(mirrored(["eu-west-1"]));
    const legacy = groups(oneWay, "events-msk-replicator-eu-central-1-to-eu-west-1");
    expect(legacy).toMatchObject({
      consumerGroupsToReplicates: ["worker"],
      synchroniseConsumerGroupOffsets: true,
    });
    expect(legacy).not.toHaveProperty("consumerGroupOffsetSyncMode");
  });

  it("diff says a change of sync mode replaces the Replicator (MSK forces a new one)", () => {
    const sideOf = (spec: TopologyInput) => {
      const model = modelOf(spec);
      return { model, analysis: analyse(model), planFromModel: true as const };
    };
    // Mirroring eu-west-1 back into eu-central-1 makes the existing Replicator ENHANCED.
    const d = diffTopologies(
      sideOf(mirrored(["eu-west-1"])),
      sideOf(mirrored(["eu-west-1", "eu-central-1"])),
    );
    const existing = d.resources.find((r) => r.name === "events-msk-replicator-eu-central-1-to-eu-west-1");
    expect(existing?.action).toBe("replace");
    // Its name is fixed: the replacement is made after the old one is deleted.
    expect(named(plan(mirrored(["eu-west-1"])), existing!.name).options?.deleteBeforeReplace).toBe(true);
    expect(existing?.inputs.map((i) => i.replaces?.path)).toContain(
      "replicationInfoList.consumerGroupReplications[0].consumerGroupOffsetSyncMode",
    );
  });

  it("copies no consumer group for a stream without consumers", () => {
    const groups = at(
      named(
        plan(mirrored(["eu-north-1"], { consumers: [] })),
        "events-msk-replicator-eu-west-1-to-eu-north-1",
      ).inputs,
      "replicationInfoList",
      "consumerGroupReplications",
      0,
    );
    expect(groups).toEqual({
      consumerGroupsToReplicates: [".*"],
      consumerGroupsToExcludes: [".*"],
      synchroniseConsumerGroupOffsets: false,
      detectAndCopyNewConsumerGroups: false,
    });
  });

  it("runs as its own role, trusted by kafka.amazonaws.com in this account, on the two clusters only", () => {
    const role = named(compiled, "events-msk-replicator-eu-west-1-to-role-eu-central-1");
    const trust = at(role.inputs, "assumeRolePolicy", "value", "Statement", 0);
    expect(trust).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "kafka.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": { $runtime: "awsAccountId" } } },
    });
    const policy = named(compiled, "events-msk-replicator-eu-west-1-to-policy-eu-central-1");
    expect(at(policy.inputs, "role")).toEqual({ $ref: role.name, property: "id" });
    const statements = at(policy.inputs, "policy", "value", "Statement") as { Action: string[] }[];
    const actions = new Set(statements.flatMap((s) => s.Action));
    for (const action of [
      "kafka-cluster:Connect",
      "kafka-cluster:ReadData",
      "kafka-cluster:WriteData",
      "kafka-cluster:WriteDataIdempotently",
      "kafka-cluster:CreateTopic",
      "kafka-cluster:AlterGroup",
    ])
      expect(actions.has(action), action).toBe(true);
    // Scoped: no wildcard account, region or cluster; only this pair's clusters are referenced.
    expect(stringsIn(at(policy.inputs, "policy")).filter((s) => s.includes("*:") || s === "*")).toEqual([]);
    expect([...new Set(refsIn(at(policy.inputs, "policy")).map((r) => r.$ref))].sort()).toEqual([
      "events-msk-cluster-eu-central-1",
      "events-msk-cluster-eu-west-1",
    ]);
  });

  it("turns on multi-VPC IAM connectivity and the MSK service's cluster policy on source clusters only", () => {
    const connectivity = (region: string) =>
      at(named(compiled, `events-msk-cluster-${region}`).inputs, "brokerNodeGroupInfo", "connectivityInfo");
    const iam = { vpcConnectivity: { clientAuthentication: { sasl: { iam: true } } } };
    expect(connectivity("eu-west-1")).toEqual(iam);
    expect(connectivity("eu-central-1")).toEqual(iam);
    expect(connectivity("eu-north-1")).toBeUndefined();
    expect(byType(compiled, POLICY).map((p) => p.name)).toEqual([
      "events-msk-cluster-policy-eu-central-1",
      "events-msk-cluster-policy-eu-west-1",
    ]);
    const statement = at(
      named(compiled, "events-msk-cluster-policy-eu-west-1").inputs,
      "policy",
      "value",
      "Statement",
      0,
    );
    expect(statement).toMatchObject({
      Principal: { Service: "kafka.amazonaws.com" },
      Action: ["kafka:CreateVpcConnection", "kafka:GetBootstrapBrokers", "kafka:DescribeClusterV2"],
      Resource: { $ref: "events-msk-cluster-eu-west-1", property: "arn" },
    });
    expect(named(compiled, "events-msk-replicator-eu-west-1-to-eu-north-1").options?.dependsOn).toEqual([
      "events-msk-cluster-policy-eu-west-1",
      "events-msk-replicator-eu-west-1-to-policy-eu-north-1",
    ]);
  });

  it("lets the Replicator's network interfaces, placed in each cluster's group, reach the brokers on 9098", () => {
    const rule = { protocol: "tcp", fromPort: 9098, toPort: 9098, self: true };
    for (const region of ["eu-west-1", "eu-central-1", "eu-north-1"]) {
      const sg = named(compiled, `events-sg-${region}`).inputs;
      expect(sg.ingress as object[]).toContainEqual(expect.objectContaining(rule));
      expect(sg.egress).toEqual([expect.objectContaining(rule)]);
      // EC2 refuses apostrophes in rule descriptions.
      for (const r of [
        ...(sg.ingress as { description: string }[]),
        ...(sg.egress as { description: string }[]),
      ])
        expect(r.description).toMatch(/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/);
    }
  });

  it("alarms in the target region when replication outlasts the consumer-lag SLO", () => {
    const alarm = named(compiled, "events-alarm-replication-latency-eu-west-1-eu-north-1");
    expect(alarm.region).toBe("eu-north-1");
    expect(alarm.inputs).toMatchObject({
      namespace: "AWS/Kafka",
      metricName: "ReplicationLatency",
      dimensions: { ReplicatorName: "shop-events-eu-west-1-to-eu-north-1" },
      threshold: 20_000,
    });
    expect(named(compiled, "events-alarm-replicator-failure-eu-west-1-eu-north-1").inputs).toMatchObject({
      metricName: "ReplicatorFailure",
      threshold: 0,
    });
  });

  it("without a consumer-lag SLO the mirroring p99, and an alarm when MessageLag stays up", () => {
    const held = plan(mirrored(["eu-central-1", "eu-north-1"], { slo: { consumerLagMs: 2000 } }));
    expect(at(named(held, "events-alarm-replication-latency-eu-west-1-eu-north-1").inputs, "threshold")).toBe(
      2000,
    );
    // A Replicator that stopped reading shows no latency at all; its MessageLag grows (review).
    const growing = named(compiled, "events-alarm-replicator-stuck-eu-west-1-eu-north-1");
    expect(growing.region).toBe("eu-north-1");
    expect(growing.inputs).toMatchObject({
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 10,
      datapointsToAlarm: 10,
      metricQueries: [
        {
          id: "lag",
          metric: {
            namespace: "AWS/Kafka",
            metricName: "MessageLag",
            dimensions: { ReplicatorName: "shop-events-eu-west-1-to-eu-north-1" },
            stat: "Sum",
          },
        },
        { id: "stuck", expression: "IF(lag > 0 AND RATE(lag) >= 0, 1, 0)", returnData: true },
      ],
    });
  });

  it("compiles nothing of the kind for a stream without mirrorRegions", () => {
    const plain = plan(mirrored(undefined));
    expect(byType(plain, REPLICATOR)).toEqual([]);
    expect(byType(plain, POLICY)).toEqual([]);
    expect(plain.resources.filter((r) => r.name.includes("replicator"))).toEqual([]);
    for (const cluster of byType(plain, CLUSTER))
      expect(at(cluster.inputs, "brokerNodeGroupInfo", "connectivityInfo")).toBeUndefined();
    expect(at(named(plain, "events-sg-eu-west-1").inputs, "egress")).toEqual([]);
  });
});

describe("what MSK Replicator requires", () => {
  it("refuses a mirror region outside the residency, naming the mirrorRegions entry", () => {
    const error = compileError(() => plan(mirrored(["us-east-1"])));
    expect(error.diagnostics.map((d) => [d.code, d.path])).toContainEqual([
      "aws/residency",
      "streams.events.mirrorRegions[0]",
    ]);
  });

  it("refuses a Kafka version older than identical topic names need, and t3 brokers", () => {
    const old = compileError(() =>
      plan(mirrored(["eu-north-1"], { deploy: { target: "aws", service: "msk", engineVersion: "2.6.2" } })),
    );
    expect(old.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["aws/msk-replicator-version", "streams.events.deploy.engineVersion"],
    ]);
    expect(old.diagnostics[0]?.message).toContain("2.8.1");
    const t3 = compileError(() =>
      plan(
        mirrored(["eu-north-1"], {
          deploy: { target: "aws", service: "msk", instanceClass: "kafka.t3.small" },
        }),
      ),
    );
    expect(t3.diagnostics.map((d) => d.code)).toEqual(["aws/msk-replicator-instance"]);
    // The same settings without a mirror compile.
    expect(() =>
      plan(mirrored(undefined, { deploy: { target: "aws", service: "msk", engineVersion: "2.6.2" } })),
    ).not.toThrow();
  });

  it("gives a mirrored cluster over two zones the four brokers the Replicator needs", () => {
    const twoZones = {
      vpcId: "vpc-0abc",
      subnetIds: ["subnet-0a", "subnet-0b"],
      callerCidrs: ["10.9.0.0/16"],
    };
    const spec = mirrored(["eu-central-1"], { replicas: 2, minInSync: 1 });
    const brokers = (p: ResourcePlan) =>
      at(named(p, "events-msk-cluster-eu-central-1").inputs, "numberOfBrokerNodes");
    expect(brokers(plan(spec, { awsNetwork: { "eu-central-1": twoZones } }))).toBe(4);
    expect(
      brokers(
        plan(mirrored(undefined, { replicas: 2, minInSync: 1 }), {
          awsNetwork: { "eu-central-1": twoZones },
        }),
      ),
    ).toBe(2);
  });

  it("always gives a mirrored cluster a multiple of its zones, ≥ the replicas and ≥ the Replicator's minimum", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 12 }), (zones, replicas) => {
        const n = brokerCount(zones, replicas, true);
        expect(n % zones).toBe(0);
        expect(n).toBeGreaterThanOrEqual(Math.max(replicas, zones === 2 ? 4 : 3));
        expect(n).toBeLessThan(Math.max(replicas, zones === 2 ? 4 : 3) + zones);
      }),
    );
  });

  it.each([
    ["3.8.x", false],
    ["2.8.1", false],
    ["2.8.2.tiered", false],
    ["3.7.x.kraft", false],
    ["2.8.0", true],
    ["2.7.1", true],
    ["2.6.2", true],
    ["latest", undefined],
  ] as const)("Kafka %s is older than %s: %s", (version, below) => {
    expect(kafkaVersionBelow(version, REPLICATOR_MIN_KAFKA)).toBe(below);
  });
});

describe("the Replicator's resources against the @pulumi/aws Args types", () => {
  /** Inputs as a TypeScript literal; refs and runtime values (deploy-time outputs) become `any`. */
  function literal(value: unknown): string {
    if (isRef(value) || isRuntimeValue(value)) return "DEPLOY_TIME";
    if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
    if (typeof value === "object" && value !== null)
      return `{ ${Object.entries(value)
        .map(([k, v]) => `${JSON.stringify(k)}: ${literal(v)}`)
        .join(", ")} }`;
    return JSON.stringify(value);
  }

  /** tsc's complaints about each resource's inputs assigned to its token's Args type. */
  function typeErrors(resources: readonly PlannedResource[]): string[] {
    const source = [
      `import type { AwsArgsByToken } from ${JSON.stringify(join(REPO_ROOT, "src/compile/aws/typed.js"))};`,
      "declare const DEPLOY_TIME: any;",
      ...resources.map(
        (r, i) =>
          `// ${r.name}\nexport const r${i}: AwsArgsByToken[${JSON.stringify(r.type)}] = ${literal(r.inputs)};`,
      ),
    ].join("\n");
    const dir = mkdtempSync(join(REPO_ROOT, ".msk-replicator-args-"));
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
      return ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file?.fileName === file)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("type-check: Replicators, cluster policies, roles, clusters and security groups", () => {
    const resources = compiled.resources.filter((r) =>
      [
        REPLICATOR,
        POLICY,
        CLUSTER,
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:ec2/securityGroup:SecurityGroup",
      ].includes(r.type),
    );
    expect(new Set(resources.map((r) => r.type)).size).toBe(6);
    expect(typeErrors(resources)).toEqual([]);
  }, 120_000);

  it("fails on the singular field names the SDK spells in the plural (the check can fail)", () => {
    const replicator = named(compiled, "events-msk-replicator-eu-west-1-to-eu-north-1");
    const info = replicator.inputs.replicationInfoList as { topicReplications: Record<string, unknown>[] };
    const { topicsToReplicates: _, ...rest } = info.topicReplications[0]!;
    const misspelled = {
      ...replicator,
      inputs: {
        ...replicator.inputs,
        replicationInfoList: { ...info, topicReplications: [{ ...rest, topicsToReplicate: ["events"] }] },
      },
    };
    expect(typeErrors([misspelled]).join("\n")).toMatch(/'"?topicsToReplicate"?' does not exist/);
  }, 120_000);
});
