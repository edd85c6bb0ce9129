import type { Diagnostic } from "../diagnostics/diagnostic.js";

export interface FindingDelta {
  /** Failing in the new version, not in the old one (by rule and path). */
  readonly introduced: readonly Diagnostic[];
  /** Failing in the old version, not in the new one. */
  readonly fixed: readonly Diagnostic[];
}

/** A finding's identity across versions: its rule and path; the message carries figures that move. */
const key = (d: Diagnostic) => `${d.code}\u0000${d.path}\u0000${d.status ?? "fail"}`;

/** Findings the change introduces and fixes. Linear in the number of findings. */
export function compareFindings(before: readonly Diagnostic[], after: readonly Diagnostic[]): FindingDelta {
  const then = new Set(before.map(key));
  const now = new Set(after.map(key));
  return {
    introduced: after.filter((d) => !then.has(key(d))),
    fixed: before.filter((d) => !now.has(key(d))),
  };
}
