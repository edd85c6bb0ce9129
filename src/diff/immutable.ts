/**
 * Fields whose change makes the provider replace the resource (delete and create) instead of
 * updating it in place, per Pulumi type token. A replaced stateful resource loses its data; a
 * replaced protected resource stops `pulumi up` ("cannot replace protected resource").
 *
 * Paths are into the plan's `inputs` (for Kubernetes: the manifest), dotted; a change at the path
 * or anywhere below it forces the replacement.
 */
export interface ImmutableField {
  readonly path: string;
  /** Where the behaviour is documented. */
  readonly source: string;
}

// Kubernetes: pulumi-kubernetes replaces when these change (provider/pkg/provider/forcenew.go,
// `forceNew`), because the API server rejects the update. StatefulSet: only replicas, ordinals,
// template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds may change
// (kubernetes/kubernetes pkg/apis/apps/validation/validation.go, ValidateStatefulSetUpdate:
// "updates to statefulset spec for fields other than … are forbidden").
const PULUMI_K8S = "pulumi-kubernetes provider/pkg/provider/forcenew.go";
const K8S_STS =
  "Kubernetes API validation (ValidateStatefulSetUpdate: only replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy, minReadySeconds may change); " +
  PULUMI_K8S;
const metadata = [
  { path: "metadata.name", source: PULUMI_K8S },
  { path: "metadata.namespace", source: PULUMI_K8S },
];

// AWS: @pulumi/aws is bridged from the Terraform AWS provider, whose `ForceNew` arguments become
// Pulumi replacements (the registry docs say "Changing this forces a new resource"); the
// CloudFormation reference says the same per property as "Update requires: Replacement".
const TF = (resource: string) =>
  `Terraform AWS provider ${resource} (ForceNew; "Changing this forces a new resource"), bridged by @pulumi/aws`;
const CFN = (page: string) => `AWS CloudFormation ${page}: "Update requires: Replacement"`;

const field = (source: string) => (path: string) => ({ path, source });

export const IMMUTABLE_FIELDS: Readonly<Record<string, readonly ImmutableField[]>> = {
  "kubernetes:apps/v1:StatefulSet": [
    ...metadata,
    ...[
      "spec.volumeClaimTemplates",
      "spec.selector",
      "spec.serviceName",
      "spec.podManagementPolicy",
      "spec.revisionHistoryLimit",
    ].map(field(K8S_STS)),
  ],
  "kubernetes:apps/v1:Deployment": [
    ...metadata,
    {
      path: "spec.selector",
      source: `Kubernetes API (Deployment selector is immutable in apps/v1); ${PULUMI_K8S}`,
    },
  ],
  "kubernetes:apps/v1:DaemonSet": [
    ...metadata,
    { path: "spec.selector", source: "Kubernetes API (DaemonSet selector is immutable in apps/v1)" },
  ],
  "kubernetes:batch/v1:Job": [...metadata, ...["spec.selector", "spec.template"].map(field(PULUMI_K8S))],
  "kubernetes:core/v1:Service": [...metadata, ...["spec.clusterIP", "spec.type"].map(field(PULUMI_K8S))],
  "kubernetes:core/v1:ConfigMap": [...metadata, ...["data", "binaryData"].map(field(PULUMI_K8S))],
  "kubernetes:core/v1:Secret": [...metadata, ...["type", "data", "stringData"].map(field(PULUMI_K8S))],
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": [...metadata, field(PULUMI_K8S)("roleRef")],
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": [...metadata, field(PULUMI_K8S)("roleRef")],
  "aws:dynamodb/table:Table": ["name", "hashKey", "rangeKey"].map(
    field(`${TF("aws_dynamodb_table")}; ${CFN("AWS::DynamoDB::Table KeySchema/TableName")}`),
  ),
  "aws:rds/globalCluster:GlobalCluster": [
    "globalClusterIdentifier",
    "engine",
    "databaseName",
    "storageEncrypted",
  ].map(field(TF("aws_rds_global_cluster"))),
  "aws:rds/cluster:Cluster": [
    "clusterIdentifier",
    "engine",
    "engineMode",
    "databaseName",
    "masterUsername",
    "storageEncrypted",
    "kmsKeyId",
    "availabilityZones",
  ].map(field(`${TF("aws_rds_cluster")}; ${CFN("AWS::RDS::DBCluster Engine/StorageEncrypted/KmsKeyId")}`)),
  "aws:rds/clusterInstance:ClusterInstance": [
    "identifier",
    "clusterIdentifier",
    "engine",
    "availabilityZone",
  ].map(field(TF("aws_rds_cluster_instance"))),
  // A new engine version moves the parameter group to another family: a new group, then the
  // cluster moves to it (topoplan names the group by prefix; `namePrefix` is ForceNew too).
  "aws:rds/clusterParameterGroup:ClusterParameterGroup": ["name", "namePrefix", "family", "description"].map(
    field(
      `${TF("aws_rds_cluster_parameter_group")}; ${CFN("AWS::RDS::DBClusterParameterGroup Family/Description/DBClusterParameterGroupName")}`,
    ),
  ),
  // A configuration's name and Kafka versions cannot change: a Kafka upgrade makes a new one
  // (src/compile/aws/msk.ts names it by version); its server properties make a new revision.
  "aws:msk/configuration:Configuration": ["name", "kafkaVersions"].map(
    field(`${TF("aws_msk_configuration")}; ${CFN("AWS::MSK::Configuration Name/KafkaVersionsList")}`),
  ),
  "aws:msk/cluster:Cluster": [
    "clusterName",
    "brokerNodeGroupInfo.clientSubnets",
    "brokerNodeGroupInfo.securityGroups",
    "brokerNodeGroupInfo.azDistribution",
    "encryptionInfo.encryptionAtRestKmsKeyArn",
    "encryptionInfo.encryptionInTransit.inCluster",
  ].map(
    field(
      `${TF("aws_msk_cluster")}; ${CFN('AWS::MSK::Cluster EncryptionAtRest ("You can\'t update encryption at rest settings for existing clusters")')}`,
    ),
  ),
  "aws:msk/replicator:Replicator": [
    // A new Replicator starts from its startingPosition again (EARLIEST: the retained history).
    "replicationInfoList.consumerGroupReplications[0].consumerGroupOffsetSyncMode",
  ].map(
    field(
      `${TF("aws_msk_replicator")} (consumer_group_offset_sync_mode: "Changing this value will force a new resource")`,
    ),
  ),
  "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"].map(field(TF("aws_s3_bucket"))),
  "aws:s3/bucketV2:BucketV2": ["bucket", "bucketPrefix", "objectLockEnabled"].map(field(TF("aws_s3_bucket"))),
  "aws:kms/key:Key": ["customerMasterKeySpec", "keyUsage", "multiRegion"].map(field(TF("aws_kms_key"))),
  "aws:sns/topic:Topic": ["name", "fifoTopic"].map(field(TF("aws_sns_topic"))),
  "aws:ec2/vpc:Vpc": ["cidrBlock"].map(field(TF("aws_vpc"))),
  "aws:ec2/subnet:Subnet": ["vpcId", "cidrBlock", "availabilityZone"].map(field(TF("aws_subnet"))),
  // The description maps to GroupDescription, "for which there is no Update API" (aws_security_group docs).
  "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "vpcId", "description"].map(
    field(`${TF("aws_security_group")}; ${CFN("AWS::EC2::SecurityGroup GroupDescription/GroupName/VpcId")}`),
  ),
  "aws:rds/subnetGroup:SubnetGroup": ["name", "namePrefix"].map(field(TF("aws_db_subnet_group"))),
};

/** The immutable field a changed input path falls under, if any. */
export function immutableFieldOf(type: string, path: string): ImmutableField | undefined {
  return IMMUTABLE_FIELDS[type]?.find(
    (f) => path === f.path || path.startsWith(`${f.path}.`) || path.startsWith(`${f.path}[`),
  );
}
