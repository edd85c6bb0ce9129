import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { sortedKeys } from "../../order.js";
import { type PlannedResource, type ResourceOptions, type RuntimeValue, ref } from "../plan.js";

/**
 * The @pulumi/aws argument type of every token this target emits. `emit` takes the args typed
 * by their token, so `tsc` checks every field name and value against @pulumi/aws while nothing
 * from @pulumi/aws loads at run time (type-only imports; compilation stays pure and fast).
 */
export interface AwsArgsByToken {
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": aws.cloudwatch.CompositeAlarmArgs;
  "aws:cloudwatch/dashboard:Dashboard": aws.cloudwatch.DashboardArgs;
  "aws:cloudwatch/logGroup:LogGroup": aws.cloudwatch.LogGroupArgs;
  "aws:cloudwatch/metricAlarm:MetricAlarm": aws.cloudwatch.MetricAlarmArgs;
  "aws:dynamodb/table:Table": aws.dynamodb.TableArgs;
  "aws:ec2/flowLog:FlowLog": aws.ec2.FlowLogArgs;
  "aws:ec2/route:Route": aws.ec2.RouteArgs;
  "aws:ec2/securityGroup:SecurityGroup": aws.ec2.SecurityGroupArgs;
  "aws:ec2/subnet:Subnet": aws.ec2.SubnetArgs;
  "aws:ec2/vpc:Vpc": aws.ec2.VpcArgs;
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": aws.ec2.VpcPeeringConnectionArgs;
  "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": aws.ec2.VpcPeeringConnectionAccepterArgs;
  "aws:ec2transitgateway/peeringAttachment:PeeringAttachment": aws.ec2transitgateway.PeeringAttachmentArgs;
  "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter": aws.ec2transitgateway.PeeringAttachmentAccepterArgs;
  "aws:ec2transitgateway/route:Route": aws.ec2transitgateway.RouteArgs;
  "aws:ec2transitgateway/transitGateway:TransitGateway": aws.ec2transitgateway.TransitGatewayArgs;
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment": aws.ec2transitgateway.VpcAttachmentArgs;
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": aws.eks.PodIdentityAssociationArgs;
  "aws:iam/role:Role": aws.iam.RoleArgs;
  "aws:iam/rolePolicy:RolePolicy": aws.iam.RolePolicyArgs;
  "aws:kms/key:Key": aws.kms.KeyArgs;
  "aws:msk/cluster:Cluster": aws.msk.ClusterArgs;
  "aws:msk/clusterPolicy:ClusterPolicy": aws.msk.ClusterPolicyArgs;
  "aws:msk/configuration:Configuration": aws.msk.ConfigurationArgs;
  "aws:msk/replicator:Replicator": aws.msk.ReplicatorArgs;
  "aws:rds/cluster:Cluster": aws.rds.ClusterArgs;
  "aws:rds/clusterInstance:ClusterInstance": aws.rds.ClusterInstanceArgs;
  "aws:rds/clusterParameterGroup:ClusterParameterGroup": aws.rds.ClusterParameterGroupArgs;
  "aws:rds/globalCluster:GlobalCluster": aws.rds.GlobalClusterArgs;
  "aws:rds/subnetGroup:SubnetGroup": aws.rds.SubnetGroupArgs;
  "aws:s3/bucket:Bucket": aws.s3.BucketArgs;
  "aws:s3/bucketPolicy:BucketPolicy": aws.s3.BucketPolicyArgs;
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": aws.s3.BucketPublicAccessBlockArgs;
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": aws.s3.BucketReplicationConfigArgs;
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": aws.s3.BucketServerSideEncryptionConfigurationArgs;
  "aws:s3/bucketVersioning:BucketVersioning": aws.s3.BucketVersioningArgs;
  "aws:secretsmanager/secret:Secret": aws.secretsmanager.SecretArgs;
  "aws:secretsmanager/secretVersion:SecretVersion": aws.secretsmanager.SecretVersionArgs;
  "aws:sns/topic:Topic": aws.sns.TopicArgs;
  "aws:sns/topicSubscription:TopicSubscription": aws.sns.TopicSubscriptionArgs;
}

export type AwsToken = keyof AwsArgsByToken;

/** Every Pulumi type token the aws target can emit (for the adapter's registry and the docs). */
export const AWS_TOKENS: readonly AwsToken[] = [
  "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  "aws:cloudwatch/dashboard:Dashboard",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws:dynamodb/table:Table",
  "aws:ec2/flowLog:FlowLog",
  "aws:ec2/route:Route",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/vpc:Vpc",
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  "aws:ec2transitgateway/peeringAttachment:PeeringAttachment",
  "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter",
  "aws:ec2transitgateway/route:Route",
  "aws:ec2transitgateway/transitGateway:TransitGateway",
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:kms/key:Key",
  "aws:msk/cluster:Cluster",
  "aws:msk/clusterPolicy:ClusterPolicy",
  "aws:msk/configuration:Configuration",
  "aws:msk/replicator:Replicator",
  "aws:rds/cluster:Cluster",
  "aws:rds/clusterInstance:ClusterInstance",
  "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  "aws:rds/globalCluster:GlobalCluster",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:secretsmanager/secret:Secret",
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:sns/topic:Topic",
  "aws:sns/topicSubscription:TopicSubscription",
];

/**
 * Another planned resource's output, typed as the Pulumi input it stands for. At run time it is a
 * plain {@link ref} object that the adapter resolves to an Output; the cast only lets it sit in a
 * typed `aws.*Args` literal.
 */
export function out(resource: string, property: string): pulumi.Input<string> {
  return ref(resource, property) as unknown as pulumi.Input<string>;
}

/** {@link out} for a numeric output (e.g. an MSK configuration's `latestRevision`). */
export function outNumber(resource: string, property: string): pulumi.Input<number> {
  return ref(resource, property) as unknown as pulumi.Input<number>;
}

const runtime = (value: RuntimeValue) => value as unknown as pulumi.Input<string>;

/** A password generated at deployment, the same for the same key within a run; a Pulumi secret. */
export const generatedPassword = (key: string) => runtime({ $runtime: "password", key });

/** The AWS account id of the resource's regional provider. */
export const awsAccountId = () => runtime({ $runtime: "awsAccountId" });

/** A JSON document (policy) that holds refs or runtime values, serialised at deployment. */
export const jsonDocument = (value: unknown) => runtime({ $runtime: "json", value });

/** The first of `values` (outputs) the deployment holds; it stops, naming `what`, when none does. */
export const firstDefined = (what: string, values: readonly pulumi.Input<string>[]) =>
  runtime({ $runtime: "firstDefined", what, values });

/** Strings and outputs joined at deployment (`concat(out(bucket, "arn"), "/*")`). */
export const concat = (...parts: readonly pulumi.Input<string>[]) => runtime({ $runtime: "concat", parts });

/** One resource to emit: token, names and its typed args. */
export interface Emission<T extends AwsToken> {
  readonly type: T;
  readonly name: string;
  readonly region: string;
  /** Topology component, or "" for shared per-region resources. */
  readonly component: string;
  readonly args: AwsArgsByToken[T];
  readonly options?: ResourceOptions;
}

/** Stateful resources: never deleted by an edit, kept in the cloud if they leave the program. */
export const STATEFUL: ResourceOptions = { protect: true, retainOnDelete: true };

/** Turns typed args into plain, key-sorted data (undefined fields dropped; refs kept as they are). */
export function toPlanned<T extends AwsToken>(emission: Emission<T>): PlannedResource {
  const inputs = plain(emission.args) as Record<string, unknown>;
  const options = emission.options;
  return {
    type: emission.type,
    name: emission.name,
    provider: "aws",
    region: emission.region,
    component: emission.component,
    inputs,
    ...(options === undefined || Object.keys(options).length === 0
      ? {}
      : {
          options: {
            ...options,
            ...(options.dependsOn === undefined ? {} : { dependsOn: [...options.dependsOn].sort() }),
          },
        }),
  };
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== "object") return value;
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of sortedKeys(source)) {
    const child = source[key];
    if (child !== undefined) result[key] = plain(child);
  }
  return result;
}
