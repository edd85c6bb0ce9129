import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expandPlacement } from "../../src/model/placement.js";
import type { PlacementGroup, RegionPlacement, ReplicaSlot } from "../../src/model/types.js";
import { byText } from "../../src/order.js";

/** The definition, partition by partition (what expandPlacement computes once per layout). */
function reference(count: number, placement: readonly RegionPlacement[], leaderOf: (p: number) => string) {
  const groups = new Map<string, { partitions: number[]; leader: ReplicaSlot; replicas: ReplicaSlot[] }>();
  for (let p = 0; p < count; p++) {
    const replicas = placement.flatMap(({ region, replicas: n, zones }) =>
      Array.from({ length: n }, (_, i) => ({ region, zone: zones[(p + i) % zones.length]! })),
    );
    const leader = replicas.find((s) => s.region === leaderOf(p)) ?? replicas[0]!;
    replicas.sort((a, b) => byText(a.region, b.region) || byText(a.zone, b.zone));
    const key = `${leader.zone}/${replicas.map((s) => s.zone).join(",")}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { partitions: [p], leader, replicas });
    else group.partitions.push(p);
  }
  return [...groups.values()] as PlacementGroup[];
}

const REGIONS = ["eu-west-1", "us-east-1", "ap-south-1"];

describe("expandPlacement", () => {
  it("groups partitions exactly as placing each one does", () => {
    const region = (name: string) =>
      fc
        .record({
          region: fc.constant(name),
          replicas: fc.integer({ min: 1, max: 4 }),
          zones: fc
            .integer({ min: 1, max: 6 })
            .map((n) => Array.from({ length: n }, (_, i) => `${name}${"abcdef"[i]}`)),
        })
        // Every replica a voter: the reference places voters only.
        .map((p) => ({ ...p, voters: p.replicas, readOnly: 0, witnesses: 0 }));
    fc.assert(
      fc.property(
        fc.subarray(REGIONS, { minLength: 1 }).chain((names) => fc.tuple(...names.map(region))),
        fc.integer({ min: 0, max: 200 }),
        fc.nat(),
        (placement, count, seed) => {
          // Leaders move between regions in blocks, as geo partitioning does.
          const leaderOf = (p: number) => placement[Math.floor((p + seed) / 7) % placement.length]!.region;
          expect(expandPlacement(count, placement, leaderOf)).toStrictEqual(
            reference(count, placement, leaderOf),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
