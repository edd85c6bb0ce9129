import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  memoryGib,
  nodeUsdPerMonth,
  podUsdPerMonth,
  storageUsdPerGbMonth,
  streamReplicaCost,
  witnessUsdPerMonth,
} from "../../src/analysis/cost.js";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { HOURS_PER_MONTH } from "../../src/catalog/data/defaults.js";
import {
  EBS_USD_PER_GB_MONTH,
  LOCAL_NVME_USD_PER_GB_MONTH,
  POD_PRICES,
} from "../../src/catalog/data/prices.js";
import { MIRROR_MAKER_RESOURCES } from "../../src/engines/kafka-sizing.js";
import { loadTopology } from "../../src/pipeline.js";
import { STACKS_DIR } from "../render/stacks.js";
import { service, streamWithClients } from "./helpers.js";

describe("a Kubernetes pod's monthly price at Fargate's rates", () => {
  it("memory counts in GiB, as Fargate's GB is 1,024 MiB", () => {
    expect(memoryGib("16Gi")).toBe(16);
    expect(memoryGib("512Mi")).toBe(0.5);
    expect(memoryGib("1Ti")).toBe(1024);
    expect(memoryGib("2G")).toBeCloseTo(2e9 / 2 ** 30, 12);
    expect(memoryGib("1073741824")).toBe(1);
    expect(memoryGib("lots")).toBe(0);
  });

  it("4 vCPU and 16Gi: 4 × the vCPU-hour + 16 × the GB-hour, 730 hours", () => {
    const hourly = 4 * POD_PRICES.usdPerVcpuHour + 16 * POD_PRICES.usdPerGbHour;
    expect(podUsdPerMonth({ cpu: "4", memory: "16Gi" })).toBeCloseTo(hourly * HOURS_PER_MONTH, 9);
    expect(HOURS_PER_MONTH).toBe(730);
  });
});

describe("a Kubernetes volume priced by its StorageClass", () => {
  it("takes the EBS volume type the class name says, else gp3", () => {
    expect(storageUsdPerGbMonth("io2-encrypted")).toBe(EBS_USD_PER_GB_MONTH.io2);
    expect(storageUsdPerGbMonth("ebs-sc1")).toBe(EBS_USD_PER_GB_MONTH.sc1);
    expect(storageUsdPerGbMonth("GP2")).toBe(EBS_USD_PER_GB_MONTH.gp2);
    expect(storageUsdPerGbMonth("st1_throughput")).toBe(EBS_USD_PER_GB_MONTH.st1);
    // Not a volume type: a name that merely contains the letters, an unknown class, no class.
    // Local NVMe instance store: the i4i premium per GB (an estimate, about $0.071), not gp3.
    expect(storageUsdPerGbMonth("local-nvme")).toBe(LOCAL_NVME_USD_PER_GB_MONTH);
    expect(LOCAL_NVME_USD_PER_GB_MONTH).toBeCloseTo(0.0761, 4);
    // EBS volumes show up as NVMe devices on Nitro: an EBS name is EBS.
    expect(storageUsdPerGbMonth("ebs-nvme")).toBe(EBS_USD_PER_GB_MONTH.gp3);
    expect(storageUsdPerGbMonth("nvme-io2")).toBe(EBS_USD_PER_GB_MONTH.io2);
    expect(storageUsdPerGbMonth("local-path")).toBe(EBS_USD_PER_GB_MONTH.gp3);
    expect(storageUsdPerGbMonth("bigio2")).toBe(EBS_USD_PER_GB_MONTH.gp3);
    expect(storageUsdPerGbMonth("fast-ssd")).toBe(EBS_USD_PER_GB_MONTH.gp3);
    expect(storageUsdPerGbMonth("constructor")).toBe(EBS_USD_PER_GB_MONTH.gp3);
    expect(storageUsdPerGbMonth(undefined)).toBe(EBS_USD_PER_GB_MONTH.gp3);
    expect(EBS_USD_PER_GB_MONTH.io2).toBeGreaterThan(EBS_USD_PER_GB_MONTH.gp3);
  });
});

describe("a datastore's node price uses its volume's class", () => {
  it("stacks/streaming.ts: the io2 volume of the TiKV store at io2's rate", async () => {
    const { model } = await loadTopology(join(STACKS_DIR, "streaming.ts"));
    const store = model.datastores.find(
      (d) => d.deploy.target === "kubernetes" && d.deploy.storageClass === "io2-encrypted",
    )!;
    const deploy = store.deploy as Extract<typeof store.deploy, { target: "kubernetes" }>;
    expect(nodeUsdPerMonth(buildCatalog(), deploy)).toBeCloseTo(
      podUsdPerMonth(deploy) + deploy.storageGi * EBS_USD_PER_GB_MONTH.io2,
      9,
    );
  });
});

describe("a witness's price", () => {
  it("on Kubernetes is a member's (a pod with its volume, as compiled); elsewhere the instance alone", () => {
    const catalog = buildCatalog();
    const k8s = {
      target: "kubernetes",
      engine: "cockroachdb",
      image: "cockroachdb/cockroach:v24.3.5",
      port: 26257,
      metricsPort: 8080,
      storageGi: 200,
      cpu: "2",
      memory: "8Gi",
      healthPath: "/health",
    } as const;
    const deploy = k8s as unknown as Parameters<typeof witnessUsdPerMonth>[1];
    expect(witnessUsdPerMonth(catalog, deploy)).toBeCloseTo(nodeUsdPerMonth(catalog, deploy), 9);
    expect(witnessUsdPerMonth(catalog, deploy)).toBeGreaterThan(podUsdPerMonth(k8s));
    expect(witnessUsdPerMonth(catalog, { target: "external" })).toBe(catalog.replicaCost.instanceUsdPerMonth);
  });
});

describe("a Kafka stream's pods", () => {
  // The MirrorMaker 2 worker compiled into each region mirrored into was not priced.
  it("price one MirrorMaker 2 worker per region mirrored into, at its requests", () => {
    const clients = {
      producer: service(["eu-west-1"], "produce"),
      consumer: service(["eu-west-1"], "consume"),
    };
    const cost = (mirrorRegions?: string[]) => {
      const model = streamWithClients(
        { regions: ["eu-west-1", "us-east-1"], ...(mirrorRegions === undefined ? {} : { mirrorRegions }) },
        clients,
      );
      return streamReplicaCost(model.catalog, model.streams[0]!);
    };
    const worker = podUsdPerMonth(MIRROR_MAKER_RESOURCES);
    // Each stream region mirrors into the other: two workers.
    expect(cost(["eu-west-1", "us-east-1"]) - cost()).toBeCloseTo(2 * worker, 6);
    expect(worker).toBeGreaterThan(0);
  });
});
