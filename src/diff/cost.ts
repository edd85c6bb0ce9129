import type { Analysis } from "../analysis/types.js";
import { byText } from "../order.js";

/** Monthly cost of one component before and after, USD (replicas + egress, as src/analysis/cost.ts prices them). */
export interface ComponentCost {
  readonly component: string;
  readonly path: string;
  readonly before: number;
  readonly after: number;
  readonly delta: number;
}

export interface CostDelta {
  /** Components whose cost changed, largest absolute change first. */
  readonly components: readonly ComponentCost[];
  readonly before: { readonly replicas: number; readonly egress: number; readonly total: number };
  readonly after: { readonly replicas: number; readonly egress: number; readonly total: number };
  readonly delta: number;
}

/** Cents: what a bill shows, and no float noise (0.1 + 0.2) in JSON. */
const cents = (usd: number) => Math.round(usd * 100) / 100;

function perComponent(analysis: Analysis): Map<string, { path: string; usd: number }> {
  const out = new Map<string, { path: string; usd: number }>();
  for (const c of [...analysis.datastores, ...analysis.streams, ...analysis.services]) {
    const usd = c.costUsdPerMonth;
    if (usd !== undefined) out.set(c.name, { path: c.path, usd: usd.replicas + usd.egress });
  }
  return out;
}

/**
 * Infracost-style: the monthly estimate per component and in total, before and after; every
 * component the totals price (a service's pods too), so the components' changes add up to the total's.
 */
export function compareCost(before: Analysis, after: Analysis): CostDelta {
  const then = perComponent(before);
  const now = perComponent(after);
  const components: ComponentCost[] = [];
  for (const name of new Set([...then.keys(), ...now.keys()])) {
    const a = cents(then.get(name)?.usd ?? 0);
    const b = cents(now.get(name)?.usd ?? 0);
    if (a === b) continue;
    const path = now.get(name)?.path ?? then.get(name)!.path;
    components.push({ component: name, path, before: a, after: b, delta: cents(b - a) });
  }
  components.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || byText(x.component, y.component));
  const totals = (a: Analysis) => ({
    replicas: cents(a.cost.replicasUsdPerMonth),
    egress: cents(a.cost.egressUsdPerMonth),
    total: cents(a.cost.totalUsdPerMonth),
  });
  const b = totals(before);
  const a = totals(after);
  return { components, before: b, after: a, delta: cents(a.total - b.total) };
}
