import { describe, expect, test } from "vitest";
import { ANNOTATIONS, compileChaos, PLACEHOLDER_TARGET } from "../../../src/compile/chaos/index.js";
import type { PlannedResource } from "../../../src/compile/plan.js";
import { smallModel } from "../observability/fixture.js";

const model = smallModel();
const CIDRS = {
  "eu-central-1": ["10.20.0.0/16"],
  "eu-north-1": ["10.30.0.0/16"],
  "eu-west-1": ["10.10.0.0/16"],
};
const inputs = (r: PlannedResource) =>
  r.inputs as {
    metadata: { annotations: Record<string, string> };
    spec: { networkChaos: Record<string, unknown>; schedule: string };
  };
const find = (plan: PlannedResource[], name: string) => {
  const found = plan.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no ${name}`);
  return inputs(found);
};

describe("partitions cut what the experiment's name says", () => {
  test("zone isolation of a multi-region store also cuts the zone, and only the zone, from the other regions", () => {
    const compiled = compileChaos(model, undefined, { regionCidrs: CIDRS });
    const zone = find(compiled, "eu-west-1/shop/Schedule/accounts-isolate-zone-eu-west-1a");
    expect(zone.spec.networkChaos).toMatchObject({
      selector: { nodeSelectors: { "topology.kubernetes.io/zone": "eu-west-1a" } },
      direction: "both",
      target: { mode: "all" },
    });
    // Chaos Mesh gives the target pods the external drops too (partition/impl.go SetDrop for the
    // target records): with the CIDRs in the same partition every pod of the region would lose
    // the other regions. A second Schedule in the same slot cuts the zone's pods from them alone.
    expect(zone.spec.networkChaos.externalTargets).toBeUndefined();
    const remote = find(compiled, "eu-west-1/shop/Schedule/accounts-isolate-zone-eu-west-1a-remote");
    expect(remote.spec.networkChaos).toEqual({
      ...zone.spec.networkChaos,
      target: undefined,
      externalTargets: ["10.20.0.0/16", "10.30.0.0/16"],
    });
    expect(remote.spec.schedule).toBe(zone.spec.schedule);
    expect(zone.metadata.annotations[ANNOTATIONS.pause]).toBeUndefined();
    expect(remote.metadata.annotations[ANNOTATIONS.pause]).toBeUndefined();
  });

  test("without the other regions' CIDRs a multi-region zone isolation is generated paused, saying why", () => {
    const zone = find(compileChaos(model), "eu-west-1/shop/Schedule/accounts-isolate-zone-eu-west-1a");
    expect(zone.metadata.annotations[ANNOTATIONS.pause]).toBe("true");
    expect(zone.metadata.annotations[ANNOTATIONS.note]).toContain(
      "the pod/node CIDRs of eu-central-1, eu-north-1 are not configured (chaos option regionCidrs), so the zone's replicas would still reach those regions' replicas",
    );
  });

  test("a single-region stream's zone isolation needs no CIDRs and runs", () => {
    const zone = find(compileChaos(model), "eu-west-1/shop/Schedule/clicks-isolate-zone-eu-west-1a");
    expect(zone.metadata.annotations[ANNOTATIONS.pause]).toBeUndefined();
    expect(zone.spec.networkChaos.externalTargets).toBeUndefined();
  });

  test("no partition is left without targets: Chaos Mesh would cut the pods from everything (DNS, probes)", () => {
    // controllers/chaosimpl/networkchaos/partition/impl.go SetDrop: no target pods and no external
    // CIDRs install a rule with no ipset, which drops every packet.
    for (const r of compileChaos(model)) {
      const chaos = inputs(r).spec.networkChaos;
      const external = (chaos.externalTargets as string[] | undefined) ?? [];
      expect(chaos.target !== undefined || external.length > 0, r.name).toBe(true);
    }
    const region = find(compileChaos(model), "eu-west-1/shop/Schedule/accounts-isolate-region-eu-west-1");
    expect(region.spec.networkChaos.externalTargets).toEqual([PLACEHOLDER_TARGET]);
    expect(region.metadata.annotations[ANNOTATIONS.pause]).toBe("true");
  });
});
