import { primaryNeedsZone, writesNeedPrimary } from "../../src/analysis/primary-dependence.js";
import type { ResolvedDatastore } from "../../src/model/types.js";
import { roundedUp } from "../../src/report/numbers.js";
import { datastoreAnalysis, num, percent, serviceAnalysis, streamAnalysis } from "../lib.js";
import type { Finding, Rule } from "../types.js";

// Error budgets over the SRE Workbook's 30-day window (ch. 2), as the burn-rate alerts count them
// (src/compile/observability); cost months are 730 hours (src/analysis/bandwidth.ts).
const MINUTES_PER_30_DAYS = 30 * 24 * 60;

/**
 * `21.6 min/30 days` of expected downtime for an availability, rounded up at two decimals (as the
 * availability is cut, src/report/numbers.ts): a figure over its budget never prints as the budget.
 */
function downtime(availability: number): string {
  return `${num(+roundedUp((1 - availability) * MINUTES_PER_30_DAYS, 2))} min/30 days`;
}

/**
 * What to add when a primary-replica store's writes stop with its primary's zone (nothing promotes
 * a standby in that region by itself: src/analysis/primary-dependence.ts): more replicas elsewhere
 * do not help, a standby beside the primary does. Undefined otherwise, or when reads are weaker.
 */
function writesWeakenedBy(store: ResolvedDatastore, writesWeaker: boolean): string | undefined {
  const needs = writesNeedPrimary(store);
  if (!writesWeaker || needs === undefined || needs.zone) return undefined;
  const group = store.groups.find((g) => primaryNeedsZone(store, needs, g));
  if (group === undefined) return undefined;
  const region = group.leader.region;
  return `add a standby in another zone of ${region} (its region promotes it by itself when the primary's zone fails; replicas elsewhere are promoted only by an operator)`;
}

/** Availability targets against the exact availability the analysis computes over zone and region failures. */
export const availabilitySlo: Rule = {
  id: "availability-slo",
  title: "Availability SLOs are achievable",
  severity: "error",
  usesAnalysis: true,
  docs: {
    why: "An availability target above what the placement can deliver pages the on-call for failures the design guarantees.",
    how: "Compares `slo.availability` with the analysis: for datastores the lower of write and read availability (a quorum alive, exact over zone and region failure states), for services their own deployment composed with their hard dependencies, for streams the cluster's availability.",
    fix: "Add replicas or regions so a quorum survives more failures, make the weakest hard dependency more available or call it softly (`hard: false`), or relax the SLO.",
  },
  check(model, analysis) {
    const findings: Finding[] = [];
    const report = (path: string, target: number, predicted: number, what: string, fix: string) => {
      if (predicted >= target) return;
      findings.push({
        path: `${path}.slo.availability`,
        message: `predicted ${what}availability ${percent(predicted)} is below the SLO ${percent(target)} (${downtime(predicted)} of downtime against a budget of ${downtime(target)})`,
        fix,
        data: { target, predicted },
      });
    };
    const unknown = (path: string) =>
      findings.push({
        path: `${path}.slo.availability`,
        status: "unknown",
        message: `the analysis has no availability figure for ${path}`,
        fix: "check that the component's regions are in the catalog",
      });
    for (const store of model.datastores) {
      const target = store.slo.availability;
      if (target === undefined) continue;
      const figures = datastoreAnalysis(analysis, store.name);
      if (figures === undefined) {
        unknown(store.path);
        continue;
      }
      const { write, read } = figures.availability;
      const which = write <= read ? "write " : "read ";
      report(
        store.path,
        target,
        Math.min(write, read),
        which,
        `${writesWeakenedBy(store, write <= read) ?? `spread the ${store.replicas} replicas over more zones or regions so a quorum (${store.quorum.write}) survives more failures`}, or relax the SLO to ${percent(Math.min(write, read))}`,
      );
    }
    for (const service of model.services) {
      const target = service.slo.availability;
      if (target === undefined) continue;
      const figures = serviceAnalysis(analysis, service.name);
      if (figures === undefined) {
        unknown(service.path);
        continue;
      }
      const own = figures.ownAvailability < target;
      report(
        service.path,
        target,
        figures.availability,
        "",
        own
          ? `run ${service.name} in more regions (its own deployment gives ${percent(figures.ownAvailability)}), or relax the SLO`
          : `its own deployment gives ${percent(figures.ownAvailability)}; make its hard dependencies more available or call them with hard: false and a fallback, or relax the SLO`,
      );
    }
    for (const stream of model.streams) {
      const target = stream.slo.availability;
      if (target === undefined) continue;
      const figures = streamAnalysis(analysis, stream.name);
      if (figures === undefined) {
        unknown(stream.path);
        continue;
      }
      report(
        stream.path,
        target,
        figures.availability,
        "",
        `add regions or replicas to ${stream.name}, or relax the SLO to ${percent(figures.availability)}`,
      );
    }
    return findings;
  },
};
