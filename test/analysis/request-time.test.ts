/**
 * A managed service's own time per request (src/catalog/data/replication.ts REQUEST_TIMES) is in
 * every read and write it serves: an S3 GET is not an RTT. Through the real pipeline with the
 * measured tails (no flat tail factor), and with one.
 */
import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { COMMIT_TAILS, REQUEST_TIMES } from "../../src/catalog/data/replication.js";
import { resolveModel } from "../../src/model/resolve.js";
import { Topology, type TopologyInput } from "../../src/spec/schema/topology.js";

const store = (service: "s3" | "dynamodb" | "aurora-postgresql") => ({
  replication: service === "dynamodb" ? "multi-leader" : "primary-replica",
  consistency: "eventual",
  replicas: 1,
  placement: { "eu-west-1": 1 },
  ...(service === "dynamodb" ? {} : { leader: "eu-west-1" }),
  deploy: { target: "aws", service },
});
const latencyOf = (service: "s3" | "dynamodb" | "aurora-postgresql", model?: { tailFactor: number }) => {
  const spec = {
    name: "t",
    users: { "eu-west-1": 1 },
    datastores: { data: store(service) },
    ...(model === undefined ? {} : { model }),
  } as TopologyInput;
  const topology = Topology.parse(spec);
  const analysis = analyse(resolveModel(topology, buildCatalog(topology)));
  const ds = analysis.datastores[0]!;
  return { read: ds.read.byOrigin[0]!, write: ds.write.byOrigin[0]! };
};

describe("request time of managed services", () => {
  const aurora = latencyOf("aurora-postgresql");

  it("S3: a read and a write take the service's 100 ms median and 200 ms p99 on top of the network", () => {
    const s3 = latencyOf("s3");
    // The same one-region layout on Aurora has no request time (its queries are the user's).
    expect(s3.read.p50Ms).toBeCloseTo(aurora.read.p50Ms + REQUEST_TIMES.s3!.p50Ms, 9);
    expect(s3.read.p99Ms).toBeCloseTo(aurora.read.p99Ms + REQUEST_TIMES.s3!.p99Ms, 9);
    expect(s3.write.p50Ms).toBeGreaterThanOrEqual(100);
    expect(s3.write.p99Ms).toBeGreaterThanOrEqual(200);
  });

  it("DynamoDB: single-digit milliseconds, reads and writes alike (no separate commit tail)", () => {
    const dynamo = latencyOf("dynamodb");
    expect(dynamo.read.p50Ms).toBeCloseTo(aurora.read.p50Ms + 5, 9);
    expect(dynamo.read.p99Ms).toBeCloseTo(aurora.read.p99Ms + 10, 9);
    expect(dynamo.write.p99Ms - dynamo.read.p99Ms).toBeLessThan(5);
  });

  it("Aurora: a commit waits for its 4-of-6 storage quorum across zones, one cross-zone round at the median", () => {
    // The read is the client's round trip to the writer; the write adds the storage round.
    expect(aurora.write.p50Ms).toBeCloseTo(aurora.read.p50Ms + 1, 9); // crossZoneRttMs, default 1 ms
    // At p99 too: the round, then the 5 ms tail for the slowest copies and the storage write.
    expect(aurora.write.p99Ms).toBeCloseTo(
      aurora.read.p99Ms + 1 + COMMIT_TAILS["aurora-postgresql"]!.p99Ms,
      9,
    );
  });

  it("under a flat tail factor the request's p99 is its median × the factor", () => {
    const s3 = latencyOf("s3", { tailFactor: 1.5 });
    const base = latencyOf("aurora-postgresql", { tailFactor: 1.5 });
    expect(s3.read.p99Ms - base.read.p99Ms).toBeCloseTo(150, 9);
  });
});
