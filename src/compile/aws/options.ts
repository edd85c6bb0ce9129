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
  /**
   * The VPC's CIDRs: the destination of the routes from the clusters' VPCs. Required when a
   * cluster in another VPC reaches this one (`cluster`), since compilation makes no AWS calls.
   */
  readonly cidrBlocks?: readonly string[];
  /** The route tables of `subnetIds`: each gets a route back to every cluster that calls in. Required with `cidrBlocks`. */
  readonly routeTableIds?: readonly string[];
  /** This region's Kubernetes cluster network, when it is to be connected to the datastores' VPCs. */
  readonly cluster?: AwsClusterNetwork;
}

/** A region where topoplan creates the VPC itself; caller CIDRs and the cluster's network may be given. */
export interface AwsRegionCallers {
  readonly callerCidrs?: readonly string[];
  readonly cluster?: AwsClusterNetwork;
}

/**
 * The VPC a region's Kubernetes cluster (EKS) runs in, and how its pods reach the VPCs of the
 * Aurora and MSK clusters they call (the same region's, or another region's when the data has no
 * copy there). Nothing is added when it is the datastores' own VPC. See docs/aws.md, "Network path".
 */
export interface AwsClusterNetwork {
  /** The cluster's VPC. */
  readonly vpcId: string;
  /**
   * The cluster VPC's CIDRs (with the VPC CNI pods get VPC addresses): routed to, and admitted by
   * the datastores' security groups. Must not overlap the datastores' VPCs (AWS refuses such peering).
   */
  readonly cidrBlocks: readonly string[];
  /** The route tables of the cluster's node subnets: each gets a route to every datastore VPC its pods call. */
  readonly routeTableIds: readonly string[];
  /** One subnet per zone for the transit gateway's VPC attachment. Required with `transit-gateway`. */
  readonly subnetIds?: readonly string[];
  /**
   * `peering`: a VPC peering connection per (cluster, datastore VPC) pair, accepted in the
   * datastore's region when it is another. `transit-gateway`: a transit gateway per region with
   * both VPCs attached, peered across regions with static routes.
   * @default "peering"
   */
  readonly connect?: "peering" | "transit-gateway";
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
