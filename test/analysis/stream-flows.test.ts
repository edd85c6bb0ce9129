import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { networkView } from "../../src/analysis/network.js";
import { endToEndMissing, evaluateStream, streamFlows } from "../../src/analysis/streams.js";
import { PIPELINES } from "../../src/catalog/data/replication.js";
import { service, streamWithClients as stream } from "./helpers.js";

/**
 * A stream's bytes follow its clients (src/analysis/streams.ts `streamFlows`): producers send to
 * their nearest cluster, a mirror copies what its source cluster took, a consumer group reads each
 * cluster's records once where it holds a copy. Review: the total was split evenly over the
 * clusters whatever the producers did, and no producer or consumer crossed a region.
 */
const MBIT = 1e6 / 8;
const MSK = { target: "aws", service: "msk" };
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

describe("a consumer's pods read one cluster each, as their bootstraps point (review)", () => {
  it("never reads a cluster none of its pods reads: no cross-region fetch of its records", () => {
    // Both clusters take produces; the consumer runs beside eu-west-1's only (consumer-coverage
    // reports the records it never sees).
    const a = analyse(
      stream(
        {},
        {
          producer: service(["eu-west-1", "us-east-1"], "produce"),
          consumer: service(["eu-west-1"], "consume"),
        },
      ),
    );
    expect(a.links.filter((l) => l.mbps > 0)).toEqual([]);
  });

  it("gets another cluster's records through the mirror when its pods read only the copy", () => {
    const events = analyse(
      stream(
        { mirrorRegions: ["eu-west-1"], deploy: MSK },
        { producer: service(["us-east-1"], "produce"), consumer: service(["eu-west-1"], "consume") },
      ),
    ).streams[0]!;
    // The consumer's pods read eu-west-1's cluster, which holds us-east-1's records only as MSK
    // Replicator's copy (same topic): the mirroring p99 (an estimate, 5 s) is on the way.
    expect(events.endToEndP99Ms! - events.produce.worstP99Ms).toBeGreaterThan(
      PIPELINES["kafka-mirroring"].p99Ms,
    );
  });

  it("on MSK reads every record its cluster holds, copies included: each region's group reads both halves", () => {
    const model = stream(
      { mirrorRegions: ["eu-west-1", "us-east-1"], deploy: MSK },
      {
        producer: service(["eu-west-1", "us-east-1"], "produce"),
        consumer: service(["eu-west-1", "us-east-1"], "consume"),
      },
    );
    const net = networkView(model, []);
    const flows = streamFlows(model, evaluateStream(model.streams[0]!, net), net);
    const crossZone = (region: string) =>
      flows.filter((f) => f.from === region && f.to === region).reduce((sum, f) => sum + f.bytesPerSec, 0);
    const unmirrored = stream(
      { deploy: MSK },
      {
        producer: service(["eu-west-1", "us-east-1"], "produce"),
        consumer: service(["eu-west-1", "us-east-1"], "consume"),
      },
    );
    const plain = streamFlows(unmirrored, evaluateStream(unmirrored.streams[0]!, net), net);
    const plainZone = plain
      .filter((f) => f.from === "eu-west-1" && f.to === "eu-west-1")
      .reduce((sum, f) => sum + f.bytesPerSec, 0);
    // Per region, on top of the unmirrored figure, for the 5 MB/s copy of the other region's half:
    // its follower replication (replicas − 1 = 2 copies; flows MSK does not bill) and its reads
    // by the local group, 2 of 3 from another zone (leaders spread over three zones). Read once
    // per record, it was the 2 copies alone.
    const copy = 5_000 * 1_000;
    expect((crossZone("eu-west-1") - plainZone) / copy).toBeCloseTo(2 + 2 / 3, 9);
  });

  // MirrorMaker 2's writes into the target cluster were left out of its cross-zone bytes (a
  // review found $350 a month missing on 5 MB/s): its producer reaches the leaders in every zone.
  it("on Kubernetes counts MirrorMaker 2's writes into the target cluster across its zones", () => {
    const model = stream(
      { regions: ["eu-west-1"], mirrorRegions: ["us-east-1"] },
      { producer: service(["eu-west-1"], "produce"), consumer: service(["us-east-1"], "consume") },
    );
    const net = networkView(model, []);
    const flows = streamFlows(model, evaluateStream(model.streams[0]!, net), net);
    const inside = flows
      .filter((f) => f.from === "us-east-1" && f.to === "us-east-1")
      .reduce((sum, f) => sum + f.bytesPerSec, 0);
    // The copy's follower replication (replicas − 1 = 2), and 2 of 3 of both the mirror's writes
    // and the consumer's reads from another zone (leaders over three zones).
    expect(inside / (10_000 * 1_000)).toBeCloseTo(2 + 2 / 3 + 2 / 3, 9);
  });

  it("on Kubernetes reads no copy in a stream region: MirrorMaker 2 keeps them apart for failing over", () => {
    // `<source>.orders` there, which consumers read only when failing over (docs/engines.md).
    const events = analyse(
      stream(
        { mirrorRegions: ["eu-west-1", "us-east-1"] },
        { producer: service(["us-east-1"], "produce"), consumer: service(["eu-west-1"], "consume") },
      ),
    ).streams[0]!;
    expect(events.endToEndP99Ms).toBeUndefined();
    expect(events.undelivered).toEqual(["consumer"]);
    expect(endToEndMissing(events)).toBe(
      "records produced into a cluster reach no pod of consumer that is up (none reads that cluster, or a mirror holding its records that still takes the mirror's writes)",
    );
  });
});

describe("follower copies on the Kafka engine", () => {
  it("cross zones only to brokers outside the leader's zone: RF 3 over two zones is 4/3 copies, not 2", () => {
    const inside = (region: string, deploy?: Record<string, unknown>) => {
      const model = stream(
        { regions: [region], ...(deploy === undefined ? {} : { deploy }) },
        { producer: service([region], "produce"), consumer: service([region], "consume") },
      );
      const net = networkView(model, []);
      return streamFlows(model, evaluateStream(model.streams[0]!, net), net)
        .filter((f) => f.from === region && f.to === region)
        .reduce((sum, f) => sum + f.bytesPerSec, 0);
    };
    const bytes = 10_000 * 1_000;
    // us-west-1's two zones: brokers 2 + 1; a leader on one of the two shares its zone with the
    // other, so 1 copy of 2 crosses; on the third, both do: (1 + 1 + 2) / 3. The producer's and
    // the consumer's bytes cross for half of them (two zones).
    expect(inside("us-west-1") / bytes).toBeCloseTo(4 / 3 + 1 / 2 + 1 / 2, 9);
    // Three zones, a broker in each: both copies cross, as before.
    expect(inside("eu-west-1") / bytes).toBeCloseTo(2 + 2 / 3 + 2 / 3, 9);
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
