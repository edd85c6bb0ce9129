/**
 * List prices (USD, us-east-1, on-demand) for cost ESTIMATES, by instance class and managed
 * service. The AWS pricing pages render their tables with scripts and could not be read here, so
 * every figure is an approximate list price as published in 2024–2025 — verify against the page
 * named before relying on it. Other regions are typically 0–30% dearer; topoplan does not scale by
 * region (docs/model.md).
 */

/** Hourly price per instance class. */
export const INSTANCE_USD_PER_HOUR: Readonly<Record<string, number>> = {
  // EC2 on-demand, Linux (https://aws.amazon.com/ec2/pricing/on-demand/)
  "m6i.large": 0.096,
  "m6i.xlarge": 0.192,
  "m6i.2xlarge": 0.384,
  "r6i.large": 0.126,
  "r6i.xlarge": 0.252,
  // Aurora PostgreSQL, Aurora Standard (https://aws.amazon.com/rds/aurora/pricing/)
  "db.t4g.medium": 0.073,
  "db.r6g.large": 0.26,
  "db.r6g.xlarge": 0.519,
  "db.r6g.2xlarge": 1.038,
  "db.r7g.large": 0.276,
  "db.r7g.xlarge": 0.552,
  "db.r5.large": 0.29,
  // Amazon MSK provisioned brokers (https://aws.amazon.com/msk/pricing/)
  "kafka.t3.small": 0.0456,
  "kafka.m5.large": 0.21,
  "kafka.m5.xlarge": 0.42,
  "kafka.m7g.large": 0.204,
  "kafka.m7g.xlarge": 0.408,
};

/**
 * Kubernetes pods from their requests, at AWS Fargate's per-resource rates (https://aws.amazon.com/fargate/pricing/,
 * Linux/x86): the price of the capacity a pod reserves, whatever node it lands on. Fargate's GB is
 * 1,024 MiB (memory is configured in MiB), so usdPerGbHour is per GiB-hour.
 */
export const POD_PRICES = { usdPerVcpuHour: 0.04048, usdPerGbHour: 0.004445 } as const;

/** Managed-service storage, USD per GB-month (Kubernetes volumes: EBS_USD_PER_GB_MONTH). */
export const STORAGE_USD_PER_GB_MONTH = {
  /** MSK broker storage (MSK pricing page). */
  msk: 0.1,
  /** Aurora Standard storage (Aurora pricing page). */
  aurora: 0.1,
} as const;

/**
 * EBS volume storage by volume type, USD per GB-month, us-east-1 (https://aws.amazon.com/ebs/pricing/).
 * Storage only: io1 and io2 also bill provisioned IOPS ($0.065 per IOPS-month up to 32,000) and
 * gp3 IOPS above 3,000 and throughput above 125 MB/s; a spec declares no IOPS, so those are not
 * priced (an underestimate for io1/io2 volumes).
 */
export const EBS_USD_PER_GB_MONTH = {
  gp2: 0.1,
  gp3: 0.08,
  io1: 0.125,
  io2: 0.125,
  st1: 0.045,
  sc1: 0.015,
} as const;

/**
 * Local NVMe instance storage (a StorageClass of a local-volume provisioner on storage-optimised
 * nodes), USD per GiB-month (volumes are requested in GiB), an estimate: the price of an i4i node
 * over the same vCPU and memory without it, per GiB of its instance store. us-east-1 on-demand
 * Linux (https://aws.amazon.com/ec2/pricing/on-demand/): i4i.xlarge $0.343/h (4 vCPU, 32 GiB,
 * 937 GB NVMe, https://aws.amazon.com/ec2/instance-types/i4i/) − r6i.xlarge $0.252/h (4 vCPU,
 * 32 GiB) = $0.091/h × 730 h ÷ 872.6 GiB. The pod's own vCPU and memory are priced apart
 * (POD_PRICES). An underestimate where a volume does not fill a node's instance store (it comes
 * whole with the node: 2,000 GiB needs an i4i.4xlarge's 3,750 GB). A local volume is lost with its
 * node: no EBS snapshot.
 */
export const LOCAL_NVME_USD_PER_GB_MONTH = ((0.343 - 0.252) * 730) / (937e9 / 2 ** 30);

/** Request-priced managed services, USD per million requests / units. */
export const REQUEST_PRICES = {
  /** DynamoDB on-demand (https://aws.amazon.com/dynamodb/pricing/on-demand/, after the Nov 2024 cut):
   * write request unit (1 KB), read request unit (4 KB, strongly consistent; eventual = 0.5), and
   * replicated write request unit of global tables. */
  dynamodb: { wruPerMillion: 0.625, rruPerMillion: 0.125, replicatedWruPerMillion: 0.625 },
  /** Aurora Standard I/O and global database replicated write I/O (Aurora pricing page). */
  aurora: { ioPerMillion: 0.2, replicatedWriteIoPerMillion: 0.2 },
  /** S3 Standard PUT (per 1,000 → per million) and S3 Replication Time Control per GB
   * (https://aws.amazon.com/s3/pricing/). */
  s3: { putPerMillion: 5, rtcUsdPerGb: 0.015 },
} as const;

/**
 * What Aurora bills as one I/O (Aurora pricing FAQ; AWS Database Blog, "Planning I/O in Amazon
 * Aurora"): a read of one database page not in the buffer cache (8 KB pages in Aurora PostgreSQL),
 * and a write of log records in 4 KB units. Estimate: the cost model counts the item's own bytes
 * — each write's item in 4 KB units, each read's item in 8 KB pages — not WAL record headers, index
 * entries or index pages (more I/O), nor commits sharing a unit (less).
 */
export const AURORA_IO = { readPageBytes: 8192, writeUnitBytes: 4096 } as const;

/** Default instance class when a managed deployment names none (as compile/aws uses). */
export const DEFAULT_INSTANCE_CLASS: Readonly<Record<string, string>> = {
  "aurora-postgresql": "db.r6g.large",
  msk: "kafka.m7g.large",
};
