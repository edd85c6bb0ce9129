import { clamp01, type FailureProbabilities } from "./availability.js";

/** A stateless deployment's regions and the zones it uses in each, as deploymentAvailability reads them. */
export interface DeploymentShape {
  readonly regions: readonly string[];
  readonly zones: readonly (readonly string[])[];
}

/**
 * `deploymentAvailability` evaluated on a joint enumeration's state arrays (per region slot: 1 down,
 * 0 up; per zone slot: 1 down, 0 up, −1 not fixed) instead of through a view that looks each
 * region and zone up by name: a service's own deployment is evaluated in most joint states
 * (300,000 times at 20,000 services, issue #15). The same products in the same order as
 * availability.ts, so the same figure to the last bit.
 */
export function deploymentOnStates(
  shape: DeploymentShape,
  regionSlot: ReadonlyMap<string, number>,
  zoneSlot: ReadonlyMap<string, number>,
  base: FailureProbabilities,
): (regions: Int8Array, zones: Int8Array) => number {
  const regionSlots = shape.regions.map((r) => regionSlot.get(r) ?? -1);
  const regionBase = shape.regions.map((r) => base.regionDownProbability(r));
  const zoneSlots = shape.zones.map((zones) => zones.map((z) => zoneSlot.get(z) ?? -1));
  const zoneBase = shape.zones.map((zones) => zones.map((z) => base.zoneDownProbability(z)));
  return (regions, zones) => {
    let allDown = 1;
    for (let r = 0; r < regionSlots.length; r++) {
      const slots = zoneSlots[r]!;
      const pz = zoneBase[r]!;
      let zonesDown = 1;
      for (let z = 0; z < slots.length; z++) {
        const fixed = slots[z]! < 0 ? -1 : zones[slots[z]!]!;
        zonesDown *= fixed < 0 ? pz[z]! : fixed;
      }
      const slot = regionSlots[r]!;
      const regionDown = slot < 0 ? regionBase[r]! : regions[slot]!;
      const regionServes = (1 - regionDown) * (1 - zonesDown);
      allDown *= 1 - regionServes;
    }
    return clamp01(1 - allDown);
  };
}
