import { describe, expect, it } from "vitest";
import { memoryGib, podUsdPerMonth } from "../../src/analysis/cost.js";
import { HOURS_PER_MONTH } from "../../src/catalog/data/defaults.js";
import { POD_PRICES } from "../../src/catalog/data/prices.js";

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
