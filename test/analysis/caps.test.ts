import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { build } from "./helpers.js";

// Failures rare enough that only the caps bound the figures.
const bucket = (placement: Record<string, number>) =>
  analyse(
    build({
      users: { "eu-west-1": 1 },
      model: { zoneFailureProbability: 1e-7, regionFailureProbability: 1e-7 },
      datastores: {
        bucket: {
          replication: "primary-replica",
          consistency: "eventual",
          replicas: Object.values(placement).reduce((a, b) => a + b, 0),
          placement,
          leader: "eu-west-1",
          deploy: { target: "aws", service: "s3" },
        },
      },
    }),
  ).datastores[0]!;

describe("designed-availability caps", () => {
  it("an S3 Standard bucket in one Region is credited its designed 99.99%, no more", () => {
    expect(bucket({ "eu-west-1": 1 }).availability).toEqual({ write: 0.9999, read: 0.9999 });
  });

  it("a bucket replicated to another Region has no stated design figure: only the common-mode cap", () => {
    expect(bucket({ "eu-west-1": 1, "eu-central-1": 1 }).availability.read).toBeCloseTo(1 - 1e-5, 12);
  });
});
