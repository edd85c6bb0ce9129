/**
 * Where a client sends its non-strong reads: the nearest member, and while that one fails, the next
 * nearest — as the analysis prices a weak read (the nearest *live* replica,
 * src/analysis/replication/common.ts `nearestRoundTrip`) and as a driver with a replica list does.
 * A member that failed a read is passed over for `retryAfterMs`, then tried again, so reads come
 * back to it once it has recovered.
 */
export class ReadTargets {
  private readonly downUntil = new Map<string, number>();

  constructor(
    /** Member names, nearest first. */
    private readonly byDistance: readonly string[],
    private readonly retryAfterMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (byDistance.length === 0) throw new Error("no member to read from");
  }

  /** The nearest member not passed over now (the nearest when every one is). */
  current(): string {
    const t = this.now();
    return this.byDistance.find((name) => (this.downUntil.get(name) ?? 0) <= t) ?? this.byDistance[0]!;
  }

  /** A read at `member` failed: pass it over for a while. */
  failed(member: string) {
    this.downUntil.set(member, this.now() + this.retryAfterMs);
  }
}

/** How long a member that failed a read is passed over, ms: the workload's request timeout (estimate). */
export const READ_RETRY_AFTER_MS = 3000;
