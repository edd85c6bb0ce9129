/** Placement entries: a count of voters, or replicas by role (spec/schema/datastore.ts). */
export interface RoleCounts {
  readonly voters: number;
  readonly readOnly: number;
  readonly witnesses: number;
}

export type PlacementEntryInput =
  | number
  | { voters?: number | undefined; readOnly?: number | undefined; witnesses?: number | undefined };

/** A placement entry as role counts: a bare count is that many voters. */
export function roleCounts(entry: PlacementEntryInput): RoleCounts {
  if (typeof entry === "number") return { voters: entry, readOnly: 0, witnesses: 0 };
  return { voters: entry.voters ?? 0, readOnly: entry.readOnly ?? 0, witnesses: entry.witnesses ?? 0 };
}

export const totalOf = (c: RoleCounts): number => c.voters + c.readOnly + c.witnesses;
