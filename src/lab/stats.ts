/**
 * The lab's sample statistics (pure). One definition everywhere, so a figure means the same in
 * every row: the median is the middle value (the mean of the two middle ones for an even count),
 * and a tail percentile is the nearest rank, ceil(q·n) (https://en.wikipedia.org/wiki/Percentile,
 * "The nearest-rank method"): always one of the samples, never interpolated past the largest.
 */

/** The median of `xs`; undefined when there are none. */
export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The nearest-rank q-quantile of `xs` (0 < q ≤ 1): the ceil(q·n)-th smallest; undefined when empty. */
export function nearestRank(xs: readonly number[], q: number): number | undefined {
  if (xs.length === 0) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  // A small epsilon keeps q·n that is an integer in floating point (0.99 × 100) at its rank.
  const rank = Math.ceil(q * sorted.length - 1e-9);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * Fewest samples for which a p99 is more than the largest sample: with fewer than 100, the
 * nearest-rank p99 is the maximum, one outlier's value, not a tail.
 */
export const MIN_SAMPLES_P99 = 100;
