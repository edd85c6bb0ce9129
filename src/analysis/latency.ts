import type { UserOrigin } from "../model/types.js";
import type { LatencyProfile, OriginLatency } from "./types.js";

/** A median and a p99 in ms. */
export interface Figure {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** A network-only figure: p99 = p50 × tailFactor. */
export const network = (p50Ms: number, tailFactor: number): Figure => ({ p50Ms, p99Ms: p50Ms * tailFactor });

/**
 * Requests spread over `figures` in proportion to their weights (a balancer's endpoints per region):
 * the median and p99 by the convention of `perRequest` (src/analysis/services.ts) — quantile q is
 * the figure of the slowest that together take at least 1 − q of the requests, so the p99 is the
 * slowest one's unless it takes under 1% of them, and the median the one where the slower half
 * begins. Undefined for no figures.
 */
export function mixture(figures: readonly (Figure & { readonly weight: number })[]): Figure | undefined {
  const total = figures.reduce((sum, f) => sum + f.weight, 0);
  if (figures.length === 0 || !(total > 0)) return undefined;
  const quantile = (key: keyof Figure, tail: number) => {
    const slowestFirst = [...figures].sort((a, b) => b[key] - a[key]);
    let taken = 0;
    for (const f of slowestFirst) {
      taken += f.weight / total;
      // Within rounding: the first k of n even figures take k/n.
      if (taken >= tail - 1e-9) return f[key];
    }
    return slowestFirst[slowestFirst.length - 1]![key];
  };
  return { p50Ms: quantile("p50Ms", 0.5), p99Ms: quantile("p99Ms", 0.01) };
}

/** {@link mixture} with every figure weighing the same (regions running the same number of pods). */
export const evenMixture = (figures: readonly Figure[]): Figure | undefined =>
  mixture(figures.map((f) => ({ ...f, weight: 1 })));

/** Latency from each user origin; `at` is undefined when the origin cannot be served. */
export function latencyProfile(
  users: readonly UserOrigin[],
  /** With `failedShare`: the share of those requests that fail (services.ts). */
  at: (origin: string) => (Figure & { readonly failedShare?: number }) | undefined,
): LatencyProfile {
  // One pass, the sums in origin order as before (asked once per component: 20,000 services × 25
  // origins at scale, issue #15).
  const byOrigin: OriginLatency[] = new Array(users.length);
  let share = 0;
  let weighted = 0;
  let worstP99Ms = 0;
  let unavailableShare = 0;
  for (let i = 0; i < users.length; i++) {
    const user = users[i]!;
    const figure = at(user.region);
    if (figure === undefined) {
      byOrigin[i] = { origin: user.region, share: user.share, p50Ms: 0, p99Ms: 0, unavailable: true };
      unavailableShare += user.share;
      continue;
    }
    const failed = figure.failedShare ?? 0;
    byOrigin[i] = {
      origin: user.region,
      share: user.share,
      p50Ms: figure.p50Ms,
      p99Ms: figure.p99Ms,
      ...(failed > 0 ? { failedShare: failed } : {}),
    };
    if (user.share <= 0) continue;
    share += user.share;
    weighted += user.share * figure.p99Ms;
    worstP99Ms = Math.max(worstP99Ms, figure.p99Ms);
  }
  return {
    byOrigin,
    worstP99Ms,
    weightedP99Ms: share === 0 ? 0 : weighted / share,
    ...(unavailableShare > 0 ? { unavailableShare } : {}),
  };
}
