import { type ComponentScope, compilePlan, EVERY_COMPONENT, type ResourcePlan } from "../compile/index.js";
import type { Model } from "../model/types.js";
import type { DiffSide } from "./index.js";
import { type UnchangedComponent, unchangedComponents } from "./unchanged-components.js";

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
 * Compiling finds resource names that two components both make (an input problem). Every
 * component's resource names begin with its own name (test/compile/scope.test.ts), so only two
 * components one of whose names begins with the other's and "-" (`orders`, `orders-db`) can meet:
 * such components are compiled whatever the edit, and a collision is found as a whole compile
 * finds it.
 */
export function comparedPlans(before: DiffSide, after: DiffSide): ComparedPlans {
  if (before.planFromModel !== true || after.planFromModel !== true)
    return { before: planOf(before), after: planOf(after) };
  const unchanged = unchangedComponents(before.model, after.model);
  const mayMeet = namesThatMayMeet([before.model, after.model]);
  const scope: ComponentScope = (component) => mayMeet.has(component) || !unchanged(component);
  return {
    before: compilePlan(before.model, before.analysis, {}, scope),
    after: compilePlan(after.model, after.analysis, {}, scope),
    unchanged,
  };
}

function planOf(side: DiffSide): ResourcePlan {
  return side.plan ?? compilePlan(side.model, side.analysis, {}, EVERY_COMPONENT);
}

/** Components whose name begins with another's and "-", and those others, in any of the models. */
function namesThatMayMeet(models: readonly Model[]): Set<string> {
  const names = new Set<string>();
  for (const model of models)
    for (const list of [model.services, model.datastores, model.streams])
      for (const component of list) names.add(component.name);
  const meet = new Set<string>();
  for (const name of names) {
    for (let at = name.indexOf("-"); at > 0; at = name.indexOf("-", at + 1)) {
      const prefix = name.slice(0, at);
      if (names.has(prefix)) {
        meet.add(prefix);
        meet.add(name);
      }
    }
  }
  return meet;
}
