import { DESIGNED_AVAILABILITY } from "../catalog/data/replication.js";
import type { Model, ResolvedDatastore } from "../model/types.js";

/**
 * The most availability a datastore may be credited with: 1 − the common-mode probability (a
 * failure no placement protects against; model.commonModeProbability), and for a managed service
 * the availability it is designed for (single- or multi-Region, where AWS states one;
 * src/catalog/data/replication.ts).
 * The exact enumeration over zones and regions assumes independent failures; beyond these caps
 * that assumption, not the system, would be producing the nines.
 */
export function availabilityCap(model: Model, ds: ResolvedDatastore): number {
  const commonMode = 1 - model.settings.commonModeProbability;
  const service = ds.deploy.target === "aws" ? ds.deploy.service : undefined;
  const designed = service === undefined ? undefined : DESIGNED_AVAILABILITY[service];
  const figure = ds.regions.length > 1 ? designed?.multiRegion : designed?.singleRegion;
  return figure === undefined ? commonMode : Math.min(commonMode, figure);
}
