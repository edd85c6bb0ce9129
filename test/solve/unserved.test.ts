import { describe, expect, it } from "vitest";
import { renderText } from "../../src/solve/render.js";
import { solve } from "../../src/solve/solve.js";
import { build, dublinFrankfurtNeighbour, WRITER_OF_A_AND_B } from "./helpers.js";

/**
 * Writes from Dublin commit at a leader there, but with two of three replicas in Frankfurt the
 * quorum crosses a 100 Mbps link that its 6 MB/s of writes and another store's 1 MB/s overload
 * (104%): writes cannot commit. The
 * analysis leaves such origins out of the p99s (write p99 0 ms); the solver must not take that
 * as the fastest placement.
 */
const model = () =>
  build({
    users: { "eu-west-1": 1 },
    datastores: {
      a: {
        replication: "consensus",
        consistency: "strong",
        replicas: 3,
        placement: { "eu-central-1": 2, "eu-west-1": 1 },
        leader: "eu-west-1",
        survive: "zone",
        traffic: { readsPerSec: 1, writesPerSec: 6, itemBytes: 1_000_000 },
        deploy: { target: "external" },
      },
      b: dublinFrankfurtNeighbour(),
    },
    services: {
      writer: WRITER_OF_A_AND_B,
    },
    network: { links: [{ between: ["eu-west-1", "eu-central-1"], bandwidthMbps: 100 }] },
    policies: { severity: { bandwidth: "warning" } },
  } as never);

describe("a placement whose writes cannot commit", () => {
  it("is never chosen, nor listed, and shows as down rather than 0 ms", () => {
    const report = solve(model(), { regions: ["eu-west-1", "eu-central-1"], datastores: ["a"] });
    const solution = report.datastores[0]!;
    // The declared placement is the down one.
    expect(solution.current.down).toEqual(["write"]);
    expect(solution.current.problems.join("\n")).toMatch(/writes from eu-west-1 are down/);
    expect(solution.chosen).toBeDefined();
    expect(solution.chosen!.down).toBeUndefined();
    expect(solution.chosen!.writeP99Ms).toBeGreaterThan(0);
    for (const alternative of solution.alternatives) expect(alternative.down).toBeUndefined();
    const text = renderText(report, { color: false });
    expect(text).toMatch(/current .*\n.*write p99 down/);
    expect(text).not.toMatch(/write p99 0 ms/);
  });
});
