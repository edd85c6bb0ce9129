import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { PlannedResource, ProviderKind } from "../compile/plan.js";

/**
 * The one registry from Pulumi type token to constructor (STYLE.md, pulumi-awsx). A plan's `type`
 * is looked up here; a token that is neither registered nor a Kubernetes custom resource is an
 * error naming the token, never skipped. Tokens are written out so they can be grepped against
 * the compilers; a test checks each one against the class's own registered type.
 */

/** A generated Pulumi resource class; `never` args accept every class's own Args type. */
export type ResourceClass = new (
  name: string,
  args: never,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/** Creates the Pulumi resource for one planned resource (inputs already have refs substituted). */
export type Construct = (
  name: string,
  inputs: Readonly<Record<string, unknown>>,
  opts: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/**
 * Built-in Kubernetes kinds, created with their typed classes. A typed class sets apiVersion and
 * kind itself and takes the other top-level manifest fields (metadata, spec, data, ...) as args,
 * so the manifest is passed as it is.
 */
export const KUBERNETES_CLASSES: Readonly<Record<string, ResourceClass>> = {
  "kubernetes:core/v1:Namespace": k8s.core.v1.Namespace,
  "kubernetes:core/v1:ConfigMap": k8s.core.v1.ConfigMap,
  "kubernetes:core/v1:Secret": k8s.core.v1.Secret,
  "kubernetes:core/v1:Service": k8s.core.v1.Service,
  "kubernetes:core/v1:ServiceAccount": k8s.core.v1.ServiceAccount,
  "kubernetes:apps/v1:StatefulSet": k8s.apps.v1.StatefulSet,
  "kubernetes:apps/v1:Deployment": k8s.apps.v1.Deployment,
  "kubernetes:apps/v1:DaemonSet": k8s.apps.v1.DaemonSet,
  "kubernetes:batch/v1:Job": k8s.batch.v1.Job,
  "kubernetes:batch/v1:CronJob": k8s.batch.v1.CronJob,
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": k8s.autoscaling.v2.HorizontalPodAutoscaler,
  "kubernetes:policy/v1:PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": k8s.networking.v1.NetworkPolicy,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": k8s.rbac.v1.Role,
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": k8s.rbac.v1.RoleBinding,
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": k8s.rbac.v1.ClusterRole,
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
  "kubernetes:scheduling.k8s.io/v1:PriorityClass": k8s.scheduling.v1.PriorityClass,
  // Not a manifest: a Helm release's inputs are the chart, version, repository and values.
  "kubernetes:helm.sh/v3:Release": k8s.helm.v3.Release,
};

/** Kubernetes tokens whose inputs are not a manifest (no apiVersion/kind to check). */
const NOT_MANIFESTS: ReadonlySet<string> = new Set(["kubernetes:helm.sh/v3:Release"]);

/**
 * AWS resources. In @pulumi/aws v7 `s3.Bucket`, `s3.BucketVersioning` and
 * `s3.BucketServerSideEncryptionConfiguration` are current; the `…V2` classes are deprecated
 * aliases of them and are registered only so older plans keep working.
 */
export const AWS_CLASSES: Readonly<Record<string, ResourceClass>> = {
  "aws:dynamodb/table:Table": aws.dynamodb.Table,
  "aws:dynamodb/tableReplica:TableReplica": aws.dynamodb.TableReplica,
  "aws:rds/globalCluster:GlobalCluster": aws.rds.GlobalCluster,
  "aws:rds/cluster:Cluster": aws.rds.Cluster,
  "aws:rds/clusterInstance:ClusterInstance": aws.rds.ClusterInstance,
  "aws:rds/clusterParameterGroup:ClusterParameterGroup": aws.rds.ClusterParameterGroup,
  "aws:rds/subnetGroup:SubnetGroup": aws.rds.SubnetGroup,
  "aws:msk/cluster:Cluster": aws.msk.Cluster,
  "aws:msk/clusterPolicy:ClusterPolicy": aws.msk.ClusterPolicy,
  "aws:msk/configuration:Configuration": aws.msk.Configuration,
  "aws:msk/replicator:Replicator": aws.msk.Replicator,
  "aws:s3/bucket:Bucket": aws.s3.Bucket,
  "aws:s3/bucketV2:BucketV2": aws.s3.BucketV2,
  "aws:s3/bucketVersioning:BucketVersioning": aws.s3.BucketVersioning,
  "aws:s3/bucketVersioningV2:BucketVersioningV2": aws.s3.BucketVersioningV2,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
    aws.s3.BucketServerSideEncryptionConfiguration,
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2":
    aws.s3.BucketServerSideEncryptionConfigurationV2,
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": aws.s3.BucketReplicationConfig,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": aws.s3.BucketPublicAccessBlock,
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": aws.s3.BucketOwnershipControls,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": aws.s3.BucketLifecycleConfiguration,
  "aws:s3/bucketPolicy:BucketPolicy": aws.s3.BucketPolicy,
  "aws:ec2/vpc:Vpc": aws.ec2.Vpc,
  "aws:ec2/subnet:Subnet": aws.ec2.Subnet,
  "aws:ec2/securityGroup:SecurityGroup": aws.ec2.SecurityGroup,
  "aws:ec2/internetGateway:InternetGateway": aws.ec2.InternetGateway,
  "aws:ec2/routeTable:RouteTable": aws.ec2.RouteTable,
  "aws:ec2/route:Route": aws.ec2.Route,
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": aws.ec2.VpcPeeringConnection,
  "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": aws.ec2.VpcPeeringConnectionAccepter,
  "aws:ec2transitgateway/transitGateway:TransitGateway": aws.ec2transitgateway.TransitGateway,
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment": aws.ec2transitgateway.VpcAttachment,
  "aws:ec2transitgateway/peeringAttachment:PeeringAttachment": aws.ec2transitgateway.PeeringAttachment,
  "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter":
    aws.ec2transitgateway.PeeringAttachmentAccepter,
  "aws:ec2transitgateway/route:Route": aws.ec2transitgateway.Route,
  "aws:kms/key:Key": aws.kms.Key,
  "aws:kms/replicaKey:ReplicaKey": aws.kms.ReplicaKey,
  "aws:kms/alias:Alias": aws.kms.Alias,
  "aws:sns/topic:Topic": aws.sns.Topic,
  "aws:sns/topicSubscription:TopicSubscription": aws.sns.TopicSubscription,
  "aws:cloudwatch/metricAlarm:MetricAlarm": aws.cloudwatch.MetricAlarm,
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": aws.cloudwatch.CompositeAlarm,
  "aws:cloudwatch/dashboard:Dashboard": aws.cloudwatch.Dashboard,
  "aws:cloudwatch/logGroup:LogGroup": aws.cloudwatch.LogGroup,
  "aws:iam/role:Role": aws.iam.Role,
  "aws:iam/rolePolicy:RolePolicy": aws.iam.RolePolicy,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": aws.iam.RolePolicyAttachment,
  "aws:ec2/flowLog:FlowLog": aws.ec2.FlowLog,
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": aws.eks.PodIdentityAssociation,
  "aws:secretsmanager/secret:Secret": aws.secretsmanager.Secret,
  "aws:secretsmanager/secretVersion:SecretVersion": aws.secretsmanager.SecretVersion,
};

const CLASSES: Readonly<Record<ProviderKind, Readonly<Record<string, ResourceClass>>>> = {
  kubernetes: KUBERNETES_CLASSES,
  aws: AWS_CLASSES,
};

const typed =
  (cls: ResourceClass): Construct =>
  (name, inputs, opts) =>
    new cls(name, inputs as never, opts);

/**
 * Kubernetes custom resources (Prometheus Operator, Istio, Chaos Mesh, ...) all go through
 * `CustomResource`, which registers as `kubernetes:<apiVersion>:<kind>`, i.e.
 * `kubernetes:<group>/<version>:<Kind>`: the same token the plan carries.
 */
const customResource: Construct = (name, inputs, opts) =>
  new k8s.apiextensions.CustomResource(name, inputs as k8s.apiextensions.CustomResourceArgs, opts);

/** Built-in API groups: the core group, dot-less groups (apps, batch, policy) and `*.k8s.io`. */
function isBuiltInGroup(group: string): boolean {
  return !group.includes(".") || group.endsWith(".k8s.io");
}

/** `kubernetes:apps/v1:StatefulSet` → `{ apiVersion: "apps/v1", kind: "StatefulSet", group: "apps" }`. */
function parseKubernetesToken(type: string): { apiVersion: string; kind: string; group: string } | undefined {
  const match = /^kubernetes:([^:/]+)\/([^:/]+):([^:]+)$/.exec(type);
  if (match === null) return undefined;
  const [, group, version, kind] = match as unknown as [string, string, string, string];
  return { group, kind, apiVersion: group === "core" ? version : `${group}/${version}` };
}

const REGISTRATION_HINT = "add the token and its class to src/pulumi/registry.ts";

/**
 * The constructor for a planned resource, or a message saying why there is none. Also checks that
 * the token belongs to the resource's provider and, for Kubernetes, that the manifest's
 * apiVersion/kind agree with the token (a typed class would silently overwrite them).
 */
export function constructorFor(resource: PlannedResource): Construct | string {
  const { type, name } = resource;
  const table = CLASSES[resource.provider];
  if (table === undefined) return `"${name}" has provider "${resource.provider}"; expected kubernetes or aws`;
  if (!type.startsWith(`${resource.provider}:`)) {
    return `"${name}" has type "${type}" but provider "${resource.provider}"; the token must start with "${resource.provider}:"`;
  }
  const cls = table[type];
  if (resource.provider === "aws") {
    return cls === undefined
      ? `unknown resource type "${type}" (resource "${name}"); ${REGISTRATION_HINT}`
      : typed(cls);
  }
  if (cls !== undefined && NOT_MANIFESTS.has(type)) return typed(cls);
  const token = parseKubernetesToken(type);
  if (token === undefined) {
    return `"${name}" has type "${type}", not a Kubernetes token of the form kubernetes:<group>/<version>:<Kind>`;
  }
  const { apiVersion, kind } = resource.inputs as { apiVersion?: unknown; kind?: unknown };
  if (apiVersion !== token.apiVersion || kind !== token.kind) {
    return `"${name}" has type "${type}" but its manifest says apiVersion ${JSON.stringify(apiVersion)}, kind ${JSON.stringify(kind)}; expected "${token.apiVersion}", "${token.kind}"`;
  }
  if (cls !== undefined) return typed(cls);
  if (isBuiltInGroup(token.group)) {
    return `unknown resource type "${type}" (resource "${name}"): a built-in Kubernetes kind without a typed class in the registry; ${REGISTRATION_HINT}`;
  }
  return customResource;
}
