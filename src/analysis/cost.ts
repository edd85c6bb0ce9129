import type { Catalog } from "../catalog/catalog.js";
import { HOURS_PER_MONTH } from "../catalog/data/defaults.js";
import {
  AURORA_IO,
  DEFAULT_BUFFER_CACHE_HIT_RATIO,
  DEFAULT_INSTANCE_CLASS,
  EBS_USD_PER_GB_MONTH,
  INSTANCE_USD_PER_HOUR,
  LOCAL_NVME_USD_PER_GB_MONTH,
  POD_PRICES,
  REQUEST_PRICES,
  STORAGE_USD_PER_GB_MONTH,
} from "../catalog/data/prices.js";
import { CONTROLLER_STORAGE_GI, MIRROR_MAKER_RESOURCES } from "../engines/kafka-sizing.js";
import { mirrorPairs, mskBrokers, streamClusterRegions } from "../model/msk-clusters.js";
import type { ResolvedDatastore, ResolvedService, ResolvedStream } from "../model/types.js";
import { type Flow, monthlyUsd, SECONDS_PER_MONTH } from "./bandwidth.js";
import type { CostEstimate, LinkLoad } from "./types.js";
export const COST_BASIS =
  "estimate: us-east-1 on-demand list prices (src/catalog/data/prices.ts), not a quote";

/** "500m" → 0.5, "2" → 2. */
export function cpuCores(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(text.trim());
  if (match === null) return 0;
  return Number(match[1]) / (match[2] === "m" ? 1000 : 1);
}

/**
 * Memory in GiB: "1Gi" → 1, "512Mi" → 0.5, "2G" → 1.86. Fargate's "GB" is 1,024 MiB (a task's
 * memory is set in MiB, "2 GB" = 2048; https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size),
 * so its per-GB-hour rate applies to GiB.
 */
export function memoryGib(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(text.trim());
  if (match === null) return 0;
  const gib = 1024 ** 3;
  const bytes: Readonly<Record<string, number>> = {
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: gib,
    Ti: 1024 ** 4,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return (Number(match[1]) * (match[2] === undefined ? 1 : bytes[match[2]]!)) / gib;
}

/** One Kubernetes pod from its requests, per month. */
export function podUsdPerMonth(deploy: { readonly cpu: string; readonly memory: string }): number {
  return (
    (cpuCores(deploy.cpu) * POD_PRICES.usdPerVcpuHour + memoryGib(deploy.memory) * POD_PRICES.usdPerGbHour) *
    HOURS_PER_MONTH
  );
}

const instanceMonth = (instanceClass: string, fallbackUsdPerMonth: number) => {
  const hourly = INSTANCE_USD_PER_HOUR[instanceClass];
  return hourly === undefined ? fallbackUsdPerMonth : hourly * HOURS_PER_MONTH;
};

/** Monthly request charges: count per second × seconds per month / 1e6 × price per million. */
const perMillion = (perSec: number, usd: number) => ((perSec * SECONDS_PER_MONTH) / 1e6) * usd;

/**
 * A Kubernetes volume's storage price per GB-month, from its StorageClass name: the EBS volume type
 * the name says (`io2`, `ebs-sc1`, `gp2-encrypted`: a part of the name between dashes, dots or
 * underscores), local NVMe instance storage when a part is `nvme` (`local-nvme`), else gp3 (the
 * cluster default is not known; gp3 is the EBS CSI driver's default type, and `local-path`
 * provisioners use the node's root EBS volume).
 */
export function storageUsdPerGbMonth(storageClass: string | undefined): number {
  const parts = (storageClass ?? "").toLowerCase().split(/[-._]/);
  // An EBS type named anywhere wins: EBS volumes also appear as NVMe devices on Nitro (`ebs-nvme`).
  for (const part of parts)
    if (Object.hasOwn(EBS_USD_PER_GB_MONTH, part))
      return EBS_USD_PER_GB_MONTH[part as keyof typeof EBS_USD_PER_GB_MONTH];
  if (parts.includes("nvme") && !parts.includes("ebs")) return LOCAL_NVME_USD_PER_GB_MONTH;
  return EBS_USD_PER_GB_MONTH.gp3;
}

/**
 * A node holding one replica of every partition (Kubernetes pod or instance) — a 2+2+1 placement is
 * 5 nodes whatever the partition count (a floor: large stores need more). Kubernetes: the pod from
 * its requests plus its volume (priced by its StorageClass); external: the catalog's default node
 * (m6i.large + 100 GiB).
 */
export function nodeUsdPerMonth(catalog: Catalog, deploy: ResolvedDatastore["deploy"]): number {
  if (deploy.target === "kubernetes")
    return podUsdPerMonth(deploy) + deploy.storageGi * storageUsdPerGbMonth(deploy.storageClass);
  return catalog.replicaCost.totalUsdPerMonth;
}

/**
 * Managed services are priced as they bill, per service (a table, not a switch in shared code):
 * DynamoDB per request (reads; writes as WRUs in a single-Region table, as rWRUs in every replica
 * Region of a global table, the one written included); Aurora per instance (one per replica, by
 * instance class) plus billed I/O (AURORA_IO, an estimate) and global replicated write I/O in each
 * secondary Region; S3 per request (PUTs, a replication PUT per destination, GETs) and RTC per
 * replicated GB. Inter-region replication bytes are priced as egress (datastoreFlows, once per
 * destination Region); in-Region copies are the service's own, not billed. Storage volume is not
 * declared, so not priced (docs/model.md).
 */
const MANAGED: Readonly<Record<string, (ds: ResolvedDatastore, catalog: Catalog) => number>> = {
  dynamodb: (ds) => {
    const t = ds.traffic;
    if (t === undefined) return 0;
    const wru = Math.ceil(t.itemBytes / 1024);
    const rru = Math.ceil(t.itemBytes / 4096) * (ds.consistency === "strong" ? 1 : 0.5);
    const p = REQUEST_PRICES.dynamodb;
    // A replica table bills every write, its own and replicated ones, as rWRUs ("one rWRU per
    // replica table"); a single-Region table bills WRUs.
    const writes =
      ds.regions.length > 1
        ? perMillion(t.writesPerSec * wru * ds.regions.length, p.replicatedWruPerMillion)
        : perMillion(t.writesPerSec * wru, p.wruPerMillion);
    return writes + perMillion(t.readsPerSec * rru, p.rruPerMillion);
  },
  "aurora-postgresql": (ds, catalog) => {
    const deploy = ds.deploy.target === "aws" ? ds.deploy : undefined;
    const cls = deploy?.instanceClass ?? DEFAULT_INSTANCE_CLASS["aurora-postgresql"]!;
    const t = ds.traffic;
    const p = REQUEST_PRICES.aurora;
    const instances = ds.replicas * instanceMonth(cls, catalog.replicaCost.instanceUsdPerMonth);
    if (t === undefined) return instances;
    // Billed I/Os (AURORA_IO, an estimate): the item's pages read past the buffer cache, its log in 4 KB units.
    const writeIos = t.writesPerSec * Math.ceil(t.itemBytes / AURORA_IO.writeUnitBytes);
    const readIos =
      t.readsPerSec *
      Math.ceil(t.itemBytes / AURORA_IO.readPageBytes) *
      (1 - (deploy?.bufferCacheHitRatio ?? DEFAULT_BUFFER_CACHE_HIT_RATIO));
    return (
      instances +
      perMillion(writeIos + readIos, p.ioPerMillion) +
      perMillion(writeIos * Math.max(0, ds.regions.length - 1), p.replicatedWriteIoPerMillion)
    );
  },
  s3: (ds) => {
    const t = ds.traffic;
    if (t === undefined) return 0;
    const copies = Math.max(0, ds.regions.length - 1);
    const rtc = (ds.deploy as { replicationTimeControl?: boolean }).replicationTimeControl === true;
    return (
      perMillion(t.writesPerSec * (1 + copies), REQUEST_PRICES.s3.putPerMillion) +
      perMillion(t.readsPerSec, REQUEST_PRICES.s3.getPerMillion) +
      (rtc
        ? ((t.writesPerSec * t.itemBytes * copies * SECONDS_PER_MONTH) / 1e9) * REQUEST_PRICES.s3.rtcUsdPerGb
        : 0)
    );
  },
};

export function datastoreReplicaCost(catalog: Catalog, ds: ResolvedDatastore): number {
  const managed = ds.deploy.target === "aws" ? MANAGED[ds.deploy.service] : undefined;
  if (managed !== undefined) return managed(ds, catalog);
  const witnesses = ds.placement.reduce((sum, p) => sum + p.witnesses, 0);
  return (
    (ds.replicas - witnesses) * nodeUsdPerMonth(catalog, ds.deploy) +
    witnesses * witnessUsdPerMonth(catalog, ds.deploy)
  );
}

/**
 * A witness votes but holds no readable data (Spanner: "witness replicas don't maintain a full
 * copy of data"): its node without the data volume, the instance alone (an estimate: the log it
 * keeps is small next to the data). Except on Kubernetes, where what is compiled is priced: every
 * member is a pod of the component's StatefulSet with its own data volume (no engine topoplan
 * compiles runs a witness: src/engines/capabilities.ts replicaRoles).
 */
export function witnessUsdPerMonth(catalog: Catalog, deploy: ResolvedDatastore["deploy"]): number {
  if (deploy.target === "kubernetes") return nodeUsdPerMonth(catalog, deploy);
  return catalog.replicaCost.instanceUsdPerMonth;
}

/**
 * A stream runs `replicas` brokers in each of its regions (the fewest that hold every replica): MSK
 * brokers by instance class plus broker storage; Kubernetes pods from requests plus their volumes.
 */
export function streamReplicaCost(catalog: Catalog, stream: ResolvedStream): number {
  const brokers = stream.replicas * stream.regions.length;
  const deploy = stream.deploy;
  if (deploy.target === "aws" && deploy.service === "msk") {
    // The brokers the compiler creates: a multiple of each cluster's zones, the mirror regions'
    // clusters, and MSK Replicator's minimum where a cluster is mirrored (src/model/msk-clusters.ts).
    // MSK Replicator's own hourly and per-GB-replicated charges are not counted: no sourced figure
    // was found (https://aws.amazon.com/msk/pricing/, "MSK Replicator"). Its cross-Region bytes are
    // priced as egress (streamFlows); MSK's in-cluster replication between brokers is not billed.
    // Storage: `storageGi` of EBS per broker, billed per GB-month (STORAGE_USD_PER_GB_MONTH.msk).
    const built = mskBrokers(catalog, stream).reduce((sum, cluster) => sum + cluster.brokers, 0);
    const cls = deploy.instanceClass ?? DEFAULT_INSTANCE_CLASS.msk!;
    return (
      built *
      (instanceMonth(cls, catalog.replicaCost.instanceUsdPerMonth) +
        (deploy.storageGi ?? 1000) * STORAGE_USD_PER_GB_MONTH.msk)
    );
  }
  if (deploy.target === "kubernetes") {
    // Kafka compiles a cluster of `replicas` brokers in each mirror region too (src/engines/kafka-mirror.ts).
    const clusters = deploy.engine === "kafka" ? streamClusterRegions(stream).length : stream.regions.length;
    const storage = storageUsdPerGbMonth(deploy.storageClass);
    // And in each cluster its KRaft controllers: pods of the brokers' size with a metadata volume.
    const controllers = clusters * (stream.metadataQuorum ?? 0);
    // And a MirrorMaker 2 worker in each region mirrored into.
    const mirrorMakers =
      deploy.engine === "kafka" ? new Set(mirrorPairs(stream).map((pair) => pair.target)).size : 0;
    return (
      (brokers + (clusters - stream.regions.length) * stream.replicas) *
        (podUsdPerMonth(deploy) + deploy.storageGi * storage) +
      controllers * (podUsdPerMonth(deploy) + CONTROLLER_STORAGE_GI * storage) +
      mirrorMakers * podUsdPerMonth(MIRROR_MAKER_RESOURCES)
    );
  }
  return brokers * catalog.replicaCost.totalUsdPerMonth;
}

/** A service's pods from their requests (Kubernetes); nothing for other targets. */
export function serviceCost(service: ResolvedService): number {
  if (service.deploy.target !== "kubernetes") return 0;
  return service.regions.length * service.replicasPerRegion * podUsdPerMonth(service.deploy);
}

/**
 * Egress of a component: its share of every inter-region link's cost, plus cross-zone flows at
 * their region's price (AWS bills both directions, GCP the sender, Azure nothing) unless the
 * service does not bill them (MSK).
 */
export function componentEgress(
  catalog: Catalog,
  flows: readonly Flow[],
  links: readonly LinkLoad[],
): (component: string) => number {
  // One pass over links and flows for every component (asking per component would rescan them).
  const usd = new Map<string, number>();
  const add = (component: string, value: number) => usd.set(component, (usd.get(component) ?? 0) + value);
  for (const link of links) {
    if (!(link.mbps > 0)) continue;
    // Contributors are one entry per component (linkLoads sums them).
    for (const mine of link.contributors)
      add(mine.component, link.egressUsdPerMonth * (mine.mbps / link.mbps));
  }
  for (const flow of flows)
    if (flow.from === flow.to && !flow.unbilled)
      add(flow.component, monthlyUsd(flow.bytesPerSec, crossZoneUsdPerGb(catalog, flow.from)));
  return (component) => usd.get(component) ?? 0;
}

/** What a GB crossing between zones of `region` costs (src/catalog/data/defaults.ts); AWS's for an unknown one. */
export function crossZoneUsdPerGb(catalog: Catalog, region: string): number {
  return catalog.regions.get(region)?.crossZoneUsdPerGb ?? catalog.egress.crossZoneUsdPerGb * 2;
}

export function totalCost(
  components: readonly { readonly costUsdPerMonth: { readonly replicas: number; readonly egress: number } }[],
): CostEstimate {
  const replicas = components.reduce((sum, c) => sum + c.costUsdPerMonth.replicas, 0);
  const egress = components.reduce((sum, c) => sum + c.costUsdPerMonth.egress, 0);
  return {
    replicasUsdPerMonth: replicas,
    egressUsdPerMonth: egress,
    totalUsdPerMonth: replicas + egress,
    basis: COST_BASIS,
  };
}
