import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { build, rtt, TAIL, XZ } from "./helpers.js";

// One consensus store led from eu-west-1 (3 replicas there); a reader service in eu-central-1 and a
// writer service in us-east-1. Users: 70% eu-central-1, 30% us-east-1.
const model = build({
  users: { "eu-central-1": 0.7, "us-east-1": 0.3 },
  datastores: {
    kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 }, leader: "eu-west-1" },
  },
  services: {
    reader: { regions: ["eu-central-1"], calls: [{ to: "kv", op: "read", timeoutMs: 500 }] },
    writer: { regions: ["us-east-1", "eu-central-1"], calls: [{ to: "kv", op: "write", timeoutMs: 500 }] },
  },
});
const kv = analyse(model).datastores[0]!;

describe("datastore origins are its callers' regions, per operation, weighted by routed demand", () => {
  it("reads come from the reader's region only", () => {
    expect(kv.read.byOrigin.map((o) => [o.origin, o.share])).toEqual([["eu-central-1", 1]]);
    // Strong read at the leader: RTT(eu-central-1, eu-west-1) × tail.
    expect(kv.read.worstP99Ms).toBeCloseTo(rtt("eu-central-1", "eu-west-1") * TAIL, 9);
  });

  it("writes come from the writer's regions, each with the users routed to it", () => {
    // us-east-1 users → writer in us-east-1 (0.3); eu-central-1 users → writer in eu-central-1 (0.7).
    expect(kv.write.byOrigin.map((o) => [o.origin, o.share])).toEqual([
      ["eu-central-1", 0.7],
      ["us-east-1", 0.3],
    ]);
    // Write from us-east-1 = RTT to the leader + commit (2nd replica cross-zone: XZ).
    expect(kv.write.worstP99Ms).toBeCloseTo((rtt("us-east-1", "eu-west-1") + XZ) * TAIL, 9);
  });

  it("a datastore nobody calls is measured from the users", () => {
    const direct = build({
      users: { "ap-northeast-1": 1 },
      datastores: { kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
    });
    expect(analyse(direct).datastores[0]!.read.byOrigin.map((o) => o.origin)).toEqual(["ap-northeast-1"]);
  });
});

describe("callers count by how often they call, when every caller's rate is known", () => {
  // Two writers: 'edge' in eu-central-1 at 10,000 req/s × 0.06 writes per request (600/s), and
  // 'purger' in us-east-1, which consumes a 200 msg/s stream and writes once per message.
  const spec = (edgeTraffic: boolean) => ({
    users: { "eu-central-1": 0.5, "us-east-1": 0.5 },
    datastores: {
      kv: {
        replication: "consensus" as const,
        replicas: 3,
        placement: { "eu-west-1": 3 },
        leader: "eu-west-1",
      },
    },
    streams: {
      purges: {
        regions: ["us-east-1"],
        replicas: 3,
        minInSync: 2,
        partitions: 3,
        producers: ["edge"],
        consumers: ["purger"],
        traffic: { messagesPerSec: 200, messageBytes: 100 },
      },
    },
    services: {
      edge: {
        regions: ["eu-central-1"],
        ...(edgeTraffic ? { traffic: { requestsPerSec: 10_000 } } : {}),
        calls: [{ to: "kv", op: "write" as const, timeoutMs: 500, callsPerRequest: 0.06 }],
      },
      purger: { regions: ["us-east-1"], calls: [{ to: "kv", op: "write" as const, timeoutMs: 500 }] },
    },
  });
  const shares = (withTraffic: boolean) =>
    analyse(build(spec(withTraffic) as never)).datastores[0]!.write.byOrigin.map((o) => [o.origin, o.share]);

  it("writes: 600/s from eu-central-1, 200/s from us-east-1", () => {
    const [eu, us] = shares(true);
    expect(eu![0]).toBe("eu-central-1");
    expect(eu![1]).toBeCloseTo(0.75, 12);
    expect(us![0]).toBe("us-east-1");
    expect(us![1]).toBeCloseTo(0.25, 12);
  });

  it("a caller whose rate is unknown makes every caller count equally", () => {
    expect(shares(false)).toEqual([
      ["eu-central-1", 0.5],
      ["us-east-1", 0.5],
    ]);
  });

  it("a service's rate is what its callers send it, when it declares none", () => {
    const chained = build({
      users: { "eu-central-1": 0.5, "us-east-1": 0.5 },
      datastores: {
        kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 }, leader: "eu-west-1" },
      },
      services: {
        front: {
          regions: ["eu-central-1"],
          traffic: { requestsPerSec: 1000 },
          calls: [
            { to: "mid", timeoutMs: 500, callsPerRequest: 3 },
            { to: "kv", op: "write", timeoutMs: 500 },
          ],
        },
        mid: {
          regions: ["us-east-1"],
          calls: [{ to: "kv", op: "write", timeoutMs: 500, callsPerRequest: 0.5 }],
        },
      },
    });
    // front writes 1,000/s; mid gets 3,000 req/s and writes 1,500/s.
    const byOrigin = analyse(chained).datastores[0]!.write.byOrigin.map((o) => [o.origin, o.share]);
    expect(byOrigin[0]![0]).toBe("eu-central-1");
    expect(byOrigin[0]![1]).toBeCloseTo(0.4, 12);
    expect(byOrigin[1]![1]).toBeCloseTo(0.6, 12);
  });
});
