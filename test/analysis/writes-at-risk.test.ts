import { describe, expect, it } from "vitest";
import { analyse, parseFailures } from "../../src/analysis/index.js";
import { resolveModel } from "../../src/model/resolve.js";
import { Topology } from "../../src/spec/schema/topology.js";
import serviceMesh from "../../stacks/service-mesh.js";

const model = resolveModel(Topology.parse(serviceMesh));
const baseline = analyse(model);
const failed = analyse(model, parseFailures(model, ["region:us-east-1"]));
const named = (a: ReturnType<typeof analyse>, name: string) => a.datastores.find((d) => d.name === name)!;

describe("what-if writes at risk of multi-leader and leaderless stores", () => {
  it("takes the lost region's share of the plan's write demand, not 1/|write regions|", () => {
    for (const name of ["cart-cache", "catalog-db"]) {
      const share = named(baseline, name).write.byOrigin.find((o) => o.origin === "us-east-1")!.share;
      expect(share).toBeCloseTo(0.45, 12);
      const loss = named(failed, name).dataLoss!;
      const writesPerSec = model.datastores.find((d) => d.name === name)!.traffic!.writesPerSec;
      expect(loss.windowMs).toBeGreaterThan(0);
      expect(loss.writesAtRisk).toBeCloseTo((writesPerSec * share * loss.windowMs) / 1000, 9);
    }
    // The review's figure, 1500 writes/s × 45% × the window: 35.05 ms then, with half the p99
    // round trip as the one-way p99; 35.30 ms with the round trip's whole tail excess on one way.
    expect(named(failed, "cart-cache").dataLoss!.writesAtRisk).toBeCloseTo(1500 * 0.45 * 0.0353, 6);
  });
});
