import type { UserOrigin } from "../model/types.js";
import type { LatencyProfile, OriginLatency } from "./types.js";

/** A median and a p99 in ms. */
export interface Figure {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** A network-only figure: p99 = p50 × tailFactor. */
export const network = (p50Ms: number, tailFactor: number): Figure => ({ p50Ms, p99Ms: p50Ms * tailFactor });

/** Latency from each user origin; `at` is undefined when the origin cannot be served. */
export function latencyProfile(
  users: readonly UserOrigin[],
  at: (origin: string) => Figure | undefined,
): LatencyProfile {
  const byOrigin: OriginLatency[] = users.map((user) => {
    const figure = at(user.region);
    return figure === undefined
      ? { origin: user.region, share: user.share, p50Ms: 0, p99Ms: 0, unavailable: true }
      : { origin: user.region, share: user.share, p50Ms: figure.p50Ms, p99Ms: figure.p99Ms };
  });
  const served = byOrigin.filter((o) => !o.unavailable && o.share > 0);
  const share = served.reduce((sum, o) => sum + o.share, 0);
  const unavailableShare = byOrigin.filter((o) => o.unavailable).reduce((sum, o) => sum + o.share, 0);
  return {
    byOrigin,
    worstP99Ms: Math.max(0, ...served.map((o) => o.p99Ms)),
    weightedP99Ms: share === 0 ? 0 : served.reduce((sum, o) => sum + o.share * o.p99Ms, 0) / share,
    ...(unavailableShare > 0 ? { unavailableShare } : {}),
  };
}
