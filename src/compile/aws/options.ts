/** An existing network in one region, from the Pulumi stack config `topoplan:network.<region>`. */
export interface AwsRegionNetwork {
  /** VPC to place Aurora and MSK in. */
  readonly vpcId: string;
  /**
   * Private subnets, one per availability zone. Aurora's DB subnet group uses all of them; MSK
   * uses the first three (two or three zones), one broker subnet per zone.
   */
  readonly subnetIds: readonly string[];
  /**
   * CIDRs the callers (Kubernetes nodes / pods of the services that call a datastore or stream)
   * connect from. Required with an existing VPC: topoplan does not read the VPC's CIDR from AWS
   * (compilation makes no cloud calls). `0.0.0.0/0` and `::/0` are refused.
   * @default the CIDR of the VPC topoplan creates (only when `vpcId` is not given)
   */
  readonly callerCidrs?: readonly string[];
}

/** A region where topoplan creates the VPC itself; only caller CIDRs may be given. */
export interface AwsRegionCallers {
  readonly callerCidrs: readonly string[];
}

/** Options of the aws target. Every field is optional; see docs/aws.md. */
export interface AwsCompileOptions {
  /**
   * The Pulumi stack, part of every physical name (tables, clusters, alarms, dashboards, secrets)
   * so two stacks of one topology can share an account. The Pulumi program passes it.
   * @default none: names are `<topology>-<component>…` (what `render` and `plan` show)
   */
  readonly stack?: string;
  /**
   * Existing VPC and subnets per region (the Pulumi program passes `topoplan:network` in).
   * @default a private VPC per region, 10.<n>.0.0/16 with one /20 subnet per zone used
   */
  readonly awsNetwork?: Readonly<Record<string, AwsRegionNetwork | AwsRegionCallers>>;
  /**
   * Existing SNS topic ARNs for alarm notifications, per region.
   * @default one SNS topic per region, created by topoplan
   */
  readonly alarmTopicArns?: Readonly<Record<string, string>>;
  /**
   * Endpoints subscribed to the alarm topics topoplan creates (not to configured topics).
   * @default [] — alarms then notify nobody: set at least one for anything real
   */
  readonly alarmSubscriptions?: readonly { readonly protocol: string; readonly endpoint: string }[];
  /**
   * Days of automated backups (Aurora `backupRetentionPeriod`, 1–35).
   * @default 14
   */
  readonly backupRetentionDays?: number;
}

export function isExistingNetwork(
  entry: AwsRegionNetwork | AwsRegionCallers | undefined,
): entry is AwsRegionNetwork {
  return entry !== undefined && "vpcId" in entry;
}
