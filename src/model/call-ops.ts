/**
 * Whether a call's op reads: a datastore `read`; a stream's `consume`, or `read`, which the model
 * takes as consuming (a fetch; the exactly-once rule reads it so too). Any other op writes
 * (produces, to a stream).
 */
export const isReadOp = (op: string | undefined): boolean => op === "consume" || op === "read";
