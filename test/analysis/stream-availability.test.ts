import { describe, expect, it } from "vitest";
import { analyse, compareAnalyses, parseFailures, sloViolations } from "../../src/analysis/index.js";
import { sloRows } from "../../src/report/markdown.js";
import { build, service, streamWithClients } from "./helpers.js";

const pZ = 0.001;
const pR = 0.0001;

type StreamDeploy = { target: "kubernetes"; engine: "kafka"; storageGi: number } | { target: "external" };
const KAFKA: StreamDeploy = { target: "kubernetes", engine: "kafka", storageGi: 100 };

/** `events` (produced by `api` in eu-west-1) in `regions`, by default on Kafka in eu-west-1 alone. */
const streamModel = (
  replicas: number,
  minInSync: number,
  slo?: { endToEndP99Ms: number },
  where: { regions?: string[]; deploy?: StreamDeploy; commonModeProbability?: number } = {},
) =>
  build({
    users: { "eu-west-1": 1 },
    model: {
      zoneFailureProbability: pZ,
      regionFailureProbability: pR,
      ...(where.commonModeProbability === undefined
        ? {}
        : { commonModeProbability: where.commonModeProbability }),
    },
    streams: {
      events: {
        regions: where.regions ?? ["eu-west-1"],
        partitions: 12,
        replicas,
        minInSync,
        delivery: "at-least-once",
        producers: ["api"],
        consumers: [],
        traffic: { messagesPerSec: 100, messageBytes: 100 },
        retentionHours: 24,
        deploy: where.deploy ?? KAFKA,
        ...(slo === undefined ? {} : { slo }),
      },
    },
    services: {
      api: {
        regions: ["eu-west-1"],
        replicasPerRegion: 3,
        processingMs: 1,
        calls: [{ to: "events", timeoutMs: 100, retries: 0 }],
        deploy: { target: "kubernetes", image: "x/api:1" },
      },
    },
  });
const events = (a: ReturnType<typeof analyse>) => a.streams.find((s) => s.name === "events")!;

describe("stream availability: every partition layout keeps minInSync, jointly", () => {
  it("RF 2, minInSync 2 over 3 zones, rack-aware over brokers in every zone: any zone's loss stops produces, (1 − pR)(1 − pZ)³", () => {
    const a = analyse(streamModel(2, 2, undefined, { deploy: { target: "external" } }));
    expect(events(a).availability).toBeCloseTo((1 - pR) * (1 - pZ) ** 3, 12);
  });

  // The Kafka engine runs as many brokers as replicas, dealt over the sorted zones, each with a
  // replica of every partition: the third zone holds none. The analysis took the rotating layout
  // above (99.69%) and the what-if stopped produces for a zone without a broker.
  it("on the Kafka engine, the brokers' zones: RF 2 leaves the third zone empty, (1 − pR)(1 − pZ)²", () => {
    const model = streamModel(2, 2);
    const baseline = analyse(model);
    expect(events(baseline).availability).toBeCloseTo((1 - pR) * (1 - pZ) ** 2, 12);
    const lostC = analyse(model, parseFailures(model, ["zone:eu-west-1c"]), baseline);
    expect(events(lostC).unavailable).toBeUndefined();
    const lostA = analyse(model, parseFailures(model, ["zone:eu-west-1a"]), baseline);
    expect(events(lostA).unavailable).toBe(true);
    // RF 4, minInSync 3: brokers 2 + 1 + 1; only the zone with two stops produces.
    expect(events(analyse(streamModel(4, 3))).availability).toBeCloseTo(
      (1 - pR) * (1 - pZ) * (1 - pZ ** 2),
      12,
    );
  });

  it("RF 3, minInSync 2 over 3 zones: up while at most one zone is down", () => {
    const a = analyse(streamModel(3, 2));
    const zones = (1 - pZ) ** 3 + 3 * pZ * (1 - pZ) ** 2;
    expect(events(a).availability).toBeCloseTo((1 - pR) * zones, 12);
  });

  it("RF 2, minInSync 1: produces go on until both zones of some partition are down", () => {
    // Layouts {a,b}, {b,c}, {c,a}: every layout keeps a replica unless two zones are down.
    const a = analyse(streamModel(2, 1));
    const zones = (1 - pZ) ** 3 + 3 * pZ * (1 - pZ) ** 2;
    expect(events(a).availability).toBeCloseTo((1 - pR) * zones, 12);
  });
});

describe("an unavailable stream is reported unavailable, not faster", () => {
  const model = streamModel(2, 2, { endToEndP99Ms: 50 });
  const baseline = analyse(model);
  const failed = analyse(model, parseFailures(model, ["zone:eu-west-1a"]));

  it("what-if says it cannot take produces and reports no end-to-end latency change", () => {
    expect(events(failed).unavailable).toBe(true);
    const changes = compareAnalyses(baseline, failed).filter((c) => c.component === "events");
    expect(changes).toContainEqual(expect.objectContaining({ kind: "unavailable" }));
    expect(changes.filter((c) => c.kind === "latency")).toEqual([]);
  });

  it("its end-to-end objective is missed, with no figure", () => {
    expect(sloViolations(baseline).some((v) => v.objective === "endToEndP99Ms")).toBe(false);
    const missed = sloViolations(failed, "serving").find((v) => v.objective === "endToEndP99Ms");
    expect(missed).toBeDefined();
    expect(missed!.actual).toBeUndefined();
    expect(compareAnalyses(baseline, failed)).toContainEqual(
      expect.objectContaining({ kind: "slo-broken", path: "streams.events.slo.endToEndP99Ms" }),
    );
  });

  it("has no end-to-end figure, and the PR comment's SLO table shows the objective missed", () => {
    expect(events(baseline).endToEndP99Ms).toBeGreaterThan(0);
    expect(events(failed).endToEndP99Ms).toBeUndefined();
    const row = sloRows(model, failed).find((r) => r.slo === "end-to-end p99")!;
    expect(row.predicted).toBe("nothing delivered");
    expect(row.ok).toBe(false);
  });
});

describe("a stream whose producers are all down", () => {
  // The cluster in eu-west-1 and us-east-1, its only producer in eu-west-1, which fails; the
  // consumer reads both clusters (a pod beside each).
  const model = streamWithClients(
    { traffic: { messagesPerSec: 1000, messageBytes: 1000 }, slo: { endToEndP99Ms: 2000 } },
    { producer: service(["eu-west-1"], "produce"), consumer: service(["eu-west-1", "us-east-1"], "consume") },
  );
  const baseline = analyse(model);
  const failed = analyse(model, parseFailures(model, ["region:eu-west-1"]));
  const orders = (a: ReturnType<typeof analyse>) => a.streams.find((s) => s.name === "orders")!;

  it("prices no produce from the failed region and has no end-to-end figure", () => {
    expect(orders(baseline).produce.byOrigin.map((o) => o.origin)).toEqual(["eu-west-1"]);
    expect(orders(baseline).endToEndP99Ms).toBeGreaterThan(0);
    expect(orders(failed).unavailable).toBeUndefined();
    expect(orders(failed).produce.byOrigin).toEqual([]);
    expect(orders(failed).endToEndP99Ms).toBeUndefined();
  });

  it("what-if says nothing is produced; the stream's latency objective is not called broken", () => {
    const changes = compareAnalyses(baseline, failed).filter((c) => c.component === "orders");
    expect(changes).toContainEqual(
      expect.objectContaining({
        kind: "latency",
        message: expect.stringContaining("none (no producer is up)"),
      }),
    );
    expect(changes.some((c) => c.kind === "latency" && /produce p99 from eu-west-1/.test(c.message))).toBe(
      false,
    );
    expect(sloViolations(failed, "serving").some((v) => v.component === "orders")).toBe(false);
    expect(orders(failed).noProducer).toBe(true);
    expect(sloRows(model, failed).find((r) => r.slo === "end-to-end p99")).toMatchObject({
      predicted: "nothing produced",
      ok: undefined,
    });
  });
});

describe("a stream whose producers are up but reach no cluster", () => {
  // Its cluster in eu-west-1, its producer in us-east-1, the link between them cut.
  const model = streamWithClients(
    { regions: ["eu-west-1"], slo: { endToEndP99Ms: 2000 } },
    { producer: service(["us-east-1"], "produce"), consumer: service(["eu-west-1"], "consume") },
  );
  const baseline = analyse(model);
  const cut = analyse(model, parseFailures(model, ["link:eu-west-1/us-east-1"]));
  const orders = (a: ReturnType<typeof analyse>) => a.streams.find((s) => s.name === "orders")!;

  it("delivers nothing: its objective is broken, said as such (not 'no producer is up')", () => {
    expect(orders(cut).noProducer).toBeUndefined();
    expect(orders(cut).endToEndP99Ms).toBeUndefined();
    const missed = sloViolations(cut, "serving").find((v) => v.component === "orders");
    expect(missed?.message).toContain("no producer that is up reaches a live cluster");
    const changes = compareAnalyses(baseline, cut).filter((c) => c.component === "orders");
    expect(changes.map((c) => c.message).join("\n")).not.toContain("no producer is up");
    expect(sloRows(model, cut).find((r) => r.slo === "end-to-end p99")).toMatchObject({
      predicted: "nothing delivered",
      ok: false,
    });
  });
});

describe("a stream's mirror region", () => {
  it("receives the mirrored copy even when nothing else of the topology runs there", () => {
    const model = build({
      users: { "eu-west-1": 1 },
      streams: {
        events: {
          regions: ["eu-west-1"],
          mirrorRegions: ["eu-north-1"],
          partitions: 12,
          producers: ["api"],
          consumers: [],
          traffic: { messagesPerSec: 100, messageBytes: 1000 },
          deploy: { target: "kubernetes", engine: "kafka", storageGi: 100 },
        },
      },
      services: {
        api: {
          regions: ["eu-west-1"],
          calls: [{ to: "events", timeoutMs: 100 }],
          deploy: { target: "kubernetes", image: "x/api:1" },
        },
      },
    });
    const link = analyse(model).links.find((l) => l.from === "eu-west-1" && l.to === "eu-north-1");
    // 100 messages/s × 1,000 bytes = 0.8 Mbit/s, copied once.
    expect(link?.mbps).toBeCloseTo(0.8, 9);
  });
});

describe("a Kafka cluster's KRaft controllers (3, dealt over the region's zones) must keep a majority", () => {
  const twoZones = (engine: "kafka" | undefined) =>
    build({
      regions: { "dc-a": { country: "DE", zones: ["dc-a-1", "dc-a-2"], rttMs: { "eu-central-1": 2 } } },
      users: { "dc-a": 1 },
      model: { zoneFailureProbability: pZ, regionFailureProbability: pR, commonModeProbability: 0 },
      streams: {
        events: {
          regions: ["dc-a"],
          partitions: 12,
          replicas: 2,
          minInSync: 1,
          producers: [],
          consumers: [],
          deploy:
            engine === undefined
              ? { target: "kubernetes", image: "ghcr.io/acme/queue:1.0.0" }
              : { target: "kubernetes", engine, storageGi: 100 },
        },
      },
    });

  it("two zones: the one holding 2 of 3 controllers takes the cluster with it", () => {
    const kafka = analyse(twoZones("kafka")).streams[0]!;
    expect(kafka.survival.zone).toMatchObject({ survives: false, worstDomain: "dc-a-1", quorum: 2 });
    // Up while dc-a-1 (two controllers) is: RF 2 with minInSync 1 alone would survive either zone.
    expect(kafka.availability).toBeCloseTo((1 - pR) * (1 - pZ), 12);
    const generic = analyse(twoZones(undefined)).streams[0]!;
    expect(generic.survival.zone.survives).toBe(true);
  });

  it("what-if: losing dc-a-1 stops produces, as the availability counts it (not priced at 1 ms)", () => {
    const model = twoZones("kafka");
    const failed = analyse(model, parseFailures(model, ["zone:dc-a-1"])).streams[0]!;
    expect(failed.unavailable).toBe(true);
    // Without the controllers' quorum (RF 2, minInSync 1 alone) the other zone would serve.
    const generic = twoZones(undefined);
    expect(analyse(generic, parseFailures(generic, ["zone:dc-a-1"])).streams[0]!.unavailable).toBeUndefined();
  });

  it("three zones: one controller each, any one zone may go", () => {
    const model = streamModel(3, 2);
    expect(model.streams[0]!.metadataQuorum).toBe(3);
    expect(analyse(model).streams[0]!.survival.zone.survives).toBe(true);
  });
});

describe("a producer whose region's cluster stops taking produces", () => {
  // Clusters in eu-west-1 and us-east-1 (3 replicas over 3 zones, minInSync 2); the producer in
  // eu-west-1 loses two of its region's zones, so that cluster refuses acks=all writes.
  const zonesDown = ["zone:eu-west-1a", "zone:eu-west-1b"];
  const produceFromWest = (deploy: Record<string, unknown>) => {
    const model = streamWithClients(
      { deploy },
      { producer: service(["eu-west-1"], "produce"), consumer: service(["us-east-1"], "consume") },
    );
    const failed = analyse(model, parseFailures(model, zonesDown));
    return failed.streams
      .find((s) => s.name === "orders")!
      .produce.byOrigin.find((o) => o.origin === "eu-west-1");
  };

  it("on Kubernetes fails: its clients dial the region's own bootstrap Service, not another region's", () => {
    expect(produceFromWest({ target: "kubernetes", engine: "kafka", storageGi: 100 })?.unavailable).toBe(
      true,
    );
  });

  it("elsewhere (a cluster reached over the network) fails over to the nearest live cluster", () => {
    const west = produceFromWest({ target: "external" });
    expect(west?.unavailable).toBeUndefined();
    expect(west?.p50Ms).toBeGreaterThan(50); // across the Atlantic
  });
});

describe("a consumer in a stream's mirror region", () => {
  // On AWS its pods get the mirror cluster's bootstrap too (src/compile/aws/reach.ts).
  it.each([
    ["Kubernetes", "MirrorMaker 2", { target: "kubernetes", engine: "kafka", storageGi: 100 }],
    ["MSK", "MSK Replicator", { target: "aws", service: "msk" }],
  ])("fetches from that region's own cluster on %s, which %s fills", (_, __, deploy) => {
    const model = streamWithClients(
      { regions: ["eu-west-1"], mirrorRegions: ["us-east-1"], deploy },
      { producer: service(["eu-west-1"], "produce"), consumer: service(["us-east-1"], "consume") },
    );
    const consumer = analyse(model).services.find((s) => s.name === "consumer")!;
    const origin = consumer.latency.byOrigin.find((o) => o.origin === "us-east-1")!;
    // The user's hop, 1 ms of processing and a fetch: all in us-east-1 (one cross-zone RTT each way).
    expect(origin.p50Ms).toBeCloseTo(1 + 1 + 1, 9);
  });

  // Two of the mirror's three zones down: 1 replica of each partition left, below minInSync 2, so
  // the mirror takes no more copies; the consumer's pods in us-east-1c stay up and keep dialling it.
  it.each([
    ["Kubernetes", { target: "kubernetes", engine: "kafka", storageGi: 100 }],
    ["MSK", { target: "aws", service: "msk" }],
  ])("on %s, reads nothing new when the mirror cluster stops taking writes", (_, deploy) => {
    const model = streamWithClients(
      { regions: ["eu-west-1"], mirrorRegions: ["us-east-1"], deploy },
      { producer: service(["eu-west-1"], "produce"), consumer: service(["us-east-1"], "consume") },
    );
    const failed = analyse(model, parseFailures(model, ["zone:us-east-1a", "zone:us-east-1b"]));
    const orders = failed.streams.find((s) => s.name === "orders")!;
    expect(orders.endToEndP99Ms).toBeUndefined();
    expect(orders.undelivered).toEqual(["consumer"]);
    const consumer = failed.services.find((s) => s.name === "consumer")!;
    expect(consumer.latency.byOrigin.find((o) => o.origin === "us-east-1")?.unavailable).toBe(true);
    // Its availability says the same (its one dependency is the mirror it reads, now down).
    expect(consumer.availability).toBe(0);
    // Nothing is copied over the Atlantic into a mirror that cannot write it.
    expect(failed.links.find((l) => l.from === "eu-west-1" && l.to === "us-east-1")).toBeUndefined();
  });
});

describe("a consumer's availability counts the cluster its pods read (review)", () => {
  it.each([
    ["Kubernetes", { target: "kubernetes", engine: "kafka", storageGi: 100 }],
    ["MSK", { target: "aws", service: "msk" }],
  ])("on %s, the mirror in its region, not the stream region's cluster", (_, deploy) => {
    const model = streamWithClients(
      { regions: ["eu-west-1"], mirrorRegions: ["us-east-1"], deploy },
      { producer: service(["eu-west-1"], "produce"), consumer: service(["us-east-1"], "consume") },
    );
    // eu-west-1 down: the mirror still serves fetches (of what it holds), and the consumer is up.
    const failed = analyse(model, parseFailures(model, ["region:eu-west-1"]));
    const consumer = failed.services.find((s) => s.name === "consumer")!;
    expect(consumer.latency.byOrigin.find((o) => o.origin === "us-east-1")?.unavailable).toBeUndefined();
    expect(consumer.availability).toBeGreaterThan(0.99);
  });

  it("on Kubernetes, its own region's cluster: a second stream region does not raise it", () => {
    const availability = (regions: string[]) =>
      analyse(
        streamWithClients(
          { regions },
          { producer: service(["eu-west-1"], "produce"), consumer: service(["eu-west-1"], "consume") },
        ),
      ).services.find((s) => s.name === "consumer")!.availability;
    expect(availability(["eu-west-1", "us-east-1"])).toBe(availability(["eu-west-1"]));
  });
});

describe("a Kubernetes stream's producer needs its own region's cluster (expert review)", () => {
  // api runs in eu-west-1 only and dials that region's bootstrap (streams.ts clusterFor): the
  // cluster in eu-central-1 takes none of its produces, so it adds nothing to api's availability.
  // No common-mode cap: it would bound both figures alike.
  const producer = (regions: string[], deploy: StreamDeploy) =>
    streamModel(3, 2, undefined, { regions, deploy, commonModeProbability: 0 });
  const kafka = KAFKA;
  const api = (a: ReturnType<typeof analyse>) => a.services.find((s) => s.name === "api")!.availability;

  it("a second region's cluster does not raise it: as if the stream were in eu-west-1 alone", () => {
    const two = analyse(producer(["eu-west-1", "eu-central-1"], kafka));
    const one = analyse(producer(["eu-west-1"], kafka));
    expect(api(two)).toBe(api(one));
    // The stream's own figure still counts any cluster taking produces.
    expect(events(two).availability).toBeGreaterThan(events(one).availability);
  });

  it("an external stream (its clients' business where they produce) is any cluster's, as before", () => {
    const external: StreamDeploy = { target: "external" };
    expect(api(analyse(producer(["eu-west-1", "eu-central-1"], external)))).toBeGreaterThan(
      api(analyse(producer(["eu-west-1"], external))),
    );
  });
});
