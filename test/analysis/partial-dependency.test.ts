import { describe, expect, it } from "vitest";
import { analyse, compareAnalyses, parseFailures } from "../../src/analysis/index.js";
import { requestFailure } from "../../src/analysis/service-units.js";
import { resolveModel } from "../../src/model/resolve.js";
import { Topology } from "../../src/spec/schema/topology.js";
import serviceMesh from "../../stacks/service-mesh.js";
import { build } from "./helpers.js";

const pz = 0.01;
const pr = 0.001;
const model = { zoneFailureProbability: pz, regionFailureProbability: pr, commonModeProbability: 0 };

/**
 * A gateway in eu-central-1 whose requests call `orders` (in eu-west-1, writing to a database
 * there) `callsPerRequest` times on average: the two regions share no failure domain.
 */
const gateway = (callsPerRequest: number) =>
  build({
    model,
    datastores: { db: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
    services: {
      orders: { regions: ["eu-west-1"], calls: [{ to: "db", op: "write", timeoutMs: 100 }] },
      gateway: {
        regions: ["eu-central-1"],
        calls: [{ to: "orders", timeoutMs: 300, callsPerRequest }],
      },
    },
  });

/**
 * A gateway in eu-central-1 calling `orders` (in `ordersRegion`, writing db in eu-west-1) and db
 * directly, each for a share `c` of its requests.
 */
const twoWays = (ordersRegion: string, c: number) =>
  build({
    model,
    datastores: { db: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
    services: {
      orders: { regions: [ordersRegion], calls: [{ to: "db", op: "write", timeoutMs: 100 }] },
      gateway: {
        regions: ["eu-central-1"],
        calls: [
          { to: "orders", timeoutMs: 300, callsPerRequest: c },
          { to: "db", op: "write", timeoutMs: 300, callsPerRequest: c },
        ],
      },
    },
  });

const service = (a: ReturnType<typeof analyse>, name: string) => a.services.find((s) => s.name === name)!;

describe("a hard dependency that only some requests call fails only those (callsPerRequest < 1)", () => {
  it("the share of requests a call fails: made ⌊c⌋ times and once more with probability c − ⌊c⌋", () => {
    expect(requestFailure(0.0125, 1)).toBeCloseTo(0.0125, 15);
    expect(requestFailure(0.25, 1)).toBeCloseTo(0.25, 15);
    expect(requestFailure(1, 1)).toBe(1);
    expect(requestFailure(1.5, 1)).toBe(1);
    // A callee failing half its calls: one call fails half the requests, two calls three quarters,
    // a call made by half the requests a quarter.
    expect(requestFailure(1, 0.5)).toBeCloseTo(0.5, 15);
    expect(requestFailure(2, 0.5)).toBeCloseTo(0.75, 15);
    expect(requestFailure(0.5, 0.5)).toBeCloseTo(0.25, 15);
    // 1.5 calls: one always (fails ½), the second for half the requests (fails ½ of those).
    expect(requestFailure(1.5, 0.5)).toBeCloseTo(1 - 0.5 * (1 - 0.25), 15);
    expect(requestFailure(3, 0)).toBe(0);
  });

  it("availability: the gateway's own deployment times the share of requests orders serves", () => {
    const c = 0.25;
    const a = analyse(gateway(c));
    const orders = service(a, "orders").availability;
    const own = service(a, "gateway").ownAvailability;
    // No shared failure domain: the figures multiply; the quarter of requests calling orders
    // fails when it does, the rest are served.
    expect(service(a, "gateway").availability).toBeCloseTo(own * (1 - c * (1 - orders)), 12);
    expect(service(a, "gateway").availability).toBeGreaterThan(own * orders);
    // Every request calling it: the product, as before.
    const all = analyse(gateway(1));
    expect(service(all, "gateway").availability).toBeCloseTo(own * service(all, "orders").availability, 12);
  });

  it("what-if: orders' region down fails the requests calling it, and the gateway serves the rest", () => {
    const m = gateway(0.0125);
    const failed = analyse(m, parseFailures(m, ["region:eu-west-1"]));
    expect(service(failed, "orders").unavailable).toBe(true);
    const g = service(failed, "gateway");
    expect(g.unavailable).toBeUndefined();
    expect(g.availability).toBeCloseTo(service(failed, "gateway").ownAvailability * (1 - 0.0125), 12);
    // Served from eu-central-1, every origin (its requests not calling orders).
    expect(g.latency.byOrigin.every((o) => o.unavailable !== true)).toBe(true);
    const changes = compareAnalyses(analyse(m), failed).filter((c) => c.component === "gateway");
    expect(changes.map((c) => c.message)).not.toContain("cannot serve any request");
    expect(changes.find((c) => c.kind === "availability")?.message).toMatch(
      /→ 98\.65\d*% while the failures last$/,
    );
    // Each request calling it: nothing is served.
    const every = gateway(1);
    const down = analyse(every, parseFailures(every, ["region:eu-west-1"]));
    expect(service(down, "gateway").unavailable).toBe(true);
  });

  it("a dependency reached by two calls counts once per request, the calls made independently", () => {
    const m = twoWays("eu-west-1", 0.5);
    const failed = analyse(m, parseFailures(m, ["region:eu-west-1"]));
    // db is needed by 1 − (1 − ½)(1 − ½) = ¾ of the requests, orders' deployment by ½.
    expect(service(failed, "gateway").availability).toBeCloseTo(
      service(failed, "gateway").ownAvailability * 0.25,
      12,
    );
  });

  it("a unit on two branches is one component: exact, never below every call made", () => {
    // orders (us-east-1) and db (eu-west-1) share no failure domain with the gateway: half the
    // requests call orders (which writes db), half write db directly, independently.
    const m = twoWays("us-east-1", 0.5);
    const a = analyse(m);
    const g = service(a, "gateway").ownAvailability;
    const o = service(a, "orders").ownAvailability;
    const d = a.datastores[0]!.availability.write;
    // db up: the requests calling orders need it up; db down: only requests calling neither.
    const exact = g * (d * (0.5 + 0.5 * o) + (1 - d) * 0.25);
    expect(service(a, "gateway").availability).toBeCloseTo(exact, 14);
    // Each appearance counted on its own gave less than every call made (review of d1de8a1).
    const made = analyse(twoWays("us-east-1", 1));
    expect(service(a, "gateway").availability).toBeGreaterThan(service(made, "gateway").availability);
  });

  it("a service called again draws its own partial calls again: call order does not matter", () => {
    // x calls y for half its requests; z always calls x; r calls x always and z for half.
    const shape = (order: "zx" | "xz", xCalls = 1) => {
      const calls = {
        z: { to: "z", timeoutMs: 300, callsPerRequest: 0.5 },
        x: { to: "x", timeoutMs: 300, callsPerRequest: xCalls },
      };
      return build({
        model,
        services: {
          y: { regions: ["ap-southeast-1"] },
          x: { regions: ["us-east-1"], calls: [{ to: "y", timeoutMs: 100, callsPerRequest: 0.5 }] },
          z: { regions: ["eu-west-1"], calls: [{ to: "x", timeoutMs: 200 }] },
          r: { regions: ["eu-central-1"], calls: order === "zx" ? [calls.z, calls.x] : [calls.x, calls.z] },
        },
      });
    };
    const down = (m: ReturnType<typeof build>) => analyse(m, parseFailures(m, ["region:ap-southeast-1"]));
    const [zx, xz] = [down(shape("zx")), down(shape("xz"))];
    expect(service(zx, "r").availability).toBe(service(xz, "r").availability);
    // y down: r's own call to x reaches y for half the requests; the half that call z need z up
    // and z's call to x not to reach y (half again). No failure domain is shared: exact.
    const own = (a: ReturnType<typeof analyse>, name: string) => service(a, name).ownAvailability;
    expect(service(zx, "r").availability).toBeCloseTo(
      own(zx, "r") * own(zx, "x") * 0.5 * (0.5 + 0.5 * own(zx, "z") * 0.5),
      12,
    );
    // Two calls to x per request, each deciding on its own: a quarter of the requests call y on neither.
    const twice = down(
      build({
        model,
        services: {
          y: { regions: ["ap-southeast-1"] },
          x: { regions: ["us-east-1"], calls: [{ to: "y", timeoutMs: 100, callsPerRequest: 0.5 }] },
          r: { regions: ["eu-central-1"], calls: [{ to: "x", timeoutMs: 300, callsPerRequest: 2 }] },
        },
      }),
    );
    expect(service(twice, "r").availability).toBeCloseTo(own(twice, "r") * own(twice, "x") * 0.25, 12);
  });

  it("the bundled service mesh: a region down takes checkout's orders, not the edge's product pages", () => {
    const mesh = resolveModel(Topology.parse(serviceMesh));
    const failed = analyse(mesh, parseFailures(mesh, ["region:us-east-1"]));
    // commerce-db's primary region: checkout cannot write an order anywhere.
    expect(service(failed, "checkout").unavailable).toBe(true);
    const edge = service(failed, "edge-gateway");
    expect(edge.unavailable).toBeUndefined();
    // 1.25% of the edge's requests place an order; the rest still need their own dependencies.
    expect(edge.availability).toBeLessThanOrEqual(1 - 0.0125 + 1e-12);
    expect(edge.availability).toBeGreaterThan(0.98);
    expect(edge.latency.byOrigin.every((o) => o.unavailable !== true)).toBe(true);
  });

  it("layers of calls some requests make: past the walk's budget, the calls left are taken as made", () => {
    // 24 layers of two services, each calling both of the next layer for half its requests:
    // 2²⁴ paths. Past the walk's budget the calls still to walk count as made (more units up:
    // never above the exact share, never below every call made).
    const layers = 24;
    const layered = (callsPerRequest: number) => {
      const services: Record<
        string,
        { regions: string[]; calls: { to: string; timeoutMs: number; callsPerRequest: number }[] }
      > = {};
      for (let l = 0; l < layers; l++)
        for (const side of ["a", "b"])
          services[`s${l}${side}`] = {
            regions: [l % 2 === 0 ? "eu-west-1" : "eu-central-1"],
            calls: (l + 1 < layers ? ["a", "b"] : []).map((s) => ({
              to: `s${l + 1}${s}`,
              timeoutMs: 100,
              callsPerRequest,
            })),
          };
      return analyse(build({ model, services }));
    };
    const half = layered(0.5);
    const made = layered(1);
    expect(service(half, "s0a").availability).toBeGreaterThanOrEqual(service(made, "s0a").availability);
    // Near the bottom the tree is small: made exactly, above the all-made figure.
    expect(service(half, `s${layers - 3}a`).availability).toBeGreaterThan(
      service(made, `s${layers - 3}a`).availability,
    );
  });

  it("a fan-out that outruns the walk's budget keeps the calls above it (review of 33565c5)", () => {
    // list → 17 pages → 17 items each → 17 prices each, a price reading a cache for half its
    // calls: walking each call was 17³ walks, past the budget, and the whole request then needed
    // checkout, which 1.25% of requests call: "cannot serve any request" with checkout down.
    const m = build({
      model,
      datastores: {
        cache: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } },
        db: { replication: "consensus", replicas: 3, placement: { "us-east-1": 3 } },
      },
      services: {
        price: {
          regions: ["eu-west-1"],
          calls: [{ to: "cache", op: "read", timeoutMs: 20, callsPerRequest: 0.5 }],
        },
        item: { regions: ["eu-west-1"], calls: [{ to: "price", timeoutMs: 50, callsPerRequest: 17 }] },
        page: { regions: ["eu-west-1"], calls: [{ to: "item", timeoutMs: 100, callsPerRequest: 17 }] },
        list: { regions: ["eu-west-1"], calls: [{ to: "page", timeoutMs: 100, callsPerRequest: 17 }] },
        checkout: { regions: ["us-east-1"], calls: [{ to: "db", op: "write", timeoutMs: 100 }] },
        gateway: {
          regions: ["eu-central-1"],
          calls: [
            { to: "list", timeoutMs: 300 },
            { to: "checkout", timeoutMs: 300, callsPerRequest: 0.0125 },
          ],
        },
      },
    });
    const failed = analyse(m, parseFailures(m, ["region:us-east-1"]));
    const g = service(failed, "gateway");
    expect(g.unavailable).toBeUndefined();
    // The list's half-share cache reads drawn 17³ times: every request needs the cache.
    const list = service(failed, "list").availability;
    expect(g.availability).toBeCloseTo(g.ownAvailability * list * (1 - 0.0125), 12);
  });

  it("a link cut that fails some requests says so in the what-if (review of d1de8a1)", () => {
    // api in eu-west-1 and us-east-1 writes db (us-east-1) for half its requests.
    const m = build({
      model,
      datastores: { db: { replication: "consensus", replicas: 3, placement: { "us-east-1": 3 } } },
      services: {
        api: {
          regions: ["eu-west-1", "us-east-1"],
          calls: [{ to: "db", op: "write", timeoutMs: 200, callsPerRequest: 0.5 }],
        },
      },
      users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
    });
    const failed = analyse(m, parseFailures(m, ["link:eu-west-1/us-east-1"]));
    const eu = service(failed, "api").latency.byOrigin.find((o) => o.origin === "eu-west-1")!;
    expect(eu.failedShare).toBe(0.5);
    const messages = compareAnalyses(analyse(m), failed).map((c) => c.message);
    expect(messages).toContain(
      "request from eu-west-1: 50% of requests fail (a hard dependency that only some of them call cannot serve them)",
    );
    expect(messages.find((t) => t.startsWith("request p99 from eu-west-1"))).toMatch(
      /\(of the requests served; 50% fail\)$/,
    );
  });

  it("in a call cycle a service calling a partial one is partial too: call order does not matter", () => {
    // a ⇄ b, a writes d for half its requests; r calls a once and b twice. b was taken as not
    // partial while a was being looked at, so r's second call of b drew nothing (review of 33565c5).
    const spec = (order: string[]) =>
      build({
        model,
        datastores: { d: { replication: "consensus", replicas: 3, placement: { "ap-southeast-1": 3 } } },
        services: {
          r: {
            regions: ["eu-central-1"],
            calls: order.map((to) => ({ to, timeoutMs: 500, callsPerRequest: to === "b" ? 2 : 1 })),
          },
          a: {
            regions: ["us-east-1"],
            calls: [
              { to: "b", timeoutMs: 300 },
              { to: "d", op: "write", timeoutMs: 200, callsPerRequest: 0.5 },
            ],
          },
          b: { regions: ["eu-west-1"], calls: [{ to: "a", timeoutMs: 300 }] },
        },
      });
    // d down: a request of r calls a three times (once itself, once through each call of b), each
    // writing d for half of them: an eighth get through. No failure domain is shared: exact.
    for (const order of [
      ["a", "b"],
      ["b", "a"],
    ]) {
      const m = spec(order);
      const failed = analyse(m, parseFailures(m, ["region:ap-southeast-1"]));
      const own = (name: string) => service(failed, name).ownAvailability;
      expect(service(failed, "r").availability, order.join(",")).toBeCloseTo(
        own("r") * own("a") * own("b") * 0.125,
        12,
      );
    }
  });

  it("a call cycle some requests make ends", () => {
    const m = build({
      model,
      services: {
        a: { regions: ["eu-west-1"], calls: [{ to: "b", timeoutMs: 100, callsPerRequest: 0.5 }] },
        b: { regions: ["eu-central-1"], calls: [{ to: "a", timeoutMs: 100, callsPerRequest: 0.5 }] },
      },
    });
    const a = analyse(m);
    const own = (name: string) => service(a, name).ownAvailability;
    expect(service(a, "a").availability).toBeCloseTo(own("a") * (0.5 + 0.5 * own("b")), 12);
  });
});
