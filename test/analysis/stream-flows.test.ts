import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { networkView } from "../../src/analysis/network.js";
import { evaluateStream, streamFlows } from "../../src/analysis/streams.js";
import { service, streamWithClients as stream } from "./helpers.js";

/**
 * A stream's bytes follow its clients (src/analysis/streams.ts `streamFlows`): producers send to
 * their nearest cluster, a mirror copies what its source cluster took, a consumer group reads each
 * cluster's records once where it holds a copy. Review: the total was split evenly over the
 * clusters whatever the producers did, and no producer or consumer crossed a region.
 */
const MBIT = 1e6 / 8;
const link = (a: ReturnType<typeof analyse>, from: string, to: string) =>
  (a.links.find((l) => l.from === from && l.to === to)?.mbps ?? 0) * MBIT;

describe("a stream's inter-region bytes", () => {
  it("mirrors what each cluster took: all of it one way when the producers are on one side", () => {
    const a = analyse(
      stream(
        { mirrorRegions: ["eu-west-1", "us-east-1"] },
        { producer: service(["eu-west-1"], "produce"), consumer: service(["us-east-1"], "consume") },
      ),
    );
    expect(link(a, "eu-west-1", "us-east-1")).toBeCloseTo(10_000 * 1_000, 0);
    // us-east-1's cluster took nothing: nothing to mirror back, and the consumer reads its copy.
    expect(link(a, "us-east-1", "eu-west-1")).toBe(0);
  });

  it("carries a producer's records to its nearest cluster, and a consumer's from the nearest copy", () => {
    const a = analyse(
      stream(
        { regions: ["eu-west-1"] },
        { producer: service(["eu-central-1"], "produce"), consumer: service(["us-east-1"], "consume") },
      ),
    );
    expect(link(a, "eu-central-1", "eu-west-1")).toBeCloseTo(10_000 * 1_000, 0);
    expect(link(a, "eu-west-1", "us-east-1")).toBeCloseTo(10_000 * 1_000, 0);
    expect(a.links.filter((l) => l.mbps > 0)).toHaveLength(2);
  });

  it("keeps regional clusters regional: producers and consumers beside each cluster cross nothing", () => {
    const a = analyse(
      stream(
        {},
        {
          producer: service(["eu-west-1", "us-east-1"], "produce"),
          consumer: service(["eu-west-1", "us-east-1"], "consume"),
        },
      ),
    );
    expect(a.links.filter((l) => l.mbps > 0)).toEqual([]);
  });
});

describe("a mirrored copy", () => {
  it("is replicated again by the target cluster's followers (replicas − 1 across its zones)", () => {
    const model = stream(
      { mirrorRegions: ["eu-west-1", "us-east-1"] },
      { producer: service(["eu-west-1"], "produce"), consumer: service(["us-east-1"], "consume") },
    );
    const net = networkView(model, []);
    const flows = streamFlows(model, evaluateStream(model.streams[0]!, net), net);
    const crossZone = (region: string) =>
      flows.filter((f) => f.from === region && f.to === region).reduce((sum, f) => sum + f.bytesPerSec, 0);
    // us-east-1 took nothing itself, yet its followers copy the 80 Mbit/s mirrored in: 2 × 10 MB/s.
    expect(crossZone("us-east-1")).toBeGreaterThanOrEqual(2 * 10_000 * 1_000);
  });
});
