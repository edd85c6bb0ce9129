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
