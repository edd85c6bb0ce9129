import type { CatalogRegion } from "../../catalog/catalog.js";
import { isAllowedIn } from "../../catalog/catalog.js";
import { type Diagnostic, InputError, inputProblem } from "../../diagnostics/diagnostic.js";
import type { Model } from "../../model/types.js";

/** A region the aws target is about to put a copy of some data in, and the spec path that asked for it. */
export interface DataTarget {
  readonly region: string;
  /** e.g. `datastores.orders.placement["us-east-1"]` */
  readonly path: string;
  /** What goes there, for the message: "replica", "secondary cluster", "replication destination". */
  readonly what: string;
}

/**
 * The second line of defence behind the `residency` policy rule: the aws target never emits a
 * replica, secondary cluster, replication destination or backup outside the component's
 * residency. Returns problems instead of throwing so one run reports all of them.
 */
export function residencyProblems(
  model: Model,
  component: { readonly path: string; readonly residency?: readonly string[] },
  targets: readonly DataTarget[],
): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const target of targets) {
    const region = model.catalog.regions.get(target.region);
    if (region === undefined || region.custom) {
      problems.push(
        inputProblem(
          "aws/unknown-region",
          target.path,
          `${target.what} in "${target.region}": not an AWS region of the catalog, so the aws target cannot deploy there`,
          "place AWS-managed components in AWS regions only",
        ),
      );
      continue;
    }
    const residency = component.residency;
    if (residency === undefined || isAllowedIn(region, residency)) continue;
    problems.push(
      inputProblem(
        "aws/residency",
        target.path,
        `${target.what} in ${target.region} (${describe(region)}) is outside the residency ${residency.join(", ")} of ${component.path}; the aws target refuses to compile it`,
        `move it to a region in ${residency.join(" or ")}, or widen ${component.path}.residency if the data may leave`,
      ),
    );
  }
  return problems;
}

function describe(region: CatalogRegion): string {
  return region.jurisdiction === region.country
    ? `jurisdiction ${region.jurisdiction}`
    : `${region.country}, jurisdiction ${region.jurisdiction}`;
}

/** Throws one InputError listing every problem, if any. */
export function throwIfAny(problems: readonly Diagnostic[]): void {
  if (problems.length > 0) throw new InputError(problems);
}
