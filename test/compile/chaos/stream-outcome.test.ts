import { describe, expect, test } from "vitest";
import { ANNOTATIONS, compileChaos } from "../../../src/compile/chaos/index.js";
import type { Model } from "../../../src/model/types.js";
import { modelOf } from "../observability/fixture.js";

/** A Kafka stream (engine) of 3 replicas on a site with two zones, so one zone holds two brokers. */
function kafkaOn(zones: string[], regions = ["dc-a"]): Model {
  return modelOf({
    name: "k",
    regions: Object.fromEntries(
      regions.map((r) => [
        r,
        {
          country: "DE",
          zones: zones.map((z) => `${r}-${z}`),
          rttMs: Object.fromEntries(regions.filter((o) => o !== r).map((o) => [o, 10])),
        },
      ]),
    ),
    streams: {
      s: {
        regions,
        partitions: 6,
        replicas: 3,
        minInSync: 2,
        deploy: { target: "kubernetes", engine: "kafka" },
        chaos: { enabled: true },
      },
    },
  });
}

const outcomes = (model: Model) =>
  Object.fromEntries(
    compileChaos(model).map((r) => {
      const inputs = r.inputs as { metadata: { annotations: Record<string, string> } };
      return [r.name, inputs.metadata.annotations[ANNOTATIONS.expectedOutcome]];
    }),
  );

describe("stream outcomes on the Kafka engine follow its broker and controller layout", () => {
  test("the zone holding two of three brokers and two of three KRaft controllers takes the quorum with it", () => {
    const o = outcomes(kafkaOn(["1", "2"]));
    // src/engines/kafka.ts perZone: brokers and controllers dealt round-robin, dc-a-1 first.
    expect(o["dc-a/k/Schedule/s-isolate-zone-dc-a-1"]).toMatch(
      /^KRaft quorum lost: 1 of 3 controllers remain outside dc-a-1, .*acks=all produces to partitions with a replica in dc-a-1 fail until the zone returns \(1 of 3 replicas of each partition remain \(min\.insync\.replicas 2\)\)$/,
    );
    expect(o["dc-a/k/Schedule/s-isolate-zone-dc-a-2"]).toMatch(
      /^in-sync replicas hold: 2 of 3 replicas of each partition remain \(min\.insync\.replicas 2\); acks=all produces continue/,
    );
  });

  test("with one broker and one controller per zone every zone isolation keeps both quorums", () => {
    for (const outcome of Object.values(outcomes(kafkaOn(["1", "2", "3"]))))
      expect(outcome).toMatch(/^in-sync replicas hold: 2 of 3 replicas/);
  });

  test("region isolation claims no replication between regions: each region runs its own cluster", () => {
    const o = outcomes(kafkaOn(["1", "2", "3"], ["dc-a", "dc-b"]));
    const region = o["dc-a/k/Schedule/s-isolate-region-dc-a"];
    expect(region).toBe(
      "dc-a's cluster keeps all 3 replicas of its partitions and keeps serving producers and consumers in dc-a; clients in other regions that use it fail until the partition heals",
    );
  });
});

/** Kafka stream `s` (Strimzi) in `regions`, mirrored into eu-north-1, with chaos on. */
const mirroredKafka = (regions: string[]) =>
  modelOf({
    name: "k",
    streams: {
      s: {
        regions,
        mirrorRegions: ["eu-north-1"],
        partitions: 6,
        replicas: 3,
        minInSync: 2,
        deploy: { target: "kubernetes", engine: "kafka" },
        chaos: { enabled: true },
      },
    },
  });

// The isolation of a mirrored stream's region left MirrorMaker 2 reading it from a mirror-only
// region, whose CIDRs were not cut, while the README said mirroring stops (review).
describe("a mirrored stream's region isolation", () => {
  const model = mirroredKafka(["eu-west-1", "eu-central-1"]);
  const regionCidrs = {
    "eu-west-1": ["10.1.0.0/16"],
    "eu-central-1": ["10.2.0.0/16"],
    "eu-north-1": ["10.3.0.0/16"],
  };
  const isolation = compileChaos(model, undefined, { regionCidrs }).find((r) =>
    r.name.endsWith("/Schedule/s-isolate-region-eu-west-1"),
  )!.inputs as {
    metadata: { annotations: Record<string, string> };
    spec: { networkChaos: { externalTargets: string[] } };
  };

  test("cuts the mirror regions too, where MirrorMaker 2 runs", () => {
    expect(isolation.spec.networkChaos.externalTargets).toEqual(["10.2.0.0/16", "10.3.0.0/16"]);
  });

  test("says that mirroring stops until the partition heals", () => {
    expect(isolation.metadata.annotations[ANNOTATIONS.expectedOutcome]).toMatch(
      /; MirrorMaker 2 stops mirroring across the cut \(eu-north-1\) until it heals, and the mirrors fall behind$/,
    );
  });
});

// A mirror-only region runs a cluster of the stream too (MirrorMaker 2 writes the mirror there):
// it had no experiment at all.
describe("a mirror-only region's experiments", () => {
  const model = mirroredKafka(["eu-west-1"]);
  const schedules = () =>
    Object.fromEntries(
      compileChaos(model).map((r) => [
        r.name,
        (r.inputs as { metadata: { annotations: Record<string, string> } }).metadata.annotations[
          ANNOTATIONS.expectedOutcome
        ]!,
      ]),
    );

  test("its zones and its region are isolated like the source's", () => {
    const names = Object.keys(schedules());
    for (const zone of ["eu-north-1a", "eu-north-1b", "eu-north-1c"])
      expect(names).toContain(`eu-north-1/k/Schedule/s-isolate-zone-${zone}`);
    expect(names).toContain("eu-north-1/k/Schedule/s-isolate-region-eu-north-1");
    expect(names).toContain("eu-west-1/k/Schedule/s-isolate-region-eu-west-1");
  });

  test("isolating it: its consumers read on, its mirror falls behind", () => {
    expect(schedules()["eu-north-1/k/Schedule/s-isolate-region-eu-north-1"]).toBe(
      "eu-north-1's mirror cluster keeps all 3 replicas of its partitions and keeps serving consumers in eu-north-1; MirrorMaker 2 there cannot read eu-west-1 until the partition heals, so the mirror falls behind by the time cut off and catches up after",
    );
  });
});
