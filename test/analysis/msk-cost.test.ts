import { describe, expect, it } from "vitest";
import { podUsdPerMonth, storageUsdPerGbMonth } from "../../src/analysis/cost.js";
import { analyse } from "../../src/analysis/index.js";
import { MIRROR_MAKER_RESOURCES } from "../../src/engines/kafka-sizing.js";
import { mskBrokers, mskClusterZones } from "../../src/model/msk-clusters.js";
import { build } from "./helpers.js";

/** An MSK stream in eu-west-1 (three zones), optionally mirrored to eu-north-1 (three zones). */
const msk = (replicas: number, mirrorRegions?: string[]) =>
  analyse(
    build({
      streams: {
        events: {
          regions: ["eu-west-1"],
          ...(mirrorRegions === undefined ? {} : { mirrorRegions }),
          partitions: 12,
          replicas,
          minInSync: 1,
          producers: [],
          consumers: [],
          deploy: { target: "aws", service: "msk" },
        },
      },
    }),
  ).streams[0]!.costUsdPerMonth.replicas;

describe("MSK broker cost counts the brokers the compiler creates", () => {
  it("a multiple of the cluster's zones: 2 replicas over 3 zones are 3 brokers, as 3 replicas are", () => {
    expect(msk(2)).toBeCloseTo(msk(3), 9);
  });

  it("a mirror region's cluster is paid for too, at least MSK Replicator's 3 brokers", () => {
    const perBroker = msk(3) / 3;
    // eu-west-1: 3 brokers (≥ 3 for the Replicator); eu-north-1: 3 more.
    expect(msk(2, ["eu-north-1"])).toBeCloseTo(6 * perBroker, 9);
  });
});

describe("Kafka on Kubernetes prices its mirror regions' clusters", () => {
  const kafka = (mirrorRegions?: string[]) =>
    analyse(
      build({
        streams: {
          events: {
            regions: ["eu-west-1"],
            ...(mirrorRegions === undefined ? {} : { mirrorRegions }),
            partitions: 12,
            replicas: 3,
            minInSync: 2,
            producers: [],
            consumers: [],
            deploy: { target: "kubernetes", engine: "kafka", storageGi: 100 },
          },
        },
      }),
    ).streams[0]!.costUsdPerMonth.replicas;

  it("a mirror-only region adds a cluster of the stream's replicas, and the MirrorMaker 2 worker filling it", () => {
    expect(kafka(["eu-north-1"])).toBeCloseTo(2 * kafka() + podUsdPerMonth(MIRROR_MAKER_RESOURCES), 9);
  });

  // Priced the brokers alone; each cluster also runs 3 KRaft controllers of the brokers' size.
  it("each cluster's KRaft controllers are priced: pods of the brokers' size with a 20 GiB volume", () => {
    const pod = podUsdPerMonth({ cpu: "500m", memory: "1Gi" });
    const gb = storageUsdPerGbMonth(undefined);
    expect(kafka()).toBeCloseTo(3 * (pod + 100 * gb) + 3 * (pod + 20 * gb), 6);
  });
});

describe("a mirror-only region's MSK cluster uses the zones an account may use there", () => {
  it("sa-east-1: two of its three zones (accountZoneLimit), so 4 brokers for MSK Replicator", () => {
    const model = build({
      streams: {
        events: {
          regions: ["eu-west-1"],
          mirrorRegions: ["sa-east-1"],
          partitions: 12,
          replicas: 3,
          minInSync: 2,
          producers: [],
          consumers: [],
          deploy: { target: "aws", service: "msk" },
        },
      },
    });
    const stream = model.streams[0]!;
    expect(mskClusterZones(model.catalog, stream, "sa-east-1")).toEqual(["sa-east-1a", "sa-east-1b"]);
    expect(mskBrokers(model.catalog, stream)).toEqual([
      { region: "eu-west-1", brokers: 3 },
      { region: "sa-east-1", brokers: 4 },
    ]);
  });
});
