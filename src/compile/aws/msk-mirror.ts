/**
 * What MSK Replicator asks of the Kafka version at both ends. Where the clusters are and which
 * mirror is planned in src/model/msk-clusters.ts, shared with the analysis.
 */

/**
 * Oldest Kafka version both ends must run: identical topic names need 2.8.1 (the Replicator
 * itself 2.7.0, multi-VPC private connectivity 2.7.1); MSK developer guide, "Supported cluster
 * types and versions for MSK Replicator".
 */
export const REPLICATOR_MIN_KAFKA = "2.8.1";

/**
 * Whether an MSK Kafka version (`3.8.x`, `2.8.2.tiered`, `3.7.x.kraft`) is older than `minimum`;
 * `x` (MSK picks the patch) counts as the lowest patch. Undefined when it does not start with a
 * number.
 */
export function kafkaVersionBelow(version: string, minimum: string): boolean | undefined {
  const parts = (text: string) =>
    text
      .split(".")
      .slice(0, 3)
      .map((part) => (part === "x" ? 0 : /^\d+$/.test(part) ? Number(part) : Number.NaN));
  const have = parts(version);
  const need = parts(minimum);
  if (have.length === 0 || Number.isNaN(have[0])) return undefined;
  for (let i = 0; i < need.length; i++) {
    const a = Number.isNaN(have[i] ?? 0) ? 0 : (have[i] ?? 0);
    const b = need[i] ?? 0;
    if (a !== b) return a < b;
  }
  return false;
}
