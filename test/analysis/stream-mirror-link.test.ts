import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { service, streamWithClients } from "./helpers.js";

/**
 * `orders` in eu-west-1, mirrored to us-east-1 where its only consumer reads: 10,000 messages of
 * 1 kB a second (80 Mbit/s) cross the link the mirror uses.
 */
const mirrored = (bandwidthMbps?: number) =>
  streamWithClients(
    { regions: ["eu-west-1"], mirrorRegions: ["us-east-1"] },
    { producer: service(["eu-west-1"], "produce"), consumer: service(["us-east-1"], "consume") },
    bandwidthMbps === undefined
      ? {}
      : { network: { links: [{ between: ["eu-west-1", "us-east-1"], bandwidthMbps }] } },
  );

const orders = (bandwidthMbps?: number) => analyse(mirrored(bandwidthMbps)).streams[0]!;

// The mirror hop was one way + the pipeline's 5 s p99 whatever the link carried: records copied
// at a quarter of their rate arrived "in 5 s" while the bandwidth rule said the backlog grew
// without bound.
describe("end-to-end p99 through a mirror: the link's queueing counts, as for a replica's lag", () => {
  it("no declared capacity: one way + the mirroring pipeline + one way", () => {
    const free = orders();
    expect(free.endToEndUnbounded).toBeUndefined();
    expect(free.endToEndP99Ms).toBeGreaterThan(5000);
    expect(free.endToEndP99Ms).toBeLessThan(5300);
    // What a consumer of the copy lags the source by at least: the hop alone, not the produce.
    expect(free.mirrorLag!.p99Ms).toBeGreaterThan(5000);
    expect(free.mirrorLag!.p99Ms).toBeLessThan(free.endToEndP99Ms!);
    expect(free.mirrorLag!.unbounded).toBeUndefined();
  });

  it("a link with room to spare adds its sojourn, bounded", () => {
    const roomy = orders(1000);
    expect(roomy.endToEndUnbounded).toBeUndefined();
    expect(roomy.endToEndP99Ms!).toBeGreaterThan(orders().endToEndP99Ms!);
    expect(roomy.endToEndP99Ms!).toBeLessThan(orders().endToEndP99Ms! + 10);
  });

  it("an overloaded link (80 Mbit/s over 20): unbounded, quoted after an hour's backlog", () => {
    const over = orders(20);
    expect(over.endToEndUnbounded).toBe(true);
    expect(over.mirrorLag?.unbounded).toBe(true);
    // (ρ − 1) × 1 h = 3 h of backlog at ρ = 4.
    expect(over.endToEndP99Ms!).toBeGreaterThan(3 * 3_600_000);
  });
});
