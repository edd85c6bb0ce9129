import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { perRequest, retriedCall } from "../../src/analysis/services.js";
import type { ResolvedCall } from "../../src/model/types.js";
import { modelOf } from "../compile/observability/fixture.js";
import { build, kth, rtt, service, streamWithClients, TAIL, XZ } from "./helpers.js";

const call = (over: Partial<ResolvedCall>): ResolvedCall => ({
  to: "x",
  targetKind: "service",
  op: "request",
  timeoutMs: 1000,
  perTryTimeoutMs: 1000,
  retries: 0,
  hard: true,
  callsPerRequest: 1,
  path: "services.a.calls[0]",
  ...over,
});

describe("retries and calls per request", () => {
  it.each([
    // p99 within the per-try timeout: retries never reach the tail.
    [{ retries: 2, perTryTimeoutMs: 100 }, { p50Ms: 20, p99Ms: 60 }, 60],
    // p99 beyond it: every attempt runs to the per-try timeout, plus backoff 10 + 20 (base 10, ×2).
    [
      { retries: 2, perTryTimeoutMs: 50, backoff: { baseMs: 10, maxMs: 1000, multiplier: 2, jitter: true } },
      { p50Ms: 20, p99Ms: 60 },
      3 * 50 + 10 + 20,
    ],
    // … capped by the overall deadline.
    [{ retries: 5, perTryTimeoutMs: 50, timeoutMs: 120 }, { p50Ms: 20, p99Ms: 60 }, 120],
  ])("%o on %o → p99 %d", (over, single, p99) => {
    expect(retriedCall(call(over), single)).toEqual({ p50Ms: single.p50Ms, p99Ms: p99 });
  });

  it("a fractional call counts in a quantile when enough requests make it: ≥ 50% for the median, ≥ 1% for the p99", () => {
    const figure = { p50Ms: 10, p99Ms: 30 };
    const at = (callsPerRequest: number) => perRequest(call({ callsPerRequest }), figure);
    expect(at(2.5)).toEqual({ p50Ms: 30, p99Ms: 90 });
    expect(at(2.3)).toEqual({ p50Ms: 20, p99Ms: 90 });
    // 30% of requests make the call: the median request does not, the p99 one does.
    expect(at(0.3)).toEqual({ p50Ms: 0, p99Ms: 30 });
    expect(at(0.6)).toEqual({ p50Ms: 10, p99Ms: 30 });
    expect(at(0.005)).toEqual({ p50Ms: 0, p99Ms: 0 });
    expect(at(1)).toEqual({ p50Ms: 10, p99Ms: 30 });
  });
});

describe("service latency along the call graph", () => {
  const m = build({
    users: { "eu-west-1": 0.7, "us-east-1": 0.3 },
    datastores: {
      kv: {
        replication: "consensus",
        replicas: 3,
        placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 },
        leader: "eu-west-1",
      },
    },
    services: {
      api: {
        regions: ["eu-west-1", "us-east-1"],
        processingMs: 5,
        calls: [
          { to: "kv", op: "write", timeoutMs: 1000 },
          { to: "auth", timeoutMs: 1000 },
        ],
      },
      auth: { regions: ["eu-central-1"], processingMs: 2 },
    },
  });
  const a = analyse(m);
  const api = a.services.find((s) => s.name === "api")!;
  const commit = kth([rtt("eu-west-1", "eu-central-1"), rtt("eu-west-1", "eu-north-1")], 1);

  it("from eu-west-1: RTT to the nearest api region + processing + kv write + auth", () => {
    const kvWrite = XZ + commit; // api in eu-west-1 writes to the leader in eu-west-1
    const auth = rtt("eu-west-1", "eu-central-1") + 2;
    const p50 = XZ + 5 + kvWrite + auth;
    const p99 = XZ * TAIL + 5 * TAIL + kvWrite * TAIL + (rtt("eu-west-1", "eu-central-1") * TAIL + 2 * TAIL);
    const o = api.latency.byOrigin.find((x) => x.origin === "eu-west-1")!;
    expect(o.p50Ms).toBeCloseTo(p50, 9);
    expect(o.p99Ms).toBeCloseTo(p99, 9);
  });

  it("from us-east-1 the api runs locally and writes across the Atlantic", () => {
    const p50 = XZ + 5 + rtt("us-east-1", "eu-west-1") + commit + rtt("us-east-1", "eu-central-1") + 2;
    expect(api.latency.byOrigin.find((x) => x.origin === "us-east-1")!.p50Ms).toBeCloseTo(p50, 9);
    expect(api.calls.map((c) => [c.to, c.attempts])).toEqual([
      ["kv", 1],
      ["auth", 1],
    ]);
  });

  it("breaks call cycles and marks them", () => {
    const cyclic = build({
      services: {
        a: { regions: ["eu-west-1"], processingMs: 1, calls: [{ to: "b", timeoutMs: 100 }] },
        b: { regions: ["eu-west-1"], processingMs: 1, calls: [{ to: "a", timeoutMs: 100 }] },
      },
    });
    const result = analyse(cyclic);
    expect(result.services.map((s) => s.cycle)).toEqual([
      ["a", "b", "a"],
      ["a", "b", "a"],
    ]);
    // a: 1 ms + (cross-zone to b + b's 1 ms; b's call back to a is cut).
    expect(result.services[0]!.latency.byOrigin[0]!.p50Ms).toBeCloseTo(XZ + 1 + XZ + 1, 9);
    expect(result.services.every((s) => s.availability > 0 && s.availability <= 1)).toBe(true);
  });
});

describe("a call across clusters is spread over the callee's regions (Multi-Cluster Services)", () => {
  /** `front` in eu-west-1 calls `pricing`, which runs in us-east-1 and ap-southeast-1 only (1 µs of work each). */
  const spec = (frontTarget: "kubernetes" | "external", pricingRegions = ["us-east-1", "ap-southeast-1"]) =>
    build({
      users: { "eu-west-1": 1 },
      services: {
        front: {
          regions: ["eu-west-1"],
          processingMs: 0.001,
          calls: [{ to: "pricing", timeoutMs: 5000 }],
          deploy:
            frontTarget === "kubernetes"
              ? { target: "kubernetes", image: "ghcr.io/acme/front:1.0.0", port: 8080 }
              : { target: "external" },
        },
        pricing: {
          regions: pricingRegions,
          processingMs: 0.001,
          deploy: { target: "kubernetes", image: "ghcr.io/acme/pricing:1.0.0", port: 8080 },
        },
      },
    } as never);
  const callOf = (m: ReturnType<typeof spec>) =>
    analyse(m).services.find((s) => s.name === "front")!.calls[0]!;

  it("both on Kubernetes: the p99 and the median are the farther region's (two regions, half the calls each)", () => {
    const call = callOf(spec("kubernetes"));
    expect(call.p99Ms).toBeCloseTo(rtt("eu-west-1", "ap-southeast-1") * TAIL, 1);
    expect(call.p50Ms).toBeCloseTo(rtt("eu-west-1", "ap-southeast-1"), 1);
  });

  it("of three regions, the median is the middle one's and the p99 the slowest's", () => {
    const call = callOf(spec("kubernetes", ["us-east-1", "ap-southeast-1", "eu-central-1"]));
    expect(call.p50Ms).toBeCloseTo(rtt("eu-west-1", "us-east-1"), 1);
    expect(call.p99Ms).toBeCloseTo(rtt("eu-west-1", "ap-southeast-1") * TAIL, 1);
  });

  it("a caller outside Kubernetes reaches the nearest region, as before", () => {
    const call = callOf(spec("external"));
    expect(call.p99Ms).toBeCloseTo(rtt("eu-west-1", "us-east-1") * TAIL, 1);
  });

  it("a diff's reuse of the analysis notices the caller moving onto Kubernetes", async () => {
    const { analyseEdited } = await import("../../src/analysis/index.js");
    const before = spec("external");
    const after = spec("kubernetes");
    const reused = analyseEdited(after, { model: before, analysis: analyse(before) });
    expect(reused.services.find((s) => s.name === "front")!.calls[0]!.p99Ms).toBeCloseTo(
      rtt("eu-west-1", "ap-southeast-1") * TAIL,
      1,
    );
  });
});

describe("a datastore reached across clusters is entered in every member region (clusterset Service)", () => {
  const MEMBERS = ["us-east-1", "eu-central-1", "ap-southeast-1"];
  /**
   * `front` in eu-west-1, where the store has no member, writes to it; `local` runs beside every
   * member and writes too, so the store's table holds each member region's own figure.
   */
  const spec = (engine: "cockroachdb" | undefined, frontTarget: "kubernetes" | "external" = "kubernetes") =>
    build({
      // Users everywhere: every caller region is an origin of the store's table.
      users: { "eu-west-1": 0.25, "us-east-1": 0.25, "eu-central-1": 0.25, "ap-southeast-1": 0.25 },
      datastores: {
        kv: {
          replication: "consensus",
          consistency: "strong",
          partitions: { count: 1, key: "k", strategy: "hash" },
          replicas: 3,
          placement: Object.fromEntries(MEMBERS.map((r) => [r, 1])),
          leader: "us-east-1",
          survive: "zone",
          traffic: { writesPerSec: 1000, readsPerSec: 0, itemBytes: 1000 },
          deploy: {
            target: "kubernetes",
            image: engine === undefined ? "ghcr.io/acme/kv:1.0.0" : "cockroachdb/cockroach:v24.1.4",
            ...(engine === undefined ? {} : { engine }),
            port: 26257,
          },
        },
      },
      services: {
        front: {
          regions: ["eu-west-1"],
          processingMs: 0.001,
          calls: [{ to: "kv", op: "write", timeoutMs: 5000 }],
          deploy:
            frontTarget === "kubernetes"
              ? { target: "kubernetes", image: "ghcr.io/acme/front:1.0.0", port: 8080 }
              : { target: "external" },
        },
        local: {
          regions: MEMBERS,
          processingMs: 0.001,
          calls: [{ to: "kv", op: "write", timeoutMs: 5000 }],
          deploy: { target: "kubernetes", image: "ghcr.io/acme/local:1.0.0", port: 8080 },
        },
      },
    } as never);
  const figures = (engine: "cockroachdb" | undefined, frontTarget?: "kubernetes" | "external") => {
    const analysis = analyse(spec(engine, frontTarget));
    const store = analysis.datastores.find((d) => d.name === "kv")!;
    const from = (origin: string) => store.write.byOrigin.find((o) => o.origin === origin)!;
    return { call: analysis.services.find((s) => s.name === "front")!.calls[0]!, from };
  };

  it("CockroachDB (any node is a gateway): the mixture of entering in each member region", () => {
    const { call, from } = figures("cockroachdb");
    const entered = MEMBERS.map((g) => ({
      p50Ms: rtt("eu-west-1", g) + from(g).p50Ms,
      p99Ms: rtt("eu-west-1", g) * TAIL + from(g).p99Ms,
    }));
    // One pod per region: the p99 is the slowest entry's, the median the middle one's of three.
    expect(call.p99Ms).toBeCloseTo(Math.max(...entered.map((f) => f.p99Ms)), 6);
    expect(call.p50Ms).toBeCloseTo(
      kth(
        entered.map((f) => f.p50Ms),
        2,
      ),
      6,
    );
    // Entering at ap-southeast-1 and crossing to the leader costs more than dialling the leader.
    expect(call.p99Ms).toBeGreaterThan(rtt("eu-west-1", "us-east-1") * TAIL + from("us-east-1").p99Ms);
    // The store's own table reads the same figure from its caller's region.
    expect(from("eu-west-1").p99Ms).toBeCloseTo(call.p99Ms, 6);
  });

  it("without an engine (its protocol unknown) and from outside Kubernetes: the store's figure from the region", () => {
    for (const [engine, target] of [
      [undefined, "kubernetes"],
      ["cockroachdb", "external"],
    ] as const) {
      const { call, from } = figures(engine, target);
      expect(call.p99Ms).toBeCloseTo(from("eu-west-1").p99Ms, 6);
      // Straight to the leader: below entering at the slowest member and crossing on.
      expect(call.p99Ms).toBeLessThan(figures("cockroachdb").call.p99Ms);
    }
  });

  it("the bytes take the same way: a third of front's writes to each member region, then on to the leader", () => {
    const load = (engine: "cockroachdb" | undefined) => {
      const links = analyse(spec(engine)).links;
      return (to: string) => links.find((l) => l.from === "eu-west-1" && l.to === to)?.mbps ?? 0;
    };
    const gateway = load("cockroachdb");
    expect(gateway("ap-southeast-1")).toBeGreaterThan(0);
    expect(gateway("eu-central-1")).toBeCloseTo(gateway("ap-southeast-1"), 9);
    expect(gateway("us-east-1")).toBeCloseTo(gateway("ap-southeast-1"), 9);
    // Dialling the leader: everything to us-east-1, three times each leg above.
    const direct = load(undefined);
    expect(direct("ap-southeast-1")).toBe(0);
    expect(direct("us-east-1")).toBeCloseTo(3 * gateway("us-east-1"), 9);
  });
});

describe("a stream call by op", () => {
  // Producer and consumer in eu-west-1, beside the stream's cluster there (replicas over 3 zones).
  const model = streamWithClients(
    {},
    { producer: service(["eu-west-1"], "produce"), consumer: service(["eu-west-1"], "consume") },
  );
  const a = analyse(model);
  const callOf = (name: string) => {
    const origin = a.services
      .find((s) => s.name === name)!
      .latency.byOrigin.find((o) => o.origin === "eu-west-1")!;
    return origin.p50Ms - XZ - 1; // less the user's hop and the 1 ms of processing
  };

  it("a produce waits for the leader and the in-sync followers (acks=all): two cross-zone rounds", () => {
    expect(callOf("producer")).toBeCloseTo(2 * XZ, 9);
  });

  it("a consume is a fetch: one round trip to the partition leader, no acknowledgement", () => {
    expect(callOf("consumer")).toBeCloseTo(XZ, 9);
  });
});

describe("a call as it runs (src/model/mesh-calls.ts)", () => {
  const k8s = { target: "kubernetes", image: "ghcr.io/acme/app:1.0.0" } as const;
  // users' p99 (400 ms of processing and its tail) outruns the 100 ms per try: the p99 request retries.
  const spec = (caller: Record<string, unknown>) =>
    ({
      name: "shop",
      services: {
        api: {
          regions: ["eu-west-1"],
          ...caller,
          calls: [
            {
              to: "users",
              timeoutMs: 2000,
              perTryTimeoutMs: 100,
              retries: 2,
              backoff: { baseMs: 5, jitter: true },
            },
          ],
        },
        users: { regions: ["eu-west-1"], processingMs: 400, deploy: k8s },
      },
    }) as never;
  const callP99 = (caller: Record<string, unknown>) =>
    analyse(modelOf(spec(caller))).services.find((s) => s.name === "api")!.calls[0]!.p99Ms;

  it("the mesh's retries wait Envoy's back-off (below 25 and 50 ms), the application's the declared one (5 and 10 ms)", () => {
    expect(callP99({ deploy: k8s })).toBe(3 * 100 + 25 + 50);
    expect(callP99({})).toBe(3 * 100 + 5 + 10);
  });
});
