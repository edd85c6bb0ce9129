import { describe, expect, it, vi } from "vitest";
import { egressUsdPerGb } from "../../src/analysis/bandwidth.js";
import { analyse } from "../../src/analysis/index.js";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { build } from "./helpers.js";

// rWRUs made dearer than WRUs here (they are priced the same in us-east-1 since November 2024),
// so a test can tell which unit a global table's writes are billed in.
vi.mock("../../src/catalog/data/prices.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/catalog/data/prices.js")>();
  return {
    ...real,
    REQUEST_PRICES: {
      ...real.REQUEST_PRICES,
      dynamodb: { ...real.REQUEST_PRICES.dynamodb, replicatedWruPerMillion: 1 },
    },
  };
});

const MONTH_S = 730 * 3600;
const perMillion = (perSec: number, usd: number) => ((perSec * MONTH_S) / 1e6) * usd;

const replicas = (name: string, spec: Parameters<typeof build>[0]) =>
  analyse(build(spec)).datastores.find((d) => d.name === name)!.costUsdPerMonth.replicas;

describe("DynamoDB global tables bill rWRUs in every replica Region", () => {
  const table = (regions: string[]) =>
    replicas("table", {
      users: { [regions[0]!]: 1 },
      datastores: {
        table: {
          replication: "multi-leader",
          consistency: "eventual",
          replicas: regions.length,
          placement: Object.fromEntries(regions.map((r) => [r, 1])),
          traffic: { readsPerSec: 0, writesPerSec: 10, itemBytes: 1024 },
          deploy: { target: "aws", service: "dynamodb" },
        },
      },
    });

  it("a single-Region table pays WRUs", () => {
    expect(table(["eu-west-1"])).toBeCloseTo(perMillion(10, 0.625), 6);
  });

  it("a three-Region global table pays 3 rWRUs per write, the Region written included, and no WRU", () => {
    // "one rWRU per replica table is charged for each write up to 1KB" (global-tables-billing).
    expect(table(["eu-west-1", "eu-central-1", "eu-north-1"])).toBeCloseTo(perMillion(10 * 3, 1), 6);
  });
});

describe("S3 prices its GET requests", () => {
  it("reads at $0.0004 per 1,000 GETs on top of the PUTs", () => {
    const bucket = (readsPerSec: number) =>
      replicas("bucket", {
        users: { "eu-west-1": 1 },
        datastores: {
          bucket: {
            replication: "primary-replica",
            consistency: "eventual",
            replicas: 1,
            placement: { "eu-west-1": 1 },
            leader: "eu-west-1",
            traffic: { readsPerSec, writesPerSec: 10, itemBytes: 262144 },
            deploy: { target: "aws", service: "s3" },
          },
        },
      });
    expect(bucket(0)).toBeCloseTo(perMillion(10, 5), 6);
    expect(bucket(100) - bucket(0)).toBeCloseTo(perMillion(100, 0.4), 6);
  });
});

describe("inter-region data transfer out of Tel Aviv", () => {
  it("is $0.08 per GB (AWS Price List via infracost), not Bahrain's $0.1105", () => {
    expect(egressUsdPerGb(buildCatalog(), "il-central-1", "eu-west-1")).toBe(0.08);
  });
});
