import { type ComponentScope, compilePlan, type ResourcePlan } from "../compile/index.js";
import { sameData } from "../same-data.js";
import type { DiffSide } from "./index.js";
import {
  type ComponentGraph,
  componentGraph,
  type UnchangedComponent,
  unchangedComponents,
} from "./unchanged-components.js";

export interface ComparedPlans {
  readonly before: ResourcePlan;
  readonly after: ResourcePlan;
  /** Components whose resources both plans hold alike without comparing them, when known. */
  readonly unchanged?: UnchangedComponent;
}

/**
 * The two plans `diff` compares. A side given with its plan is taken as given (compiled whole when
 * it has none). Two sides compiled from their models alike (`planFromModel`) are compiled for the
 * components the edit can change only (unchanged-components.ts): the others' resources are the
 * same in both plans, so leaving them out of both changes no comparison, and an ordinary pull
 * request compiles a few components instead of every one (issue #15).
 *
 * Compiling finds resource names made twice (an input problem). Every component's resource names
 * begin with its own name (test/compile/scope.test.ts), so two components' names meet only when
 * one's name is the other's, "-" and more (`orders`, `orders-db`), and one component's own only
 * when it joins two such names of components it names (`api-to-cache-members`): all of those are
 * compiled whatever the edit, and a collision is found as a whole compile finds it.
 */
export function comparedPlans(before: DiffSide, after: DiffSide): ComparedPlans {
  // Other settings (a stack's network, `--stack-config`) may change any component's resources.
  const alike = sameData(before.options ?? {}, after.options ?? {});
  if (before.planFromModel !== true || after.planFromModel !== true || !alike)
    return { before: planOf(before), after: planOf(after) };
  const graphs = [componentGraph(before.model), componentGraph(after.model)] as const;
  const unchanged = unchangedComponents(before.model, after.model, graphs);
  const mayMeet = namesThatMayMeet(graphs);
  const scope: ComponentScope = (component) => mayMeet.has(component) || !unchanged(component);
  return {
    before: compilePlan(before.model, before.analysis, before.options ?? {}, scope),
    after: compilePlan(after.model, after.analysis, after.options ?? {}, scope),
    unchanged,
  };
}

function planOf(side: DiffSide): ResourcePlan {
  return side.plan ?? compilePlan(side.model, side.analysis, side.options ?? {});
}

/**
 * Components whose resource names may meet another's or each other, in either model: two whose
 * names are one the other's and "-" and more (`orders`, `orders-db`), and one whose neighbours'
 * names are (its DestinationRules `api-to-cache-members` to `cache`'s members and to a component
 * `cache-members` meet).
 */
function namesThatMayMeet(graphs: readonly ComponentGraph[]): Set<string> {
  const meet = new Set<string>();
  for (const { byName, neighbours } of graphs) {
    const names = new Set(byName.keys());
    for (const name of names) {
      const prefix = prefixed(names, name);
      if (prefix !== undefined) meet.add(prefix).add(name);
    }
    for (const [name, around] of neighbours)
      for (const neighbour of around) if (prefixed(around, neighbour) !== undefined) meet.add(name);
  }
  return meet;
}

/** A name among `names` that `name` begins with, followed by "-"; undefined when none. */
function prefixed(names: ReadonlySet<string>, name: string): string | undefined {
  for (let at = name.indexOf("-"); at > 0; at = name.indexOf("-", at + 1))
    if (names.has(name.slice(0, at))) return name.slice(0, at);
  return undefined;
}
