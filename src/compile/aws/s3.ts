import type { ResolvedDatastore } from "../../model/types.js";
import type { AwsContext } from "./context.js";
import { IAM_ROLE_NAME_PREFIX_MAX, logicalName } from "./names.js";
import { concat, jsonDocument, out, STATEFUL } from "./typed.js";

/**
 * Replication metrics (ReplicationLatency, OperationsFailedReplication, which the alarms watch)
 * and, when the spec sets `deploy.replicationTimeControl`, Replication Time Control: S3 then replicates
 * 99.99% of objects within 15 minutes (S3 user guide, "Meeting compliance requirements with S3
 * RTC"; extra charge per GB). `metrics.eventThreshold` is valid only together with
 * `replicationTime` (S3 answers InvalidArgument otherwise, pulumi-aws#5806): the two go together
 * here or not at all.
 */
export function replicationTiming(rtc: boolean) {
  return rtc
    ? {
        metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
        replicationTime: { status: "Enabled", time: { minutes: 15 } },
      }
    : { metrics: { status: "Enabled" } };
}

/**
 * S3 object store: a bucket in every placement region (versioned, SSE-KMS with the region's
 * key, public access blocked), and replication from the leader's (source) bucket to every other
 * region's bucket — the caller has already checked each destination against the residency.
 *
 * Buckets are auto-named from a deterministic prefix (bucket names are global across accounts,
 * so a fixed name could be taken); the replication role's policy and the dashboard match the
 * prefix.
 */
export function compileS3(ctx: AwsContext, store: ResolvedDatastore): void {
  const buckets = new Map<string, { bucket: string; versioning: string; prefix: string; key: string }>();
  for (const region of store.regions) {
    // bucketPrefix is limited to 37 characters; Pulumi/Terraform append a unique suffix.
    const prefix = `${ctx.physical([store.name, region], 36)}-`;
    const key = ctx.kmsKey(store.name, region);
    const bucket = ctx.emit({
      type: "aws:s3/bucket:Bucket",
      name: logicalName(store.name, "bucket", region),
      region,
      component: store.name,
      args: { bucketPrefix: prefix, forceDestroy: false, tags: ctx.tags(store.name) },
      options: STATEFUL,
    });
    const versioning = ctx.emit({
      type: "aws:s3/bucketVersioning:BucketVersioning",
      name: logicalName(store.name, "bucket-versioning", region),
      region,
      component: store.name,
      args: { bucket: out(bucket, "id"), versioningConfiguration: { status: "Enabled" } },
      // Removing this resource from the program must not suspend versioning on a live bucket.
      options: { retainOnDelete: true },
    });
    ctx.emit({
      type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      name: logicalName(store.name, "bucket-sse", region),
      region,
      component: store.name,
      args: {
        bucket: out(bucket, "id"),
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: out(key, "arn") },
            bucketKeyEnabled: true,
          },
        ],
      },
      options: { retainOnDelete: true },
    });
    ctx.emit({
      type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      name: logicalName(store.name, "bucket-public-access-block", region),
      region,
      component: store.name,
      args: {
        bucket: out(bucket, "id"),
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      options: { retainOnDelete: true },
    });
    // Deny every request not made over TLS (AWS Security Hub control S3.5; S3 user guide,
    // "Enforce encryption of data in transit").
    ctx.emit({
      type: "aws:s3/bucketPolicy:BucketPolicy",
      name: logicalName(store.name, "bucket-policy", region),
      region,
      component: store.name,
      args: {
        bucket: out(bucket, "id"),
        policy: jsonDocument({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [out(bucket, "arn"), concat(out(bucket, "arn"), "/*")],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      options: { retainOnDelete: true },
    });
    buckets.set(region, { bucket, versioning, prefix, key });
  }

  const source = buckets.get(store.leader);
  const destinations = store.regions.filter((region) => region !== store.leader);
  if (source === undefined || destinations.length === 0) return;

  // Replication Time Control when the spec declares it: the analysis models its 15-minute bound.
  const rtc = store.deploy.target === "aws" && store.deploy.replicationTimeControl === true;
  const role = ctx.emit({
    type: "aws:iam/role:Role",
    name: logicalName(store.name, "replication-role"),
    region: store.leader,
    component: store.name,
    args: {
      // Auto-named from `<store>-replication-role` (57 characters for a 40-character store) plus
      // 8 would pass IAM's 64: a prefix the provider completes instead.
      namePrefix: `${ctx.physical([store.name, "s3-replication"], IAM_ROLE_NAME_PREFIX_MAX - 1)}-`,
      description: `S3 replication of ${store.path} from ${store.leader}`,
      assumeRolePolicy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      },
      tags: ctx.tags(store.name),
    },
  });
  const arnOf = (prefix: string) => `arn:aws:s3:::${prefix}*`;
  const targets = destinations.map((region) => ({ region, ...buckets.get(region)! }));
  ctx.emit({
    type: "aws:iam/rolePolicy:RolePolicy",
    name: logicalName(store.name, "replication-policy"),
    region: store.leader,
    component: store.name,
    args: {
      role: out(role, "id"),
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            Resource: [arnOf(source.prefix)],
          },
          {
            Effect: "Allow",
            Action: [
              "s3:GetObjectVersionAcl",
              "s3:GetObjectVersionForReplication",
              "s3:GetObjectVersionTagging",
            ],
            Resource: [`${arnOf(source.prefix)}/*`],
          },
          {
            Effect: "Allow",
            Action: ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
            Resource: targets.map((t) => `${arnOf(t.prefix)}/*`),
          },
          { Effect: "Allow", Action: ["kms:Decrypt"], Resource: [out(source.key, "arn")] },
          // Encrypt the replica; with S3 Bucket Keys on, kms:Decrypt on the replica's key too: "the
          // call to kms:Decrypt verifies the integrity of the S3 Bucket Key before using it" (S3
          // user guide, "Replicating encrypted objects", Amazon S3 Bucket Keys and replication).
          {
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:Encrypt"],
            Resource: targets.map((t) => out(t.key, "arn")),
          },
        ],
      },
    },
  });
  ctx.emit({
    type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    name: logicalName(store.name, "bucket-replication"),
    region: store.leader,
    component: store.name,
    args: {
      bucket: out(source.bucket, "id"),
      role: out(role, "arn"),
      rules: targets.map((target, i) => ({
        id: `to-${target.region}`,
        priority: i + 1,
        status: "Enabled",
        filter: { prefix: "" },
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
          bucket: out(target.bucket, "arn"),
          storageClass: "STANDARD",
          encryptionConfiguration: { replicaKmsKeyId: out(target.key, "arn") },
          ...replicationTiming(rtc),
        },
      })),
    },
    options: { dependsOn: [source.versioning, ...targets.map((t) => t.versioning)] },
  });

  // Replication metrics: AWS/S3 in the source bucket's region, by SourceBucket, DestinationBucket
  // and RuleId, for rules with metrics enabled (replicationTiming)
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html,
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Recommended_PromQL_Alarms.html).
  const lagMs = store.slo.replicationLagMs;
  for (const target of targets) {
    // Failed operations are reported only when there are some: missing data is no failure.
    ctx.alarm({
      component: store.name,
      region: store.leader,
      key: `replication-failed-to-${target.region}`,
      description: `${store.path}: S3 objects failed to replicate ${store.leader} → ${target.region}`,
      namespace: "AWS/S3",
      metricName: "OperationsFailedReplication",
      dimensions: [
        {
          SourceBucket: out(source.bucket, "bucket"),
          DestinationBucket: out(target.bucket, "bucket"),
          RuleId: `to-${target.region}`,
        },
      ],
      statistic: "Sum",
      threshold: 0,
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
    });
    if (lagMs !== undefined) {
      ctx.alarm({
        component: store.name,
        region: store.leader,
        key: `replication-latency-to-${target.region}`,
        description: `${store.path}: S3 replication ${store.leader} → ${target.region} above the ${lagMs} ms replicationLagMs SLO`,
        namespace: "AWS/S3",
        metricName: "ReplicationLatency",
        dimensions: [
          {
            SourceBucket: out(source.bucket, "bucket"),
            DestinationBucket: out(target.bucket, "bucket"),
            RuleId: `to-${target.region}`,
          },
        ],
        statistic: "Maximum",
        // S3 reports ReplicationLatency in seconds.
        threshold: lagMs / 1000,
        periodSeconds: 300,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        // S3 reports replication metrics only while objects replicate, so an idle bucket has no
        // latency at all: missing data is not breaching (it would page every quiet hour). Replication
        // that breaks while objects are written shows in OperationsFailedReplication (above).
      });
    }
  }
  ctx.widget(store.leader, {
    component: store.name,
    title: "S3 replication latency (s)",
    stat: "Maximum",
    metrics: [
      [
        {
          expression: `SEARCH('{AWS/S3,DestinationBucket,RuleId,SourceBucket} MetricName="ReplicationLatency" ${source.prefix}', 'Maximum', 300)`,
          id: "latency",
        },
      ],
    ],
    ...(lagMs === undefined ? {} : { threshold: { label: "replicationLagMs SLO", value: lagMs / 1000 } }),
  });
}
